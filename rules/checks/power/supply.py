"""Site supply and coverage checks: the utility supply, loads whose draw or protection is
unknown, and builds checked before they are wired."""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import SITE
from rules.model import Finding, Severity
from rules.text import ids, percent, volt_amperes, watts

__all__ = ["feeds_assumed", "power_unknown", "site_supply_capacity", "unprotected_load"]


@rule(
    "power",
    site_supply_capacity=(
        "Utility supply carries the whole site draw at the utilisation limit",
        "C2; C4; C5; reference 1 (single/three phase); S5",
    ),
)
def site_supply_capacity(d: Derived) -> Iterator[Finding]:
    """Site draw (nameplate, worst scenario, incl. cooling, UPS losses and recharge) vs supply.

    Capacity is apparent power, V_LN x I per phase (x 3 for three phases, balanced); the
    demand in W is turned into VA with the load PF (C3).
    """
    electrical = d.electrical
    demand = electrical.site_demand_w
    if demand <= 0:
        return
    u = d.policy.utilisation_limit
    pf = electrical.load_pf(SITE, nameplate=True)
    cap_va = electrical.site_capacity_va
    demand_va = demand / pf
    if demand_va > u * cap_va:
        site = d.site
        yield finding(
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


@rule("power", power_unknown=("No load is counted as 0 W silently", "C1"))
def power_unknown(d: Derived) -> Iterator[Finding]:
    """IT and cooling lines with neither a nameplate nor a typical draw."""
    unknown = d.lines.power_unknown
    if unknown:
        yield finding(
            "power.power_unknown",
            Severity.WARNING,
            f"The draw of {ids(list(unknown))} is unknown; they are left out of every "
            "power, heat and energy figure until a nameplate or typical draw is given.",
            subject=unknown,
        )


@rule("power", feeds_assumed=("Unwired builds are checked on a stated assumption", "conv"))
def feeds_assumed(d: Derived) -> Iterator[Finding]:
    """Say that the load was shared over the UPS lines because nothing is wired yet."""
    if d.lines.feeds_assumed:
        ups = [u.id for u in d.lines.ups_lines]
        yield finding(
            "power.feeds_assumed",
            Severity.INFO,
            "No load is wired to a PDU, ATS or UPS yet; the checks assume every load shares "
            f"the UPS lines {ids(ups)} in proportion to their kW.",
            subject=ups,
        )


@rule(
    "power",
    unprotected_load=("IT load rides through utility loss", "reference 1 (battery runtime)"),
)
def unprotected_load(d: Derived) -> Iterator[Finding]:
    """IT lines with no cord path through a UPS on a build that has UPSs."""
    lines = d.lines
    if not lines.ups_lines or lines.feeds_assumed:
        return
    through_ups = d.electrical.through_ups
    # Lines on the same cords share their path to the supply: judge each cord pair once.
    bare_cords = [
        group
        for group in lines.cord_groups
        if not any(
            f is not None and through_ups.get(f, False) for f in (group.feed_a, group.feed_b)
        )
    ]
    if not bare_cords:
        return
    on_bare_cords = {item_id for group in bare_cords for item_id in group.item_ids}
    bare = [c.id for c in lines.consumers if c.id in on_bare_cords and c.component.kind.is_it]
    if bare:
        yield finding(
            "power.unprotected_load",
            Severity.WARNING,
            f"{ids(bare)} draw from the site supply without passing a UPS; they go down "
            "with the utility.",
            subject=bare,
            value=sum(lines.line_typical_w[i] for i in bare),
            unit="W",
        )
