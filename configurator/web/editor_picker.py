"""The editor's component picker: catalogue search and where each result could go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from catalog.choices import ComponentKind
from catalog.selectors import component_list, component_to_engine
from configurator.web.editor_lines import coolant_options, position_groups
from rules.coolant import takes_coolant
from rules.model import BuildSpec

__all__ = ["PICKER_LIMIT", "picker", "picker_components"]

PICKER_LIMIT = 20


def picker_components(query: Any) -> list[Any]:
    """Components matching the picker's kind and text, in catalogue order, at most a page."""
    components = component_list()
    kind = query.get("kind") or ""
    if kind in ComponentKind.values:
        components = components.filter(kind=kind)
    for word in (query.get("q") or "").split()[:5]:
        components = components.filter(
            Q(model_name__icontains=word)
            | Q(sku__icontains=word)
            | Q(manufacturer__name__icontains=word)
        )
    return list(components[:PICKER_LIMIT])


def picker(
    spec: BuildSpec,
    query: Mapping[str, Any],
    *,
    show_cost: bool,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The picker's context: the query, the kinds, and each result with its placements and,
    for a part that sits on a liquid loop, the CDU and facility water lines it may take
    coolant from."""
    names = dict(names or {})
    for item in spec.items:
        names.setdefault(item.id, item.component.name)
    results = []
    for component in picker_components(query):
        engine = component_to_engine(component)
        on_loop = takes_coolant(engine)
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
                "takes_coolant": on_loop,
                "coolant_options": coolant_options(spec, names, engine) if on_loop else [],
            }
        )
    return {
        "q": str(query.get("q") or "")[:100],
        "kind": str(query.get("kind") or ""),
        "kinds": ComponentKind.choices,
        "results": results,
    }
