"""The editor's component picker: catalogue search and where each result could go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from catalog.choices import ComponentKind
from catalog.selectors import apply_seller_prices, component_list, with_seller_prices
from configurator.web.editor_lines import position_groups
from rules.model import BuildSpec

__all__ = ["PICKER_LIMIT", "picker", "picker_components"]

PICKER_LIMIT = 20


def picker_components(query: Any, *, seller_id: int | None = None) -> list[Any]:
    """Components matching the picker's kind and text, in catalogue order, at most a page.

    The shared library plus the build's seller's private components, never another's,
    priced from the seller's price book (the library's reference price where it has none).
    """
    components = component_list(owners=[] if seller_id is None else [seller_id])
    kind = query.get("kind") or ""
    if kind in ComponentKind.values:
        components = components.filter(kind=kind)
    for word in (query.get("q") or "").split()[:5]:
        components = components.filter(
            Q(model_name__icontains=word)
            | Q(sku__icontains=word)
            | Q(manufacturer__name__icontains=word)
        )
    priced = with_seller_prices(components, seller_id)[:PICKER_LIMIT]
    return [apply_seller_prices(component, component) for component in priced]


def picker(
    spec: BuildSpec, query: Mapping[str, Any], *, show_cost: bool, seller_id: int | None = None
) -> dict[str, Any]:
    """The picker's context: the query, the kinds, and each result with its placements."""
    results = []
    for component in picker_components(query, seller_id=seller_id):
        u_height = float(component.u_height)
        power = component.typical_w if component.typical_w is not None else component.nameplate_w
        results.append(
            {
                "pk": component.pk,
                "name": f"{component.manufacturer.name} {component.model_name}",
                "sku": component.sku,
                "kind": component.kind,
                "kind_label": component.get_kind_display(),
                "u_height": u_height,
                "power_w": None if power is None else float(power),
                "list_price": component.list_price,
                "cost_price": component.cost_price if show_cost else None,
                "currency": component.currency,
                "is_rack": component.kind == ComponentKind.RACK,
                "position_groups": position_groups(
                    spec,
                    u_height=u_height,
                    kind=component.kind,
                    depth_mm=float(component.depth_mm) if component.depth_mm else None,
                ),
            }
        )
    return {
        "q": str(query.get("q") or "")[:100],
        "kind": str(query.get("kind") or ""),
        "kinds": ComponentKind.choices,
        "results": results,
    }
