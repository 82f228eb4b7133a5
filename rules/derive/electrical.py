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

from rules.derive.flow import (
    NORMAL,
    Flow,
    PowerFlow,
    Scenario,
    normal_apparent_power,
    ups_recharge_w,
)
from rules.derive.lines import Lines, ups_spec
from rules.model import PlacedItem
from rules.specs import AtsSpec, Kind, PduSpec, Policy, Site, UpsSpec, UpsTopology

__all__ = [
    "SITE",
    "Electrical",
    "PhaseCurrent",
    "SourceCapacity",
    "SourceCurrents",
    "SourceMismatch",
    "derive_electrical",
    "input_mismatch",
    "site_capacity_va",
    "source_limit_a",
    "source_rating_a",
    "ups_kva_limit_va",
    "ups_kw_limit_w",
]

SITE = "site"


@dataclass(slots=True)
class PhaseCurrent:
    """The most loaded phase of a source in one scenario.

    Read-only once derived; not frozen because the engine builds one per source and scenario in
    its hot path, where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    source: str
    scenario: str  # NORMAL or the id of the lost source
    phase: int  # 1..3
    current_a: float
    limit_a: float

    @property
    def ratio(self) -> float:
        """Current over its limit; above 1 the phase is overloaded."""
        return self.current_a / self.limit_a


@dataclass(slots=True)
class SourceCurrents:
    """Worst phase of a source in normal operation and over every failover scenario.

    Read-only once derived; not frozen because the engine builds one per source in its hot path,
    where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    normal: PhaseCurrent
    failover: PhaseCurrent | None
    # Each phase's highest current over normal operation and every failover scenario.
    worst_by_phase: tuple[float, ...]


@dataclass(slots=True)
class SourceCapacity:
    """What a source (PDU, ATS, UPS output, or the site supply) can carry beside what it does.

    Usable figures are at the utilisation limit (C4) and at the PF of the load behind it (C3):
    usable W = limit A x V_LN x PF per phase.

    Read-only once derived; not frozen because the engine builds one per source in its hot path,
    where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    source: str
    phases: int
    voltage_v: float
    limit_a: float  # per phase
    usable_w: float  # all phases
    load_w: float  # nameplate, normal operation (C2)
    worst_a: tuple[float, ...]  # each phase's highest current, normal or failover
    overloaded: tuple[int, ...]  # phases (1..3) whose worst current passes the limit


@dataclass(frozen=True, slots=True)
class SourceMismatch:
    """A source whose input does not match what feeds it (phases or voltage)."""

    source: str
    upstream: str  # a source id, or SITE
    what: str  # "phases" or "voltage"
    needs: float  # the source's input
    gets: float  # what its upstream gives


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
    worst_site_nameplate_w: float  # UPS recharge allowances included (rules.derive.flow)
    recharge_w: float  # every UPS's recharge allowance, summed (conv)
    # Each site phase's highest current over normal operation and every scenario.
    site_phase_worst_a: tuple[float, ...]
    capacities: Mapping[str, SourceCapacity]  # every source with a limit, then SITE
    mismatches: Sequence[SourceMismatch]

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
        the supply is a circuit), cooling, other loads and UPS losses (C5) and the UPS recharge
        allowances (conv) included."""
        return self.worst_site_nameplate_w


# --------------------------------------------------------------------------- ratings


def ups_kw_limit_w(ups: PlacedItem, policy: Policy) -> float:
    """u * q * kW: quantity units in parallel are one system of q x the rating (C3, C4, S1)."""
    return policy.utilisation_limit * ups.quantity * ups_spec(ups).rated_kw * 1000


def ups_kva_limit_va(ups: PlacedItem, policy: Policy) -> float:
    """u * q * kVA (C4, S1)."""
    return policy.utilisation_limit * ups.quantity * ups_spec(ups).kva * 1000


def source_rating_a(source: PlacedItem) -> float | None:
    """Current rating per phase of a PDU, ATS or UPS output, at 100 %.

    PDU (S4, S5): the plug/input rating protects the whole phase; each bank's breaker protects
    the outlets of that bank. The flow does not know which outlet sits on which bank, so the
    banks of a phase are taken as evenly loaded (an installer spreads the cords): a phase may
    carry ``breaker_a * banks_per_phase``, never more than its input. ATS: its rating. UPS: its
    kVA shared over its output phases.
    """
    spec = source.component.spec
    if isinstance(spec, PduSpec):
        rating = spec.input_current_a
        if spec.breaker_a is not None:
            banks_per_phase = max(1, spec.banks // spec.phases)
            rating = min(rating, spec.breaker_a * banks_per_phase)
        return rating
    if isinstance(spec, AtsSpec):
        return spec.rated_a
    if isinstance(spec, UpsSpec):
        return spec.kva * 1000 * source.quantity / (spec.output_phases * spec.output_voltage_v)
    return None


def source_limit_a(source: PlacedItem, policy: Policy) -> float | None:
    """Continuous current allowed per phase of a PDU, ATS or UPS output: its rating at the
    utilisation limit (C4; NEC 210.20(A), S4); a 100 %-rated PDU assembly is exempt."""
    rating = source_rating_a(source)
    if rating is None:
        return None
    spec = source.component.spec
    if isinstance(spec, PduSpec) and spec.rated_100pct:
        return rating
    return policy.utilisation_limit * rating


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
    # What each cord's source reaches up to the site supply, walked once per source.
    paths: dict[str, set[str]] = {}
    # Consumers on the same cords share their upstream sources: sum them per cord group.
    for group in lines.cord_groups:
        reached = {SITE}
        if lines.feeds_assumed:
            reached.update(all_ups)
        for cord in (group.feed_a, group.feed_b):
            if cord is not None:
                path = paths.get(cord)
                if path is None:
                    path = paths[cord] = set()
                    _upstream(lines, cord, path)
                reached |= path
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
    best = _worst_index(currents)
    return PhaseCurrent(source_id, scenario, best + 1, currents[best], limit)


def _worst_index(currents: Sequence[float]) -> int:
    """Index of the most loaded phase (the first of equals)."""
    best = 0
    for p in range(1, len(currents)):
        if currents[p] > currents[best]:
            best = p
    return best


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
        # The worst failover phase: (current, phase index, lost source), the first of equals.
        found: tuple[float, int, str] | None = None
        for scenario in flow.failover(sid):
            currents = phase_currents(scenario, sid, divisor, single_phase)
            for p, current in enumerate(currents):
                if current > worst[p]:
                    worst[p] = current
            best = _worst_index(currents)
            if found is None or currents[best] > found[0]:
                found = (currents[best], best, scenario.lost)
        failover = (
            PhaseCurrent(sid, found[2], found[1] + 1, found[0], limit)
            if found is not None
            else None
        )
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


# IEC 60038: supply voltages hold within +/-10 % of nominal; a source rated for another nominal
# voltage than its upstream gives is a mismatch.
VOLTAGE_TOLERANCE = 0.10


def input_mismatch(phases: int, volts: float, up_phases: int, up_volts: float) -> tuple[bool, bool]:
    """(phases, voltage) mismatch of an input taking ``phases`` at ``volts`` V_LN from an
    upstream giving ``up_phases`` at ``up_volts``: a three-phase input on a single-phase
    upstream, or a nominal voltage off by more than 10 % of what the upstream gives
    (IEC 60038). The solver proposes only sources this finds matched."""
    return (
        phases > up_phases,
        bool(up_volts) and abs(volts - up_volts) > VOLTAGE_TOLERANCE * up_volts,
    )


def _input_of(source: PlacedItem) -> tuple[int, float]:
    """(phases, V_LN) a source's input takes."""
    spec = source.component.spec
    if isinstance(spec, UpsSpec):
        return spec.input_phases, spec.input_voltage_v
    if isinstance(spec, PduSpec | AtsSpec):
        return spec.phases, spec.voltage_v
    return 1, 0.0


def _output_of(upstream: PlacedItem | None, site: Site, lines: Lines) -> tuple[int, float]:
    """(phases, V_LN) an upstream gives a source plugged into it: a PDU's outlets are single
    phase; a UPS or ATS output and the site supply give what they are."""
    if upstream is None:
        return site.supply_phases, site.supply_voltage_v
    phases = lines.phases[upstream.id]
    if isinstance(upstream.component.spec, PduSpec):
        phases = 1
    return phases, lines.voltage_v[upstream.id]


def _mismatches(lines: Lines) -> list[SourceMismatch]:
    out: list[SourceMismatch] = []
    site = lines.site
    for load in lines.three_phase_loads:  # a three-phase plant load needs a three-phase supply
        load_feeds: list[str | None] = [f for f in (load.feed_a, load.feed_b) if f is not None]
        for feed in load_feeds or [None]:
            upstream = lines.by_id[feed] if feed is not None else None
            up_phases, _ = _output_of(upstream, site, lines)
            if up_phases < 3:
                name = feed if feed is not None else SITE
                out.append(SourceMismatch(load.id, name, "phases", 3, up_phases))
    for source in lines.sources:
        if source.component.spec is None:
            continue
        phases, volts = _input_of(source)
        feeds: list[str | None] = [f for f in (source.feed_a, source.feed_b) if f is not None]
        if not feeds:
            feeds = [None]
        for feed in feeds:
            upstream = lines.by_id[feed] if feed is not None else None
            up_phases, up_volts = _output_of(upstream, site, lines)
            name = feed if feed is not None else SITE
            bad_phases, bad_volts = input_mismatch(phases, volts, up_phases, up_volts)
            if bad_phases:
                out.append(SourceMismatch(source.id, name, "phases", phases, up_phases))
            if bad_volts:
                out.append(SourceMismatch(source.id, name, "voltage", volts, up_volts))
    return out


def _site_phase_worst_a(lines: Lines, flow: PowerFlow, pf: float) -> tuple[float, ...]:
    """Each site phase's highest current, I = P_np / (V_LN x PF) (reference 1; C2)."""
    site = lines.site
    worst = list(flow.normal.site_phase_nameplate_w)
    for scenario in flow.scenarios:
        for p, w in enumerate(scenario.site_phase_nameplate_w):
            if w > worst[p]:
                worst[p] = w
    divisor = site.supply_voltage_v * pf
    if site.supply_phases == 1:
        return (sum(worst) / divisor,)
    return tuple(w / divisor for w in worst)


def _capacities(
    lines: Lines,
    flow: PowerFlow,
    currents: Mapping[str, SourceCurrents],
    pf_nameplate: Mapping[str, float],
    site_worst: tuple[float, ...],
) -> dict[str, SourceCapacity]:
    out: dict[str, SourceCapacity] = {}
    default = lines.policy.power_factor_default
    for sid, c in currents.items():
        phases = lines.phases[sid]
        volts = lines.voltage_v[sid]
        limit = c.normal.limit_a
        out[sid] = SourceCapacity(
            source=sid,
            phases=phases,
            voltage_v=volts,
            limit_a=limit,
            usable_w=limit * volts * pf_nameplate.get(sid, default) * phases,
            load_w=flow.normal.nameplate(sid),
            worst_a=c.worst_by_phase,
            overloaded=tuple(p + 1 for p, a in enumerate(c.worst_by_phase) if a > limit),
        )
    site = lines.site
    limit = lines.policy.utilisation_limit * site.supply_breaker_a
    out[SITE] = SourceCapacity(
        source=SITE,
        phases=site.supply_phases,
        voltage_v=site.supply_voltage_v,
        limit_a=limit,
        usable_w=limit
        * site.supply_voltage_v
        * pf_nameplate.get(SITE, default)
        * site.supply_phases,
        load_w=flow.normal.site_nameplate_w,
        worst_a=site_worst,
        overloaded=tuple(p + 1 for p, a in enumerate(site_worst) if a > limit),
    )
    return out


def ups_input_pf(lines: Lines) -> dict[str, float]:
    """Input PF of each UPS line whose topology sets it: an online double-conversion UPS draws
    at ``policy.ups_input_power_factor`` (conv; S26); others (and an unknown topology, never
    assumed better) draw at their load's PF."""
    pf = lines.policy.ups_input_power_factor
    return {
        u.id: pf
        for u in lines.ups_lines
        if ups_spec(u).topology is UpsTopology.ONLINE_DOUBLE_CONVERSION
    }


def _flow_power_factors(lines: Lines, flow: PowerFlow) -> tuple[dict[str, float], dict[str, float]]:
    """PF behind each source and the site: W / VA of what flows through it in normal operation
    (C3); a source that carries nothing in normal operation (the B input of an ATS) takes the
    PF of every load that can reach it."""
    typical, nameplate = _power_factors(lines)
    va = normal_apparent_power(flow.graph, flow.normal, ups_input_pf(lines))
    normal = flow.normal
    for sid, t_va in va.typical_va.items():
        if t_va > 0 and normal.typical(sid) > 0:
            typical[sid] = normal.typical(sid) / t_va
    for sid, n_va in va.nameplate_va.items():
        if n_va > 0 and normal.nameplate(sid) > 0:
            nameplate[sid] = normal.nameplate(sid) / n_va
    if va.site_typical_va > 0 and normal.site_typical_w > 0:
        typical[SITE] = normal.site_typical_w / va.site_typical_va
    if va.site_nameplate_va > 0 and normal.site_nameplate_w > 0:
        nameplate[SITE] = normal.site_nameplate_w / va.site_nameplate_va
    return typical, nameplate


def derive_electrical(lines: Lines, flow: PowerFlow) -> Electrical:
    """Power factors, currents, UPS paths and the site supply of one build."""
    typical, nameplate = _flow_power_factors(lines, flow)
    currents = _currents(lines, flow, nameplate)
    policy = lines.policy
    recharge = sum(ups_recharge_w(u, policy) for u in lines.ups_lines)
    site_worst = _site_phase_worst_a(lines, flow, nameplate.get(SITE, policy.power_factor_default))
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
        site_phase_worst_a=site_worst,
        capacities=_capacities(lines, flow, currents, nameplate, site_worst),
        mismatches=_mismatches(lines),
    )
