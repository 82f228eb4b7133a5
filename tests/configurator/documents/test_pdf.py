"""Quote and spec sheet PDFs: their text, page numbers, and the render tasks' guarantees.

Text is read back from the PDF with pypdf, so the tests check what a reader sees, not the
HTML that went in.
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from configurator.builds.services import lines as line_services
from configurator.builds.services import sites as site_services
from configurator.documents import pdf, print_elevations
from configurator.documents import services as document_services
from configurator.documents.models import RenderedDocument
from configurator.documents.tasks import render_quote_pdf, render_spec_sheet_pdf
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import World, add_line, make_world, member
from tests.factories import liquid_components

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page of a PDF, whitespace collapsed."""
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def keep(name: str, content: bytes) -> None:
    """Save a PDF for a look by eye when KEEP_PDFS names a folder."""
    folder = os.environ.get("KEEP_PDFS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build (rack, UPS, server) served by acme."""
    return make_world()


@pytest.fixture
def seller(world: World) -> Any:
    """A sales engineer of acme."""
    return member("sales_engineer", world.acme)


def issue(world: World, user: Any, override_reason: str = "", **fields: Any) -> Quote:
    quote = quote_services.quote_create(build=world.build, user=user, **{**CONTACT, **fields})
    return quote_services.quote_issue(quote=quote, user=user, override_reason=override_reason)


def stored_pdf(quote: Quote) -> bytes:
    return bytes(RenderedDocument.objects.get(quote=quote).content)


# --------------------------------------------------------------------------- quote PDF


def test_quote_pdf_shows_lines_totals_and_page_numbers(world: World, seller: Any) -> None:
    """Every SKU, the hand-computed totals, validity, signature block and "Page n / N"."""
    server = world.components["server"]
    add_line(world.build, world.components["pdu"], rack=world.rack, quantity=2)
    quote = issue(
        world,
        seller,
        line_discounts={str(server.pk): "10"},
        discount_pct="5",
        tax_rate_pct="20",
    )
    content = pdf.html_to_pdf(pdf.render_quote_html(quote))
    keep("quote.pdf", content)
    pages = pdf_pages(content)
    text = " ".join(pages)
    # 890 + 1650 + 4200 + 2 x 240 = 7220; server -420 -> 6800; -5 % = 340 -> 6460;
    # tax 20 % = 1292.00; total 7752.00
    for figure in ("7,220.00", "420.00", "340.00", "6,460.00", "1,292.00", "7,752.00"):
        assert figure in text, figure
    for sku in ("ER-42", "OL3000RT", "R20", "PDU-16"):
        assert sku in text, sku
    assert quote.number in text
    assert "Revision 1" in text or "revision 1" in text
    assert f"Valid until {quote.valid_until:%Y-%m-%d}" in text
    assert "Dana Smith" in text
    assert "dana@contoso.example" in text
    assert "Contoso Shops" in text
    assert "Acme Integrations" in text
    assert "signature" in text
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in page
    assert "Issued with engineering exceptions" not in text
    assert quote.total == Decimal("7752.00")


def test_quote_pdf_prints_override_reason_and_error_findings(world: World, seller: Any) -> None:
    """An overridden quote says so prominently, with each error finding's code."""
    add_line(world.build, world.components["server"], quantity=40, feed_a=world.ups)
    quote = issue(world, seller, override_reason="Customer installs a second UPS on site.")
    text = " ".join(pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote))))
    assert "Issued with engineering exceptions: Customer installs a second UPS on site." in text
    errors = [f for f in quote.report_json["findings"] if f["severity"] == "error"]
    assert errors
    for finding in errors:
        assert finding["code"] in text


def test_quote_pdf_is_the_same_after_price_and_build_changes(world: World, seller: Any) -> None:
    """Re-rendering an issued quote after the catalogue and the build changed prints the same."""
    quote = issue(world, seller, tax_rate_pct="19")
    before = pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote)))
    server = world.components["server"]
    server.list_price = Decimal("9999.00")
    server.save()
    add_line(world.build, world.components["pdu"], rack=world.rack)
    quote.refresh_from_db()
    after = pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote)))
    assert after == before
    assert "9,999.00" not in " ".join(after)


def test_long_quote_spreads_over_pages_with_running_numbers(world: World, seller: Any) -> None:
    """A quote of many lines breaks across pages; each page carries its number of the total."""
    from tests.factories import ComponentFactory

    for n in range(60):
        add_line(world.build, ComponentFactory(sku=f"ACC-{n:03d}", kind="accessory"))
    quote = issue(world, seller)
    pages = pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote)))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in page
    text = " ".join(pages)
    assert all(f"ACC-{n:03d}" in text for n in range(60))


# --------------------------------------------------------------------------- spec sheet


def test_spec_sheet_pdf_has_every_section(world: World) -> None:
    """Site, elevations, power chain with loads, thermal, redundancy, findings, sustainability."""
    source = pdf.spec_sheet_source(world.build)
    content = pdf.html_to_pdf(pdf.render_spec_sheet_html(source))
    keep("spec_sheet.pdf", content)
    pages = pdf_pages(content)
    text = " ".join(pages)
    for heading in (
        "Site",
        "Rack elevations",
        "Power chain",
        "Thermal",
        "Redundancy",
        "Findings",
        "Sustainability",
        "PUE estimate",
        "kWh/yr",
        "kg CO",
    ):
        assert heading in text, heading
    assert "OL3000 RT" in text  # the UPS in the power chain
    assert "Site supply" in text
    assert world.build.name in text
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in page
    for finding in source["report"]["findings"]:
        assert finding["code"] in text


def test_spec_sheet_draws_the_liquid_loops_with_the_elevation(world: World) -> None:
    """A build with a dry cooler, a CDU and two cold-plate nodes gets the loop diagram before
    the page-high rack drawings and a "Liquid cooling" section with the engine's figures
    (reference 8):
    2 x 0.8 x 9,100 W = 14,560 W into liquid; the CDU's 50 kW at 80 % is 40,000 W; 2 x 13 =
    26 L/min, 14.56 x 60 / (1.02 x 3.90 x 10) = 22.0 L/min needed at 10 K."""
    parts = liquid_components()
    fw = add_line(world.build, parts["fw"])
    cdu = add_line(
        world.build, parts["cdu"], rack=world.rack, position_u=Decimal(10), coolant_from=fw
    )
    for u in (20, 24):
        add_line(
            world.build, parts["node"], rack=world.rack, position_u=Decimal(u), coolant_from=cdu
        )
    html = pdf.render_spec_sheet_html(world.build)
    assert "<h2>Liquid loops</h2>" in html
    assert '<div class="loop-drawing"><svg' in html
    assert html.index('class="loop-diagram"') < html.index('class="elevation"')
    assert "<h2>Liquid cooling</h2>" in html
    assert "14,560 W / " in html
    assert f"CDU Tidewell Liquid Systems Riptide 50R ({cdu.ref})" in html
    assert "14,560 W of 40,000 W (80 % of 50,000 W)" in html
    assert "26.0 L/min to the nodes, 22.0 L/min needed at 10 K" in html
    text = " ".join(pdf_pages(pdf.html_to_pdf(html)))
    assert "Liquid loops" in text
    assert "Liquid cooling" in text
    assert "14,560 W of 40,000 W" in text


def test_spec_sheet_of_an_air_cooled_build_has_no_liquid_section(world: World) -> None:
    """No loops, no diagram and no "Liquid cooling" heading."""
    html = pdf.render_spec_sheet_html(world.build)
    assert "loop-diagram" not in html
    assert "Liquid cooling" not in html


def test_spec_sheet_draws_elevations_when_the_module_exists(world: World) -> None:
    """With configurator.documents.elevation present the sheet embeds one SVG per rack."""
    html = pdf.render_spec_sheet_html(world.build)
    assert html.count("<svg") >= 1
    assert "Position</th>" not in html


def test_spec_sheet_falls_back_to_position_tables(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the elevation module the racks are listed as position tables."""
    monkeypatch.setattr(print_elevations, "ELEVATION_MODULE", "configurator.no_such_module")
    html = pdf.render_spec_sheet_html(world.build)
    assert "<svg" not in html
    assert "Position</th>" in html
    assert "U1" in html
    assert "U3" in html


# --------------------------------------------------------------------------- tasks


def test_render_task_twice_stores_one_file(
    world: World, seller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run finds the stored file and returns it without rendering again."""
    quote = issue(world, seller)
    calls = []
    original = pdf.html_to_pdf

    def counting(html: str, base_url: str | None = None) -> bytes:
        calls.append(1)
        return original(html, base_url)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    first = render_quote_pdf.delay(quote.pk).get()
    second = render_quote_pdf.delay(quote.pk).get()
    assert first == second == {"id": first["id"], "status": "ready"}
    assert RenderedDocument.objects.filter(quote=quote).count() == 1
    assert len(calls) == 1
    document = RenderedDocument.objects.get(quote=quote)
    assert document.size_bytes == len(bytes(document.content))
    assert len(document.sha256) == 64
    assert document.filename == f"{quote.number}-rev1.pdf"


def test_render_failing_once_is_retried_and_stores_one_file(
    world: World, seller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render that fails once succeeds on the (eager) retry: one file, two attempts."""
    quote = issue(world, seller)
    original = pdf.html_to_pdf
    failures = [OSError("font cache busy")]

    def flaky(html: str, base_url: str | None = None) -> bytes:
        if failures:
            raise failures.pop()
        return original(html, base_url)

    monkeypatch.setattr(pdf, "html_to_pdf", flaky)
    result = render_quote_pdf.delay(quote.pk).get()
    assert result["status"] == "ready"
    document = RenderedDocument.objects.get(quote=quote)
    assert (document.status, document.attempts, document.error) == ("ready", 2, "")
    assert RenderedDocument.objects.count() == 1


def test_render_failing_every_time_ends_failed_with_the_error(
    world: World, seller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the last retry the document is failed with the error, and nothing raises."""
    quote = issue(world, seller)

    def broken(html: str, base_url: str | None = None) -> bytes:
        raise ValueError("no fonts at all")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    result = render_quote_pdf.delay(quote.pk).get()
    document = RenderedDocument.objects.get(quote=quote)
    assert result["status"] == document.status == "failed"
    assert document.attempts == render_quote_pdf.max_retries + 1
    assert "ValueError: no fonts at all" in document.error
    assert document.content is None


def test_spec_sheet_task_renders_the_frozen_revision(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A spec sheet shows the revision requested even if the build changes before rendering."""
    revision = world.build.revision
    document = document_services.spec_sheet_request(build=world.build)
    add_line(world.build, world.components["pdu"], rack=world.rack, note="added later")
    render_spec_sheet_pdf.delay(document.pk).get()
    document.refresh_from_db()
    assert document.status == "ready"
    text = " ".join(pdf_pages(bytes(document.content)))
    assert "Basic PDU 16A" not in text
    assert f"rev {revision}" in text


def test_spec_sheet_of_the_current_revision_follows_site_edits(world: World) -> None:
    """The site is not part of the build's revision: a site edit that changes the sheet makes
    a new sheet of the same revision; asking again with nothing changed gives the same one."""
    first = document_services.spec_sheet_request(build=world.build)
    again = document_services.spec_sheet_request(build=world.build)
    assert again.pk == first.pk
    site_services.site_update(site=world.site, ambient_max_c=31)
    world.build.refresh_from_db()
    after = document_services.spec_sheet_request(build=world.build)
    assert after.pk != first.pk
    assert after.build_revision == first.build_revision == world.build.revision
    assert after.source_json["spec"]["site"]["ambient_max_c"] == 31
    assert after.source_sha256 == document_services.spec_sheet_fingerprint(after.source_json)
    # The date a sheet was made is not part of what it says.
    assert (
        document_services.spec_sheet_fingerprint(
            {**after.source_json, "generated_at": "2000-01-01T00:00:00+00:00"}
        )
        == after.source_sha256
    )


def test_spec_sheet_of_an_older_revision_is_its_latest_sheet(world: World) -> None:
    revision = world.build.revision
    document_services.spec_sheet_request(build=world.build)
    site_services.site_update(site=world.site, ambient_max_c=31)
    world.build.refresh_from_db()
    latest = document_services.spec_sheet_request(build=world.build)
    line_services.build_line_add(
        build=world.build, component=world.components["pdu"], rack=world.rack
    )
    world.build.refresh_from_db()
    assert world.build.revision > revision
    assert (
        document_services.spec_sheet_request(build=world.build, revision=revision).pk == latest.pk
    )
