"""Customer self-service: site step, workload step, the proposed build and its report."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build, Site
from configurator.configure.models import ConfigureJob
from tests.configurator.web.test_sites import VALID
from tests.factories import BuildFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client: Client, customer_org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("customer", customer_org))
    return client


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


WORKLOAD = {
    "name": "Shop 12 rack",
    "servers": "2",
    "gpu_servers": "0",
    "storage": "0",
    "switches": "0",
    "it_kw": "",
    "growth_pct": "0",
    "runtime_min": "5",
    "ups_redundancy": "N",
    "cooling_redundancy": "N",
    "max_racks": "1",
    "rack_form": "any",
    "objective": "list_price",
}


def test_selfservice_configures_a_build_and_shows_its_proof(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """Step 2 runs the configurator and writes the optimum; step 3 shows the proof, the
    findings, the alternatives to save and the editor link; never a cost price."""
    site = SiteFactory(organisation=customer_org, name="Shop 12")
    response = customer.post(f"/self-service/sites/{site.pk}/", WORKLOAD)
    build = Build.objects.get(name="Shop 12 rack")
    assert response["Location"] == f"/self-service/builds/{build.pk}/"
    assert build.site == site
    assert not build_selectors.build_report(build).errors  # a valid build, as proposed
    page = customer.get(response["Location"])
    html = page.content.decode()
    report = page.context["report"]
    assert report.metrics.it_load_typical_w == 600
    assert "Proven optimal" in html
    assert "The optimum and its alternatives" in html
    for finding in report.findings:
        assert finding.code in html
    assert f'href="/builds/{build.pk}/"' in html  # the same editor, with live checks
    assert "700.00" not in html  # never cost
    assert page.context["result"]["options"][0]["cost_price"] is None
    # The growth space is left open unless the customer asks to close it: no panels.
    assert not build.lines.filter(component=parts["panel"]).exists()


def test_selfservice_says_why_nothing_fits(customer: Client, customer_org: Any, parts: Any) -> None:
    """A workload that cannot fit shows the conflicting requirement and the way out; no build."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(f"/self-service/sites/{site.pk}/", {**WORKLOAD, "budget": "1000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why nothing fits" in html
    assert "budget" in html
    assert not Build.objects.exists()


def test_selfservice_alternative_saves_as_its_own_build(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """An alternative of the configuration is saved as another draft build of the site."""
    site = SiteFactory(organisation=customer_org)
    customer.post(f"/self-service/sites/{site.pk}/", WORKLOAD)
    job = ConfigureJob.objects.get()
    options = job.result_json["options"]
    assert options[0]["option"] == 0
    response = customer.post(f"/configure/{job.pk}/save/0/")
    saved = Build.objects.exclude(pk=job.build_id).get()
    assert response["Location"] == f"/builds/{saved.pk}/"
    assert not build_selectors.build_report(saved).errors


def test_selfservice_workload_needs_something_to_carry(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """No servers and no load is a form error, not a build."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(
        f"/self-service/sites/{site.pk}/",
        {**WORKLOAD, "name": "Empty", "servers": "0"},
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
    build = BuildFactory(site=foreign, name="Theirs")
    assert customer.get(f"/self-service/builds/{build.pk}/").status_code == 404
    job = ConfigureJob.objects.create(
        organisation=other_org, site=foreign, requirements_json={}, status="done"
    )
    assert customer.get(f"/configure/{job.pk}/").status_code == 404
    assert customer.post(f"/configure/{job.pk}/save/0/").status_code == 404


def test_selfservice_offers_liquid_cooling_and_explains_the_choice(
    customer: Client, customer_org: Any, liquid_parts: Any
) -> None:
    """Step 2 offers air, liquid or automatic cooling (automatic first); asked for liquid with
    cold-plate servers, the build gets its CDU and facility water and step 3 says why."""
    site = SiteFactory(
        organisation=customer_org, outdoor_min_c=-10, outdoor_max_c=27, relative_humidity_max_pct=50
    )
    form = customer.get(f"/self-service/sites/{site.pk}/").content.decode()
    assert 'name="cooling_medium"' in form
    assert '<option value="auto" selected>' in form
    data = {
        **WORKLOAD,
        "name": "Cold plate rack",
        "server_model": str(liquid_parts["node"].pk),
        "cooling_medium": "liquid",
    }
    response = customer.post(f"/self-service/sites/{site.pk}/", data)
    build = Build.objects.get(name="Cold plate rack")
    assert response["Location"] == f"/self-service/builds/{build.pk}/"
    assert build.lines.filter(component=liquid_parts["cdu"]).exists()
    assert build.lines.filter(component=liquid_parts["water"]).exists()
    assert not build_selectors.build_report(build).errors
    html = customer.get(response["Location"]).content.decode()
    assert "Air or liquid" in html
    assert "Liquid cooling was asked" in html
