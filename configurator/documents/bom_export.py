"""A BOM as CSV or XLSX bytes, both starting with the same header row and one row per BOM row.

CSV is for machines (an ERP import): the header row first, then the lines, nothing else; the
build it belongs to is a column of every row, and numbers are plain (``4200.00``). XLSX is for
people: the same table with number formats, column widths, a frozen filtered header, the
category subtotals and totals below it, and the build's details on an "About" sheet. Cost
columns exist only when the BOM was computed with `show_cost`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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

BUILD_COLUMN = "Build"
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
# Spreadsheet number formats by column: money to cents with thousands separators, counts
# with separators, percentages to two decimals.
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"
_FORMATS = {
    "Quantity": COUNT_FORMAT,
    "Unit list price": MONEY_FORMAT,
    "Extended list price": MONEY_FORMAT,
    "Discount %": PERCENT_FORMAT,
    "Extended net price": MONEY_FORMAT,
    "Lead time (days)": COUNT_FORMAT,
    "Unit cost": MONEY_FORMAT,
    "Extended cost": MONEY_FORMAT,
    "Margin %": PERCENT_FORMAT,
}
MAX_WIDTH = 60
# Spreadsheet apps run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula; catalogue text is user input."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _columns(bom: Bom) -> list[tuple[str, str]]:
    return _COLUMNS + (_COST_COLUMNS if bom.show_cost else [])


def bom_columns(bom: Bom, *, title: str = "") -> list[str]:
    """The header row: BOM columns (cost ones only when shown), then the build when named."""
    headers = [header for header, _ in _columns(bom)]
    return [*headers, BUILD_COLUMN] if title else headers


def bom_table(bom: Bom, *, title: str = "") -> list[list[Any]]:
    """The header row and one row per BOM row (cells: str, int, Decimal or None)."""
    build = [_safe_text(title)] if title else []
    table: list[list[Any]] = [bom_columns(bom, title=title)]
    for row in bom.rows:
        cells = [getattr(row, attribute) for _, attribute in _columns(bom)]
        table.append([_safe_text(c) if isinstance(c, str) else c for c in cells] + build)
    return table


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def bom_csv(bom: Bom, *, title: str = "") -> bytes:
    """The BOM lines as UTF-8 CSV for an import: header row first, one row per component.

    A byte-order mark leads the file so spreadsheet apps detect the encoding; import tools
    that read UTF-8 skip it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in bom_table(bom, title=title):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- XLSX

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F6")


def _totals_cells(label: str, totals: BomTotals, bom: Bom, headers: list[str]) -> list[Any]:
    values: dict[str, Any] = {
        "Category": label,
        "Extended list price": totals.list_price,
        "Extended net price": totals.net_price,
        "Currency": bom.currency,
    }
    if bom.show_cost:
        values["Extended cost"] = totals.cost
        values["Margin %"] = totals.margin_pct
    return [values.get(header) for header in headers]


def _write_row(sheet: Worksheet, row_number: int, cells: list[Any], headers: list[str]) -> None:
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row=row_number, column=column, value=value)
        number_format = _FORMATS.get(headers[column - 1]) if column <= len(headers) else None
        if number_format and isinstance(value, int | Decimal):
            cell.number_format = number_format


def _fit_columns(sheet: Worksheet, table: list[list[Any]]) -> None:
    """Each column as wide as its longest text (numbers as formatted), within MAX_WIDTH."""
    widths: dict[int, int] = {}
    for row in table:
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            text = f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
            widths[column] = max(widths.get(column, 0), len(text))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)


def bom_xlsx(bom: Bom, *, title: str = "") -> bytes:
    """The BOM as an XLSX workbook: "BOM" (header row first, lines, subtotals, totals) and
    "About" (the build, currency, longest lead time)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    table = bom_table(bom, title=title)
    headers = table[0]
    for row_number, cells in enumerate(table, start=1):
        _write_row(sheet, row_number, cells, headers)
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    last_line = len(table)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_line}"

    # Below the table, past a blank row: what a person adds up, never part of an import range.
    summary = [
        _totals_cells(f"Subtotal {c.category}", c.subtotal, bom, headers) for c in bom.categories
    ]
    summary.append(_totals_cells("Total", bom.totals, bom, headers))
    for offset, cells in enumerate(summary, start=last_line + 2):
        _write_row(sheet, offset, cells, headers)
        for cell in sheet[offset]:
            cell.font = _BOLD
    _fit_columns(sheet, [*table, *summary])

    about = workbook.create_sheet("About")
    details: list[tuple[str, Any]] = [
        ("Bill of materials", _safe_text(title)),
        ("Currency", bom.currency),
        ("Components (BOM rows)", bom.line_count),
        ("Longest lead time (days)", bom.longest_lead_time_days),
        ("Longest lead item", _safe_text(bom.longest_lead_item or "")),
    ]
    for row_number, (label, value) in enumerate(details, start=1):
        about.cell(row=row_number, column=1, value=label).font = _BOLD
        about.cell(row=row_number, column=2, value=value)
    _fit_columns(about, [list(pair) for pair in details])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
