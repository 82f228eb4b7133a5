"""The whole sale in a real browser: a sales engineer quotes a build, issues it, downloads the
PDF and revises it; a customer requests a quote, gets it and accepts it; axe-core finds no
accessibility violation on the quote pages. Screenshots of the quote page and of the PDF's
first page are written to artifacts/screenshots/."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from catalog.choices import ComponentKind
from configurator.builds.services import lines as line_services
from configurator.quotes.models import Quote, QuoteRequest
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, ConsoleLog, sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    BuildFactory,
    ComponentFactory,
    CustomerOrganisationFactory,
    ManufacturerFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = ARTIFACTS / "screenshots"
# Rendering a PDF on this (eager) worker takes a few seconds; a busy CI machine more.
PDF_TIMEOUT_MS = 90_000


@pytest.fixture
def world() -> dict[str, Any]:
    """Demo Integrations serves Northwind, whose store rack (rack, UPS, server) is valid."""
    seller = OrganisationFactory(name="Demo Integrations Ltd", slug="demo")
    seller.address = "4 Quay Street\nBristol BS1 4DB"
    seller.vat_number = "GB123456789"
    seller.save()
    northwind = CustomerOrganisationFactory(
        name="Northwind Retail", slug="northwind", served_by=seller
    )
    sam = UserFactory(username="sam", first_name="Sam", last_name="Seller")
    MembershipFactory(user=sam, organisation=seller, role="sales_engineer")
    carol = UserFactory(
        username="carol", first_name="Carol", last_name="Buyer", email="carol@northwind.example"
    )
    MembershipFactory(user=carol, organisation=northwind, role="customer")
    fjord = ManufacturerFactory(name="Fjordrack", slug="fjordrack")
    north = ManufacturerFactory(name="Northbeam Power", slug="northbeam")
    helix = ManufacturerFactory(name="Helix Compute", slug="helix")
    rack = ComponentFactory(
        manufacturer=fjord,
        kind=ComponentKind.RACK,
        sku="FR-S42-6010",
        model_name="Skarv 42U 600x1000",
        list_price=Decimal("1890.00"),
    )
    ups = ComponentFactory(
        manufacturer=north,
        kind=ComponentKind.UPS,
        sku="NB-OX3000-R2",
        model_name="Meridian OX 3000",
        list_price=Decimal("2650.00"),
    )
    server = ComponentFactory(
        manufacturer=helix,
        sku="HX-R250-2U",
        model_name="R250",
        list_price=Decimal("12400.00"),
    )
    build = BuildFactory(
        site=SiteFactory(organisation=northwind, name="Store 12, Leeds"), name="Store 12 rack"
    )
    frame = line_services.build_line_add(build=build, component=rack)
    power = line_services.build_line_add(build=build, component=ups, rack=frame, position_u=1)
    line_services.build_line_add(
        build=build, component=server, quantity=2, rack=frame, position_u=3, feed_a=power
    )
    return {"build": build, "server": server, "seller": seller, "northwind": northwind}


def check_axe(page: Any, name: str, context: str | None = None) -> None:
    """axe-core (axe-playwright-python) reports no violation on the page (or its `context`)."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install")
    results = axe.Axe().run(page, context=context)
    violations = results.response["violations"]
    assert violations == [], f"{name}: " + results.generate_report()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def save_first_page_png(content: bytes, path: Any) -> None:
    """Page 1 of a PDF as a PNG (pypdfium2 renders it; Pillow writes it)."""
    pdfium = pytest.importorskip("pypdfium2", reason="pip install pypdfium2")
    document = pdfium.PdfDocument(content)
    try:
        document[0].render(scale=1.5).to_pil().save(path)
    finally:
        document.close()


def download_pdf(page: Any, link_name: str) -> bytes:
    """Wait for the PDF panel to offer the file (htmx polls it), then download it."""
    link = page.get_by_role("link", name=link_name)
    link.wait_for(timeout=PDF_TIMEOUT_MS)
    with page.expect_download() as info:
        link.click()
    return info.value.path().read_bytes()


def second_tab(browser: Any, live_server: Any) -> Any:
    """Another person's browser: a fresh context without cookies."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_sales_engineer_quotes_issues_downloads_and_revises(
    page: Any, world: dict[str, Any], console: ConsoleLog
) -> None:
    """From the build to a revised quote, all in the browser; the PDF says what the page says."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    build = world["build"]
    sign_in(page, "sam", DEFAULT_PASSWORD)
    page.goto(f"/builds/{build.pk}/")
    page.get_by_role("heading", name="Store 12 rack").wait_for()

    # The editor's quote block (loaded after the page) leads to the quote form.
    page.locator("#sales-panel").get_by_role("link", name="New quote").wait_for()
    check_axe(page, "the editor's quote and spec sheet panel", "#sales-panel")
    page.locator("#sales-panel").get_by_role("link", name="New quote").click()
    page.get_by_role("heading", name="New quote").wait_for()
    check_axe(page, "new quote form")
    page.get_by_label("Contact name").fill("Dana Smith")
    page.get_by_label("Contact e-mail").fill("dana@northwind.example")
    page.get_by_label("Overall discount (%)").fill("5")
    page.get_by_label("Tax rate (%)").fill("20")
    page.get_by_label("Discount on Helix Compute HX-R250-2U (%)").fill("10")
    valid_until = timezone.localdate() + datetime.timedelta(days=45)
    page.get_by_label("Valid until").fill(valid_until.isoformat())
    page.get_by_label("Terms").fill("Payment 30 days net. Installation by Demo Integrations.")
    page.get_by_role("button", name="Save draft").click()

    # The draft previews what issuing freezes: 1,890 + 2,650 + 2 x 12,400 = 29,340.00;
    # server -2,480 -> 26,860; -5 % = 1,343 -> 25,517; +20 % = 5,103.40 -> 30,620.40.
    page.get_by_role("heading", name="Line items if issued now").wait_for()
    body = page.locator("main").inner_text()
    for figure in ("29,340.00", "25,517.00", "30,620.40"):
        assert figure in body, figure
    page.get_by_role("button", name="Issue quote").click()

    # Issued: a number, the PDF prepared by the worker (the panel polls), then downloaded.
    page.get_by_text("Issued as Q-").wait_for()
    quote = Quote.objects.get()
    assert quote.status == Quote.Status.ISSUED
    content = download_pdf(page, "Download PDF")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (
        quote.number,
        "Northwind Retail",
        "Demo Integrations Ltd",
        "GB123456789",
        "Dana Smith",
        "FR-S42-6010",
        "NB-OX3000-R2",
        "HX-R250-2U",
        "29,340.00",
        "30,620.40",
        f"Valid until {valid_until:%Y-%m-%d}",
        "Installation by Demo Integrations.",
    ):
        assert expected in text, expected
    page_text = page.locator("main").inner_text()
    assert "30,620.40 EUR" in page_text
    check_axe(page, "issued quote")
    page.screenshot(path=str(SCREENSHOTS / "quote-page.png"), full_page=True)
    save_first_page_png(content, SCREENSHOTS / "quote-pdf-page1.png")
    assert (SCREENSHOTS / "quote-pdf-page1.png").stat().st_size > 20_000

    # Revise: a better price as revision 2; the first one is superseded.
    page.get_by_role("link", name="Revise: issue a new revision").click()
    page.get_by_role("heading", name=f"Revise {quote.number} rev 1").wait_for()
    page.get_by_label("Overall discount (%)").fill("6")
    page.get_by_role("button", name="Issue revision 2").click()
    page.get_by_role("heading", name=f"Quote {quote.number} rev 2").wait_for()
    revised = Quote.objects.get(revision=2)
    assert revised.discount_pct == Decimal("6.00")
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUPERSEDED
    revised_text = pdf_text(download_pdf(page, "Download PDF"))
    assert f"{quote.number}" in revised_text
    assert "Quote discount 6 %" in revised_text
    assert page.get_by_role("link", name=f"{quote.number} rev 1").is_visible()
    page.get_by_role("link", name="Quotes", exact=True).first.click()
    page.get_by_role("link", name="New quote").wait_for()
    check_axe(page, "quote list")
    assert console.csp_violations == []


def test_customer_requests_then_accepts_the_quote(
    page: Any,
    browser: Any,
    live_server: Any,
    world: dict[str, Any],
    console: ConsoleLog,
) -> None:
    """The customer asks from the build, the seller answers from the dashboard, the customer
    downloads the spec sheet and accepts the issued quote; who and when are recorded."""
    build = world["build"]
    sign_in(page, "carol", DEFAULT_PASSWORD)
    page.goto(f"/builds/{build.pk}/")
    panel = page.locator("#sales-panel")
    panel.get_by_role("button", name="Request a quote").wait_for()
    check_axe(page, "the customer's quote panel", "#sales-panel")
    panel.get_by_label("Message to the seller (optional)").fill("We open in June.")
    panel.get_by_role("button", name="Request a quote").click()
    page.get_by_text("Quote requested. Demo Integrations Ltd sees your request").wait_for()
    assert QuoteRequest.objects.get().status == QuoteRequest.Status.OPEN

    # The spec sheet from the same panel: prepare, progress, download.
    page.locator("#sales-panel").get_by_role("button", name="Prepare spec sheet").click()
    sheet = pdf_text(download_pdf(page, "Download spec sheet"))
    assert "Store 12 rack" in sheet
    assert "front and rear" in sheet

    # The seller sees the request on the dashboard and quotes it; the contact is the requester.
    seller = second_tab(browser, live_server)
    sign_in(seller, "sam", DEFAULT_PASSWORD)
    requests = seller.locator(
        "section", has=seller.get_by_role("heading", name="Quote requests to answer")
    )
    assert "We open in June." in requests.inner_text()
    requests.get_by_role("link", name="Quote it").click()
    assert seller.get_by_label("Contact name").input_value() == "Carol Buyer"
    assert seller.get_by_label("Contact e-mail").input_value() == "carol@northwind.example"
    seller.get_by_role("button", name="Save draft").click()
    seller.get_by_role("button", name="Issue quote").click()
    seller.get_by_text("Issued as Q-").wait_for()
    quote = Quote.objects.get()
    request = QuoteRequest.objects.get()
    assert (request.status, request.quote_id) == (QuoteRequest.Status.QUOTED, quote.pk)
    seller.context.close()

    # The customer finds the quote, reads it, and accepts it with a note.
    page.get_by_role("link", name="Quotes", exact=True).click()
    page.get_by_role("link", name=quote.label).click()
    page.get_by_role("heading", name=f"Quote {quote.number} rev 1").wait_for()
    assert "Cost (seller only)" not in page.content()
    check_axe(page, "customer's quote page")
    page.get_by_label("Note to the seller (optional)").fill("Please deliver before 1 June.")
    page.get_by_role("button", name="Accept quote").click()
    answer = page.locator("#quote-answer")
    answer.wait_for()
    assert "Accepted by Carol Buyer" in answer.inner_text()
    assert "Please deliver before 1 June." in answer.inner_text()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.answered_by is not None
    assert quote.answered_by.get_username() == "carol"
    assert quote.answered_at is not None
    check_axe(page, "accepted quote")
    assert console.csp_violations == []
