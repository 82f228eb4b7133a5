"""Sites in bulk: a sheet or a JSON list, all or nothing, every bad row named."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from configurator.builds.models import Site
from configurator.fleet.services.sites_import import (
    SITE_COLUMNS,
    sites_bulk_upsert,
    sites_import,
)
from configurator.tenancy.models import Organisation
from tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db

DEMO_FILE = Path(__file__).resolve().parents[3] / "configurator/fixtures/demo/fleet_sites.csv"
HEADER = "name,country,altitude_m,ambient_min_c,ambient_max_c,supply_breaker_a,dusty"


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Northwind Retail", slug="northwind")


def sheet(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_demo_file_holds_200_realistic_sites_that_import_cleanly(
    organisation: Organisation,
) -> None:
    """The demo file: 200 sites of many countries, indoor and outdoor, all valid; a second
    import changes nothing."""
    with DEMO_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    assert set(rows[0]) <= set(SITE_COLUMNS)
    assert len({r["country"] for r in rows}) >= 12
    assert {r["environment"] for r in rows} == {"indoor", "outdoor"}
    assert len({r["currency"] for r in rows}) >= 5
    result = sites_import(organisation=organisation, fileobj=DEMO_FILE.read_bytes(), fmt="csv")
    assert result.errors == []
    assert result.count("created") == 200
    assert Site.objects.filter(organisation=organisation).count() == 200
    again = sites_import(organisation=organisation, fileobj=DEMO_FILE.read_bytes(), fmt="csv")
    assert again.count("unchanged") == 200


def test_bad_rows_are_all_named_and_nothing_is_written(organisation: Organisation) -> None:
    """Every bad row is reported with its field; the good rows are not kept either."""
    data = sheet(
        "Store 1,FR,170,18,27,16,no",  # fine
        "Store 2,FR,9000,18,27,16,no",  # altitude out of range
        ",FR,100,18,27,16,no",  # no name
        "Store 1,DE,10,18,27,16,no",  # duplicate name
        "Store 4,FR,nan,18,27,16,no",  # not a finite number
        "Store 5,FR,10,18,27,16,maybe",  # not a boolean
        "Store 6,FR,10,30,20,16,no",  # min above max (the engine's Site says so)
        "Store 7,FR,10,18,27,,no",  # breaker cannot be blank
    )
    result = sites_import(organisation=organisation, fileobj=data, fmt="csv")
    named = {(e.row, e.field) for e in result.errors}
    assert {(3, "altitude_m"), (4, "name"), (5, "name"), (6, "altitude_m")} <= named
    assert (7, "dusty") in named
    assert (9, "supply_breaker_a") in named
    assert any(e.row == 8 for e in result.errors)
    assert not any(e.row == 2 for e in result.errors)
    assert not result.written
    assert not Site.objects.filter(organisation=organisation).exists()


def test_update_touches_only_the_columns_given(organisation: Organisation) -> None:
    """A sheet of name and altitude updates the altitude only; the rest stays."""
    site = SiteFactory(organisation=organisation, name="Store 1", supply_breaker_a=63)
    result = sites_import(
        organisation=organisation,
        fileobj=sheet("Store 1,1200", header="name,altitude_m"),
        fmt="csv",
    )
    assert [(r.action, r.changes) for r in result.rows] == [
        ("updated", {"altitude_m": (0.0, 1200.0)})
    ]
    site.refresh_from_db()
    assert (site.altitude_m, site.supply_breaker_a) == (1200, 63)


def test_dry_run_writes_nothing(organisation: Organisation) -> None:
    """A dry run says what it would do and keeps nothing."""
    result = sites_import(
        organisation=organisation,
        fileobj=sheet("Store 1,FR,170,18,27,16,no"),
        fmt="csv",
        dry_run=True,
    )
    assert result.ok
    assert not result.written
    assert [(r.action, r.site_id) for r in result.rows] == [("created", None)]
    assert not Site.objects.exists()


def test_xlsx_sheet_imports_like_csv(organisation: Organisation) -> None:
    """The first sheet of a workbook, typed cells included."""
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(HEADER.split(","))
    sheet_.append(["Store 9", "NO", 23, -5, 25, 32, True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = sites_import(organisation=organisation, fileobj=buffer.getvalue(), fmt="xlsx")
    assert result.errors == []
    site = Site.objects.get(organisation=organisation, name="Store 9")
    assert (site.country, site.ambient_min_c, site.dusty) == ("NO", -5, True)


def test_unknown_column_and_unreadable_file_are_refused(organisation: Organisation) -> None:
    """A header with an unknown column, or a file that is not a sheet, is one clear error."""
    unknown = sites_import(
        organisation=organisation, fileobj=sheet("x,1", header="name,colour"), fmt="csv"
    )
    assert [str(e) for e in unknown.errors] == ["row 1: unknown column 'colour'"]
    broken = sites_import(organisation=organisation, fileobj=b"\x00\xff not xlsx", fmt="xlsx")
    assert broken.errors[0].row == 1
    assert "XLSX" in broken.errors[0].message


def test_bulk_upsert_names_bad_objects_by_index(organisation: Organisation) -> None:
    """JSON objects: errors keyed by index; unknown fields refused; good lists written."""
    bad = sites_bulk_upsert(
        organisation=organisation,
        sites=[{"name": "A"}, {"name": "B", "altitude_m": -900}, {"name": "C", "colour": 1}],
    )
    assert {(e.row, e.field) for e in bad.errors} == {(2, "colour")}
    bad = sites_bulk_upsert(
        organisation=organisation, sites=[{"name": "A"}, {"name": "B", "altitude_m": -900}]
    )
    assert {(e.row, e.field) for e in bad.errors} == {(1, "altitude_m")}
    assert not Site.objects.exists()
    good = sites_bulk_upsert(
        organisation=organisation,
        sites=[{"name": "A", "country": "se", "occupied": False}, {"name": "B"}],
    )
    assert good.written
    assert Site.objects.get(name="A").country == "SE"
