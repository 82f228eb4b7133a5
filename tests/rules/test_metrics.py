"""Metrics: every field of one hand-worked build (reference 1, 2, 3, 6)."""

from __future__ import annotations

import pytest

from rules.derive import derive
from rules.metrics import build_metrics
from rules.specs import Agent, ComponentSpec, FireSuppressionSpec, Kind, Redundancy, Site
from tests.rules.builders import build, cooling, item, pdu, rack, server, ups


def _spec():
    """UPS 3 kW / 3.75 kVA with a table; PDU 16 A on it; 4 x 1U servers 400 W typical /
    500 W nameplate (20 kg each); a 1,000 W-draw cooling unit on the supply; 42U rack 100 kg
    of 600 x 1,000 mm."""
    return build(
        item("ups", ups(3.75, 3.0, table=((1600.0, 20.0),)), rack_id="r1", position_u=1),
        item("p", pdu(16), rack_id="r1", feed_a="ups"),
        item(
            "s",
            server(500, 400, weight_kg=20, list_price=2000, lead_time_days=30),
            quantity=4,
            rack_id="r1",
            position_u=5,
            feed_a="p",
        ),
        item("c", cooling(4000, power_w=1000, airflow_m3h=1500)),
        racks=(rack(weight_kg=100, width_mm=600, depth_mm=1000, static_load_kg=1000),),
        site=Site(grid_carbon_g_per_kwh=381, electricity_price_per_kwh=0.3, ambient_min_c=20),
        required_runtime_min=10,
    )


def test_metrics_hand_worked() -> None:
    """Every figure from the reference formulas."""
    m = build_metrics(derive(_spec()))
    # C1: P_typ = 4 * 400 = 1,600 W; P_np = 4 * 500 = 2,000 W
    assert m.it_load_typical_w == pytest.approx(1600)
    assert m.it_load_nameplate_w == pytest.approx(2000)
    assert m.ups_capacity_kw == pytest.approx(3.0)
    assert m.ups_capacity_kva == pytest.approx(3.75)
    # 1,600 / 3,000 = 53.33 %; 1,600 / 0.95 / 3,750 = 44.91 %
    assert m.ups_load_kw_pct == pytest.approx(1600 / 3000 * 100)
    assert m.ups_load_kva_pct == pytest.approx(1600 / 0.95 / 3750 * 100)
    # One UPS: no loss leaves it more loaded than in normal operation.
    assert m.ups_worst_load_kw_pct == pytest.approx(1600 / 3000 * 100)
    # one table point at 1,600 W: 20 min with new batteries at their 20 degC rating; at end of
    # life (80 %) the table reads at 1,600 / 0.8 W: 20 x 0.8^1.3 = 14.97 min (conv scaling)
    assert m.runtime_min == pytest.approx(20.0)
    assert m.runtime_method == "vendor_point"
    assert m.runtime_basis == "new"
    assert m.runtime_new_min == pytest.approx(20.0)
    assert m.runtime_end_of_life_min == pytest.approx(20 * 0.8**1.3)
    # C5: loss = 1,600 * (1/0.94 - 1) = 102.13 W; heat = 1,600 + 102.13 (cooling excluded)
    loss = 1600 * (1 / 0.94 - 1)
    assert m.ups_loss_w == pytest.approx(loss)
    assert m.heat_w == pytest.approx(1600 + loss)
    assert m.heat_btu_h == pytest.approx((1600 + loss) * 3.412)
    assert m.cooling_required_sensible_w == pytest.approx((1600 + loss) / 0.8)
    assert m.cooling_installed_sensible_w == pytest.approx(4000)
    assert m.cooling_power_w == pytest.approx(1000)
    # reference 2: 3,600 * P / (1.2 * 1,005 * 11) m3/h, CFM = m3/h / 1.699
    airflow = 3600 * (1600 + loss) / (1.2 * 1005 * 11)
    assert m.airflow_required_m3h == pytest.approx(airflow)
    assert m.airflow_required_cfm == pytest.approx(airflow / 1.699)
    # CFM = 3.16 * W / dT_F agrees within 1 %
    assert m.airflow_required_cfm == pytest.approx(3.16 * (1600 + loss) / (11 * 1.8), rel=0.01)
    assert m.airflow_installed_m3h == pytest.approx(1500)
    # rack: U 4 (servers) + UPS u_height 0 in the builders -> 4 U used; weight 100 + 80 kg;
    # floor 180 / 0.6 m2 = 300 kg/m2
    (r,) = m.racks
    assert (r.u_total, r.u_used, r.u_free) == (42, 4, 38)
    assert r.weight_kg == pytest.approx(180)
    assert r.floor_load_kg_m2 == pytest.approx(300)
    assert r.static_limit_kg == 1000
    # PDU current 2,000 / (230 * 0.95) = 9.153 A, limit 12.8 A; site supply and UPS output too
    pdu_load = next(p for p in m.phase_loads if p.source == "p")
    assert pdu_load.current_a == pytest.approx(2000 / (230 * 0.95))
    assert pdu_load.limit_a == pytest.approx(12.8)
    assert {p.source for p in m.phase_loads} == {"ups", "p", "site"}
    assert m.ups_redundancy is Redundancy.N
    assert m.cooling_redundancy is Redundancy.N  # 4,000 W >= (1,702.1) / 0.8 = 2,127.7 W
    # site: 2,000 / 0.94 + 1,000 cooling + 300 recharge (10 % of 3 kW, conv)
    assert m.site_load_w == pytest.approx(2000 / 0.94 + 1000 + 300)
    assert m.site_capacity_w == pytest.approx(230 * 32 * 0.95)
    # reference 6: 1.6 kW * 1.6 * 8,760 = 22,425.6 kWh; * 381 / 1,000 = 8,544.1536 kg
    assert m.pue_estimate == 1.6
    assert m.annual_kwh == pytest.approx(22_425.6)
    assert m.co2_kg_per_year == pytest.approx(8_544.1536)
    assert m.energy_cost_per_year == pytest.approx(22_425.6 * 0.3)
    assert m.currency == "EUR"
    assert m.bill_total == pytest.approx(8000)
    assert m.lead_time_days == 30
    assert m.agent_required_kg is None
    assert m.power_unknown_items == ()


def test_metrics_reads_fire_figures_from_the_derived_build() -> None:
    """The derived agent masses appear in the metrics: 2 x 7.5 kg of FK-5-1-12 installed."""
    unit = ComponentSpec(
        ref="fk",
        name="FK unit",
        kind=Kind.FIRE_SUPPRESSION,
        spec=FireSuppressionSpec(agent=Agent.FK_5_1_12, agent_mass_kg=7.5, max_volume_m3=20),
    )
    spec = build(item("fk", unit, quantity=2), site=Site(room_volume_m3=20))
    d = derive(spec)
    m = build_metrics(d)
    assert m.agent_installed_kg == 15.0
    assert m.agent_required_kg == d.fire.required_total_kg
    assert m.agent_required_kg is not None
    assert m.agent_required_kg > 0


def test_metrics_without_ups() -> None:
    """No UPS: loads % and runtime are None, redundancy none."""
    m = build_metrics(derive(build(item("s", server(100)))))
    assert m.ups_load_kw_pct is None
    assert m.ups_worst_load_kw_pct is None
    assert m.runtime_min is None
    assert m.runtime_method == "none"
    assert m.ups_redundancy is Redundancy.NONE


def test_metrics_worst_ups_load_is_one_system_carrying_everything_on_2n() -> None:
    """Two 3 kW UPSs, each feeding one PDU; two dual-corded 600 W servers on PDU A and B.

    Normal: 1,200 W shared, 600 W per UPS = 20 % of 3,000 W. Losing UPS a drops PDU pa, so
    UPS b carries all 1,200 W = 40 %; losing a PDU does the same to the other UPS.
    """
    spec = build(
        item("a", ups(3.75, 3.0)),
        item("b", ups(3.75, 3.0)),
        item("pa", pdu(16), feed_a="a"),
        item("pb", pdu(16), feed_a="b"),
        item("s", server(800, 600, dual=True), quantity=2, feed_a="pa", feed_b="pb"),
    )
    m = build_metrics(derive(spec))
    assert m.ups_load_kw_pct == pytest.approx(600 / 3000 * 100)
    assert m.ups_worst_load_kw_pct == pytest.approx(1200 / 3000 * 100)
