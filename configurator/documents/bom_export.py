"""A BOM as CSV or XLSX bytes: header rows, one row per BOM row, category subtotals, totals.

Both formats share one table layout (`bom_table`), so they always agree. Cost columns exist
only when the BOM was computed with `show_cost`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from configurator.builds.bom import Bom, BomTotals

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "bom_columns",
    "bom_csv",
    "bom_table",
    "bom_xlsx",
]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, BomRow attribute)
_COLUMNS = [
    ("Category", "category"),
    ("Manufacturer", "manufacturer"),
    ("SKU", "sku"),
    ("Model", "model_name"),
    ("Quantity", "quantity"),
    ("Unit list price", "unit_list_price"),
    ("Extended list price", "extended_list_price"),
    ("Discount %", "discount_pct"),
    ("Extended net price", "extended_net_price"),
    ("Currency", "currency"),
    ("Lead time (days)", "lead_time_days"),
]
_COST_COLUMNS = [
    ("Unit cost", "unit_cost"),
    ("Extended cost", "extended_cost"),
    ("Margin %", "margin_pct"),
]
_MONEY_HEADERS = frozenset(
    {"Unit list price", "Extended list price", "Extended net price", "Unit cost", "Extended cost"}
)
# Spreadsheet apps run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula; catalogue text is user input."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def bom_columns(bom: Bom) -> list[str]:
    """Column headers of the BOM table; cost columns only when the BOM shows cost."""
    return [header for header, _ in _COLUMNS + (_COST_COLUMNS if bom.show_cost else [])]


def _totals_row(label: str, totals: BomTotals, bom: Bom) -> list[Any]:
    values: dict[str, Any] = {
        "Category": label,
        "Extended list price": totals.list_price,
        "Extended net price": totals.net_price,
        "Currency": bom.currency,
    }
    if bom.show_cost:
        values["Extended cost"] = totals.cost
        values["Margin %"] = totals.margin_pct
    return [values.get(header) for header in bom_columns(bom)]


def bom_table(bom: Bom, *, title: str = "") -> list[list[Any]]:
    """The BOM as rows of cells (None = empty): header rows, then the table."""
    columns = _COLUMNS + (_COST_COLUMNS if bom.show_cost else [])
    table: list[list[Any]] = [
        ["Bill of materials", _safe_text(title)],
        ["Currency", bom.currency],
        [],
        bom_columns(bom),
    ]
    for category in bom.categories:
        for row in category.rows:
            cells = [getattr(row, attribute) for _, attribute in columns]
            table.append([_safe_text(c) if isinstance(c, str) else c for c in cells])
        table.append(_totals_row(f"Subtotal {category.category}", category.subtotal, bom))
    table.append([])
    table.append(_totals_row("Total", bom.totals, bom))
    if bom.longest_lead_item:
        table.append(
            [
                "Longest lead time (days)",
                bom.longest_lead_time_days,
                _safe_text(bom.longest_lead_item),
            ]
        )
    return table


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def bom_csv(bom: Bom, *, title: str = "") -> bytes:
    """The BOM as UTF-8 CSV (with a BOM mark, so spreadsheet apps detect the encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in bom_table(bom, title=title):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def bom_xlsx(bom: Bom, *, title: str = "") -> bytes:
    """The BOM as an XLSX workbook of one sheet, money cells formatted to cents."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    table = bom_table(bom, title=title)
    header_row = 4  # after the title, currency and blank rows of bom_table
    headers = table[header_row - 1]
    money_columns = {n for n, header in enumerate(headers, start=1) if header in _MONEY_HEADERS}
    bold = Font(bold=True)
    for row_number, row in enumerate(table, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, Decimal) and column in money_columns:
                cell.number_format = "#,##0.00"
        first = row[0] if row else None
        if row_number == header_row or (
            isinstance(first, str) and first.startswith(("Subtotal ", "Total"))
        ):
            for cell in sheet[row_number]:
                cell.font = bold
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for column, header in enumerate(headers, start=1):
        letter = sheet.cell(row=header_row, column=column).column_letter
        sheet.column_dimensions[letter].width = max(12, len(str(header)) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
