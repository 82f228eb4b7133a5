"""The auto-configurator's services: requirements at a site, the optimum saved as a build, its
alternatives, and "configure for me" around placed IT. Every saved build is judged by the
engine with 0 errors, under the policy it was configured for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from catalog.choices import ComponentKind, Lifecycle
from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build, BuildLine
from configurator.configure import services
from configurator.configure.models import ConfigureJob
from configurator.configure.requirements import requirements_for_site
from rules.solver import Requirements
from rules.specs import Redundancy
from tests.factories import BuildFactory, BuildLineFactory, ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _requirements(site: Any, **parts: Any) -> Requirements:
    data: dict[str, Any] = {
        "name": "Shop rack",
        "workload": {"classes": [{"it_class": "server", "count": 3}]},
        "redundancy": {"ups": "N", "cooling": "N"},
        "constraints": {"runtime_min": 5},
    }
    data.update(parts)
    return requirements_for_site(data, site=site, organisation=site.organisation, with_cost=False)


def _configured(site: Any, **parts: Any) -> tuple[ConfigureJob, Build]:
    job = services.configure_for_site(
        site=site, requirements=_requirements(site, **parts), user=None, extras=False
    )
    build = services.configure_option_save(job=job, option=0, name=None, user=None)
    return job, build


def test_configure_builds_a_rack_that_holds_the_workload(customer_org: Any, parts: Any) -> None:
    """The optimum is written as a draft: rack, UPS, PDUs, cooling, servers, panels; proven
    optimal; the saved build has 0 engine errors; every U of the rack is filled."""
    site = SiteFactory(organisation=customer_org)
    job, build = _configured(site)
    assert job.result_json["status"] == "OPTIMAL"
    assert job.result_json["objective"] == job.result_json["bound"]
    lines = list(build.lines.select_related("component"))
    kinds = {line.component.kind for line in lines}
    assert {ComponentKind.RACK, ComponentKind.UPS, ComponentKind.PDU} <= kinds
    assert {ComponentKind.COOLING, ComponentKind.SERVER, ComponentKind.ACCESSORY} <= kinds
    servers = [line for line in lines if line.component.kind == ComponentKind.SERVER]
    assert sum(line.quantity for line in servers) == 3
    assert all(line.component == parts["server"] for line in servers)  # active models only
    rack = next(line for line in lines if line.component.kind == ComponentKind.RACK)
    used = sum(
        line.component.u_height * line.quantity
        for line in lines
        if line.rack_id == rack.pk and line.position_u is not None
    )
    assert used == rack.component.spec["u"]  # equipment plus blanking panels
    report = build_selectors.build_report(build)
    assert not report.errors, report.errors
    assert job.build == build


def test_configure_leaves_the_growth_space_open_when_asked(customer_org: Any, parts: Any) -> None:
    """Without closing the growth space the free U above the equipment stay open: no panel is
    bought, the build is valid and the engine only warns about the open U."""
    site = SiteFactory(organisation=customer_org)
    _, build = _configured(site, constraints={"runtime_min": 5, "blank_growth_space": False})
    assert not BuildLine.objects.filter(build=build, component=parts["panel"]).exists()
    report = build_selectors.build_report(build)
    assert not report.errors, report.errors
    assert "thermal.blanking_panels" in {f.code for f in report.findings}


def test_configure_with_an_unweighed_server_says_the_mass_is_unknown(
    customer_org: Any, parts: Any
) -> None:
    """A server without a weight counts as nothing it could weigh (the engine's lower bound):
    the build is valid, and the engine says its rack's mass is unknown."""
    parts["server"].weight_kg = None
    parts["server"].save()
    site = SiteFactory(organisation=customer_org)
    _, build = _configured(site)
    report = build_selectors.build_report(build)
    assert not report.errors, report.errors
    assert "mechanical.mass_unknown" in {f.code for f in report.findings}


def test_configure_sizes_the_ups_for_growth(customer_org: Any, parts: Any) -> None:
    """A growth allowance sizes the UPS for the grown load; the build as listed still passes."""
    site = SiteFactory(organisation=customer_org)
    _, build = _configured(site, constraints={"runtime_min": 5, "growth_pct": 100})
    ups = BuildLine.objects.get(build=build, component__kind=ComponentKind.UPS)
    grown_w = 3 * 300 * 2  # three servers of 300 W typical, doubled
    kw = ups.component.spec["kw"] * 1000 * ups.quantity
    assert 0.8 * kw >= grown_w
    assert not build_selectors.build_report(build).errors


def test_configure_with_n_plus_1_installs_a_spare_ups(customer_org: Any, parts: Any) -> None:
    """N+1 asks the policy for N+1 and installs one UPS unit more than the load needs."""
    site = SiteFactory(organisation=customer_org)
    _, build = _configured(site, redundancy={"ups": "N+1", "cooling": "N"})
    assert build.policy_override["ups_redundancy"] == "N+1"
    report = build_selectors.build_report(build)
    assert report.metrics.ups_redundancy == Redundancy.N_PLUS_1
    assert not report.errors, report.errors


def test_configure_on_2n_picks_a_server_whose_supplies_ride_through_a_feed_loss(
    customer_org: Any, parts: Any
) -> None:
    """On 2N the server must keep running on either feed: the cheaper model needs 3 of its 4
    supplies (ceil(2,500 / 1,000), C6) with 2 per feed, and the catalogue has no ATS, so the
    redundant 2-supply model wins."""
    parts["server"].lifecycle = Lifecycle.END_OF_LIFE
    parts["server"].save()
    three_of_four = ComponentFactory(
        model_name="G4",
        list_price=Decimal("500"),
        nameplate_w=Decimal("2500"),
        typical_w=Decimal("1500"),
        spec={"psu_count": 4, "psu_rating_w": 1000, "redundant_psus": True},
    )
    one_of_two = ComponentFactory(
        model_name="R2",
        list_price=Decimal("900"),
        spec={"psu_count": 2, "psu_rating_w": 600, "redundant_psus": True},
    )
    site = SiteFactory(organisation=customer_org)
    _, build = _configured(
        site,
        workload={"classes": [{"it_class": "server", "count": 2}]},
        redundancy={"ups": "2N", "cooling": "N"},
    )
    servers = BuildLine.objects.filter(build=build, component__kind=ComponentKind.SERVER)
    assert {line.component for line in servers} == {one_of_two} != {three_of_four}
    report = build_selectors.build_report(build)
    assert not report.errors, report.errors
    assert report.metrics.ups_redundancy in (Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1)


def test_configure_that_cannot_fit_says_which_requirements_conflict(
    customer_org: Any, parts: Any
) -> None:
    """Nothing fits: no build, and the conflict names the requirement and its relaxation."""
    site = SiteFactory(organisation=customer_org)
    job = services.configure_for_site(
        site=site,
        requirements=_requirements(site, constraints={"runtime_min": 5, "budget": 1000}),
        user=None,
    )
    result = job.result_json
    assert result["status"] == "INFEASIBLE"
    assert result["options"] == []
    assert result["conflict"]["requirements"] == ["budget"]
    relax = result["conflict"]["relaxations"][0]
    assert relax["change"].startswith("budget 1,000")
    with pytest.raises(ValidationError):
        services.configure_option_save(job=job, option=0, name=None, user=None)


def test_requirements_refuse_the_cost_objective_without_cost_rights(
    customer_org: Any, parts: Any
) -> None:
    """Customers never optimise on (and so never learn) cost prices."""
    site = SiteFactory(organisation=customer_org)
    with pytest.raises(ValidationError) as caught:
        _requirements(site, objective={"terms": ["cost_price"]})
    assert "requirements.objective.terms" in caught.value.message_dict


def test_requirements_name_the_field_of_a_cross_check(customer_org: Any, parts: Any) -> None:
    """A check across fields names its field: cooling 'none' needs the room's cooling."""
    site = SiteFactory(organisation=customer_org, room_cooling_w=None)
    with pytest.raises(ValidationError) as caught:
        _requirements(site, redundancy={"ups": "N", "cooling": "none"})
    assert "requirements.site.room_cooling_w" in caught.value.message_dict


def test_configure_for_me_fills_in_around_the_placed_it(customer_org: Any, parts: Any) -> None:
    """The IT placed stays (same lines, same count) and the facility is added around it; the
    build then passes the engine with 0 errors."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    placed = BuildLineFactory(build=build, component=parts["server"], quantity=2)
    job = services.build_configure(build=build, user=None)
    assert job.build == build
    build.refresh_from_db()
    lines = list(build.lines.select_related("component"))
    servers = [line for line in lines if line.component == parts["server"]]
    assert sum(line.quantity for line in servers) == 2
    assert placed.pk in {line.pk for line in servers}
    moved = BuildLine.objects.get(pk=placed.pk)
    assert moved.rack_id is not None
    assert moved.feed_a_id is not None
    assert not build_selectors.build_report(build).errors


def test_configure_for_me_keeps_existing_facility_unless_told(
    customer_org: Any, parts: Any
) -> None:
    """Facility lines already in the build are replaced only when asked."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    BuildLineFactory(build=build, component=parts["server"])
    rack = BuildLineFactory(build=build, component=parts["rack"])
    with pytest.raises(ValidationError) as caught:
        services.build_configure(build=build, user=None)
    assert "replace" in caught.value.message_dict
    services.build_configure(build=build, user=None, replace=True)
    assert not BuildLine.objects.filter(pk=rack.pk).exists()
    assert not build_selectors.build_report(build).errors


def _liquid_site(customer_org: Any) -> Any:
    """A site whose outdoor design range and humidity say what a dry cooler and the pipes
    see: at 27 degC outside the dry cooler supplies max(30, 27 + 5) = 32 degC (W32); the room's
    dew point at 27 degC and 50 % is 15.7 degC."""
    return SiteFactory(
        organisation=customer_org,
        outdoor_min_c=-10,
        outdoor_max_c=27,
        relative_humidity_max_pct=50,
    )


def test_configure_writes_a_liquid_loop_with_its_coolant_sources(
    customer_org: Any, liquid_parts: Any
) -> None:
    """Two cold-plate servers asked by reference (``auto``): the saved build has the CDU in the
    rack on the dry cooler's water, both servers on the CDU, a leak rope in the rack; the
    answer says liquid, and the build has 0 engine errors under the policy it was proposed for.
    Into liquid: 2 x 800 W x 0.8 = 1,280 W."""
    site = _liquid_site(customer_org)
    node = liquid_parts["node"]
    job, build = _configured(site, workload={"items": [{"ref": str(node.pk), "quantity": 2}]})
    result = job.result_json
    assert result["cooling"]["asked"] == "auto"
    assert result["cooling"]["chosen"] == "liquid"
    assert result["cooling"]["liquid_kw"] == pytest.approx(1.28)
    assert result["options"][0]["cooling"] == "liquid"
    assert result["notes"] == [result["cooling"]["reason"]]
    lines = {line.component_id: line for line in build.lines.select_related("component")}
    cdu = lines[liquid_parts["cdu"].pk]
    water = lines[liquid_parts["water"].pk]
    assert cdu.coolant_from_id == water.pk
    assert cdu.rack_id is not None
    assert water.rack_id is None
    nodes = BuildLine.objects.filter(build=build, component=node)
    assert sum(line.quantity for line in nodes) == 2
    assert {line.coolant_from_id for line in nodes} == {cdu.pk}
    assert lines[liquid_parts["leak"].pk].rack_id == cdu.rack_id
    report = build_selectors.build_report(build)
    assert not report.errors
    assert report.metrics.liquid_w == pytest.approx(1280)


def test_configure_for_me_puts_placed_cold_plate_servers_on_a_cdu(
    customer_org: Any, liquid_parts: Any
) -> None:
    """Configure for me around two placed cold-plate servers: the same lines, now in a rack
    and on the CDU the configurator added, with facility water and leak detection; 0 errors."""
    build = BuildFactory(site=_liquid_site(customer_org))
    placed = BuildLineFactory(build=build, component=liquid_parts["node"], quantity=2)
    job = services.build_configure(build=build, user=None, cooling="auto")
    assert job.build == build
    assert job.result_json["cooling"]["chosen"] == "liquid"
    moved = BuildLine.objects.get(pk=placed.pk)
    assert moved.coolant_from is not None
    assert moved.coolant_from.component == liquid_parts["cdu"]
    assert moved.coolant_from.coolant_from.component == liquid_parts["water"]
    assert not build_selectors.build_report(build).errors


def test_configure_for_me_with_air_refuses_cold_plate_servers(
    customer_org: Any, liquid_parts: Any
) -> None:
    """Asked to cool by air, configure for me leaves the build as it was and the job says
    why: a cold-plate server cannot be cooled by air."""
    build = BuildFactory(site=_liquid_site(customer_org))
    BuildLineFactory(build=build, component=liquid_parts["node"], quantity=1)
    job = services.build_configure(build=build, user=None, cooling="air")
    assert job.build is None
    assert any("cooling 'air' cannot carry it" in p for p in job.result_json["problems"])
    assert BuildLine.objects.filter(build=build).count() == 1


def test_configure_for_me_refuses_an_unknown_cooling_choice(
    customer_org: Any, liquid_parts: Any
) -> None:
    build = BuildFactory(site=_liquid_site(customer_org))
    BuildLineFactory(build=build, component=liquid_parts["node"], quantity=1)
    with pytest.raises(ValidationError) as caught:
        services.build_configure(build=build, user=None, cooling="oil")
    assert "cooling" in caught.value.message_dict
