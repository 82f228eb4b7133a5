"""Sustainability statements: the PUE used, annual energy, CO2 and energy cost.

The figures are rules.derive.energy (reference 6).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.model import Finding, Severity
from rules.specs import Kind

__all__ = ["annual_energy"]


@rule(
    "sustainability",
    pue=("States the PUE used and the build's own estimate", "reference 6; S18"),
    annual_energy=("States annual energy, CO2, CUE and energy cost", "reference 6; S19"),
    water=("States the water evaporative cooling uses, and the WUE", "reference 6; S20"),
)
def annual_energy(d: Derived) -> Iterator[Finding]:
    """Report the PUE, annual kWh, CO2 and energy cost used in the metrics."""
    it_w = d.lines.it_typical_w
    if it_w <= 0:
        return
    e = d.energy
    bottom_up = e.pue_bottom_up
    if bottom_up is not None and d.lines.kind(Kind.COOLING):
        yield finding(
            "sustainability.pue",
            Severity.INFO,
            f"Energy figures use a PUE of {e.pue:g} (conv). The build's own draw (IT, UPS "
            f"losses, cooling at rated power, other loads) gives {bottom_up:.2f}.",
            value=bottom_up,
            limit=e.pue,
        )
    site = d.site
    yield finding(
        "sustainability.annual_energy",
        Severity.INFO,
        f"{it_w / 1000:,.3f} kW of IT at PUE {e.pue:g} uses {e.annual_kwh:,.1f} kWh "
        f"a year: {e.co2_kg:,.2f} kg CO2 at {site.grid_carbon_g_per_kwh:g} g/kWh (CUE "
        f"{e.cue_kg_per_kwh:.3f} kg CO2 per IT kWh) and {e.cost:,.2f} {site.currency} at "
        f"{site.electricity_price_per_kwh:g} {site.currency}/kWh.",
        value=e.annual_kwh,
        unit="kWh",
    )
    if e.annual_water_l > 0 and e.wue_l_per_kwh is not None:
        yield finding(
            "sustainability.water",
            Severity.INFO,
            f"The evaporative cooling uses {e.annual_water_l:,.0f} L of water a year: a WUE of "
            f"{e.wue_l_per_kwh:.2f} L per IT kWh.",
            value=e.annual_water_l,
            unit="L",
        )
