"""Strict JSON Schema validation against the OpenAPI 3.0 document, as an integrator's tools read it.

OpenAPI 3.0 schemas are not JSON Schema: `nullable`, boolean `exclusiveMinimum` and
`$ref`s into `#/components/schemas/` need translating first. The translation is strict on
purpose: an object that lists its properties accepts no others (a field the document does
not name fails), `nullable` admits null only where the type (and the enum, when there is
one) says so, and formats are checked. Generated clients are at least this strict.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

__all__ = ["SchemaValidator", "documented_examples"]

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _translate(node: Any) -> Any:
    """One OpenAPI 3.0 schema node as JSON Schema 2020-12 (recursively)."""
    if isinstance(node, list):
        return [_translate(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: _translate(value) for key, value in node.items() if key != "properties"}
    if "properties" in node:
        # A map of names to schemas, not a schema: a property may be called `nullable`.
        schema["properties"] = {name: _translate(sub) for name, sub in node["properties"].items()}
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if schema.get(exclusive) is True:
            schema[exclusive] = schema.pop(bound)
        elif schema.get(exclusive) is False:
            del schema[exclusive]
    if schema.pop("nullable", False):
        kind = schema.get("type")
        if isinstance(kind, str):
            schema["type"] = [kind, "null"]
        elif "allOf" in schema or "oneOf" in schema or "anyOf" in schema or "$ref" in schema:
            # A nullable composition: null, or whatever the composition accepts. (An enum is
            # left alone: OpenAPI 3.0.3 admits null to an enum only when the enum lists it.)
            rest = {
                key: schema.pop(key) for key in ("allOf", "oneOf", "anyOf", "$ref") if key in schema
            }
            schema["anyOf"] = [rest, {"type": "null"}]
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and schema.get("type") in ("object", ["object", "null"], None)
    ):
        schema["additionalProperties"] = False
    return schema


class SchemaValidator:
    """Validates values against named components or inline schemas of one OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._components = _translate(document.get("components", {}).get("schemas", {}))

    def _validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        root = _translate(copy.deepcopy(schema))
        root = {"allOf": [root], "components": {"schemas": self._components}}
        return Draft202012Validator(root, format_checker=FormatChecker())

    def errors(self, schema: dict[str, Any], value: Any) -> list[ValidationError]:
        """Every violation of ``value`` against ``schema`` (refs resolve in the document)."""
        return sorted(self._validator(schema).iter_errors(value), key=lambda e: list(e.path))

    def describe(self, schema: dict[str, Any], value: Any, limit: int = 5) -> list[str]:
        """The first violations, each as `path: message` (for assertion messages)."""
        return [
            f"{'/'.join(str(part) for part in error.absolute_path) or '<root>'}: "
            f"{error.message[:300]}"
            for error in self.errors(schema, value)[:limit]
        ]

    def response_schema(
        self, path: str, method: str, status: int | str, media: str = "application/json"
    ) -> dict[str, Any]:
        """The documented schema of one response body."""
        operation = self.document["paths"][path][method.lower()]
        return operation["responses"][str(status)]["content"][media]["schema"]


def documented_examples(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every example of the document: (where it is, the schema it illustrates, its value)."""
    for path, item in document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if "example" in parameter:
                    yield f"{where} parameter {parameter['name']}", schema, parameter["example"]
                for name, example in parameter.get("examples", {}).items():
                    yield (
                        f"{where} parameter {parameter['name']} «{name}»",
                        schema,
                        example["value"],
                    )
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(f"{code}", response) for code, response in operation["responses"].items()]
            for label, body in bodies:
                for media, content in body.get("content", {}).items():
                    schema = content.get("schema", {})
                    if "example" in content:
                        yield f"{where} {label} {media}", schema, content["example"]
                    for name, example in content.get("examples", {}).items():
                        if "value" in example:
                            yield f"{where} {label} {media} «{name}»", schema, example["value"]
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        yield from _schema_examples(f"components/schemas/{name}", schema)


def _schema_examples(where: str, schema: Any) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """`example` keywords inside a component schema, each with the node it sits on."""
    if isinstance(schema, dict):
        if "example" in schema:
            yield where, schema, schema["example"]
        for key, value in schema.items():
            if key != "example":
                yield from _schema_examples(f"{where}/{key}", value)
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _schema_examples(f"{where}/{index}", value)
