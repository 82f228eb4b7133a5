"""Cost statements: the item that sets the lead time, and prices in another currency.

The figures are rules.derive.energy (bill total and lead time).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.model import Finding, Severity

__all__ = ["cost"]


@rule(
    "cost",
    lead_time=("States the item that sets the build's lead time", "catalogue"),
    mixed_currency=("Prices add up in one currency", "catalogue"),
)
def cost(d: Derived) -> Iterator[Finding]:
    """Longest lead time, and prices in a currency other than the site's."""
    lines = d.lines
    days, who = d.energy.lead_time_days, d.energy.lead_time_item
    if who is not None:
        # An item's words name its component; a rack's name its own, so add the component.
        what = (
            d.names(who)
            if who in lines.by_id
            else f"{d.names(who)}, a {lines.racks[who].component.name},"
        )
        yield finding(
            "cost.lead_time",
            Severity.INFO,
            f"The build can ship in {days} days at the earliest: {what} has the longest lead time.",
            subject=[who],
            value=float(days),
            unit="days",
        )
    currency = d.site.currency
    odd_components = {
        key for key, c in lines.components.items() if c.list_price and c.currency != currency
    }
    odd = [i.id for i in lines.items if id(i.component) in odd_components] if odd_components else []
    odd += [
        r.id for r in d.spec.racks if r.component.list_price and r.component.currency != currency
    ]
    if odd:
        yield finding(
            "cost.mixed_currency",
            Severity.WARNING,
            f"{', '.join(repr(i) for i in odd)} are priced in another currency than the site's "
            f"{currency}; the bill total adds the figures as they are.",
            subject=odd,
        )
