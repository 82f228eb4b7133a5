"""The sales flow in the web UI: new quote, draft preview, issue, revise, the customer's
request and answer, and the spec sheet panel; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from configurator.documents.models import RenderedDocument
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote, QuoteRequest
from tests.api import World, add_line, make_world, member
from tests.configurator.documents.test_pdf import pdf_pages

pytestmark = pytest.mark.django_db

FORM = {
    "customer_organisation": "",
    "customer_name": "Dana Smith",
    "customer_email": "dana@contoso.example",
    "valid_until": "",
    "discount_pct": "5",
    "tax_rate_pct": "20",
    "terms": "Payment 30 days net.",
}


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build (rack 890, UPS 1,650, server 4,200 EUR) served by acme."""
    return make_world()


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seller(world: World) -> Client:
    return login(member("sales_engineer", world.acme))


@pytest.fixture
def customer(world: World) -> Client:
    return login(member("customer", world.contoso))


def create(world: World, client: Client, **changes: str) -> Any:
    server = world.components["server"]
    data = {**FORM, f"line_{server.pk}": "10", **changes}
    return client.post(f"/quotes/new/?build={world.build.pk}", data)


# --------------------------------------------------------------------------- seller


def test_new_quote_from_the_build_with_line_and_overall_discounts(
    world: World, seller: Client
) -> None:
    """The form has a discount field per line; the draft page previews the totals."""
    form = seller.get(f"/quotes/new/?build={world.build.pk}").content.decode()
    assert f'name="line_{world.components["server"].pk}"' in form
    assert "Discount on Helix R20 (%)" in form
    response = create(world, seller)
    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/quotes/{quote.pk}/"
    assert quote.line_discounts == {str(world.components["server"].pk): "10.00"}
    assert (quote.discount_pct, quote.tax_rate_pct, quote.terms) == (5, 20, "Payment 30 days net.")
    page = seller.get(f"/quotes/{quote.pk}/").content.decode()
    # 890 + 1,650 + 4,200 = 6,740; server -420 -> 6,320; -5 % = 316 -> 6,004; +20 % = 7,204.80
    assert "Line items if issued now" in page
    for figure in ("6,740.00", "\u2212420.00", "\u2212316.00", "6,004.00", "7,204.80"):
        assert figure in page, figure
    assert "Issue quote" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"discount_pct": "150"}, "discount_pct", "less than or equal to 100"),
        ({"customer_email": "not-an-address"}, "customer_email", "valid email"),
        ({"valid_until": "2001-01-01"}, "valid_until", "past date"),
        ({"discount_pct": "20"}, "discount_pct", "15 % discount limit"),
    ],
)
def test_bad_input_stays_on_the_form_naming_the_field(
    world: World, seller: Client, changes: dict[str, str], field: str, words: str
) -> None:
    """Refused values come back on their field, with the form's input, and nothing is saved."""
    response = create(world, seller, **changes)
    assert response.status_code == 200
    assert not Quote.objects.exists()
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])


def test_line_discount_over_the_limit_lands_on_its_line(world: World, seller: Client) -> None:
    """A sales engineer's 20 % on the server is refused on the server's discount field."""
    server = world.components["server"]
    response = create(world, seller, **{f"line_{server.pk}": "20"})
    assert response.status_code == 200
    assert "15 % discount limit" in " ".join(response.context["form"].errors[f"line_{server.pk}"])
    assert not Quote.objects.exists()


def test_customers_cannot_open_the_quote_form(world: World, customer: Client) -> None:
    """Customers request quotes; the seller's form does not exist for them."""
    assert customer.get(f"/quotes/new/?build={world.build.pk}").status_code == 404
    assert create(world, customer).status_code == 404
    assert not Quote.objects.exists()


def test_issue_then_the_pdf_is_ready_and_reads_like_the_page(
    world: World, seller: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Issuing takes a number and prepares the PDF; the page and the PDF print the same
    figures with thousands separators."""
    create(world, seller)
    quote = Quote.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(f"/quotes/{quote.pk}/issue/", {"override_reason": ""})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ISSUED
    page = seller.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Download PDF" in page
    assert "Revise: issue a new revision" in page
    download = seller.get(f"/quotes/{quote.pk}/pdf/download/")
    text = " ".join(pdf_pages(download.content))
    for figure in ("6,740.00", "6,004.00", "7,204.80"):
        assert figure in page
        assert figure in text


def test_issue_blocked_by_errors_asks_for_the_reason(world: World, seller: Client) -> None:
    """With error findings the page answers 422 with the reason field; with it, it issues."""
    add_line(world.build, world.components["server"], quantity=40, feed_a=world.ups)
    create(world, seller)
    quote = Quote.objects.get()
    page = seller.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Reason to issue despite the errors" in page
    blocked = seller.post(f"/quotes/{quote.pk}/issue/", {"override_reason": ""})
    assert blocked.status_code == 422
    assert "blocking finding" in blocked.content.decode()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DRAFT
    seller.post(f"/quotes/{quote.pk}/issue/", {"override_reason": "Second UPS on site."})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ISSUED
    assert quote.override_reason == "Second UPS on site."


def test_edit_draft_then_revise_an_issued_quote(world: World, seller: Client) -> None:
    """A draft is edited in place; an issued quote is revised into revision 2."""
    create(world, seller)
    quote = Quote.objects.get()
    edited = seller.post(f"/quotes/{quote.pk}/edit/", {**FORM, "discount_pct": "3"})
    assert edited.status_code == 302
    quote.refresh_from_db()
    assert quote.discount_pct == 3
    assert quote.line_discounts == {}  # the edit left the line field empty
    seller.post(f"/quotes/{quote.pk}/issue/", {})
    form = seller.get(f"/quotes/{quote.pk}/revise/").content.decode()
    assert "Issue revision 2" in form
    revised = seller.post(f"/quotes/{quote.pk}/revise/", {**FORM, "discount_pct": "8"})
    assert revised.status_code == 302
    new = Quote.objects.get(revision=2)
    assert revised["Location"] == f"/quotes/{new.pk}/"
    assert (new.status, new.discount_pct) == (Quote.Status.ISSUED, 8)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUPERSEDED


def test_sellers_own_build_names_the_customer_in_the_form(world: World, seller: Client) -> None:
    """A build on the seller's site offers the seller's customers and issues to the chosen one."""
    from tests.factories import BuildFactory, SiteFactory

    build = BuildFactory(site=SiteFactory(organisation=world.acme, name="Acme demo room"))
    rack = add_line(build, world.components["rack"])
    add_line(build, world.components["ups"], rack=rack, position_u=1)
    form = seller.get(f"/quotes/new/?build={build.pk}").content.decode()
    assert "Choose the customer" in form
    assert '<option value="contoso">Contoso Shops</option>' in form
    seller.post(f"/quotes/new/?build={build.pk}", {**FORM, "customer_organisation": "contoso"})
    quote = Quote.objects.get()
    assert quote.customer_organisation == world.contoso
    seller.post(f"/quotes/{quote.pk}/issue/", {})
    quote.refresh_from_db()
    assert quote.parties_json["customer_organisation"] == "Contoso Shops"


# --------------------------------------------------------------------------- customer


def test_customer_requests_a_quote_and_the_seller_sees_it(
    world: World, seller: Client, customer: Client
) -> None:
    """Request from the build's panel; the seller's dashboard lists it with "Quote it"."""
    panel = customer.get(f"/builds/{world.build.pk}/sales/").content.decode()
    assert "Request a quote" in panel
    assert "New quote" not in panel
    response = customer.post(f"/quotes/request/{world.build.pk}/", {"message": "By May."})
    assert response.status_code == 302
    assert QuoteRequest.objects.get().message == "By May."
    assert "Quote requested" in customer.get(f"/builds/{world.build.pk}/sales/").content.decode()
    dashboard = seller.get("/").content.decode()
    assert "Quote requests to answer" in dashboard
    assert f"/quotes/new/?build={world.build.pk}" in dashboard
    assert "By May." in dashboard
    seller_panel = seller.get(f"/builds/{world.build.pk}/sales/").content.decode()
    assert "New quote" in seller_panel


def test_other_organisations_cannot_request_or_see_the_panel(world: World) -> None:
    """Initech's customer: the build does not exist for them."""
    other = login(member("customer", world.initech))
    assert other.get(f"/builds/{world.build.pk}/sales/").status_code == 404
    assert other.post(f"/quotes/request/{world.build.pk}/", {}).status_code == 404
    assert not QuoteRequest.objects.exists()


@pytest.mark.parametrize(("path", "status"), [("accept", "accepted"), ("decline", "rejected")])
def test_customer_accepts_or_declines_with_a_note(
    world: World, customer: Client, path: str, status: str
) -> None:
    """The answer is recorded with who and when, and shown on the quote's page."""
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=user, customer_name="D", customer_email="d@c.example"
    )
    quote = quote_services.quote_issue(quote=draft, user=user)
    page = customer.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Accept quote" in page
    assert "Decline quote" in page
    customer.post(f"/quotes/{quote.pk}/{path}/", {"note": "Thanks."})
    quote.refresh_from_db()
    assert quote.status == status
    assert quote.answered_by is not None
    assert quote.answered_at is not None
    page = customer.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Thanks." in page
    assert "Accept quote" not in page


# --------------------------------------------------------------------------- spec sheet


def test_spec_sheet_prepare_polls_then_downloads(
    world: World, customer: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Prepare queues the render; the panel polls until the PDF is there to download."""
    page = customer.get(f"/builds/{world.build.pk}/spec-sheet/").content.decode()
    assert "Prepare spec sheet" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        panel = customer.post(
            f"/builds/{world.build.pk}/spec-sheet/prepare/", HTTP_HX_REQUEST="true"
        ).content.decode()
    assert 'hx-trigger="every 1s"' in panel
    assert "Rendering the spec sheet" in panel
    callbacks[0]()
    panel = customer.get(f"/builds/{world.build.pk}/spec-sheet/panel/").content.decode()
    assert "every 1s" not in panel
    document = RenderedDocument.objects.get()
    assert f"/builds/{world.build.pk}/spec-sheet/{document.pk}/download/" in panel
    download = customer.get(f"/builds/{world.build.pk}/spec-sheet/{document.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert world.build.name in " ".join(pdf_pages(download.content))


def test_spec_sheet_of_another_organisation_is_404(world: World) -> None:
    other = login(member("customer", world.initech))
    assert other.get(f"/builds/{world.build.pk}/spec-sheet/").status_code == 404
    assert other.post(f"/builds/{world.build.pk}/spec-sheet/prepare/").status_code == 404


def test_build_list_links_each_spec_sheet(world: World, customer: Client) -> None:
    assert f"/builds/{world.build.pk}/spec-sheet/" in customer.get("/builds/").content.decode()


def test_quote_list_offers_new_quote_to_sellers_only(
    world: World, seller: Client, customer: Client
) -> None:
    assert "New quote" in seller.get("/quotes/").content.decode()
    assert "New quote" not in customer.get("/quotes/").content.decode()
    chooser = seller.get("/quotes/new/").content.decode()
    assert f'<option value="{world.build.pk}">' in chooser
