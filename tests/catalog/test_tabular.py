"""CSV/XLSX import and export of the catalogue: round trip, per-row errors, all or nothing."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers.tabular import COLUMNS, RowError, catalog_export, catalog_import
from catalog.models import Component, Manufacturer
from catalog.services import component_upsert

pytestmark = pytest.mark.django_db

UPS_SPEC = {"kind": "ups", "kva": 3, "kw": 2.7}


def _components() -> None:
    """A small catalogue covering nulls, decimals, specs, odd text and several kinds."""
    component_upsert(
        manufacturer_name="Acme",
        sku="R200",
        model_name="Acme R200",
        kind="server",
        description="2U server; déjà vu ✓",
        list_price=Decimal("4999.90"),
        cost_price=Decimal("3100.00"),
        currency="EUR",
        lead_time_days=14,
        datasheet_url="https://example.com/r200.pdf",
        u_height=Decimal("2"),
        weight_kg=Decimal("19.96"),
        depth_mm=720,
        is_full_depth=True,
        airflow="front_to_back",
        nameplate_w=Decimal("500"),
        typical_w=Decimal("220.5"),
        spec={"kind": "it", "psu_count": 2, "redundant_psus": True},
        comments='line one\nline two, with a comma and "quotes"',
    )
    component_upsert(
        manufacturer_name="Acme",
        sku="=1+1",  # a SKU a spreadsheet would run as a formula
        model_name="-48 V shelf",
        kind="accessory",
        list_price=Decimal("10"),
        currency="USD",
        comments="@mention and 'quoted'",
        spec={"accessory_type": "shelf"},
    )
    component_upsert(
        manufacturer_name="Power Co",
        sku="UPS-3K",
        model_name="UPS 3 kVA",
        kind="ups",
        list_price=Decimal("1200"),
        cost_price=None,
        lifecycle="end_of_sale",
        u_height=Decimal("0.5"),
        spec=UPS_SPEC,
    )
    component_upsert(
        manufacturer_name="Power Co",
        sku="0123456",  # leading zero must survive as text
        model_name="Zero-U PDU",
        kind="pdu",
        list_price=Decimal("300"),
        u_height=Decimal("0"),
        spec={"voltage_v": 230, "input_current_a": 16, "outlets_c13": 20},
    )


def _snapshot() -> list[dict[str, Any]]:
    rows = []
    for component in Component.objects.select_related("manufacturer").order_by(
        "manufacturer__name", "sku"
    ):
        row = {column: getattr(component, column, None) for column in COLUMNS}
        row["manufacturer"] = component.manufacturer.name
        rows.append(row)
    return rows


def _empty_catalogue() -> None:
    Component.objects.all().delete()
    Manufacturer.objects.all().delete()


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _valid_row(i: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "manufacturer": "Acme",
        "sku": f"SKU-{i}",
        "model_name": f"Model {i}",
        "kind": "ups",
        "list_price": "100.00",
        "currency": "EUR",
        "lead_time_days": "5",
        "lifecycle": "active",
        "u_height": "1",
        "weight_kg": "10",
        "is_full_depth": "false",
        "airflow": "front_to_back",
        "spec": json.dumps(UPS_SPEC),
    }
    row.update(overrides)
    return row


# --------------------------------------------------------------------------- export


def test_csv_export_has_the_contract_columns_and_cost_price() -> None:
    """One row per component, the contract columns in order, cost price included."""
    _components()
    rows = list(csv.reader(io.StringIO(catalog_export("csv").decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 5
    by_sku = {row[1]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    server = by_sku["R200"]
    assert server["cost_price"] == "3100.00"
    assert server["is_full_depth"] == "true"
    assert json.loads(server["spec"])["psu_count"] == 2
    assert by_sku["UPS-3K"]["cost_price"] == ""  # unknown stays empty


def test_csv_export_defuses_formula_cells() -> None:
    """Text starting with = + - @ is prefixed with an apostrophe so Excel does not run it."""
    _components()
    rows = list(csv.reader(io.StringIO(catalog_export("csv").decode("utf-8-sig"))))
    shelf = next(dict(zip(COLUMNS, row, strict=True)) for row in rows if row[1] == "'=1+1")
    assert shelf["model_name"] == "'-48 V shelf"
    assert shelf["comments"] == "'@mention and 'quoted'"


def test_xlsx_export_types_cells() -> None:
    """Numbers are numbers, booleans booleans, and formula-like text stays text."""
    _components()
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_export("xlsx")))
    sheet = workbook.active
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    assert sheet.max_row == 5
    cells = {row[1].value: dict(zip(COLUMNS, row, strict=True)) for row in sheet.iter_rows(2)}
    assert cells["=1+1"]["sku"].data_type == "s"  # text, not a formula
    server = {column: cell.value for column, cell in cells["R200"].items()}
    assert server["list_price"] == pytest.approx(4999.9)
    assert server["is_full_depth"] is True


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_empty_catalogue_gives_identical_components(fmt: str) -> None:
    """Export -> import into an empty database reproduces every exported column."""
    _components()
    before = _snapshot()
    data = catalog_export(fmt)
    _empty_catalogue()
    result = catalog_import(io.BytesIO(data), fmt)
    assert result.errors == []
    assert result.count("created") == 4
    assert _snapshot() == before
    assert set(Component.objects.values_list("source", flat=True)) == {"csv"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_export_changes_nothing(fmt: str) -> None:
    """The same file twice: every row unchanged."""
    _components()
    result = catalog_import(io.BytesIO(catalog_export(fmt)), fmt)
    assert result.ok
    assert result.count("unchanged") == 4


# --------------------------------------------------------------------------- errors


def test_one_bad_row_in_ten_imports_nothing_and_names_row_and_field() -> None:
    """All or nothing: errors are collected per row, and no row is kept."""
    rows = [_valid_row(i) for i in range(10)]
    rows[5]["spec"] = json.dumps({"kind": "ups", "kva": 0})  # sheet row 7 (header is row 1)
    result = catalog_import(io.BytesIO(_csv(rows)), "csv")
    assert not result.ok
    assert result.errors == [
        RowError(7, "spec.kva", "Input should be greater than or equal to 0.1")
    ]
    assert str(result.errors[0]) == "row 7: spec.kva: Input should be greater than or equal to 0.1"
    assert Component.objects.count() == 0
    assert Manufacturer.objects.count() == 0


def test_errors_of_every_row_are_collected() -> None:
    """The catalogue manager sees all problems at once, not the first only."""
    rows = [_valid_row(i) for i in range(5)]
    rows[0]["list_price"] = "abc"
    rows[2]["kind"] = "toaster"
    rows[3]["is_full_depth"] = "maybe"
    rows[4]["spec"] = "{not json"
    result = catalog_import(io.BytesIO(_csv(rows)), "csv")
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) == {2, 4, 5, 6}
    assert by_row[2].field == "list_price"
    assert by_row[4].field == "kind"
    assert str(by_row[5]) == "row 5: is_full_depth: Enter true or false."
    assert by_row[6].field == "spec"
    assert by_row[6].message.startswith("Invalid JSON")
    assert Component.objects.count() == 0


def test_duplicate_rows_are_refused() -> None:
    """Two rows for one manufacturer + SKU: the later one is an error."""
    rows = [_valid_row(1), _valid_row(1)]
    result = catalog_import(io.BytesIO(_csv(rows)), "csv")
    assert [str(e) for e in result.errors] == ["row 3: sku: same manufacturer and SKU as row 2"]


def test_unknown_and_missing_columns_are_header_errors() -> None:
    """A typo in a header must not be silently ignored."""
    data = b"manufacturer,colour\nAcme,red\n"
    result = catalog_import(io.BytesIO(data), "csv")
    assert [str(e) for e in result.errors] == [
        "row 1: unknown column 'colour'",
        "row 1: the 'sku' column is required",
    ]


def test_unreadable_xlsx_is_a_file_error() -> None:
    """Garbage in: one clear error, nothing written."""
    result = catalog_import(io.BytesIO(b"not a zip"), "xlsx")
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith("not a valid XLSX file")


def test_empty_required_cell_is_an_error_not_a_default() -> None:
    """An empty list price is refused rather than read as 0."""
    result = catalog_import(io.BytesIO(_csv([_valid_row(1, list_price="")])), "csv")
    assert {e.field for e in result.errors} == {"list_price"}


# --------------------------------------------------------------------------- partial updates


def test_a_sheet_with_some_columns_updates_only_those() -> None:
    """manufacturer, sku, list_price: prices change, everything else stays."""
    _components()
    before = {row["sku"]: row for row in _snapshot()}
    data = b"manufacturer,sku,list_price\nAcme,R200,5100.00\n"
    result = catalog_import(io.BytesIO(data), "csv")
    assert result.ok
    assert result.rows[0].action == "updated"
    assert result.rows[0].changes == {"list_price": (Decimal("4999.90"), Decimal("5100.00"))}
    after = {row["sku"]: row for row in _snapshot()}
    assert after["R200"] == {**before["R200"], "list_price": Decimal("5100.00")}
    assert Component.objects.get(sku="R200").source == "manual"  # existing rows keep theirs


def test_dry_run_reports_and_writes_nothing() -> None:
    """A dry run validates every row and rolls back."""
    result = catalog_import(io.BytesIO(_csv([_valid_row(1), _valid_row(2)])), "csv", dry_run=True)
    assert result.ok
    assert not result.written
    assert result.count("created") == 2
    assert Component.objects.count() == 0


def test_xlsx_import_of_hand_made_sheet() -> None:
    """Numbers typed as numbers and booleans as booleans are read correctly."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Manufacturer", "SKU", "model_name", "kind", "list_price", "is_full_depth"])
    sheet.append(["Acme", 12345, "Switch 24", "switch", 250.5, True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = catalog_import(io.BytesIO(buffer.getvalue()), "xlsx")
    assert result.ok, result.errors
    component = Component.objects.get()
    assert (component.sku, component.list_price) == ("12345", Decimal("250.50"))
    assert component.is_full_depth is True
    assert component.spec["kind"] == "it"


# --------------------------------------------------------------------------- commands


def test_export_and_import_commands_round_trip(tmp_path: Path) -> None:
    """export_catalog -o file.xlsx, then import_catalog file.xlsx into an empty catalogue."""
    _components()
    before = _snapshot()
    target = tmp_path / "catalogue.xlsx"
    call_command("export_catalog", "-o", str(target), stderr=io.StringIO())
    assert target.read_bytes()[:2] == b"PK"  # a zip container, as XLSX is
    _empty_catalogue()
    out = io.StringIO()
    call_command("import_catalog", str(target), stdout=out)
    assert "created 4, updated 0, unchanged 0." in out.getvalue()
    assert _snapshot() == before
    assert Component.objects.get(sku="R200").source_ref == "catalogue.xlsx"


def test_export_command_writes_csv_to_stdout() -> None:
    """Without -o the CSV goes to standard output."""
    _components()
    out = io.StringIO()
    call_command("export_catalog", stdout=out)
    assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)


def test_import_command_fails_on_errors_and_lists_them(tmp_path: Path) -> None:
    """The command exits with an error, lists each row error and imports nothing."""
    rows = [_valid_row(i) for i in range(10)]
    rows[5]["spec"] = json.dumps({"kind": "ups", "kva": 0})
    target = tmp_path / "prices.csv"
    target.write_bytes(_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 error\(s\) in prices.csv; nothing imported"):
        call_command("import_catalog", str(target), stdout=io.StringIO(), stderr=err)
    assert (
        "prices.csv: row 7: spec.kva: Input should be greater than or equal to 0.1"
        in err.getvalue()
    )
    assert Component.objects.count() == 0


def test_import_command_dry_run(tmp_path: Path) -> None:
    """--dry-run prints what would happen and keeps the catalogue empty."""
    target = tmp_path / "new.csv"
    target.write_bytes(_csv([_valid_row(1)]))
    out = io.StringIO()
    call_command("import_catalog", str(target), "--dry-run", stdout=out)
    assert "row 2: created Acme SKU-1" in out.getvalue()
    assert "dry run: would be created 1" in out.getvalue()
    assert Component.objects.count() == 0
