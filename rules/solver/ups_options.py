"""UPS systems the solver may propose: a model, units in parallel, a pack model and count, with
every figure the model needs worked out once by the engine's own functions (runtime, inlet,
output phase, efficiency)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.derive.electrical import input_mismatch
from rules.derive.lines import ups_efficiency
from rules.derive.runtime import battery_model
from rules.model import PlacedItem
from rules.solver.catalog import CatalogEntry
from rules.solver.fit import battery_capacity_factor
from rules.specs import BatteryPackSpec, UpsSpec, UpsTopology

if TYPE_CHECKING:
    from rules.solver.candidates import Candidates

__all__ = ["MAX_PACKS_PER_SYSTEM", "MAX_PARALLEL_UPS", "UpsOption", "matched", "ups_options"]

# Parallel UPS units per system the solver proposes (beyond, a bigger model is the answer).
MAX_PARALLEL_UPS = 4
# External battery packs per UPS system.
MAX_PACKS_PER_SYSTEM = 8


def matched(phases: int, volts: float, up_phases: int, up_volts: float) -> bool:
    """The engine's ``power.source_mismatch`` finds nothing for this input on this upstream."""
    return not any(input_mismatch(phases, volts, up_phases, up_volts))


@dataclass(frozen=True, slots=True)
class UpsOption:
    """One UPS system: ``q`` units of a model in parallel with ``k`` packs of one pack model."""

    ups: CatalogEntry
    q: int
    pack: CatalogEntry | None
    k: int
    cap_w: float  # typical load one system carries on all its units (C4, C2)
    cap_va: float  # apparent load on all its units (C4, S1)
    spare_cap_w: float  # the same with one unit spare (N+1, C6); 0 for one unit
    spare_cap_va: float
    runtime_w: float | None  # load at which it lasts the runtime asked (S23); None: unknown
    efficiency: float
    recharge_w: float  # on the site supply (policy.ups_recharge_fraction, conv)
    input_phases: int = 1
    output_phases: int = 1
    # Highest input W at the inlet limit: u x rating x phases x V x input PF (power.ups_inlet);
    # None when the data sheet gives no inlet rating.
    inlet_w: float | None = None
    # Output W one phase of a three-phase output carries at u: u x q x kVA / 3 x PF
    # (power.ups_phase_current), at the lowest load PF; None for a single-phase output.
    phase_w: float | None = None
    # Input PF of an online double-conversion UPS (policy.ups_input_power_factor, S26); None:
    # it draws at its load's PF.
    input_pf: float | None = None

    def price(self, *, cost: bool) -> float:
        """Price of one system."""
        pack = self.pack.price(cost=cost) * self.k if self.pack is not None else 0.0
        return self.ups.price(cost=cost) * self.q + pack

    @property
    def u(self) -> int:
        """Rack units of one system."""
        pack_u = int(self.pack.component.u_height) * self.k if self.pack is not None else 0
        return int(self.ups.component.u_height) * self.q + pack_u

    @property
    def kg(self) -> float:
        """Mass of one system."""
        pack = self.pack.component.weight_or_zero_kg * self.k if self.pack is not None else 0.0
        return self.ups.component.weight_or_zero_kg * self.q + pack

    @property
    def lead_time_days(self) -> int:
        """Longest lead time of its parts."""
        pack = self.pack.component.lead_time_days if self.pack is not None and self.k else 0
        return max(self.ups.component.lead_time_days, pack)


def ups_options(
    cands: Candidates, entries: Sequence[CatalogEntry], packs: Sequence[CatalogEntry]
) -> list[UpsOption]:
    """Every UPS system worth considering: model, units in parallel, pack model and count.

    Runtime (S23): ``BatteryModel.load_for(runtime)`` is the exact highest load at which the
    system lasts the runtime, as runtime falls monotonically with load (the engine's table,
    scaling law and Peukert all do). Packs are added one at a time while they raise that load
    and it is still below the capacity limit; more packs than that add nothing.
    """
    req, policy = cands.requirements, cands.policy
    site = req.site
    u = policy.utilisation_limit
    runtime = req.constraints.runtime_min
    factor = battery_capacity_factor(site, policy)
    out: list[UpsOption] = []
    for entry in entries:
        spec = entry.component.spec
        if not isinstance(spec, UpsSpec):
            continue
        if not matched(
            spec.input_phases, spec.input_voltage_v, site.supply_phases, site.supply_voltage_v
        ):
            continue
        eff = ups_efficiency(PlacedItem(id="u", component=entry.component), policy)
        # power.ups_inlet: an online UPS draws at its rectifier's PF, others at their load's
        # (never below the lowest load PF of the candidates).
        online = spec.topology is UpsTopology.ONLINE_DOUBLE_CONVERSION
        in_pf = policy.ups_input_power_factor if online else cands.pf_floor
        inlet = (
            None
            if spec.input_current_a is None
            else u * spec.input_current_a * spec.input_phases * spec.input_voltage_v * in_pf
        )
        pack_choices: list[CatalogEntry | None] = [None]
        if spec.external_battery_support and spec.max_external_packs > 0:
            for candidate in packs:
                p = candidate.component.spec
                if isinstance(p, BatteryPackSpec) and (
                    spec.battery_nominal_v is None
                    or math.isclose(p.nominal_v, spec.battery_nominal_v)
                ):
                    pack_choices.append(candidate)
        for q in range(1, MAX_PARALLEL_UPS + 1):
            # C4 on both ratings; N+1 keeps one unit spare (C6: installed - N >= 1).
            cap_w = u * q * spec.rated_kw * 1000
            cap_va = u * q * spec.kva * 1000
            spare_w = u * (q - 1) * spec.rated_kw * 1000
            spare_va = u * (q - 1) * spec.kva * 1000
            recharge = policy.ups_recharge_fraction * spec.rated_kw * 1000 * q
            phase_w = (
                u * q * spec.kva * 1000 / 3 * cands.pf_floor if spec.output_phases == 3 else None
            )
            for pack in pack_choices:
                limit = min(spec.max_external_packs * q, MAX_PACKS_PER_SYSTEM) if pack else 0
                previous = -1.0
                for k in range(0 if pack is None else 1, limit + 1):
                    pack_spec = pack.component.spec if pack is not None else None
                    counts = [(pack_spec, k)] if isinstance(pack_spec, BatteryPackSpec) else []
                    by_runtime: float | None = math.inf
                    if runtime > 0:
                        model = battery_model(spec, q, counts, policy, factor)
                        by_runtime = model.load_for(runtime)
                    if pack is not None and (by_runtime is None or by_runtime <= previous):
                        break  # another pack adds nothing
                    out.append(
                        UpsOption(
                            entry,
                            q,
                            pack,
                            k,
                            cap_w,
                            cap_va,
                            spare_w,
                            spare_va,
                            by_runtime,
                            eff,
                            recharge,
                            spec.input_phases,
                            spec.output_phases,
                            inlet,
                            phase_w,
                            policy.ups_input_power_factor if online else None,
                        )
                    )
                    if by_runtime is None or by_runtime >= cap_w:
                        break
                    previous = by_runtime
    return out
