"""Inline builds: a BuildSpec posted as JSON whose components may be catalogue references.

The body has the schema of `python -m rules check`, except that each rack's or item's
`component` may also be `{"id": <component pk>}` or `{"manufacturer": <slug or name>,
"sku": ...}`. References are resolved in one query, then pydantic validates the whole
build; nothing is stored.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import Q

from catalog.models import Component
from catalog.selectors import component_list, component_to_engine
from rules import evaluate
from rules.io import format_loc
from rules.model import BuildSpec, Report
from rules.specs import ComponentSpec

__all__ = [
    "MAX_INLINE_ITEMS",
    "MAX_INLINE_RACKS",
    "REFERENCE_KEYS",
    "inline_build_evaluate",
    "inline_build_spec",
]

# An inline build is evaluated inside the request; these bounds keep one request cheap.
MAX_INLINE_RACKS = 200
MAX_INLINE_ITEMS = 5000
REFERENCE_KEYS = frozenset({"id", "manufacturer", "sku"})
# Primary keys are 64-bit; a larger number can name no row (and would overflow SQLite).
_MAX_PK = 2**63 - 1
# Model-level validators of BuildSpec name the field at the start of their message.
_LOCATED_MESSAGE = re.compile(r"^(?P<loc>[A-Za-z_][\w]*(?:\.\w+)+): (?P<msg>.+)$", re.DOTALL)


def _is_reference(value: Any) -> bool:
    """A component given by catalogue reference rather than as a full ComponentSpec."""
    return isinstance(value, Mapping) and bool(value) and set(value) <= REFERENCE_KEYS


def _reference_error(reference: Mapping[str, Any]) -> tuple[str, str] | None:
    """(sub-field, message) when a reference is malformed, else None."""
    keys = set(reference)
    if "id" in keys:
        if keys != {"id"}:
            return "id", "give either an id or a manufacturer and a SKU, not both"
        pk = reference["id"]
        if isinstance(pk, bool) or not isinstance(pk, int):
            return "id", "a component id must be an integer"
        return None
    for field in ("manufacturer", "sku"):
        if field not in keys:
            return field, "required with a catalogue reference by manufacturer and SKU"
        value = reference[field]
        if not isinstance(value, str) or not value.strip():
            return field, "must be a non-empty string"
        if "\x00" in value:
            # No catalogue text holds NUL, and PostgreSQL refuses it in a query.
            return field, "must not contain NUL characters"
    return None


def _collect_references(
    payload: Mapping[str, Any],
) -> tuple[list[tuple[str, Mapping[str, Any]]], dict[str, list[str]]]:
    """Every component reference as (location, reference), and the malformed ones as errors."""
    references: list[tuple[str, Mapping[str, Any]]] = []
    errors: dict[str, list[str]] = {}
    for section in ("racks", "items"):
        entries = payload.get(section)
        if not isinstance(entries, list):
            continue  # pydantic reports a missing or mistyped section
        for index, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or not _is_reference(entry.get("component")):
                continue
            location = f"{section}.{index}.component"
            reference = entry["component"]
            problem = _reference_error(reference)
            if problem is None:
                references.append((location, reference))
            else:
                errors.setdefault(f"{location}.{problem[0]}", []).append(problem[1])
    return references, errors


def _fetch(references: list[tuple[str, Mapping[str, Any]]], owners: Any) -> list[Component]:
    """Candidate components for every reference, in one query (library + `owners`' own)."""
    pks = {ref["id"] for _, ref in references if "id" in ref and 0 < ref["id"] <= _MAX_PK}
    skus = {ref["sku"].strip() for _, ref in references if "sku" in ref}
    if not pks and not skus:
        return []
    # A SKU filter rather than OR-ing one condition per (manufacturer, SKU) pair: SQLite caps
    # expression depth, and the few extra rows sharing a SKU are matched in Python below.
    return list(component_list(owners=owners).filter(Q(pk__in=pks) | Q(sku__in=skus)))


def _resolve(payload: dict[str, Any], owners: Any) -> dict[str, Any]:
    """The payload with each component reference replaced by the engine's ComponentSpec."""
    references, errors = _collect_references(payload)
    components = _fetch(references, owners)
    by_pk = {component.pk: component for component in components}
    by_key: dict[tuple[str, str], Component] = {}
    for known in components:
        by_key.setdefault((known.manufacturer.slug, known.sku), known)
        by_key.setdefault((known.manufacturer.name, known.sku), known)

    resolved: dict[str, ComponentSpec] = {}
    engine_views: dict[int, ComponentSpec] = {}
    for location, reference in references:
        if "id" in reference:
            component = by_pk.get(reference["id"])
            field, wanted = "id", f"id {reference['id']}"
        else:
            manufacturer, sku = reference["manufacturer"].strip(), reference["sku"].strip()
            component = by_key.get((manufacturer, sku))
            field, wanted = "sku", f"SKU {sku!r} of manufacturer {manufacturer!r}"
        if component is None:
            errors.setdefault(f"{location}.{field}", []).append(
                f"no component with {wanted} in the catalogue"
            )
            continue
        if component.pk not in engine_views:
            engine_views[component.pk] = component_to_engine(component)
        resolved[location] = engine_views[component.pk]
    if errors:
        raise ValidationError(errors)

    result = dict(payload)
    for section in ("racks", "items"):
        entries = payload.get(section)
        if not isinstance(entries, list):
            continue
        result[section] = [
            {**entry, "component": resolved[f"{section}.{index}.component"]}
            if f"{section}.{index}.component" in resolved
            else entry
            for index, entry in enumerate(entries)
        ]
    return result


def _pydantic_errors(exc: pydantic.ValidationError) -> dict[str, list[str]]:
    """Errors keyed by the dotted pydantic location, including model-level ones."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = format_loc(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        # BuildSpec's cross-reference checks raise "items.3.rack_id: ..." at the root.
        located = _LOCATED_MESSAGE.match(message)
        if located:
            loc = ".".join(part for part in (loc, located["loc"]) if part)
            message = located["msg"]
        errors.setdefault(loc or "non_field_errors", []).append(message)
    return errors


def _check_size(payload: Mapping[str, Any]) -> None:
    for section, limit in (("racks", MAX_INLINE_RACKS), ("items", MAX_INLINE_ITEMS)):
        entries = payload.get(section)
        if isinstance(entries, list) and len(entries) > limit:
            raise ValidationError(
                {section: [f"at most {limit} {section} per inline build, got {len(entries)}"]}
            )


def _refuse_subnormal(payload: Any) -> None:
    """Refuse numbers too small to be a physical figure (1e-320), naming where they are.

    They pass the engine's "> 0" bounds, then overflow its divisions to infinity.
    """
    stack: list[tuple[str, Any]] = [("", payload)]
    errors: dict[str, list[str]] = {}
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and value != 0 and abs(value) < sys.float_info.min:
            errors[path or "non_field_errors"] = ["Must be a number of a physical size."]
        elif isinstance(value, Mapping):
            stack.extend((f"{path}.{key}" if path else str(key), v) for key, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{n}", v) for n, v in enumerate(value))
    if errors:
        raise ValidationError(errors)


def inline_build_spec(payload: Any, *, owners: Any = None) -> BuildSpec:
    """Resolve catalogue references in an inline build (one query) and validate it.

    Raises Django's ValidationError keyed by the dotted location of each bad field
    (`items.2.component.sku`), so the API answers 400 naming it.
    """
    if not isinstance(payload, Mapping):
        raise ValidationError({"non_field_errors": ["A build must be a JSON object."]})
    _check_size(payload)
    _refuse_subnormal(payload)
    data = _resolve(dict(payload), owners)
    try:
        return BuildSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(_pydantic_errors(exc)) from None


def inline_build_evaluate(payload: Any, *, owners: Any = None) -> Report:
    """Evaluate an inline build with the rules engine; stores nothing.

    `owners`: organisations whose private components references may name (None: any).
    """
    return evaluate(inline_build_spec(payload, owners=owners))
