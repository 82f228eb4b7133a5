"""Derive, then judge: every quantity of a build, computed once into one frozen object.

``derive(spec)`` walks the lines once (``lines``), runs the power flow in normal operation and
in every single loss (``flow``), and works out the electrical figures (``electrical``), each
UPS's loads and runtime (``runtime``), rack geometry (``geometry``), liquid loops
(``liquid``), heat and air cooling (``thermal``), fire suppression (``fire``), redundancy
(``redundancy``) and energy, bill and lead time (``energy``). The checks, the metrics and the
headroom read the result and compute nothing of their own; the configurator calls the same
functions for placement, drawings, proposals and documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.electrical import Electrical, derive_electrical
from rules.derive.energy import Energy, derive_energy
from rules.derive.fire import Fire, derive_fire
from rules.derive.flow import PowerFlow, derive_flow
from rules.derive.geometry import RackLayout, derive_layouts
from rules.derive.lines import Lines, derive_lines
from rules.derive.liquid import Liquid, derive_liquid, loop_heat_w, plant_annual_water_l
from rules.derive.names import Names
from rules.derive.redundancy import RedundancyResult, cooling_redundancy, ups_redundancy
from rules.derive.runtime import UpsFigures, derive_ups
from rules.derive.thermal import Thermal, derive_thermal
from rules.model import BuildSpec
from rules.specs import Policy, Site

__all__ = ["Derived", "derive"]


@dataclass(frozen=True, slots=True)
class Derived:
    """Every figure of one build, derived once; what the checks judge."""

    spec: BuildSpec
    lines: Lines
    flow: PowerFlow
    electrical: Electrical
    ups: Mapping[str, UpsFigures]  # per UPS line, build order
    layouts: Mapping[str, RackLayout]  # per rack, rack order
    thermal: Thermal
    liquid: Liquid
    # Heat each CDU and facility water source carries (nodes, rear doors, CDUs on it).
    liquid_heat_w: Mapping[str, float]
    fire: Fire
    ups_redundancy: RedundancyResult
    cooling_redundancy: RedundancyResult
    energy: Energy
    names: Names  # how findings name the racks and items
    # UPS lines whose catalogue entry carries a UPS spec (others cannot be judged), build order.
    judged_ups: Sequence[UpsFigures]

    @property
    def site(self) -> Site:
        """The site the build stands at."""
        return self.spec.site

    @property
    def policy(self) -> Policy:
        """The policy the build is judged by."""
        return self.spec.policy


def derive(spec: BuildSpec) -> Derived:
    """Every quantity of ``spec``, computed once."""
    lines = derive_lines(spec)
    flow = derive_flow(lines)
    electrical = derive_electrical(lines, flow)
    ups = derive_ups(lines, flow, electrical.pf_typical)
    liquid = derive_liquid(lines)
    thermal = derive_thermal(lines, ups, liquid)
    policy = spec.policy
    liquid_heat = loop_heat_w(liquid, thermal.door_heat_w)
    water_l = thermal.annual_water_l + plant_annual_water_l(liquid, liquid_heat)
    return Derived(
        spec=spec,
        lines=lines,
        flow=flow,
        electrical=electrical,
        ups=ups,
        layouts=derive_layouts(lines.racks, lines.items_by_rack),
        thermal=thermal,
        liquid=liquid,
        liquid_heat_w=liquid_heat,
        fire=derive_fire(lines),
        ups_redundancy=ups_redundancy(ups, flow, electrical, policy, lines.it_typical_w),
        cooling_redundancy=cooling_redundancy(thermal.units, thermal.heat_w, policy),
        energy=derive_energy(lines, flow.normal, water_l),
        names=Names(spec, lines.by_id),
        judged_ups=[f for f in ups.values() if f.has_spec],
    )
