"""BOM: hand-computed totals, grouping, cost visibility, currencies, bundle compare, exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from catalog.choices import ComponentKind
from configurator.builds.bom import Bom, money
from configurator.builds.models import Build
from configurator.builds.selectors import build_bom, build_bundle_comparison
from configurator.builds.services import lines as line_services
from configurator.documents.bom_export import bom_columns, bom_csv, bom_xlsx
from configurator.errors import Conflict
from tests.factories import (
    BuildFactory,
    BuildLineFactory,
    ComponentFactory,
    ManufacturerFactory,
    liquid_components,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def priced_build() -> Build:
    """Four components over five lines; prices chosen so rounding shows.

    rack    890.00 (cost 600.00)  x1
    server 1234.57 (cost 987.65)  x3 + x2 on two lines = x5
    server   99.99 (cost  50.00)  x1
    switch  333.33 (cost 200.00)  x3, lead time 30 days (the longest)
    """
    vendor = ManufacturerFactory(name="Acme")
    build = BuildFactory()

    def part(sku: str, kind: str, price: str, cost: str, lead: int) -> Any:
        return ComponentFactory(
            manufacturer=vendor,
            sku=sku,
            model_name=f"Model {sku}",
            kind=kind,
            list_price=D(price),
            cost_price=D(cost),
            lead_time_days=lead,
        )

    rack = part("R-1", ComponentKind.RACK, "890.00", "600.00", 10)
    big = part("S-1", ComponentKind.SERVER, "1234.57", "987.65", 14)
    small = part("S-2", ComponentKind.SERVER, "99.99", "50.00", 5)
    switch = part("W-1", ComponentKind.SWITCH, "333.33", "200.00", 30)
    BuildLineFactory(build=build, component=rack)
    BuildLineFactory(build=build, component=big, quantity=3)
    BuildLineFactory(build=build, component=switch, quantity=3)
    BuildLineFactory(build=build, component=big, quantity=2)
    BuildLineFactory(build=build, component=small)
    return build


def test_bom_rows_grouped_by_category_with_summed_quantities(priced_build: Build) -> None:
    """Categories in kind order; one row per component with its quantity summed."""
    bom = build_bom(priced_build, show_cost=False)
    assert [c.category for c in bom.categories] == ["Rack / enclosure", "Server", "Network switch"]
    assert [(r.sku, r.quantity) for r in bom.rows] == [
        ("R-1", 1),
        ("S-1", 5),  # 3 + 2 over two lines
        ("S-2", 1),
        ("W-1", 3),
    ]
    assert bom.line_count == 4


def test_bom_groups_the_liquid_side_after_cooling() -> None:
    """CDUs, facility water and leak detection follow the cooling units, in that order; a leak
    sensor is its own category, apart from the blanking panels (reference 8)."""
    parts = liquid_components()
    build = BuildFactory()
    for component in (
        parts["node"],
        ComponentFactory(kind=ComponentKind.ACCESSORY),  # a blanking panel
        parts["leak"],
        parts["fw"],
        parts["cdu"],
        ComponentFactory(kind=ComponentKind.COOLING),
        ComponentFactory(kind=ComponentKind.RACK),
    ):
        BuildLineFactory(build=build, component=component)
    bom = build_bom(build, show_cost=False)
    assert [(c.category, c.kind) for c in bom.categories] == [
        ("Rack / enclosure", "rack"),
        ("Cooling unit", "cooling"),
        ("Coolant distribution unit (CDU)", "cdu"),
        ("Facility water source (dry cooler / chiller)", "facility_water"),
        ("Leak detection", "accessory"),
        ("GPU server", "gpu_server"),
        ("Blanking panel / accessory", "accessory"),
    ]


def test_bom_totals_match_hand_computed_figures(priced_build: Build) -> None:
    """Extended prices, subtotals and totals equal the arithmetic in the docstring below.

    R-1: 1 x 890.00 = 890.00
    S-1: 5 x 1234.57 = 6172.85
    S-2: 1 x 99.99 = 99.99           server subtotal 6172.85 + 99.99 = 6272.84
    W-1: 3 x 333.33 = 999.99
    total 890.00 + 6272.84 + 999.99 = 8162.83; no discount, so net = list.
    """
    bom = build_bom(priced_build, show_cost=False)
    extended = {r.sku: r.extended_list_price for r in bom.rows}
    assert extended == {
        "R-1": D("890.00"),
        "S-1": D("6172.85"),
        "S-2": D("99.99"),
        "W-1": D("999.99"),
    }
    assert all(
        r.discount_pct == 0 and r.extended_net_price == r.extended_list_price for r in bom.rows
    )
    subtotals = {c.kind: c.subtotal.list_price for c in bom.categories}
    assert subtotals == {"rack": D("890.00"), "server": D("6272.84"), "switch": D("999.99")}
    assert (bom.totals.list_price, bom.totals.net_price) == (D("8162.83"), D("8162.83"))
    assert bom.currency == "EUR"
    assert (bom.longest_lead_time_days, bom.longest_lead_item) == (30, "Acme W-1 (Model W-1)")


def test_bom_cost_and_margin_when_shown(priced_build: Build) -> None:
    """Cost columns and margins, rounded half up to cents.

    R-1: cost 600.00, margin (890.00 - 600.00) / 890.00 = 32.584..% -> 32.58
    S-1: cost 5 x 987.65 = 4938.25, margin 1234.60 / 6172.85 = 20.0004..% -> 20.00
    S-2: cost 50.00, margin 49.99 / 99.99 = 49.9949..% -> 49.99
    W-1: cost 3 x 200.00 = 600.00, margin 399.99 / 999.99 = 39.9994..% -> 40.00
    total cost 600.00 + 4938.25 + 50.00 + 600.00 = 6188.25,
    margin (8162.83 - 6188.25) / 8162.83 = 1974.58 / 8162.83 = 24.1898..% -> 24.19
    """
    bom = build_bom(priced_build, show_cost=True)
    figures = {r.sku: (r.unit_cost, r.extended_cost, r.margin_pct) for r in bom.rows}
    assert figures == {
        "R-1": (D("600.00"), D("600.00"), D("32.58")),
        "S-1": (D("987.65"), D("4938.25"), D("20.00")),
        "S-2": (D("50.00"), D("50.00"), D("49.99")),
        "W-1": (D("200.00"), D("600.00"), D("40.00")),
    }
    assert (bom.totals.cost, bom.totals.margin_pct) == (D("6188.25"), D("24.19"))
    server = next(c for c in bom.categories if c.kind == "server")
    assert server.subtotal.cost == D("4988.25")  # 4938.25 + 50.00
    assert bom.totals.cost_complete


def test_bom_margin_rounds_half_up() -> None:
    """Net 200.00, cost 133.99: margin 66.01 / 200 = 33.005 % -> 33.01 (half up, not even)."""
    build = BuildFactory()
    BuildLineFactory(
        build=build, component=ComponentFactory(list_price=D("200.00"), cost_price=D("133.99"))
    )
    assert build_bom(build, show_cost=True).rows[0].margin_pct == D("33.01")
    assert money(D("0.125")) == D("0.13")


def test_bom_cost_hidden_when_show_cost_false(priced_build: Build) -> None:
    """Without show_cost no cost figure is computed or serialised, anywhere."""
    bom = build_bom(priced_build, show_cost=False)
    assert all(r.unit_cost is None and r.extended_cost is None for r in bom.rows)
    assert bom.totals.cost is None
    dumped = bom.model_dump(mode="json")
    text = repr(dumped)
    for key in ("unit_cost", "extended_cost", "margin_pct", "'cost'", "show_cost"):
        assert key not in text
    shown = build_bom(priced_build, show_cost=True).model_dump(mode="json")
    assert shown["totals"]["cost"] == "6188.25"
    assert shown["categories"][0]["rows"][0]["unit_cost"] == "600.00"


def test_bom_unknown_cost_leaves_margin_out() -> None:
    """A component without a cost price: cost total is partial and its margin is not given."""
    build = BuildFactory()
    BuildLineFactory(build=build, component=ComponentFactory(cost_price=None))
    BuildLineFactory(build=build, component=ComponentFactory(cost_price=D("10.00")))
    bom = build_bom(build, show_cost=True)
    assert not bom.totals.cost_complete
    assert (bom.totals.cost, bom.totals.margin_pct) == (D("10.00"), None)


def test_bom_mixed_currencies_refused() -> None:
    """Lines in EUR and USD: a Conflict listing the currencies and their components."""
    build = BuildFactory()
    BuildLineFactory(build=build, component=ComponentFactory(currency="EUR", sku="E-1"))
    BuildLineFactory(build=build, component=ComponentFactory(currency="USD", sku="U-1"))
    with pytest.raises(Conflict) as excinfo:
        build_bom(build, show_cost=False)
    assert excinfo.value.code == "mixed_currencies"
    assert "EUR, USD" in excinfo.value.message
    assert set(excinfo.value.details["currencies"]) == {"EUR", "USD"}


def test_bom_of_an_empty_build_uses_the_site_currency() -> None:
    """No lines: zero totals in the site's currency."""
    build = BuildFactory(site__currency="GBP")
    bom = build_bom(build, show_cost=False)
    assert (bom.currency, bom.totals.list_price, bom.categories) == ("GBP", D("0.00"), ())


# --------------------------------------------------------------------------- bundle comparison


def test_bundle_comparison_price_and_capacity() -> None:
    """Bundle vs modular side by side, facility only.

    Modular: rack + 2.7 kW UPS + PDU + server, each 1000.00; the kit holds no IT, so the
    server is left out: 3000.00 list against the bundle's 5000.00, difference -2000.00.
    IT capacity: UPS 2.7 kW x 1000 x utilisation 0.8 = 2160 W; no cooling unit, so the UPS
    alone bounds it. Per kW: bundle 5000.00 / 2 kW = 2500.00; modular 3000.00 / 2.16 kW
    = 1388.888.. -> 1388.89.
    """
    build = BuildFactory()
    rack = line_services.build_line_add(build=build, component=ComponentFactory(kind="rack"))
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="ups"), rack=rack, position_u=1
    )
    pdu = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="pdu"), rack=rack, feed_a=ups
    )
    line_services.build_line_add(
        build=build, component=ComponentFactory(), rack=rack, position_u=3, feed_a=pdu
    )
    bundle = ComponentFactory(
        kind=ComponentKind.BUNDLE,
        list_price=D("5000.00"),
        spec={
            "kind": "bundle",
            "members": [{"manufacturer": "X", "sku": "Y"}],
            "it_capacity_w": 2000,
            "cooling_capacity_w": 3000,
            "runtime_min_at_capacity": 10,
            "rack_units": 24,
        },
    )
    comparison = build_bundle_comparison(build, bundle=bundle)
    assert (comparison.list_price.bundle, comparison.list_price.modular) == (
        D("5000.00"),
        D("3000.00"),
    )
    assert comparison.list_price.difference == D("-2000.00")
    assert comparison.ups_it_capacity_w == pytest.approx(2160)
    assert comparison.cooling_it_capacity_w == 0
    assert comparison.it_capacity_w.bundle == 2000
    assert comparison.it_capacity_w.modular == pytest.approx(2160)
    assert (comparison.cooling_capacity_w.bundle, comparison.cooling_capacity_w.modular) == (
        3000,
        0,
    )
    assert comparison.runtime_min.bundle == 10
    assert comparison.runtime_min.modular is not None
    assert (comparison.rack_units.bundle, comparison.rack_units.modular) == (24, 42)
    assert comparison.price_per_it_kw.bundle == D("2500.00")
    assert comparison.price_per_it_kw.modular == D("1388.89")


def test_bundle_comparison_refuses_a_non_bundle_or_other_currency() -> None:
    """Only bundles compare, and only in the BOM's currency."""
    build = BuildFactory()
    BuildLineFactory(build=build)
    with pytest.raises(Conflict):
        build_bundle_comparison(build, bundle=ComponentFactory())
    usd_bundle = ComponentFactory(kind=ComponentKind.BUNDLE, currency="USD")
    with pytest.raises(Conflict):
        build_bundle_comparison(build, bundle=usd_bundle)


# --------------------------------------------------------------------------- exports


def _check_lines(bom: Bom, rows: list[list[Any]], number: Any, title: str) -> None:
    """The header row comes first and each following row is one BOM row, in order."""
    assert rows[0] == bom_columns(bom, title=title)
    col = {name: n for n, name in enumerate(rows[0])}
    items = rows[1 : 1 + len(bom.rows)]
    for cells, row in zip(items, bom.rows, strict=True):
        assert (cells[col["Category"]], cells[col["SKU"]]) == (row.category, row.sku)
        assert int(cells[col["Quantity"]]) == row.quantity
        assert number(cells[col["Unit list price"]]) == row.unit_list_price
        assert number(cells[col["Extended list price"]]) == row.extended_list_price
        assert number(cells[col["Extended net price"]]) == row.extended_net_price
        assert cells[col["Build"]] == title
        if bom.show_cost:
            assert number(cells[col["Extended cost"]]) == row.extended_cost
            assert number(cells[col["Margin %"]]) == row.margin_pct


@pytest.mark.parametrize("show_cost", [False, True])
def test_bom_csv_is_header_then_lines_for_an_import(priced_build: Build, show_cost: bool) -> None:
    """CSV: the header row first, one row per component, the build as a column; no title,
    blank or total rows an ERP import would choke on."""
    bom = build_bom(priced_build, show_cost=show_cost)
    data = bom_csv(bom, title="Store 12")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    _check_lines(bom, rows, lambda cell: D(cell), "Store 12")
    assert len(rows) == 1 + len(bom.rows)
    assert ("Unit cost" in rows[0]) is show_cost
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize("show_cost", [False, True])
def test_bom_xlsx_has_formats_widths_and_totals_below(priced_build: Build, show_cost: bool) -> None:
    """XLSX: the same table with number formats, fitted widths, a frozen filtered header, the
    subtotals and totals below it, and the build's details on "About"."""
    bom = build_bom(priced_build, show_cost=show_cost)
    workbook = openpyxl.load_workbook(io.BytesIO(bom_xlsx(bom, title="Store 12")))
    sheet = workbook["BOM"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    _check_lines(bom, rows, lambda cell: money(D(str(cell))), "Store 12")
    header = rows[0]
    col = {name: n + 1 for n, name in enumerate(header)}
    assert sheet.cell(row=2, column=col["Unit list price"]).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=col["Quantity"]).number_format == "#,##0"
    assert sheet.cell(row=2, column=col["Discount %"]).number_format == "0.00"
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref
        == f"A1:{sheet.cell(row=1, column=len(header)).column_letter}{1 + len(bom.rows)}"
    )
    model_width = sheet.column_dimensions[
        sheet.cell(row=1, column=col["Model"]).column_letter
    ].width
    assert model_width >= max(len(row.model_name) for row in bom.rows)
    below = rows[2 + len(bom.rows) :]
    assert [r[0] for r in below] == [f"Subtotal {c.category}" for c in bom.categories] + ["Total"]
    total = below[-1]
    assert money(D(str(total[col["Extended list price"] - 1]))) == bom.totals.list_price
    if bom.show_cost:
        assert money(D(str(total[col["Extended cost"] - 1]))) == bom.totals.cost
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Bill of materials"] == "Store 12"
    assert about["Longest lead time (days)"] == 30


def test_bom_exports_neutralise_formulas() -> None:
    """Catalogue text starting like a formula is written as text, not run by spreadsheets."""
    build = BuildFactory()
    BuildLineFactory(build=build, component=ComponentFactory(model_name="=HYPERLINK(1)"))
    bom = build_bom(build, show_cost=False)
    rows = list(csv.reader(io.StringIO(bom_csv(bom).decode("utf-8-sig"))))
    assert rows[1][3] == "'=HYPERLINK(1)"
    sheet = openpyxl.load_workbook(io.BytesIO(bom_xlsx(bom, title="=cmd")))["BOM"]
    assert sheet.cell(row=2, column=4).value == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=4).data_type == "s"
    assert sheet.cell(row=2, column=12).value == "'=cmd"
