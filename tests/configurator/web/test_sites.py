"""Site pages: list, form with field errors, detail with builds, new build, apply a build."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from configurator.builds.models import Build, Site
from tests.configurator.web.test_dashboard import overloaded_build
from tests.factories import BuildFactory, SiteFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Store 0217 back office",
    "description": "",
    "environment": "indoor",
    "ambient_min_c": "18",
    "ambient_max_c": "27",
    "altitude_m": "170",
    "occupied": "on",
    "room_volume_m3": "",
    "floor_rating_kg_m2": "",
    "supply_voltage_v": "230",
    "supply_phases": "1",
    "supply_breaker_a": "16",
    "country": "FR",
    "grid_carbon_g_per_kwh": "56",
    "electricity_price_per_kwh": "0.25",
    "currency": "EUR",
}


@pytest.fixture
def sales(client: Client, org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("sales_engineer", org))
    return client


def test_site_form_has_every_engine_field_with_units_and_defaults(sales: Client, org: Any) -> None:
    """Every field the engine reads is on the form, labelled with its unit and pre-filled."""
    response = sales.get("/sites/new/")
    form = response.context["form"]
    for field in Site.ENGINE_FIELDS:
        assert field in form.fields, field
    html = response.content.decode()
    assert "Highest ambient temperature (°C)" in html
    assert "Supply breaker per phase (A)" in html
    assert "Altitude above sea level, m (-500 to 6000)." in html  # inline help text
    assert 'name="supply_voltage_v" value="230"' in html
    assert 'name="ambient_max_c" value="27"' in html


def test_site_create_saves_and_opens_the_site(sales: Client, org: Any) -> None:
    """A valid form creates the site in the chosen organisation and shows its page."""
    response = sales.post("/sites/new/", {**VALID, "organisation": org.pk})
    site = Site.objects.get(name="Store 0217 back office")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    assert site.organisation == org
    assert site.supply_breaker_a == 16
    assert site.occupied is True
    assert site.dusty is False


def test_site_form_shows_engine_errors_on_their_fields(sales: Client, org: Any) -> None:
    """Values the engine refuses come back on the field, with the typed input kept."""
    data = {**VALID, "organisation": org.pk, "altitude_m": "9000", "country": "fr"}
    response = sales.post("/sites/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "altitude_m" in errors
    assert "country" in errors
    html = response.content.decode()
    assert 'value="9000"' in html  # nothing typed is lost
    assert 'aria-invalid="true"' in html
    assert not Site.objects.filter(name=VALID["name"]).exists()


def test_site_form_shows_cross_field_errors(sales: Client, org: Any) -> None:
    """A minimum above the maximum ambient is refused in plain words, on the field to correct,
    and listed at the top with the field's label; not a 500."""
    data = {**VALID, "organisation": org.pk, "ambient_min_c": "30", "ambient_max_c": "20"}
    response = sales.post("/sites/new/", data)
    assert response.status_code == 200
    message = "The lowest ambient temperature is above the highest."
    assert response.context["form"].errors["ambient_min_c"] == [message]
    html = response.content.decode()
    assert f'<a href="#id_ambient_min_c">Lowest ambient temperature (°C)</a>: {message}' in html


def test_site_form_refuses_a_duplicate_name(sales: Client, org: Any) -> None:
    """A second site with the same name in one organisation is a form error."""
    SiteFactory(organisation=org, name=VALID["name"])
    response = sales.post("/sites/new/", {**VALID, "organisation": org.pk})
    assert response.status_code == 200
    assert "already has a site with this name" in response.content.decode()


def test_site_form_refuses_an_organisation_out_of_scope(sales: Client, other_org: Any) -> None:
    """The organisation choice holds only organisations the user acts for."""
    response = sales.post("/sites/new/", {**VALID, "organisation": other_org.pk})
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_site_edit_updates_through_the_service(sales: Client, org: Any) -> None:
    """Editing keeps the organisation and saves the new figures."""
    site = SiteFactory(organisation=org, name="Old name")
    response = sales.get(f"/sites/{site.pk}/edit/")
    assert 'value="Old name"' in response.content.decode()
    response = sales.post(f"/sites/{site.pk}/edit/", {**VALID, "supply_breaker_a": "63"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.supply_breaker_a == 63
    assert site.name == VALID["name"]


def test_site_edit_bad_value_keeps_row(sales: Client, org: Any) -> None:
    """An invalid edit changes nothing and shows the error."""
    site = SiteFactory(organisation=org, name="Kept")
    response = sales.post(f"/sites/{site.pk}/edit/", {**VALID, "supply_voltage_v": "-5"})
    assert response.status_code == 200
    assert "supply_voltage_v" in response.context["form"].errors
    site.refresh_from_db()
    assert site.name == "Kept"


def test_site_list_groups_by_organisation(
    sales: Client, org: Any, customer_org: Any, other_org: Any
) -> None:
    """Sites of the user's organisations, grouped; other organisations' sites are absent."""
    SiteFactory(organisation=org, name="HQ")
    SiteFactory(organisation=customer_org, name="Shop 12")
    SiteFactory(organisation=other_org, name="Globex lab")
    html = sales.get("/sites/").content.decode()
    assert "HQ" in html
    assert "Shop 12" in html
    assert "Contoso Shops" in html
    assert "Globex lab" not in html


def test_site_detail_lists_builds_with_worst_finding(sales: Client, org: Any) -> None:
    """A site's page lists its builds with their worst finding and the build forms."""
    site = SiteFactory(organisation=org, name="Lyon")
    build = overloaded_build(site)
    response = sales.get(f"/sites/{site.pk}/")
    html = response.content.decode()
    assert f'href="/builds/{build.pk}/"' in html
    assert "power.ups_kw_capacity" in html
    assert "New build" in html
    assert "Apply a build to this site" in html


def test_site_of_another_organisation_answers_404(sales: Client, other_org: Any) -> None:
    """Sites out of scope do not exist for the user."""
    site = SiteFactory(organisation=other_org)
    assert sales.get(f"/sites/{site.pk}/").status_code == 404
    assert sales.get(f"/sites/{site.pk}/edit/").status_code == 404


def test_new_build_from_site_opens_the_editor(sales: Client, org: Any) -> None:
    """ "New build" creates an empty draft through the service and redirects to the editor."""
    site = SiteFactory(organisation=org)
    response = sales.post("/sites/builds/new/", {"site": site.pk, "name": "Rack A"})
    build = Build.objects.get(name="Rack A")
    assert response.status_code == 302
    assert response["Location"] == f"/builds/{build.pk}/"
    assert build.site == site
    assert build.status == Build.Status.DRAFT


def test_new_build_needs_a_name(sales: Client, org: Any) -> None:
    """A missing name is a field error."""
    site = SiteFactory(organisation=org)
    response = sales.post("/sites/builds/new/", {"site": site.pk, "name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Build.objects.exists()


def test_new_build_preselects_the_site(sales: Client, org: Any) -> None:
    """?site= preselects the site in the form."""
    site = SiteFactory(organisation=org, name="Preselected")
    html = sales.get(f"/sites/builds/new/?site={site.pk}").content.decode()
    assert f'<option value="{site.pk}" selected>' in html


def test_new_build_preselects_a_customers_only_site(
    client: Client, customer_org: Any, user_with_role: Any
) -> None:
    """A customer with one site finds it chosen already; with two, nothing is chosen for them."""
    client.force_login(user_with_role("customer", customer_org))
    only = SiteFactory(organisation=customer_org, name="Only shop")
    html = client.get("/sites/builds/new/").content.decode()
    assert f'<option value="{only.pk}" selected>' in html
    SiteFactory(organisation=customer_org, name="Second shop")
    assert '<option value="" selected>' in client.get("/sites/builds/new/").content.decode()


def test_apply_build_copies_it_onto_the_site(sales: Client, org: Any) -> None:
    """Applying a build clones it, lines included, onto this site and opens the copy."""
    source = overloaded_build(SiteFactory(organisation=org, name="Source"))
    target = SiteFactory(organisation=org, name="Target")
    response = sales.post(f"/sites/{target.pk}/apply/", {"build": source.pk})
    copy = Build.objects.get(site=target)
    assert response["Location"] == f"/builds/{copy.pk}/"
    assert copy.lines.count() == source.lines.count()


def test_apply_build_of_another_organisation_is_refused(
    sales: Client, org: Any, other_org: Any
) -> None:
    """A build the user cannot see cannot be applied."""
    foreign = BuildFactory(site=SiteFactory(organisation=other_org))
    target = SiteFactory(organisation=org)
    response = sales.post(f"/sites/{target.pk}/apply/", {"build": foreign.pk}, follow=True)
    assert "Choose one of the listed builds" in response.content.decode()
    assert not Build.objects.filter(site=target).exists()


def test_site_form_keeps_the_outdoor_design_range(sales: Client, org: Any) -> None:
    """The outdoor design range dry coolers are judged at is stored, and half of it refused."""
    data = {**VALID, "organisation": org.pk, "outdoor_min_c": "-12", "outdoor_max_c": "27"}
    response = sales.post("/sites/new/", data)
    assert response.status_code == 302
    site = Site.objects.get(name=VALID["name"])
    assert (site.outdoor_min_c, site.outdoor_max_c) == (-12, 27)
    assert site.engine_values()["outdoor_max_c"] == 27
    half = {**VALID, "organisation": org.pk, "name": "Half", "outdoor_max_c": "27"}
    response = sales.post("/sites/new/", half)
    assert response.status_code == 200
    assert "both ends of the outdoor design range" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("supply_voltage_v", "1e308"),
        ("grid_carbon_g_per_kwh", "1e308"),
        ("electricity_price_per_kwh", "Infinity"),
        ("ambient_max_c", "NaN"),
        ("supply_breaker_a", "1e-320"),
    ],
)
def test_site_form_refuses_extreme_numbers_on_their_field(
    sales: Client, org: Any, field: str, value: str
) -> None:
    """The numbers that once broke later reads (issue 11.2) are a form error on the field,
    never a 500, and nothing is saved."""
    site = SiteFactory(organisation=org, name="Kept")
    response = sales.post(f"/sites/{site.pk}/edit/", {**VALID, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    site.refresh_from_db()
    assert site.name == "Kept"
