"""The solver's catalogue: candidate components with what ``ComponentSpec`` does not carry.

``--catalog CATALOG.json`` format
---------------------------------
A JSON list (or ``{"entries": [...]}``) of catalogue entries::

    [
      {
        "component": { ...a ComponentSpec: ref, name, manufacturer, sku, kind, u_height,
                       weight_kg, depth_mm, nameplate_w, typical_w, list_price, currency,
                       lead_time_days, spec: {...the kind's spec} },
        "cost_price": 812.7,          # what the seller pays; null = unknown (list price used)
        "lifecycle": "active"         # active | end_of_sale | end_of_life
      },
      ...
    ]

The vendor is ``component.manufacturer``. ``entry_from_row`` turns one row of the catalogue
file format (``catalog.demo.load_demo_catalog()``, ``seed_catalog --file``) into an entry,
as ``catalog.selectors.component_to_engine`` does for a database row; ``python -m
catalog.demo`` prints the demo catalogue in this format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, model_validator

from rules.specs import ComponentSpec, Frozen, Kind, spec_model_for

__all__ = ["Catalog", "CatalogEntry", "catalog_adapter", "entry_from_row"]


class CatalogEntry(Frozen):
    """One candidate component: the engine's view plus cost price and lifecycle."""

    component: ComponentSpec
    cost_price: Annotated[float, Field(ge=0, le=1e9)] | None = None
    lifecycle: Literal["active", "end_of_sale", "end_of_life"] = "active"

    @property
    def ref(self) -> str:
        """The component's catalogue reference."""
        return self.component.ref

    @property
    def vendor(self) -> str:
        """The manufacturer: who supplies and supports the part."""
        return self.component.manufacturer

    @property
    def kind(self) -> Kind:
        """The component's kind."""
        return self.component.kind

    @property
    def active(self) -> bool:
        """Still sold: proposals use active parts unless told otherwise."""
        return self.lifecycle == "active"

    def price(self, *, cost: bool) -> float:
        """List price, or cost price (falling back to list when unknown)."""
        if cost and self.cost_price is not None:
            return self.cost_price
        return self.component.list_price


class Catalog(Frozen):
    """Every candidate component, refs unique."""

    entries: tuple[CatalogEntry, ...] = ()

    @model_validator(mode="after")
    def _unique_refs(self) -> Catalog:
        refs = [e.ref for e in self.entries]
        if len(set(refs)) != len(refs):
            twice = next(r for r in refs if refs.count(r) > 1)
            raise ValueError(f"catalogue ref {twice!r} appears twice")
        return self

    def by_ref(self) -> dict[str, CatalogEntry]:
        """Entries by reference."""
        return {e.ref: e for e in self.entries}

    def of_kind(self, *kinds: Kind) -> list[CatalogEntry]:
        """Entries of these kinds, in catalogue order."""
        return [e for e in self.entries if e.kind in kinds]


def catalog_adapter() -> TypeAdapter[Catalog | list[CatalogEntry]]:
    """Validates a ``--catalog`` file: a list of entries or ``{"entries": [...]}``."""
    return TypeAdapter(Catalog | list[CatalogEntry])


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def entry_from_row(row: Mapping[str, Any]) -> CatalogEntry:
    """A catalogue-file row (``manufacturer``, ``sku``, ``kind``, decimals as strings, ``spec``)
    as a solver entry; the ref is ``manufacturer:sku``, as the engine's examples use."""
    kind = Kind(str(row["kind"]))
    manufacturer = str(row["manufacturer"])
    sku = str(row["sku"])
    component = ComponentSpec(
        ref=f"{manufacturer}:{sku}",
        name=f"{manufacturer} {row.get('model_name') or sku}",
        manufacturer=manufacturer,
        sku=sku,
        kind=kind,
        u_height=float(row.get("u_height") or 0),
        weight_kg=_number(row.get("weight_kg")),
        depth_mm=_number(row.get("depth_mm")),
        airflow=row.get("airflow") or "passive",
        nameplate_w=_number(row.get("nameplate_w")),
        typical_w=_number(row.get("typical_w")),
        list_price=float(row.get("list_price") or 0),
        currency=str(row.get("currency") or "EUR"),
        lead_time_days=int(row.get("lead_time_days") or 0),
        spec=spec_model_for(kind).model_validate(row.get("spec") or {}),
    )
    return CatalogEntry(
        component=component,
        cost_price=_number(row.get("cost_price")),
        lifecycle=row.get("lifecycle") or "active",
    )


def catalog_from_rows(rows: Sequence[Mapping[str, Any]]) -> Catalog:
    """A catalogue from catalogue-file rows."""
    return Catalog(entries=tuple(entry_from_row(r) for r in rows))
