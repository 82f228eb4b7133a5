"""Sustainability and cost: PUE, annual energy, CO2 and energy cost; bill total and lead time.

PUE. The annual figures use ``policy.pue_default`` (1.6 (conv), reference 6). A bottom-up
figure from the build itself, (IT + UPS losses + cooling draw + other loads) / IT, is reported
beside it as information only: cooling units list their full-load draw, not their annual
average, and the bottom-up sum leaves out lighting, distribution losses and the room's own
systems, so it is no better an annual figure than the convention.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.context import Context
from rules.model import Severity
from rules.power_calc import memo
from rules.registry import check
from rules.specs import Kind

__all__ = ["HOURS_PER_YEAR", "Energy", "bill_total", "energy", "lead_time", "pue_bottom_up"]

HOURS_PER_YEAR = 8760  # reference 6: E_year = P_IT[kW] * PUE * 8760


@dataclass(frozen=True, slots=True)
class Energy:
    """Annual energy figures of a build."""

    pue: float
    annual_kwh: float
    co2_kg: float
    cost: float


def pue_bottom_up(ctx: Context) -> float | None:
    """(Everything drawn from the site, typical, normal operation) / IT typical; None w/o IT."""
    if ctx.it_typical_w <= 0:
        return None
    return max(1.0, ctx.normal.site_typical_w / ctx.it_typical_w)  # reference 6: PUE >= 1


def _energy(ctx: Context) -> Energy:
    pue = ctx.policy.pue_default  # reference 6, micro-DC default (conv)
    kwh = ctx.it_typical_w / 1000 * pue * HOURS_PER_YEAR  # reference 6
    co2 = kwh * ctx.site.grid_carbon_g_per_kwh / 1000  # reference 6; S19
    return Energy(pue, kwh, co2, kwh * ctx.site.electricity_price_per_kwh)


def energy(ctx: Context) -> Energy:
    """PUE, annual kWh, CO2 kg and energy cost (computed once per evaluation)."""
    return memo(ctx, "sustainability.energy", _energy)


def bill_total(ctx: Context) -> float:
    """Sum of list price x quantity over every item and rack."""
    total = 0.0
    for key, component in ctx.components.items():
        total += component.list_price * ctx.quantity_by_component[key]
    return total + sum(r.component.list_price for r in ctx.spec.racks)


def _lead_time(ctx: Context) -> tuple[int, str | None]:
    days, who = 0, None
    longest = max((c.lead_time_days for c in ctx.components.values()), default=0)
    if longest > 0:  # the first line, in build order, of a component that takes longest
        days = longest
        who = next(i.id for i in ctx.items if i.component.lead_time_days == longest)
    for rack in ctx.spec.racks:
        if rack.component.lead_time_days > days:
            days, who = rack.component.lead_time_days, rack.id
    return days, who


def lead_time(ctx: Context) -> tuple[int, str | None]:
    """Longest lead time in days of any item or rack, and which one (computed once)."""
    return memo(ctx, "sustainability.lead_time", _lead_time)


@check(
    "sustainability",
    pue=("States the PUE used and the build's own estimate", "reference 6; S18"),
    annual_energy=("States annual energy, CO2 and energy cost", "reference 6; S19"),
)
def annual_energy(ctx: Context) -> None:
    """Report the PUE, annual kWh, CO2 and energy cost used in the metrics."""
    if ctx.it_typical_w <= 0:
        return
    e = energy(ctx)
    bottom_up = pue_bottom_up(ctx)
    has_cooling = bool(ctx.by_kind.get(Kind.COOLING))
    if bottom_up is not None and has_cooling:
        ctx.add(
            "sustainability.pue",
            Severity.INFO,
            f"Energy figures use a PUE of {e.pue:g} (conv). The build's own draw (IT, UPS "
            f"losses, cooling at rated power, other loads) gives {bottom_up:.2f}.",
            value=bottom_up,
            limit=e.pue,
        )
    site = ctx.site
    ctx.add(
        "sustainability.annual_energy",
        Severity.INFO,
        f"{ctx.it_typical_w / 1000:,.3f} kW of IT at PUE {e.pue:g} uses {e.annual_kwh:,.1f} kWh "
        f"a year: {e.co2_kg:,.2f} kg CO2 at {site.grid_carbon_g_per_kwh:g} g/kWh and "
        f"{e.cost:,.2f} {site.currency} at {site.electricity_price_per_kwh:g} "
        f"{site.currency}/kWh.",
        value=e.annual_kwh,
        unit="kWh",
    )


@check(
    "cost",
    lead_time=("States the item that sets the build's lead time", "catalogue"),
    mixed_currency=("Prices add up in one currency", "catalogue"),
)
def cost(ctx: Context) -> None:
    """Longest lead time, and prices in a currency other than the site's."""
    days, who = lead_time(ctx)
    if who is not None:
        component = ctx.by_id[who].component if who in ctx.by_id else ctx.racks[who].component
        ctx.add(
            "cost.lead_time",
            Severity.INFO,
            f"The build can ship in {days} days at the earliest: '{who}' ({component.name}) "
            "has the longest lead time.",
            subject=[who],
            value=float(days),
            unit="days",
        )
    currency = ctx.site.currency
    odd_components = {
        key for key, c in ctx.components.items() if c.list_price and c.currency != currency
    }
    odd = [i.id for i in ctx.items if id(i.component) in odd_components] if odd_components else []
    odd += [
        r.id for r in ctx.spec.racks if r.component.list_price and r.component.currency != currency
    ]
    if odd:
        ctx.add(
            "cost.mixed_currency",
            Severity.WARNING,
            f"{', '.join(repr(i) for i in odd)} are priced in another currency than the site's "
            f"{currency}; the bill total adds the figures as they are.",
            subject=odd,
        )
