"""/api/v1/sites/: permission matrix, organisation scoping, filters, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from configurator.builds.models import Site
from tests.api import API, MANAGERS, ROLES, World, assert_envelope, make_world, member, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


SITES = f"{API}/sites/"


def site_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "organisation": "contoso",
        "name": "Nice store",
        "environment": "indoor",
        "supply_voltage_v": 230,
        "supply_phases": 1,
        "supply_breaker_a": 16,
        "country": "FR",
        "currency": "EUR",
    }
    payload.update(overrides)
    return payload


def _expected(role: str, action: str) -> int:
    if role == "anonymous":
        return 401
    if role in MANAGERS:
        return {"list": 200, "retrieve": 200, "create": 201, "update": 200, "destroy": 204}[action]
    # Contoso is invisible: its site is unknown (404), creating in it is bad input (400).
    return {"list": 200, "retrieve": 404, "create": 400, "update": 404, "destroy": 404}[action]


MATRIX = [
    (role, action, _expected(role, action))
    for role in ROLES
    for action in ("list", "retrieve", "create", "update", "destroy")
]


@pytest.mark.parametrize(("role", "action", "status"), MATRIX)
def test_sites_permission_matrix(world: World, role: str, action: str, status: int) -> None:
    """Callers who see contoso manage its sites; others get 404 (or 400 naming it), 401 anon."""
    client = world.client(role)
    detail = f"{SITES}{world.other_site.pk}/"  # a site without builds, so it can be deleted
    if action == "list":
        response = client.get(SITES)
    elif action == "retrieve":
        response = client.get(detail)
    elif action == "create":
        response = client.post(SITES, site_payload(), format="json")
    elif action == "update":
        response = client.patch(detail, {"description": "Back room"}, format="json")
    else:
        response = client.delete(detail)
    assert response.status_code == status, response.content
    if status >= 400:
        body = assert_envelope(response, status)
        if status == 400:
            assert "organisation" in body["details"]
    if action == "list" and status == 200:
        names = {site["name"] for site in response.json()["results"]}
        assert ("Lyon back office" in names) == (role in MANAGERS)
        assert "Initech HQ" not in names or role == "other_customer"


def test_site_list_filters_searches_and_orders(world: World) -> None:
    """Sites filter by organisation slug, search by name and order by a whitelisted field."""
    client = world.client("admin")
    response = client.get(SITES, {"organisation": "contoso", "ordering": "-name"})
    assert [s["name"] for s in response.json()["results"]] == [
        "Marseille store",
        "Lyon back office",
    ]
    response = client.get(SITES, {"search": "lyon"})
    assert [s["name"] for s in response.json()["results"]] == ["Lyon back office"]
    assert client.get(SITES, {"organisation": "initech"}).json()["count"] == 0


def test_site_create_defaults_to_the_token_organisation(world: World) -> None:
    """A token client needs not name its organisation; it cannot name another one."""
    client = token_client(member("integrator", world.contoso), world.contoso)
    payload = site_payload()
    del payload["organisation"]
    response = client.post(SITES, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == "contoso"
    response = client.post(SITES, site_payload(name="Elsewhere", organisation="acme"))
    assert_envelope(response, 400, "validation_error")


def test_site_create_without_organisation_for_a_multi_organisation_user(world: World) -> None:
    """A sales engineer acting for several organisations must name one."""
    payload = site_payload()
    del payload["organisation"]
    body = assert_envelope(world.client("sales_engineer").post(SITES, payload), 400)
    assert "organisation" in body["details"]


def test_site_organisation_cannot_be_moved(world: World) -> None:
    """The organisation is fixed after creation: a PATCH naming another one changes nothing."""
    client = world.client("admin")
    response = client.patch(f"{SITES}{world.site.pk}/", {"organisation": "acme"}, format="json")
    assert response.status_code == 200
    assert Site.objects.get(pk=world.site.pk).organisation == world.contoso


def test_site_delete_with_builds_conflicts(world: World) -> None:
    """A site with builds answers 409 and stays."""
    response = world.client("admin").delete(f"{SITES}{world.site.pk}/")
    assert_envelope(response, 409, "site_has_builds")
    assert Site.objects.filter(pk=world.site.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Lyon back office"}, "name"),  # duplicate in the organisation
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"country": "fr"}, "country"),
        ({"country": 12}, "country"),
        ({"currency": "euro"}, "currency"),
        ({"supply_phases": 2}, "supply_phases"),
        ({"supply_phases": "three"}, "supply_phases"),
        ({"supply_voltage_v": "lots"}, "supply_voltage_v"),
        ({"supply_breaker_a": -5}, "supply_breaker_a"),
        ({"altitude_m": 10**30}, "altitude_m"),
        ({"altitude_m": 9000}, "altitude_m"),
        ({"electricity_price_per_kwh": "1e30"}, "electricity_price_per_kwh"),
        ({"environment": "space"}, "environment"),
        ({"ambient_min_c": None}, "ambient_min_c"),
        ({"ambient_min_c": 30, "ambient_max_c": 20}, None),
        ({"organisation": "no-such-org"}, "organisation"),
        ({"organisation": ["contoso"]}, "organisation"),
        ({"organisation": "contoso\x00"}, "organisation"),
        ({"name": "Nice\x00store"}, "name"),
        ({"description": "\x00"}, "description"),
        ({"dusty": "maybe"}, "dusty"),
    ],
)
def test_site_create_bad_input_is_400_naming_the_field(
    world: World, overrides: dict[str, Any], field: str | None
) -> None:
    """Invalid site values answer 400 with the field named, never 500."""
    response = world.client("admin").post(SITES, site_payload(**overrides), format="json")
    body = assert_envelope(response, 400, "validation_error")
    if field is not None:
        assert field in body["details"], body


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b"null",
        b'"a string"',
        b'{"name": "x", "country": NaN}',
        b'{"organisation": "contoso", "name": "x", "supply_voltage_v": 1e400}',
        b'{"organisation": "contoso", "name": "x", "altitude_m": 1' + b"0" * 5000 + b"}",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_site_create_garbage_body_is_400(world: World, body: bytes) -> None:
    """Malformed or non-object JSON answers 400 in the envelope."""
    response = world.client("admin").post(SITES, body, content_type="application/json")
    assert_envelope(response, 400)


@pytest.mark.parametrize("path", ["abc/", "99999999999999999999999/", "0/", "-1/"])
def test_site_detail_with_odd_ids_is_404(world: World, path: str) -> None:
    """Ids that are not digits, too large or unknown answer 404, never 500."""
    assert_envelope(world.client("admin").get(f"{SITES}{path}"), 404)


def test_site_list_bad_filter_and_ordering(world: World) -> None:
    """An unknown ordering field is ignored; a bad page size is clamped, never 500."""
    client = world.client("admin")
    assert client.get(SITES, {"ordering": "password"}).status_code == 200
    assert client.get(SITES, {"limit": "-3", "offset": "x"}).status_code == 200


def test_token_requests_are_throttled_per_token(world: World, settings: Any) -> None:
    """Each token has its own `token` bucket; the user's session and other tokens are spared."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "token": "2/min"},
    }
    user = member("integrator", world.contoso)
    first, second = token_client(user, world.contoso), token_client(user, world.contoso)
    assert [first.get(SITES).status_code for _ in range(2)] == [200, 200]
    body = assert_envelope(first.get(SITES), 429, "throttled")
    assert body["details"]["wait_seconds"] > 0
    assert second.get(SITES).status_code == 200
    session = APIClient()
    session.force_authenticate(user)
    assert session.get(SITES).status_code == 200


def test_session_requests_use_the_user_rate(world: World, settings: Any) -> None:
    """Session callers are throttled per user at the `user` rate."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "1/min", "token": "100/min"},
    }
    client = world.client("customer")
    assert client.get(SITES).status_code == 200
    assert_envelope(client.get(SITES), 429, "throttled")
