"""Electrical figures: the power factor behind each source, phase currents against each source's
limit in every scenario, UPS ratings at the utilisation limit, and the site supply.

Power factor
------------
The power flow carries real power only. Apparent power and current need the power factor of
the load behind each source: that is the W-weighted harmonic mean of the PFs of every consumer
wired below the source, ``PF = sum(W) / sum(W / PF_i)``, which is exact for the sum of VA of
loads in phase (C3: a device without a PF counts 0.95). It is weighted on typical W for UPS
sizing (kVA, C2) and on nameplate W for currents (C2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.flow import NORMAL, Flow, PowerFlow, Scenario
from rules.derive.lines import Lines, ups_spec
from rules.model import PlacedItem
from rules.specs import AtsSpec, Kind, PduSpec, Policy, Site, UpsSpec

__all__ = [
    "SITE",
    "Electrical",
    "PhaseCurrent",
    "SourceCurrents",
    "derive_electrical",
    "site_capacity_va",
    "source_limit_a",
    "ups_kva_limit_va",
    "ups_kw_limit_w",
]

SITE = "site"


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


@dataclass(frozen=True, slots=True)
class Electrical:
    """The electrical figures of one build."""

    pf_typical: Mapping[str, float]
    pf_nameplate: Mapping[str, float]
    pf_default: float
    # Every source with a current limit (PDU, ATS, UPS output), in build order.
    currents: Mapping[str, SourceCurrents]
    # PDUs and ATSs alone (a UPS's output is judged on its kW and kVA ratings).
    distribution_currents: Mapping[str, SourceCurrents]
    through_ups: Mapping[str, bool]
    site_capacity_va: float
    worst_site_nameplate_w: float
    recharge_w: float

    def load_pf(self, source_id: str, *, nameplate: bool = False) -> float:
        """PF of the load behind a source (or ``SITE``), typical- or nameplate-weighted (C3)."""
        found = (self.pf_nameplate if nameplate else self.pf_typical).get(source_id)
        return found if found is not None else self.pf_default

    def apparent_va(self, source_id: str, watts: float) -> float:
        """VA of ``watts`` of the load behind a source: VA = W / PF (reference 1, S1)."""
        return watts / self.load_pf(source_id)

    @property
    def site_demand_w(self) -> float:
        """Real power the site supply must deliver: the worst scenario's nameplate draw (C2:
        the supply is a circuit), cooling, other loads and UPS losses (C5) included, plus the
        UPS recharge allowance ``policy.ups_recharge_fraction`` x rated kW of every UPS (conv)."""
        return self.worst_site_nameplate_w + self.recharge_w


# --------------------------------------------------------------------------- ratings


def ups_kw_limit_w(ups: PlacedItem, policy: Policy) -> float:
    """u * q * kW: quantity units in parallel are one system of q x the rating (C3, C4, S1)."""
    return policy.utilisation_limit * ups.quantity * ups_spec(ups).rated_kw * 1000


def ups_kva_limit_va(ups: PlacedItem, policy: Policy) -> float:
    """u * q * kVA (C4, S1)."""
    return policy.utilisation_limit * ups.quantity * ups_spec(ups).kva * 1000


def source_limit_a(source: PlacedItem, policy: Policy) -> float | None:
    """Continuous current allowed per phase of a PDU, ATS or UPS output.

    PDU (C4; NEC 210.20(A), S4, S5): the plug/input rating protects the whole phase; each
    bank's breaker protects the outlets of that bank. The flow does not know which outlet sits
    on which bank, so the banks of a phase are taken as evenly loaded (an installer spreads the
    cords): a phase may carry ``breaker_a * banks_per_phase``, never more than its input. A
    100 %-rated assembly is exempt from the 80 % rule. ATS: its rating at u. UPS: its kVA shared
    over its output phases at u.
    """
    u = policy.utilisation_limit
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


def site_capacity_va(site: Site) -> float:
    """Apparent capacity of the utility supply: V_LN * I per phase, times the phases."""
    return site.supply_voltage_v * site.supply_breaker_a * site.supply_phases


# --------------------------------------------------------------------------- derivation


def _upstream(lines: Lines, source_id: str, seen: set[str]) -> None:
    """Every source on any path from ``source_id`` to the site supply, itself included."""
    if source_id in seen:
        return
    seen.add(source_id)
    source = lines.by_id[source_id]
    for up in (source.feed_a, source.feed_b):
        if up is not None:
            _upstream(lines, up, seen)


def _power_factors(lines: Lines) -> tuple[dict[str, float], dict[str, float]]:
    # sums per source: typical W, typical VA, nameplate W, nameplate VA
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    all_ups = [u.id for u in lines.ups_lines]
    # Consumers on the same cords share their upstream sources: sum them per cord group.
    for group in lines.cord_groups:
        reached = {SITE}
        if lines.feeds_assumed:
            reached.update(all_ups)
        for cord in (group.feed_a, group.feed_b):
            if cord is not None:
                _upstream(lines, cord, reached)
        for source_id in reached:
            acc = sums[source_id]
            acc[0] += group.typical_w
            acc[1] += group.typical_va
            acc[2] += group.nameplate_w
            acc[3] += group.nameplate_va
    default = lines.policy.power_factor_default
    typical: dict[str, float] = {}
    nameplate: dict[str, float] = {}
    for source_id, (w_t, va_t, w_n, va_n) in sums.items():
        typical[source_id] = w_t / va_t if va_t > 0 else default
        nameplate[source_id] = w_n / va_n if va_n > 0 else default
    return typical, nameplate


def _worst_phase(
    source_id: str, scenario: str, currents: Sequence[float], limit: float
) -> PhaseCurrent:
    best = 0
    for p in range(1, len(currents)):
        if currents[p] > currents[best]:
            best = p
    return PhaseCurrent(source_id, scenario, best + 1, currents[best], limit)


def phase_currents(
    flow: Flow | Scenario, source_id: str, divisor: float, single_phase: bool
) -> list[float]:
    """Current per phase of a source in a scenario, I = P_np / (V_LN * PF) (reference 1; C2);
    ``divisor`` is V_LN * PF. A single-phase source returns one value (the whole source)."""
    watts = flow.phases(source_id)
    if single_phase:
        return [sum(watts) / divisor]
    return [watts[0] / divisor, watts[1] / divisor, watts[2] / divisor]


def _currents(
    lines: Lines, flow: PowerFlow, pf_nameplate: Mapping[str, float]
) -> dict[str, SourceCurrents]:
    out: dict[str, SourceCurrents] = {}
    default = lines.policy.power_factor_default
    for source in lines.sources:
        limit = source_limit_a(source, lines.policy)
        if limit is None:
            continue
        sid = source.id
        # I = P_np / (V_LN * PF): one divisor for every scenario (the PF is the load's).
        divisor = lines.voltage_v[sid] * pf_nameplate.get(sid, default)
        single_phase = lines.phases[sid] == 1
        currents = phase_currents(flow.normal, sid, divisor, single_phase)
        worst = list(currents)
        normal = _worst_phase(sid, NORMAL, currents, limit)
        failover: PhaseCurrent | None = None
        for scenario in flow.failover(sid):
            currents = phase_currents(scenario, sid, divisor, single_phase)
            for p, current in enumerate(currents):
                if current > worst[p]:
                    worst[p] = current
            found = _worst_phase(sid, scenario.lost, currents, limit)
            if failover is None or found.current_a > failover.current_a:
                failover = found
        out[sid] = SourceCurrents(normal, failover, tuple(worst))
    return out


def _through_ups(lines: Lines) -> dict[str, bool]:
    out: dict[str, bool] = {}

    def visit(source_id: str) -> bool:
        if source_id not in out:
            source = lines.by_id[source_id]
            out[source_id] = source.component.kind is Kind.UPS or any(
                up is not None and visit(up) for up in (source.feed_a, source.feed_b)
            )
        return out[source_id]

    for source in lines.sources:
        visit(source.id)
    return out


def derive_electrical(lines: Lines, flow: PowerFlow) -> Electrical:
    """Power factors, currents, UPS paths and the site supply of one build."""
    typical, nameplate = _power_factors(lines)
    currents = _currents(lines, flow, nameplate)
    policy = lines.policy
    recharge = sum(
        policy.ups_recharge_fraction * ups_spec(u).rated_kw * 1000 * u.quantity
        for u in lines.ups_lines
    )
    return Electrical(
        pf_typical=typical,
        pf_nameplate=nameplate,
        pf_default=policy.power_factor_default,
        currents=currents,
        distribution_currents={
            sid: c for sid, c in currents.items() if lines.by_id[sid].component.kind is not Kind.UPS
        },
        through_ups=_through_ups(lines),
        site_capacity_va=site_capacity_va(lines.site),
        worst_site_nameplate_w=flow.worst_site_nameplate_w(),
        recharge_w=recharge,
    )
