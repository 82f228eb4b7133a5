"""/api/v1/quotes/ and /builds/{id}/spec-sheet/: permission matrix, commands, 202 pattern."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from configurator.documents import pdf
from configurator.documents.models import RenderedDocument
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import API, ROLES, World, add_line, assert_envelope, make_world, member

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}
# Who writes quotes for contoso: acme's sales engineers and admins (session, not acme token).
SELLERS = frozenset({"sales_engineer", "admin"})
# Who sees contoso's issued quotes: the sellers and contoso's own people.
READERS = SELLERS | {"customer", "integrator"}


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


def seller_of(world: World) -> Any:
    return member("sales_engineer", world.acme)


def make_quote(world: World, *, issue: bool = True, **fields: Any) -> Quote:
    user = seller_of(world)
    quote = quote_services.quote_create(build=world.build, user=user, **{**CONTACT, **fields})
    return quote_services.quote_issue(quote=quote, user=user) if issue else quote


def expected(role: str, allowed: frozenset[str], ok: int, *, denied: int = 404) -> int:
    """The status `role` gets: 401 anonymous, `ok` if allowed, else 403 or 404."""
    if role == "anonymous":
        return 401
    if role in allowed:
        return ok
    return denied if role not in READERS else 403


# --------------------------------------------------------------------------- permission matrix


@pytest.mark.parametrize("role", ROLES)
def test_quote_list_permission_matrix(world: World, role: str) -> None:
    """Readers list contoso's issued quote; only sellers also see the draft; others see none."""
    issued = make_quote(world)
    draft = make_quote(world, issue=False)
    response = world.client(role).get(f"{API}/quotes/")
    if role == "anonymous":
        assert_envelope(response, 401)
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    if role in SELLERS:
        assert ids == {issued.pk, draft.pk}
    elif role in READERS:
        assert ids == {issued.pk}
    else:
        assert ids == set()


@pytest.mark.parametrize("role", ROLES)
def test_quote_detail_permission_matrix(world: World, role: str) -> None:
    """An issued quote reads for readers; other organisations get 404."""
    quote = make_quote(world)
    response = world.client(role).get(f"{API}/quotes/{quote.pk}/")
    status = 401 if role == "anonymous" else 200 if role in READERS else 404
    assert response.status_code == status, response.content
    if status != 200:
        assert_envelope(response, status)


@pytest.mark.parametrize("role", ROLES)
def test_draft_detail_is_the_sellers_only(world: World, role: str) -> None:
    """Customers never see the seller's drafts (404, as if absent)."""
    quote = make_quote(world, issue=False)
    response = world.client(role).get(f"{API}/quotes/{quote.pk}/")
    status = 401 if role == "anonymous" else 200 if role in SELLERS else 404
    assert response.status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_quote_create_permission_matrix(world: World, role: str) -> None:
    """Sellers create drafts (201); customers and integrators who see the build get 403."""
    body = {"build": world.build.pk, **CONTACT, "tax_rate_pct": "20"}
    response = world.client(role).post(f"{API}/quotes/", body, format="json")
    if role in SELLERS:
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "draft"
        assert response["Location"].endswith(f"/quotes/{response.json()['id']}/")
    elif role in READERS:
        assert_envelope(response, 403, "permission_denied")
    elif role == "anonymous":
        assert_envelope(response, 401)
    else:
        # The build is invisible to them: the field's lookup refuses it.
        assert_envelope(response, 400, "validation_error")


@pytest.mark.parametrize("role", ROLES)
def test_quote_issue_permission_matrix(world: World, role: str) -> None:
    """Only sellers issue; readers 403, other organisations 404 (the draft is invisible)."""
    quote = make_quote(world, issue=False)
    response = world.client(role).post(f"{API}/quotes/{quote.pk}/issue/", {}, format="json")
    if role in SELLERS:
        assert response.status_code == 200, response.content
        assert response.json()["number"].startswith("Q-")
    else:
        assert response.status_code == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_quote_revise_permission_matrix(world: World, role: str) -> None:
    """Sellers revise (201); customers see the quote but may not revise it (403)."""
    quote = make_quote(world)
    response = world.client(role).post(f"{API}/quotes/{quote.pk}/revise/", {}, format="json")
    assert response.status_code == expected(role, SELLERS, 201), response.content


@pytest.mark.parametrize("role", ROLES)
def test_quote_pdf_permission_matrix(
    world: World, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    """Readers get 202 then the PDF; other organisations 404; anonymous 401."""
    quote = make_quote(world)
    client = world.client(role)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(f"{API}/quotes/{quote.pk}/pdf/")
    if role not in READERS:
        assert_envelope(first, 401 if role == "anonymous" else 404)
        return
    assert first.status_code == 202, first.content
    assert first["Location"].endswith(f"/quotes/{quote.pk}/pdf/status/")
    assert first["Retry-After"] == "1"
    second = client.get(f"{API}/quotes/{quote.pk}/pdf/")
    assert second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    assert second.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["customer", "integrator"])
def test_customers_never_see_cost_or_margin(world: World, role: str) -> None:
    """Cost and margin are the seller's; customers' answers have neither key."""
    quote = make_quote(world)
    body = world.client(role).get(f"{API}/quotes/{quote.pk}/").json()
    assert "cost_total" not in body
    assert "margin_pct" not in body
    rows = [row for category in body["bom"]["categories"] for row in category["rows"]]
    assert rows
    assert all("unit_cost" not in row for row in rows)
    listed = world.client(role).get(f"{API}/quotes/").json()["results"][0]
    assert "cost_total" not in listed


def test_sellers_see_cost_and_margin(world: World) -> None:
    """A sales engineer sees the cost total and the margin on the net total."""
    quote = make_quote(world)
    body = world.client("sales_engineer").get(f"{API}/quotes/{quote.pk}/").json()
    assert body["cost_total"] == "4800.00"  # 600 + 1200 + 3000
    assert Decimal(body["margin_pct"]) == Decimal("28.78")  # (6740 - 4800) / 6740


# --------------------------------------------------------------------------- commands


def test_issue_blocked_answers_422_with_findings(world: World) -> None:
    """Error findings: 422 blocked_by_rules, details = the error findings."""
    add_line(world.build, world.components["server"], quantity=40, feed_a=world.ups)
    quote = make_quote(world, issue=False)
    client = world.client("sales_engineer")
    body = assert_envelope(
        client.post(f"{API}/quotes/{quote.pk}/issue/", {}, format="json"), 422, "blocked_by_rules"
    )
    assert body["details"]
    assert {f["severity"] for f in body["details"]} == {"error"}
    response = client.post(
        f"{API}/quotes/{quote.pk}/issue/", {"override_reason": "Second UPS on site."}
    )
    assert response.status_code == 200
    assert response.json()["override_reason"] == "Second UPS on site."


def test_discount_over_limit_answers_400(world: World) -> None:
    """A sales engineer's 20 % is refused on the field, in the envelope."""
    body = {"build": world.build.pk, **CONTACT, "discount_pct": "20"}
    response = world.client("sales_engineer").post(f"{API}/quotes/", body, format="json")
    details = assert_envelope(response, 400, "validation_error")["details"]
    assert "discount_pct" in details


def test_patch_draft_then_frozen_after_issue(world: World) -> None:
    """PATCH changes a draft; once issued it answers 409 quote_frozen."""
    quote = make_quote(world, issue=False)
    client = world.client("sales_engineer")
    response = client.patch(f"{API}/quotes/{quote.pk}/", {"terms": "Net 14."}, format="json")
    assert response.status_code == 200
    assert response.json()["terms"] == "Net 14."
    client.post(f"{API}/quotes/{quote.pk}/issue/", {}, format="json")
    response = client.patch(f"{API}/quotes/{quote.pk}/", {"terms": "x"}, format="json")
    assert_envelope(response, 409, "quote_frozen")


def test_revise_supersedes_through_the_api(world: World) -> None:
    """Revise answers the new revision; the old one reads as superseded."""
    quote = make_quote(world)
    client = world.client("admin")
    response = client.post(f"{API}/quotes/{quote.pk}/revise/", {"discount_pct": "20"})
    assert response.status_code == 201, response.content
    new = response.json()
    assert (new["number"], new["revision"], new["status"]) == (quote.number, 2, "issued")
    assert client.get(f"{API}/quotes/{quote.pk}/").json()["status"] == "superseded"
    numbers = client.get(f"{API}/quotes/", {"number": quote.number}).json()["results"]
    assert [q["revision"] for q in numbers] == [2, 1]


def test_customer_accepts_and_cannot_accept_twice(world: World) -> None:
    """The customer accepts an issued quote; a second answer is a conflict."""
    quote = make_quote(world)
    client = world.client("customer")
    assert client.post(f"{API}/quotes/{quote.pk}/accept/").json()["status"] == "accepted"
    assert_envelope(client.post(f"{API}/quotes/{quote.pk}/reject/"), 409, "quote_not_issued")


# --------------------------------------------------------------------------- PDF: 202 pattern


def test_pdf_202_then_status_then_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """202 with a status URL while rendering, the status reads ready, then the file."""
    quote = make_quote(world)
    client = world.client("customer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(f"{API}/quotes/{quote.pk}/pdf/")
    assert first.status_code == 202
    body = first.json()
    assert body["status"] == "rendering"
    assert body["stage"] == "pending"
    assert body["status_url"].endswith(f"/quotes/{quote.pk}/pdf/status/")
    assert len(callbacks) == 1  # the render is queued at commit, once
    # Polling while queued queues nothing more.
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert client.get(f"{API}/quotes/{quote.pk}/pdf/").status_code == 202
    assert again == []
    callbacks[0]()  # the worker's turn (eager)
    status = client.get(body["status_url"]).json()
    assert status["status"] == "ready"
    assert status["size_bytes"] > 0
    response = client.get(f"{API}/quotes/{quote.pk}/pdf/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{status["sha256"]}"'
    assert f"{quote.number}-rev1.pdf" in response["Content-Disposition"]


def test_pdf_failed_then_retried_by_post(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed render answers 409 render_failed with the error; POST renders it again."""
    quote = make_quote(world)
    client = world.client("sales_engineer")
    original = pdf.html_to_pdf

    def broken(html: str, base_url: str | None = None) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"{API}/quotes/{quote.pk}/pdf/").status_code == 202
    failed = assert_envelope(client.get(f"{API}/quotes/{quote.pk}/pdf/"), 409, "render_failed")
    assert failed["details"]["status"] == "failed"
    assert "OSError: disk full" in failed["details"]["error"]
    monkeypatch.setattr(pdf, "html_to_pdf", original)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{API}/quotes/{quote.pk}/pdf/").status_code == 202
    assert client.get(f"{API}/quotes/{quote.pk}/pdf/").status_code == 200
    assert RenderedDocument.objects.filter(quote=quote).count() == 1


def test_draft_has_no_pdf(world: World) -> None:
    """A draft's PDF answers 409 quote_not_issued."""
    quote = make_quote(world, issue=False)
    response = world.client("sales_engineer").get(f"{API}/quotes/{quote.pk}/pdf/")
    assert_envelope(response, 409, "quote_not_issued")


@pytest.mark.parametrize("role", ROLES)
def test_spec_sheet_permission_matrix(
    world: World, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    """Whoever sees the build gets its spec sheet (202, then the PDF); others 404."""
    client = world.client(role)
    url = f"{API}/builds/{world.build.pk}/spec-sheet/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    managers = {"customer", "sales_engineer", "admin", "integrator"}
    if role not in managers:
        assert_envelope(first, 401 if role == "anonymous" else 404)
        return
    assert first.status_code == 202
    assert f"revision={world.build.revision}" in first.json()["status_url"]
    second = client.get(url)
    assert second.status_code == 200
    assert second.content.startswith(b"%PDF")


def test_spec_sheet_of_an_old_revision_without_document_is_404(world: World) -> None:
    """Only the current revision can still be snapshotted."""
    url = f"{API}/builds/{world.build.pk}/spec-sheet/?revision={world.build.revision + 5}"
    assert_envelope(world.client("customer").get(url), 404, "not_found")


def test_quote_list_query_count_is_constant(
    world: World, django_assert_max_num_queries: Any
) -> None:
    """Listing quotes costs a bounded number of queries however many there are."""
    for _ in range(5):
        make_quote(world)
    client = world.client("sales_engineer")
    client.get(f"{API}/quotes/")  # warm the session/auth caches
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/quotes/")
    assert len(response.json()["results"]) == 5
