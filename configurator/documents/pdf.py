"""Quote and spec sheet PDFs: Django templates with print CSS, turned into PDF by WeasyPrint.

Rendering reads frozen data only — a quote's snapshot fields, a spec sheet's `source_json` —
so rendering the same document twice prints the same text, whatever happened to the build
or the catalogue in between. WeasyPrint is imported on first use: it loads Pango and takes
a while, and only workers (and tests) render.

What each document shows is worked out in quote_pdf.py (a quote revision) and spec_sheet.py
(a build's spec sheet, with its rack drawings from print_elevations.py); both are
re-exported here. The render services call `html_to_pdf` through this module at render time,
so a test or a fault-injection worker that replaces `pdf.html_to_pdf` replaces what runs.
"""

from __future__ import annotations

from configurator.documents.quote_pdf import quote_context, render_quote_html
from configurator.documents.spec_sheet import (
    render_spec_sheet_html,
    spec_sheet_context,
    spec_sheet_source,
)

__all__ = [
    "PDF_CONTENT_TYPE",
    "html_to_pdf",
    "quote_context",
    "render_quote_html",
    "render_spec_sheet_html",
    "spec_sheet_context",
    "spec_sheet_source",
]

PDF_CONTENT_TYPE = "application/pdf"


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document; `base_url` resolves relative links (images, fonts)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
