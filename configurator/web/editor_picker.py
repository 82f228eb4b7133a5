"""The editor's component picker: catalogue search, and the add panel of the chosen part.

Results are one link each (a short list of tab stops, key figures in words); choosing one opens
the add panel with where it can go, what feeds it and, for a part on a liquid loop, what it
takes coolant from. The panel's options are a region of their
own (`add-options`): after a write they are redrawn when they change, and the typed quantity
stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from catalog.choices import ComponentKind
from catalog.selectors import component_list, component_to_engine
from configurator.web.editor_lines import coolant_options, position_groups
from configurator.web.editor_regions import digest
from rules.coolant import takes_coolant
from rules.feeds import supply_count
from rules.keyfigures import key_figures

if TYPE_CHECKING:
    from configurator.web.editor_context import EditorState

__all__ = ["PICKER_LIMIT", "add_panel", "picker", "picker_components"]

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


def _result(component: Any) -> dict[str, Any]:
    engine = component_to_engine(component)
    power = engine.typical_w if engine.typical_w is not None else engine.nameplate_w
    return {
        "pk": component.pk,
        "name": engine.name,
        "sku": component.sku,
        "kind": component.kind,
        "kind_label": component.get_kind_display(),
        "u_height": engine.u_height,
        "power_w": power,
        "figures": key_figures(engine),
        "supplies": supply_count(engine),
        "list_price": component.list_price,
        "cost_price": component.cost_price,
        "currency": component.currency,
        "is_rack": component.kind == ComponentKind.RACK,
        "depth_mm": engine.depth_mm,
    }


def picker(query: Mapping[str, Any]) -> dict[str, Any]:
    """The picker's context: the query, the kinds, and each result with its key figures."""
    return {
        "q": str(query.get("q") or "")[:100],
        "kind": str(query.get("kind") or ""),
        "kinds": ComponentKind.choices,
        "results": [_result(c) for c in picker_components(query)],
        "limit": PICKER_LIMIT,
    }


def add_panel(state: EditorState, component_pk: int) -> dict[str, Any] | None:
    """The add panel of one component: its figures, where it can go and what can feed it."""
    component = component_list().filter(pk=component_pk).first()
    if component is None:
        return None
    result = _result(component)
    groups = position_groups(
        state.spec,
        u_height=result["u_height"],
        kind=component.kind,
        depth_mm=result["depth_mm"],
    )
    supplies = result["supplies"]
    # A part that sits on a liquid loop picks the CDU or facility water it takes coolant from.
    engine = component_to_engine(component)
    coolant = coolant_options(state.spec, state.names, engine) if takes_coolant(engine) else []
    return {
        **result,
        "position_groups": groups,
        "feed_a": supplies > 0,
        "feed_b": supplies > 1,
        "is_battery": component.kind == ComponentKind.BATTERY,
        "takes_coolant": takes_coolant(engine),
        "coolant_options": coolant,
        "options_digest": digest(
            groups, state.sources, state.ups_options, coolant, state.read_only
        ),
    }
