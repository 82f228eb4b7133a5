"""CSV and XLSX import and export of the catalogue: one row per component.

Columns are the contract fields (``COLUMNS``); export writes all of them in that order,
cost price included (the export is for catalogue managers, never for customers). Import:

* The first row is the header. ``manufacturer`` and ``sku`` are required columns; any other
  column may be left out, and a left-out column is not touched on existing components (a
  sheet of manufacturer, sku, list_price updates prices only). Unknown columns are an error.
* Cells: decimals as numbers or text ("1234.50"); ``is_full_depth`` as true/false/yes/no/1/0;
  ``spec`` as a JSON object (empty = ``{}``, the kind's defaults); ``assumed`` as a JSON list of
  ``{field, value, why}`` (empty = nothing assumed). An empty cell is "no value": ``None`` for
  nullable columns (cost price, weight, depth, airflow, power: unknown), ``""`` for text, and an
  error for columns that cannot be empty (list price, U height, ...).
* All or nothing: every row is converted and validated with the catalogue's own validator
  (``validate_component_data`` through ``component_upsert``) and errors are collected per
  row ("row 7: spec.kva: Input should be greater than 0"; the header is row 1). Only when no
  row has an error is anything kept: the writes run in one transaction that is rolled back
  otherwise (and always on a dry run).
* New components get ``source = "csv"`` and the file name as ``source_ref``; existing ones
  keep their source.

CSV cells beginning with ``= + - @`` (tab, CR) are written with a leading apostrophe so a
spreadsheet does not run them as formulas, and the apostrophe is removed again on import;
XLSX cells are typed as text instead, so no escaping is needed there.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.importers.sheets import (
    FORMATS,
    FORMULA_START,
    HEADER_ROW,
    RowError,
    SheetError,
    check_format,
    is_blank,
    read_table,
    text_cell,
    validation_errors,
)
from catalog.models import COMPONENT_FIELDS, Component
from catalog.selectors import component_list
from catalog.services import component_upsert

__all__ = [
    "COLUMNS",
    "FORMATS",
    "ImportResult",
    "RowError",
    "RowResult",
    "catalog_export",
    "catalog_import",
]

COLUMNS = COMPONENT_FIELDS
KEY_COLUMNS = ("manufacturer", "sku")
DECIMAL_COLUMNS = frozenset(
    {"list_price", "cost_price", "u_height", "weight_kg", "nameplate_w", "typical_w"}
)
INTEGER_COLUMNS = frozenset({"lead_time_days", "depth_mm"})
BOOLEAN_COLUMNS = frozenset({"is_full_depth"})
FIELD_COLUMNS = tuple(c for c in COLUMNS if c not in KEY_COLUMNS)

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
SOURCE_CSV = "csv"


@dataclass(frozen=True)
class RowResult:
    """What the import did (or would do) with one row."""

    row: int
    manufacturer: str
    sku: str
    action: str  # "created", "updated" or "unchanged"
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class ImportResult:
    """Outcome of a catalogue import; nothing was written unless ``written`` is true."""

    rows: list[RowResult]
    errors: list[RowError]
    dry_run: bool

    @property
    def ok(self) -> bool:
        """No row had an error."""
        return not self.errors

    @property
    def written(self) -> bool:
        """The rows were saved (no errors and not a dry run)."""
        return self.ok and not self.dry_run

    def count(self, action: str) -> int:
        """How many rows got this action."""
        return sum(1 for row in self.rows if row.action == action)


# --------------------------------------------------------------------------- export


def _export_value(component: Component, column: str) -> Any:
    if column == "manufacturer":
        return component.manufacturer.name
    value = getattr(component, column)
    if column == "spec":
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if column == "assumed":
        # Empty when nothing is assumed, so a sheet reads plainly; entries keep their order.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(FORMULA_START) or text.startswith("'"):
        # A leading apostrophe in the data itself is escaped too, so import can strip one.
        return "'" + text
    return text


def _export_rows(components: Iterable[Component]) -> Iterator[list[Any]]:
    for component in components:
        yield [_export_value(component, column) for column in COLUMNS]


def _export_csv(components: Iterable[Component]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _export_rows(components):
        writer.writerow([_csv_cell(v) for v in row])
    # A BOM lets Excel open the UTF-8 file with the right encoding; import strips it again.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _export_xlsx(components: Iterable[Component]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "catalogue"
    sheet.append(list(COLUMNS))
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for row in _export_rows(components):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # openpyxl stores "=..." as a formula; keep every text cell a plain string.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalog_export(fmt: str) -> bytes:
    """The whole catalogue as CSV (UTF-8) or XLSX bytes, one row per component."""
    fmt = check_format(fmt)
    components = component_list()
    return _export_csv(components) if fmt == "csv" else _export_xlsx(components)


# --------------------------------------------------------------------------- import: reading


class _CellError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _convert(column: str, value: Any, *, csv_escaped: bool) -> Any:
    """A cell as the value handed to the service (validation happens there)."""
    if column in DECIMAL_COLUMNS:
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise _CellError(column, "Enter a number.")
        return (
            Decimal(repr(value))
            if isinstance(value, float)
            else text_cell(value, csv_escaped=False)
        )
    if column in INTEGER_COLUMNS:
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise _CellError(column, "Enter a whole number.")
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            raise _CellError(column, "Enter a whole number.") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise _CellError(column, "Enter a whole number.")
        return int(number)
    if column in BOOLEAN_COLUMNS:
        if is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _CellError(column, "Enter true or false.")
    if column == "spec":
        text = text_cell(value, csv_escaped=csv_escaped)
        if not text:
            return {}
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _CellError(column, f"Invalid JSON: {exc.msg} at character {exc.pos}.") from None
        if not isinstance(spec, dict):
            raise _CellError(column, "Must be a JSON object.")
        return spec
    if column == "assumed":
        text = text_cell(value, csv_escaped=csv_escaped)
        if not text:
            return []
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _CellError(column, f"Invalid JSON: {exc.msg} at character {exc.pos}.") from None
        if not isinstance(entries, list):
            raise _CellError(column, "Must be a JSON list of {field, value, why} objects.")
        return entries
    return text_cell(value, csv_escaped=csv_escaped)


@dataclass
class _Row:
    number: int
    manufacturer: str
    sku: str
    fields: dict[str, Any]


def _header(cells: Sequence[Any]) -> tuple[list[str | None], list[RowError]]:
    columns: list[str | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for cell in cells:
        name = "" if cell is None else str(cell).strip().lower().removeprefix("\ufeff")
        if not name:
            columns.append(None)  # an unnamed, empty column at the edge of a sheet
            continue
        if name not in COLUMNS:
            errors.append(RowError(HEADER_ROW, "", f"unknown column {name!r}"))
        elif name in seen:
            errors.append(RowError(HEADER_ROW, "", f"column {name!r} appears twice"))
        seen.add(name)
        columns.append(name if name in COLUMNS else None)
    for required in KEY_COLUMNS:
        if required not in seen:
            errors.append(RowError(HEADER_ROW, "", f"the {required!r} column is required"))
    return columns, errors


def _parse_rows(
    table: Sequence[Sequence[Any]], *, csv_escaped: bool
) -> tuple[list[_Row], list[RowError]]:
    if not table:
        return [], [RowError(HEADER_ROW, "", "the file is empty; expected a header row")]
    columns, errors = _header(table[0])
    if errors:
        return [], errors
    rows: list[_Row] = []
    first_row: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(table[1:], start=HEADER_ROW + 1):
        if all(is_blank(cell) for cell in cells):
            continue
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        extra = [c for c in cells[len(columns) :] if not is_blank(c)]
        if extra:
            row_errors.append(RowError(number, "", "more cells than header columns"))
        for column, cell in zip(columns, cells, strict=False):
            if column is None:
                continue
            try:
                values[column] = _convert(column, cell, csv_escaped=csv_escaped)
            except _CellError as exc:
                row_errors.append(RowError(number, exc.field, exc.message))
        manufacturer = values.pop("manufacturer", "")
        sku = values.pop("sku", "")
        for name, value in (("manufacturer", manufacturer), ("sku", sku)):
            if not value:
                row_errors.append(RowError(number, name, "This field cannot be blank."))
        key = (manufacturer, sku)
        if manufacturer and sku and key in first_row:
            row_errors.append(
                RowError(number, "sku", f"same manufacturer and SKU as row {first_row[key]}")
            )
        first_row.setdefault(key, number)
        errors += row_errors
        if not row_errors:
            rows.append(_Row(number, manufacturer, sku, values))
    return rows, errors


# --------------------------------------------------------------------------- import: writing


def _existing(rows: Sequence[_Row]) -> dict[tuple[str, str], Component]:
    # One query by manufacturer name (few per file) rather than one OR-term per row:
    # SQLite refuses expression trees deeper than 1000.
    names = {row.manufacturer for row in rows}
    wanted = {(row.manufacturer, row.sku) for row in rows}
    found = Component.objects.select_related("manufacturer").filter(manufacturer__name__in=names)
    return {
        (c.manufacturer.name, c.sku): c for c in found if (c.manufacturer.name, c.sku) in wanted
    }


def _write(rows: Sequence[_Row], *, source_ref: str) -> tuple[list[RowResult], list[RowError]]:
    existing = _existing(rows)
    results: list[RowResult] = []
    errors: list[RowError] = []
    for row in rows:
        before = existing.get((row.manufacturer, row.sku))
        fields = dict(row.fields)
        if before is None:
            fields.update(source=SOURCE_CSV, source_ref=source_ref)
        old = {name: getattr(before, name) for name in fields} if before else {}
        try:
            # A savepoint per row: a failed row must not poison the transaction the other
            # rows are still being checked in.
            with transaction.atomic():
                component, created, changed = component_upsert(
                    manufacturer_name=row.manufacturer, sku=row.sku, **fields
                )
        except ValidationError as exc:
            errors += validation_errors(row.number, exc)
            continue
        except IntegrityError as exc:
            errors.append(RowError(row.number, "", f"database refused the row: {exc}"))
            continue
        diff = {}
        if changed:
            diff = {
                name: (old.get(name), getattr(component, name))
                for name in fields
                if old.get(name) != getattr(component, name)
            }
        action = "created" if created else "updated" if changed else "unchanged"
        results.append(RowResult(row.number, row.manufacturer, row.sku, action, diff))
    return results, errors


def catalog_import(
    fileobj: IO[Any] | bytes | str, fmt: str, *, dry_run: bool = False
) -> ImportResult:
    """Import a CSV/XLSX catalogue sheet all-or-nothing; see the module docstring."""
    fmt = check_format(fmt)
    source_ref = Path(str(getattr(fileobj, "name", "") or "")).name
    try:
        table = read_table(fileobj, fmt)
    except SheetError as exc:
        return ImportResult(rows=[], errors=[RowError(HEADER_ROW, "", str(exc))], dry_run=dry_run)
    rows, errors = _parse_rows(table, csv_escaped=fmt == "csv")
    results: list[RowResult] = []
    if rows:
        with transaction.atomic():
            results, write_errors = _write(rows, source_ref=source_ref)
            errors += write_errors
            if errors or dry_run:
                transaction.set_rollback(True)
    errors.sort(key=lambda e: e.row)
    return ImportResult(rows=results, errors=errors, dry_run=dry_run)
