"""What a quote and a spec sheet look like on paper: letterhead, buyer, SKUs, page breaks,
thousands separators, rear elevations and print sizes of a 42U rack."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader
from weasyprint import CSS, HTML

from configurator.documents import pdf
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import World, add_line, make_world, member
from tests.configurator.documents.test_pdf import pdf_pages
from tests.factories import BuildFactory, ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}
PT_PER_MM = 72 / 25.4


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def seller(world: World) -> Any:
    return member("sales_engineer", world.acme)


def png_bytes(width: int = 120, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 98, 196)).save(buffer, format="PNG")
    return buffer.getvalue()


def issue(build: Any, user: Any, **fields: Any) -> Quote:
    draft = quote_services.quote_create(build=build, user=user, **{**CONTACT, **fields})
    return quote_services.quote_issue(quote=draft, user=user)


def test_letterhead_prints_logo_address_and_vat(
    world: World, seller: Any, settings: Any, tmp_path: Any
) -> None:
    """The seller's logo (an image in the PDF), address lines and VAT number head page 1."""
    settings.MEDIA_ROOT = tmp_path
    acme = world.acme
    acme.address = "12 Rue de la Paix\n75002 Paris\nFrance"
    acme.vat_number = "FR12345678901"
    acme.logo = SimpleUploadedFile("acme.png", png_bytes(), content_type="image/png")
    acme.full_clean()
    acme.save()
    quote = issue(world.build, seller)
    content = pdf.html_to_pdf(pdf.render_quote_html(quote))
    first = pdf_pages(content)[0]
    assert "12 Rue de la Paix 75002 Paris France" in first
    assert "VAT FR12345678901" in first
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 1


def test_letterhead_survives_a_lost_logo_file(
    world: World, seller: Any, settings: Any, tmp_path: Any
) -> None:
    """A logo deleted from the storage leaves the name in its place, never a failed render."""
    settings.MEDIA_ROOT = tmp_path
    world.acme.logo = SimpleUploadedFile("acme.png", png_bytes(), content_type="image/png")
    world.acme.save()
    quote = issue(world.build, seller)
    (tmp_path / quote.parties_json["seller_logo"]).unlink()
    content = pdf.html_to_pdf(pdf.render_quote_html(quote))
    assert "Acme Integrations" in pdf_pages(content)[0]
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 0


def test_sellers_own_build_is_quoted_to_the_named_customer(world: World, seller: Any) -> None:
    """The buyer printed is the organisation the quote names, never the seller itself."""
    world.contoso.address = "1 Harbour Road, Leith"
    world.contoso.save()
    build = BuildFactory(site=SiteFactory(organisation=world.acme, name="Acme demo room"))
    rack = add_line(build, world.components["rack"])
    add_line(build, world.components["ups"], rack=rack, position_u=1)
    quote = issue(build, seller, customer_organisation="contoso")
    text = " ".join(pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote))))
    assert "for Contoso Shops" in text
    assert "1 Harbour Road, Leith" in text
    assert "Accepted for Contoso Shops" in text.replace("Accepted for", "Accepted for")
    assert "for Acme Integrations" not in text


def test_skus_never_break_at_their_hyphens(world: World, seller: Any) -> None:
    """A long SKU with hyphens reads back whole from the PDF: one token for an ERP."""
    sku = "NB-PDU-V32-36M-XL-2026-EU"
    add_line(world.build, ComponentFactory(sku=sku, kind="accessory", list_price="12345.60"))
    quote = issue(world.build, seller)
    text = " ".join(pdf_pages(pdf.html_to_pdf(pdf.render_quote_html(quote))))
    assert sku in text
    assert "12,345.60" in text


def test_terms_never_open_a_page_alone(world: World, seller: Any) -> None:
    """At the line count where the quote needs one more page, that page carries the last line
    items and the totals with the terms: the last rows travel with the closing block.

    Laid out on half-height pages (A4 wide, 150 mm high): the same columns and break rules,
    a third of the rows to reach the edge case, so each layout is quick.
    """
    for n in range(30):
        add_line(world.build, ComponentFactory(sku=f"ACC-{n:03d}", kind="accessory"))
    quote = issue(world.build, seller)
    full = copy.deepcopy(quote.bom_json)
    short_pages = CSS(string="@page { size: 210mm 150mm; }")

    def document(rows: int) -> Any:
        """The quote laid out with the first `rows` accessories only (no re-issue)."""
        bom = copy.deepcopy(full)
        accessories = next(c for c in bom["categories"] if c["kind"] == "accessory")
        accessories["rows"] = accessories["rows"][:rows]
        quote.bom_json = bom
        return HTML(string=pdf.render_quote_html(quote)).render(stylesheets=[short_pages])

    # The smallest count that needs more pages than none do (page counts only grow).
    low, high = 0, 30
    base = len(document(low).pages)
    assert len(document(high).pages) > base
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if len(document(middle).pages) == base else (low, middle)
    pages = pdf_pages(document(high).write_pdf())
    with_terms = [page for page in pages if "Terms" in page]
    assert len(with_terms) == 1
    assert with_terms[0] is pages[-1]
    assert "Subtotal (list prices)" in with_terms[0]
    assert re.search(r"ACC-\d{3}", with_terms[0]), "the terms page carries no line item"


# --------------------------------------------------------------------------- spec sheet


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def test_spec_sheet_draws_front_and_rear_of_each_rack(world: World) -> None:
    """Both faces of the rack are drawn, side by side."""
    drawings = svgs(pdf.render_spec_sheet_html(world.build))
    faces = sorted(re.search(r'data-face="(\w+)"', svg).group(1) for svg in drawings)
    assert faces == ["front", "rear"]


def test_42u_rack_labels_print_at_a_readable_size(world: World) -> None:
    """Item names print at 7 pt or more and U numbers at 6.5 pt or more (3-4 pt before)."""
    for svg in svgs(pdf.render_spec_sheet_html(world.build)):
        assert 'data-rack-u="42"' in svg
        width_mm = float(re.search(r'width="([0-9.]+)mm"', svg).group(1))
        view_width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg).group(1))
        pt_per_px = width_mm / view_width * PT_PER_MM
        height_mm = float(re.search(r'height="([0-9.]+)mm"', svg).group(1))
        assert height_mm < 240  # a 42U rack still fits the height of an A4 page
        u_label = re.search(r'class="u-label"[^>]*font-size="([0-9.]+)"', svg)
        assert float(u_label.group(1)) * pt_per_px >= 6.5
        for size in re.findall(
            r'<text x="[0-9.]+" y="[0-9.]+" fill="#[0-9a-f]+" font-size="(\d+)"', svg
        ):
            if int(size) >= 11:
                assert int(size) * pt_per_px >= 7


def test_spec_sheet_names_the_seller_once_for_its_own_build(world: World) -> None:
    """A seller's own build: the running header names it once, with no "for" line."""
    build = BuildFactory(site=SiteFactory(organisation=world.acme, name="Acme demo room"))
    add_line(build, world.components["rack"])
    pages = pdf_pages(pdf.html_to_pdf(pdf.render_spec_sheet_html(build)))
    for page in pages:
        assert page.count("Acme Integrations") == 1
    assert "For Contoso Shops" in pdf.render_spec_sheet_html(world.build)
