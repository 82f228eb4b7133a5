"""The demo catalogue's derived figures still follow the formulas their data files cite.

The figures are written out in ``catalog/fixtures/demo/*.yaml``; these tests recompute each
from the formula in its comment (``shared/reference/engineering-rules.md``), so an edit to
one figure that leaves the others behind fails here. No database.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from typing import Any

import pytest

from tests.catalog.demo_rows import members_of, np_w, of_kind, typ_w

# Reference 2, airflow: m3/h = 3600 * P / (1.2 kg/m3 * 1005 J/(kg K) * dT) ~ 2.99 * P / dT.
AIR_M3H_PER_W_K = 3600 / (1.2 * 1005)
DELTA_T_K = (10, 11, 12)
INVERTER_EFFICIENCY = 0.9  # reference 1, battery runtime
UTILISATION = 0.8  # reference 0, C4
LOAD_PF = 0.95  # reference 0, C3
DESIGN_MIN_TEMP_C = 0.0
# Reference 4: agent -> (k1, k2, design concentration %, halocarbon or inert formula).
AGENTS = {
    "hfc_227ea": (0.1269, 0.000513, 7.0, "halocarbon"),
    "fk_5_1_12": (0.0664, 0.0002741, 4.5, "halocarbon"),
    "ig_541": (0.65799, 0.002239, 39.9, "inert"),
    "ig_100": (0.7997, 0.00293, 40.3, "inert"),
}
BUNDLES = of_kind("bundle")


def agent_kg_per_m3(agent: str) -> float:
    """Agent mass per net m3 at the design concentration and the minimum design temperature."""
    k1, k2, pct, family = AGENTS[agent]
    specific_volume = k1 + k2 * DESIGN_MIN_TEMP_C
    if family == "halocarbon":
        return (pct / (100 - pct)) / specific_volume
    return math.log(100 / (100 - pct)) / specific_volume


def runtime_from_table(points: list[dict[str, float]], load_w: float) -> float:
    """Minutes at a load from a runtime table, interpolated (or extrapolated) on log-log axes."""
    pairs = list(itertools.pairwise(sorted((p["load_w"], p["minutes"]) for p in points)))
    # The first segment that reaches the load; beyond the table, the last one extrapolates.
    low, high = next(((lo, hi) for lo, hi in pairs if load_w <= hi[0]), pairs[-1])
    slope = math.log(high[1] / low[1]) / math.log(high[0] / low[0])
    return low[1] * (load_w / low[0]) ** slope


# --------------------------------------------------------------------------- power


def test_ups_output_pf_is_kw_over_kva() -> None:
    """Each UPS's output_pf is its kW over its kVA, to two decimals."""
    for ups in of_kind("ups"):
        spec = ups["spec"]
        assert spec["output_pf"] == round(spec["kw"] / spec["kva"], 2), ups["sku"]


def test_ups_description_quotes_the_full_load_runtime() -> None:
    """The description's 'about N min at full load' is the table's full-load point."""
    for ups in of_kind("ups"):
        table = ups["spec"].get("runtime_table")
        if not table:
            assert "No internal batteries" in ups["description"]
            continue
        full = max(table, key=lambda p: p["load_w"])
        assert full["load_w"] == pytest.approx(ups["spec"]["kw"] * 1000)
        assert f"about {full['minutes']:g} min at full load" in ups["description"], ups["sku"]


# ups.yaml: the full-load time is this share of the ideal, and lighter loads scale it by
# (P_full / P)^x (reference 1, battery runtime).
RUNTIME_CONVENTION = {"vrla": (0.5, 1.3), "li_ion": (0.75, 1.1)}


def test_ups_runtime_tables_follow_the_file_convention() -> None:
    """Points at 25, 50, 75 and 100 % load: t_full = share x 60 x V x Ah x 0.9 / P_full, and
    t_full x (P_full / P)^x below, to 0.1 min. The 80 kVA Tristar T80 by hand: 60 x 512 V x 40
    Ah x 0.9 / 80 kW = 13.82 min ideal, 0.75 x 13.82 = 10.37 min at full load, 10.37 x 2^1.1 =
    22.2 min at 40 kW."""
    for ups in of_kind("ups"):
        spec = ups["spec"]
        if not spec.get("battery_nominal_v"):
            continue
        share, exponent = RUNTIME_CONVENTION[spec.get("battery_chemistry", "vrla")]
        full_w = spec["kw"] * 1000
        full_min = share * 60 * spec["battery_nominal_v"] * spec["battery_ah"] * 0.9 / full_w
        points = sorted((p["load_w"], p["minutes"]) for p in spec["runtime_table"])
        assert [load / full_w for load, _ in points] == [0.25, 0.5, 0.75, 1.0], ups["sku"]
        for load_w, minutes in points:
            expected = full_min * (full_w / load_w) ** exponent
            assert minutes == pytest.approx(expected, abs=0.051), (ups["sku"], load_w)
    t80 = next(u for u in of_kind("ups") if u["sku"] == "TL-T80-33")["spec"]["runtime_table"]
    assert {p["load_w"]: p["minutes"] for p in t80}[40_000] == 22.2


def test_battery_description_quotes_the_stored_energy() -> None:
    """A pack's description gives its volts, whole amp-hours and the Wh its spec stores."""
    for pack in of_kind("battery"):
        spec = pack["spec"]
        ah = round(spec["wh"] / spec["nominal_v"])
        text = f"{spec['nominal_v']:g} V {ah} Ah ({spec['wh']:g} Wh)"
        assert text in pack["description"], pack["sku"]


# --------------------------------------------------------------------------- thermal


def test_cooling_airflow_is_sensible_capacity_over_delta_t() -> None:
    """airflow_m3h = 2.99 * sensible W / dT for a whole dT of 10-12 K, to the nearest 10 m3/h."""
    for unit in of_kind("cooling"):
        spec = unit["spec"]
        airflow = spec["airflow_m3h"]
        assert airflow % 10 == 0, unit["sku"]
        exact = [AIR_M3H_PER_W_K * spec["sensible_capacity_w"] / dt for dt in DELTA_T_K]
        assert any(abs(airflow - value) <= 5 for value in exact), (unit["sku"], exact)
        assert f"{airflow:g} m3/h" in unit["description"], unit["sku"]


def test_cooling_typical_draw_is_three_quarters_of_nameplate() -> None:
    """A cooling unit's typical draw is 75 % of its nameplate draw, to the watt."""
    for unit in of_kind("cooling"):
        nameplate, typical = np_w(unit), typ_w(unit)
        assert nameplate is not None
        assert typical is not None
        assert abs(typical - 0.75 * nameplate) <= 0.5, unit["sku"]


def test_it_flags_follow_supplies_and_depth() -> None:
    """redundant_psus means two supplies or more; full depth means a chassis of 700 mm or more."""
    for kind in ("server", "gpu_server", "switch", "router", "storage", "monitoring"):
        for device in of_kind(kind):
            spec = device["spec"]
            assert spec["redundant_psus"] == (spec["psu_count"] >= 2), device["sku"]
            deep = device["depth_mm"] is not None and device["depth_mm"] >= 700
            assert device["is_full_depth"] == deep, device["sku"]


# --------------------------------------------------------------------------- fire


def test_fire_volume_is_what_the_agent_mass_protects() -> None:
    """max_volume_m3 is the NFPA 2001 volume of the agent mass at 0 C, rounded down to 0.1 m3."""
    for unit in of_kind("fire_suppression"):
        spec = unit["spec"]
        mass, volume = spec["agent_mass_kg"], spec["max_volume_m3"]
        if spec["agent"] == "aerosol":
            exact = mass * 1000 / spec["design_density_g_m3"]  # M = q * V
            assert volume == pytest.approx(exact, abs=0.05), unit["sku"]
        elif spec["agent"] in AGENTS:
            exact = mass / agent_kg_per_m3(spec["agent"])
            assert exact - 0.1 < volume <= exact, (unit["sku"], exact)
        else:
            pytest.fail(f"{unit['sku']}: no reference formula for agent {spec['agent']!r}")
        assert f"protects up to {volume:.1f} m3" in unit["description"], unit["sku"]


# --------------------------------------------------------------------------- bundles


def pdu_feed_w(spec: dict[str, Any]) -> float:
    """Continuous IT watts one PDU carries: 80 % of its input VA at load PF 0.95."""
    return spec["voltage_v"] * spec["phases"] * spec["input_current_a"] * UTILISATION * LOAD_PF


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda c: c["sku"])
def test_bundle_capacity_is_its_weakest_limit(bundle: dict[str, Any]) -> None:
    """IT capacity: least of 80 % UPS kW, 80 % cooling, one PDU feed; down to 100 W."""
    limits, cooling_w = [], 0.0
    for member, qty in members_of(bundle):
        spec = member["spec"]
        if member["kind"] == "ups":
            limits.append(spec["kw"] * 1000 * qty * UTILISATION)
        elif member["kind"] == "pdu":
            # Two or more PDUs are A/B pairs: one side must carry the whole load.
            limits.append(pdu_feed_w(spec) * max(1, qty // 2))
        elif member["kind"] == "cooling":
            cooling_w += spec["sensible_capacity_w"] * qty
    if cooling_w:
        limits.append(cooling_w * UTILISATION)
    capacity = bundle["spec"]["it_capacity_w"]
    assert capacity == math.floor(min(limits) / 100) * 100
    kw = f"{capacity / 1000:g} kW"
    assert bundle["model_name"].endswith(kw)
    assert f"Pre-integrated kit for {kw} of IT load" in bundle["description"]


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda c: c["sku"])
def test_bundle_runtime_is_its_ups_table_at_capacity(bundle: dict[str, Any]) -> None:
    """Runtime at capacity: the UPS table at that load, stretched by packs; below the ideal."""
    members = members_of(bundle)
    (ups, ups_qty), *others = [(m, q) for m, q in members if m["kind"] == "ups"]
    assert not others, "one UPS model per kit"
    spec = ups["spec"]
    internal_wh = spec["battery_nominal_v"] * spec["battery_ah"] * ups_qty
    pack_wh = sum(m["spec"]["wh"] * q for m, q in members if m["kind"] == "battery")
    capacity = bundle["spec"]["it_capacity_w"]
    runtime = bundle["spec"]["runtime_min_at_capacity"]
    # External packs extend the internal table in proportion to stored energy.
    expected = runtime_from_table(spec["runtime_table"], capacity / ups_qty) * (
        1 + pack_wh / internal_wh
    )
    assert runtime == pytest.approx(expected, abs=0.05)
    assert runtime < 60 * (internal_wh + pack_wh) * INVERTER_EFFICIENCY / capacity
    assert f"Runtime about {runtime:g} min at that load" in bundle["description"]


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda c: c["sku"])
def test_bundle_price_weight_and_lead_time_follow_members(bundle: dict[str, Any]) -> None:
    """Price 10-15 % off the members in tens, cost 76 %, weights added, lead time the longest."""
    members = members_of(bundle)
    list_sum = sum(Decimal(m["list_price"]) * q for m, q in members)
    price = Decimal(bundle["list_price"])
    assert price % 10 == 0
    assert list_sum * Decimal("0.85") - 5 <= price <= list_sum * Decimal("0.90") + 5
    assert Decimal(bundle["cost_price"]) == (price * Decimal("0.76")).quantize(Decimal("0.01"))
    assert Decimal(bundle["weight_kg"]) == sum(Decimal(m["weight_kg"]) * q for m, q in members)
    racks = [m for m, _ in members if m["kind"] == "rack"]
    assert bundle["depth_mm"] == max(r["depth_mm"] for r in racks)
    longest = max(m["lead_time_days"] for m, _ in members)
    assert longest < bundle["lead_time_days"] <= 120
