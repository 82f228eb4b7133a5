"""Failover checks: A/B feeds on the loss of any one source, power supplies riding through a
feed loss, and ATS for single-corded loads on 2N.

Who reports what, so nothing is reported twice:

* a source that holds in normal operation but not when another source is lost is
  ``power.feed_failover``, naming the lost source (normal overloads: ``power.pdu_current``,
  ``power.ups_kw_capacity`` / ``ups_kva_capacity``);
* a dual-fed line whose supplies on one cord cannot carry it is ``power.psu_redundancy``, not a
  dropped line of ``power.feed_failover``.
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import ups_kva_limit_va, ups_kw_limit_w
from rules.derive.lines import psus_needed, psus_per_feed
from rules.model import Finding, PlacedItem, Severity
from rules.specs import ItSpec, Kind, Redundancy
from rules.text import amps, percent

__all__ = ["TWO_N_LEVELS", "feed_failover", "psu_redundancy", "single_corded_needs_ats"]

TWO_N_LEVELS = frozenset({Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1})


@rule(
    "power",
    feed_failover=(
        "Every surviving source carries the load when one source is lost; dual-fed equipment "
        "stays up",
        "reference 1 (per phase, A/B feeds); C4; S3 (WP75)",
    ),
)
def feed_failover(d: Derived) -> Iterator[Finding]:
    """Loss of any one source: every live source within its limits, dual-fed loads kept.

    Only failures that appear on failover are reported here (normal overloads have their own
    codes). A dual-fed load dropped by one loss is an error when the lost source is a PDU or
    ATS (the two cords share a distribution path) or a UPS on a 2N / 2(N+1) design; on N and
    N+1 designs the one UPS system is an accepted single point of failure.
    """
    # PDU / ATS current
    for source_id, currents in d.electrical.distribution_currents.items():
        fail = currents.failover
        if fail is None or currents.normal.ratio > 1 or fail.current_a <= fail.limit_a:
            continue
        yield finding(
            "power.feed_failover",
            Severity.ERROR,
            f"When {d.names(fail.scenario)} is lost, {d.names(source_id)} draws "
            f"{amps(fail.current_a)}, above "
            f"its continuous limit of {amps(fail.limit_a)}.",
            subject=[fail.scenario, source_id],
            value=fail.current_a,
            limit=fail.limit_a,
            unit="A",
        )
    # UPS kW / kVA
    policy = d.policy
    electrical = d.electrical
    for ups in d.judged_ups:
        line = ups.line
        kw_limit = ups_kw_limit_w(line, policy)
        kva_limit = ups_kva_limit_va(line, policy)
        normal = ups.load_w
        if normal > kw_limit or electrical.apparent_va(line.id, normal) > kva_limit:
            continue
        worst: tuple[float, str, float, float, str] | None = None
        # Losses that leave its load as normal cannot fail it (normal holds, above).
        for scenario in d.flow.failover(line.id):
            load = scenario.typical(line.id)
            va = electrical.apparent_va(line.id, load)
            for ratio, value, limit, unit in (
                (load / kw_limit, load, kw_limit, "W"),
                (va / kva_limit, va, kva_limit, "VA"),
            ):
                if ratio > 1 and (worst is None or ratio > worst[0]):
                    worst = (ratio, scenario.lost, value, limit, unit)
        if worst is not None:
            _, lost, value, limit, unit = worst
            yield finding(
                "power.feed_failover",
                Severity.ERROR,
                f"When {d.names(lost)} is lost, UPS {d.names(line.id)} carries {value:,.1f} "
                f"{unit}, above "
                f"{percent(policy.utilisation_limit)} of its rating ({limit:,.1f} {unit}).",
                subject=[lost, line.id],
                value=value,
                limit=limit,
                unit=unit,
            )
    # Dual-fed loads dropped by a single loss
    lines = d.lines
    if lines.feeds_assumed:
        return
    two_n = policy.ups_redundancy in TWO_N_LEVELS
    dual: set[str] | None = None
    for scenario in d.flow.scenarios:
        if not scenario.dropped:
            continue
        lost_kind = lines.by_id[scenario.lost].component.kind
        if lost_kind is Kind.UPS and not two_n:
            continue
        if dual is None:  # lines whose supplies cannot ride through are psu_redundancy's
            dual = {
                item_id
                for group in lines.cord_groups
                if group.feed_a is not None
                and group.feed_b is not None
                and group.rides_on_a
                and group.rides_on_b
                for item_id in group.item_ids
            }
        dropped = [i for i in scenario.dropped if i in dual]
        if dropped:
            yield finding(
                "power.feed_failover",
                Severity.ERROR,
                f"Losing {d.names(scenario.lost)} drops the dual-fed {d.names.many(dropped)}: both "
                "cords depend "
                "on it.",
                subject=[scenario.lost, *dropped],
                value=float(len(dropped)),
                limit=0.0,
                unit="lines",
            )


@rule(
    "power",
    psu_redundancy=(
        "The power supplies on either cord of dual-fed equipment carry it alone",
        "C6 on the supplies, N = ceil(nameplate / PSU rating); reference 1 (per phase, A/B feeds)",
    ),
)
def psu_redundancy(d: Derived) -> Iterator[Finding]:
    """Dual-fed IT lines whose supplies on one cord cannot carry them at nameplate.

    Cords are spread over the two feeds, the odd one on A. A line needs N supplies running
    (``rules.derive.lines.psus_needed``); when one feed has fewer, losing the other feed takes
    the line down, so the failover scenarios drop it rather than move its load.
    """
    lines = d.lines
    if lines.feeds_assumed:
        return
    for group in lines.cord_groups:
        if group.rides_on_a and group.rides_on_b:
            continue
        a, b = group.feed_a, group.feed_b
        for item_id in group.item_ids:
            item = lines.by_id[item_id]
            spec = item.component.spec
            if not isinstance(spec, ItSpec):  # pragma: no cover - only IT lines can fail this
                continue
            nameplate = lines.line_nameplate_w[item_id] / item.quantity
            needed = psus_needed(spec, nameplate)
            on_a, on_b = psus_per_feed(spec.psu_count)
            if spec.psus_required is not None:
                why = "as its vendor states"
            elif spec.psu_rating_w is not None:
                why = f"{nameplate:,.0f} W nameplate / {spec.psu_rating_w:,.0f} W per supply, C6"
            else:
                why = "its supplies are not redundant"
            lost = (
                "either feed"
                if not (group.rides_on_a or group.rides_on_b)
                else d.names(b or "")
                if not group.rides_on_a
                else d.names(a or "")
            )
            yield finding(
                "power.psu_redundancy",
                Severity.ERROR,
                f"{d.names.start(item_id)} is fed from {d.names(a)} (A) and {d.names(b)} (B) "
                f"but needs {needed} of its {spec.psu_count} power supplies running ({why}), "
                f"with {on_a} on A and {on_b} on B: it goes down when {lost} is lost.",
                subject=[item_id, *(f for f in (a, b) if f is not None)],
                value=float(min(on_a, on_b)),
                limit=float(needed),
                unit="PSUs",
            )


def _has_ats_upstream(d: Derived, source_id: str | None) -> bool:
    by_id = d.lines.by_id
    while source_id is not None:
        source = by_id[source_id]
        if source.component.kind is Kind.ATS:
            return True
        source_id = source.feed_a
    return False


def _dual_fed(item: PlacedItem) -> bool:
    return item.feed_a is not None and item.feed_b is not None


@rule(
    "power",
    single_corded_needs_ats=(
        "Single-corded equipment on a 2N design is fed through an ATS",
        "S3 (WP75); reference 5",
    ),
)
def single_corded_needs_ats(d: Derived) -> Iterator[Finding]:
    """On a 2N / 2(N+1) design, a single-corded IT line needs an ATS to reach both systems."""
    if d.policy.ups_redundancy not in TWO_N_LEVELS or d.lines.feeds_assumed:
        return
    for item in d.lines.consumers:
        if not item.component.kind.is_it or _dual_fed(item):
            continue
        spec = item.component.spec
        if isinstance(spec, ItSpec) and (spec.dual_corded or spec.psu_connector == "dc"):
            continue
        if _has_ats_upstream(d, item.feed_a):
            continue
        yield finding(
            "power.single_corded_needs_ats",
            Severity.ERROR,
            f"{d.names.start(item.id)} has a single power cord fed directly from "
            f"{repr(item.feed_a) if item.feed_a else 'the site supply'}: on a "
            f"{d.policy.ups_redundancy.value} design it needs an ATS to reach both systems.",
            subject=[item.id],
        )
