"""/api/v1/builds/{id}/bom/: JSON, CSV and XLSX, cost by role, bundle comparison, queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from catalog.models import Component
from tests.api import (
    API,
    COST_ROLES,
    MANAGERS,
    ROLES,
    World,
    add_line,
    assert_envelope,
    count_queries,
    grow,
    make_world,
)
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COST_KEYS = {"unit_cost", "extended_cost", "margin_pct"}


def bom_url(world: World) -> str:
    return f"{API}/builds/{world.build.pk}/bom/"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("role", "status"),
    [(role, 401 if role == "anonymous" else 200 if role in MANAGERS else 404) for role in ROLES],
)
@pytest.mark.parametrize("file_format", ["json", "csv", "xlsx"])
def test_bom_permission_matrix(world: World, role: str, status: int, file_format: str) -> None:
    """The BOM is for callers who see the build; errors stay JSON whatever the format."""
    response = world.client(role).get(bom_url(world), {"format": file_format})
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/json"
        assert_envelope(response, status)


def test_bom_json_rows_totals_and_lead_time(world: World) -> None:
    """JSON BOM: rows grouped by category with quantities summed and money to cents."""
    add_line(world.build, world.components["server"], quantity=2)
    body = world.client("customer").get(bom_url(world)).json()
    rows = {row["sku"]: row for cat in body["categories"] for row in cat["rows"]}
    assert rows["R20"]["quantity"] == 3
    assert rows["R20"]["extended_list_price"] == "12600.00"
    assert body["totals"]["list_price"] == "15140.00"  # 890 + 1650 + 3 x 4200
    assert body["currency"] == "EUR"
    assert body["longest_lead_time_days"] == 21
    assert "R20" in body["longest_lead_item"]


@pytest.mark.parametrize("role", [role for role in ROLES if role in MANAGERS])
def test_bom_cost_only_for_cost_roles(world: World, role: str) -> None:
    """Cost columns appear for sales engineers and admins, never for customers/integrators."""
    body = world.client(role).get(bom_url(world)).json()
    row = body["categories"][0]["rows"][0]
    shows_cost = role in COST_ROLES
    assert (set(row) >= COST_KEYS) == shows_cost
    assert not (COST_KEYS & set(row)) or shows_cost
    assert ("cost" in body["totals"]) == shows_cost
    header = csv_rows(world.client(role).get(bom_url(world), {"format": "csv"}).content)[0]
    assert ("Unit cost" in header) == shows_cost


def test_bom_csv_parses_back(world: World) -> None:
    """?format=csv answers a CSV attachment whose rows match the JSON BOM."""
    client = world.client("admin")
    response = client.get(bom_url(world), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    header = rows[0]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    skus = {row["SKU"]: row for row in table}
    assert set(skus) == {"ER-42", "OL3000RT", "R20"}
    assert skus["R20"]["Extended list price"] == "4200.00"
    assert skus["R20"]["Unit cost"] == "3000.00"
    assert {row["Build"] for row in table} == {world.build.name}
    assert sum(Decimal(row["Extended list price"]) for row in table) == Decimal("6740.00")


def test_bom_xlsx_by_accept_header_parses_back(world: World) -> None:
    """Accept: the XLSX media type answers a workbook with the same rows."""
    response = world.client("customer").get(bom_url(world), HTTP_ACCEPT=XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert "Unit cost" not in header
    table = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    skus = {row["SKU"] for row in table if isinstance(row.get("Quantity"), int)}
    assert skus == {"ER-42", "OL3000RT", "R20"}


def test_bom_csv_by_accept_header(world: World) -> None:
    """Accept: text/csv picks the CSV renderer."""
    response = world.client("customer").get(bom_url(world), HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_bom_unknown_format_is_404(world: World) -> None:
    """An unknown ?format answers 404 in the envelope."""
    assert_envelope(world.client("admin").get(bom_url(world), {"format": "pdf"}), 404)


def test_bom_bundle_comparison(world: World) -> None:
    """?bundle=<id> adds the bundle next to the modular build's facility.

    Rack 890.00 + UPS 1650.00 = 2540.00; the server's 4200.00 is IT, which a kit does not
    hold, so it is left out of the modular side.
    """
    bundle = world.components["bundle"]
    body = world.client("admin").get(bom_url(world), {"bundle": bundle.pk}).json()
    comparison = body["bundle_comparison"]
    assert comparison["bundle_id"] == bundle.pk
    assert comparison["list_price"]["bundle"] == "9000.00"
    assert comparison["list_price"]["modular"] == "2540.00"
    assert comparison["it_capacity_w"]["bundle"] == 2000


@pytest.mark.parametrize("bundle", ["abc", "-1", "0", str(10**30), "999999", "SERVER"])
def test_bom_bad_bundle_is_400(world: World, bundle: str) -> None:
    """A bundle that is not a bundle component answers 400 naming `bundle`."""
    if bundle == "SERVER":
        bundle = str(world.components["server"].pk)
    response = world.client("admin").get(bom_url(world), {"bundle": bundle})
    assert "bundle" in assert_envelope(response, 400, "validation_error")["details"]


def test_bom_mixed_currencies_conflict(world: World) -> None:
    """A build priced in two currencies answers 409 `mixed_currencies` (no FX guessing)."""
    dollars: Component = ComponentFactory(currency="USD", sku="US-1")
    add_line(world.build, dollars)
    body = assert_envelope(world.client("admin").get(bom_url(world)), 409, "mixed_currencies")
    assert set(body["details"]["currencies"]) == {"EUR", "USD"}
    response = world.client("admin").get(bom_url(world), {"format": "csv"})
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("file_format", ["json", "csv", "xlsx"])
def test_bom_query_count_is_constant(world: World, file_format: str) -> None:
    """The BOM of a 10-line build costs the same queries as that of a 200-line build."""
    client = world.client("admin")
    counts = {}
    for size in (10, 200):
        grow(world.build, world.rack, world.components["server"], size)
        counts[size], response = count_queries(
            lambda: client.get(bom_url(world), {"format": file_format})
        )
        assert response.status_code == 200
    assert counts[10] == counts[200], counts
