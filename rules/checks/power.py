"""Power checks: UPS capacity and runtime, batteries, site supply, and loads whose draw or
protection is unknown. PDU currents, failover and outlets are in rules.checks.distribution.

Loads come from the context's power flow (rules.context): typical W sizes UPSs and runtime,
nameplate W sizes currents (C2). Apparent power, currents and runtime are computed once in
rules.power_calc. An overload in normal operation is ``power.ups_kw_capacity`` /
``ups_kva_capacity`` here; one that appears only when another source is lost is
``power.feed_failover`` (rules.checks.distribution).
"""

from __future__ import annotations

from rules.checks.text import ids, percent, volt_amperes, watts
from rules.context import Context
from rules.model import PlacedItem, Severity
from rules.power_calc import (
    SITE,
    apparent_va,
    load_pf,
    memo,
    site_capacity_va,
    site_demand_w,
    ups_kva_limit_va,
    ups_kw_limit_w,
    ups_load_w,
)
from rules.registry import check
from rules.runtime import battery_packs, ups_design_load_w, ups_runtime
from rules.specs import BatteryPackSpec, Kind, UpsSpec

__all__ = ["feeds_through_ups", "ups_lines_with_spec"]


def ups_lines_with_spec(ctx: Context) -> list[PlacedItem]:
    """UPS lines whose catalogue entry carries a UPS spec (others cannot be judged)."""
    return [u for u in ctx.ups_lines if isinstance(u.component.spec, UpsSpec)]


def _compute_through_ups(ctx: Context) -> dict[str, bool]:
    out: dict[str, bool] = {}

    def visit(source_id: str) -> bool:
        if source_id not in out:
            source = ctx.by_id[source_id]
            out[source_id] = source.component.kind is Kind.UPS or any(
                up is not None and visit(up) for up in (source.feed_a, source.feed_b)
            )
        return out[source_id]

    for source in ctx.sources:
        visit(source.id)
    return out


def feeds_through_ups(ctx: Context, source_id: str) -> bool:
    """Whether a source's power passes through a UPS on some path from the site supply."""
    return memo(ctx, "power.through_ups", _compute_through_ups).get(source_id, False)


# --------------------------------------------------------------------------- UPS capacity


@check(
    "power",
    ups_kw_capacity=("UPS real-power rating at the utilisation limit", "C2; C3; C4; S1 (WP15)"),
    ups_kva_capacity=("UPS apparent-power rating at the utilisation limit", "C3; C4; S1 (WP15)"),
    ups_nameplate_over_kw=("Nameplate load within the UPS kW rating", "C2"),
)
def ups_capacity(ctx: Context) -> None:
    """Normal typical output of each UPS line against u x q x kW and u x q x kVA (both hold).

    A line of q units in parallel is one system of q x the rating (C6 counts its units).
    """
    u = ctx.policy.utilisation_limit
    for ups in ups_lines_with_spec(ctx):
        spec = ctx.ups_spec(ups)
        load = ups_load_w(ctx, ups)  # C2: typical W sizes the UPS
        kw_rating = ups.quantity * spec.rated_kw * 1000
        kw_limit = ups_kw_limit_w(ctx, ups)  # C4: PASS when P <= u * kW
        if load > kw_limit:
            ctx.add(
                "power.ups_kw_capacity",
                Severity.ERROR,
                f"UPS '{ups.id}' carries {watts(load)}, above {percent(u)} of its "
                f"{watts(kw_rating)} rating ({watts(kw_limit)}).",
                subject=[ups.id],
                value=load,
                limit=kw_limit,
                unit="W",
            )
        va = apparent_va(ctx, ups.id, load)  # S1: VA = W / PF (C3)
        kva_rating = ups.quantity * spec.kva * 1000
        kva_limit = ups_kva_limit_va(ctx, ups)
        if va > kva_limit:
            ctx.add(
                "power.ups_kva_capacity",
                Severity.ERROR,
                f"UPS '{ups.id}' carries {volt_amperes(va)} ({watts(load)} at PF "
                f"{load_pf(ctx, ups.id):.3g}), above {percent(u)} of its "
                f"{volt_amperes(kva_rating)} rating ({volt_amperes(kva_limit)}).",
                subject=[ups.id],
                value=va,
                limit=kva_limit,
                unit="VA",
            )
        nameplate = ctx.normal.nameplate_w.get(ups.id, 0.0)
        if nameplate > kw_rating:  # C2: nameplate above the kW rating warns, it does not fail
            ctx.add(
                "power.ups_nameplate_over_kw",
                Severity.WARNING,
                f"The nameplate load on UPS '{ups.id}' is {watts(nameplate)}, above its "
                f"{watts(kw_rating)} rating; the typical load decides, but check the peaks.",
                subject=[ups.id],
                value=nameplate,
                limit=kw_rating,
                unit="W",
            )


# --------------------------------------------------------------------------- runtime, batteries


@check(
    "power",
    ups_runtime=("Battery runtime at the normal load", "reference 1 (battery runtime); S23"),
    ups_runtime_unknown=("Runtime can be established", "reference 1 (battery runtime)"),
)
def ups_runtime_check(ctx: Context) -> None:
    """Runtime of each loaded UPS line against ``policy.required_runtime_min`` (100 %, C4)."""
    required = ctx.policy.required_runtime_min
    if required <= 0:
        return
    for ups in ups_lines_with_spec(ctx):
        if ups_load_w(ctx, ups) <= 0:
            continue
        runtime = ups_runtime(ctx, ups)
        if runtime.minutes is None:
            ctx.add(
                "power.ups_runtime_unknown",
                Severity.WARNING,
                f"UPS '{ups.id}' gives neither a runtime table nor battery voltage and Ah, so "
                f"its runtime against the required {required:,.1f} min is unknown.",
                subject=[ups.id],
                limit=required,
                unit="min",
            )
        elif runtime.minutes < required:
            eol = " with batteries at end of life" if ctx.policy.battery_end_of_life else ""
            design_w = ups_design_load_w(ctx, ups)
            alone = (
                " carrying the whole load alone (2N)" if design_w != ups_load_w(ctx, ups) else ""
            )
            ctx.add(
                "power.ups_runtime",
                Severity.ERROR,
                f"UPS '{ups.id}' runs {runtime.minutes:,.1f} min at {watts(design_w)}{alone}"
                f"{eol} ({runtime.method.replace('_', ' ')}), short of the required "
                f"{required:,.1f} min.",
                subject=[ups.id],
                value=runtime.minutes,
                limit=required,
                unit="min",
            )


@check(
    "power",
    battery_voltage_mismatch=("Packs match the UPS string voltage", "UPS datasheet"),
    battery_pack_limit=("Packs within what the UPS supports", "UPS datasheet"),
    battery_unlinked=("Every pack extends a UPS", "reference 1 (battery runtime)"),
)
def battery_packs_check(ctx: Context) -> None:
    """External packs: the UPS must take them, at its string voltage, up to its pack limit."""
    for ups in ups_lines_with_spec(ctx):
        packs = battery_packs(ctx, ups.id)
        if not packs:
            continue
        spec = ctx.ups_spec(ups)
        count = sum(p.quantity for p in packs)
        allowed = spec.max_external_packs * ups.quantity if spec.external_battery_support else 0
        if count > allowed:
            why = (
                f"takes at most {allowed}"
                if spec.external_battery_support
                else "does not take external batteries"
            )
            ctx.add(
                "power.battery_pack_limit",
                Severity.ERROR,
                f"UPS '{ups.id}' has {count} external battery packs but {why}.",
                subject=[ups.id, *(p.id for p in packs)],
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
                ctx.add(
                    "power.battery_voltage_mismatch",
                    Severity.ERROR,
                    f"Battery pack '{pack.id}' is {pack_spec.nominal_v:g} V but UPS '{ups.id}' "
                    f"has a {string_v:g} V string; it cannot extend it and adds no runtime.",
                    subject=[pack.id, ups.id],
                    value=pack_spec.nominal_v,
                    limit=string_v,
                    unit="V",
                )
    unlinked = [p.id for p in ctx.by_kind.get(Kind.BATTERY, []) if p.ups_id is None]
    if unlinked:
        ctx.add(
            "power.battery_unlinked",
            Severity.WARNING,
            f"Battery packs {ids(unlinked)} name no UPS, so they add no runtime.",
            subject=unlinked,
        )


# --------------------------------------------------------------------------- site and coverage


@check(
    "power",
    site_supply_capacity=(
        "Utility supply carries the whole site draw at the utilisation limit",
        "C2; C4; C5; reference 1 (single/three phase); S5",
    ),
)
def site_supply_capacity(ctx: Context) -> None:
    """Site draw (nameplate, worst scenario, incl. cooling, UPS losses and recharge) vs supply.

    Capacity is apparent power, V_LN x I per phase (x 3 for three phases, balanced); the
    demand in W is turned into VA with the load PF (C3).
    """
    demand = site_demand_w(ctx)
    if demand <= 0:
        return
    u = ctx.policy.utilisation_limit
    pf = load_pf(ctx, SITE, nameplate=True)
    cap_va = site_capacity_va(ctx)
    demand_va = demand / pf
    if demand_va > u * cap_va:
        site = ctx.site
        ctx.add(
            "power.site_supply_capacity",
            Severity.ERROR,
            f"The site draws {watts(demand)} ({volt_amperes(demand_va)}, incl. cooling, UPS "
            f"losses and recharge), above {percent(u)} of its {site.supply_phases}-phase "
            f"{site.supply_voltage_v:g} V {site.supply_breaker_a:g} A supply "
            f"({volt_amperes(u * cap_va)}).",
            value=demand_va,
            limit=u * cap_va,
            unit="VA",
        )


@check("power", power_unknown=("No load is counted as 0 W silently", "C1"))
def power_unknown(ctx: Context) -> None:
    """IT and cooling lines with neither a nameplate nor a typical draw."""
    if ctx.power_unknown:
        ctx.add(
            "power.power_unknown",
            Severity.WARNING,
            f"The draw of {ids(ctx.power_unknown)} is unknown; they are left out of every "
            "power, heat and energy figure until a nameplate or typical draw is given.",
            subject=ctx.power_unknown,
        )


@check("power", feeds_assumed=("Unwired builds are checked on a stated assumption", "conv"))
def feeds_assumed(ctx: Context) -> None:
    """Say that the load was shared over the UPS lines because nothing is wired yet."""
    if ctx.feeds_assumed:
        ctx.add(
            "power.feeds_assumed",
            Severity.INFO,
            "No load is wired to a PDU, ATS or UPS yet; the checks assume every load shares "
            f"the UPS lines {ids([u.id for u in ctx.ups_lines])} in proportion to their kW.",
            subject=[u.id for u in ctx.ups_lines],
        )


@check(
    "power",
    unprotected_load=("IT load rides through utility loss", "reference 1 (battery runtime)"),
)
def unprotected_load(ctx: Context) -> None:
    """IT lines with no cord path through a UPS on a build that has UPSs."""
    if not ctx.ups_lines or ctx.feeds_assumed:
        return
    # Lines on the same cords share their path to the supply: judge each cord pair once.
    bare_cords = [
        group
        for group in ctx.cord_groups
        if not any(
            f is not None and feeds_through_ups(ctx, f) for f in (group.feed_a, group.feed_b)
        )
    ]
    if not bare_cords:
        return
    on_bare_cords = {item_id for group in bare_cords for item_id in group.item_ids}
    bare = [c.id for c in ctx.consumers if c.id in on_bare_cords and c.component.kind.is_it]
    if bare:
        ctx.add(
            "power.unprotected_load",
            Severity.WARNING,
            f"{ids(bare)} draw from the site supply without passing a UPS; they go down "
            "with the utility.",
            subject=bare,
            value=sum(ctx.line_typical_w[i] for i in bare),
            unit="W",
        )
