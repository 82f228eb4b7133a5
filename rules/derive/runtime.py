"""UPS battery runtime (reference 1, "Battery runtime", S23), worked out once per UPS line and
evaluation.

Precedence (conv): the vendor runtime table, then vendor-point scaling, then Peukert.

* Table of two or more points: interpolated in log-log (a power law between neighbours). Runtime
  against load is close to a power law (Peukert; the (conv) scaling law itself), so log-log is
  exact for a curve of that shape, while linear interpolation draws the chord above a convex
  falling curve and over-states runtime. Outside the table, the (conv) scaling law
  ``t = t_ref * (P_ref / P) ^ x`` runs from the nearest point.
* Table of one point: the same scaling law from that point (``runtime_method = vendor_point``).
* Otherwise Peukert from the battery data: ``t[h] = H * (C / (I * H)) ^ k`` with
  ``I = P / (eta_inv * V)``, capped by the ideal ``t = C / I`` (the reference's upper bound).

External packs are strings in parallel with the internal one at the same voltage; parallel
strings share the current in proportion to their Ah, so the bank behaves like one string of the
summed Ah. For Peukert that is ``C = C_int + sum(C_pack)``. For a table measured on the internal
string alone, ``m`` times the capacity at load ``P`` lasts what the table gives at ``P / m``:
``H * (m C / (I H)) ^ k = H * (C / ((I / m) H)) ^ k``, the same identity. Batteries at end of
life (the policy's share of rated capacity, 80 % by default) and batteries in the cold (below
their rating temperature) scale the same way, ``m -> f m``.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rules.derive.flow import PowerFlow, ups_recharge_w
from rules.derive.lines import Lines, ups_spec
from rules.model import PlacedItem
from rules.specs import (
    BatteryChemistry,
    BatteryPackSpec,
    Kind,
    Policy,
    Redundancy,
    UpsSpec,
    UpsTopology,
)

__all__ = [
    "PEUKERT_RATED_HOURS",
    "BatteryModel",
    "Runtime",
    "UpsFigures",
    "battery_model",
    "battery_models",
    "battery_temperature_factor",
    "derive_ups",
    "usable_packs",
]

PEUKERT_RATED_HOURS = 20.0  # reference 1: Ah quoted at the C20 rate, H = 20
IDLE_LOAD_W = 1.0  # runtime is evaluated at no less than this per UPS unit

RuntimeMethod = Literal["table", "vendor_point", "peukert", "none"]


@dataclass(slots=True)
class Runtime:
    """Runtime of one UPS line at one load, and how it was found.

    Read-only once derived; not frozen because the engine builds one per UPS line and battery
    state in its hot path, where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    minutes: float | None
    method: RuntimeMethod


def _scale(t_ref: float, p_ref: float, p: float, exponent: float) -> float:
    """Vendor-point scaling (conv): t = t_ref * (P_ref / P) ^ x (reference 1)."""
    return float(t_ref * (p_ref / p) ** exponent)


def _table_minutes(points: tuple[tuple[float, float], ...], p: float, exponent: float) -> float:
    """Log-log interpolation inside the table, scaling law from the nearest point outside."""
    if p <= points[0][0]:
        return _scale(points[0][1], points[0][0], p, exponent)
    if p >= points[-1][0]:
        return _scale(points[-1][1], points[-1][0], p, exponent)
    for (p1, t1), (p2, t2) in itertools.pairwise(points):
        if p1 <= p <= p2:
            frac = math.log(p / p1) / math.log(p2 / p1)
            return math.exp(math.log(t1) + frac * (math.log(t2) - math.log(t1)))
    raise AssertionError("unreachable: p lies inside the table")  # pragma: no cover


@dataclass(slots=True)
class BatteryModel:
    """How one UPS line's runtime depends on its load: the method and its constants.

    ``table`` / ``vendor_point``: ``points`` (load W, minutes) of one unit's internal string
    and the capacity multiplier ``m`` (packs x end of life): a unit at p W lasts what the table
    gives at p / m. ``peukert``: equivalent string ``volts``, ``ah`` (per unit, end of life
    applied), rated ``hours`` and exponent ``k``.

    Read-only once derived; not frozen because the engine builds one per UPS line and battery
    state in its hot path, where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    method: RuntimeMethod
    units: int
    points: tuple[tuple[float, float], ...] = ()
    m: float = 1.0
    exponent: float = 1.3
    volts: float = 0.0
    ah: float = 0.0
    hours: float = PEUKERT_RATED_HOURS
    k: float = 1.0
    eta: float = 1.0

    def minutes(self, load_w: float) -> float | None:
        """Runtime in minutes of the line carrying ``load_w`` (all units)."""
        if load_w <= 0 or self.method == "none":
            return None
        # Units in parallel share the load. Below a watt a UPS is idle: the runtime laws are
        # extrapolations there, and at vanishing loads they overflow a float.
        p = max(load_w / self.units, IDLE_LOAD_W)
        if self.method == "peukert":
            current = p / (self.eta * self.volts)  # I = P / (eta_inv * V)
            peukert_h = self.hours * (self.ah / (current * self.hours)) ** self.k
            ideal_h = self.ah / current  # t = V * Ah * eta / P: the upper bound
            return float(min(peukert_h, ideal_h) * 60)
        p_eq = p / self.m
        if self.method == "vendor_point":
            return _scale(self.points[0][1], self.points[0][0], p_eq, self.exponent)
        return _table_minutes(self.points, p_eq, self.exponent)

    def load_for(self, minutes: float) -> float | None:
        """Line load (W, all units) at which the runtime is exactly ``minutes``."""
        if self.method == "none" or minutes <= 0:
            return None
        if self.method == "peukert":
            hours_needed = minutes / 60
            # Invert both bounds; the runtime is their minimum, so the load is the lower one.
            by_peukert = self.ah / self.hours * (self.hours / hours_needed) ** (1 / self.k)
            by_ideal = self.ah / hours_needed
            p = min(by_peukert, by_ideal) * self.eta * self.volts
        else:
            p = _table_load(self.points, minutes, self.exponent) * self.m
        return float(p * self.units)


def _table_load(points: tuple[tuple[float, float], ...], t: float, exponent: float) -> float:
    """Inverse of ``_table_minutes``: the load at which the table gives ``t`` minutes."""
    first, last = points[0], points[-1]
    if t >= first[1]:
        return float(first[0] * (first[1] / t) ** (1 / exponent))
    if t <= last[1]:
        return float(last[0] * (last[1] / t) ** (1 / exponent))
    for (p1, t1), (p2, t2) in itertools.pairwise(points):
        if t1 >= t >= t2:
            frac = math.log(t / t1) / math.log(t2 / t1)
            return math.exp(math.log(p1) + frac * math.log(p2 / p1))
    raise AssertionError("unreachable: t lies inside the table")  # pragma: no cover


def _chemistry_k(policy: Policy, chemistry: BatteryChemistry) -> float:
    if chemistry is BatteryChemistry.LI_ION:
        return policy.peukert_k_li_ion
    return policy.peukert_k_vrla


def usable_packs(
    spec: UpsSpec, packs: Sequence[PlacedItem]
) -> list[tuple[PlacedItem, BatteryPackSpec]]:
    """Packs that can join the string: a pack at another voltage cannot (and is an error)."""
    string_v = spec.battery_nominal_v
    out = []
    for pack in packs:
        pack_spec = pack.component.spec
        if not isinstance(pack_spec, BatteryPackSpec):
            continue
        if string_v is not None and not math.isclose(pack_spec.nominal_v, string_v):
            continue
        out.append((pack, pack_spec))
    return out


def battery_model(
    spec: UpsSpec,
    quantity: int,
    packs: Sequence[tuple[BatteryPackSpec, int]],
    policy: Policy,
    capacity_factor: float = 1.0,
) -> BatteryModel:
    """The runtime model of ``quantity`` units of a UPS in parallel with external ``packs``
    (spec and count, usable ones only) under ``policy`` (reference 1 precedence; see the module
    docstring), with the batteries holding ``capacity_factor`` of their rated capacity (end of
    life, cold)."""
    return battery_models(spec, quantity, packs, policy, (capacity_factor,))[0]


def battery_models(
    spec: UpsSpec,
    quantity: int,
    packs: Sequence[tuple[BatteryPackSpec, int]],
    policy: Policy,
    capacity_factors: Sequence[float],
) -> list[BatteryModel]:
    """``battery_model`` at each of ``capacity_factors`` (new, end of life...), the string
    worked out once."""
    q = quantity
    exponent = policy.runtime_scaling_exponent

    if spec.runtime_table:
        internal_wh = spec.internal_battery_wh
        pack_wh_per_unit = sum(s.wh * count for s, count in packs) / q
        # Without the internal string's energy the packs cannot be scaled in; leaving them out
        # under-states runtime, the safe side.
        m = 1.0 + pack_wh_per_unit / internal_wh if internal_wh else 1.0
        points = tuple(sorted((pt.load_w, pt.minutes) for pt in spec.runtime_table))
        method: RuntimeMethod = "vendor_point" if len(points) == 1 else "table"
        return [
            BatteryModel(method, q, points=points, m=m * eol, exponent=exponent)
            for eol in capacity_factors
        ]

    # Peukert: one equivalent string of the summed Ah at the string voltage.
    ah = 0.0
    volts: float | None = spec.battery_nominal_v
    ks: list[float] = []
    hours = PEUKERT_RATED_HOURS
    if spec.battery_ah is not None:
        ah += spec.battery_ah
        ks.append(_chemistry_k(policy, spec.battery_chemistry))
    for pack_spec, count in packs:
        ah += pack_spec.ah * count / q
        ks.append(pack_spec.peukert_k or _chemistry_k(policy, pack_spec.chemistry))
        if volts is None:
            volts = pack_spec.nominal_v
        if spec.battery_ah is None:
            hours = pack_spec.rated_hours
    if volts is None or ah <= 0:
        return [BatteryModel("none", q) for _ in capacity_factors]
    return [
        BatteryModel(
            "peukert",
            q,
            volts=volts,
            ah=ah * eol,
            hours=hours,
            k=max(ks),  # mixed strings: the steeper exponent, the safe side
            eta=policy.inverter_efficiency,
        )
        for eol in capacity_factors
    ]


def battery_temperature_factor(temperature_c: float, policy: Policy) -> float:
    """Share of rated capacity a battery holds at ``temperature_c``: below its rating
    temperature it loses ``policy.battery_cold_derate_pct_per_k`` per K (conv; lead-acid
    temperature correction, IEEE 485), and no more than all of it."""
    cold_k = max(0.0, policy.battery_rated_temperature_c - temperature_c)
    return max(0.0, 1 - policy.battery_cold_derate_pct_per_k / 100 * cold_k)


@dataclass(slots=True)
class UpsFigures:
    """What one UPS line carries, draws and how long it lasts.

    ``design_load_w`` is the load its runtime is judged at: normally its typical output (C2);
    on a 2N / 2(N+1) design each system must carry the whole load for the required time on its
    own (reference 5: "each carrying 100 % of the load"), so its worst load over the scenarios
    in which it survives. Runtime is figured with new batteries and at end of life (the policy's
    share of rated capacity, reference 1), both at the site's coldest temperature;
    ``policy.battery_end_of_life`` says which one is judged (``runtime``).

    Read-only once derived; not frozen because the engine builds one per UPS line in its hot
    path, where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    line: PlacedItem
    spec: UpsSpec
    has_spec: bool  # the catalogue gave a UPS spec (a line without one cannot be judged)
    load_w: float  # typical output in normal operation
    nameplate_w: float  # nameplate output in normal operation
    worst_load_w: float  # highest typical output over the scenarios in which it lives
    design_load_w: float
    input_w: float  # highest nameplate input: output / efficiency + recharge (C5; conv)
    input_current_a: float  # per input phase, at the input PF
    packs: Sequence[PlacedItem]  # battery pack lines that name it
    temperature_factor: float  # battery capacity left at the site's coldest (conv)
    model: BatteryModel  # as judged (new or end of life, as the policy says)
    runtime: Runtime  # at the design load, as judged
    runtime_new: Runtime
    runtime_end_of_life: Runtime
    end_of_life: bool  # which of the two ``runtime`` is

    def runtime_at(self, load_w: float) -> Runtime:
        """Runtime of the line carrying ``load_w`` (all units), on the judged basis."""
        minutes = self.model.minutes(load_w)
        return Runtime(minutes, self.model.method if minutes is not None else "none")


def _runtime(model: BatteryModel, load_w: float) -> Runtime:
    minutes = model.minutes(load_w)
    return Runtime(minutes, model.method if minutes is not None else "none")


def derive_ups(
    lines: Lines, flow: PowerFlow, load_pf: Mapping[str, float]
) -> Mapping[str, UpsFigures]:
    """Loads, input, batteries and runtime of every UPS line, in build order. ``load_pf``: the
    typical-weighted PF of the load behind each source (rules.derive.electrical)."""
    packs_of: dict[str, list[PlacedItem]] = defaultdict(list)
    for pack in lines.kind(Kind.BATTERY):
        if pack.ups_id is not None:
            packs_of[pack.ups_id].append(pack)
    policy = lines.policy
    two_n = policy.ups_redundancy in (Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1)
    cold = battery_temperature_factor(lines.site.ambient_min_c, policy)
    eol = policy.battery_end_of_life_fraction
    normal = flow.normal
    out: dict[str, UpsFigures] = {}
    for ups in lines.ups_lines:
        spec = ups_spec(ups)
        load = normal.typical(ups.id)
        worst = load
        worst_np = normal.nameplate(ups.id)
        for scenario in flow.failover(ups.id):
            found = scenario.typical(ups.id)
            if found > worst:
                worst = found
            worst_np = max(worst_np, scenario.nameplate(ups.id))
        eff = spec.efficiency if spec.efficiency is not None else policy.ups_efficiency_default
        input_w = worst_np / eff + ups_recharge_w(ups, policy)  # C5; conv
        # An unknown topology draws at its load's PF: never better than the data says.
        online = spec.topology is UpsTopology.ONLINE_DOUBLE_CONVERSION
        input_pf = policy.ups_input_power_factor if online else load_pf.get(ups.id, 0.95)
        packs = packs_of.get(ups.id, [])
        usable = [(s, pack.quantity) for pack, s in usable_packs(spec, packs)]
        new, old = battery_models(spec, ups.quantity, usable, policy, (cold, cold * eol))
        design = worst if two_n else load
        runtime_new, runtime_eol = _runtime(new, design), _runtime(old, design)
        judged_eol = policy.battery_end_of_life
        out[ups.id] = UpsFigures(
            line=ups,
            spec=spec,
            has_spec=isinstance(ups.component.spec, UpsSpec),
            load_w=load,
            nameplate_w=normal.nameplate(ups.id),
            worst_load_w=worst,
            design_load_w=design,
            input_w=input_w,
            input_current_a=input_w / (spec.input_phases * spec.input_voltage_v * input_pf),
            packs=packs,
            temperature_factor=cold,
            model=old if judged_eol else new,
            runtime=runtime_eol if judged_eol else runtime_new,
            runtime_new=runtime_new,
            runtime_end_of_life=runtime_eol,
            end_of_life=judged_eol,
        )
    return out
