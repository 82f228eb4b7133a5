"""The auto-configurator's pages: "configure for me" in the editor (sales engineers and admins)
and a configuration's own page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from configurator.builds import selectors as build_selectors
from configurator.builds.models import BuildLine
from configurator.configure.models import ConfigureJob
from tests.factories import BuildFactory, BuildLineFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(client: Client, org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("sales_engineer", org))
    return client


@pytest.fixture
def customer(customer_org: Any, user_with_role: Any) -> Client:
    client = Client()
    client.force_login(user_with_role("customer", customer_org))
    return client


def test_configure_for_me_fills_in_the_build_around_its_it(
    sales: Client, customer_org: Any, parts: Any
) -> None:
    """A sales engineer's "configure for me" adds the facility around the placed servers and
    returns to the editor; the build then passes the engine with 0 errors."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    BuildLineFactory(build=build, component=parts["server"], quantity=2)
    page = sales.get(f"/builds/{build.pk}/").content.decode()
    assert "Configure for me" in page
    response = sales.post(f"/builds/{build.pk}/configure/", {"revision": build.revision})
    assert response["Location"] == f"/builds/{build.pk}/"
    assert BuildLine.objects.filter(build=build).count() > 1
    assert not build_selectors.build_report(build).errors
    job = ConfigureJob.objects.get(build=build)
    assert job.result_json["status"] == "OPTIMAL"


def test_configure_for_me_is_not_offered_to_customers(
    customer: Client, customer_org: Any, parts: Any
) -> None:
    """Customers see no "configure for me" and cannot post it."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    BuildLineFactory(build=build, component=parts["server"])
    assert "Configure for me" not in customer.get(f"/builds/{build.pk}/").content.decode()
    assert customer.post(f"/builds/{build.pk}/configure/").status_code == 403
    assert BuildLine.objects.filter(build=build).count() == 1


def test_configure_for_me_without_it_says_so(sales: Client, customer_org: Any) -> None:
    """An empty build has nothing to configure around: the editor says so, nothing changes."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    response = sales.post(f"/builds/{build.pk}/configure/", follow=True)
    assert "Place the IT first" in response.content.decode()
    assert not ConfigureJob.objects.exists()


def test_configuration_page_shows_the_proof_and_saves_options(
    sales: Client, customer_org: Any, parts: Any
) -> None:
    """The page of a configuration shows its proof; an option saves as a draft build."""
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    BuildLineFactory(build=build, component=parts["server"])
    sales.post(f"/builds/{build.pk}/configure/")
    job = ConfigureJob.objects.get()
    html = sales.get(f"/configure/{job.pk}/").content.decode()
    assert "Proven optimal" in html
    assert "Best bound" in html
    response = sales.post(f"/configure/{job.pk}/save/0/")
    assert response.status_code == 302
    assert sales.post(f"/configure/{job.pk}/save/9/", follow=True).status_code == 200


def test_configure_for_me_offers_the_cooling_choice_and_wires_a_loop(
    sales: Client, customer_org: Any, liquid_parts: Any
) -> None:
    """The editor's form offers air, liquid or automatic cooling; on cold-plate servers the
    configured build has them on a CDU, and the message says why liquid."""
    site = SiteFactory(
        organisation=customer_org, outdoor_min_c=-10, outdoor_max_c=27, relative_humidity_max_pct=50
    )
    build = BuildFactory(site=site)
    placed = BuildLineFactory(build=build, component=liquid_parts["node"], quantity=2)
    page = sales.get(f"/builds/{build.pk}/").content.decode()
    assert 'name="cooling"' in page
    response = sales.post(
        f"/builds/{build.pk}/configure/", {"revision": build.revision, "cooling": "auto"}
    )
    assert response["Location"] == f"/builds/{build.pk}/"
    moved = BuildLine.objects.get(pk=placed.pk)
    assert moved.coolant_from is not None
    assert moved.coolant_from.component == liquid_parts["cdu"]
    assert not build_selectors.build_report(build).errors
    shown = [str(m) for m in sales.get(f"/builds/{build.pk}/").context["messages"]]
    assert any("Cooling: Liquid" in m for m in shown)
