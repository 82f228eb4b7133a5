"""Customer self-service: site step, workload step, the proposed build and its report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from catalog.choices import ComponentKind, Lifecycle
from configurator.builds.models import Build, Site
from configurator.configure.proposer import Workload, build_propose
from rules.specs import Redundancy
from tests.configurator.views.test_sites import VALID
from tests.factories import ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts() -> dict[str, Any]:
    """The fewest parts a proposal needs: rack, UPSs, PDU, cooling, server, blanking panel."""
    return {
        "rack": ComponentFactory(
            kind=ComponentKind.RACK,
            model_name="Skarv 24U",
            spec={"u": 24, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 800},
        ),
        "ups": ComponentFactory(kind=ComponentKind.UPS, model_name="Meridian 3000"),
        "ups_big": ComponentFactory(
            kind=ComponentKind.UPS,
            model_name="Meridian 10K",
            list_price=Decimal("7000"),
            u_height=Decimal(6),
            spec={
                "kva": 10,
                "kw": 10,
                "runtime_table": [
                    {"load_w": 5000, "minutes": 14},
                    {"load_w": 10000, "minutes": 6},
                ],
            },
        ),
        "pdu": ComponentFactory(
            kind=ComponentKind.PDU,
            model_name="Railpoint V32",
            spec={"voltage_v": 230, "input_current_a": 32, "outlets_c13": 20, "outlets_c19": 4},
        ),
        "cooling": ComponentFactory(kind=ComponentKind.COOLING, model_name="Glacis IR 3.5"),
        "server": ComponentFactory(model_name="R150"),
        "retired": ComponentFactory(model_name="R100", lifecycle=Lifecycle.END_OF_LIFE),
        "panel": ComponentFactory(kind=ComponentKind.ACCESSORY, model_name="Blank 1U"),
    }


@pytest.fixture
def customer(client: Client, customer_org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("customer", customer_org))
    return client


def test_propose_builds_a_rack_that_holds_the_workload(customer_org: Any, parts: Any) -> None:
    """The service writes rack, UPS, two PDUs, cooling, servers and blanking panels."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site, name="Shop rack", workload=Workload(servers=3, runtime_min=5), user=None
    )
    roles = {pick.role: pick for pick in proposal.picks}
    assert roles["Rack"].component == parts["rack"]
    assert roles["UPS"].component == parts["ups"]
    assert roles["PDU"].quantity == 2
    assert roles["Server"].component == parts["server"]  # active models only
    assert roles["Cooling"].component == parts["cooling"]
    lines = list(proposal.build.lines.select_related("component"))
    blanks = sum(line.quantity for line in lines if line.component == parts["panel"])
    used = sum(
        line.component.u_height * line.quantity for line in lines if line.position_u is not None
    )
    assert used == 24  # every U is filled: equipment plus blanking panels
    assert blanks > 0
    assert not [f for f in proposal.report.errors if f.code.startswith("power.ups")]


def test_propose_sizes_the_ups_for_the_expected_load(customer_org: Any, parts: Any) -> None:
    """An expected IT load above the servers' draw picks the UPS that carries it, and says so."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site,
        name="Growth",
        workload=Workload(servers=2, it_kw=5, runtime_min=5),
        user=None,
    )
    ups = {pick.role: pick for pick in proposal.picks}["UPS"]
    # The least expensive way to carry 5 kW at 80 %: units of either model, in parallel.
    assert ups.quantity * ups.component.spec["kw"] * 1000 * 0.8 >= 5000
    assert not [f for f in proposal.report.errors if f.code.startswith("power.ups")]
    assert any("5,000 W" in note for note in proposal.notes)


def test_propose_with_n_plus_1_adds_a_spare_ups(customer_org: Any, parts: Any) -> None:
    """N+1 asks the policy for N+1 and installs one UPS unit more than the load needs."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site,
        name="Resilient",
        workload=Workload(servers=2, runtime_min=5, redundancy=Redundancy.N_PLUS_1),
        user=None,
    )
    assert {p.role: p.quantity for p in proposal.picks}["UPS"] == 2
    assert proposal.build.policy_override["ups_redundancy"] == "N+1"
    assert proposal.report.metrics.ups_redundancy == Redundancy.N_PLUS_1


def test_selfservice_start_lists_own_sites_only(
    customer: Client, customer_org: Any, other_org: Any
) -> None:
    """Step 1 offers the customer's own sites and the same site form."""
    SiteFactory(organisation=customer_org, name="Our shop")
    SiteFactory(organisation=other_org, name="Their lab")
    html = customer.get("/self-service/").content.decode()
    assert "Our shop" in html
    assert "Their lab" not in html
    assert "Highest ambient temperature (°C)" in html
    assert 'aria-current="step"' in html


def test_selfservice_new_site_goes_to_the_workload(customer: Client, customer_org: Any) -> None:
    """Creating a site in step 1 (same form, prefixed) leads to step 2 for that site."""
    data = {f"new-{key}": value for key, value in VALID.items()}
    data.update({"action": "create", "new-organisation": customer_org.pk})
    response = customer.post("/self-service/", data)
    site = Site.objects.get(name=VALID["name"])
    assert site.organisation == customer_org
    assert response["Location"] == f"/self-service/sites/{site.pk}/"


def test_selfservice_bad_site_shows_field_errors(customer: Client, customer_org: Any) -> None:
    """Step 1 refuses a bad site with field errors."""
    data = {f"new-{key}": value for key, value in VALID.items()}
    data.update({"action": "create", "new-organisation": customer_org.pk, "new-altitude_m": "9999"})
    response = customer.post("/self-service/", data)
    assert response.status_code == 200
    assert "altitude_m" in response.context["site_form"].errors


def test_selfservice_creates_a_build_and_shows_its_report(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """Step 2 proposes a build; step 3 shows the choices, findings and the editor link."""
    site = SiteFactory(organisation=customer_org, name="Shop 12")
    response = customer.post(
        f"/self-service/sites/{site.pk}/",
        {
            "name": "Shop 12 rack",
            "servers": "2",
            "gpu_servers": "0",
            "it_kw": "",
            "runtime_min": "5",
            "redundancy": "N",
        },
    )
    build = Build.objects.get(name="Shop 12 rack")
    assert response["Location"] == f"/self-service/builds/{build.pk}/"
    assert build.site == site
    page = customer.get(response["Location"])
    html = page.content.decode()
    report = page.context["report"]
    assert report.metrics.it_load_typical_w == 600
    assert "What we chose, and why" in html
    assert "Meridian 3000" in html
    assert "Findings" in html
    for finding in report.findings:
        assert finding.code in html
    assert f'href="/builds/{build.pk}/"' in html  # the same editor, with live checks
    assert "700.00" not in html  # never cost


def test_selfservice_workload_needs_something_to_carry(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """No servers and no load is a form error, not a build."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(
        f"/self-service/sites/{site.pk}/",
        {
            "name": "Empty",
            "servers": "0",
            "gpu_servers": "0",
            "runtime_min": "5",
            "redundancy": "N",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Build.objects.exists()


def test_selfservice_of_another_organisation_answers_404(
    customer: Client, org: Any, other_org: Any, parts: Any
) -> None:
    """A customer cannot run self-service on, or read a proposal of, another organisation."""
    foreign = SiteFactory(organisation=other_org)
    assert customer.get(f"/self-service/sites/{foreign.pk}/").status_code == 404
    build = build_propose(
        site=foreign, name="Theirs", workload=Workload(servers=1, runtime_min=5), user=None
    ).build
    assert customer.get(f"/self-service/builds/{build.pk}/").status_code == 404


def test_propose_on_2n_picks_a_server_whose_supplies_ride_through_a_feed_loss(
    customer_org: Any, parts: Any
) -> None:
    """On 2N the server must keep running on either feed: the cheaper model needs 3 of its 4
    supplies (ceil(2,500 / 1,000), C6) with 2 per feed, so the redundant 2-supply model wins."""
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
    proposal = build_propose(
        site=site,
        name="Clinic rack",
        workload=Workload(servers=2, runtime_min=5, redundancy=Redundancy.TWO_N),
        user=None,
    )
    roles = {pick.role: pick for pick in proposal.picks}
    assert roles["Server"].component == one_of_two != three_of_four
    assert "power.psu_redundancy" not in {f.code for f in proposal.report.findings}
