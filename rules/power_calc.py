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

UPS battery runtime is rules.runtime.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from rules.context import Context
from rules.flow import NORMAL, Flow
from rules.model import PlacedItem
from rules.specs import (
    AtsSpec,
    Kind,
    PduSpec,
    UpsSpec,
)

__all__ = [
    "PhaseCurrent",
    "SourceCurrents",
    "apparent_va",
    "every_source_currents",
    "load_pf",
    "memo",
    "phase_currents",
    "site_capacity_va",
    "site_demand_w",
    "source_currents",
    "source_limit_a",
    "ups_kva_limit_va",
    "ups_kw_limit_w",
    "ups_load_w",
    "ups_worst_load_w",
]

T = TypeVar("T")

SITE = "site"


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
