"""Energy, carbon and cost figures: PUE, annual energy, CO2 and energy cost; bill total and
lead time.

PUE. The annual figures use ``policy.pue_default`` (1.6 (conv), reference 6). A bottom-up
figure from the build itself, (IT + UPS losses + cooling draw + other loads) / IT, is reported
beside it as information only: cooling units list their full-load draw, not their annual
average, and the bottom-up sum leaves out lighting, distribution losses and the room's own
systems, so it is no better an annual figure than the convention.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.derive.flow import Flow
from rules.derive.lines import Lines
from rules.units import HOURS_PER_YEAR

__all__ = ["Energy", "derive_energy"]


@dataclass(frozen=True, slots=True)
class Energy:
    """Annual energy figures, the bill and the lead time of a build."""

    pue: float
    pue_bottom_up: float | None  # None without IT
    annual_kwh: float
    co2_kg: float
    cost: float
    cue_kg_per_kwh: float  # kg CO2 per IT kWh = grid factor x PUE (reference 6)
    annual_water_l: float  # evaporated by the cooling units and the facility water sources
    wue_l_per_kwh: float | None  # litres per IT kWh (The Green Grid, S20); None without IT
    bill_total: float  # list price x quantity over every item and rack
    lead_time_days: int  # longest of any item or rack
    lead_time_item: str | None  # the first line, in build order, that takes that long


def derive_energy(lines: Lines, normal: Flow, annual_water_l: float) -> Energy:
    """Annual energy, carbon, water, bill and lead time of one build."""
    site = lines.site
    pue = lines.policy.pue_default  # reference 6, micro-DC default (conv)
    kwh = lines.it_typical_w / 1000 * pue * HOURS_PER_YEAR  # reference 6
    co2 = kwh * site.grid_carbon_g_per_kwh / 1000  # reference 6; S19
    bottom_up = None
    if lines.it_typical_w > 0:  # reference 6: PUE >= 1
        bottom_up = max(1.0, normal.site_typical_w / lines.it_typical_w)
    bill = 0.0
    for key, component in lines.components.items():
        bill += component.list_price * lines.quantity_by_component[key]
    racks = lines.spec.racks
    bill += sum(r.component.list_price for r in racks)
    days, who = 0, None
    longest = max((c.lead_time_days for c in lines.components.values()), default=0)
    if longest > 0:
        days = longest
        who = next(i.id for i in lines.items if i.component.lead_time_days == longest)
    for rack in racks:
        if rack.component.lead_time_days > days:
            days, who = rack.component.lead_time_days, rack.id
    it_kwh = lines.it_typical_w / 1000 * HOURS_PER_YEAR
    return Energy(
        pue=pue,
        pue_bottom_up=bottom_up,
        annual_kwh=kwh,
        co2_kg=co2,
        cost=kwh * site.electricity_price_per_kwh,
        cue_kg_per_kwh=site.grid_carbon_g_per_kwh / 1000 * pue,  # reference 6: CUE
        annual_water_l=annual_water_l,
        wue_l_per_kwh=annual_water_l / it_kwh if it_kwh > 0 else None,  # reference 6; S20
        bill_total=bill,
        lead_time_days=days,
        lead_time_item=who,
    )
