"""Environment checks: IEC 60529 digits, enclosure ranges, policy requirements, VRLA heat."""

from __future__ import annotations

import pytest

from rules import evaluate
from rules.checks import RULES
from rules.checks.environment import (
    battery_temperature,
    condensation,
    enclosure_environment,
    ip_rating,
    physical_security,
    remote_monitoring,
)
from rules.derive.environment import vrla_life_factor, water_digit_meets
from rules.model import Severity
from rules.specs import BatteryChemistry, Environment
from tests.rules.builders_physical import (
    battery_pack,
    blanking,
    build,
    codes,
    cooler,
    monitor,
    pdu,
    policy,
    rack,
    run,
    server,
    site,
    suppression,
    ups,
)

OUTDOOR = Environment.OUTDOOR
INDOOR = Environment.INDOOR

# --------------------------------------------------------------------------- IP rating


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("IP55", []),  # policy default IP55 for outdoor sites
        ("IP54", ["environment.ip_rating"]),  # water 4 < 5
        ("IP45", ["environment.ip_rating"]),  # solids 4 < 5
        ("IP65", []),  # dust-tight, jets
        ("IP56", []),  # powerful jets include jets (digits 1-6 are cumulative)
        ("IP66", []),
        ("IP67", ["environment.ip_rating"]),  # immersion does not imply jets (IEC 60529)
        ("IPX5", ["environment.ip_rating"]),  # X = untested solids
    ],
)
def test_ip_rating_outdoor_digit_by_digit(ip, expected):
    """An outdoor enclosure needs at least IP55 digit by digit."""
    spec = build(racks=[rack(ip_rating=ip, environment=OUTDOOR)], site=site(environment=OUTDOOR))
    assert codes(run(ip_rating, spec)) == expected


@pytest.mark.parametrize(
    ("ip", "solids_required", "expected"),
    [
        ("IP54", 5, []),  # dust-protected at a dusty indoor site
        ("IP44", 5, ["environment.ip_rating"]),
        ("IP50", 5, []),  # water not required indoors
        ("IP55", 6, ["environment.ip_rating"]),  # policy asks dust-tight
        ("IP65", 6, []),
    ],
)
def test_ip_rating_dusty_site_solids_digit(ip, solids_required, expected):
    """A dusty site needs the policy's first digit."""
    spec = build(
        racks=[rack(ip_rating=ip)],
        site=site(dusty=True),
        policy=policy(require_ip_solids_dusty=solids_required),
    )
    assert codes(run(ip_rating, spec)) == expected


def test_ip_rating_outdoor_and_dusty_takes_the_stricter_solids_digit():
    """Outdoor IP55 plus dusty 6: IP55 fails on solids, IP65 passes."""
    strict = policy(require_ip_solids_dusty=6)
    where = site(environment=OUTDOOR, dusty=True)
    bad = build(racks=[rack(ip_rating="IP55", environment=OUTDOOR)], site=where, policy=strict)
    good = build(racks=[rack(ip_rating="IP65", environment=OUTDOOR)], site=where, policy=strict)
    (finding,) = run(ip_rating, bad)
    assert (finding.value, finding.limit) == (5, 6)
    assert run(ip_rating, good) == []


def test_ip_rating_indoor_clean_site_accepts_ip20():
    """Indoors and clean: no ingress requirement."""
    assert run(ip_rating, build(racks=[rack(ip_rating="IP20")])) == []


@pytest.mark.parametrize(
    ("have", "need", "ok"),
    [
        (5, 5, True),
        (6, 5, True),
        (4, 5, False),
        (7, 5, False),
        (8, 7, True),
        (7, 8, False),
        (9, 6, False),
        (9, 9, True),
        (0, 0, True),
    ],
)
def test_water_digit_meets_iec_60529_rules(have, need, ok):
    """Digits 1-6 cumulative; 7/8/9 do not imply the jet tests."""
    assert water_digit_meets(have, need) is ok


# --------------------------------------------------------------------------- enclosure range


@pytest.mark.parametrize(
    ("site_range", "expected"),
    [
        ((0, 45), []),  # the rack's 0-45 degC exactly
        ((0, 45.5), ["environment.enclosure_ambient"]),
        ((-0.5, 45), ["environment.enclosure_ambient"]),
        ((0.5, 44.5), []),
    ],
)
def test_enclosure_ambient_must_cover_site_range(site_range, expected):
    """The rack's rated ambient range covers the site's min and max."""
    spec = build(
        racks=[rack(ambient=(0, 45))],
        site=site(ambient_min_c=site_range[0], ambient_max_c=site_range[1]),
    )
    assert codes(run(enclosure_environment, spec)) == expected


@pytest.mark.parametrize(
    ("site_env", "rack_env", "expected"),
    [
        (OUTDOOR, INDOOR, ["environment.enclosure_indoor_outdoor"]),
        (OUTDOOR, OUTDOOR, []),
        (INDOOR, OUTDOOR, []),  # an outdoor cabinet may stand indoors
    ],
)
def test_enclosure_indoor_rack_at_outdoor_site_fails(site_env, rack_env, expected):
    """Outdoor sites need outdoor enclosures."""
    spec = build(racks=[rack(environment=rack_env)], site=site(environment=site_env))
    assert codes(run(enclosure_environment, spec)) == expected


@pytest.mark.parametrize(
    ("site_env", "humid", "expected"),
    [(OUTDOOR, True, ["environment.condensation"]), (OUTDOOR, False, []), (INDOOR, True, [])],
)
def test_condensation_info_for_humid_outdoor_sites(site_env, humid, expected):
    """A humid outdoor site gets a reminder to fit a heater."""
    spec = build(racks=[rack()], site=site(environment=site_env, humid=humid))
    found = run(condensation, spec)
    assert codes(found) == expected
    assert all(f.severity is Severity.INFO for f in found)


# --------------------------------------------------------------------------- policy devices


@pytest.mark.parametrize(
    ("items", "lockable", "expected"),
    [
        ([], True, [("environment.physical_security", Severity.ERROR)]),
        ([monitor(security=True)], True, []),
        ([monitor(remote=True)], True, [("environment.physical_security", Severity.ERROR)]),
        ([monitor(security=True)], False, [("environment.physical_security", Severity.WARNING)]),
    ],
)
def test_physical_security_needs_a_security_device(items, lockable, expected):
    """A required physical security needs a device that provides it; racks should lock."""
    spec = build(
        *items,
        racks=[rack(lockable=lockable)],
        policy=policy(require_physical_security=True),
    )
    assert [(f.code, f.severity) for f in run(physical_security, spec)] == expected


def test_physical_security_not_required():
    """Without the policy flag nothing is asked."""
    assert run(physical_security, build(racks=[rack()])) == []


@pytest.mark.parametrize(
    ("items", "required", "expected"),
    [
        ([pdu(metered=True)], True, ["environment.remote_monitoring"]),  # power only
        ([monitor(remote=True)], True, []),
        ([server()], True, ["environment.remote_monitoring"]),
        ([], False, []),
    ],
)
def test_remote_monitoring_needs_a_monitoring_device(items, required, expected):
    """A metered PDU does not count as remote monitoring."""
    spec = build(*items, policy=policy(require_remote_monitoring=required))
    assert codes(run(remote_monitoring, spec)) == expected


# --------------------------------------------------------------------------- VRLA heat


@pytest.mark.parametrize(
    ("temperature_c", "factor"),
    [(25, 1.0), (35, 0.5), (45, 0.25), (30, 2**-0.5)],
)
def test_vrla_life_halves_per_ten_kelvin(temperature_c, factor):
    """2 ^ -((T - 25) / 10): 35 degC gives 50 %, 45 degC 25 %."""
    assert vrla_life_factor(temperature_c) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("site_max", "items", "expected_subject"),
    [
        (25.0, [ups()], None),  # at the 25 degC rating: no warning
        (25.1, [ups()], ("ups",)),
        (35.0, [ups(chemistry=BatteryChemistry.LI_ION)], None),
        (
            35.0,
            [ups(chemistry=BatteryChemistry.LI_ION), battery_pack("bp", "ups")],
            ("bp",),
        ),
        (35.0, [ups(), battery_pack("bp", "ups")], ("ups", "bp")),
    ],
)
def test_battery_temperature_warns_for_hot_vrla(site_max, items, expected_subject):
    """VRLA strings at a site hotter than 25 degC."""
    spec = build(*items, site=site(ambient_min_c=18, ambient_max_c=site_max))
    found = run(battery_temperature, spec)
    if expected_subject is None:
        assert found == []
    else:
        (finding,) = found
        assert (finding.code, finding.severity) == (
            "environment.battery_temperature",
            Severity.WARNING,
        )
        assert finding.subject == expected_subject


def test_battery_temperature_message_gives_life_factor():
    """At 35 degC a VRLA string lasts about 50 % of its rated life."""
    spec = build(ups(), site=site(ambient_min_c=18, ambient_max_c=35))
    (finding,) = run(battery_temperature, spec)
    assert "about 50 %" in finding.message
    assert (finding.value, finding.limit) == (35, 25)


@pytest.mark.parametrize(
    "code",
    [
        "environment.ip_rating",
        "environment.enclosure_ambient",
        "environment.enclosure_indoor_outdoor",
        "environment.condensation",
        "environment.physical_security",
        "environment.remote_monitoring",
        "environment.battery_temperature",
    ],
)
def test_environment_codes_are_registered_with_a_source(code):
    """Every environment code is in the registry with what it protects and its source."""
    info = RULES[code]
    assert info.family == "environment"
    assert info.protects
    assert info.source


def test_evaluate_sound_build_has_no_physical_errors():
    """End to end: a filled rack with enough cooling, agent and ratings raises no thermal,
    space, mechanical, fire or environment error or warning.

    Heat 10 x 400 = 4,000 W in the rack: 0.8 x 6,000 = 4,800 W of its in-rack cooler covers
    it; the 10 W monitor outside the rack is the room's, whose own 500 W of air conditioning
    carry it; airflow 3600 x 4010 / (1206 x 11) = 1,088.2 m3/h < 2,000; 30 m3 of HFC-227ea at
    20 degC needs 16.46 kg < 17; 10 x 20 kg = 200 kg on a 1,000 kg rack; U: 10 servers + 2U
    cooler + 30U of panels = 42U.
    """
    spec = build(
        *[server(f"s{n}", watts=400, rack_id="r1", position_u=1 + n) for n in range(10)],
        cooler(sensible_w=6000, airflow_m3h=2000, rack_id="r1"),
        blanking("bp", "r1", 11, 32),
        suppression(mass_kg=17),
        monitor(security=True, remote=True),
        racks=[rack(lockable=True)],
        site=site(room_volume_m3=30, ambient_min_c=20, ambient_max_c=27, room_cooling_w=500),
        policy=policy(require_physical_security=True, require_remote_monitoring=True),
    )
    physical = ("thermal.", "space.", "mechanical.", "fire.", "environment.")
    report = evaluate(spec)
    found = [f for f in report.findings if f.code.startswith(physical)]
    assert [f.code for f in found if f.severity is not Severity.INFO] == []
    assert report.metrics.agent_required_kg == pytest.approx(16.46300, abs=1e-5)
    assert report.metrics.agent_installed_kg == 17
