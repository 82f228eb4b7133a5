"""/api/v1/quote-requests/ and the recorded answer of accept/reject: permissions, bodies."""

from __future__ import annotations

import pytest

from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote, QuoteRequest
from tests.api import API, ROLES, World, assert_envelope, make_world, member

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}
# contoso's own people: they ask for quotes of contoso's builds.
REQUESTERS = frozenset({"customer", "integrator"})
# The seller's people see contoso's build but quote it directly.
SELLERS = frozenset({"sales_engineer", "admin"})


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def issued(world: World) -> Quote:
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(build=world.build, user=user, **CONTACT)
    return quote_services.quote_issue(quote=draft, user=user)


@pytest.mark.parametrize("role", ROLES)
def test_quote_request_create_permission_matrix(world: World, role: str) -> None:
    """Contoso's people request (201); sellers 403; callers who cannot see the build 400."""
    body = {"build": world.build.pk, "message": "Before June."}
    response = world.client(role).post(f"{API}/quote-requests/", body, format="json")
    if role in REQUESTERS:
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["status"], data["message"], data["build"]) == (
            "open",
            "Before June.",
            world.build.pk,
        )
        assert response["Location"].endswith(f"/quote-requests/{data['id']}/")
    elif role in SELLERS:
        assert_envelope(response, 403, "permission_denied")
    elif role == "anonymous":
        assert_envelope(response, 401)
    else:
        assert_envelope(response, 400, "validation_error")


@pytest.mark.parametrize("role", ROLES)
def test_quote_request_list_permission_matrix(world: World, role: str) -> None:
    """Contoso's people and its seller list the request; other organisations see nothing."""
    request = quote_services.quote_request_create(
        build=world.build, user=member("customer", world.contoso)
    )
    response = world.client(role).get(f"{API}/quote-requests/", {"status": "open"})
    if role == "anonymous":
        assert_envelope(response, 401)
        return
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([request.pk] if role in REQUESTERS | SELLERS else [])
    detail = world.client(role).get(f"{API}/quote-requests/{request.pk}/")
    assert detail.status_code == (200 if role in REQUESTERS | SELLERS else 404)


def test_second_open_request_answers_409(world: World) -> None:
    """One open request per build."""
    client = world.client("customer")
    client.post(f"{API}/quote-requests/", {"build": world.build.pk}, format="json")
    again = client.post(f"{API}/quote-requests/", {"build": world.build.pk}, format="json")
    assert_envelope(again, 409, "quote_request_open")
    assert QuoteRequest.objects.count() == 1


def test_request_message_too_long_names_the_field(world: World) -> None:
    """400 naming `message`, nothing stored."""
    response = world.client("customer").post(
        f"{API}/quote-requests/", {"build": world.build.pk, "message": "x" * 2001}, format="json"
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "message" in body["details"]
    assert not QuoteRequest.objects.exists()


def test_sellers_quote_answers_the_request(world: World) -> None:
    """POST /quotes/ of the build marks the open request quoted and links the quote."""
    world.client("customer").post(
        f"{API}/quote-requests/", {"build": world.build.pk}, format="json"
    )
    created = world.client("sales_engineer").post(
        f"{API}/quotes/", {"build": world.build.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    request = world.client("customer").get(f"{API}/quote-requests/").json()["results"][0]
    assert (request["status"], request["quote"]) == ("quoted", created.json()["id"])


def test_decline_records_who_when_and_the_note(world: World) -> None:
    """reject answers the quote with answered_by, answered_at and answer_note."""
    quote = issued(world)
    response = world.client("customer").post(
        f"{API}/quotes/{quote.pk}/reject/", {"note": "Over budget."}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "rejected"
    assert data["answer_note"] == "Over budget."
    assert data["answered_by"]
    assert data["answered_at"]


def test_accept_with_too_long_note_answers_400_and_changes_nothing(world: World) -> None:
    """A bad body never half-answers a quote."""
    quote = issued(world)
    response = world.client("customer").post(
        f"{API}/quotes/{quote.pk}/accept/", {"note": "x" * 2001}, format="json"
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "note" in body["details"]
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ISSUED


def test_customer_organisation_through_the_api(world: World) -> None:
    """PATCH names the buying organisation by slug; a wrong one answers 400 naming it."""
    client = world.client("sales_engineer")
    created = client.post(f"{API}/quotes/", {"build": world.build.pk}, format="json").json()
    bad = client.patch(
        f"{API}/quotes/{created['id']}/", {"customer_organisation": "initech"}, format="json"
    )
    body = assert_envelope(bad, 400, "validation_error")
    assert "customer_organisation" in body["details"]
    same = client.patch(
        f"{API}/quotes/{created['id']}/", {"customer_organisation": "contoso"}, format="json"
    )
    assert same.status_code == 200
    assert same.json()["customer_organisation"] is None  # the build's own organisation
