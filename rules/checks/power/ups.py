"""UPS checks: capacity at the utilisation limit, battery runtime, external battery packs.

Typical W sizes UPSs and runtime, nameplate W warns (C2). An overload in normal operation is
``power.ups_kw_capacity`` / ``ups_kva_capacity`` here; one that appears only when another source
is lost is ``power.feed_failover`` (rules.checks.power.failover).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import ups_kva_limit_va, ups_kw_limit_w
from rules.model import Finding, Severity
from rules.specs import BatteryPackSpec, Kind
from rules.text import ids, percent, volt_amperes, watts

__all__ = ["battery_packs", "ups_capacity", "ups_runtime"]


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
                f"UPS '{line.id}' carries {watts(load)}, above {percent(u)} of its "
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
                f"UPS '{line.id}' carries {volt_amperes(va)} ({watts(load)} at PF "
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
                f"The nameplate load on UPS '{line.id}' is {watts(nameplate)}, above its "
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
                f"UPS '{line.id}' gives neither a runtime table nor battery voltage and Ah, so "
                f"its runtime against the required {required:,.1f} min is unknown.",
                subject=[line.id],
                limit=required,
                unit="min",
            )
        elif runtime.minutes < required:
            eol = " with batteries at end of life" if d.policy.battery_end_of_life else ""
            design_w = ups.design_load_w
            alone = " carrying the whole load alone (2N)" if design_w != ups.load_w else ""
            yield finding(
                "power.ups_runtime",
                Severity.ERROR,
                f"UPS '{line.id}' runs {runtime.minutes:,.1f} min at {watts(design_w)}{alone}"
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
                f"UPS '{line.id}' has {count} external battery packs but {why}.",
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
                    f"Battery pack '{pack.id}' is {pack_spec.nominal_v:g} V but UPS '{line.id}' "
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
            f"Battery packs {ids(unlinked)} name no UPS, so they add no runtime.",
            subject=unlinked,
        )
