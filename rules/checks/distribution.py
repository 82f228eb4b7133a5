"""Distribution checks (family ``power``): PDU and ATS current per phase, phase balance, A/B
failover, power supplies riding through a feed loss, ATS for single-corded loads on 2N, and
outlets.

Currents use nameplate W (C2) from the context's power flow (rules.context), worked out once in
rules.power_calc. Who reports what, so nothing is reported twice:

* an overload in normal operation is ``power.pdu_current`` for a PDU or ATS (value: the worst
  scenario) and ``power.ups_kw_capacity`` / ``ups_kva_capacity`` for a UPS (rules.checks.power);
* a source that holds in normal operation but not when another source is lost is
  ``power.feed_failover``, naming the lost source;
* a dual-fed line whose supplies on one cord cannot carry it is ``power.psu_redundancy``, not a
  dropped line of ``power.feed_failover``;
* a phase over its limit is ``power.pdu_current``; ``power.phase_imbalance`` only warns.
"""

from __future__ import annotations

from collections import defaultdict

from rules.checks.power import ups_lines_with_spec
from rules.checks.text import amps, ids, percent, scenario
from rules.context import Context, psus_needed, psus_per_feed
from rules.model import PlacedItem, Severity
from rules.power_calc import (
    apparent_va,
    phase_currents,
    source_currents,
    ups_kva_limit_va,
    ups_kw_limit_w,
    ups_load_w,
)
from rules.registry import check
from rules.specs import AtsSpec, ItSpec, Kind, PduSpec, Redundancy, UpsSpec

__all__ = ["OUTLET_FOR_CONNECTOR", "TWO_N_LEVELS"]

TWO_N_LEVELS = frozenset({Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1})
# IEC 60320: a device inlet C14 takes a C13 cord end, whose plug goes into a C13 outlet; a C20
# inlet takes a C19 cord into a C19 outlet.
OUTLET_FOR_CONNECTOR = {"C14": "c13", "C20": "c19", "other": "other"}


# --------------------------------------------------------------------------- currents


@check(
    "power",
    pdu_current=(
        "PDU and ATS current per phase and per bank breaker at the 80 % rule",
        "C2; C4; NEC 210.20(A) (S4); S5; S6",
    ),
)
def pdu_current(ctx: Context) -> None:
    """Nameplate current of every phase of each PDU/ATS, in every scenario, against its limit.

    Reported when the source is overloaded in normal operation; the value is the worst phase in
    the worst scenario (a source overloaded only on failover is ``power.feed_failover``).
    """
    for source_id, currents in source_currents(ctx).items():
        normal = currents.normal
        if normal.current_a <= normal.limit_a:
            continue
        worst = normal
        if currents.failover is not None and currents.failover.ratio > normal.ratio:
            worst = currents.failover
        phase = f" on phase L{worst.phase}" if ctx.source_phases(ctx.by_id[source_id]) == 3 else ""
        ctx.add(
            "power.pdu_current",
            Severity.ERROR,
            f"'{source_id}' draws {amps(worst.current_a)}{phase} {scenario(worst.scenario)}, "
            f"above its continuous limit of {amps(worst.limit_a)}.",
            subject=[source_id],
            value=worst.current_a,
            limit=worst.limit_a,
            unit="A",
        )


@check(
    "power",
    phase_imbalance=("Balanced load across the phases of a three-phase source", "C7; S6"),
)
def phase_imbalance(ctx: Context) -> None:
    """Imbalance % = (I_max - I_avg) / I_avg x 100 of each three-phase source in normal use (C7).

    A phase over its limit is ``power.pdu_current``; this only warns about the spread.
    """
    threshold = ctx.policy.phase_imbalance_warning_pct
    for source in ctx.sources:
        if ctx.source_phases(source) != 3:
            continue
        # C7 on currents; every phase has the same V_LN and load PF, so the ratio is taken on
        # the phase watts themselves (no rounding noise from the division).
        watts = ctx.normal.phase_nameplate_w.get(source.id) or [0.0, 0.0, 0.0]
        avg = sum(watts) / 3
        if avg <= 0:
            continue
        imbalance = (max(watts) - avg) / avg * 100  # C7
        currents = phase_currents(ctx, ctx.normal, source)
        if imbalance > threshold:
            ctx.add(
                "power.phase_imbalance",
                Severity.WARNING,
                f"The phases of '{source.id}' carry {', '.join(amps(i) for i in currents)}: "
                f"{imbalance:.1f} % above their average, more than {threshold:g} %.",
                subject=[source.id],
                value=imbalance,
                limit=threshold,
                unit="%",
            )


# --------------------------------------------------------------------------- failover


def _dual_fed(item: PlacedItem) -> bool:
    return item.feed_a is not None and item.feed_b is not None


@check(
    "power",
    feed_failover=(
        "Every surviving source carries the load when one source is lost; dual-fed equipment "
        "stays up",
        "reference 1 (per phase, A/B feeds); C4; S3 (WP75)",
    ),
)
def feed_failover(ctx: Context) -> None:
    """Loss of any one source: every live source within its limits, dual-fed loads kept.

    Only failures that appear on failover are reported here (normal overloads have their own
    codes). A dual-fed load dropped by one loss is an error when the lost source is a PDU or
    ATS (the two cords share a distribution path) or a UPS on a 2N / 2(N+1) design; on N and
    N+1 designs the one UPS system is an accepted single point of failure.
    """
    # PDU / ATS current
    for source_id, currents in source_currents(ctx).items():
        fail = currents.failover
        if fail is None or currents.normal.ratio > 1 or fail.current_a <= fail.limit_a:
            continue
        ctx.add(
            "power.feed_failover",
            Severity.ERROR,
            f"When '{fail.scenario}' is lost, '{source_id}' draws {amps(fail.current_a)}, above "
            f"its continuous limit of {amps(fail.limit_a)}.",
            subject=[fail.scenario, source_id],
            value=fail.current_a,
            limit=fail.limit_a,
            unit="A",
        )
    # UPS kW / kVA
    for ups in ups_lines_with_spec(ctx):
        kw_limit = ups_kw_limit_w(ctx, ups)
        kva_limit = ups_kva_limit_va(ctx, ups)
        normal = ups_load_w(ctx, ups)
        if normal > kw_limit or apparent_va(ctx, ups.id, normal) > kva_limit:
            continue
        worst: tuple[float, str, float, float, str] | None = None
        # Losses outside the UPS's island leave its load as normal, which holds (above).
        for flow in ctx.surviving_flows(ups.id):
            if flow.lost is None:
                continue
            load = ups_load_w(ctx, ups, flow)
            va = apparent_va(ctx, ups.id, load)
            for ratio, value, limit, unit in (
                (load / kw_limit, load, kw_limit, "W"),
                (va / kva_limit, va, kva_limit, "VA"),
            ):
                if ratio > 1 and (worst is None or ratio > worst[0]):
                    worst = (ratio, flow.lost, value, limit, unit)
        if worst is not None:
            _, lost, value, limit, unit = worst
            ctx.add(
                "power.feed_failover",
                Severity.ERROR,
                f"When '{lost}' is lost, UPS '{ups.id}' carries {value:,.1f} {unit}, above "
                f"{percent(ctx.policy.utilisation_limit)} of its rating ({limit:,.1f} {unit}).",
                subject=[lost, ups.id],
                value=value,
                limit=limit,
                unit=unit,
            )
    # Dual-fed loads dropped by a single loss
    if ctx.feeds_assumed:
        return
    two_n = ctx.policy.ups_redundancy in TWO_N_LEVELS
    dual: set[str] | None = None
    for flow in ctx.flows.values():
        if flow.lost is None or not flow.dropped:
            continue
        lost_kind = ctx.by_id[flow.lost].component.kind
        if lost_kind is Kind.UPS and not two_n:
            continue
        if dual is None:  # lines whose supplies cannot ride through are psu_redundancy's
            dual = {
                item_id
                for group in ctx.cord_groups
                if group.feed_a is not None
                and group.feed_b is not None
                and group.rides_on_a
                and group.rides_on_b
                for item_id in group.item_ids
            }
        dropped = [i for i in flow.dropped if i in dual]
        if dropped:
            ctx.add(
                "power.feed_failover",
                Severity.ERROR,
                f"Losing '{flow.lost}' drops the dual-fed {ids(dropped)}: both cords depend on it.",
                subject=[flow.lost, *dropped],
                value=float(len(dropped)),
                limit=0.0,
                unit="lines",
            )


@check(
    "power",
    psu_redundancy=(
        "The power supplies on either cord of dual-fed equipment carry it alone",
        "C6 on the supplies, N = ceil(nameplate / PSU rating); reference 1 (per phase, A/B feeds)",
    ),
)
def psu_redundancy(ctx: Context) -> None:
    """Dual-fed IT lines whose supplies on one cord cannot carry them at nameplate.

    Cords are spread over the two feeds, the odd one on A. A line needs N supplies running
    (``rules.context.psus_needed``); when one feed has fewer, losing the other feed takes the
    line down, so the failover scenarios drop it rather than move its load.
    """
    if ctx.feeds_assumed:
        return
    for group in ctx.cord_groups:
        if group.rides_on_a and group.rides_on_b:
            continue
        a, b = group.feed_a, group.feed_b
        for item_id in group.item_ids:
            item = ctx.by_id[item_id]
            spec = item.component.spec
            if not isinstance(spec, ItSpec):  # pragma: no cover - only IT lines can fail this
                continue
            nameplate = ctx.line_nameplate_w[item_id] / item.quantity
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
                else (f"'{b}'" if not group.rides_on_a else f"'{a}'")
            )
            ctx.add(
                "power.psu_redundancy",
                Severity.ERROR,
                f"'{item_id}' is fed from '{a}' and '{b}' but needs {needed} of its "
                f"{spec.psu_count} power supplies running ({why}), with {on_a} on '{a}' and "
                f"{on_b} on '{b}': it goes down when {lost} is lost.",
                subject=[item_id, *(f for f in (a, b) if f is not None)],
                value=float(min(on_a, on_b)),
                limit=float(needed),
                unit="PSUs",
            )


def _has_ats_upstream(ctx: Context, source_id: str | None) -> bool:
    while source_id is not None:
        source = ctx.by_id[source_id]
        if source.component.kind is Kind.ATS:
            return True
        source_id = source.feed_a
    return False


@check(
    "power",
    single_corded_needs_ats=(
        "Single-corded equipment on a 2N design is fed through an ATS",
        "S3 (WP75); reference 5",
    ),
)
def single_corded_needs_ats(ctx: Context) -> None:
    """On a 2N / 2(N+1) design, a single-corded IT line needs an ATS to reach both systems."""
    if ctx.policy.ups_redundancy not in TWO_N_LEVELS or ctx.feeds_assumed:
        return
    for item in ctx.consumers:
        if not item.component.kind.is_it or _dual_fed(item):
            continue
        spec = item.component.spec
        if isinstance(spec, ItSpec) and (spec.dual_corded or spec.psu_connector == "dc"):
            continue
        if _has_ats_upstream(ctx, item.feed_a):
            continue
        ctx.add(
            "power.single_corded_needs_ats",
            Severity.ERROR,
            f"'{item.id}' has a single power cord fed directly from "
            f"{repr(item.feed_a) if item.feed_a else 'the site supply'}: on a "
            f"{ctx.policy.ups_redundancy.value} design it needs an ATS to reach both systems.",
            subject=[item.id],
        )


# --------------------------------------------------------------------------- outlets


def _outlets(source: PlacedItem) -> dict[str, int] | None:
    spec = source.component.spec
    if isinstance(spec, PduSpec):
        return {"c13": spec.outlets_c13, "c19": spec.outlets_c19, "other": spec.outlets_other}
    if isinstance(spec, AtsSpec | UpsSpec):
        if spec.outlets_c13 + spec.outlets_c19 == 0:
            return None  # hardwired output: nothing to count
        return {"c13": spec.outlets_c13, "c19": spec.outlets_c19, "other": 0}
    return None


@check(
    "power",
    pdu_outlets=("Enough outlets of the right type for every cord", "IEC 60320"),
    outlet_adapter_cords=("C14 loads on spare C19 outlets need C13-C20 cords", "IEC 60320"),
)
def pdu_outlets(ctx: Context) -> None:
    """Cords of IT lines (one per PSU, split over the wired feeds) against a source's outlets.

    A C14 inlet takes a C13 outlet, a C20 inlet a C19 outlet. A C14 device may use a spare C19
    outlet through a C13-to-C20 cord (an info finding says so); a C20 device never fits a C13
    outlet. Non-IT consumers (cooling, fire panels) are taken as hardwired or on their own
    outlets, and DC devices are not counted.
    """
    need: dict[str, dict[str, int]] = defaultdict(lambda: {"c13": 0, "c19": 0, "other": 0})
    plugs: dict[int, tuple[str, int] | None] = {}  # per component: outlet type, cords per unit
    for key, component in ctx.components.items():
        spec = component.spec
        if isinstance(spec, ItSpec) and spec.psu_connector != "dc":
            plugs[key] = (OUTLET_FOR_CONNECTOR[spec.psu_connector], spec.psu_count)
    # Lines on the same cords plug the same way: count cords per cord pair and component.
    for group in ctx.cord_groups:
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
        have = _outlets(ctx.by_id[source_id])
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
            ctx.add(
                "power.pdu_outlets",
                Severity.ERROR,
                f"'{source_id}' is short of outlets: the cords plugged into it need "
                f"{'; '.join(short)}.",
                subject=[source_id],
                value=total_need,
                limit=total_have,
                unit="outlets",
            )
        elif c13_over > 0:
            ctx.add(
                "power.outlet_adapter_cords",
                Severity.INFO,
                f"'{source_id}' has {have['c13']} C13 outlets for {needed['c13']} C14 cords; "
                f"{c13_over} of them go into spare C19 outlets with C13-to-C20 cords.",
                subject=[source_id],
                value=float(c13_over),
                limit=float(spare_c19),
                unit="outlets",
            )
