"""What the hand-off wants of an object against what NetBox answers for it (pure).

NetBox answers nested objects, choice dictionaries and floats where the mapping writes ids,
choice values and numbers; these functions reduce an answer to the mapping's terms before
comparing, so an object NetBox holds as pushed is found equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from configurator.handoff.mapping import CF_REVISION

__all__ = ["differences", "flatten", "plain"]


def plain(value: Any) -> Any:
    """A NetBox API value reduced to what the mapping writes: ids, choice values, numbers."""
    if isinstance(value, dict):
        if "object_type" in value and "object_id" in value:
            return (value["object_type"], value["object_id"])
        if "id" in value:
            return value["id"]
        if "value" in value and "label" in value:
            return value["value"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _same(wanted: Any, current: Any) -> bool:
    if wanted in (None, "") and current in (None, ""):
        return True
    if isinstance(wanted, bool) or isinstance(current, bool):
        return wanted == current
    if isinstance(wanted, int | float) and isinstance(current, int | float):
        return abs(float(wanted) - float(current)) < 1e-6
    if isinstance(wanted, list) and isinstance(current, list):
        return sorted(map(repr, wanted)) == sorted(map(repr, current))
    return bool(wanted == current)


def differences(wanted: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Fields whose wanted value differs from the record (revision and extra tags ignored)."""
    changes: dict[str, Any] = {}
    for name, value in wanted.items():
        current = plain(record.get(name))
        if name == "tags":
            if not set(value) <= set(current or []):
                changes[name] = (current, value)
        elif name == "custom_fields":
            ours = {k: v for k, v in value.items() if k != CF_REVISION}
            theirs = {k: (current or {}).get(k) for k in ours}
            if ours != theirs:
                changes[name] = (theirs, ours)
        elif name in ("a_terminations", "b_terminations"):
            want = sorted((t["object_type"], t["object_id"]) for t in value)
            have = sorted(tuple(t) for t in current or [])
            if want != have:
                changes[name] = (have, want)
        elif not _same(value, current):
            changes[name] = (current, value)
    return changes


def flatten(value: Any) -> Iterable[Any]:
    """Every leaf value of nested dicts and lists."""
    if isinstance(value, dict):
        for v in value.values():
            yield from flatten(v)
    elif isinstance(value, list):
        for v in value:
            yield from flatten(v)
    else:
        yield value
