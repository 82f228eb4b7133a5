"""Site supply and coverage checks: the utility supply, loads whose draw or protection is
unknown, and builds checked before they are wired."""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.electrical import SITE
from rules.model import Finding, Severity
from rules.text import amps, percent, watts

__all__ = ["feeds_assumed", "power_unknown", "site_supply_capacity", "unprotected_load"]


@rule(
    "power",
    site_supply_capacity=(
        "Every phase of the utility supply carries its share of the site draw at the "
        "utilisation limit",
        "C2; C4; C5; C7; reference 1 (per phase); S5; S6",
    ),
)
def site_supply_capacity(d: Derived) -> Iterator[Finding]:
    """Current on each phase of the site supply, in its worst scenario, against u x breaker.

    The loads land on the supply's phases as they are wired, through every UPS and PDU
    (rules.derive.flow); the total can be under the limit while one phase is overloaded (C7).
    The draw is nameplate (C2: the supply is a circuit) and includes cooling, other loads,
    UPS losses (C5) and recharge (conv).
    """
    electrical = d.electrical
    capacity = electrical.capacities[SITE]
    if not capacity.overloaded:
        return
    u = d.policy.utilisation_limit
    site = d.site
    worst = max(range(len(capacity.worst_a)), key=lambda p: capacity.worst_a[p])
    current = capacity.worst_a[worst]
    on = f"phase L{worst + 1} of its" if site.supply_phases == 3 else "its single-phase"
    yield finding(
        "power.site_supply_capacity",
        Severity.ERROR,
        f"The site draws {watts(electrical.site_demand_w)} (incl. cooling, UPS losses and "
        f"recharge); {on} {site.supply_voltage_v:g} V {site.supply_breaker_a:g} A supply "
        f"carries {amps(current)}, above {percent(u)} of the breaker ({amps(capacity.limit_a)}).",
        value=current,
        limit=capacity.limit_a,
        unit="A",
    )


@rule("power", power_unknown=("No load is counted as 0 W silently", "C1"))
def power_unknown(d: Derived) -> Iterator[Finding]:
    """IT and cooling lines with neither a nameplate nor a typical draw."""
    unknown = d.lines.power_unknown
    if unknown:
        yield finding(
            "power.power_unknown",
            Severity.WARNING,
            f"The draw of {d.names.many(list(unknown))} is unknown; they are left out of every "
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
            f"the UPS lines {d.names.many(ups)} in proportion to their kW.",
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
    if not any(lines.by_id[i].component.kind.is_it for i in on_bare_cords):
        return  # plant alone on the site supply (cooling, say): no IT to lose
    bare = [c.id for c in lines.consumers if c.id in on_bare_cords and c.component.kind.is_it]
    if bare:
        yield finding(
            "power.unprotected_load",
            Severity.WARNING,
            f"{d.names.many(bare)} draw from the site supply without passing a UPS; they go down "
            "with the utility.",
            subject=bare,
            value=sum(lines.line_typical_w[i] for i in bare),
            unit="W",
        )
