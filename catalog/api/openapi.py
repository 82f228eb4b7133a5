"""Pydantic JSON Schema (2020-12) in the OpenAPI 3.0 dialect drf-spectacular publishes.

The catalogue's spec schema and the configurator's engine values (BuildSpec, Report, BOM) both
come from pydantic models; one conversion serves both (the configurator imports it from here).
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["openapi_30", "tag_enums"]

# The null member of a union, before and after this conversion turned it into nullable.
NULLS = ({"type": "null"}, {"nullable": True})


def openapi_30(
    node: Any, *, defs: dict[str, Any] | None = None, rename: dict[str, str] | None = None
) -> Any:
    """``node`` in OpenAPI 3.0: nullable instead of null types, boolean exclusive bounds, one
    example, enums for consts, anyOf for pydantic's overlapping tagged unions.

    A ``$ref`` is inlined from ``defs``, or with ``rename`` points at the component of that
    name in ``#/components/schemas``.
    """
    if isinstance(node, list):
        return [openapi_30(item, defs=defs, rename=rename) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and rename is None:
        target = (defs or {})[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return openapi_30(merged, defs=defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in {"$defs", "title", "discriminator", "propertyNames"}:
            continue
        if key == "$ref" and rename is not None:
            out[key] = f"#/components/schemas/{rename[value.rsplit('/', 1)[-1]]}"
        else:
            out[key] = openapi_30(value, defs=defs, rename=rename)
    if "$ref" in out and len(out) > 1:
        # OpenAPI 3.0 ignores siblings of $ref (a default, a description): wrap it.
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    if "oneOf" in out:
        # Pydantic's tagged unions overlap when the tag has a default (ItSpec's "it"):
        # anyOf is what the validator really accepts.
        out["anyOf"] = out.pop("oneOf")
    if isinstance(out.get("examples"), list):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    if "const" in out:
        out["enum"] = [out.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out.get(bound), bool):
            out[plain] = out[bound]
            out[bound] = True
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and any(item in NULLS for item in any_of):
        rest = [item for item in any_of if item not in NULLS]
        del out["anyOf"]
        if len(rest) == 1 and "$ref" in rest[0]:
            out["allOf"] = rest
        elif len(rest) == 1:
            out.update(rest[0])
        else:
            out["anyOf"] = rest
        out["nullable"] = True
    if out.get("type") == "null":
        del out["type"]
        out["nullable"] = True
    return out


def tag_enums(schema: Any, component: str) -> Any:
    """Give each inline enum of an engine component its own identity.

    drf-spectacular's enum hook names choice sets by property name across the document;
    engine literals such as `phases: 1 | 3` recur under many names and would collide with
    the API's own choice fields. A per-(component, property) id keeps each name stable.
    """
    if isinstance(schema, list):
        for item in schema:
            tag_enums(item, component)
    elif isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            target = prop.get("items") if prop.get("type") == "array" else prop
            if isinstance(target, dict) and "enum" in target:
                key = f"{component}.{name}.{target['enum']}".encode()
                target["x-spec-enum-id"] = hashlib.sha256(key).hexdigest()[:16]
        for combinator in ("oneOf", "allOf", "anyOf"):
            tag_enums(schema.get(combinator, []), component)
    return schema
