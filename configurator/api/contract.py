"""Postprocessing of the OpenAPI document so that generated clients consume it unchanged.

drf-spectacular writes a sound document; this hook settles what generators and linters
read strictly (issue 18): a PEP 440 `info.version` and `servers`; nullability every tool
reads the same way (a `type` beside each `nullable`, null in nullable enums, a NullEnum
branch for nullable references); integer path ids; a description on every response; the
headers of 202 answers; and the error envelope per status, with its codes enumerated.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from configurator.api.errors_catalogue import ERROR_CODES, all_codes, error_component_name

__all__ = ["contract_hook"]

_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
NULL_REF = {"$ref": "#/components/schemas/NullEnum"}
_ERROR_REF = "#/components/schemas/Error"

# The headers every 202 answer carries: where to poll, and how soon.
ACCEPTED_HEADERS = {
    "Location": {
        "description": "The URL to poll for the outcome (the job's or document's status).",
        "schema": {"type": "string", "format": "uri"},
    },
    "Retry-After": {
        "description": "Seconds to wait before polling `Location` again.",
        "schema": {"type": "integer", "minimum": 0},
    },
}

# Descriptions of 2xx answers whose view did not give one.
_SUCCESS = {
    "200": "OK.",
    "201": "Created; `Location` names the new resource where the operation gives one.",
    "202": "Accepted: the work runs in the background; poll `Location`.",
    "204": "Done; no body.",
}


def _nullable(node: dict[str, Any]) -> None:
    """One schema node's nullability in the form every tool reads alike (OpenAPI 3.0.3).

    `nullable` only widens an explicit `type`, and a nullable enum must list null; a
    nullable reference or composition becomes a oneOf with the NullEnum.
    """
    if not node.get("nullable"):
        return
    if "type" in node:
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return
    del node["nullable"]
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            if NULL_REF not in node[combinator]:
                node[combinator] = [*node[combinator], NULL_REF]
            return
    if "allOf" in node and len(node["allOf"]) == 1:
        node["oneOf"] = [node.pop("allOf")[0], NULL_REF]
    elif "$ref" in node:
        node["oneOf"] = [{"$ref": node.pop("$ref")}, NULL_REF]
    # Otherwise the schema has no type: it admits any JSON value, null included.


def _overlapping_strings(node: dict[str, Any]) -> None:
    """`oneOf` of plain strings (a URL or ""): "" matches both, so oneOf fails; anyOf holds."""
    members = node.get("oneOf")
    if members and all(
        isinstance(member, dict) and member.get("type") == "string" and "enum" not in member
        for member in members
    ):
        node["anyOf"] = node.pop("oneOf")


def _walk(node: Any) -> None:
    if isinstance(node, dict):
        _overlapping_strings(node)
        _nullable(node)
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def _integer_ids(operation: dict[str, Any]) -> None:
    """Path ids typed integer everywhere (viewsets with a digit regex document a string)."""
    from configurator.api.serializers.common import MAX_ID

    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") != "path":
            continue
        if schema.get("type") == "string" and schema.get("pattern") == r"^\d+$":
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif schema.get("type") == "integer" and parameter.get("name") in ("id", "pk", "build_pk"):
            schema.update({"minimum": 1, "maximum": MAX_ID})


def _plain_parameters(operation: dict[str, Any]) -> None:
    """A query string has no null: an empty value is how a filter says "unknown"."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.pop("nullable", False) and "enum" in schema:
            schema["enum"] = [value for value in schema["enum"] if value is not None]
        _walk(schema)


def _error_components(components: dict[str, Any]) -> None:
    """`Error` with every code, and one envelope per status with that status's codes."""
    error = components["Error"]
    error["properties"]["code"] = {
        "type": "string",
        "enum": all_codes(),
        "description": "Stable machine-readable code; see the per-status envelopes.",
    }
    for status, codes in ERROR_CODES.items():
        listed = "; ".join(f"`{code}`: {meaning}" for code, meaning in codes.items())
        components[error_component_name(status)] = {
            **error,
            "description": f"The error envelope of a {status} answer. Codes: {listed}",
            "properties": {
                **error["properties"],
                "code": {"type": "string", "enum": list(codes)},
            },
        }


def _responses(operation: dict[str, Any]) -> None:
    for code, response in operation.get("responses", {}).items():
        status = int(code)
        if 200 <= status < 300 and not response.get("description"):
            response["description"] = _SUCCESS.get(code, "Success.")
        if status == 202:
            response["headers"] = {**ACCEPTED_HEADERS, **response.get("headers", {})}
        if status >= 400 and status in ERROR_CODES:
            for content in response.get("content", {}).values():
                if content.get("schema") == {"$ref": _ERROR_REF}:
                    name = error_component_name(status)
                    content["schema"] = {"$ref": f"#/components/schemas/{name}"}


def contract_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: see the module docstring."""
    # drf-spectacular appends the URL version ("1.0.0 (v1)"): not a version installers read.
    result["info"]["version"] = settings.SPECTACULAR_SETTINGS["VERSION"]
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("NullEnum", {"enum": [None]})
    _walk(components)
    for path_item in result.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            _integer_ids(operation)
            _plain_parameters(operation)
            _responses(operation)
    if "Error" in components:
        _error_components(components)
    return result
