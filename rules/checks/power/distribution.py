"""Distribution checks: PDU and ATS current per phase, phase balance, and outlets.

Currents use nameplate W (C2) from the power flow, worked out once in rules.derive.electrical.
An overload in normal operation is ``power.pdu_current`` (value: the worst scenario); one that
appears only when another source is lost is ``power.feed_failover``
(rules.checks.power.failover); ``power.phase_imbalance`` only warns about the spread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import SITE, phase_currents
from rules.model import Finding, PlacedItem, Severity
from rules.specs import AtsSpec, ItSpec, PduSpec, UpsSpec
from rules.text import amps, scenario, watts

__all__ = [
    "OUTLET_FOR_CONNECTOR",
    "pdu_current",
    "pdu_outlets",
    "phase_imbalance",
    "source_mismatch",
]

# IEC 60320: a device inlet C14 takes a C13 cord end, whose plug goes into a C13 outlet; a C20
# inlet takes a C19 cord into a C19 outlet.
OUTLET_FOR_CONNECTOR = {"C14": "c13", "C20": "c19", "other": "other"}


@rule(
    "power",
    pdu_current=(
        "PDU and ATS current per phase and per bank breaker at the 80 % rule",
        "C2; C4; NEC 210.20(A) (S4); S5; S6",
    ),
)
def pdu_current(d: Derived) -> Iterator[Finding]:
    """Nameplate current of every phase of each PDU/ATS, in every scenario, against its limit.

    Reported when the source is overloaded in normal operation; the value is the worst phase in
    the worst scenario (a source overloaded only on failover is ``power.feed_failover``).
    """
    phases = d.lines.phases
    capacities = d.electrical.capacities
    for source_id, currents in d.electrical.distribution_currents.items():
        normal = currents.normal
        if normal.current_a <= normal.limit_a:
            continue
        worst = normal
        if currents.failover is not None and currents.failover.ratio > normal.ratio:
            worst = currents.failover
        phase = f" on phase L{worst.phase}" if phases[source_id] == 3 else ""
        capacity = capacities[source_id]
        yield finding(
            "power.pdu_current",
            Severity.ERROR,
            f"{d.names.start(source_id)} carries {watts(capacity.load_w)} of "
            f"{watts(capacity.usable_w)} "
            f"usable; it draws {amps(worst.current_a)}{phase} {scenario(worst.scenario, d.names)}, "
            f"above its continuous limit of {amps(worst.limit_a)}.",
            subject=[source_id],
            value=worst.current_a,
            limit=worst.limit_a,
            unit="A",
        )


@rule(
    "power",
    phase_imbalance=("Balanced load across the phases of a three-phase source", "C7; S6"),
)
def phase_imbalance(d: Derived) -> Iterator[Finding]:
    """Imbalance % = (I_max - I_avg) / I_avg x 100 of each three-phase source in normal use (C7).

    A phase over its limit is ``power.pdu_current``; this only warns about the spread.
    """
    threshold = d.policy.phase_imbalance_warning_pct
    lines = d.lines
    normal = d.flow.normal
    for source in lines.sources:
        sid = source.id
        if lines.phases[sid] != 3:
            continue
        # C7 on currents; every phase has the same V_LN and load PF, so the ratio is taken on
        # the phase watts themselves (no rounding noise from the division).
        watts = normal.phases(sid)
        avg = sum(watts) / 3
        if avg <= 0:
            continue
        imbalance = (max(watts) - avg) / avg * 100  # C7
        if imbalance > threshold:
            divisor = lines.voltage_v[sid] * d.electrical.load_pf(sid, nameplate=True)
            currents = phase_currents(normal, sid, divisor, single_phase=False)
            yield finding(
                "power.phase_imbalance",
                Severity.WARNING,
                f"The phases of {d.names(sid)} carry {', '.join(amps(i) for i in currents)}: "
                f"{imbalance:.1f} % above their average, more than {threshold:g} %.",
                subject=[sid],
                value=imbalance,
                limit=threshold,
                unit="%",
            )


def _outlets(source: PlacedItem) -> dict[str, int] | None:
    spec = source.component.spec
    if isinstance(spec, PduSpec):
        return {"c13": spec.outlets_c13, "c19": spec.outlets_c19, "other": spec.outlets_other}
    if isinstance(spec, AtsSpec | UpsSpec):
        if spec.outlets_c13 + spec.outlets_c19 == 0:
            return None  # hardwired output: nothing to count
        return {"c13": spec.outlets_c13, "c19": spec.outlets_c19, "other": 0}
    return None


@rule(
    "power",
    pdu_outlets=("Enough outlets of the right type for every cord", "IEC 60320"),
    outlet_adapter_cords=("C14 loads on spare C19 outlets need C13-C20 cords", "IEC 60320"),
)
def pdu_outlets(d: Derived) -> Iterator[Finding]:
    """Cords of IT lines (one per PSU, split over the wired feeds) against a source's outlets.

    A C14 inlet takes a C13 outlet, a C20 inlet a C19 outlet. A C14 device may use a spare C19
    outlet through a C13-to-C20 cord (an info finding says so); a C20 device never fits a C13
    outlet. Non-IT consumers (cooling, fire panels) are taken as hardwired or on their own
    outlets, and DC devices are not counted.
    """
    lines = d.lines
    need: dict[str, dict[str, int]] = defaultdict(lambda: {"c13": 0, "c19": 0, "other": 0})
    plugs: dict[int, tuple[str, int]] = {}  # per component: outlet type, cords per unit
    for key, component in lines.components.items():
        spec = component.spec
        if isinstance(spec, ItSpec) and spec.psu_connector != "dc":
            plugs[key] = (OUTLET_FOR_CONNECTOR[spec.psu_connector], spec.psu_count)
    # Lines on the same cords plug the same way: count cords per cord pair and component.
    for group in lines.cord_groups:
        feeds = [f for f in (group.feed_a, group.feed_b) if f is not None]
        if not feeds:
            continue
        for key, units in group.units_by_component.items():
            plug = plugs.get(key)
            if plug is None:
                continue
            outlet, psu_count = plug
            # A unit's cords are spread over its feeds, the odd one on A.
            for n, feed in enumerate(feeds):
                cords = psu_count // len(feeds) + (1 if n < psu_count % len(feeds) else 0)
                need[feed][outlet] += cords * units
    for source_id, needed in need.items():
        have = _outlets(lines.by_id[source_id])
        if have is None:
            continue
        short: list[str] = []
        c19_short = needed["c19"] - have["c19"]
        if c19_short > 0:
            short.append(f"{needed['c19']} C19 outlets for C20 cords, it has {have['c19']}")
        spare_c19 = max(0, -c19_short)
        c13_over = needed["c13"] - have["c13"]
        if c13_over > spare_c19:
            short.append(
                f"{needed['c13']} C13 outlets for C14 cords, it has {have['c13']}"
                + (f" and {spare_c19} spare C19" if spare_c19 else "")
            )
        if needed["other"] > have["other"]:
            short.append(f"{needed['other']} other outlets, it has {have['other']}")
        total_need = float(sum(needed.values()))
        total_have = float(sum(have.values()))
        if short:
            yield finding(
                "power.pdu_outlets",
                Severity.ERROR,
                f"{d.names.start(source_id)} is short of outlets: the cords plugged into it need "
                f"{'; '.join(short)}.",
                subject=[source_id],
                value=total_need,
                limit=total_have,
                unit="outlets",
            )
        elif c13_over > 0:
            yield finding(
                "power.outlet_adapter_cords",
                Severity.INFO,
                f"{d.names.start(source_id)} has {have['c13']} C13 outlets for {needed['c13']} C14 "
                "cords; "
                f"{c13_over} of them go into spare C19 outlets with C13-to-C20 cords.",
                subject=[source_id],
                value=float(c13_over),
                limit=float(spare_c19),
                unit="outlets",
            )


@rule(
    "power",
    source_mismatch=(
        "Each source's input takes what feeds it: the same phases, the same voltage",
        "reference 1 (single / three phase); IEC 60038 (nominal voltage +/- 10 %)",
    ),
)
def source_mismatch(d: Derived) -> Iterator[Finding]:
    """A three-phase input on a single-phase upstream, or an input for another voltage.

    A PDU's outlets are single phase; a UPS or ATS output and the site supply give their own
    phases. Voltages are line to neutral and match within 10 % (IEC 60038).
    """
    for m in d.electrical.mismatches:
        upstream = d.names(m.upstream)
        if m.what == "phases":
            text = (
                f"{d.names.start(m.source)} takes a three-phase input, but {upstream} gives a "
                "single-phase "
                "supply."
            )
            unit = "phases"
        else:
            text = (
                f"{d.names.start(m.source)} takes {m.needs:g} V (line to neutral), but {upstream} "
                "gives "
                f"{m.gets:g} V."
            )
            unit = "V"
        yield finding(
            "power.source_mismatch",
            Severity.ERROR,
            text,
            subject=[m.source] if m.upstream == SITE else [m.source, m.upstream],
            value=m.needs,
            limit=m.gets,
            unit=unit,
        )
