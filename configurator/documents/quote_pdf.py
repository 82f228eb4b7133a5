"""What a quote's PDF shows: the template context of an issued revision, from frozen fields.

Reads only what the quote froze at issue (BOM, report, parties, totals) and the kit
comparison frozen with the document, so a quote prints the same text whenever it is
rendered. The letterhead logo is embedded as a data: URI read through Django's storage.
"""

from __future__ import annotations

import base64
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from configurator.formatting import money_text, number_text, percent_text
from configurator.tenancy.models import LOGO_MAX_BYTES

if TYPE_CHECKING:
    from configurator.quotes.models import Quote

__all__ = ["quote_context", "render_quote_html"]

logger = logging.getLogger(__name__)

# Figures are printed by configurator.formatting, the functions the web pages use too, so a
# quote reads the same on screen and on paper.
_money = money_text
_pct = percent_text
_num = number_text


_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _logo_data_uri(name: str) -> str:
    """The stored logo `name` as a data: URI for the PDF; empty when it is gone or not an image.

    Read through Django's storage (any backend) and embedded, so the renderer needs no media
    URL and no file system path.
    """
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as file:
            content = file.read(LOGO_MAX_BYTES + 1)
    except OSError:
        logger.warning("Letterhead logo %s is missing from the storage; printed without it.", name)
        return ""
    media_type = next((t for sig, t in _IMAGE_TYPES.items() if content.startswith(sig)), None)
    if media_type is None or len(content) > LOGO_MAX_BYTES:
        logger.warning("Letterhead logo %s is not a PNG or JPEG within limits; left out.", name)
        return ""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def quote_context(quote: Quote, kits: dict[str, Any] | None = None) -> dict[str, Any]:
    """Template context of a quote's PDF, built from its frozen fields only; ``kits``: the
    appendix's kit comparison, as frozen with the document (configurator.documents.kits)."""
    bom = quote.bom_json or {}
    report = quote.report_json or {}
    parties = quote.parties_json or {}
    currency = quote.currency
    categories = []
    for category in bom.get("categories", []):
        rows = [
            {
                "category": row["category"],
                "manufacturer": row["manufacturer"],
                "sku": row["sku"],
                "description": row["model_name"],
                "quantity": _num(row["quantity"]),
                "unit_price": _money(row["unit_list_price"]),
                "discount_pct": _pct(row["discount_pct"]),
                "has_discount": Decimal(str(row["discount_pct"])) > 0,
                "extended": _money(row["extended_net_price"]),
                "lead_time_days": _num(row["lead_time_days"]),
            }
            for row in category["rows"]
        ]
        categories.append(
            {
                "category": category["category"],
                "rows": rows,
                "subtotal": _money(category["subtotal"]["net_price"]),
            }
        )
    issued = timezone.localtime(quote.issued_at) if quote.issued_at else None
    errors = [f for f in report.get("findings", []) if f.get("severity") == "error"]
    return {
        "quote": quote,
        "title": f"Quote {quote.number} rev {quote.revision}",
        "number": quote.number,
        "revision": quote.revision,
        "issued_on": issued.date() if issued else None,
        "valid_until": quote.valid_until,
        "currency": currency,
        # Names as they were at issue; today's names only for quotes issued before they were kept.
        "seller": parties.get("seller") or quote.seller.name,
        "seller_address": parties.get("seller_address", ""),
        "seller_vat_number": parties.get("seller_vat_number", ""),
        "seller_logo": _logo_data_uri(parties.get("seller_logo", "")),
        "customer_organisation": parties.get("customer_organisation") or quote.buyer.name,
        "customer_address": parties.get("customer_address", ""),
        "customer_vat_number": parties.get("customer_vat_number", ""),
        "site": parties.get("site", ""),
        "site_country": parties.get("site_country", ""),
        "build_name": parties.get("build", ""),
        "build_revision": quote.build_revision,
        "customer_name": quote.customer_name,
        "customer_email": quote.customer_email,
        "categories": categories,
        "line_count": bom.get("line_count", 0),
        "longest_lead_time_days": _num(bom.get("longest_lead_time_days", 0)),
        "totals": {
            "subtotal": _money(quote.subtotal),
            "line_discounts": _money(quote.line_discount_total),
            "has_line_discounts": bool(quote.line_discount_total),
            "discount_pct": _pct(quote.discount_pct),
            "discount": _money(quote.discount_total),
            "has_discount": bool(quote.discount_total),
            "net": _money(quote.net_total),
            "tax_rate_pct": _pct(quote.tax_rate_pct),
            "tax": _money(quote.tax_total),
            "total": _money(quote.total),
        },
        "terms": quote.terms,
        "override_reason": quote.override_reason,
        "override_findings": errors if quote.override_reason else [],
        "kits": kits or {},
    }


def render_quote_html(quote: Quote, kits: dict[str, Any] | None = None) -> str:
    """The HTML of an issued quote revision's PDF (with the kit appendix when given)."""
    return render_to_string("pdf/quote.html", quote_context(quote, kits))
