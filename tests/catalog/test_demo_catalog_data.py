"""The demo catalogue's data files are complete, valid for the engine and physically plausible.

Reads ``catalog/fixtures/demo/*.yaml`` through ``catalog.demo.load_demo_catalog`` and checks
the rows against ``rules.specs`` and ``shared/reference/engineering-rules.md``; no database.
The figures that follow a formula are checked in ``test_demo_catalog_figures.py``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from typing import Any

import pytest

from rules.specs import Kind, spec_model_for
from tests.catalog.demo_rows import (
    BY_KEY,
    CATALOGUE,
    COMPONENTS,
    EUR_PER_UNIT,
    IDS,
    engine_view,
    eur,
    members_of,
    np_w,
    of_kind,
    typ_w,
)

INVERTER_EFFICIENCY = 0.9  # reference 1, battery runtime: t = 60 * V * Ah * eta / P
IT_KINDS = {"server", "gpu_server", "switch", "router", "storage", "monitoring"}
UNPOWERED_KINDS = {"rack", "accessory", "bundle", "battery", "ups", "pdu"}
PRICE_RANGE_EUR = {  # believable list prices per kind (engineering judgement, not a standard)
    "rack": (150, 12_000),
    "ups": (500, 20_000),
    "battery": (500, 7_000),
    "pdu": (300, 2_500),
    "ats": (800, 4_000),
    "cooling": (1_000, 30_000),
    "fire_suppression": (800, 20_000),
    "server": (2_500, 20_000),
    "gpu_server": (60_000, 400_000),
    "switch": (400, 30_000),
    "router": (800, 40_000),
    "storage": (2_000, 80_000),
    "monitoring": (80, 3_000),
    "accessory": (5, 300),
    "bundle": (2_000, 100_000),
    "cdu": (10_000, 150_000),
    "facility_water": (10_000, 150_000),
}
# Classes that cost more than the rest of their kind: the AI-rack power gear.
LARGE_UPS_KVA = 60  # floor-cabinet three-phase UPSs for AI racks, 60-250 kVA
LARGE_UPS_PRICE_EUR = (25_000, 150_000)
AI_PDU_AMPS = {63, 125}  # three-phase strips and busbars for GPU racks
AI_PDU_PRICE_EUR = (1_500, 8_000)
DESIGN_RISE_K = 10.0  # rules.specs.Policy.liquid_delta_t_k default: a loop's design rise (L1)
MONEY = re.compile(r"^\d+\.\d{2}$")
WATTS = re.compile(r"^\d+\.\d$")
UNITS = re.compile(r"^\d+(\.5)?$")


# --------------------------------------------------------------------------- coverage


def test_catalogue_has_enough_components_and_manufacturers() -> None:
    """At least 200 components from at least 10 invented makers, each listed with a website."""
    assert CATALOGUE["version"] == 1
    names = [m["name"] for m in CATALOGUE["manufacturers"]]
    assert len(COMPONENTS) >= 200
    assert len(names) >= 10
    assert len(set(names)) == len(names)
    assert {c["manufacturer"] for c in COMPONENTS} == set(names)
    for maker in CATALOGUE["manufacturers"]:
        assert maker["website"].startswith("https://")
        assert maker["website"].endswith(".example"), "fictional makers use reserved domains"


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_kind_offers_three_choices_from_two_makers(kind: str) -> None:
    """Each kind has at least three components from at least two manufacturers."""
    rows = of_kind(kind)
    assert len(rows) >= 3
    assert len({c["manufacturer"] for c in rows}) >= 2


def test_natural_keys_are_unique() -> None:
    """(manufacturer, sku) identifies one component, as the catalogue's unique constraint does."""
    assert len(BY_KEY) == len(COMPONENTS)


def test_lifecycle_mixes_active_and_retired_items() -> None:
    """Most items are active; a few are end of sale and end of life."""
    lifecycles = [c["lifecycle"] for c in COMPONENTS]
    assert lifecycles.count("end_of_sale") >= 3
    assert lifecycles.count("end_of_life") >= 2
    assert lifecycles.count("active") > 0.85 * len(lifecycles)


# --------------------------------------------------------------------------- every row


@pytest.mark.parametrize("component", COMPONENTS, ids=IDS)
def test_component_validates_against_the_engine_vocabulary(component: dict[str, Any]) -> None:
    """The spec validates with its kind's model and the row builds an engine ComponentSpec."""
    model = spec_model_for(component["kind"])
    spec = model.model_validate(component["spec"])
    expected = "it" if component["kind"] in IT_KINDS else component["kind"]
    assert component["spec"]["kind"] == expected
    assert engine_view(component).spec == spec


@pytest.mark.parametrize("component", COMPONENTS, ids=IDS)
def test_common_fields_are_well_formed(component: dict[str, Any]) -> None:
    """Decimal strings, enums, lead times and cost ratio follow the catalogue contract."""
    assert set(component) == {
        "manufacturer", "sku", "model_name", "kind", "description", "list_price", "cost_price",
        "currency", "lead_time_days", "lifecycle", "datasheet_url", "u_height", "weight_kg",
        "depth_mm", "is_full_depth", "airflow", "nameplate_w", "typical_w", "spec",
    }  # fmt: skip
    assert component["model_name"]
    assert len(component["description"]) >= 20
    assert MONEY.match(component["list_price"])
    assert MONEY.match(component["cost_price"])
    assert MONEY.match(component["weight_kg"])
    assert UNITS.match(component["u_height"]), "u_height is a multiple of 0.5"
    assert component["currency"] in EUR_PER_UNIT
    assert component["lifecycle"] in {"active", "end_of_sale", "end_of_life"}
    assert component["airflow"] in {"front_to_back", "back_to_front", "side_to_side", "passive"}
    assert component["datasheet_url"] == "" or component["datasheet_url"].startswith("https://")
    assert component["depth_mm"] is None or 0 < component["depth_mm"] <= 1200
    assert 2 <= component["lead_time_days"] <= 120
    ratio = float(component["cost_price"]) / float(component["list_price"])
    assert 0.6 <= ratio <= 0.8
    for field in ("nameplate_w", "typical_w"):
        assert component[field] is None or WATTS.match(component[field])


@pytest.mark.parametrize("component", COMPONENTS, ids=IDS)
def test_power_figures_are_consistent(component: dict[str, Any]) -> None:
    """Passive kinds and UPS/PDU carry no draw; powered kinds do; typical <= nameplate."""
    nameplate, typical = np_w(component), typ_w(component)
    if component["kind"] in UNPOWERED_KINDS:
        assert nameplate is None
        assert typical is None
    elif component["kind"] != "fire_suppression":
        assert nameplate is not None
        assert typical is not None
    if nameplate is not None and typical is not None:
        assert typical <= nameplate
    if component["kind"] == "cooling":
        assert nameplate == component["spec"]["power_draw_w"]
    if component["kind"] in {"cdu", "facility_water"}:
        # Pumps and fans at their rating: the nameplate is the draw, and they run at it.
        assert nameplate == component["spec"]["power_draw_w"]
        assert typical == nameplate
    if component["kind"] == "fire_suppression" and nameplate is not None:
        assert nameplate <= 30


@pytest.mark.parametrize("component", COMPONENTS, ids=IDS)
def test_list_price_is_believable(component: dict[str, Any]) -> None:
    """List prices sit in a plausible band for the kind (converted to EUR); large UPSs and the
    63/125 A PDUs of AI racks have a band of their own."""
    low, high = PRICE_RANGE_EUR[component["kind"]]
    spec = component["spec"]
    if component["kind"] == "ups" and spec["kva"] >= LARGE_UPS_KVA:
        low, high = LARGE_UPS_PRICE_EUR
    elif component["kind"] == "pdu" and spec["input_current_a"] in AI_PDU_AMPS:
        low, high = AI_PDU_PRICE_EUR
    assert low <= eur(component) <= high


# --------------------------------------------------------------------------- power


def test_ups_ratings_are_physical() -> None:
    """kW <= kVA at PF 0.6-1.0, online efficiency 0.92-0.97, 1-20 kVA rack units, 3-phase only
    at 10+; and the AI-rack class: 60-250 kVA floor cabinets, 3:3, Li-ion, PF 1."""
    large = []
    for ups in of_kind("ups"):
        spec = ups["spec"]
        assert spec["kw"] <= spec["kva"]
        assert 0.6 <= spec["kw"] / spec["kva"] <= 1.0
        assert spec["output_pf"] == pytest.approx(spec["kw"] / spec["kva"], abs=0.01)
        if spec["kva"] >= LARGE_UPS_KVA:
            large.append(ups)
            assert spec["kva"] <= 250
            assert (spec["input_phases"], spec["output_phases"]) == (3, 3)
            assert spec["battery_chemistry"] == "li_ion"
            assert spec["output_pf"] == 1.0
            assert ups["u_height"] == "0", "a floor cabinet beside the racks"
            # The input breaker carries the full load at 230 V a phase with room for recharge.
            full_a = spec["kva"] * 1000 / (3 * spec["input_voltage_v"])
            assert 1.2 * full_a <= spec["input_current_a"] <= 1.5 * full_a
        else:
            assert 1 <= spec["kva"] <= 20
        if spec["topology"] == "online_double_conversion":
            assert 0.92 <= spec["efficiency"] <= 0.97
        if spec["output_phases"] == 1:
            assert spec["kva"] <= 10
        if spec["input_phases"] == 3:
            assert spec["kva"] >= 10
        if ups["lifecycle"] == "active":
            assert round(spec["kw"] / spec["kva"], 2) >= 0.8, "current designs: PF 0.8-1.0"


def test_ups_runtime_tables_fall_with_load_and_stay_below_the_ideal() -> None:
    """3-5 points falling as load rises, 5-15 min at full load, below the ideal 60*V*Ah*0.9/P."""
    with_battery = [u for u in of_kind("ups") if u["spec"].get("battery_nominal_v")]
    assert len(with_battery) >= 0.8 * len(of_kind("ups"))
    assert {u["sku"] for u in with_battery} >= {"TL-T80-33", "TL-T200-33"}
    for ups in with_battery:
        spec = ups["spec"]
        points = sorted((p["load_w"], p["minutes"]) for p in spec["runtime_table"])
        assert 3 <= len(points) <= 5
        minutes = [m for _, m in points]
        assert all(a > b for a, b in itertools.pairwise(minutes))
        assert points[-1][0] == pytest.approx(spec["kw"] * 1000)
        assert 5 <= points[-1][1] <= 15
        wh = spec["battery_nominal_v"] * spec["battery_ah"]
        for load_w, mins in points:
            assert mins < 60 * wh * INVERTER_EFFICIENCY / load_w, (ups["sku"], load_w)


def test_external_battery_packs_match_their_ups_strings() -> None:
    """Every extendable UPS has a same-maker pack at its string voltage and chemistry."""
    packs = defaultdict(set)
    for pack in of_kind("battery"):
        packs[pack["manufacturer"]].add((pack["spec"]["nominal_v"], pack["spec"]["chemistry"]))
    extendable = [u for u in of_kind("ups") if u["spec"]["external_battery_support"]]
    assert len(extendable) >= 5
    for ups in extendable:
        spec = ups["spec"]
        assert spec["max_external_packs"] >= 1
        if spec.get("battery_nominal_v"):
            key = (spec["battery_nominal_v"], spec.get("battery_chemistry", "vrla"))
            assert key in packs[ups["manufacturer"]], ups["sku"]
        else:
            assert packs[ups["manufacturer"]], ups["sku"]


def test_battery_packs_store_volts_times_amp_hours() -> None:
    """Wh = V x Ah with a whole-number Ah, and each pack fits some UPS of its maker."""
    strings = {(u["manufacturer"], u["spec"].get("battery_nominal_v")) for u in of_kind("ups")}
    # A long-run UPS without internal batteries names its external string voltage in text only.
    strings |= {(u["manufacturer"], 384) for u in of_kind("ups") if "384 V" in u["description"]}
    for pack in of_kind("battery"):
        spec = spec_model_for("battery").model_validate(pack["spec"])
        assert spec.ah == pytest.approx(round(spec.ah), abs=1e-6)
        assert 5 <= spec.ah <= 50
        assert (pack["manufacturer"], pack["spec"]["nominal_v"]) in strings, pack["sku"]


def test_pdus_cover_eu_and_north_american_supplies() -> None:
    """1- and 3-phase 16/32 A at 230 V L-N; NA 120/208 V plugs whose UL nameplate is 80 %;
    for AI racks, three-phase 63 A strips and 125 A busbars."""
    seen = set()
    for pdu in of_kind("pdu"):
        spec = pdu["spec"]
        seen.add((spec["voltage_v"], spec["phases"], spec["input_current_a"]))
        assert spec["voltage_v"] in {120, 208, 230}
        if spec["voltage_v"] == 230 and spec["input_current_a"] in AI_PDU_AMPS:
            assert spec["phases"] == 3
            assert spec["outlets_c19"] >= 12, "GPU nodes plug C20 inlets into C19 outlets"
        elif spec["voltage_v"] == 230:
            assert spec["input_current_a"] in {16, 32}
        else:
            assert pdu["currency"] == "USD"
            assert spec["input_current_a"] in {20, 30}, "input_current_a is the plug rating"
            assert f"{0.8 * spec['input_current_a']:g} A UL nameplate" in pdu["description"]
        if spec["breaker_a"] is not None:
            assert spec["breaker_a"] <= spec["input_current_a"]
        if pdu["u_height"] == "0":
            assert spec["outlets_c13"] + spec["outlets_c19"] >= 12
    assert {(230, 1, 16), (230, 1, 32), (230, 3, 16), (230, 3, 32)} <= seen
    assert {(230, 3, 63), (230, 3, 125)} <= seen
    assert any(v in {120, 208} for v, _, _ in seen)
    assert any(p["spec"]["metered"] for p in of_kind("pdu"))
    assert any(p["spec"]["switched"] for p in of_kind("pdu"))


def test_ats_units_are_16_or_32_amp_class() -> None:
    """Transfer switches come in 16 A and 32 A (and a North American 30 A)."""
    for ats in of_kind("ats"):
        assert ats["spec"]["rated_a"] in {16, 30, 32}
        assert ats["spec"]["transfer_time_ms"] <= 20


# --------------------------------------------------------------------------- thermal

COOLING_RANGE_KW = {
    "in_rack": (3, 12),
    "rear_door": (10, 30),
    "in_row": (10, 40),
    "split_dx": (2, 10),
    "free_air": (3, 25),
}


def test_cooling_units_are_sized_consistently() -> None:
    """SHR per type, airflow ~ 3.0 * P / dT with dT 10-12 K, EER 3-4 for DX units."""
    types = set()
    for unit in of_kind("cooling"):
        spec = unit["spec"]
        types.add(spec["cooling_type"])
        sensible, total, power = (
            spec["sensible_capacity_w"], spec["total_capacity_w"], spec["power_draw_w"]
        )  # fmt: skip
        low, high = COOLING_RANGE_KW[spec["cooling_type"]]
        assert low * 1000 <= sensible <= high * 1000
        shr = sensible / total
        if spec["cooling_type"] == "split_dx":
            assert 0.6 <= shr <= 0.8, "comfort splits lose a quarter of their capacity to latent"
        else:
            assert shr >= 0.9
        delta_t = 3.0 * sensible / spec["airflow_m3h"]
        assert 9.5 <= delta_t <= 12.5
        if power / total > 0.2:  # compressor on board: a DX unit
            assert 2.8 <= total / power <= 4.2
        else:  # fans only: chilled water, rear door or free air
            assert power <= 0.08 * sensible
        assert spec["ambient_min_c"] < spec["ambient_max_c"]
    assert types == set(COOLING_RANGE_KW)


def test_servers_draw_and_weigh_what_servers_do() -> None:
    """1U/2U, 250-1100 W nameplate, typical 40-60 %, 15-35 kg, mostly dual supplies."""
    servers = of_kind("server")
    for server in servers:
        nameplate = np_w(server)
        assert server["u_height"] in {"1", "2"}
        assert 250 <= nameplate <= 1100
        assert 0.4 <= typ_w(server) / nameplate <= 0.6
        assert 15 <= float(server["weight_kg"]) <= 35
        assert 400 <= server["depth_mm"] <= 800
    dual = [s for s in servers if s["spec"]["redundant_psus"]]
    assert len(dual) >= 0.8 * len(servers)


def test_gpu_servers_draw_kilowatts() -> None:
    """2U-6U, 2-8 GPUs, nameplate 2-10 kW (cold-plate nodes up to 12.5 kW), typical 70-85 %,
    30-90 kg, C20 inlets."""
    for gpu in of_kind("gpu_server"):
        spec = gpu["spec"]
        nameplate = np_w(gpu)
        assert 2 <= float(gpu["u_height"]) <= 6
        assert 2 <= spec["gpu_count"] <= 8
        assert 2000 <= nameplate <= (12_500 if spec.get("liquid_fraction") else 10_000)
        assert 0.7 <= typ_w(gpu) / nameplate <= 0.85
        assert 30 <= float(gpu["weight_kg"]) <= 90
        assert spec["psu_connector"] == "C20"


@pytest.mark.parametrize("component", of_kind(*IT_KINDS), ids=lambda c: c["sku"])
def test_it_supplies_carry_the_nameplate(component: dict[str, Any]) -> None:
    """Redundant supplies carry the nameplate on one feed (half of them); others on all."""
    spec = component["spec"]
    if not spec["psu_count"]:
        assert spec["psu_connector"] == "other", "no own supply: powered by a hub or PoE"
        return
    usable = spec["psu_count"] // 2 if spec["redundant_psus"] else spec["psu_count"]
    assert spec["psu_rating_w"] * usable >= np_w(component)


def test_network_and_monitoring_devices_are_plausible() -> None:
    """Switches 40-600 W; monitoring devices provide monitoring or security, and both exist."""
    for switch in of_kind("switch"):
        assert 40 <= np_w(switch) <= 600
    monitors = of_kind("monitoring")
    for device in monitors:
        spec = spec_model_for("monitoring").model_validate(device["spec"])
        assert spec.remote_monitoring or spec.physical_security
    assert any(d["spec"].get("remote_monitoring") for d in monitors)
    assert any(d["spec"].get("physical_security") for d in monitors)
    assert {s["u_height"] for s in of_kind("storage")} >= {"2", "4"}


# --------------------------------------------------------------------------- fire


def halocarbon_kg_per_m3(k1: float, k2: float, pct: float, temp_c: float = 0.0) -> float:
    return (pct / (100 - pct)) / (k1 + k2 * temp_c)


def test_fire_units_hold_enough_agent_for_their_volume() -> None:
    """NFPA 2001 flooding factors: HFC-227ea 0.55-0.65 and FK-5-1-12 0.70-0.76 kg/m3."""
    agents = set()
    for unit in of_kind("fire_suppression"):
        spec = unit["spec"]
        agents.add(spec["agent"])
        mass, volume = spec["agent_mass_kg"], spec["max_volume_m3"]
        density = mass / volume
        if spec["agent"] == "hfc_227ea":
            assert 0.55 <= density <= 0.65
            assert density >= halocarbon_kg_per_m3(0.1269, 0.000513, 7.0)
        elif spec["agent"] == "fk_5_1_12":
            assert 0.70 <= density <= 0.76
            assert density >= halocarbon_kg_per_m3(0.0664, 0.0002741, 4.5)
        elif spec["agent"] == "ig_541":
            assert density >= math.log(100 / 60.1) / 0.65799
        elif spec["agent"] == "aerosol":
            assert mass * 1000 >= spec["design_density_g_m3"] * volume - 1e-6
    assert {"hfc_227ea", "fk_5_1_12", "aerosol"} <= agents
    assert agents & {"ig_541", "ig_55", "ig_100"}
    volumes = [u["spec"]["max_volume_m3"] for u in of_kind("fire_suppression")]
    assert any(1.5 <= v <= 3 for v in volumes), "rack-level units"
    assert any(20 <= v <= 80 for v in volumes), "room units"


# --------------------------------------------------------------------------- space


def test_racks_match_their_class() -> None:
    """Floor racks 42-48U IP20; wall-mount 6-24U 50-100 kg; outdoor IP55+; micro-DC IP54."""
    classes = set()
    for rack in of_kind("rack"):
        spec = rack["spec"]
        assert rack["u_height"] == "0"
        assert rack["depth_mm"] == spec["depth_mm"]
        if spec["wall_mount"]:
            classes.add("wall")
            assert 6 <= spec["u"] <= 24
            assert 50 <= spec["static_load_kg"] <= 100
            assert spec["dynamic_load_kg"] is None
        elif spec["environment"] == "outdoor":
            classes.add("outdoor")
            assert spec["ip_rating"] in {"IP55", "IP65", "IP66"}
            assert spec["ambient_min_c"] <= -30
        elif spec["ip_rating"] == "IP54":
            classes.add("micro_dc")
        elif spec["static_load_kg"] >= 1800:
            # Racks for liquid-cooled GPU nodes (80-90 kg each) and an in-rack CDU.
            classes.add("ai_floor")
            assert spec["u"] in {42, 48, 52}
            assert (spec["width_mm"], spec["depth_mm"]) == (800, 1200)
            assert spec["static_load_kg"] <= 2500
            assert 1000 <= spec["dynamic_load_kg"] <= 1500
            assert spec["ip_rating"] == "IP20"
        else:
            classes.add("floor")
            assert spec["u"] in {42, 45, 48}
            assert spec["width_mm"] in {600, 800}
            assert spec["depth_mm"] in {1000, 1200}
            assert 1000 <= spec["static_load_kg"] <= 1500
            assert 700 <= spec["dynamic_load_kg"] <= 1200
            assert spec["ip_rating"] == "IP20"
    assert classes == {"wall", "outdoor", "micro_dc", "floor", "ai_floor"}


def test_accessories_are_passive_and_cheap() -> None:
    """No power, passive airflow; blanking panels are 1U/2U and cost 5-20 EUR; leak detection
    from two makers."""
    types = set()
    for accessory in of_kind("accessory"):
        types.add(accessory["spec"]["accessory_type"])
        assert accessory["airflow"] == "passive"
        if accessory["spec"]["accessory_type"] == "blanking_panel":
            assert accessory["u_height"] in {"1", "2"}
            if "brush" not in accessory["model_name"]:
                assert 5 <= eur(accessory) <= 20
    assert types == {
        "blanking_panel", "shelf", "cable_management", "patch_panel", "leak_detection", "other"
    }  # fmt: skip
    leak_makers = {
        a["manufacturer"]
        for a in of_kind("accessory")
        if a["spec"]["accessory_type"] == "leak_detection"
    }
    assert len(leak_makers) >= 2


# --------------------------------------------------------------------------- bundles


@pytest.mark.parametrize("bundle", of_kind("bundle"), ids=lambda c: c["sku"])
def test_bundle_references_and_price(bundle: dict[str, Any]) -> None:
    """Members exist, are sold, share the currency; the kit is 10-15 % below their sum."""
    members = members_of(bundle)
    for member, _ in members:
        assert member["kind"] != "bundle"
        assert member["lifecycle"] == "active"
        assert member["currency"] == bundle["currency"]
    total = sum(float(m["list_price"]) * qty for m, qty in members)
    assert float(bundle["list_price"]) < total
    assert 0.85 * total - 10 <= float(bundle["list_price"]) <= 0.9 * total + 10
    assert sum(1 for m, _ in members if m["kind"] == "rack") >= 1


@pytest.mark.parametrize("bundle", of_kind("bundle"), ids=lambda c: c["sku"])
def test_bundle_capacity_respects_its_members(bundle: dict[str, Any]) -> None:
    """IT capacity fits 80 % of UPS kW and sensible cooling; the kit fits its rack with room."""
    spec = bundle["spec"]
    members = [(BY_KEY[(m["manufacturer"], m["sku"])], m["quantity"]) for m in spec["members"]]
    ups_w = sum(m["spec"]["kw"] * 1000 * q for m, q in members if m["kind"] == "ups")
    cooling_w = sum(
        m["spec"]["sensible_capacity_w"] * q for m, q in members if m["kind"] == "cooling"
    )
    rack_u = sum(m["spec"]["u"] * q for m, q in members if m["kind"] == "rack")
    mounted_u = sum(float(m["u_height"]) * q for m, q in members if m["kind"] != "rack")
    infrastructure_u = sum(
        float(m["u_height"]) * q for m, q in members if m["kind"] not in {"rack", "accessory"}
    )
    assert spec["it_capacity_w"] <= 0.8 * ups_w
    assert spec["cooling_capacity_w"] == cooling_w
    if cooling_w:
        assert spec["it_capacity_w"] <= 0.8 * cooling_w
    assert spec["rack_units"] == rack_u
    assert mounted_u <= rack_u
    assert infrastructure_u <= rack_u - 6, "the kit leaves rack units for IT"
    assert spec["runtime_min_at_capacity"] >= 5
    assert f"{spec['it_capacity_w'] / 1000:g} kW" in bundle["model_name"]
