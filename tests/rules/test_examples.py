"""The documented example builds (rules/examples/) give the findings and figures their README
promises; the figures are worked by hand here from the engineering reference."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from rules import evaluate
from rules.io import load_build
from rules.model import Report, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"

W_TO_BTU_H = 3.412  # reference 2
# Batteries hold 1 % less capacity per K below 20 degC (policy, conv): a room at 18 degC leaves
# them 98 %; a runtime table then reads at P / 0.98.
COLD_18C = 0.98
HOURS_PER_YEAR = 8760  # reference 6
PUE = 1.6  # reference 6, micro-DC default (conv)
U = 0.8  # C4


def report_for(name: str) -> Report:
    return evaluate(load_build((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def codes(report: Report, severity: Severity) -> set[str]:
    return {f.code for f in report.findings if f.severity is severity}


def loglog(p: float, p1: float, t1: float, p2: float, t2: float) -> float:
    """Runtime between two table points, interpolated in log-log (a power law)."""
    frac = math.log(p / p1) / math.log(p2 / p1)
    return math.exp(math.log(t1) + frac * (math.log(t2) - math.log(t1)))


def isa_ratio(h: float) -> float:
    """Air pressure / density ratio at altitude h m (reference 2)."""
    return float((1 - 2.25577e-5 * h) ** 5.25588)


def airflow_m3h(heat_w: float, dt_k: float, altitude_m: float) -> float:
    """m3/h = 3600 P / (1.2 * 1005 * dT), over the density ratio (reference 2)."""
    return 3600 * heat_w / (1.2 * 1005 * dt_k) / isa_ratio(altitude_m)


# --------------------------------------------------------------------------- expected findings

EXPECTED = {
    # name: (error codes, warning codes) -- exactly these; infos are not pinned.
    "retail_store_rack": (
        set(),
        {"environment.battery_temperature"},  # VRLA UPS in a room that reaches 27 degC
    ),
    "gpu_inference_overloaded": (
        {
            "power.ups_kw_capacity",
            "power.ups_kva_capacity",
            "power.ups_runtime",
            "power.pdu_current",
            "power.pdu_outlets",
            "power.psu_redundancy",
            "power.site_supply_capacity",
            "thermal.cooling_capacity",
            "thermal.airflow",
        },
        {"power.ups_nameplate_over_kw", "environment.battery_temperature"},
    ),
    "telecom_tower_outdoor": (
        {"thermal.ashrae_inlet"},  # the A3 server at a -30 degC cold start
        {"thermal.ashrae_target"},
    ),
    "hospital_edge_2n": (set(), set()),
    "broken_space": (
        {"space.u_overlap", "space.u_out_of_range", "space.depth_fit"},
        {"thermal.blanking_panels", "environment.battery_temperature"},
    ),
    # Six-cord nodes: three cords per PDU, one on each phase; nothing to warn about.
    "liquid_ai_inference_rack": (set(), set()),
    "liquid_ai_chilled_water": ({"liquid.condensation"}, set()),
    "liquid_training_rack_edge_supply": ({"power.site_supply_capacity"}, {"power.ups_inlet"}),
}


def test_examples_every_json_file_is_covered() -> None:
    """Every example build shipped has expectations here and a README section."""
    shipped = {p.stem for p in EXAMPLES.glob("*.json")}
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert shipped == set(EXPECTED)
    for name in shipped:
        assert f"{name}.json" in readme


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_give_the_documented_findings(name: str) -> None:
    """Each example raises exactly its documented error and warning codes."""
    errors, warnings = EXPECTED[name]
    report = report_for(name)
    assert codes(report, Severity.ERROR) == errors
    assert codes(report, Severity.WARNING) == warnings
    assert report.ok is (not errors)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_are_canonical_json(name: str) -> None:
    """Examples are valid builds with every component inline and unique item ids."""
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    spec = load_build(json.dumps(data))
    assert all(item.component.ref.startswith("demo:") for item in spec.items)
    assert len(spec.items) >= 5


# --------------------------------------------------------------------------- hand calculations


def _close(actual: float | None, expected: float, rel: float = 0.01) -> None:
    assert actual is not None
    assert actual == pytest.approx(expected, rel=rel)


def test_examples_retail_figures_match_hand_calculation() -> None:
    """Retail rack: 1,455 W typical on a 2.7 kW / 3 kVA UPS, 16 A single-phase supply."""
    m = report_for("retail_store_rack").metrics
    it_typ = 380 + 560 + 200 + 55 + 260  # srv1 + srv2 + switch + firewall + NVR = 1,455 W
    it_np = 550 + 800 + 440 + 90 + 350  # = 2,230 W
    heat = it_typ / 0.94  # C5: IT + loss P (1/eta - 1) = 1,547.9 W (fan heat is rejected)
    _close(m.it_load_typical_w, it_typ)
    _close(m.it_load_nameplate_w, it_np)
    _close(m.ups_load_kw_pct, it_typ / 2700 * 100)  # 53.9 %
    _close(m.ups_load_kva_pct, it_typ / 0.95 / 3000 * 100)  # C3 PF 0.95: 51.1 %
    # Table 1,350 W -> 16 min, 2,025 W -> 9 min; new batteries at 18 degC read it at
    # 1,455 / 0.98 = 1,484.7 W: log-log 13.98 min (>= 10). At end of life (x 0.8) 10.19 min.
    _close(m.runtime_min, loglog(it_typ / COLD_18C, 1350, 16, 2025, 9))
    _close(m.runtime_end_of_life_min, loglog(it_typ / COLD_18C / 0.8, 1350, 16, 2025, 9))
    _close(m.it_heat_w, it_typ)  # S2: the IT's own heat, 1,455 W (4,964 BTU/h)
    _close(m.heat_w, heat)
    _close(m.heat_btu_h, heat * W_TO_BTU_H)  # 5,281 BTU/h
    _close(m.cooling_required_sensible_w, heat / U)  # 1,934.8 W <= 3,000 W installed
    _close(m.airflow_required_m3h, airflow_m3h(heat, 11, 170))  # 428.6 m3/h <= 900
    # Site (C2 nameplate): UPS input 2,230 / 0.94 + fan 45 W + recharge 10 % x 2,700 W.
    _close(m.site_load_w, it_np / 0.94 + 45 + 270)  # 2,687.3 W
    # On its one phase: the online UPS draws 2,642.3 W at PF 0.99 (2,669.0 VA), the fan 45 W
    # at 0.95 (47.4 VA): PF 2,687.3 / 2,716.4 = 0.9893; 2,687.3 / (230 x 0.9893) = 11.81 A
    # <= 0.8 x 16 = 12.8 A.
    site = [p for p in m.phase_loads if p.source == "site"]
    assert len(site) == 1
    _close(site[0].current_a, (it_np / 0.94 + 270 + 45) / (230 * 0.98928))
    _close(m.annual_kwh, it_typ / 1000 * PUE * HOURS_PER_YEAR)  # 20,393 kWh
    _close(m.co2_kg_per_year, it_typ / 1000 * PUE * HOURS_PER_YEAR * 56 / 1000)  # 1,142 kg
    rack = m.racks[0]
    assert rack.u_used == 24
    _close(rack.weight_kg, 68 + 29 + 3.2 + 22 + 28 + 16 + 0.3 + 3.5 + 5.5 + 1.2 + 13 * 0.3 + 6)


def test_examples_gpu_figures_match_hand_calculation() -> None:
    """GPU rack: 3 x 4,600 W + 420 W typical on one 10 kW UPS and 16 A PDUs."""
    report = report_for("gpu_inference_overloaded")
    m = report.metrics
    it_typ = 3 * 4600 + 420  # 14,220 W
    it_np = 3 * 5600 + 750  # 17,550 W
    heat = it_typ / 0.94  # 15,127.7 W
    _close(m.it_load_typical_w, it_typ)
    _close(m.it_load_nameplate_w, it_np)
    _close(m.ups_load_kw_pct, it_typ / 10_000 * 100)  # 142.2 % (limit 80 %)
    _close(m.ups_load_kva_pct, it_typ / 0.95 / 10_000 * 100)  # 149.7 %
    # Beyond the table's last point (10 kW, 4.5 min), at 18 degC (x 0.98):
    # t = 4.5 (10,000 / (14,220 / 0.98))^1.3 = 2.77 min.
    _close(m.runtime_min, 4.5 * (10_000 / (it_typ / COLD_18C)) ** 1.3)
    _close(m.heat_w, heat)
    _close(m.heat_btu_h, heat * W_TO_BTU_H)  # 51,616 BTU/h
    _close(m.cooling_required_sensible_w, heat / U)  # 18,909.6 W > 12,500 W installed
    _close(m.airflow_required_m3h, airflow_m3h(heat, 11, 110))  # 4,159 m3/h > 3,600
    _close(m.site_load_w, it_np / 0.94 + 3200 + 1000)  # 22,870 W
    # The three-phase UPS input draws evenly: (17,550 / 0.94 + 1,000) / 3 = 6,556.7 W a phase
    # at PF 0.99; the 3,200 W cooler is dealt to L1. Site PF 22,870.2 / 23,237.3 = 0.9842:
    # L1 9,756.7 / (230 x 0.9842) = 43.10 A, L2 = L3 = 28.97 A, all above 25.6 A.
    site = [p.current_a for p in m.phase_loads if p.source == "site"]
    ups_phase = (it_np / 0.94 + 1000) / 3
    pf = (3 * ups_phase + 3200) / (3 * ups_phase / 0.99 + 3200 / 0.95)
    assert site == pytest.approx(
        [(ups_phase + 3200) / (230 * pf), ups_phase / (230 * pf), ups_phase / (230 * pf)]
    )
    # Each PDU carries half of 17,550 W: 8,775 / (230 x 0.95) = 40.16 A > 12.80 A. On failover
    # the servers go down with the lost PDU (below), leaving the 750 W switch: 3.43 A.
    pdu = [f for f in report.findings if f.code == "power.pdu_current"]
    assert {f.subject for f in pdu} == {("pduA",), ("pduB",)}
    for finding in pdu:
        _close(finding.value, it_np / 2 / (230 * 0.95))
        _close(finding.limit, 0.8 * 16)  # 12.80 A
    # C6 on the supplies: ceil(5,600 / 2,700) = 3 of 4 must run; 2 per PDU cannot carry a server.
    psu = [f for f in report.findings if f.code == "power.psu_redundancy"]
    assert [f.subject[0] for f in psu] == ["gpu"]
    assert (psu[0].value, psu[0].limit) == (2.0, 3.0)


def test_examples_telecom_figures_match_hand_calculation() -> None:
    """Tower cabinet: 395 W typical at 1,200 m; only the A3 server is short at -30 degC."""
    report = report_for("telecom_tower_outdoor")
    m = report.metrics
    it_typ = 140 + 60 + 180 + 15  # router + switch + server + monitor = 395 W
    heat = it_typ / 0.94  # 420.2 W
    _close(m.it_load_typical_w, it_typ)
    # Li-ion at -30 degC: 1 % per K below 20 degC leaves 50 %, so the table reads at 395 / 0.5
    # = 790 W, beyond its last point (675 W, 40 min): 40 (675 / 790)^1.3 = 32.6 min.
    _close(m.runtime_min, 40 * (675 / (it_typ / 0.5)) ** 1.3)
    _close(m.heat_w, heat)
    _close(m.cooling_required_sensible_w, heat / U)  # 525.3 W <= 1,500 W
    _close(m.airflow_required_m3h, airflow_m3h(heat, 11, 1200))  # 131.7 m3/h: thinner air
    _close(m.site_load_w, (250 + 120 + 350 + 25) / 0.94 + 520 + 0.1 * 1350)  # 1,447.6 W
    inlet = [f for f in report.findings if f.code == "thermal.ashrae_inlet"]
    assert [f.subject for f in inlet] == [("srv1",)]
    assert (inlet[0].value, inlet[0].limit) == (-30, 5)  # site minimum vs A3 allowable minimum


def test_examples_hospital_figures_match_hand_calculation() -> None:
    """Hospital room: 2N UPS, N+1 (here also 2N) cooling, FK-5-1-12 sized at 18 degC."""
    m = report_for("hospital_edge_2n").metrics
    it_typ = 420 + 3 * 520 + 2 * 110 + 12  # 2,212 W
    it_np = 600 + 3 * 750 + 2 * 200 + 20  # 3,270 W
    heat = it_typ / 0.94  # each UPS carries half; the losses add up to 141.2 W
    _close(m.it_load_typical_w, it_typ)
    _close(m.ups_load_kw_pct, it_typ / 9000 * 100)  # both systems: 24.6 %
    # One system lost: the other 4.5 kW system carries all 2,212 W, 49.2 % of its rating.
    _close(m.ups_worst_load_kw_pct, it_typ / 4500 * 100)
    # A 2N system must hold on its own, so runtime is judged with one system lost: 2,212 W on
    # the other, read at 2,212 / 0.98 = 2,257.1 W (18 degC), just beyond the last point
    # (2,250 W, 17 min): 17 (2,250 / 2,257.1)^1.3 = 16.93 min >= 15 required.
    _close(m.runtime_min, 17 * (2250 / (it_typ / COLD_18C)) ** 1.3)
    _close(m.heat_w, heat)
    _close(m.cooling_required_sensible_w, heat / U)  # 2,941.5 W: one 3,500 W unit covers it
    _close(m.site_load_w, it_np / 0.94 + 2 * 1150 + 0.1 * 2 * 4500)  # 6,678.7 W
    # Single-phase UPS inputs are dealt to L1 (A) and L2 (B), the split units to L3 and L1.
    # With B lost, A draws 3,270 / 0.94 + 450 = 3,928.7 W: L1 5,078.7 W at worst.
    site = {p.phase: p.current_a for p in m.phase_loads if p.source == "site"}
    assert site[1] > site[2] > site[3]
    assert site[1] < 0.8 * 32
    assert (m.ups_redundancy.value, m.cooling_redundancy.value) == ("2N", "2N")
    # NFPA 2001: S = 0.0664 + 0.0002741 x 18 = 0.07133 m3/kg; W = V/S x C/(100 - C)
    # = 36 / 0.07133 x 4.5 / 95.5 = 23.78 kg at sea level; x ISA ratio at 40 m (0.9953).
    s = 0.0664 + 0.0002741 * 18
    _close(m.agent_required_kg, 36 / s * 4.5 / 95.5 * isa_ratio(40))  # 23.67 kg
    _close(m.agent_installed_kg, 25.0)
    # 25 kg in 36 m3 at 18 degC: C = 100 x / (1 + x), x = W S / V -> 4.72 % < NOAEL 10 %.
    x = 25 * s / 36
    assert 100 * x / (1 + x) == pytest.approx(4.72, abs=0.01)


def test_examples_broken_space_findings_name_the_items() -> None:
    """Wall cabinet: the overlap, the overhang and the deep NAS each name their items."""
    report = report_for("broken_space")
    by_code = {f.code: f for f in report.findings if f.severity is Severity.ERROR}
    assert set(by_code["space.u_overlap"].subject) >= {"ups1", "sw1"}
    assert "nas1" in by_code["space.u_out_of_range"].subject  # U12-U13 in a 12U cabinet
    assert by_code["space.depth_fit"].value == 520
    assert by_code["space.depth_fit"].limit == 400
    rack = report.metrics.racks[0]
    assert rack.u_used == 2 + 1 + 2 + 1  # UPS + switch + NAS + patch panel
    _close(rack.weight_kg, 24 + 24 + 4 + 14 + 1.2 + 2)  # 69.2 kg incl. the cabinet
    # 240 W read at 240 / 0.98 = 244.9 W (18 degC), below the table's first point (250 W,
    # 45 min): 45 (250 / 244.9)^1.3 = 46.2 min.
    _close(report.metrics.runtime_min, 45 * (250 / (240 / COLD_18C)) ** 1.3)


def _magnus_dew_c(t: float, rh: float) -> float:
    """Dew point by the Magnus formula (reference 8, L3)."""
    gamma = math.log(rh / 100) + 17.62 * t / (243.12 + t)
    return 243.12 * gamma / (17.62 - gamma)


def test_examples_liquid_rack_figures_match_hand_calculation() -> None:
    """40 kW edge AI rack: 4 cold-plate nodes of 9.1 kW typical at f = 0.8, an in-rack CDU, a
    dry cooler (reference 8; rules/examples/README.md)."""
    m = report_for("liquid_ai_inference_rack").metrics
    it_typ = 4 * 9_100
    liquid = 0.8 * it_typ  # L5: 29,120 W into liquid, 7,280 W to the air
    _close(m.liquid_w, liquid)
    # Air: the nodes' 7,280 W, the CDU's 600 W of pumps, the UPS's losses on 37,000 W at 0.955.
    loss = (it_typ + 600) * (1 / 0.955 - 1)  # 1,743.5 W
    _close(m.heat_w, it_typ - liquid + 600 + loss)  # 9,623.5 W
    cdu, plant = m.loops
    # Dry cooler at the site's 27 degC: max(30, 27 + 5) = 32 degC (W32); secondary + 3 K.
    _close(plant.supply_c, 32)
    _close(cdu.supply_c, 35)
    # L1, PG25 (1.02 kg/L, 3.90 kJ/(kg K)): 29.12 kW at 10 K needs 43.92 L/min; the nodes take
    # 4 x 13 = 52 L/min, an 8.45 K rise: return 43.45 degC.
    _close(cdu.flow_lpm, 52)
    _close(cdu.flow_needed_lpm, 29.12 * 60 / (1.02 * 3.90 * 10))
    _close(cdu.return_c, 35 + 29.12 * 60 / (1.02 * 3.90 * 52))
    _close(cdu.capacity_w, 50_000)
    _close(plant.capacity_w, 60_000)
    # L3: 27 degC at 55 % RH has a 17.19 degC dew point; 19.19 degC <= 32 degC facility water.
    _close(m.dew_point_max_c, _magnus_dew_c(27, 55))
    # Runtime: 37,000 W between (20 kW, 47.6 min) and (40 kW, 22.2 min), log-log: 24.2 min.
    _close(m.runtime_min, loglog(it_typ + 600, 20_000, 47.6, 40_000, 22.2))
    # Site: the UPS input (43,800 / 0.955 + 8,000) / 3 a phase at PF 0.99, and the 3-phase dry
    # cooler 500 W a phase at PF 0.95: 78.85 + 2.29 = 81.14 A <= 128 A.
    ups_a = (43_800 / 0.955 + 8000) / 3 / (230 * 0.99)
    for p in (x for x in m.phase_loads if x.source == "site"):
        _close(p.current_a, ups_a + 500 / (230 * 0.95))
    rack = m.racks[0]
    _close(rack.heat_kw, 37.0)
    _close(rack.air_kw, 7.28 + 0.6)


def test_examples_chilled_water_condenses() -> None:
    """The same rack on 12 degC chilled water: the facility water (12 degC) and the secondary
    (15 degC) run below the room's 17.19 degC dew point + 2 K = 19.19 degC."""
    report = report_for("liquid_ai_chilled_water")
    found = [f for f in report.findings if f.code == "liquid.condensation"]
    assert sorted(f.value for f in found) == [12, 15]
    for f in found:
        _close(f.limit, _magnus_dew_c(27, 55) + 2)
    # The chiller's 16 kW still fits the supply: 78.85 + 16,000 / 3 / (230 x 0.95) = 103.26 A.
    ups_a = (43_800 / 0.955 + 8000) / 3 / (230 * 0.99)
    for p in (x for x in report.metrics.phase_loads if x.source == "site"):
        _close(p.current_a, ups_a + 16_000 / 3 / (230 * 0.95))


def test_examples_training_rack_overloads_the_edge_supply() -> None:
    """120 kW of training nodes on a 63 A three-phase supply: the UPS alone draws (124,000 +
    2,200) / 0.96 + 20,000 = 151,458 W, 221.72 A a phase at PF 0.99, and the dry cooler 6.41 A:
    228.13 A against 50.4 A."""
    report = report_for("liquid_training_rack_edge_supply")
    (supply,) = [f for f in report.findings if f.code == "power.site_supply_capacity"]
    _close(supply.limit, 0.8 * 63)
    ups_phase = ((124_000 + 2200) / 0.96 + 20_000) / 3
    _close(supply.value, ups_phase / (230 * 0.99) + 1400 / (230 * 0.95))
    m = report.metrics
    assert m.liquid_w == pytest.approx(10 * 10_500 * 0.85)
    (cdu,) = [loop for loop in m.loops if loop.kind == "cdu"]
    _close(cdu.flow_needed_lpm, 89.25 * 60 / (1.02 * 3.90 * 10))  # 134.6 L/min
    _close(cdu.flow_lpm, 160)
    _close(cdu.supply_c, 36)
    _close(cdu.return_c, 36 + 89.25 * 60 / (1.02 * 3.90 * 160))
