"""Reads of the catalogue: ordered querysets and the engine's view of a component."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from catalog.models import PRICE_FIELDS, Component, Manufacturer, PriceBookEntry
from rules.solver.catalog import Catalog, CatalogEntry
from rules.specs import ComponentSpec, Kind, spec_model_for


def manufacturer_list() -> QuerySet[Manufacturer]:
    """All manufacturers, ordered by name."""
    return Manufacturer.objects.order_by("name", "pk")


def component_list(*, owners: Any = None) -> QuerySet[Component]:
    """Components with their manufacturer, in catalogue order (manufacturer, SKU).

    `owners` (organisations, or ids): the shared library plus those owners' private
    components. None: every component (for code that is not a request, e.g. importers).
    """
    queryset = Component.objects.select_related("manufacturer")
    if owners is not None:
        queryset = queryset.filter(Q(owner__isnull=True) | Q(owner__in=owners))
    return queryset.order_by("manufacturer__name", "sku", "pk")


def price_entry_list(*, sellers: Any) -> QuerySet[PriceBookEntry]:
    """Price book entries of `sellers` (None: all), with component and seller, ordered."""
    queryset = PriceBookEntry.objects.select_related("seller", "component__manufacturer")
    if sellers is not None:
        queryset = queryset.filter(seller__in=sellers)
    return queryset.order_by("seller_id", "component__manufacturer__name", "component__sku", "pk")


def with_seller_prices(queryset: QuerySet[Any], seller_id: Any, *, outer: str = "pk") -> Any:
    """Annotate each row (a component, or a row naming one in its field `outer`) with the
    seller's price book entry: ``price_entry``, ``price_list_price``, ``price_cost_price``,
    ``price_currency``, ``price_lead_time_days``. Still one query. `seller_id` is an id
    or an expression (an OuterRef to a per-row seller).
    """
    entries = PriceBookEntry.objects.filter(seller_id=seller_id, component_id=OuterRef(outer))
    return queryset.annotate(
        price_entry=Subquery(entries.values("pk")[:1]),
        **{f"price_{field}": Subquery(entries.values(field)[:1]) for field in PRICE_FIELDS},
    )


def apply_seller_prices(component: Component, annotated: Any) -> Component:
    """Overlay the seller's prices (annotations of `with_seller_prices`) on `component`.

    In memory only, never saved: where the seller has no entry the library's reference
    figures stay. Returns the component for chaining.
    """
    if getattr(annotated, "price_entry", None) is not None:
        for field in PRICE_FIELDS:
            setattr(component, field, getattr(annotated, f"price_{field}"))
        component.priced_by_seller = True  # type: ignore[attr-defined]
    return component


def component_get_by_natural_key(*, manufacturer_name: str, sku: str) -> Component | None:
    """The component with this manufacturer name and SKU, or None."""
    return component_list().filter(manufacturer__name=manufacturer_name, sku=sku).first()


def components_missing(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (manufacturer name, SKU) pairs have no component, in one query."""
    wanted = set(keys)
    if not wanted:
        return set()
    condition = Q()
    for manufacturer_name, sku in wanted:
        condition |= Q(manufacturer__name=manufacturer_name, sku=sku)
    found = set(Component.objects.filter(condition).values_list("manufacturer__name", "sku"))
    return wanted - found


def bundle_member_errors(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors keyed ``spec.members.<i>`` for bundle members missing from the catalogue."""
    members = spec.get("members") or ()
    keys = [(str(m.get("manufacturer", "")), str(m.get("sku", ""))) for m in members]
    missing = components_missing(keys)
    return {
        f"spec.members.{index}": [f"Unknown component {key[0]} / {key[1]}."]
        for index, key in enumerate(keys)
        if key in missing
    }


def component_to_engine(component: Component) -> ComponentSpec:
    """The engine's frozen view of a component (floats, parsed spec); reads no extra rows.

    Unknown figures stay unknown: no weight is ``weight_kg=None`` (the engine says the rack
    load is a lower bound), no airflow is ``airflow=None`` (it says it cannot judge it).
    """

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    kind = Kind(component.kind)
    return ComponentSpec(
        ref=str(component.pk),
        name=f"{component.manufacturer} {component.model_name}",
        manufacturer=component.manufacturer.name,
        sku=component.sku,
        kind=kind,
        u_height=float(component.u_height),
        weight_kg=number(component.weight_kg),
        depth_mm=number(component.depth_mm),
        airflow=component.airflow or None,
        nameplate_w=number(component.nameplate_w),
        typical_w=number(component.typical_w),
        list_price=float(component.list_price),
        currency=component.currency,
        lead_time_days=component.lead_time_days,
        spec=spec_model_for(kind).model_validate(component.spec or {}),
    )


def solver_catalog(
    *, with_cost: bool, by_key: bool = False, seller_id: int | None = None
) -> Catalog:
    """Every component as the solver's catalogue (``rules.solver.Catalog``), in one query.

    Lifecycles are kept (the solver proposes active parts only unless asked otherwise, but a
    build's own IT may be older). Cost prices only ``with_cost``: the seller's cost objective
    and cost figures; without, the solver knows list prices only. Refs are component ids, as
    the engine's view of a build has them (``component_to_engine``), or ``manufacturer:sku``
    (``by_key``) for a file a person reads and edits. With ``seller_id``: the shared library
    and that seller's private parts, at the seller's own prices (its price book), as the
    editor's picker offers them.
    """
    entries = []
    components = component_list(owners=None if seller_id is None else [seller_id])
    if seller_id is not None:
        components = with_seller_prices(components, seller_id)
    for component in components:
        if seller_id is not None:
            apply_seller_prices(component, component)
        engine = component_to_engine(component)
        if by_key:
            engine = engine.model_copy(update={"ref": f"{engine.manufacturer}:{engine.sku}"})
        cost = component.cost_price if with_cost else None
        entries.append(
            CatalogEntry(
                component=engine,
                cost_price=None if cost is None else float(cost),
                lifecycle=component.lifecycle,
            )
        )
    return Catalog(entries=tuple(entries))
