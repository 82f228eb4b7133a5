"""Liquid cooling judged with the same rigour as air: the heat split, CDU and facility
capacity, flows, temperatures, dew point, connectors, leak detection and air density
(reference 8, L1-L7), each at its pass/fail edge with the hand calculation."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from rules import evaluate
from rules.checks.liquid import (
    air_density,
    cdu_capacity,
    condensation,
    facility_water,
    leak_detection,
    loop_connections,
    loop_flow,
    loop_temperatures,
)
from rules.derive import derive
from rules.derive.liquid import flow_lpm_for, rear_door_capacity_w, rise_k_for
from rules.model import Severity
from rules.specs import (
    AccessorySpec,
    CduSpec,
    Coolant,
    CoolingSpec,
    CoolingType,
    FacilityWaterSpec,
    ItSpec,
    Kind,
    Policy,
    Site,
    WaterClass,
)
from tests.rules.builders import build, codes, component, item, rack

# The room: 27 degC at 60 % RH, a 18.57 degC dew point (Magnus, L3); its own air conditioning
# carries the air share. Outside, where the dry cooler stands: -10 to 27 degC design.
ROOM = Site(
    ambient_min_c=20,
    ambient_max_c=27,
    outdoor_min_c=-10,
    outdoor_max_c=27,
    relative_humidity_max_pct=60,
    supply_phases=3,
    supply_breaker_a=125,
    room_cooling_w=20_000,
)


def node(
    typical_w: float = 10_000,
    fraction: float = 0.8,
    flow: float = 12.0,
    max_inlet: float = 45.0,
    connector: str | None = "UQD04",
):  # type: ignore[no-untyped-def]
    """A cold-plate GPU node: 10 kW, 80 % of it into liquid, 12 L/min, up to 45 degC."""
    spec = ItSpec(
        psu_count=4,
        redundant_psus=True,
        psus_required=2,
        liquid_fraction=fraction,
        coolant_flow_lpm=flow,
        max_coolant_inlet_c=max_inlet,
        coolant_connector=connector,
    )
    return component(Kind.GPU_SERVER, nameplate_w=typical_w, spec=spec, u_height=4)


def cdu(capacity_w: float = 50_000, **fields: object):  # type: ignore[no-untyped-def]
    """An in-rack CDU: 50 kW at a 3 K approach, 20-80 L/min, two pumps of which one is needed."""
    base: dict[str, object] = {
        "capacity_w": capacity_w,
        "approach_k": 3,
        "secondary_flow_min_lpm": 20,
        "secondary_flow_max_lpm": 80,
        "pumps": 2,
        "pumps_required": 1,
        "facility_classes": ["W17", "W27", "W32"],
        "connectors": ["UQD04"],
        "power_draw_w": 600,
    }
    base.update(fields)
    return component(Kind.CDU, spec=CduSpec.model_validate(base), u_height=4)


def dry_cooler(capacity_w: float = 60_000, **fields: object):  # type: ignore[no-untyped-def]
    """A dry cooler: 60 kW at 35 degC ambient, supplies 30 degC or ambient + 5 K."""
    base: dict[str, object] = {
        "source_type": "dry_cooler",
        "capacity_w": capacity_w,
        "rated_ambient_c": 35,
        "supply_temp_c": 30,
        "ambient_approach_k": 5,
        "power_draw_w": 1500,
    }
    base.update(fields)
    return component(Kind.FACILITY_WATER, spec=FacilityWaterSpec.model_validate(base))


def chiller(supply_c: float = 12.0):  # type: ignore[no-untyped-def]
    spec = FacilityWaterSpec(
        source_type="chiller", capacity_w=60_000, supply_temp_c=supply_c, power_draw_w=15_000
    )
    return component(Kind.FACILITY_WATER, spec=spec)


LEAK = component(Kind.ACCESSORY, spec=AccessorySpec(accessory_type="leak_detection"))


def ai_rack(nodes: int = 4, *, plant=None, site: Site = ROOM, cdu_part=None, **policy):  # type: ignore[no-untyped-def]
    """``nodes`` cold-plate nodes on an in-rack CDU fed by a dry cooler, with leak detection."""
    return build(
        item("fw", plant if plant is not None else dry_cooler()),
        item("cdu", cdu_part if cdu_part is not None else cdu(), rack_id="r1", coolant_from="fw"),
        *(item(f"n{k}", node(), rack_id="r1", coolant_from="cdu") for k in range(nodes)),
        item("leak", LEAK, rack_id="r1"),
        racks=(rack(),),
        site=site,
        **policy,
    )


# --------------------------------------------------------------------------- formulas


def test_coolant_flow_hand_worked() -> None:
    """L1: 1 kW of water at 10 K: 60 / (0.997 x 4.18 x 10) = 1.4397 L/min; PG25 at 10 K:
    60 / (1.02 x 3.90 x 10) = 1.5083 L/min; and the rise back from the flow."""
    assert flow_lpm_for(1000, 10) == pytest.approx(60 / (0.997 * 4.18 * 10))
    assert flow_lpm_for(1000, 10) == pytest.approx(1.44, abs=0.01)
    assert flow_lpm_for(1000, 10, Coolant.PG25) == pytest.approx(60 / (1.02 * 3.90 * 10))
    assert rise_k_for(32_000, flow_lpm_for(32_000, 10)) == pytest.approx(10)


def test_water_classes() -> None:
    """L2: 17 degC is W17, 17.1 is W27, 45 is W45, above 45 is W+."""
    assert [WaterClass.of(t) for t in (17, 17.1, 32, 45, 45.1)] == [
        WaterClass.W17,
        WaterClass.W27,
        WaterClass.W32,
        WaterClass.W45,
        WaterClass.W_PLUS,
    ]


def test_heat_split_hand_worked() -> None:
    """L5: four 10 kW nodes at f = 0.8 send 32 kW to liquid and 8 kW to the air; the air
    heat adds the CDU's 600 W of pumps (the dry cooler's 1,500 W is outdoors)."""
    d = derive(ai_rack())
    assert d.liquid.liquid_w == pytest.approx(32_000)
    assert d.thermal.heat_w == pytest.approx(8_000 + 600)
    assert d.liquid_heat_w["cdu"] == pytest.approx(32_000)
    assert d.liquid_heat_w["fw"] == pytest.approx(32_000)
    m = evaluate(ai_rack()).metrics
    assert m.liquid_w == pytest.approx(32_000)
    (loop,) = [x for x in m.loops if x.source == "cdu"]
    # Dry cooler at 27 degC: max(30, 27 + 5) = 32 degC; secondary 32 + 3 = 35 degC; the nodes'
    # 48 L/min carry 32 kW at 32 x 60 / (0.997 x 4.18 x 48) = 9.60 K: return 44.60 degC.
    assert loop.supply_c == pytest.approx(35)
    assert loop.flow_lpm == pytest.approx(48)
    assert loop.return_c == pytest.approx(35 + 32 * 60 / (0.997 * 4.18 * 48))
    assert m.racks[0].heat_kw == pytest.approx(40.6)
    assert m.racks[0].air_kw == pytest.approx(8.6)


def test_an_adiabatic_dry_cooler_counts_its_water_into_wue() -> None:
    """S20: the dry cooler rejects the loop's 32 kW all year, 32 x 8,760 = 280,320 kWh, and
    evaporates 0.3 L per kWh: 84,096 L a year. The IT draws 4 x 10 kW x 8,760 = 350,400 kWh,
    so WUE = 84,096 / 350,400 = 0.24 L/kWh. Dry (0 L/kWh), it evaporates nothing."""
    wet = evaluate(ai_rack(plant=dry_cooler(water_l_per_kwh=0.3))).metrics
    assert wet.annual_water_l == pytest.approx(84_096)
    assert wet.wue_l_per_kwh == pytest.approx(0.24)
    dry = evaluate(ai_rack()).metrics
    assert (dry.annual_water_l, dry.wue_l_per_kwh) == (0, 0)


def test_a_cold_plate_nodes_air_carries_only_its_air_share() -> None:
    """L5 and reference 2: four 10 kW nodes at f = 0.8 leave 4 x 2 kW = 8 kW to their fans;
    at the policy's 11 K rise that is 3,600 x 8,000 / (1.2 x 1,005 x 11) = 2,171.0 m3/h, not
    the 10,854.8 m3/h the whole 40 kW would need."""
    d = derive(ai_rack())
    assert d.thermal.airflow_it_m3h == pytest.approx(3600 * 8000 / (1.2 * 1005 * 11))
    assert d.thermal.rack_airflow_it_m3h["r1"] == pytest.approx(2170.96, abs=0.01)


def test_the_40_kw_rack_passes_every_liquid_check() -> None:
    """The whole loop holds: no liquid finding at all."""
    report = evaluate(ai_rack())
    assert [f.code for f in report.findings if f.code.startswith("liquid.")] == []


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize(("capacity_w", "fails"), [(40_000.0, False), (39_999.0, True)])
def test_cdu_capacity_edge(capacity_w: float, fails: bool) -> None:
    """32 kW of loop heat at u = 0.8 needs 40 kW of CDU (C4, L4)."""
    found = list(cdu_capacity(derive(ai_rack(cdu_part=cdu(capacity_w)))))
    assert codes(found) == (["liquid.cdu_capacity"] if fails else [])


@pytest.mark.parametrize(("quantity", "fails"), [(2, False), (1, True)])
def test_cdu_n_plus_1_edge(quantity: int, fails: bool) -> None:
    """N+1: two 40 kW CDUs carry 32 kW with one lost (0.8 x 40 kW); one does not."""
    spec = ai_rack(cdu_part=cdu(40_000), liquid_redundancy="N+1")
    items = tuple(
        i.model_copy(update={"quantity": quantity}) if i.id == "cdu" else i for i in spec.items
    )
    found = list(cdu_capacity(derive(spec.model_copy(update={"items": items}))))
    assert codes(found) == (["liquid.cdu_redundancy"] if fails else [])


def test_a_cdu_without_a_spare_pump_fails_n_plus_1() -> None:
    """Two pumps both needed: losing one stops the loop."""
    spec = ai_rack(cdu_part=cdu(pumps=2, pumps_required=2), liquid_redundancy="N+1")
    spec = spec.model_copy(
        update={
            "items": tuple(
                i.model_copy(update={"quantity": 2}) if i.id == "cdu" else i for i in spec.items
            )
        }
    )
    (found,) = cdu_capacity(derive(spec))
    assert "pumps" in found.message


@pytest.mark.parametrize(("capacity_w", "fails"), [(40_000.0, False), (39_999.0, True)])
def test_facility_capacity_edge(capacity_w: float, fails: bool) -> None:
    """The dry cooler rejects the loop's 32 kW: u x 40 kW holds exactly."""
    found = list(facility_water(derive(ai_rack(plant=dry_cooler(capacity_w)))))
    assert codes(found) == (["liquid.facility_capacity"] if fails else [])


def test_facility_capacity_derated_above_its_rated_ambient() -> None:
    """At 45 degC a dry cooler rated 60 kW at 35 degC, losing 2 %/K, gives 60 x 0.8 = 48 kW:
    u x 48 = 38.4 kW; still above the loop's 32 kW. At 3 %/K: 60 x 0.7 = 42 kW, u = 33.6 kW."""
    hot = ROOM.model_copy(update={"outdoor_max_c": 45})
    for pct, fails in ((2.0, False), (3.0, False), (4.0, True)):  # 4 %/K: 36 kW, u = 28.8 kW
        plant = dry_cooler(capacity_change_pct_per_k=pct, ambient_max_c=50)
        found = list(facility_water(derive(ai_rack(plant=plant, site=hot))))
        assert ("liquid.facility_capacity" in codes(found)) is fails


def test_facility_source_is_judged_outdoors_not_in_the_room() -> None:
    """A 35 degC room does not warm the dry cooler on the roof: at 27 degC outside it supplies
    max(30, 27 + 5) = 32 degC; a 35 degC outdoor design makes it max(30, 35 + 5) = 40 degC."""
    warm_room = ROOM.model_copy(update={"ambient_max_c": 35})
    (plant,) = derive(ai_rack(site=warm_room)).liquid.plants.values()
    assert (plant.outdoor_c, plant.supply_c, plant.outdoor_known) == (27, 32, True)
    hot_outside = ROOM.model_copy(update={"outdoor_max_c": 35})
    (plant,) = derive(ai_rack(site=hot_outside)).liquid.plants.values()
    assert plant.supply_c == 40


def test_outdoor_unknown_is_judged_at_the_rated_ambient_and_said() -> None:
    """No outdoor figure on an indoor site: the dry cooler rated at 35 degC is judged there,
    supply max(30, 35 + 5) = 40 degC, full 60 kW, and a warning asks for the outdoor range."""
    unknown = ROOM.model_copy(update={"outdoor_min_c": None, "outdoor_max_c": None})
    d = derive(ai_rack(site=unknown))
    (plant,) = d.liquid.plants.values()
    assert (plant.outdoor_c, plant.supply_c, plant.outdoor_known) == (35, 40, False)
    assert plant.capacity_w == pytest.approx(60_000)
    found = list(facility_water(d))
    assert codes(found) == ["liquid.outdoor_unknown"]
    assert found[0].severity is Severity.WARNING


def test_an_outdoor_site_is_its_own_outdoor_range() -> None:
    """An outdoor site's ambient range is the outdoor air: 31 degC gives 31 + 5 = 36 degC."""
    site = Site.model_validate(
        {
            **ROOM.model_dump(),
            "environment": "outdoor",
            "ambient_min_c": -5,
            "ambient_max_c": 31,
            "outdoor_min_c": None,
            "outdoor_max_c": None,
        }
    )
    (plant,) = derive(ai_rack(site=site)).liquid.plants.values()
    assert (plant.outdoor_c, plant.supply_c, plant.outdoor_known) == (31, 36, True)


@pytest.mark.parametrize(("outdoor_min_c", "fails"), [(-25.0, False), (-25.1, True)])
def test_facility_ambient_edge_on_the_cold_side(outdoor_min_c: float, fails: bool) -> None:
    """The dry cooler is rated down to -25 degC outside."""
    site = ROOM.model_copy(update={"outdoor_min_c": outdoor_min_c})
    found = list(facility_water(derive(ai_rack(site=site))))
    assert codes(found) == (["liquid.facility_ambient"] if fails else [])


def test_outdoor_range_is_given_whole_and_in_order() -> None:
    with pytest.raises(ValidationError, match="both ends of the outdoor design range"):
        Site(outdoor_max_c=30)
    with pytest.raises(ValidationError, match=r"\(outdoor_min_c\) is above the highest"):
        Site(outdoor_min_c=10, outdoor_max_c=5)


# --------------------------------------------------------------------------- flows


@pytest.mark.parametrize(("max_lpm", "fails"), [(48.0, False), (47.9, True)])
def test_secondary_flow_against_the_nodes(max_lpm: float, fails: bool) -> None:
    """Four nodes of 12 L/min need 48 L/min (more than the 46.07 L/min the heat needs)."""
    part = cdu(secondary_flow_max_lpm=max_lpm)
    found = list(loop_flow(derive(ai_rack(cdu_part=part))))
    assert codes(found) == (["liquid.secondary_flow"] if fails else [])


def test_secondary_flow_against_the_heat() -> None:
    """Nodes asking only 8 L/min each (32 L/min) still need 46.07 L/min to carry 32 kW at the
    loop's 10 K (L1): a 40 L/min CDU fails on the heat."""
    spec = ai_rack(cdu_part=cdu(secondary_flow_max_lpm=40))
    slow = node(flow=8.0)
    items = tuple(
        i.model_copy(update={"component": slow}) if i.id.startswith("n") else i for i in spec.items
    )
    (found,) = loop_flow(derive(spec.model_copy(update={"items": items})))
    assert found.value == pytest.approx(32_000 / 1000 * 60 / (0.997 * 4.18 * 10))
    assert "10 K rise" in found.message


# --------------------------------------------------------------------------- temperatures


@pytest.mark.parametrize(("max_inlet", "fails"), [(35.0, False), (34.9, True)])
def test_node_inlet_edge(max_inlet: float, fails: bool) -> None:
    """L4: secondary supply 32 degC facility + 3 K approach = 35 degC."""
    spec = ai_rack()
    part = node(max_inlet=max_inlet)
    items = tuple(
        i.model_copy(update={"component": part}) if i.id.startswith("n") else i for i in spec.items
    )
    found = list(loop_temperatures(derive(spec.model_copy(update={"items": items}))))
    assert codes(found) == (["liquid.node_inlet"] * 4 if fails else [])


def test_water_class_the_cdu_does_not_accept() -> None:
    """A dry cooler at 27 degC + 15 K approach supplies 42 degC (W45): the CDU takes W17-W32."""
    found = list(loop_temperatures(derive(ai_rack(plant=dry_cooler(ambient_approach_k=15)))))
    assert "liquid.water_class" in codes(found)


@pytest.mark.parametrize(("supply_c", "fails"), [(17.571, False), (17.570, True)])
def test_condensation_edge(supply_c: float, fails: bool) -> None:
    """L3: the room's dew point at 27 degC, 60 % RH is 18.5707 degC; + 2 K = 20.5707 degC. A
    chiller at 17.571 degC gives 20.571 degC on the secondary (+3 K), just above; at 17.570 it
    is just below. The facility water itself (17.57 degC) condenses either way."""
    gamma = math.log(0.6) + 17.62 * 27 / (243.12 + 27)
    floor = 243.12 * gamma / (17.62 - gamma) + 2
    found = list(condensation(derive(ai_rack(plant=chiller(supply_c)))))
    secondary = [f for f in found if "secondary" in f.message]
    assert bool(secondary) is fails
    assert all(f.limit == pytest.approx(floor) for f in found)
    assert any("facility water" in f.message for f in found)  # 17.5x < 20.57 either way


def test_condensation_unknown_without_humidity() -> None:
    """No humidity figure: the loops are said to be unjudged for condensation."""
    dry_unknown = ROOM.model_copy(update={"relative_humidity_max_pct": None})
    (found,) = condensation(derive(ai_rack(site=dry_unknown)))
    assert (found.code, found.severity) == ("liquid.condensation_unknown", Severity.WARNING)


# --------------------------------------------------------------------------- rear doors


def _door(**fields: object) -> CoolingSpec:
    base: dict[str, object] = {
        "cooling_type": CoolingType.REAR_DOOR,
        "total_capacity_w": 40_000,
        "sensible_capacity_w": 40_000,
        "airflow_m3h": 8_000,
        "power_draw_w": 900,
        "active": True,
        "rated_water_c": 18,
        "warm_water_c": 24,
        "warm_water_sensible_w": 28_000,
    }
    base.update(fields)
    return CoolingSpec.model_validate(base)


@pytest.mark.parametrize(
    ("water_c", "expected"),
    [(16.0, 40_000.0), (18.0, 40_000.0), (21.0, 34_000.0), (24.0, 28_000.0), (24.1, None)],
)
def test_rear_door_capacity_at_its_water(water_c: float, expected: float | None) -> None:
    """L6: 40 kW at 18 degC water, linearly to 28 kW at 24 degC (21 degC: halfway, 34 kW);
    colder water gets no credit; beyond 24 degC it is not judged."""
    assert rear_door_capacity_w(_door(), water_c) == (
        None if expected is None else pytest.approx(expected)
    )


def test_rear_door_beyond_its_data_is_said_and_not_counted() -> None:
    """On 32 degC dry-cooler water a door rated to 24 degC is out of range: a warning, and its
    capacity counts as nothing."""
    spec = build(
        item("fw", dry_cooler()),
        item("door", component(Kind.COOLING, spec=_door()), rack_id="r1", coolant_from="fw"),
        item("srv", component(Kind.SERVER, nameplate_w=5000, spec=ItSpec()), rack_id="r1"),
        racks=(rack(),),
        site=ROOM,
    )
    d = derive(spec)
    assert codes(loop_temperatures(d)) == ["liquid.rear_door_water"]
    assert [u.effective_sensible_w for u in d.thermal.units] == [0.0]


def test_rear_door_heat_lands_on_its_water() -> None:
    """A 5 kW rack behind a door on 16 degC chilled water: the door takes all 5 kW into the
    chiller's load."""
    spec = build(
        item("fw", chiller(16.0)),
        item("door", component(Kind.COOLING, spec=_door()), rack_id="r1", coolant_from="fw"),
        item("srv", component(Kind.SERVER, nameplate_w=5000, spec=ItSpec()), rack_id="r1"),
        racks=(rack(),),
        site=ROOM.model_copy(update={"relative_humidity_max_pct": 40}),
    )
    d = derive(spec)
    assert d.liquid_heat_w["fw"] == pytest.approx(5000)


# --------------------------------------------------------------------------- hardware


def test_unconnected_node_and_foreign_connector() -> None:
    """A node on no loop is an error; a UQD08 node on a UQD04 manifold is an error."""
    spec = ai_rack()
    items = list(spec.items)
    items[2] = items[2].model_copy(update={"coolant_from": None})
    items[3] = items[3].model_copy(update={"component": node(connector="UQD08")})
    found = codes(loop_connections(derive(spec.model_copy(update={"items": tuple(items)}))))
    assert found == ["liquid.node_unconnected", "liquid.connector"]


def test_leak_detection_in_every_wet_rack() -> None:
    """The rack with liquid but no leak sensor gets a warning."""
    spec = ai_rack()
    dry = spec.model_copy(update={"items": tuple(i for i in spec.items if i.id != "leak")})
    assert codes(leak_detection(derive(spec))) == []
    assert codes(leak_detection(derive(dry))) == ["liquid.leak_detection"]


@pytest.mark.parametrize(
    ("air_w", "expected"),
    [(35_000.0, []), (35_001.0, ["warning"]), (52_500.0, ["warning"]), (52_501.0, ["error"])],
)
def test_air_density_edges(air_w: float, expected: list[str]) -> None:
    """L7: 35 kW of air-cooled heat per rack is the limit; above 52.5 kW (1.5x) an error."""
    spec = build(
        item("s", component(Kind.SERVER, nameplate_w=air_w, spec=ItSpec()), rack_id="r1"),
        racks=(rack(),),
        site=ROOM,
    )
    assert [f.severity.value for f in air_density(derive(spec))] == expected


# --------------------------------------------------------------------------- bad specs


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (
            ItSpec,
            {"liquid_fraction": 1.2, "coolant_flow_lpm": 1, "max_coolant_inlet_c": 40},
            "liquid_fraction",
        ),
        (ItSpec, {"liquid_fraction": 0.8}, "coolant_flow_lpm"),
        (CduSpec, {"approach_k": -1}, "approach_k"),
        (CduSpec, {"secondary_flow_min_lpm": 90}, "secondary_flow_min_lpm must not exceed"),
    ],
)
def test_bad_liquid_specs_are_rejected_naming_the_field(model, data, field) -> None:
    """A liquid share above 1, a node without flow, a negative approach, a reversed range."""
    base = (
        {
            "capacity_w": 10_000,
            "approach_k": 3,
            "secondary_flow_min_lpm": 10,
            "secondary_flow_max_lpm": 80,
            "facility_classes": ["W32"],
        }
        if model is CduSpec
        else {}
    )
    with pytest.raises(ValidationError, match=field):
        model.model_validate({**base, **data})


def test_a_loop_starts_at_a_cdu_or_facility_water() -> None:
    """``coolant_from`` must name a CDU or a facility water source."""
    spec = ai_rack()
    data = spec.model_dump(mode="json")
    data["items"][2]["coolant_from"] = "leak"
    with pytest.raises(ValidationError, match="not a CDU or a facility water source"):
        type(spec).model_validate(data)


def test_policy_defaults() -> None:
    """L1 design rise 10 K, L3 margin 2 K, L7 35 kW per rack; CDUs N unless asked."""
    policy = Policy()
    assert (policy.liquid_delta_t_k, policy.dew_point_margin_k) == (10, 2)
    assert (policy.air_density_limit_kw, policy.liquid_redundancy.value) == (35, "N")
