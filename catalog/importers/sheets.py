"""Reading a CSV or XLSX sheet for an all-or-nothing import, and naming the bad rows.

Shared by the catalogue importer (catalog.importers.tabular) and any other sheet import (the
configurator's sites import): the file as a table of cells, the cell helpers, and `RowError`,
one problem of one row (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError

__all__ = [
    "FORMATS",
    "FORMULA_START",
    "HEADER_ROW",
    "RowError",
    "SheetError",
    "check_format",
    "is_blank",
    "read_table",
    "text_cell",
    "validation_errors",
]

FORMATS = ("csv", "xlsx")
HEADER_ROW = 1
# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """One problem in one row; ``field`` is empty for a problem of the whole row or file."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"row {self.row}: {self.field}: {self.message}"
        return f"row {self.row}: {self.message}"


class SheetError(Exception):
    """The file as a whole cannot be read."""


def check_format(fmt: str) -> str:
    """The format in lower case; ValueError for anything but csv or xlsx."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return fmt


def _read_bytes(fileobj: IO[Any] | bytes | str) -> bytes | str:
    data = fileobj if isinstance(fileobj, bytes | str) else fileobj.read()
    if not isinstance(data, bytes | str):
        raise SheetError("the upload could not be read")
    return data


def _csv_rows(raw: bytes | str) -> list[list[Any]]:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetError(f"the file is not UTF-8 text ({exc.reason})") from exc
    else:
        text = raw.removeprefix("\ufeff")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise SheetError(f"not a valid CSV file: {exc}") from exc


def _xlsx_rows(raw: bytes | str) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(raw, str):
        raise SheetError("an XLSX file must be read as bytes")
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise SheetError(f"not a valid XLSX file: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(fileobj: IO[Any] | bytes | str, fmt: str) -> list[list[Any]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8, BOM allowed), as rows of cells."""
    raw = _read_bytes(fileobj)
    return _csv_rows(raw) if check_format(fmt) == "csv" else _xlsx_rows(raw)


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only blanks."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_cell(value: Any, *, csv_escaped: bool) -> str:
    """A cell as text: whole floats without ".0", formula escapes of CSV undone, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A SKU typed as a number in a spreadsheet comes back as 12345.0.
        return str(int(value))
    text = str(value)
    if csv_escaped and text.startswith("'") and text[1:2] in (*FORMULA_START, "'"):
        text = text[1:]
    # XLSX (XML) turns CR LF into LF on reading; do the same for CSV so both agree.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def validation_errors(number: int, exc: ValidationError) -> list[RowError]:
    """A Django ValidationError as the errors of row `number`, one per field message."""
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", message) for message in exc.messages]
    return [
        RowError(number, "" if name == "__all__" else name, message)
        for name, messages in exc.message_dict.items()
        for message in messages
    ]
