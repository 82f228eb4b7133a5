"""Reads of the catalogue: ordered querysets and the engine's view of a component."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet

from catalog.models import Component, Manufacturer
from rules.solver.catalog import Catalog, CatalogEntry
from rules.specs import ComponentSpec, Kind, spec_model_for


def manufacturer_list() -> QuerySet[Manufacturer]:
    """All manufacturers, ordered by name."""
    return Manufacturer.objects.order_by("name", "pk")


def component_list() -> QuerySet[Component]:
    """All components with their manufacturer, in catalogue order (manufacturer, SKU)."""
    return Component.objects.select_related("manufacturer").order_by(
        "manufacturer__name", "sku", "pk"
    )


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


def solver_catalog(*, with_cost: bool, by_key: bool = False) -> Catalog:
    """Every component as the solver's catalogue (``rules.solver.Catalog``), in one query.

    Lifecycles are kept (the solver proposes active parts only unless asked otherwise, but a
    build's own IT may be older). Cost prices only ``with_cost``: the seller's cost objective
    and cost figures; without, the solver knows list prices only. Refs are component ids, as
    the engine's view of a build has them (``component_to_engine``), or ``manufacturer:sku``
    (``by_key``) for a file a person reads and edits.
    """
    entries = []
    for component in component_list():
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
