"""Fire suppression checks: NFPA 2001 / EN 15004 figures worked by hand (reference 4)."""

from __future__ import annotations

import math

import pytest

from rules.checks import RULES
from rules.checks.fire import agent_mass, design_concentration, fire_required, occupied_space
from rules.derive.fire import protected_volume_m3, required_agent_kg
from rules.model import Severity
from rules.specs import Agent
from tests.rules.builders_physical import (
    build,
    codes,
    derived,
    policy,
    rack,
    run,
    site,
    suppression,
)

# Hand-worked figures (T = 20 degC, sea level):
# HFC-227ea: S = 0.1269 + 0.000513 * 20 = 0.13716 m3/kg;
#   W/V = (1 / 0.13716) * 7 / 93 = 7.29076 * 0.0752688 = 0.548767 kg/m3 (check value 0.548);
#   V = 30 m3: W = 30 / 0.13716 * 7 / 93 = 218.7227 * 0.0752688 = 16.4630 kg.
# FK-5-1-12 at 4.5 %: S = 0.0664 + 0.0002741 * 20 = 0.071882;
#   W = 30 / 0.071882 * 4.5 / 95.5 = 417.3507 * 0.0471204 = 19.6657 kg.
# IG-541 at 39.9 %: S = 0.65799 + 0.002239 * 20 = 0.70277;
#   m = 30 / 0.70277 * ln(100 / 60.1) = 42.6882 * 0.509160 = 21.7351 kg.
# Altitude 900 m: factor (1 - 2.25577e-5 * 900) ^ 5.25588 = 0.97970 ^ 5.25588 = 0.897805
#   (NFPA table ~0.89): HFC-227ea 16.4630 * 0.897805 = 14.7806 kg.
# Minimum temperature 0 degC: S = 0.1269; W = 30 / 0.1269 * 7 / 93 = 17.7940 kg (more agent).

HFC_30M3_20C = 16.46299588895474


def test_hfc_227ea_check_value_is_0_548_kg_per_m3():
    """Reference 4 check value: HFC-227ea at 20 degC and 7 % needs 0.548 kg/m3."""
    per_m3 = required_agent_kg(
        Agent.HFC_227EA, 1.0, temperature_c=20, concentration_pct=7, altitude_m=0
    )
    assert per_m3 == pytest.approx(0.548767, abs=1e-6)
    assert math.floor(per_m3 * 1000) / 1000 == 0.548


@pytest.mark.parametrize(
    ("agent", "pct", "temperature_c", "altitude_m", "expected_kg"),
    [
        (Agent.HFC_227EA, 7.0, 20, 0, 16.46300),
        (Agent.HFC_227EA, 7.0, 0, 0, 17.79405),  # colder: S smaller, more agent
        (Agent.HFC_227EA, 7.0, 20, 900, 14.78056),  # thinner air: less agent
        (Agent.FK_5_1_12, 4.5, 20, 0, 19.66574),
        (Agent.IG_541, 39.9, 20, 0, 21.73515),
    ],
)
def test_required_agent_mass_matches_hand_worked_figures(
    agent, pct, temperature_c, altitude_m, expected_kg
):
    """W = (V/S) C/(100-C) (halocarbon), m = (V/S) ln(100/(100-C)) (inert), times the
    altitude factor; V = 30 m3."""
    mass = required_agent_kg(
        agent, 30.0, temperature_c=temperature_c, concentration_pct=pct, altitude_m=altitude_m
    )
    assert mass == pytest.approx(expected_kg, abs=1e-5)


def test_aerosol_mass_is_density_times_volume():
    """M = q V: 100 g/m3 x 30 m3 = 3,000 g = 3.0 kg, no altitude factor."""
    mass = required_agent_kg(
        Agent.AEROSOL,
        30.0,
        temperature_c=-10,
        concentration_pct=0,
        altitude_m=2000,
        design_density_g_m3=100,
    )
    assert mass == pytest.approx(3.0)


# --------------------------------------------------------------------------- agent mass check


def _room(**site_fields):
    fields = {"room_volume_m3": 30.0, "ambient_min_c": 20, "ambient_max_c": 27}
    fields.update(site_fields)
    return site(**fields)


@pytest.mark.parametrize(
    ("installed_kg", "expected"),
    [
        (16.47, []),  # above the 16.4630 kg required
        (HFC_30M3_20C, []),  # exactly the requirement
        (16.46, ["fire.agent_mass"]),  # 0.003 kg short
    ],
)
def test_agent_mass_flips_at_required_hfc_227ea(installed_kg, expected):
    """30 m3 at 20 degC and 7 %: 16.4630 kg of HFC-227ea."""
    spec = build(suppression(mass_kg=installed_kg), site=_room())
    assert codes(run(agent_mass, spec)) == expected


def test_agent_mass_message_rounds_requirement_up():
    """16.463 kg required shows as 16.47 kg, so 16.46 kg installed does not read as enough."""
    (finding,) = run(agent_mass, build(suppression(mass_kg=16.46), site=_room()))
    assert "needs 16.47 kg" in finding.message
    assert "hold 16.46 kg" in finding.message


def test_agent_mass_uses_minimum_site_temperature():
    """At a 0 degC site minimum 30 m3 needs 17.7940 kg: 16.47 kg is no longer enough."""
    spec = build(suppression(mass_kg=16.47), site=_room(ambient_min_c=0))
    (finding,) = run(agent_mass, spec)
    assert finding.limit == pytest.approx(17.79405, abs=1e-5)
    assert finding.value == 16.47
    assert "17.80 kg" in finding.message  # 17.794 rounded up: the figure shown is enough


def test_agent_mass_reduced_at_altitude():
    """At 900 m 30 m3 needs 14.7806 kg: 14.79 kg passes, 14.78 kg fails."""
    ok = build(suppression(mass_kg=14.79), site=_room(altitude_m=900))
    short = build(suppression(mass_kg=14.78), site=_room(altitude_m=900))
    assert run(agent_mass, ok) == []
    assert codes(run(agent_mass, short)) == ["fire.agent_mass"]


@pytest.mark.parametrize(
    ("agent", "installed_kg", "expected"),
    [
        (Agent.FK_5_1_12, 19.67, []),  # 19.6657 kg required at 4.5 %
        (Agent.FK_5_1_12, 19.66, ["fire.agent_mass"]),
        (Agent.IG_541, 21.74, []),  # 21.7351 kg required at 39.9 %
        (Agent.IG_541, 21.73, ["fire.agent_mass"]),
    ],
)
def test_agent_mass_other_agents_at_policy_design_concentration(agent, installed_kg, expected):
    """FK-5-1-12 at its 4.5 % Class C design; IG-541 at 39.9 % (default policy)."""
    spec = build(suppression(agent=agent, mass_kg=installed_kg), site=_room())
    assert codes(run(agent_mass, spec)) == expected


@pytest.mark.parametrize(
    ("installed_kg", "expected"),
    [
        (3.0, []),  # 100 g/m3 x 30 m3 = 3.0 kg
        (2.99, ["fire.agent_mass"]),
    ],
)
def test_agent_mass_aerosol_by_listed_density(installed_kg, expected):
    """Condensed aerosol: M = q V with the unit's listed design density."""
    unit = suppression(agent=Agent.AEROSOL, mass_kg=installed_kg, density_g_m3=100)
    assert codes(run(agent_mass, build(unit, site=_room()))) == expected


def test_agent_mass_sums_units_of_one_agent_only():
    """2 x 8.25 kg HFC-227ea = 16.5 kg >= 16.4630 kg; an FK-5-1-12 unit does not help the
    HFC-227ea units, and is itself short of the 19.6657 kg it needs alone."""
    spec = build(
        suppression("hfc", mass_kg=8.25, quantity=2),
        suppression("fk", agent=Agent.FK_5_1_12, mass_kg=5),
        site=_room(),
    )
    (finding,) = run(agent_mass, spec)
    assert finding.subject == ("fk",)


def test_agent_mass_figures_are_derived_unrounded():
    """The derived fire figures carry the unrounded required and installed agent masses."""
    fire = derived(build(suppression(mass_kg=20.0), site=_room())).fire
    assert fire.required_total_kg == pytest.approx(HFC_30M3_20C)
    assert fire.installed_kg == 20.0


def test_agent_mass_figures_none_without_units():
    """No suppression unit: nothing to report in the metrics."""
    fire = derived(build(site=_room())).fire
    assert (fire.required_total_kg, fire.installed_kg) == (None, None)


# --------------------------------------------------------------------------- protected volume


def test_protected_volume_falls_back_to_rack_internal_volume():
    """No room volume: a 42U 600 x 1000 rack holds 0.6 x 1.0 x (42 x 0.04445 + 0.2)
    = 0.6 x 2.0669 = 1.24014 m3; HFC-227ea needs 1.24014 x 0.548767 = 0.680547 kg."""
    spec = build(suppression(mass_kg=0.68), racks=[rack()], site=site(ambient_min_c=20))
    volume, where = protected_volume_m3(spec.site.room_volume_m3, spec.racks)
    assert volume == pytest.approx(1.24014)
    assert where == "the racks' internal volume"
    (finding,) = run(agent_mass, spec)
    assert finding.limit == pytest.approx(0.680547, abs=1e-6)
    ok = build(suppression(mass_kg=0.681), racks=[rack()], site=site(ambient_min_c=20))
    assert run(agent_mass, ok) == []


@pytest.mark.parametrize(
    ("max_volume_m3", "quantity", "expected"),
    [
        (30.0, 1, []),  # listed for exactly the 30 m3 room
        (29.99, 1, ["fire.protected_volume"]),
        (15.0, 2, []),  # two units listed for 15 m3 each cover 30 m3
    ],
)
def test_protected_volume_flips_at_listed_maximum(max_volume_m3, quantity, expected):
    """The room must not exceed the units' listed maximum volume."""
    unit = suppression(mass_kg=10, max_volume_m3=max_volume_m3, quantity=quantity)
    found = run(agent_mass, build(unit, site=_room()))
    assert [c for c in codes(found) if c == "fire.protected_volume"] == expected


def test_protected_volume_unknown_warns():
    """No room volume and no rack: the mass cannot be checked."""
    (finding,) = run(agent_mass, build(suppression(mass_kg=5)))
    assert (finding.code, finding.severity) == ("fire.protected_volume", Severity.WARNING)


# --------------------------------------------------------------------------- required by policy


@pytest.mark.parametrize(
    ("required", "units", "expected"),
    [
        (True, [], ["fire.required"]),
        (True, [suppression(mass_kg=20)], []),
        (False, [], []),
    ],
)
def test_fire_required_by_policy(required, units, expected):
    """policy.require_fire_suppression needs at least one suppression unit."""
    spec = build(*units, policy=policy(require_fire_suppression=required))
    assert codes(run(fire_required, spec)) == expected


# --------------------------------------------------------------------------- concentrations


def _design(agent, pct):
    return policy(design_concentration_pct={agent: pct})


@pytest.mark.parametrize(
    ("agent", "pct", "expected"),
    [
        (Agent.HFC_227EA, 6.7, []),  # Class A minimum 6.7 %
        (Agent.HFC_227EA, 6.6, ["fire.design_concentration"]),
        (Agent.FK_5_1_12, 4.2, []),  # Class A minimum 4.2 % (reference 4)
        (Agent.FK_5_1_12, 4.1, ["fire.design_concentration"]),
        (Agent.IG_541, 39.9, []),
        (Agent.IG_541, 39.8, ["fire.design_concentration"]),
        (Agent.IG_100, 40.2, ["fire.design_concentration"]),  # minimum 40.3 %
        (Agent.IG_55, 30.0, []),  # no minimum in the reference: not checked
    ],
)
def test_design_concentration_below_class_a_minimum_warns(agent, pct, expected):
    """The policy's design concentration against the agent's Class A minimum."""
    spec = build(suppression(agent=agent, mass_kg=50), policy=_design(agent, pct))
    found = run(design_concentration, spec)
    assert codes(found) == expected
    assert all(f.severity is Severity.WARNING for f in found)


def test_design_concentration_missing_from_policy_warns():
    """A policy without a figure for the agent present cannot size it."""
    spec = build(
        suppression(agent=Agent.FK_5_1_12, mass_kg=20),
        policy=_design(Agent.HFC_227EA, 7.0),
        site=_room(),
    )
    assert codes(run(design_concentration, spec)) == ["fire.design_concentration"]
    assert run(agent_mass, spec) == []  # skipped, not guessed


@pytest.mark.parametrize(
    ("agent", "pct", "occupied", "expected"),
    [
        (Agent.HFC_227EA, 9.0, True, []),  # exactly the 9 % NOAEL
        (Agent.HFC_227EA, 9.1, True, ["fire.noael"]),
        (Agent.HFC_227EA, 10.0, False, []),  # unoccupied space
        (Agent.FK_5_1_12, 10.0, True, []),  # NOAEL 10 %
        (Agent.FK_5_1_12, 10.5, True, ["fire.noael"]),
        (Agent.IG_541, 43.0, True, []),  # up to 43 % (12 % O2)
        (Agent.IG_541, 45.0, True, ["fire.occupied_exposure"]),  # 3-minute egress
        (Agent.IG_100, 52.0, True, ["fire.occupied_exposure"]),
        (Agent.IG_100, 52.5, True, ["fire.noael"]),  # below 10 % O2
        (Agent.IG_55, 52.5, False, []),
    ],
)
def test_occupied_space_exposure_limits(agent, pct, occupied, expected):
    """Halocarbons above NOAEL or inert gases above 52 % fail in an occupied space."""
    spec = build(
        suppression(agent=agent, mass_kg=50),
        site=site(occupied=occupied),
        policy=_design(agent, pct),
    )
    assert codes(run(occupied_space, spec)) == expected


def test_occupied_space_warns_for_aerosol():
    """NFPA 2010: condensed aerosol is not for normally occupied spaces."""
    unit = suppression(agent=Agent.AEROSOL, mass_kg=3, density_g_m3=100)
    (finding,) = run(occupied_space, build(unit, site=site(occupied=True)))
    assert (finding.code, finding.severity) == ("fire.occupied_exposure", Severity.WARNING)
    assert run(occupied_space, build(unit, site=site(occupied=False))) == []


@pytest.mark.parametrize(
    "code",
    [
        "fire.required",
        "fire.agent_mass",
        "fire.protected_volume",
        "fire.design_concentration",
        "fire.noael",
        "fire.occupied_exposure",
    ],
)
def test_fire_codes_are_registered_with_a_source(code):
    """Every fire code is in the registry with what it protects and its source."""
    info = RULES[code]
    assert info.family == "fire"
    assert info.protects
    assert info.source
