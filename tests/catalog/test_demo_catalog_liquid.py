"""The demo catalogue's liquid-cooling parts hold together (reference 8, L1-L6; no database).

CDUs carry their rating at the loop's design rise, facility water sources supply the class
their figures give, cold-plate nodes warm their coolant 8-12 K, and rear doors derate as
``cooling.yaml`` says. Each rule is checked on every row with the engine's own helpers
(``rules.derive.liquid``) and worked once by hand on a named row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.derive.liquid import (
    facility_supply_c,
    flow_lpm_for,
    plant_capacity_w,
    rear_door_capacity_w,
    rise_k_for,
)
from rules.model import BuildSpec
from rules.specs import (
    CduSpec,
    Coolant,
    CoolingSpec,
    FacilityWaterSpec,
    ItSpec,
    Policy,
    WaterClass,
    spec_model_for,
)
from tests.catalog.demo_rows import BY_KEY, engine_view, np_w, of_kind, typ_w

CDUS = of_kind("cdu")
PLANTS = of_kind("facility_water")
NODES = [c for c in of_kind("server", "gpu_server") if c["spec"].get("liquid_fraction")]
DOORS = [c for c in of_kind("cooling") if c["spec"]["cooling_type"] == "rear_door"]
DESIGN_RISE_K = Policy().liquid_delta_t_k  # 10 K (L1)
WARMEST_NODE_INLET_C = 45.0
CLASS_MAX_C = {"W17": 17, "W27": 27, "W32": 32, "W40": 40, "W45": 45}  # L2
# cooling.yaml: a rear door's capacity follows (exhaust air - water); the air enters at 38 degC.
DOOR_AIR_C, DOOR_RATED_C, DOOR_WARM_C = 38.0, 18.0, 26.0


def cdu(component: dict[str, Any]) -> CduSpec:
    return CduSpec.model_validate(component["spec"])


def plant(component: dict[str, Any]) -> FacilityWaterSpec:
    return FacilityWaterSpec.model_validate(component["spec"])


# --------------------------------------------------------------------------- CDUs


def test_cdus_come_from_two_makers_in_rack_and_in_row() -> None:
    """At least three CDUs from two makers, in-rack (2-6U) and in-row (floor, 0U)."""
    assert len(CDUS) >= 3
    assert len({c["manufacturer"] for c in CDUS}) >= 2
    mountings = {cdu(c).mounting for c in CDUS}
    assert mountings == {"in_rack", "in_row"}
    for row in CDUS:
        if cdu(row).mounting == "in_rack":
            assert 2 <= float(row["u_height"]) <= 6
            assert row["depth_mm"] <= 1100, "fits a 1200 mm rack with room for hoses"
        else:
            assert row["u_height"] == "0"


@pytest.mark.parametrize("row", CDUS, ids=lambda c: c["sku"])
def test_cdu_flow_range_carries_its_capacity_at_the_design_rise(row: dict[str, Any]) -> None:
    """The top of the secondary flow range carries the rated heat at the policy's 10 K rise in
    the CDU's coolant (L1); the bottom is a quarter of the top."""
    spec = cdu(row)
    need = flow_lpm_for(spec.capacity_w, DESIGN_RISE_K, spec.coolant)
    assert need <= spec.secondary_flow_max_lpm
    assert need >= 0.85 * spec.secondary_flow_max_lpm, "pumps sized for the rating, not far above"
    assert spec.secondary_flow_min_lpm == spec.secondary_flow_max_lpm / 4


def test_cdu_flow_worked_by_hand() -> None:
    """Riptide 50R: 50 kW of PG25 at 10 K needs 50 x 60 / (1.02 x 3.90 x 10) = 75.41 L/min, within
    its 80 L/min; Frostline 30R: 30 kW of water, 30 x 60 / (0.997 x 4.18 x 10) = 43.19 L/min."""
    riptide = cdu(BY_KEY[("Tidewell Liquid Systems", "TW-CDU50R")])
    assert flow_lpm_for(riptide.capacity_w, 10, Coolant.PG25) == pytest.approx(75.41, abs=0.01)
    assert riptide.secondary_flow_max_lpm == 80
    frostline = cdu(BY_KEY[("Cryoforge Thermal", "CF-CDU30R")])
    assert frostline.coolant is Coolant.WATER
    assert flow_lpm_for(frostline.capacity_w, 10, Coolant.WATER) == pytest.approx(43.19, abs=0.01)


def test_most_cdus_have_a_spare_pump_and_one_budget_unit_does_not() -> None:
    """N+1 pumps on most CDUs (L4); exactly one budget unit runs on a single pump."""
    spares = [c for c in CDUS if cdu(c).pumps == cdu(c).pumps_required + 1]
    singles = [c for c in CDUS if cdu(c).pumps == cdu(c).pumps_required == 1]
    assert len(spares) + len(singles) == len(CDUS)
    assert len(spares) > len(CDUS) / 2
    assert [c["sku"] for c in singles] == ["CF-CDU30R"]
    assert "single pump" in singles[0]["description"]


@pytest.mark.parametrize("row", CDUS, ids=lambda c: c["sku"])
def test_cdu_approach_classes_and_draw(row: dict[str, Any]) -> None:
    """Approach 2-5 K (L4); classes contiguous from W17, the warmest plus the approach within the
    warmest node inlet; pumps draw 0.5-2 % of the heat moved; three phases from 900 W."""
    spec = cdu(row)
    assert 2 <= spec.approach_k <= 5
    names = [c.value for c in spec.facility_classes]
    assert names == list(CLASS_MAX_C)[: len(names)]
    assert CLASS_MAX_C[names[-1]] + spec.approach_k <= WARMEST_NODE_INLET_C
    assert 0.005 <= spec.power_draw_w / spec.capacity_w <= 0.02
    assert spec.input_phases == (3 if spec.power_draw_w >= 900 else 1)
    assert set(spec.connectors) <= {"UQD04", "UQD08"}
    assert spec.ports is not None
    assert 6 <= spec.ports <= 32
    assert (
        f"{spec.capacity_w / 1000:g} kW at a {spec.approach_k:g} K approach" in row["description"]
    )


def test_cdu_secondary_supply_worked_by_hand() -> None:
    """Riptide 100R on W40 water: 40 + 4 K approach = 44 degC secondary supply, within the
    45 degC a Helix G8L takes (L4)."""
    spec = cdu(BY_KEY[("Tidewell Liquid Systems", "TW-CDU100R")])
    node = ItSpec.model_validate(BY_KEY[("Helix Compute", "HX-G8LX")]["spec"])
    assert CLASS_MAX_C[spec.facility_classes[-1].value] + spec.approach_k == 44
    assert node.max_coolant_inlet_c == 45


# --------------------------------------------------------------------------- facility water


def test_facility_water_offers_dry_coolers_an_adiabatic_one_and_chillers() -> None:
    """Three source types from two makers."""
    assert len(PLANTS) >= 3
    assert len({p["manufacturer"] for p in PLANTS}) >= 2
    types = [plant(p).source_type for p in PLANTS]
    assert set(types) == {"dry_cooler", "adiabatic_dry_cooler", "chiller"}


@pytest.mark.parametrize("row", PLANTS, ids=lambda c: c["sku"])
def test_facility_water_figures_fit_their_type(row: dict[str, Any]) -> None:
    """Dry coolers: supply 25-35 degC, 3-8 K above ambient, fans 1-4 % of the heat, no water.
    Adiabatic: 0-3 K, 0.1-1.5 L/kWh. Chillers: hold 7-20 degC, EER 2.5-5. All rated at 35 degC,
    losing 0-3 %/K above, three-phase, outdoors (0U)."""
    spec = plant(row)
    assert spec.rated_ambient_c == 35
    assert 0 <= spec.capacity_change_pct_per_k <= 3
    assert 30_000 <= spec.capacity_w <= 250_000
    assert spec.input_phases == 3
    assert row["u_height"] == "0"
    if spec.source_type == "chiller":
        assert spec.ambient_approach_k is None
        assert 7 <= spec.supply_temp_c <= 20
        assert 2.5 <= spec.capacity_w / spec.power_draw_w <= 5
        assert spec.water_l_per_kwh == 0
        assert f"EER {spec.capacity_w / spec.power_draw_w:g}" in row["description"]
    else:
        assert spec.ambient_approach_k is not None
        assert 25 <= spec.supply_temp_c <= 35
        assert spec.power_draw_w <= 0.04 * spec.capacity_w
        if spec.source_type == "dry_cooler":
            assert 3 <= spec.ambient_approach_k <= 8
            assert spec.water_l_per_kwh == 0
        else:
            assert 0 <= spec.ambient_approach_k <= 3
            assert 0.1 <= spec.water_l_per_kwh <= 1.5


def test_dry_cooler_supply_and_capacity_worked_by_hand() -> None:
    """Boreas DC60: at 27 degC outside max(30, 27 + 5) = 32 degC, class W32, the full 60 kW; at
    40 degC, 45 degC (W45) and 60 x (1 - 0.02 x 5) = 54 kW (L2)."""
    spec = plant(BY_KEY[("Cryoforge Thermal", "CF-DC60")])
    assert facility_supply_c(spec, 27) == 32
    assert WaterClass.of(32) is WaterClass.W32
    assert plant_capacity_w(spec, 27) == 60_000
    assert facility_supply_c(spec, 40) == 45
    assert WaterClass.of(45) is WaterClass.W45
    assert plant_capacity_w(spec, 40) == pytest.approx(54_000)


def test_chiller_holds_its_setpoint_worked_by_hand() -> None:
    """Arctis CH60: 12 degC (W17) whatever the ambient; 60,000 / 16,000 W is an EER of 3.75."""
    spec = plant(BY_KEY[("Polarwind Climate", "PW-CH60")])
    for ambient in (20, 35, 45):
        assert facility_supply_c(spec, ambient) == 12
    assert WaterClass.of(12) is WaterClass.W17
    assert spec.capacity_w / spec.power_draw_w == 3.75


# --------------------------------------------------------------------------- cold-plate nodes


def test_cold_plate_nodes_from_two_makers_and_a_cpu_server() -> None:
    """Liquid-cooled GPU nodes from two makers, and a cold-plate CPU server."""
    gpus = [n for n in NODES if n["kind"] == "gpu_server"]
    assert len(gpus) >= 3
    assert len({n["manufacturer"] for n in gpus}) >= 2
    assert any(n["kind"] == "server" for n in NODES)


@pytest.mark.parametrize("row", NODES, ids=lambda c: c["sku"])
def test_cold_plate_node_figures(row: dict[str, Any]) -> None:
    """Liquid share 0.7-0.9 (L5); the liquid share of the nameplate rises 8-12 K at the node's
    flow in water and in PG25 (L1); inlet up to 40-45 degC; a UQD04 or UQD08 connector; GPU
    nodes of 10-12.5 kW with eight GPUs."""
    spec = spec_model_for(row["kind"]).model_validate(row["spec"])
    assert isinstance(spec, ItSpec)
    assert spec.liquid_fraction is not None
    assert spec.coolant_flow_lpm is not None
    assert 0.7 <= spec.liquid_fraction <= 0.9
    liquid_w = spec.liquid_fraction * (np_w(row) or 0)
    for coolant in Coolant:
        assert 8 <= rise_k_for(liquid_w, spec.coolant_flow_lpm, coolant) <= 12
    assert spec.max_coolant_inlet_c is not None
    assert 40 <= spec.max_coolant_inlet_c <= 45
    assert spec.coolant_connector in {"UQD04", "UQD08"}
    if row["kind"] == "gpu_server":
        assert spec.gpu_count == 8
        assert 10_000 <= (np_w(row) or 0) <= 12_500
        assert 0.7 <= (typ_w(row) or 0) / (np_w(row) or 1) <= 0.85
    assert f"{spec.liquid_fraction * 100:g} % of its heat into the coolant" in row["description"]


def test_cold_plate_node_worked_by_hand() -> None:
    """Helix G8L: 0.8 x 10,800 W = 8,640 W into liquid; at 13 L/min of PG25 it rises 8.64 x 60 /
    (1.02 x 3.90 x 13) = 10.02 K, of water 8.64 x 60 / (0.997 x 4.18 x 13) = 9.57 K. Its six
    3.6 kW supplies carry 3 x 3,600 = 10,800 W on one feed."""
    row = BY_KEY[("Helix Compute", "HX-G8L")]
    spec = ItSpec.model_validate(row["spec"])
    assert spec.liquid_fraction == 0.8
    assert spec.coolant_flow_lpm == 13
    assert rise_k_for(0.8 * 10_800, 13, Coolant.PG25) == pytest.approx(10.02, abs=0.01)
    assert rise_k_for(0.8 * 10_800, 13, Coolant.WATER) == pytest.approx(9.57, abs=0.01)
    assert spec.psu_count // 2 * spec.psu_rating_w == np_w(row) == 10_800


def test_every_node_connector_fits_cdus_of_both_makers() -> None:
    """Each node's quick disconnect is taken by a CDU of each CDU maker."""
    for node in NODES:
        connector = node["spec"]["coolant_connector"]
        makers = {c["manufacturer"] for c in CDUS if connector in cdu(c).connectors}
        assert makers == {c["manufacturer"] for c in CDUS}, node["sku"]


# --------------------------------------------------------------------------- rear doors


@pytest.mark.parametrize("row", DOORS, ids=lambda c: c["sku"])
def test_rear_door_water_rating_and_second_point(row: dict[str, Any]) -> None:
    """Rated at 18 degC water; at 26 degC, (38 - 26) / (38 - 18) = 60 % of it (cooling.yaml, L6).
    Active doors (their own fans) draw power; a passive door draws none and stays at or below
    35 kW (L6)."""
    spec = CoolingSpec.model_validate(row["spec"])
    assert spec.rated_water_c == DOOR_RATED_C
    assert spec.warm_water_c == DOOR_WARM_C
    share = (DOOR_AIR_C - DOOR_WARM_C) / (DOOR_AIR_C - DOOR_RATED_C)
    assert spec.warm_water_sensible_w == pytest.approx(spec.sensible_w * share, abs=0.5)
    assert spec.active == (spec.power_draw_w > 0)
    if not spec.active:
        assert spec.sensible_w <= 35_000
        assert "Passive" in row["description"]
    else:
        assert "Active" in row["description"]


def test_rear_doors_include_active_and_passive() -> None:
    """Both kinds of door are on offer, from two makers."""
    assert {CoolingSpec.model_validate(d["spec"]).active for d in DOORS} == {True, False}
    assert len({d["manufacturer"] for d in DOORS}) >= 2


def test_rear_door_derating_worked_by_hand() -> None:
    """Glacis Door 30: 30 kW at 18 degC water, 18 kW at 26 degC; at 22 degC, halfway, 24 kW; at
    27 degC it is beyond its data and not judged (L6)."""
    spec = CoolingSpec.model_validate(BY_KEY[("Coldline Thermal", "CL-RD30")]["spec"])
    assert rear_door_capacity_w(spec, 16) == 30_000
    assert rear_door_capacity_w(spec, 26) == pytest.approx(18_000)
    assert rear_door_capacity_w(spec, 22) == pytest.approx(24_000)
    assert rear_door_capacity_w(spec, 27) is None


# --------------------------------------------------------------------------- the examples

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"
LIQUID_EXAMPLES = sorted(EXAMPLES.glob("liquid_*.json"))


@pytest.mark.parametrize("path", LIQUID_EXAMPLES, ids=lambda p: p.stem)
def test_liquid_examples_use_the_catalogue_figures(path: Path) -> None:
    """Every part of a liquid example is the demo catalogue's row (``demo:<SKU>``) with the
    catalogue's figures, so the README's hand calculations describe parts one can order."""
    spec = BuildSpec.model_validate(json.loads(path.read_text(encoding="utf-8")))
    parts = [rack.component for rack in spec.racks] + [item.component for item in spec.items]
    assert len(LIQUID_EXAMPLES) == 3
    for part in parts:
        assert part.ref == f"demo:{part.sku}"
        row = BY_KEY[(part.manufacturer, part.sku)]
        catalogue = engine_view(row)
        assert part.model_dump(exclude={"ref"}) == catalogue.model_dump(exclude={"ref"}), part.sku
