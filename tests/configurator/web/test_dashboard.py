"""Home page, dashboard and builds list: sign-in, role-aware navigation, worst findings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from catalog.choices import ComponentKind
from configurator.builds.models import Build
from configurator.builds.services import lines as line_services
from tests.factories import BuildFactory, ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def overloaded_build(site: Any, name: str = "Overloaded rack") -> Build:
    """A build whose UPS carries far more than it may: power.ups_kw_capacity is an error."""
    build = BuildFactory(site=site, name=name)
    rack = line_services.build_line_add(
        build=build,
        component=ComponentFactory(
            kind=ComponentKind.RACK,
            spec={"u": 42, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 1000},
        ),
    )
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind=ComponentKind.UPS), rack=rack
    )
    line_services.build_line_add(
        build=build,
        component=ComponentFactory(
            kind=ComponentKind.GPU_SERVER, nameplate_w=4500, typical_w=4000, model_name="G8"
        ),
        rack=rack,
        feed_a=ups,
    )
    return build


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_home_shows_sign_in_page_to_anonymous_visitors(client: Client) -> None:
    """The root is the sign-in form for anyone not signed in (no redirect loop)."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'action="/accounts/login/"' in html
    assert "Skip to content" in html


def test_dashboard_lists_builds_with_their_worst_finding(
    client: Client, org: Any, user_with_role: Any
) -> None:
    """Each build row names its status and the most severe finding: severity, code, message."""
    site = SiteFactory(organisation=org, name="Lyon back office")
    build = overloaded_build(site)
    BuildFactory(site=site, name="Empty draft")
    response = signed_in(client, user_with_role("sales_engineer", org)).get("/")
    assert response.status_code == 200
    rows = {row.build.name: row for row in response.context["rows"]}
    assert rows["Overloaded rack"].worst.code == "power.ups_kw_capacity"
    assert rows["Overloaded rack"].errors >= 1
    html = response.content.decode()
    assert f'href="/builds/{build.pk}/"' in html
    assert "power.ups_kw_capacity" in html
    assert "Error" in html  # the severity is written, not only coloured
    assert "Lyon back office" in html
    assert 'href="/sites/new/"' in html


def test_dashboard_shows_served_organisations_to_sales_engineers(
    client: Client, org: Any, customer_org: Any, user_with_role: Any
) -> None:
    """A sales engineer sees the customers their organisation serves, and their builds."""
    BuildFactory(site=SiteFactory(organisation=customer_org, name="Shop 12"), name="Shop rack")
    html = signed_in(client, user_with_role("sales_engineer", org)).get("/").content.decode()
    assert "Contoso Shops" in html
    assert "served by Acme Integrations" in html
    assert "Shop rack" in html


def test_dashboard_hides_other_organisations(
    client: Client, org: Any, other_org: Any, user_with_role: Any
) -> None:
    """Builds of an organisation the user does not act for never appear."""
    BuildFactory(site=SiteFactory(organisation=other_org), name="Globex secret rack")
    html = signed_in(client, user_with_role("sales_engineer", org)).get("/").content.decode()
    assert "Globex secret rack" not in html


def test_navigation_fits_the_role(client: Client, org: Any, user_with_role: Any) -> None:
    """Customers get self-service and no admin link; staff get the admin link."""
    customer = user_with_role("customer", org)
    html = signed_in(client, customer).get("/").content.decode()
    assert 'href="/self-service/"' in html
    assert 'href="/admin/"' not in html
    assert "Sign out" in html
    staff = user_with_role("catalogue_manager", org, is_staff=True)
    html = signed_in(Client(), staff).get("/").content.decode()
    assert 'href="/admin/"' in html
    assert 'href="/self-service/"' not in html


def test_builds_list_filters_by_status(client: Client, org: Any, user_with_role: Any) -> None:
    """The builds page lists visible builds and narrows them by status."""
    site = SiteFactory(organisation=org)
    BuildFactory(site=site, name="Draft one")
    BuildFactory(site=site, name="Old one", status=Build.Status.ARCHIVED)
    signed_in(client, user_with_role("sales_engineer", org))
    html = client.get("/builds/").content.decode()
    assert "Draft one" in html
    assert "Old one" in html
    html = client.get("/builds/?status=archived").content.decode()
    assert "Draft one" not in html
    assert "Old one" in html


def test_pages_send_a_strict_content_security_policy(
    client: Client, org: Any, user_with_role: Any
) -> None:
    """Scripts and styles come from our own origin only; htmx is served from static."""
    response = signed_in(client, user_with_role("customer", org)).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "/static/vendor/htmx.min.js" in html
    assert "<style" not in html
    assert "<script>" not in html


def test_api_docs_keep_working_under_the_policy(client: Client) -> None:
    """Swagger UI loads its start-up script from a URL; only its page allows inline styles."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"].split("style-src")[1]
    assert "script-src 'self';" in response["Content-Security-Policy"] + ";"
    html = response.content.decode()
    assert "?script=" in html or "&script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
