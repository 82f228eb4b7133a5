"""UPS checks: capacity at the utilisation limit, battery runtime, external battery packs.

Typical W sizes UPSs and runtime, nameplate W warns (C2). An overload in normal operation is
``power.ups_kw_capacity`` / ``ups_kva_capacity`` here; one that appears only when another source
is lost is ``power.feed_failover`` (rules.checks.power.failover).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import source_rating_a, ups_kva_limit_va, ups_kw_limit_w
from rules.derive.flow import NORMAL
from rules.model import Finding, Severity
from rules.specs import BatteryPackSpec, Kind
from rules.text import amps, percent, scenario, volt_amperes, watts

__all__ = ["battery_packs", "ups_capacity", "ups_inlet", "ups_phase_current", "ups_runtime"]


@rule(
    "power",
    ups_kw_capacity=("UPS real-power rating at the utilisation limit", "C2; C3; C4; S1 (WP15)"),
    ups_kva_capacity=("UPS apparent-power rating at the utilisation limit", "C3; C4; S1 (WP15)"),
    ups_nameplate_over_kw=("Nameplate load within the UPS kW rating", "C2"),
)
def ups_capacity(d: Derived) -> Iterator[Finding]:
    """Normal typical output of each UPS line against u x q x kW and u x q x kVA (both hold).

    A line of q units in parallel is one system of q x the rating (C6 counts its units).
    """
    policy = d.policy
    u = policy.utilisation_limit
    for ups in d.judged_ups:
        line = ups.line
        load = ups.load_w  # C2: typical W sizes the UPS
        kw_rating = line.quantity * ups.spec.rated_kw * 1000
        kw_limit = ups_kw_limit_w(line, policy)  # C4: PASS when P <= u * kW
        if load > kw_limit:
            yield finding(
                "power.ups_kw_capacity",
                Severity.ERROR,
                f"UPS {d.names(line.id)} carries {watts(load)}, above {percent(u)} of its "
                f"{watts(kw_rating)} rating ({watts(kw_limit)}).",
                subject=[line.id],
                value=load,
                limit=kw_limit,
                unit="W",
            )
        va = d.electrical.apparent_va(line.id, load)  # S1: VA = W / PF (C3)
        kva_rating = line.quantity * ups.spec.kva * 1000
        kva_limit = ups_kva_limit_va(line, policy)
        if va > kva_limit:
            yield finding(
                "power.ups_kva_capacity",
                Severity.ERROR,
                f"UPS {d.names(line.id)} carries {volt_amperes(va)} ({watts(load)} at PF "
                f"{d.electrical.load_pf(line.id):.3g}), above {percent(u)} of its "
                f"{volt_amperes(kva_rating)} rating ({volt_amperes(kva_limit)}).",
                subject=[line.id],
                value=va,
                limit=kva_limit,
                unit="VA",
            )
        nameplate = ups.nameplate_w
        if nameplate > kw_rating:  # C2: nameplate above the kW rating warns, it does not fail
            yield finding(
                "power.ups_nameplate_over_kw",
                Severity.WARNING,
                f"The nameplate load on UPS {d.names(line.id)} is {watts(nameplate)}, above its "
                f"{watts(kw_rating)} rating; the typical load decides, but check the peaks.",
                subject=[line.id],
                value=nameplate,
                limit=kw_rating,
                unit="W",
            )


@rule(
    "power",
    ups_runtime=("Battery runtime at the normal load", "reference 1 (battery runtime); S23"),
    ups_runtime_unknown=("Runtime can be established", "reference 1 (battery runtime)"),
)
def ups_runtime(d: Derived) -> Iterator[Finding]:
    """Runtime of each loaded UPS line against ``policy.required_runtime_min`` (100 %, C4)."""
    required = d.policy.required_runtime_min
    if required <= 0:
        return
    for ups in d.judged_ups:
        if ups.load_w <= 0:
            continue
        line = ups.line
        runtime = ups.runtime
        if runtime.minutes is None:
            yield finding(
                "power.ups_runtime_unknown",
                Severity.WARNING,
                f"UPS {d.names(line.id)} gives neither a runtime table nor battery voltage and Ah, "
                "so "
                f"its runtime against the required {required:,.1f} min is unknown.",
                subject=[line.id],
                limit=required,
                unit="min",
            )
        elif runtime.minutes < required:
            policy = d.policy
            eol = (
                f" with batteries at end of life ({percent(policy.battery_end_of_life_fraction)})"
                if ups.end_of_life
                else " with new batteries"
            )
            if ups.temperature_factor < 1:
                eol += (
                    f" at {d.site.ambient_min_c:g} °C ({percent(ups.temperature_factor)} of "
                    "their capacity)"
                )
            design_w = ups.design_load_w
            alone = " carrying the whole load alone (2N)" if design_w != ups.load_w else ""
            yield finding(
                "power.ups_runtime",
                Severity.ERROR,
                f"UPS {d.names(line.id)} runs {runtime.minutes:,.1f} min at "
                f"{watts(design_w)}{alone}"
                f"{eol} ({runtime.method.replace('_', ' ')}), short of the required "
                f"{required:,.1f} min.",
                subject=[line.id],
                value=runtime.minutes,
                limit=required,
                unit="min",
            )


@rule(
    "power",
    battery_voltage_mismatch=("Packs match the UPS string voltage", "UPS datasheet"),
    battery_pack_limit=("Packs within what the UPS supports", "UPS datasheet"),
    battery_unlinked=("Every pack extends a UPS", "reference 1 (battery runtime)"),
)
def battery_packs(d: Derived) -> Iterator[Finding]:
    """External packs: the UPS must take them, at its string voltage, up to its pack limit."""
    for ups in d.judged_ups:
        packs = ups.packs
        if not packs:
            continue
        line = ups.line
        spec = ups.spec
        count = sum(p.quantity for p in packs)
        allowed = spec.max_external_packs * line.quantity if spec.external_battery_support else 0
        if count > allowed:
            why = (
                f"takes at most {allowed}"
                if spec.external_battery_support
                else "does not take external batteries"
            )
            yield finding(
                "power.battery_pack_limit",
                Severity.ERROR,
                f"UPS {d.names(line.id)} has {count} external battery packs but {why}.",
                subject=[line.id, *(p.id for p in packs)],
                value=float(count),
                limit=float(allowed),
                unit="packs",
            )
        string_v = spec.battery_nominal_v
        if string_v is None:
            continue
        for pack in packs:
            pack_spec = pack.component.spec
            if (
                isinstance(pack_spec, BatteryPackSpec)
                and abs(pack_spec.nominal_v - string_v) > 1e-9
            ):
                yield finding(
                    "power.battery_voltage_mismatch",
                    Severity.ERROR,
                    f"Battery pack {d.names(pack.id)} is {pack_spec.nominal_v:g} V but UPS "
                    f"{d.names(line.id)} "
                    f"has a {string_v:g} V string; it cannot extend it and adds no runtime.",
                    subject=[pack.id, line.id],
                    value=pack_spec.nominal_v,
                    limit=string_v,
                    unit="V",
                )
    unlinked = [p.id for p in d.lines.kind(Kind.BATTERY) if p.ups_id is None]
    if unlinked:
        yield finding(
            "power.battery_unlinked",
            Severity.WARNING,
            f"Battery packs {d.names.many(unlinked)} name no UPS, so they add no runtime.",
            subject=unlinked,
        )


@rule(
    "power",
    ups_phase_current=(
        "Each output phase of a three-phase UPS within its share of the kVA rating",
        "C4; C7; reference 1 (per phase); S1",
    ),
)
def ups_phase_current(d: Derived) -> Iterator[Finding]:
    """Current on each output phase of a three-phase UPS, in every scenario, against u x its
    kVA shared over its phases; a total over the rating is ``ups_kva_capacity`` or
    ``feed_failover``, so this reports a phase over its limit while the total holds."""
    policy = d.policy
    electrical = d.electrical
    for ups in d.judged_ups:
        line = ups.line
        if ups.spec.output_phases != 3:
            continue
        currents = electrical.currents.get(line.id)
        if currents is None:
            continue
        kva_limit = ups_kva_limit_va(line, policy)
        worst = currents.normal
        if currents.failover is not None and currents.failover.ratio > worst.ratio:
            worst = currents.failover
        if worst.current_a <= worst.limit_a:
            continue
        load = ups.load_w if worst.scenario == NORMAL else ups.worst_load_w
        if electrical.apparent_va(line.id, load) > kva_limit:
            continue  # the whole UPS is over its rating: reported on the total
        yield finding(
            "power.ups_phase_current",
            Severity.ERROR,
            f"UPS {d.names(line.id)} draws {amps(worst.current_a)} on output phase L{worst.phase} "
            f"{scenario(worst.scenario, d.names)}, above its per-phase limit of "
            f"{amps(worst.limit_a)} "
            f"({percent(policy.utilisation_limit)} of its kVA over three phases), though its "
            "total holds: spread the load over the phases.",
            subject=[line.id],
            value=worst.current_a,
            limit=worst.limit_a,
            unit="A",
        )


@rule(
    "power",
    ups_inlet=(
        "A UPS draws within its inlet rating, and what feeds it is rated for that inlet",
        "C2; C4; C5; UPS datasheet (input rating)",
    ),
)
def ups_inlet(d: Derived) -> Iterator[Finding]:
    """The UPS's highest input current (output / efficiency + recharge, C5) against u x its
    inlet rating; and the supply or PDU feeding it against that rating (a supply rated below
    the inlet trips before the UPS reaches its own limit)."""
    policy = d.policy
    u = policy.utilisation_limit
    for ups in d.judged_ups:
        rating = ups.spec.input_current_a
        if rating is None:
            continue
        line = ups.line
        if ups.input_current_a > u * rating:
            yield finding(
                "power.ups_inlet",
                Severity.ERROR,
                f"UPS {d.names(line.id)} draws up to {amps(ups.input_current_a)} per input phase "
                f"({watts(ups.input_w)} with losses and recharge), above {percent(u)} of its "
                f"{rating:g} A inlet ({amps(u * rating)}).",
                subject=[line.id],
                value=ups.input_current_a,
                limit=u * rating,
                unit="A",
            )
        feed = line.feed_a
        if feed is None:
            supply = d.site.supply_breaker_a
            where = "the site supply's breaker"
        else:
            found = source_rating_a(d.lines.by_id[feed])
            if found is None:
                continue
            supply = found
            where = d.names(feed)
        if supply < rating:
            yield finding(
                "power.ups_inlet",
                Severity.WARNING,
                f"UPS {d.names(line.id)} has a {rating:g} A inlet, but {where} is rated {supply:g} "
                "A: "
                "it trips before the UPS reaches its own limit.",
                subject=[line.id] if feed is None else [line.id, feed],
                value=supply,
                limit=rating,
                unit="A",
            )
