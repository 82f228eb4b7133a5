"""Electrical figures shared by the power and redundancy checks, the metrics and the headroom.

Each figure is computed once per evaluation and kept in ``ctx.memo``, so a check, the metrics
and the headroom never repeat the work.

Power factor
------------
The power flow (rules.context) carries real power only. Apparent power and current need the
power factor of the load behind each source: that is the W-weighted harmonic mean of the PFs of
every consumer wired below the source, ``PF = sum(W) / sum(W / PF_i)``, which is exact for the
sum of VA of loads in phase (C3: a device without a PF counts 0.95). It is weighted on typical
W for UPS sizing (kVA, C2) and on nameplate W for currents (C2).

UPS runtime (reference 1, "Battery runtime", S23)
--------------------------------------------------
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
life (80 % of rated capacity) scale the same way, ``m -> 0.8 m``.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

from rules.context import Context
from rules.flow import NORMAL, Flow
from rules.model import PlacedItem
from rules.specs import (
    AtsSpec,
    BatteryChemistry,
    BatteryPackSpec,
    Kind,
    PduSpec,
    Redundancy,
    UpsSpec,
)

__all__ = [
    "BATTERY_END_OF_LIFE_FRACTION",
    "PEUKERT_RATED_HOURS",
    "BatteryModel",
    "PhaseCurrent",
    "Runtime",
    "SourceCurrents",
    "apparent_va",
    "battery_model",
    "battery_packs",
    "every_source_currents",
    "load_pf",
    "memo",
    "phase_currents",
    "runtime_minutes",
    "site_capacity_va",
    "site_demand_w",
    "source_currents",
    "source_limit_a",
    "ups_kva_limit_va",
    "ups_kw_limit_w",
    "ups_load_w",
    "ups_runtime",
    "ups_worst_load_w",
]

T = TypeVar("T")

BATTERY_END_OF_LIFE_FRACTION = 0.8  # reference 1: end of life at 80 % of rated capacity
PEUKERT_RATED_HOURS = 20.0  # reference 1: Ah quoted at the C20 rate, H = 20
SITE = "site"
IDLE_LOAD_W = 1.0  # runtime is evaluated at no less than this per UPS unit

RuntimeMethod = Literal["table", "vendor_point", "peukert", "none"]


def memo(ctx: Context, key: str, compute: Callable[[Context], T]) -> T:
    """``compute(ctx)`` once per evaluation, kept in ``ctx.memo`` under ``key``."""
    store = ctx.memo
    if key not in store:
        store[key] = compute(ctx)
    return cast(T, store[key])


# --------------------------------------------------------------------------- power factor


def _upstream(ctx: Context, source_id: str, seen: set[str]) -> None:
    """Every source on any path from ``source_id`` to the site supply, itself included."""
    if source_id in seen:
        return
    seen.add(source_id)
    source = ctx.by_id[source_id]
    for up in (source.feed_a, source.feed_b):
        if up is not None:
            _upstream(ctx, up, seen)


def _compute_pf(ctx: Context) -> dict[str, tuple[float, float]]:
    # sums per source: typical W, typical VA, nameplate W, nameplate VA
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    all_ups = [u.id for u in ctx.ups_lines]
    # Consumers on the same cords share their upstream sources: sum them per cord group.
    for group in ctx.cord_groups:
        reached = {SITE}
        if ctx.feeds_assumed:
            reached.update(all_ups)
        for cord in (group.feed_a, group.feed_b):
            if cord is not None:
                _upstream(ctx, cord, reached)
        for source_id in reached:
            acc = sums[source_id]
            acc[0] += group.typical_w
            acc[1] += group.typical_va
            acc[2] += group.nameplate_w
            acc[3] += group.nameplate_va
    default = ctx.policy.power_factor_default
    out: dict[str, tuple[float, float]] = {}
    for source_id, (w_t, va_t, w_n, va_n) in sums.items():
        out[source_id] = (w_t / va_t if va_t > 0 else default, w_n / va_n if va_n > 0 else default)
    return out


def load_pf(ctx: Context, source_id: str, *, nameplate: bool = False) -> float:
    """PF of the load behind a source (or ``"site"``): typical-weighted, or nameplate-weighted."""
    pfs = memo(ctx, "power_calc.pf", _compute_pf)
    pair = pfs.get(source_id)
    if pair is None:
        return ctx.policy.power_factor_default  # C3
    return pair[1] if nameplate else pair[0]


def apparent_va(ctx: Context, source_id: str, watts: float) -> float:
    """VA of ``watts`` of the load behind a source: VA = W / PF (reference 1, S1)."""
    return watts / load_pf(ctx, source_id)


# --------------------------------------------------------------------------- UPS capacity


def ups_load_w(ctx: Context, ups: PlacedItem, flow: Flow | None = None) -> float:
    """Typical output W of a UPS line (all units) in a scenario, normal by default (C2)."""
    return (flow or ctx.normal).typical_w.get(ups.id, 0.0)


def ups_worst_load_w(ctx: Context, ups: PlacedItem) -> float:
    """Highest typical output W of a UPS line over every scenario in which it lives."""
    worst = 0.0
    for flow in ctx.surviving_flows(ups.id):
        load = flow.typical_w.get(ups.id, 0.0)
        if load > worst:
            worst = load
    return worst


def ups_kw_limit_w(ctx: Context, ups: PlacedItem) -> float:
    """u * q * kW: quantity units in parallel are one system of q x the rating (C3, C4, S1)."""
    return ctx.policy.utilisation_limit * ups.quantity * ctx.ups_spec(ups).rated_kw * 1000


def ups_kva_limit_va(ctx: Context, ups: PlacedItem) -> float:
    """u * q * kVA (C4, S1)."""
    return ctx.policy.utilisation_limit * ups.quantity * ctx.ups_spec(ups).kva * 1000


# --------------------------------------------------------------------------- currents


def source_limit_a(ctx: Context, source: PlacedItem) -> float | None:
    """Continuous current allowed per phase of a PDU, ATS or UPS output.

    PDU (C4; NEC 210.20(A), S4, S5): the plug/input rating protects the whole phase; each
    bank's breaker protects the outlets of that bank. The flow does not know which outlet sits
    on which bank, so the banks of a phase are taken as evenly loaded (an installer spreads the
    cords): a phase may carry ``breaker_a * banks_per_phase``, never more than its input. A
    100 %-rated assembly is exempt from the 80 % rule. ATS: its rating at u. UPS: its kVA shared
    over its output phases at u.
    """
    u = ctx.policy.utilisation_limit
    spec = source.component.spec
    if isinstance(spec, PduSpec):
        limit = spec.input_current_a
        if spec.breaker_a is not None:
            banks_per_phase = max(1, spec.banks // spec.phases)
            limit = min(limit, spec.breaker_a * banks_per_phase)
        return limit if spec.rated_100pct else u * limit
    if isinstance(spec, AtsSpec):
        return u * spec.rated_a
    if isinstance(spec, UpsSpec):
        return u * spec.kva * 1000 * source.quantity / (spec.output_phases * spec.output_voltage_v)
    return None


_NO_LOAD = (0.0, 0.0, 0.0)


def phase_currents(ctx: Context, flow: Flow, source: PlacedItem) -> list[float]:
    """Current per phase of a source in a scenario, I = P_np / (V_LN * PF) (reference 1; C2).

    A single-phase source returns one value (the whole source).
    """
    watts = flow.phase_nameplate_w.get(source.id)
    if watts is None:
        watts = [0.0, 0.0, 0.0]
    divisor = ctx.source_voltage_v(source) * load_pf(ctx, source.id, nameplate=True)
    if ctx.source_phases(source) == 1:
        return [sum(watts) / divisor]
    return [w / divisor for w in watts]


@dataclass(frozen=True, slots=True)
class PhaseCurrent:
    """The most loaded phase of a source in one scenario."""

    source: str
    scenario: str  # NORMAL or the id of the lost source
    phase: int  # 1..3
    current_a: float
    limit_a: float

    @property
    def ratio(self) -> float:
        """Current over its limit; above 1 the phase is overloaded."""
        return self.current_a / self.limit_a


@dataclass(frozen=True, slots=True)
class SourceCurrents:
    """Worst phase of a source in normal operation and over every failover scenario."""

    normal: PhaseCurrent
    failover: PhaseCurrent | None
    # Each phase's highest current over normal operation and every failover scenario.
    worst_by_phase: tuple[float, ...]


def _worst_phase(
    source_id: str, scenario: str, currents: list[float], limit: float
) -> PhaseCurrent:
    best = 0
    for p in range(1, len(currents)):
        if currents[p] > currents[best]:
            best = p
    return PhaseCurrent(source_id, scenario, best + 1, currents[best], limit)


def _compute_currents(ctx: Context) -> dict[str, SourceCurrents]:
    out: dict[str, SourceCurrents] = {}
    for source in ctx.sources:
        limit = source_limit_a(ctx, source)
        if limit is None:
            continue
        currents = phase_currents(ctx, ctx.normal, source)
        worst = list(currents)
        normal = _worst_phase(source.id, NORMAL, currents, limit)
        failover: PhaseCurrent | None = None
        # I = P_np / (V_LN * PF): one divisor for every scenario (the PF is the load's).
        divisor = ctx.source_voltage_v(source) * load_pf(ctx, source.id, nameplate=True)
        single_phase = ctx.source_phases(source) == 1
        for flow in ctx.failover_flows(source.id):
            watts = flow.phase_nameplate_w.get(source.id) or _NO_LOAD
            if single_phase:
                currents = [sum(watts) / divisor]
            else:
                currents = [watts[0] / divisor, watts[1] / divisor, watts[2] / divisor]
            for p, current in enumerate(currents):
                if current > worst[p]:
                    worst[p] = current
            found = _worst_phase(source.id, flow.lost or NORMAL, currents, limit)
            if failover is None or found.current_a > failover.current_a:
                failover = found
        out[source.id] = SourceCurrents(normal, failover, tuple(worst))
    return out


def every_source_currents(ctx: Context) -> dict[str, SourceCurrents]:
    """Phase currents of every source with a current limit (PDU, ATS, UPS output)."""
    return memo(ctx, "power_calc.currents", _compute_currents)


def _distribution_currents(ctx: Context) -> dict[str, SourceCurrents]:
    return {
        source_id: currents
        for source_id, currents in every_source_currents(ctx).items()
        if ctx.by_id[source_id].component.kind is not Kind.UPS
    }


def source_currents(ctx: Context) -> dict[str, SourceCurrents]:
    """Worst phase current of every PDU and ATS (with a spec), normal and on failover."""
    return memo(ctx, "power_calc.distribution_currents", _distribution_currents)


# --------------------------------------------------------------------------- site supply


def site_capacity_va(ctx: Context) -> float:
    """Apparent capacity of the utility supply: V_LN * I per phase, times the phases."""
    site = ctx.site
    return site.supply_voltage_v * site.supply_breaker_a * site.supply_phases


def _compute_site_demand(ctx: Context) -> float:
    recharge = sum(
        ctx.policy.ups_recharge_fraction * ctx.ups_spec(u).rated_kw * 1000 * u.quantity
        for u in ctx.ups_lines
    )
    worst = max(f.site_nameplate_w for f in ctx.flows.values())
    return worst + recharge


def site_demand_w(ctx: Context) -> float:
    """Real power the site supply must deliver: the worst scenario's nameplate draw (C2: the
    supply is a circuit) including cooling, other loads and UPS losses (C5), plus the UPS
    recharge allowance ``policy.ups_recharge_fraction`` x rated kW of every UPS (conv)."""
    return memo(ctx, "power_calc.site_demand", _compute_site_demand)


# --------------------------------------------------------------------------- batteries


@dataclass(frozen=True, slots=True)
class Runtime:
    """Runtime of one UPS line at one load, and how it was found."""

    minutes: float | None
    method: RuntimeMethod


def _compute_packs(ctx: Context) -> dict[str, list[PlacedItem]]:
    out: dict[str, list[PlacedItem]] = defaultdict(list)
    for pack in ctx.by_kind.get(Kind.BATTERY, []):
        if pack.ups_id is not None:
            out[pack.ups_id].append(pack)
    return out


def battery_packs(ctx: Context, ups_id: str) -> list[PlacedItem]:
    """Battery pack lines that extend the string of a UPS line (``ups_id``)."""
    return memo(ctx, "power_calc.packs", _compute_packs).get(ups_id, [])


def _usable_packs(ctx: Context, ups: PlacedItem) -> list[tuple[PlacedItem, BatteryPackSpec]]:
    """Packs that can join the string: a pack at another voltage cannot (and is an error)."""
    string_v = ctx.ups_spec(ups).battery_nominal_v
    out = []
    for pack in battery_packs(ctx, ups.id):
        spec = pack.component.spec
        if not isinstance(spec, BatteryPackSpec):
            continue
        if string_v is not None and not math.isclose(spec.nominal_v, string_v):
            continue
        out.append((pack, spec))
    return out


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


def _chemistry_k(ctx: Context, chemistry: BatteryChemistry) -> float:
    if chemistry is BatteryChemistry.LI_ION:
        return ctx.policy.peukert_k_li_ion
    return ctx.policy.peukert_k_vrla


@dataclass(frozen=True, slots=True)
class BatteryModel:
    """How one UPS line's runtime depends on its load: the method and its constants.

    ``table`` / ``vendor_point``: ``points`` (load W, minutes) of one unit's internal string
    and the capacity multiplier ``m`` (packs x end of life): a unit at p W lasts what the table
    gives at p / m. ``peukert``: equivalent string ``volts``, ``ah`` (per unit, end of life
    applied), rated ``hours`` and exponent ``k``.
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


def battery_model(ctx: Context, ups: PlacedItem) -> BatteryModel:
    """The runtime model of a UPS line (reference 1 precedence; see the module docstring)."""
    store = cast(dict[str, BatteryModel], ctx.memo.setdefault("power_calc.battery", {}))
    found = store.get(ups.id)
    if found is None:
        found = _battery_model(ctx, ups)
        store[ups.id] = found
    return found


def _battery_model(ctx: Context, ups: PlacedItem) -> BatteryModel:
    spec = ctx.ups_spec(ups)
    q = ups.quantity
    policy = ctx.policy
    eol = BATTERY_END_OF_LIFE_FRACTION if policy.battery_end_of_life else 1.0
    packs = _usable_packs(ctx, ups)
    exponent = policy.runtime_scaling_exponent

    if spec.runtime_table:
        internal_wh = spec.internal_battery_wh
        pack_wh_per_unit = sum(s.wh * pack.quantity for pack, s in packs) / q
        # Without the internal string's energy the packs cannot be scaled in; leaving them out
        # under-states runtime, the safe side.
        m = 1.0 + pack_wh_per_unit / internal_wh if internal_wh else 1.0
        points = tuple(sorted((pt.load_w, pt.minutes) for pt in spec.runtime_table))
        method: RuntimeMethod = "vendor_point" if len(points) == 1 else "table"
        return BatteryModel(method, q, points=points, m=m * eol, exponent=exponent)

    # Peukert: one equivalent string of the summed Ah at the string voltage.
    ah = 0.0
    volts: float | None = spec.battery_nominal_v
    ks: list[float] = []
    hours = PEUKERT_RATED_HOURS
    if spec.battery_ah is not None:
        ah += spec.battery_ah
        ks.append(_chemistry_k(ctx, spec.battery_chemistry))
    for pack, pack_spec in packs:
        ah += pack_spec.ah * pack.quantity / q
        ks.append(pack_spec.peukert_k or _chemistry_k(ctx, pack_spec.chemistry))
        if volts is None:
            volts = pack_spec.nominal_v
        if spec.battery_ah is None:
            hours = pack_spec.rated_hours
    if volts is None or ah <= 0:
        return BatteryModel("none", q)
    return BatteryModel(
        "peukert",
        q,
        volts=volts,
        ah=ah * eol,
        hours=hours,
        k=max(ks),  # mixed strings: the steeper exponent, the safe side
        eta=policy.inverter_efficiency,
    )


def runtime_minutes(ctx: Context, ups: PlacedItem, load_w: float) -> Runtime:
    """Runtime of a UPS line carrying ``load_w`` (all units) on its batteries and packs."""
    model = battery_model(ctx, ups)
    minutes = model.minutes(load_w)
    return Runtime(minutes, model.method if minutes is not None else "none")


def ups_design_load_w(ctx: Context, ups: PlacedItem) -> float:
    """The load a UPS line's runtime is judged at.

    Normally its typical output (C2). On a 2N / 2(N+1) design each system must carry the whole
    load for the required time on its own (reference 5: "each carrying 100 % of the load"),
    so the worst load over the scenarios in which it survives is used.
    """
    if ctx.policy.ups_redundancy in (Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1):
        return ups_worst_load_w(ctx, ups)
    return ups_load_w(ctx, ups)


def ups_runtime(ctx: Context, ups: PlacedItem) -> Runtime:
    """Runtime of a UPS line at its design load (see ``ups_design_load_w``)."""
    store = cast(dict[str, Runtime], ctx.memo.setdefault("power_calc.runtime", {}))
    found = store.get(ups.id)
    if found is None:
        found = runtime_minutes(ctx, ups, ups_design_load_w(ctx, ups))
        store[ups.id] = found
    return found
