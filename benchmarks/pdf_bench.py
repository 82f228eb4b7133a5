"""How long quote and spec sheet PDFs take: WeasyPrint against template rendering alone.

Renders, in one run, a three-page quote (synthetic BOM of many lines) and the spec sheet of a
two-rack build (``benchmarks.rules_bench.synthetic_build``), each as HTML only
(``render_*_html``: Django templates) and as a PDF (HTML + ``html_to_pdf``). Prints the
median wall time of each and the ratio, which says where a render's time goes. Needs no
database: the quote is an unsaved model filled the way ``quote_issue`` freezes one.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

REPEATS = 7
QUOTE_PAGES = 3
SPEC_SHEET_RACKS = 2


def _setup_django() -> None:
    # Rendering reads templates and settings only; debug lends the dev secret key.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def _median_s(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall seconds of `repeats` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _quote(rows: int) -> Any:
    """An unsaved issued quote of `rows` BOM lines in four categories, totals frozen."""
    from configurator.builds.bom import Bom, BomCategory, BomRow, BomTotals, money
    from configurator.quotes.models import Quote
    from configurator.quotes.pricing import apply_line_discounts, quote_totals

    categories = []
    kinds = [("Server", "server"), ("Network switch", "switch"), ("PDU", "pdu"), ("UPS", "ups")]
    for k, (label, kind) in enumerate(kinds):
        bom_rows = []
        for n in range(rows // len(kinds)):
            unit = money(Decimal(250 + 37 * n))
            bom_rows.append(
                BomRow(
                    component_id=k * 1000 + n,
                    category=label,
                    kind=kind,
                    manufacturer=f"Vendor {n % 5}",
                    sku=f"{kind.upper()}-{n:04d}",
                    model_name=f"{label} model {n} with a longer description",
                    quantity=1 + n % 4,
                    unit_list_price=unit,
                    extended_list_price=money(unit * (1 + n % 4)),
                    extended_net_price=money(unit * (1 + n % 4)),
                    currency="EUR",
                    lead_time_days=7 + n % 30,
                )
            )
        subtotal = sum((r.extended_list_price for r in bom_rows), Decimal(0))
        categories.append(
            BomCategory(
                category=label,
                kind=kind,
                rows=tuple(bom_rows),
                subtotal=BomTotals(list_price=subtotal, net_price=subtotal),
            )
        )
    total = sum((c.subtotal.list_price for c in categories), Decimal(0))
    bom = Bom(
        currency="EUR",
        categories=tuple(categories),
        totals=BomTotals(list_price=total, net_price=total),
        line_count=sum(len(c.rows) for c in categories),
        longest_lead_time_days=36,
        longest_lead_item="Vendor 1 SERVER-0001",
    )
    priced = apply_line_discounts(bom, {"1": "10", "2": "5"})
    totals = quote_totals(priced, discount_pct="5", tax_rate_pct="20")
    from django.utils import timezone

    return Quote(
        number="Q-2026-0042",
        revision=2,
        status=Quote.Status.ISSUED,
        currency="EUR",
        valid_until=timezone.localdate(),
        issued_at=timezone.now(),
        customer_name="Dana Smith",
        customer_email="dana@contoso.example",
        discount_pct=Decimal("5"),
        tax_rate_pct=Decimal("20"),
        terms="Payment 30 days net. " * 8,
        bom_json=priced.model_dump(mode="json"),
        report_json={"findings": []},
        parties_json={
            "seller": "Acme Integrations",
            "customer_organisation": "Contoso Shops",
            "site": "Lyon back office",
            "site_country": "FR",
            "build": "Lyon rack",
        },
        build_revision=12,
        **totals.as_fields(),
    )


def _pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _three_page_quote() -> Any:
    """The smallest synthetic quote whose PDF has exactly QUOTE_PAGES pages."""
    from configurator.documents.pdf import html_to_pdf, render_quote_html

    for rows in range(40, 200, 4):
        quote = _quote(rows)
        if _pages(html_to_pdf(render_quote_html(quote))) == QUOTE_PAGES:
            return quote
    raise RuntimeError("no synthetic quote of three pages")


def _spec_sheet_source() -> dict[str, Any]:
    """The spec sheet source of a synthetic build of exactly SPEC_SHEET_RACKS racks."""
    from benchmarks.rules_bench import synthetic_build
    from rules import evaluate

    spec = synthetic_build(60)
    if len(spec.racks) != SPEC_SHEET_RACKS:
        raise RuntimeError(f"expected {SPEC_SHEET_RACKS} racks, got {len(spec.racks)}")
    return {
        "build": {"id": 1, "name": spec.name, "revision": 1, "status": "draft"},
        "organisation": "Contoso Shops",
        "seller": "Acme Integrations",
        "generated_at": "2026-01-01T00:00:00+00:00",
        "spec": spec.model_dump(mode="json"),
        "report": evaluate(spec).model_dump(mode="json"),
    }


def main() -> None:
    """Print the table: HTML only, HTML + PDF, ratio, pages."""
    _setup_django()
    from configurator.documents.pdf import html_to_pdf, render_quote_html, render_spec_sheet_html

    quote = _three_page_quote()
    source = _spec_sheet_source()
    cases = [
        (f"quote ({QUOTE_PAGES} pages)", lambda: render_quote_html(quote)),
        (f"spec sheet ({SPEC_SHEET_RACKS} racks)", lambda: render_spec_sheet_html(source)),
    ]
    header = f"{'document':<24} {'pages':>5} {'HTML ms':>9} {'HTML+PDF ms':>12} {'PDF/HTML':>9}"
    print(header)
    print("-" * len(header))
    for name, render_html in cases:
        pages = _pages(html_to_pdf(render_html()))
        html_s = _median_s(render_html)
        pdf_s = _median_s(lambda render_html=render_html: html_to_pdf(render_html()))
        print(
            f"{name:<24} {pages:>5} {html_s * 1e3:>9.1f} {pdf_s * 1e3:>12.1f}"
            f" {pdf_s / html_s:>8.0f}x"
        )
    print()
    print(f"median of {REPEATS} runs each after a warm-up; wall clock on this machine.")


if __name__ == "__main__":
    main()
