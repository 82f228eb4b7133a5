"""Sites in bulk: a CSV/XLSX sheet or a JSON list, created or updated all or nothing.

Signatures (keyword-only):

- sites_import(*, organisation, fileobj, fmt, dry_run=False) -> SitesImport       a sheet
- sites_bulk_upsert(*, organisation, sites, dry_run=False) -> SitesImport        JSON objects

A row is a site of `organisation` named by its `name` (the natural key): a new name creates
the site, a known one updates it. Columns (`SITE_COLUMNS`) are the site's fields; `name` is
required, any other column may be left out, and a left-out column is not touched on existing
sites (new ones take the defaults). An empty cell is "unknown" for the optional figures (room
volume, room cooling, humidity, dew point, floor rating) and an error for the others.
Booleans read true/false, yes/no, 1/0. Every row is validated by the engine's own Site model
(through `Site.full_clean`); all errors are collected and named by row ("row 7:
altitude_m: ..."), and only a file without any error is written, in one transaction (never
on a dry run). Like the catalogue importer, whose reading and error types it shares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.importers.sheets import (
    HEADER_ROW,
    RowError,
    SheetError,
    is_blank,
    read_table,
    text_cell,
    validation_errors,
)
from configurator.builds.models import Site
from configurator.tenancy.models import Organisation

__all__ = [
    "MAX_SITES",
    "SITE_COLUMNS",
    "SiteRow",
    "SitesImport",
    "sites_bulk_upsert",
    "sites_import",
]

SITE_COLUMNS = ("name", "description", *Site.ENGINE_FIELDS)
MAX_SITES = 5000
_FLOATS = frozenset(
    f.name for f in Site._meta.concrete_fields if f.get_internal_type() == "FloatField"
)
_NULLABLE = frozenset(f.name for f in Site._meta.concrete_fields if f.null)
_BOOLEANS = frozenset({"dusty", "humid", "occupied"})
_INTEGERS = frozenset({"supply_phases"})
_DECIMALS = frozenset({"electricity_price_per_kwh"})
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


@dataclass(frozen=True)
class SiteRow:
    """What the import did (or would do) with one row."""

    row: int
    name: str
    action: str  # "created", "updated" or "unchanged"
    site_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class SitesImport:
    """Outcome of a sites import; nothing was written unless `written`."""

    rows: list[SiteRow]
    errors: list[RowError]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _number(column: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool):
        raise _CellError(column, "Enter a number.")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise _CellError(column, "Enter a number.") from None
    if not number.is_finite():
        raise _CellError(column, "Enter a finite number.")
    if kind is int:
        if number != number.to_integral_value():
            raise _CellError(column, "Enter a whole number.")
        return int(number)
    if kind is float:
        result = float(number)
        if not math.isfinite(result):
            raise _CellError(column, "Enter a finite number.")
        return result
    return number


def _convert(column: str, value: Any, *, csv_escaped: bool) -> Any:
    """A cell (or JSON value) as the site field's value; validation happens in full_clean."""
    if column in _FLOATS or column in _INTEGERS or column in _DECIMALS:
        if is_blank(value):
            if column in _NULLABLE:
                return None
            raise _CellError(column, "This field cannot be blank.")
        kind = float if column in _FLOATS else int if column in _INTEGERS else Decimal
        return _number(column, value, kind)
    if column in _BOOLEANS:
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _CellError(column, "Enter true or false.")
    if value is not None and not isinstance(value, str | int | float | Decimal):
        raise _CellError(column, "Enter text.")
    text = text_cell(value, csv_escaped=csv_escaped)
    if "\x00" in text:
        raise _CellError(column, "Null characters are not allowed.")
    if column in ("country", "currency"):
        text = text.upper()
    return text


@dataclass
class _Row:
    number: int
    name: str
    values: dict[str, Any]


def _parse(
    records: Sequence[tuple[int, Mapping[str, Any]]], *, csv_escaped: bool
) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for number, record in records:
        row_errors: list[RowError] = []
        values: dict[str, Any] = {}
        for column, cell in record.items():
            try:
                values[column] = _convert(column, cell, csv_escaped=csv_escaped)
            except _CellError as exc:
                row_errors.append(RowError(number, exc.column, exc.message))
        name = values.pop("name", "")
        if not name:
            row_errors.append(RowError(number, "name", "A site needs a name."))
        elif name in first:
            row_errors.append(RowError(number, "name", f"same name as row {first[name]}"))
        else:
            first[name] = number
        errors += row_errors
        if not row_errors:
            rows.append(_Row(number, name, values))
    return rows, errors


def _write(
    organisation: Organisation, rows: Sequence[_Row]
) -> tuple[list[SiteRow], list[RowError]]:
    existing = {
        site.name: site
        for site in Site.objects.filter(organisation=organisation, name__in=[r.name for r in rows])
    }
    results: list[SiteRow] = []
    errors: list[RowError] = []
    for row in rows:
        site = existing.get(row.name)
        created = site is None
        if site is None:
            site = Site(organisation=organisation, name=row.name)
        before = {column: getattr(site, column) for column in row.values}
        for column, value in row.values.items():
            setattr(site, column, value)
        try:
            site.full_clean()
        except ValidationError as exc:
            errors += validation_errors(row.number, exc)
            continue
        changes = {
            column: (before[column], getattr(site, column))
            for column in row.values
            if before[column] != getattr(site, column)
        }
        if created or changes:
            try:
                with transaction.atomic():
                    site.save()
            except IntegrityError as exc:
                errors.append(RowError(row.number, "", f"the database refused the row: {exc}"))
                continue
        action = "created" if created else "updated" if changes else "unchanged"
        results.append(SiteRow(row.number, row.name, action, site.pk, {} if created else changes))
    return results, errors


def _run(
    organisation: Organisation,
    records: Sequence[tuple[int, Mapping[str, Any]]],
    *,
    csv_escaped: bool,
    dry_run: bool,
    errors: Sequence[RowError] = (),
) -> SitesImport:
    if len(records) > MAX_SITES:
        return SitesImport(
            rows=[],
            errors=[RowError(HEADER_ROW, "", f"at most {MAX_SITES} sites per import")],
            dry_run=dry_run,
        )
    rows, parse_errors = _parse(records, csv_escaped=csv_escaped)
    errors = [*errors, *parse_errors]
    results: list[SiteRow] = []
    if rows:
        with transaction.atomic():
            results, write_errors = _write(organisation, rows)
            errors += write_errors
            if errors or dry_run:
                transaction.set_rollback(True)
    errors.sort(key=lambda e: e.row)
    if errors or dry_run:
        # Nothing was kept: ids of sites created in the rolled-back transaction mean nothing.
        results = [
            replace(row, site_id=None) if row.action == "created" else row for row in results
        ]
    return SitesImport(rows=results, errors=errors, dry_run=dry_run)


def _header(cells: Sequence[Any]) -> tuple[list[str | None], list[RowError]]:
    columns: list[str | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for cell in cells:
        name = "" if cell is None else str(cell).strip().lower().removeprefix("\ufeff")
        if not name:
            columns.append(None)
            continue
        if name not in SITE_COLUMNS:
            errors.append(RowError(HEADER_ROW, "", f"unknown column {name!r}"))
        elif name in seen:
            errors.append(RowError(HEADER_ROW, "", f"column {name!r} appears twice"))
        seen.add(name)
        columns.append(name if name in SITE_COLUMNS else None)
    if "name" not in seen:
        errors.append(RowError(HEADER_ROW, "", "the 'name' column is required"))
    return columns, errors


def sites_import(
    *, organisation: Organisation, fileobj: IO[Any] | bytes | str, fmt: str, dry_run: bool = False
) -> SitesImport:
    """Create or update the organisation's sites from a CSV/XLSX sheet, all or nothing."""
    try:
        table = read_table(fileobj, fmt)
    except SheetError as exc:
        return SitesImport(rows=[], errors=[RowError(HEADER_ROW, "", str(exc))], dry_run=dry_run)
    if not table:
        return SitesImport(
            rows=[],
            errors=[RowError(HEADER_ROW, "", "the file is empty; expected a header row")],
            dry_run=dry_run,
        )
    columns, errors = _header(table[0])
    if errors:
        return SitesImport(rows=[], errors=errors, dry_run=dry_run)
    records: list[tuple[int, Mapping[str, Any]]] = []
    extra_errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=HEADER_ROW + 1):
        if all(is_blank(cell) for cell in cells):
            continue
        if any(not is_blank(c) for c in cells[len(columns) :]):
            extra_errors.append(RowError(number, "", "more cells than header columns"))
            continue
        records.append(
            (
                number,
                {
                    column: cell
                    for column, cell in zip(columns, cells, strict=False)
                    if column is not None
                },
            )
        )
    return _run(
        organisation,
        records,
        csv_escaped=fmt.lower() == "csv",
        dry_run=dry_run,
        errors=extra_errors,
    )


def sites_bulk_upsert(
    *, organisation: Organisation, sites: Sequence[Any], dry_run: bool = False
) -> SitesImport:
    """Create or update the organisation's sites from JSON objects, all or nothing.

    Row numbers in the result are the objects' indexes in `sites` (from 0).
    """
    records: list[tuple[int, Mapping[str, Any]]] = []
    errors: list[RowError] = []
    for index, site in enumerate(sites):
        if not isinstance(site, Mapping):
            errors.append(RowError(index, "", "Each site is an object of site fields."))
            continue
        unknown = sorted(str(key) for key in site if key not in SITE_COLUMNS)
        if unknown:
            errors += [RowError(index, key, "Unknown field.") for key in unknown]
            continue
        records.append((index, site))
    if errors:
        return SitesImport(rows=[], errors=errors, dry_run=dry_run)
    return _run(organisation, records, csv_escaped=False, dry_run=dry_run)
