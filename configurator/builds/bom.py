"""Bill of materials of a build: rows per component, category subtotals, totals, bundle compare.

Money is Decimal, rounded ROUND_HALF_UP to cents per extended row and summed from the rounded
rows, so every subtotal equals the sum of the figures printed above it. Cost columns (unit
and extended cost, margin) are filled and serialised only when the caller may see cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from catalog.choices import ComponentKind
from catalog.models import Component
from configurator.builds.models import BuildLine
from configurator.errors import Conflict
from rules.model import Report
from rules.specs import BundleSpec, Kind, Policy

__all__ = [
    "COST_FIELDS",
    "Bom",
    "BomCategory",
    "BomChange",
    "BomDiffRow",
    "BomRow",
    "BomTotals",
    "BundleComparison",
    "bom_compute",
    "bom_diff",
    "bundle_compare",
    "money",
]

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
# Columns shown only to roles that may see cost (configurator.tenancy.permissions.can_see_cost).
COST_FIELDS = frozenset({"unit_cost", "extended_cost", "margin_pct", "cost", "cost_complete"})
# Categories in the catalogue's kind order (racks first, accessories, bundles last), except that
# the liquid side follows the cooling it extends: cooling units, CDUs, facility water sources,
# then the leak detection those loops need (accessories of their own category).
LEAK_DETECTION = "leak_detection"
LEAK_DETECTION_LABEL = "Leak detection"
_LIQUID = (ComponentKind.CDU.value, ComponentKind.FACILITY_WATER.value, LEAK_DETECTION)
_CATEGORY_ORDER = {
    key: n
    for n, key in enumerate(
        key
        for kind in ComponentKind.values
        if kind not in _LIQUID
        for key in ((kind, *_LIQUID) if kind == ComponentKind.COOLING else (kind,))
    )
}


def _category(component: Component) -> tuple[str, str]:
    """The BOM category of a component: its key (kind, or leak_detection) and its label."""
    spec = component.spec or {}
    if component.kind == ComponentKind.ACCESSORY and spec.get("accessory_type") == LEAK_DETECTION:
        return LEAK_DETECTION, LEAK_DETECTION_LABEL
    return component.kind, ComponentKind(component.kind).label


def money(value: Decimal) -> Decimal:
    """Round to cents, half up, as invoices do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _margin_pct(net: Decimal, cost: Decimal | None) -> Decimal | None:
    """Gross margin on the net price in percent; None without a cost or a price."""
    if cost is None or net == 0:
        return None
    return money((net - cost) / net * HUNDRED)


class _Out(BaseModel):
    """Base of BOM values: frozen; cost keys dropped from the output unless `show_cost`."""

    model_config = ConfigDict(frozen=True)

    show_cost: bool = Field(default=False, exclude=True)

    @model_serializer(mode="wrap")
    def _hide_cost(self, handler: Any) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not self.show_cost:
            for field in COST_FIELDS:
                data.pop(field, None)
        return data


class BomRow(_Out):
    """One component of the build, its quantity summed over the build's lines."""

    component_id: int
    category: str
    kind: str
    manufacturer: str
    sku: str
    model_name: str
    quantity: int
    unit_list_price: Decimal
    extended_list_price: Decimal
    discount_pct: Decimal = ZERO
    extended_net_price: Decimal
    currency: str
    lead_time_days: int
    unit_cost: Decimal | None = None
    extended_cost: Decimal | None = None
    margin_pct: Decimal | None = None


class BomTotals(_Out):
    """Sums of list and net price, and of cost and margin when shown."""

    list_price: Decimal
    net_price: Decimal
    cost: Decimal | None = None
    margin_pct: Decimal | None = None
    cost_complete: bool = True


class BomCategory(_Out):
    """The rows of one category (component kind) and their subtotal."""

    category: str
    kind: str
    rows: tuple[BomRow, ...]
    subtotal: BomTotals


class Bom(_Out):
    """A build's bill of materials grouped by category, with totals and the longest lead."""

    currency: str
    categories: tuple[BomCategory, ...]
    totals: BomTotals
    line_count: int = Field(description="Distinct components (BOM rows).")
    longest_lead_time_days: int
    longest_lead_item: str | None = Field(description="Manufacturer SKU (model) of that item.")

    @property
    def rows(self) -> tuple[BomRow, ...]:
        """Every row in category order."""
        return tuple(row for category in self.categories for row in category.rows)


def _totals(rows: Iterable[BomRow], *, show_cost: bool) -> BomTotals:
    rows = list(rows)
    list_total = sum((r.extended_list_price for r in rows), ZERO)
    net_total = sum((r.extended_net_price for r in rows), ZERO)
    if not show_cost:
        return BomTotals(list_price=list_total, net_price=net_total)
    costs = [r.extended_cost for r in rows]
    complete = all(c is not None for c in costs)
    cost_total = sum((c for c in costs if c is not None), ZERO)
    return BomTotals(
        show_cost=True,
        list_price=list_total,
        net_price=net_total,
        cost=cost_total,
        # A margin over partly unknown costs would overstate it: leave it out.
        margin_pct=_margin_pct(net_total, cost_total) if complete else None,
        cost_complete=complete,
    )


def _row(component: Component, quantity: int, *, show_cost: bool) -> BomRow:
    unit = money(component.list_price)
    extended = money(unit * quantity)
    discount = ZERO  # no discount model yet; the column is part of the contract
    net = money(extended * (HUNDRED - discount) / HUNDRED)
    row: dict[str, Any] = {
        "component_id": component.pk,
        "category": _category(component)[1],
        "kind": component.kind,
        "manufacturer": component.manufacturer.name,
        "sku": component.sku,
        "model_name": component.model_name,
        "quantity": quantity,
        "unit_list_price": unit,
        "extended_list_price": extended,
        "discount_pct": discount,
        "extended_net_price": net,
        "currency": component.currency,
        "lead_time_days": component.lead_time_days,
    }
    if show_cost:
        unit_cost = None if component.cost_price is None else money(component.cost_price)
        extended_cost = None if unit_cost is None else money(unit_cost * quantity)
        row.update(
            show_cost=True,
            unit_cost=unit_cost,
            extended_cost=extended_cost,
            margin_pct=_margin_pct(net, extended_cost),
        )
    return BomRow(**row)


def bom_compute(
    lines: Iterable[BuildLine], *, show_cost: bool, default_currency: str = "EUR"
) -> Bom:
    """The BOM of these lines (component and manufacturer loaded); one currency or Conflict."""
    quantities: dict[int, int] = {}
    components: dict[int, Component] = {}
    for line in lines:
        components.setdefault(line.component_id, line.component)
        quantities[line.component_id] = quantities.get(line.component_id, 0) + line.quantity

    currencies = sorted({c.currency for c in components.values()})
    if len(currencies) > 1:
        by_currency = {
            currency: sorted(
                f"{c.manufacturer.name} {c.sku}"
                for c in components.values()
                if c.currency == currency
            )
            for currency in currencies
        }
        raise Conflict(
            "The build mixes currencies (" + ", ".join(currencies) + "); prices are not "
            "converted. Use components priced in one currency.",
            code="mixed_currencies",
            details={"currencies": by_currency},
        )

    keys = {pk: _category(component)[0] for pk, component in components.items()}
    rows = sorted(
        (_row(components[pk], qty, show_cost=show_cost) for pk, qty in quantities.items()),
        key=lambda r: (
            _CATEGORY_ORDER.get(keys[r.component_id], 99),
            r.manufacturer,
            r.sku,
            r.component_id,
        ),
    )
    categories: list[BomCategory] = []
    for row in rows:
        if not categories or categories[-1].category != row.category:
            categories.append(
                BomCategory(
                    show_cost=show_cost,
                    category=row.category,
                    kind=row.kind,
                    rows=(),
                    subtotal=_totals((), show_cost=show_cost),
                )
            )
        last = categories[-1]
        grown = (*last.rows, row)
        categories[-1] = last.model_copy(
            update={"rows": grown, "subtotal": _totals(grown, show_cost=show_cost)}
        )

    longest = max(rows, key=lambda r: (r.lead_time_days, -r.component_id), default=None)
    return Bom(
        show_cost=show_cost,
        currency=currencies[0] if currencies else default_currency,
        categories=tuple(categories),
        totals=_totals(rows, show_cost=show_cost),
        line_count=len(rows),
        longest_lead_time_days=longest.lead_time_days if longest else 0,
        longest_lead_item=(
            f"{longest.manufacturer} {longest.sku} ({longest.model_name})" if longest else None
        ),
    )


# --------------------------------------------------------------------------- line-by-line diff


class BomChange(StrEnum):
    """How one component differs between two BOMs."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


class BomDiffRow(BaseModel):
    """One component of either BOM: its quantity and price in A and in B, and what changed."""

    model_config = ConfigDict(frozen=True)

    component_id: int
    category: str
    manufacturer: str
    sku: str
    model_name: str
    change: BomChange
    quantity_changed: bool
    price_changed: bool
    quantity_a: int | None
    quantity_b: int | None
    unit_price_a: Decimal | None
    unit_price_b: Decimal | None
    extended_a: Decimal | None = Field(description="Extended net price in A.")
    extended_b: Decimal | None = Field(description="Extended net price in B.")
    difference: Decimal = Field(description="Extended net B - A (a missing side counts 0).")


def bom_diff(a: Bom, b: Bom) -> list[BomDiffRow]:
    """Every component of A or B, keyed by catalogue component: added in B, removed from A,
    changed (quantity or unit price) or the same; in B's category order, removed ones after
    their category's remaining rows."""
    rows_a = {row.component_id: row for row in a.rows}
    rows_b = {row.component_id: row for row in b.rows}
    order = [*rows_b, *(pk for pk in rows_a if pk not in rows_b)]
    diff = []
    for pk in order:
        first, second = rows_a.get(pk), rows_b.get(pk)
        shown = second or first
        if shown is None:  # pragma: no cover - every key comes from one of the two
            continue
        quantity_changed = bool(first and second and first.quantity != second.quantity)
        price_changed = bool(first and second and first.unit_list_price != second.unit_list_price)
        if first is None:
            change = BomChange.ADDED
        elif second is None:
            change = BomChange.REMOVED
        elif quantity_changed or price_changed:
            change = BomChange.CHANGED
        else:
            change = BomChange.SAME
        extended_a = first.extended_net_price if first else None
        extended_b = second.extended_net_price if second else None
        diff.append(
            BomDiffRow(
                component_id=pk,
                category=shown.category,
                manufacturer=shown.manufacturer,
                sku=shown.sku,
                model_name=shown.model_name,
                change=change,
                quantity_changed=quantity_changed,
                price_changed=price_changed,
                quantity_a=first.quantity if first else None,
                quantity_b=second.quantity if second else None,
                unit_price_a=first.unit_list_price if first else None,
                unit_price_b=second.unit_list_price if second else None,
                extended_a=extended_a,
                extended_b=extended_b,
                difference=(extended_b or ZERO) - (extended_a or ZERO),
            )
        )
    category_order: dict[str, int] = {}
    for category in (*b.categories, *a.categories):
        category_order.setdefault(category.category, len(category_order))
    return sorted(diff, key=lambda row: category_order[row.category])


# --------------------------------------------------------------------------- bundle comparison


class SideBySide(BaseModel):
    """One figure for the bundle and for the modular build, and their difference."""

    model_config = ConfigDict(frozen=True)

    bundle: Decimal | float | None
    modular: Decimal | float | None
    difference: Decimal | float | None = Field(description="modular - bundle, when both known.")
    unit: str


class BundleComparison(BaseModel):
    """A modular build next to a pre-integrated bundle: price and engineering capacity.

    Prices compare the facility only (racks, power, cooling, fire, accessories): a kit
    carries no IT, and the IT is the customer's either way.
    """

    model_config = ConfigDict(frozen=True)

    bundle_id: int
    bundle_name: str
    currency: str
    list_price: SideBySide
    net_price: SideBySide
    it_capacity_w: SideBySide
    ups_it_capacity_w: float = Field(description="UPS kW x 1000 x utilisation limit.")
    cooling_it_capacity_w: float = Field(description="Installed sensible W x utilisation limit.")
    cooling_capacity_w: SideBySide
    runtime_min: SideBySide
    rack_units: SideBySide
    price_per_it_kw: SideBySide


def _side(bundle: Any, modular: Any, unit: str) -> SideBySide:
    difference = None if bundle is None or modular is None else modular - bundle
    return SideBySide(bundle=bundle, modular=modular, difference=difference, unit=unit)


def bundle_compare(
    *, bom: Bom, bundle: Component, report: Report, policy: Policy
) -> BundleComparison:
    """Compare a build (its BOM and engine report) with a bundle of the catalogue.

    The modular price is the BOM's facility rows only; IT rows are left out because a kit
    holds none. Modular IT capacity is what both power and cooling carry within the
    policy's utilisation limit: min(UPS kW x u, cooling sensible W x u); without cooling
    units the build relies on the room, so the UPS alone bounds it.
    """
    if bundle.kind != ComponentKind.BUNDLE:
        raise Conflict(f"{bundle} is a {bundle.get_kind_display()}, not a bundle.")
    if bundle.currency != bom.currency:
        raise Conflict(
            f"The bundle is priced in {bundle.currency} and the build in {bom.currency}; "
            "prices are not converted.",
            code="mixed_currencies",
            details={"currencies": sorted({bundle.currency, bom.currency})},
        )
    spec = BundleSpec.model_validate(bundle.spec)
    metrics = report.metrics
    limit = policy.utilisation_limit
    ups_capacity = metrics.ups_capacity_kw * 1000 * limit
    cooling_capacity = metrics.cooling_installed_sensible_w * limit
    bounds = [c for c in (ups_capacity, cooling_capacity) if c > 0]
    modular_it = min(bounds) if bounds else 0.0
    rack_units = sum(rack.u_total for rack in metrics.racks)
    bundle_price = money(bundle.list_price)
    facility = [row for row in bom.rows if not Kind(row.kind).is_it]
    facility_list = money(sum((row.extended_list_price for row in facility), ZERO))
    facility_net = money(sum((row.extended_net_price for row in facility), ZERO))

    def per_kw(price: Decimal, watts: float) -> Decimal | None:
        return money(price / Decimal(str(watts)) * 1000) if watts > 0 else None

    return BundleComparison(
        bundle_id=bundle.pk,
        bundle_name=f"{bundle.manufacturer.name} {bundle.model_name}",
        currency=bom.currency,
        list_price=_side(bundle_price, facility_list, bom.currency),
        net_price=_side(bundle_price, facility_net, bom.currency),
        it_capacity_w=_side(spec.it_capacity_w, modular_it, "W"),
        ups_it_capacity_w=ups_capacity,
        cooling_it_capacity_w=cooling_capacity,
        cooling_capacity_w=_side(
            spec.cooling_capacity_w, metrics.cooling_installed_sensible_w, "W"
        ),
        runtime_min=_side(spec.runtime_min_at_capacity, metrics.runtime_min, "min"),
        rack_units=_side(spec.rack_units, rack_units, "U"),
        price_per_it_kw=_side(
            per_kw(bundle_price, spec.it_capacity_w),
            per_kw(facility_list, modular_it),
            f"{bom.currency}/kW",
        ),
    )
