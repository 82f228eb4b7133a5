"""Sustainability and cost: annual energy, CO2, cost (reference 6), bill and lead time."""

from __future__ import annotations

import pytest

from rules.checks.cost import cost
from rules.checks.sustainability import annual_energy
from rules.specs import Site
from tests.rules.builders import build, codes, cooling, ctx_of, item, rack, run, server


def test_energy_worked_example() -> None:
    """5 kW IT at PUE 1.6 (conv): 5 * 1.6 * 8,760 = 70,080 kWh/yr; Germany 381 g/kWh (S19):
    70,080 * 381 / 1,000 = 26,700.48 kg CO2; at 0.30 EUR/kWh: 21,024 EUR."""
    spec = build(item("s", server(5000)), site=Site(grid_carbon_g_per_kwh=381))
    e = ctx_of(spec).energy
    assert e.pue == 1.6
    assert e.annual_kwh == pytest.approx(70_080.0)
    assert e.co2_kg == pytest.approx(26_700.48)
    assert e.cost == pytest.approx(21_024.0)


def test_energy_uses_the_policy_pue() -> None:
    """PUE 1.2 by policy: 5 * 1.2 * 8,760 = 52,560 kWh."""
    spec = build(item("s", server(5000)), pue_default=1.2)
    assert ctx_of(spec).energy.annual_kwh == pytest.approx(52_560.0)


def test_pue_bottom_up_is_information() -> None:
    """5,000 W IT + 1,000 W cooling draw, no UPS: bottom-up (5,000 + 1,000) / 5,000 = 1.2,
    reported beside the 1.6 (conv) used for the figures."""
    spec = build(item("s", server(5000)), item("c", cooling(8000, power_w=1000)))
    found = run(annual_energy, spec)
    assert codes(found) == ["sustainability.pue", "sustainability.annual_energy"]
    assert found[0].value == pytest.approx(1.2)
    assert found[0].limit == pytest.approx(1.6)


def test_bill_total_and_lead_time() -> None:
    """Bill = 2 x 1,000 + 1 x 500 + rack 800 = 3,300; lead time = the slowest item (42 days)."""
    spec = build(
        item("s", server(100, list_price=1000, lead_time_days=10), quantity=2),
        item("t", server(100, list_price=500, lead_time_days=42)),
        racks=(rack(list_price=800, lead_time_days=20),),
    )
    ctx = ctx_of(spec)
    assert ctx.energy.bill_total == pytest.approx(3300.0)
    assert (ctx.energy.lead_time_days, ctx.energy.lead_time_item) == (42, "t")
    found = run(cost, spec)
    assert codes(found) == ["cost.lead_time"]
    assert found[0].subject == ("t",)
    assert found[0].value == 42


def test_mixed_currency_warns() -> None:
    """A USD price in a EUR build is flagged."""
    spec = build(item("s", server(100, list_price=1000, currency="USD")))
    assert codes(run(cost, spec)) == ["cost.mixed_currency"]
