"""The quote domain: pricing a BOM with discounts and tax, numbering, and reads of quotes.

Money follows configurator.builds.bom: Decimal, rounded half up to cents at each printed figure, and
every total is the sum of the rounded figures above it, so the PDF adds up line by line.

Order of a quote's arithmetic (the same in the PDF, the API and the tests)::

    line discount   = round(extended list x line %)            per BOM row
    subtotal        = sum(extended list)
    after lines     = subtotal - sum(line discounts)
    quote discount  = round(after lines x quote %)
    net             = after lines - quote discount
    tax             = round(net x tax %)
    total           = net + tax
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from configurator.builds.bom import HUNDRED, ZERO, Bom, BomCategory, BomRow, BomTotals, money
from configurator.documents.models import RenderedDocument
from configurator.errors import DomainError, NotFound
from configurator.quotes.models import Quote
from configurator.tenancy.permissions import organisations_quoting_for, organisations_visible_to

__all__ = [
    "DocumentStatus",
    "QuoteForbidden",
    "QuoteStatus",
    "QuoteTotals",
    "apply_line_discounts",
    "document_filename",
    "effective_discount_pct",
    "format_quote_number",
    "quote_get",
    "quote_list",
    "quote_totals",
]

# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
QuoteStatus = Quote.Status
DocumentStatus = RenderedDocument.Status

# Statuses a customer sees: everything the seller has sent, never its drafts.
CUSTOMER_VISIBLE_STATUSES = frozenset(set(Quote.Status.values) - {Quote.Status.DRAFT})
# Statuses a new revision may replace: a live offer, or one the customer turned down or let
# lapse. An accepted quote is a contract; a superseded one has a newer revision to revise.
REVISABLE_STATUSES = frozenset({Quote.Status.ISSUED, Quote.Status.REJECTED, Quote.Status.EXPIRED})


class QuoteForbidden(DomainError):
    """The caller's role does not allow this quote operation (customers never issue quotes)."""

    status_code = 403
    default_code = "permission_denied"
    default_message = "Your role does not allow this quote operation."


def format_quote_number(year: int, sequence: int) -> str:
    """``Q-2026-0001``: the year and the year's counter, padded to four digits."""
    return f"Q-{year}-{sequence:04d}"


def document_filename(quote: Quote) -> str:
    """File name of a quote revision's PDF, e.g. ``Q-2026-0001-rev2.pdf``."""
    return f"{quote.number or f'draft-{quote.pk}'}-rev{quote.revision}.pdf"


# --------------------------------------------------------------------------- pricing


@dataclass(frozen=True, slots=True)
class QuoteTotals:
    """The money figures frozen on an issued quote, in the quote's currency."""

    subtotal: Decimal
    line_discount_total: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal

    def as_fields(self) -> dict[str, Decimal]:
        """The Quote model fields of these totals."""
        return {
            "subtotal": self.subtotal,
            "line_discount_total": self.line_discount_total,
            "discount_total": self.discount_total,
            "net_total": self.net_total,
            "tax_total": self.tax_total,
            "total": self.total,
        }


def _pct(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _bom_totals(rows: tuple[BomRow, ...]) -> BomTotals:
    return BomTotals(
        list_price=sum((r.extended_list_price for r in rows), ZERO),
        net_price=sum((r.extended_net_price for r in rows), ZERO),
    )


def apply_line_discounts(bom: Bom, line_discounts: dict[str, Any]) -> Bom:
    """The BOM with each row's discount (keyed by component id) applied and totals redone.

    Keys naming no row of this BOM are ignored: a draft's discounts may outlive a line that
    was since removed from the build. The result never carries cost columns.
    """
    categories: list[BomCategory] = []
    for category in bom.categories:
        rows: list[BomRow] = []
        for row in category.rows:
            pct = _pct(line_discounts.get(str(row.component_id), ZERO))
            discount = money(row.extended_list_price * pct / HUNDRED)
            rows.append(
                row.model_copy(
                    update={
                        "show_cost": False,
                        "unit_cost": None,
                        "extended_cost": None,
                        "margin_pct": None,
                        "discount_pct": pct,
                        "extended_net_price": row.extended_list_price - discount,
                    }
                )
            )
        frozen_rows = tuple(rows)
        categories.append(
            category.model_copy(
                update={
                    "show_cost": False,
                    "rows": frozen_rows,
                    "subtotal": _bom_totals(frozen_rows),
                }
            )
        )
    all_rows = tuple(row for category in categories for row in category.rows)
    return bom.model_copy(
        update={
            "show_cost": False,
            "categories": tuple(categories),
            "totals": _bom_totals(all_rows),
        }
    )


def quote_totals(bom: Bom, *, discount_pct: Any, tax_rate_pct: Any) -> QuoteTotals:
    """Subtotal, discounts, tax and total of a BOM whose line discounts are applied."""
    subtotal = bom.totals.list_price
    line_discounts = subtotal - bom.totals.net_price
    after_lines = bom.totals.net_price
    discount = money(after_lines * _pct(discount_pct) / HUNDRED)
    net = after_lines - discount
    tax = money(net * _pct(tax_rate_pct) / HUNDRED)
    return QuoteTotals(
        subtotal=subtotal,
        line_discount_total=line_discounts,
        discount_total=discount,
        net_total=net,
        tax_total=tax,
        total=net + tax,
    )


def effective_discount_pct(totals: QuoteTotals) -> Decimal:
    """Line and quote discounts together as a share of the list subtotal, in percent."""
    if totals.subtotal == 0:
        return ZERO
    granted = totals.line_discount_total + totals.discount_total
    return money(granted / totals.subtotal * HUNDRED)


# --------------------------------------------------------------------------- reads


def quote_list(*, user: Any, auth: Any = None) -> QuerySet[Quote]:
    """Quotes the request may read, newest first.

    Quotes of visible organisations; drafts only where the caller writes quotes (a draft is
    the seller's work in progress, not an offer).
    """
    visible = organisations_visible_to(user, auth)
    quoting = organisations_quoting_for(user, auth)
    return (
        Quote.objects.filter(organisation__in=visible)
        .filter(Q(organisation__in=quoting) | Q(status__in=CUSTOMER_VISIBLE_STATUSES))
        .select_related(
            "organisation", "seller", "build__site", "created_by", "issued_by", "overridden_by"
        )
        .order_by("-created_at", "-pk")
    )


def quote_get(*, pk: int, user: Any, auth: Any = None) -> Quote:
    """One readable quote; NotFound when it does not exist or the caller may not read it."""
    quote = quote_list(user=user, auth=auth).filter(pk=pk).first()
    if quote is None:
        raise NotFound("Quote not found.")
    return quote
