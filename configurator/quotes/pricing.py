"""Pricing a quote: line discounts on a BOM, the quote discount, tax and the totals.

Money follows configurator.builds.bom: Decimal, rounded half up to cents at each printed
figure, and every total is the sum of the rounded figures above it, so the PDF adds up line by
line.

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

from configurator.builds.bom import HUNDRED, ZERO, Bom, BomCategory, BomRow, BomTotals, money

__all__ = ["QuoteTotals", "apply_line_discounts", "effective_discount_pct", "quote_totals"]


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
