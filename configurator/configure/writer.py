"""Write a proposal (the engine's wired ``BuildSpec``) into a build, through the builds services.

Every line goes through ``build_line_add`` / ``build_line_update``, so it passes the same
placement and feed checks as a line an engineer adds. Lines are written sources first (a line
can only name a feed, a rack, a UPS or a coolant source that exists), racks before anything in
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from catalog.models import Component
from catalog.selectors import component_list
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services
from rules.model import BuildSpec, PlacedItem

__all__ = ["spec_components", "spec_lines_write"]


def spec_components(spec: BuildSpec) -> dict[str, Component]:
    """The catalogue component behind every ref of ``spec``, in one query.

    A proposal's refs are component ids; the customer's own IT (not in the catalogue) has
    none, and a build cannot hold it.
    """
    refs = {r.component.ref for r in spec.racks} | {i.component.ref for i in spec.items}
    ids = {ref: int(ref) for ref in refs if ref.isdigit()}
    missing = sorted(refs - set(ids))
    if missing:
        raise ValidationError(
            {
                "option": [
                    "This proposal holds equipment that is not in the catalogue (the "
                    "customer's own IT); add it to the catalogue to save the build."
                ]
            }
        )
    found = component_list().in_bulk(ids.values())
    unknown = sorted(ref for ref, pk in ids.items() if pk not in found)
    if unknown:
        raise ValidationError({"option": [f"Components {', '.join(unknown)} no longer exist."]})
    return {ref: found[pk] for ref, pk in ids.items()}


def _ordered(items: Iterable[PlacedItem]) -> list[PlacedItem]:
    """Items with every feed, UPS and coolant source they name before them (the spec is
    acyclic)."""
    pending = list(items)
    done: set[str] = set()
    out: list[PlacedItem] = []
    while pending:
        ready = [
            i
            for i in pending
            if all(
                ref is None or ref in done for ref in (i.feed_a, i.feed_b, i.ups_id, i.coolant_from)
            )
        ]
        if not ready:
            raise ValidationError({"option": ["The proposal's feeds form a loop."]})
        for item in ready:
            out.append(item)
            done.add(item.id)
        pending = [i for i in pending if i.id not in done]
    return out


def _position(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def spec_lines_write(
    *,
    build: Build,
    spec: BuildSpec,
    components: Mapping[str, Component],
    reuse: Mapping[str, list[BuildLine]] | None = None,
) -> dict[str, BuildLine]:
    """Add the racks and items of ``spec`` to ``build``; returns the line of each spec id.

    ``reuse``: per component ref, lines already in the build to move into the proposal's
    place instead of adding new ones (the IT of "configure for me"); what is left of them
    afterwards is removed.
    """
    spare = {ref: list(lines) for ref, lines in (reuse or {}).items()}
    made: dict[str, BuildLine] = {}
    for n, rack in enumerate(spec.racks, start=1):
        made[rack.id] = line_services.build_line_add(
            build=build, component=components[rack.component.ref], note=rack.name or f"Rack {n}"
        )
    for item in _ordered(spec.items):

        def ref(name: str | None) -> BuildLine | None:
            return None if name is None else made[name]

        # Keyword arguments of both build_line_update and build_line_add.
        fields: dict[str, Any] = {
            "quantity": item.quantity,
            "rack": ref(item.rack_id),
            "position_u": _position(item.position_u),
            "face": item.face.value,
            "feed_a": ref(item.feed_a),
            "feed_b": ref(item.feed_b),
            "ups": ref(item.ups_id),
            "coolant_from": ref(item.coolant_from),
            "phase": item.phase,
        }
        own = spare.get(item.component.ref)
        if own:
            line = own.pop(0)
            made[item.id] = line_services.build_line_update(line=line, **fields)
        else:
            made[item.id] = line_services.build_line_add(
                build=build,
                component=components[item.component.ref],
                note=item.note,
                **fields,
            )
    for lines in spare.values():
        for line in lines:
            line_services.build_line_remove(line=line, cascade=True)
    return made
