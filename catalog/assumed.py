"""Assumed figures: the structured list of a component's figures that the data did not give.

An importer that has to fill a figure the source does not state (a UPS's kW from its kVA, a
rack's static load from its form factor) records it in ``Component.assumed`` as

    {"field": "spec.kw", "value": 2.1, "why": "not stated; 0.9 x kVA (C3), capped at ..."}

``field`` is a column (``weight_kg``, ``u_height``, ...) or ``spec.<key>`` of the kind's spec;
``value`` is the figure as it was assumed; ``why`` says where it came from. The list is
judged against the row on every save: an entry whose figure no longer has the assumed value
is dropped, because a person (or a better source) has corrected it. An entry written without
``value`` takes the row's current figure. Pure Python; the catalogue's validator calls it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

__all__ = [
    "ASSUMABLE_COLUMNS",
    "MAX_ENTRIES",
    "MAX_WHY",
    "AssumedFigure",
    "assumed_entry",
    "assumed_fields",
    "clean_assumed",
]

# Columns whose figure an importer may have to assume; everything else is identity or money.
ASSUMABLE_COLUMNS = (
    "u_height",
    "weight_kg",
    "depth_mm",
    "is_full_depth",
    "airflow",
    "nameplate_w",
    "typical_w",
)
MAX_ENTRIES = 50
MAX_WHY = 500
_KEYS = frozenset({"field", "value", "why"})


class AssumedFigure(TypedDict):
    """One assumed figure: the field path, the value assumed and why."""

    field: str
    value: Any
    why: str


def _plain(value: Any) -> Any:
    """A figure as JSON stores it (Decimal columns become numbers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def assumed_entry(field: str, value: Any, why: str) -> AssumedFigure:
    """An entry of ``Component.assumed``."""
    return {"field": field, "value": _plain(value), "why": why}


def assumed_fields(entries: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """The field paths of a list of entries, in order."""
    return [str(entry.get("field", "")) for entry in entries or ()]


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b) and type(a) is type(b)


def _current(values: Mapping[str, Any], field: str) -> tuple[bool, Any]:
    """(found, value) of a field path in a row's values; not found when the row lacks it."""
    if field.startswith("spec."):
        spec = values.get("spec")
        key = field.removeprefix("spec.")
        if not isinstance(spec, Mapping) or key not in spec:
            return False, None
        return True, spec[key]
    if field not in values:
        return False, None
    return True, values[field]


def clean_assumed(
    raw: Any, values: Mapping[str, Any], *, spec_fields: frozenset[str] | None
) -> tuple[list[AssumedFigure], dict[str, list[str]]]:
    """The list checked and judged against the row: (entries kept, errors by path).

    ``values`` are the row's normalised values (spec included when known); ``spec_fields``
    are the keys the kind's spec allows, or None when the kind is not known here.
    """
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if raw is None or raw == "":
        return [], errors
    if not isinstance(raw, list):
        add("assumed", "Must be a list of {field, value, why} objects.")
        return [], errors
    if len(raw) > MAX_ENTRIES:
        add("assumed", f"At most {MAX_ENTRIES} entries.")
        return [], errors
    kept: list[AssumedFigure] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"assumed.{index}"
        if not isinstance(entry, Mapping):
            add(path, "Must be an object with field, value and why.")
            continue
        unknown = set(entry) - _KEYS
        if unknown:
            add(path, f"Unknown key(s) {', '.join(sorted(map(str, unknown)))}.")
            continue
        field, why = entry.get("field"), entry.get("why")
        if not isinstance(field, str) or not field:
            add(f"{path}.field", "Name the field, e.g. weight_kg or spec.kw.")
            continue
        if not isinstance(why, str) or not why.strip():
            add(f"{path}.why", "Say why the figure is assumed.")
            continue
        if len(why) > MAX_WHY:
            add(f"{path}.why", f"At most {MAX_WHY} characters.")
            continue
        if field.startswith("spec."):
            key = field.removeprefix("spec.")
            if spec_fields is not None and (key not in spec_fields or key == "kind"):
                add(f"{path}.field", f"{field!r} is not a figure of this kind's spec.")
                continue
        elif field not in ASSUMABLE_COLUMNS:
            add(
                f"{path}.field",
                f"{field!r} cannot be assumed; use one of {', '.join(ASSUMABLE_COLUMNS)} "
                "or spec.<key>.",
            )
            continue
        if field in seen:
            add(f"{path}.field", f"{field!r} is listed twice.")
            continue
        seen.add(field)
        found, current = _current(values, field)
        if "value" in entry:
            value = entry["value"]
            if isinstance(value, dict | list) or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                add(f"{path}.value", "Must be a single figure (number, text, true/false, null).")
                continue
            if found and not _same(value, current):
                # The figure has been changed since it was assumed: it is no longer assumed.
                continue
        elif found:
            value = current
        else:
            add(f"{path}.value", "Give the value that was assumed.")
            continue
        kept.append(assumed_entry(field, value, why.strip()))
    return kept, errors
