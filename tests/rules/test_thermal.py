"""Thermal checks: hand-worked figures from reference 2 at every pass/fail edge."""

from __future__ import annotations

import pytest

from rules.checks import RULES
from rules.checks.thermal import (
    airflow,
    airflow_direction,
    blanking_panels,
    cooling_ambient,
    cooling_capacity,
    inlet_conditions,
)
from rules.derive.thermal import air_pressure_ratio, airflow_required_m3h
from rules.model import Severity
from rules.specs import AshraeClass, CoolingType, Environment, Kind
from tests.rules.builders_physical import (
    B2F,
    F2B,
    PASSIVE,
    REAR,
    SIDE,
    blanking,
    build,
    codes,
    cooler,
    item,
    pdu,
    policy,
    rack,
    run,
    server,
    site,
    ups,
)

# --------------------------------------------------------------------------- cooling capacity


@pytest.mark.parametrize(
    ("heat_w", "sensible_w", "expected"),
    [
        # C4: PASS when heat <= 0.8 * sensible. 0.8 * 10,000 = 8,000 W.
        (8000.0, 10_000.0, []),  # exactly at the limit
        (8000.0001, 10_000.0, ["thermal.cooling_capacity"]),  # just over
        (7999.9999, 10_000.0, []),  # just under
        # Required sensible = heat / u = 4,000 / 0.8 = 5,000 W; 4,999 W installed fails.
        (4000.0, 4999.0, ["thermal.cooling_capacity"]),
    ],
)
def test_cooling_capacity_flips_at_utilisation_limit(heat_w, sensible_w, expected):
    """Sensible capacity must cover the heat at 80 % utilisation."""
    spec = build(server(watts=heat_w), cooler(sensible_w=sensible_w))
    assert codes(run(cooling_capacity, spec)) == expected


def test_cooling_capacity_reports_unrounded_value_and_limit():
    """The finding carries the heat and u * installed, unrounded."""
    spec = build(server(watts=8000.0001), cooler(sensible_w=10_000))
    (finding,) = run(cooling_capacity, spec)
    assert finding.severity is Severity.ERROR
    assert finding.value == 8000.0001
    assert finding.limit == 8000.0
    assert finding.subject == ("cool",)
    assert "8,000.0 W" in finding.message  # C8: W to 0.1


def test_cooling_capacity_uses_sensible_not_total_capacity():
    """A comfort split with SHR 0.67: 0.8 x 8,000 W sensible = 6,400 W < 7,000 W heat fails,
    although 0.8 x 12,000 W total = 9,600 W would pass (S9)."""
    spec = build(server(watts=7000), cooler(sensible_w=8000, total_w=12_000))
    assert codes(run(cooling_capacity, spec)) == ["thermal.cooling_capacity"]


def test_cooling_capacity_includes_ups_losses():
    """IT 4,700 W through a 94 % UPS loses 4,700 x (1/0.94 - 1) = 300 W (C5): heat 5,000 W is
    above 0.8 x 6,000 = 4,800 W, though the IT load alone (4,700 W) is below it."""
    spec = build(ups(kva=10), server(watts=4700), cooler(sensible_w=6000))
    (finding,) = run(cooling_capacity, spec)
    assert finding.value == pytest.approx(5000.0)


def test_cooling_capacity_counts_every_unit_of_a_line():
    """Two units of 5,000 W sensible: 0.8 x 10,000 = 8,000 W covers 8,000 W."""
    spec = build(server(watts=8000), cooler(sensible_w=5000, quantity=2))
    assert run(cooling_capacity, spec) == []


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment.INDOOR, "thermal.cooling_absent"),
        (Environment.OUTDOOR, "thermal.cooling_capacity"),
    ],
)
def test_cooling_absent_fails_unless_the_room_carries_the_heat(environment, expected):
    """Without a cooling unit, 1,000 W has nowhere to go: an error indoors unless the site
    states its own air conditioning, and always outdoors (a closed enclosure)."""
    spec = build(server(watts=1000), site=site(environment=environment))
    (finding,) = run(cooling_capacity, spec)
    assert (finding.code, finding.severity) == (expected, Severity.ERROR)


@pytest.mark.parametrize(("room_cooling_w", "fails"), [(1250.0, False), (1249.9, True)])
def test_room_air_conditioning_carries_a_build_without_cooling(room_cooling_w, fails):
    """The site's own 1,250 W of sensible cooling at u = 0.8 carries exactly 1,000 W; at
    1,249.9 W it is 999.92 W, short of the 1,000 W of heat."""
    spec = build(server(watts=1000), site=site(room_cooling_w=room_cooling_w))
    found = run(cooling_capacity, spec)
    assert [f.code for f in found] == (["thermal.cooling_capacity"] if fails else [])


def test_cooling_capacity_silent_without_heat():
    """No load, no heat, nothing to say."""
    assert run(cooling_capacity, build(cooler(sensible_w=1000))) == []


# --------------------------------------------------------------------------- cooling ambient


@pytest.mark.parametrize(
    ("site_range", "unit_range", "expected"),
    [
        ((18, 40), (-15, 40), []),  # site max 40 = unit max 40: passes
        ((18, 40.5), (-15, 40), ["thermal.cooling_ambient"]),  # split DX rated to 40 at 40.5
        ((-15, 27), (-15, 40), []),  # site min = unit min
        ((-15.5, 27), (-15, 40), ["thermal.cooling_ambient"]),
        ((-30, 50), (-15, 40), ["thermal.cooling_ambient", "thermal.cooling_ambient"]),
    ],
)
def test_cooling_ambient_flips_at_the_units_operating_range(site_range, unit_range, expected):
    """The site's ambient range must lie inside the cooling unit's operating range."""
    unit = cooler(sensible_w=5000, cooling_type=CoolingType.SPLIT_DX, ambient=unit_range)
    spec = build(unit, site=site(ambient_min_c=site_range[0], ambient_max_c=site_range[1]))
    assert codes(run(cooling_ambient, spec)) == expected


# --------------------------------------------------------------------------- airflow

# Reference 2: m3/h = 3600 * P / (1.2 * 1005 * dT). With dT = 11 K and P = 3,685 W:
# 3600 * 3685 / (1206 * 11) = 13,266,000 / 13,266 = 1,000.0 m3/h at sea level.
# At 1,500 m the ratio is (1 - 2.25577e-5 * 1500) ^ 5.25588 = 0.96616 ^ 5.25588 = 0.83450,
# so 1,000.0 / 0.83450 = 1,198.32 m3/h.


def test_airflow_formula_matches_reference_figures():
    """~2.99 m3/h per W per K at sea level; 1 / 0.8345 more air at 1,500 m."""
    assert airflow_required_m3h(3685, 11, 0) == pytest.approx(1000.0)
    assert airflow_required_m3h(1, 1, 0) == pytest.approx(2.985, abs=0.001)
    assert air_pressure_ratio(1500) == pytest.approx(0.83450, abs=1e-5)
    assert air_pressure_ratio(900) == pytest.approx(0.8978, abs=1e-4)  # reference 4: ~0.89
    assert airflow_required_m3h(3685, 11, 1500) == pytest.approx(1198.318, abs=0.001)


@pytest.mark.parametrize(
    ("altitude_m", "installed_m3h", "expected"),
    [
        (0, 1000.0, []),  # exactly the 1,000.0 m3/h required: passes (100 %, no C4)
        (0, 999.99, ["thermal.airflow"]),
        (0, 1000.01, []),
        (1500, 1198.32, []),  # 1,198.318 required at 1,500 m
        (1500, 1198.31, ["thermal.airflow"]),
        (1500, 1000.0, ["thermal.airflow"]),  # enough at sea level, not at altitude
    ],
)
def test_airflow_flips_at_required_volume_with_altitude(altitude_m, installed_m3h, expected):
    """Installed airflow must carry the heat at the policy rise, scaled for thin air."""
    spec = build(
        server(watts=3685),
        cooler(sensible_w=100_000, airflow_m3h=installed_m3h),
        site=site(altitude_m=altitude_m),
    )
    assert codes(run(airflow, spec)) == expected


def test_airflow_uses_policy_delta_t():
    """At dT = 22 K the same 3,685 W needs 500.0 m3/h: 500 passes, 499.99 fails."""
    fast = policy(airflow_delta_t_k=22)
    ok = build(server(watts=3685), cooler(sensible_w=1e5, airflow_m3h=500), policy=fast)
    low = build(server(watts=3685), cooler(sensible_w=1e5, airflow_m3h=499.99), policy=fast)
    assert run(airflow, ok) == []
    assert codes(run(airflow, low)) == ["thermal.airflow"]


def test_airflow_silent_without_cooling_units():
    """With no cooling unit the capacity check speaks; airflow has nothing to compare."""
    assert run(airflow, build(server(watts=3685))) == []


# --------------------------------------------------------------------------- airflow direction


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Two front-to-back devices on the front face breathe alike.
        ([(F2B, "front"), (F2B, "front")], []),
        ([(F2B, "front"), (B2F, "front")], ["thermal.mixed_airflow"]),
        # A front-to-back switch on the rear rails blows towards the rack front.
        ([(F2B, "front"), (F2B, "rear")], ["thermal.mixed_airflow"]),
        # A back-to-front switch on the rear rails blows to the rear like the servers.
        ([(F2B, "front"), (B2F, "rear")], []),
        # Passive items (patch panels, shelves) are ignored.
        ([(F2B, "front"), (PASSIVE, "front")], []),
        ([(F2B, "front"), (SIDE, "front")], ["thermal.side_airflow"]),
    ],
)
def test_airflow_direction_flags_mixed_directions_per_rack(lines, expected):
    """Front-to-back and back-to-front devices in one rack, as mounted."""
    items = [
        server(f"d{n}", airflow=flow, rack_id="r1", position_u=1 + 2 * n, face=face)
        for n, (flow, face) in enumerate(lines)
    ]
    assert codes(run(airflow_direction, build(*items, racks=[rack()]))) == expected


def test_mixed_airflow_names_the_items_and_ignores_other_racks():
    """Opposite devices in different racks do not mix; the finding names both groups."""
    spec = build(
        server("a", airflow=F2B, rack_id="r1"),
        server("b", airflow=B2F, rack_id="r1"),
        server("c", airflow=B2F, rack_id="r2"),
        racks=[rack("r1"), rack("r2")],
    )
    (finding,) = run(airflow_direction, spec)
    assert finding.severity is Severity.WARNING
    assert finding.subject == ("r1", "a", "b")
    assert "(a in rack 1 (a))" in finding.message
    assert "(b in rack 1 (b))" in finding.message


# --------------------------------------------------------------------------- inlet conditions


@pytest.mark.parametrize(
    ("cls", "altitude_m", "site_max", "expected"),
    [
        # A2 allowable 10-35 degC; no derating up to 900 m.
        (AshraeClass.A2, 900, 35.0, []),
        (AshraeClass.A2, 900, 35.1, ["thermal.ashrae_inlet"]),
        # A2 at 1,200 m: 35 - (1200 - 900) / 300 = 34 degC.
        (AshraeClass.A2, 1200, 34.0, []),
        (AshraeClass.A2, 1200, 34.1, ["thermal.ashrae_inlet"]),
        # A1 allowable 15-32 degC: 32 passes, 32.5 fails at sea level.
        (AshraeClass.A1, 0, 32.0, []),
        (AshraeClass.A1, 0, 32.5, ["thermal.ashrae_inlet"]),
        # A3 at 1,250 m: 40 - 350 / 175 = 38 degC (steeper derating).
        (AshraeClass.A3, 1250, 38.0, []),
        (AshraeClass.A3, 1250, 38.1, ["thermal.ashrae_inlet"]),
        # A4 at 1,150 m: 45 - 250 / 125 = 43 degC.
        (AshraeClass.A4, 1150, 43.0, []),
        (AshraeClass.A4, 1150, 43.1, ["thermal.ashrae_inlet"]),
        # H1: allowable up to 25 degC (ASHRAE 2021); at 1,400 m: 25 - 500 / 500 = 24 degC.
        (AshraeClass.H1, 0, 25.0, []),
        (AshraeClass.H1, 1400, 24.0, []),
        (AshraeClass.H1, 1400, 24.1, ["thermal.ashrae_inlet"]),
    ],
)
def test_ashrae_inlet_maximum_derates_with_altitude(cls, altitude_m, site_max, expected):
    """The site's maximum against the class maximum, derated above 900 m by the class rate."""
    spec = build(
        server(ashrae_class=cls),
        site=site(ambient_min_c=18, ambient_max_c=site_max, altitude_m=altitude_m),
        policy=policy(ashrae_class_target=AshraeClass.A4),
    )
    assert codes(run(inlet_conditions, spec)) == expected


@pytest.mark.parametrize(
    ("site_min", "expected"),
    [
        (15.0, []),  # A1 minimum is 15 degC
        (14.9, ["thermal.ashrae_inlet"]),
    ],
)
def test_ashrae_inlet_minimum_flips_at_class_minimum(site_min, expected):
    """The site's minimum against the class minimum (no derating at the low end)."""
    spec = build(
        server(ashrae_class=AshraeClass.A1),
        site=site(ambient_min_c=site_min, ambient_max_c=27),
        policy=policy(ashrae_class_target=AshraeClass.A4),
    )
    assert codes(run(inlet_conditions, spec)) == expected


def test_ashrae_inlet_prefers_the_devices_own_range_derated_like_a2():
    """Vendor range 5-30 degC without a class, at 1,500 m: 30 - 600 / 300 = 28 degC."""
    ok = build(
        server(ashrae_class=None, inlet=(5, 30)),
        site=site(ambient_min_c=5, ambient_max_c=28, altitude_m=1500),
    )
    hot = build(
        server(ashrae_class=None, inlet=(5, 30)),
        site=site(ambient_min_c=5, ambient_max_c=28.1, altitude_m=1500),
    )
    assert codes(run(inlet_conditions, ok)) == ["thermal.ashrae_target"]  # 5 < A2's 10
    (finding,) = [f for f in run(inlet_conditions, hot) if f.code == "thermal.ashrae_inlet"]
    assert finding.limit == pytest.approx(28.0)
    assert finding.value == 28.1


def test_ashrae_target_warns_when_site_is_outside_target_but_inside_equipment():
    """Target A1 (max 32) at a 33 degC site with A2 equipment (max 35): a warning only."""
    spec = build(
        server("a2", ashrae_class=AshraeClass.A2),
        site=site(ambient_min_c=18, ambient_max_c=33),
        policy=policy(ashrae_class_target=AshraeClass.A1),
    )
    (finding,) = run(inlet_conditions, spec)
    assert (finding.code, finding.severity) == ("thermal.ashrae_target", Severity.WARNING)
    assert (finding.value, finding.limit, finding.subject) == (33, 32, ("a2",))


def test_ashrae_target_silent_inside_target():
    """The default site (18-27 degC) is inside the default A2 target."""
    assert run(inlet_conditions, build(server())) == []


@pytest.mark.parametrize(
    ("cooling_type", "expected_subjects"),
    [
        # A closed-loop unit holds the upper end; the 5 degC minimum is below A2's 10 degC
        # but meets A4's 5 degC.
        (CoolingType.IN_RACK, ["a2"]),
        # Free air: the inlet follows outside air at both ends, 45 > 35 and 5 < 10 for A2;
        # A4 (5-45 degC) holds at both ends.
        (CoolingType.FREE_AIR, ["a2", "a2"]),
        (None, ["a2", "a2"]),  # no cooling unit at all: same as free air
    ],
)
def test_ashrae_inlet_outdoor_enclosure_follows_its_cooling(cooling_type, expected_subjects):
    """Outdoor site 5..45 degC with one A2 and one A4 server."""
    units = [] if cooling_type is None else [cooler(sensible_w=1e5, cooling_type=cooling_type)]
    spec = build(
        server("a2", ashrae_class=AshraeClass.A2),
        server("a4", ashrae_class=AshraeClass.A4),
        *units,
        site=site(environment=Environment.OUTDOOR, ambient_min_c=5, ambient_max_c=45),
        policy=policy(ashrae_class_target=AshraeClass.A4),
    )
    found = run(inlet_conditions, spec)
    assert set(codes(found)) == {"thermal.ashrae_inlet"}
    assert [f.subject[0] for f in found] == expected_subjects


@pytest.mark.parametrize(
    ("altitude_m", "expected"),
    [
        (3050, []),  # the ASHRAE maximum elevation; A2 max there 35 - 2150/300 = 27.83 >= 27
        (3050.1, ["thermal.altitude"]),
    ],
)
def test_altitude_flips_at_ashrae_maximum_elevation(altitude_m, expected):
    """Above 3,050 m no allowable envelope applies."""
    spec = build(server(), site=site(altitude_m=altitude_m))
    assert codes(run(inlet_conditions, spec)) == expected


def test_inlet_conditions_silent_without_it_equipment():
    """A build of racks and PDUs has no inlet to check."""
    assert run(inlet_conditions, build(pdu(), site=site(altitude_m=5000))) == []


# --------------------------------------------------------------------------- blanking panels


@pytest.mark.parametrize(
    ("extra", "expected_open"),
    [
        ([], 40.0),  # 42 U - 2 U server = 40 U open
        ([blanking("bp", "r1", 3, 40)], None),  # 40 U of panels close the rest
        ([blanking("bp", "r1", 3, 39.5)], 0.5),  # half a U still open
        ([blanking("bp", "r1", 3, 39)], 1.0),
        # Unpositioned items in the rack still close their U.
        ([item("shelf", Kind.ACCESSORY, u_height=40, rack_id="r1")], None),
        # A zero-U PDU closes nothing.
        ([pdu(rack_id="r1")], 40.0),
    ],
)
def test_blanking_panels_count_open_u(extra, expected_open):
    """Open U of a rack holding IT equipment, blanking panels counted as closing their U."""
    spec = build(server(u_height=2, rack_id="r1", position_u=1), *extra, racks=[rack()])
    found = run(blanking_panels, spec)
    if expected_open is None:
        assert found == []
    else:
        (finding,) = found
        assert finding.code == "thermal.blanking_panels"
        assert finding.value == expected_open
        assert f"{expected_open:g} open U" in finding.message


def test_blanking_panels_not_required_by_policy():
    """policy.blanking_panels_required = False silences the check."""
    spec = build(
        server(rack_id="r1", position_u=1),
        racks=[rack()],
        policy=policy(blanking_panels_required=False),
    )
    assert run(blanking_panels, spec) == []


def test_blanking_panels_ignore_racks_without_it():
    """A rack of passive items and PDUs has no exhaust to recirculate."""
    spec = build(pdu(rack_id="r1"), blanking("bp", "r1", 1), racks=[rack()])
    assert run(blanking_panels, spec) == []


def test_blanking_panels_count_a_u_once_when_faces_share_it():
    """Short devices front and rear in U1 close U1 once: 42 - 1 = 41 U open."""
    spec = build(
        server("front", rack_id="r1", position_u=1),
        server("rear", rack_id="r1", position_u=1, face=REAR),
        racks=[rack()],
    )
    (finding,) = run(blanking_panels, spec)
    assert finding.value == 41.0


@pytest.mark.parametrize(
    "code",
    [
        "thermal.cooling_capacity",
        "thermal.cooling_absent",
        "thermal.cooling_ambient",
        "thermal.airflow",
        "thermal.mixed_airflow",
        "thermal.side_airflow",
        "thermal.ashrae_inlet",
        "thermal.ashrae_target",
        "thermal.altitude",
        "thermal.blanking_panels",
    ],
)
def test_thermal_codes_are_registered_with_a_source(code):
    """Every thermal code is in the registry with what it protects and its source."""
    info = RULES[code]
    assert info.family == "thermal"
    assert info.protects
    assert info.source


def test_in_rack_cooler_blowing_back_to_front_does_not_mix_airflow():
    """An in-rack cooler returns the servers' exhaust to the front by design: no warning."""
    spec = build(
        server("s1", airflow=F2B, rack_id="r1", position_u=1),
        cooler("c1", sensible_w=5_000, airflow=B2F, rack_id="r1", position_u=10),
        racks=[rack()],
    )
    assert run(airflow_direction, spec) == []
