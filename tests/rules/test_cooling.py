"""Cooling as vendors rate it and as it is mounted: SHR, derating for return air and altitude,
rack scope, mounting limits, IT vs room airflow, humidity, water (reference 2, 6, 8; S2, S9)."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from rules import evaluate
from rules.checks.sustainability import annual_energy
from rules.checks.thermal import cooling_capacity, cooling_mounting, humidity, rack_airflow
from rules.derive import derive
from rules.derive.thermal import dew_point_c, relative_humidity_pct
from rules.specs import CoolingSpec, CoolingType, ItSpec, Kind
from tests.rules.builders_physical import build, cooler, item, rack, run, server, site

U = 0.8  # C4


def _unit(**fields: object) -> CoolingSpec:
    base: dict[str, object] = {
        "cooling_type": CoolingType.IN_ROW,
        "total_capacity_w": 10_000,
        "airflow_m3h": 3000,
        "power_draw_w": 0,
    }
    base.update(fields)
    return CoolingSpec.model_validate(base)


# --------------------------------------------------------------------------- ratings


def test_sensible_capacity_from_total_and_shr() -> None:
    """Rated as vendors rate it: 10 kW total at SHR 0.85 is 8.5 kW sensible (S9)."""
    assert _unit(shr=0.85).sensible_w == pytest.approx(8500)
    assert _unit(sensible_capacity_w=9000).sensible_heat_ratio == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "sensible_capacity_w or shr"),
        ({"shr": 1.2}, "shr"),
        ({"sensible_capacity_w": 8000, "shr": 0.9}, "disagree"),
        ({"sensible_capacity_w": 11_000}, "cannot exceed"),
    ],
)
def test_bad_cooling_ratings_are_rejected_naming_the_field(fields: dict, field: str) -> None:
    """No sensible figure at all, an SHR above 1, or figures that disagree are refused."""
    with pytest.raises(ValidationError, match=field):
        _unit(**fields)


@pytest.mark.parametrize(
    ("rated_c", "pct_per_k", "expected"),
    [
        # In-row unit: return air = 27 degC room max + 11 K rise = 38 degC. Rated at 40 degC,
        # 3 %/K colder: 2 K short -> 94 % of 8,500 W = 7,990 W.
        (40.0, 3.0, 8500 * 0.94),
        # Rated at 35 degC: the return air is warmer than the rating; never credited.
        (35.0, 3.0, 8500.0),
        (None, 3.0, 8500.0),
    ],
)
def test_capacity_derated_for_colder_return_air(rated_c, pct_per_k, expected) -> None:
    """The site's return air below the rating costs the vendor's %/K, never more credit."""
    spec = build(
        server("s", watts=1000),
        item(
            "c",
            Kind.COOLING,
            spec=_unit(shr=0.85, rated_return_air_c=rated_c, capacity_change_pct_per_k=pct_per_k),
        ),
    )
    assert derive(spec).thermal.effective_sensible_w == pytest.approx(expected)


def test_capacity_derated_for_altitude() -> None:
    """At 1,500 m the ISA density ratio is (1 - 2.25577e-5 x 1500)^5.25588 = 0.8359: an
    air-side unit rated 8,500 W gives 7,105 W (reference 2)."""
    ratio = (1 - 2.25577e-5 * 1500) ** 5.25588
    spec = build(
        server("s", watts=1000),
        item("c", Kind.COOLING, spec=_unit(shr=0.85, derate_for_altitude=True)),
        site=site(altitude_m=1500),
    )
    assert derive(spec).thermal.effective_sensible_w == pytest.approx(8500 * ratio)


# --------------------------------------------------------------------------- scope


def _racked(heat_w: float, sensible_w: float, **extra: object):  # type: ignore[no-untyped-def]
    return build(
        server("s", watts=heat_w, rack_id="r1", position_u=1),
        cooler(sensible_w=sensible_w, rack_id="r1", cooling_type=CoolingType.DOOR_MOUNTED),
        racks=[rack()],
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("heat_w", "fails"), [(2400.0, False), (2400.1, True)])
def test_rack_scoped_cooling_edge(heat_w: float, fails: bool) -> None:
    """A door-mounted 3,000 W unit cools its own rack: u x 3,000 = 2,400 W."""
    found = run(cooling_capacity, _racked(heat_w, 3000))
    assert [f.code for f in found] == (["thermal.rack_cooling_capacity"] if fails else [])


def test_heat_outside_the_cooled_rack_is_the_rooms() -> None:
    """1,000 W in the cooled rack and 500 W loose: the door unit takes the rack's, the room
    (no units, no stated air conditioning) is left with 500 W and nothing to remove it."""
    spec = build(
        server("s", watts=1000, rack_id="r1", position_u=1),
        server("loose", watts=500),
        cooler(sensible_w=3000, rack_id="r1", cooling_type=CoolingType.DOOR_MOUNTED),
        racks=[rack()],
    )
    (found,) = run(cooling_capacity, spec)
    assert found.code == "thermal.cooling_capacity"
    assert found.value == pytest.approx(500)
    assert found.limit == 0
    # The room's own 625 W of air conditioning at u carries exactly 500 W.
    ok = build(*spec.items, racks=spec.racks, site=site(room_cooling_w=625))
    assert run(cooling_capacity, ok) == []


@pytest.mark.parametrize(("count", "fails"), [(2, False), (3, True)])
def test_door_units_per_rack_are_limited(count: int, fails: bool) -> None:
    """A rack has two doors: three door-mounted air conditioners are not a real build."""
    spec = build(
        cooler(
            sensible_w=1000,
            rack_id="r1",
            cooling_type=CoolingType.DOOR_MOUNTED,
            quantity=count,
        ),
        racks=[rack()],
    )
    assert [f.code for f in run(cooling_mounting, spec)] == (
        ["thermal.cooling_mounting"] if fails else []
    )


def test_a_door_unit_needs_a_rack() -> None:
    """A rear-door heat exchanger outside any rack cools nothing it can reach."""
    spec = build(cooler(sensible_w=1000, cooling_type=CoolingType.REAR_DOOR))
    (found,) = run(cooling_mounting, spec)
    assert "sits in no rack" in found.message


# --------------------------------------------------------------------------- airflow


def test_it_airflow_uses_the_devices_own_figures() -> None:
    """Three servers: one states 200 m3/h; one a 15 K rise at 600 W (3600 x 600 / (1.2 x
    1005 x 15) = 119.4 m3/h); one neither, 400 W at the policy's 11 K (108.6 m3/h)."""
    spec = build(
        item("a", Kind.SERVER, spec=ItSpec(airflow_m3h=200), nameplate_w=300),
        item("b", Kind.SERVER, spec=ItSpec(delta_t_k=15), nameplate_w=600),
        item("c", Kind.SERVER, spec=ItSpec(), nameplate_w=400),
        cooler(sensible_w=5000),
    )
    m = evaluate(spec).metrics
    expected = 200 + 3600 * 600 / (1.2 * 1005 * 15) + 3600 * 400 / (1.2 * 1005 * 11)
    assert m.airflow_it_m3h == pytest.approx(expected)
    assert m.airflow_it_cfm == pytest.approx(expected / 1.699)
    # The cooling's basis is the room heat at the policy rise: 1,300 W at 11 K.
    assert m.airflow_required_m3h == pytest.approx(3600 * 1300 / (1.2 * 1005 * 11))
    assert m.it_heat_w == pytest.approx(1300)
    assert m.it_heat_btu_h == pytest.approx(1300 * 3.412)


@pytest.mark.parametrize(("moved", "warns"), [(1000.0, False), (999.9, True)])
def test_rack_airflow_edge(moved: float, warns: bool) -> None:
    """The rack's IT states 1,000 m3/h; its own cooler must move as much."""
    spec = build(
        item("s", Kind.SERVER, spec=ItSpec(airflow_m3h=1000), nameplate_w=500, rack_id="r1"),
        cooler(sensible_w=5000, airflow_m3h=moved, rack_id="r1"),
        racks=[rack()],
    )
    assert [f.code for f in run(rack_airflow, spec)] == (["thermal.rack_airflow"] if warns else [])


# --------------------------------------------------------------------------- humidity


def test_magnus_dew_point_hand_worked() -> None:
    """L3 (S30): 27 degC at 60 %: gamma = ln 0.6 + 17.62 x 27 / 270.12 = 1.2504;
    T_d = 243.12 x 1.2504 / (17.62 - 1.2504) = 18.57 degC; and back again."""
    gamma = math.log(0.6) + 17.62 * 27 / (243.12 + 27)
    assert dew_point_c(27, 60) == pytest.approx(243.12 * gamma / (17.62 - gamma))
    assert dew_point_c(27, 60) == pytest.approx(18.57, abs=0.01)
    assert relative_humidity_pct(27, dew_point_c(27, 60)) == pytest.approx(60)


@pytest.mark.parametrize(("dew_c", "fails"), [(21.0, False), (21.1, True)])
def test_humidity_dew_point_edge_for_class_a2(dew_c: float, fails: bool) -> None:
    """Class A2 allows a 21 degC dew point at most (reference 2 table)."""
    spec = build(server("s", watts=100), site=site(dew_point_max_c=dew_c, ambient_max_c=27))
    assert [f.code for f in run(humidity, spec)] == (["thermal.humidity"] if fails else [])


def test_humidity_relative_edge_for_class_a2() -> None:
    """A2 also caps relative humidity at 80 %: 81 % at 27 degC is a 23.5 degC dew point, over
    21 degC, so the dew point is said first; 80 % at 20 degC (16.4 degC dew) holds."""
    wet = build(server("s", watts=100), site=site(relative_humidity_max_pct=81))
    assert [f.code for f in run(humidity, wet)] == ["thermal.humidity"]
    cool = build(
        server("s", watts=100),
        site=site(relative_humidity_max_pct=80, ambient_min_c=18, ambient_max_c=20),
    )
    assert run(humidity, cool) == []


def test_humidity_unknown_is_said() -> None:
    """A site that gives no humidity leaves it unjudged, and says so."""
    (found,) = run(humidity, build(server("s", watts=100)))
    assert found.code == "thermal.humidity_unknown"


# --------------------------------------------------------------------------- water and carbon


def test_water_and_wue_hand_worked() -> None:
    """1,000 W of IT, an adiabatic unit evaporating 1.5 L per kWh of heat: 1,000 x 8,760 / 1,000
    = 8,760 kWh of heat, 13,140 L a year; WUE 13,140 / 8,760 = 1.5 L per IT kWh. CUE at 381
    g/kWh and PUE 1.6: 0.6096 kg CO2 per IT kWh."""
    unit = _unit(shr=0.9, water_l_per_kwh=1.5)
    spec = build(server("s", watts=1000), item("c", Kind.COOLING, spec=unit))
    m = evaluate(spec).metrics
    assert m.annual_water_l == pytest.approx(13_140)
    assert m.wue_l_per_kwh == pytest.approx(1.5)
    assert m.cue_kg_per_kwh == pytest.approx(0.381 * 1.6)
    assert "sustainability.water" in [f.code for f in run(annual_energy, spec)]
