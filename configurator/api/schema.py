"""Shared plumbing of the sites/builds/lines/validate views: parsers and OpenAPI documentation.

The endpoints themselves live in sites.py, builds.py, lines.py and validate.py. Engine values
(BuildSpec, Report, BOM) stay pydantic; `PydanticSchema` subclasses describe them in the
OpenAPI document from the models' own JSON Schema, as named components.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_field,
)
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode
from rest_framework import serializers

from catalog.api.openapi import openapi_30, tag_enums
from configurator.api.parsers import SafeJSONParser
from configurator.api.serializers.common import ErrorSerializer, FindingField
from configurator.api.serializers.lines import COMPONENT_BY_ID_SCHEMA, COMPONENT_BY_KEY_SCHEMA
from configurator.builds.bom import COST_FIELDS, Bom, BundleComparison
from configurator.builds.inline import MAX_INLINE_ITEMS, MAX_INLINE_RACKS
from rules.model import BuildSpec, Report
from rules.specs import Policy

__all__ = [
    "BAD_INPUT",
    "ETAG",
    "IF_MATCH",
    "NOT_FOUND",
    "PARSERS",
    "READ_ONLY",
    "STALE",
    "EnvelopeAutoSchema",
    "SafeJSONParser",
    "error_response",
    "guarded_write",
]


# Parsers of every sites/builds/lines view: JSON only, the one body format documented.
PARSERS = [SafeJSONParser]

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The build\'s ETag as read (`"3"`). A stale tag answers 412 and changes nothing; '
        "without the header the write proceeds (last writer wins)."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The build\'s revision, `"<n>"`: send it back in If-Match.',
)


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """An error response documented with the envelope."""
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


NOT_FOUND = error_response("Unknown, or outside the caller's organisations.")
STALE = error_response(
    "If-Match names an older revision: reload and apply the change again.",
    OpenApiExample(
        "Stale revision",
        value={
            "code": "precondition_failed",
            "message": "The build changed since you read it: reload it and apply your change "
            "again.",
            "details": {"current_revision": 4, "if_match": '"3"'},
        },
        status_codes=["412"],
        response_only=True,
    ),
)
BAD_INPUT = error_response(
    "Invalid input; `details` maps each field (dotted path) to its messages.",
    OpenApiExample(
        "Taken U position",
        value={
            "code": "validation_error",
            "message": "Invalid input: position_u.",
            "details": {"position_u": ["U 10\u201311 is taken by line 42 (Helix R20 server)."]},
        },
        status_codes=["400"],
        response_only=True,
    ),
)
READ_ONLY = error_response("The build is approved or archived: clone it or set it back to draft.")


def guarded_write(status: int, body: Any) -> dict[int, Any]:
    """Responses of a write to a build or its lines: ``body`` on success, then the field
    errors, an unknown build, a read-only build and a stale If-Match."""
    return {status: body, 400: BAD_INPUT, 404: NOT_FOUND, 409: READ_ONLY, 412: STALE}


# Errors any operation can answer, whatever its own decorator lists.
_COMMON_ERRORS = {
    "400": "Invalid input (body, query parameters or filters).",
    "401": "Not authenticated.",
    "403": "Not allowed (for sessions: a missing CSRF token).",
    "414": "The URL (its query string) is too long.",
    "429": "Throttled; `details.wait_seconds` says when to retry.",
    "503": "Temporarily unavailable (the database cannot be reached); retry later.",
}
_DETAIL_ERRORS = {"404": "Unknown, or outside the caller's organisations."}
_BODY_ERRORS = {
    "413": "The request body is larger than the limit (`details.max_bytes`).",
    "415": "Unsupported media type: send JSON.",
}


class EnvelopeAutoSchema(AutoSchema):
    """AutoSchema that documents the error envelope for every status an operation can answer.

    A serializer whose `Meta.conditional_fields` names fields that only some callers see
    (cost, margin) documents them as optional: drf-spectacular requires every read-only field.
    """

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        conditional = getattr(getattr(serializer, "Meta", None), "conditional_fields", ())
        if conditional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in conditional]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(_COMMON_ERRORS)
        if "{" in self.path:
            errors |= _DETAIL_ERRORS
        if self.method in ("POST", "PUT", "PATCH"):
            errors |= _BODY_ERRORS
        for code, response in responses.items():
            content = response.get("content")
            if int(code) >= 400 and content:
                # Errors are JSON even where a file format was negotiated (JsonErrorsMixin).
                body = content.get("application/json") or next(iter(content.values()))
                response["content"] = {"application/json": body}
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, code, ("application/json",), direction
                )
                response["description"] = description
                responses[code] = response
        return responses


# --------------------------------------------------------------------------- engine schemas


class PydanticSchema(serializers.Serializer[Any]):
    """Base of schema-only serializers whose OpenAPI schema is a pydantic model's."""

    pydantic_model: ClassVar[type[BaseModel]]
    schema_name: ClassVar[str]
    mode: ClassVar[JsonSchemaMode] = "serialization"
    # Engine models share names with API resources (Site): keep them apart in the document.
    component_prefix: ClassVar[str] = "Engine"

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The model's JSON Schema, as the subclass wants it shown."""
        return cls.pydantic_model.model_json_schema(mode=cls.mode)


class PydanticSchemaExtension(OpenApiSerializerExtension):
    """Register a pydantic model and its sub-models as OpenAPI components."""

    target_class = "configurator.api.schema.PydanticSchema"
    match_subclasses = True

    def get_name(self, auto_schema: Any, direction: str) -> str:
        return self.target.schema_name

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = copy.deepcopy(self.target.json_schema())
        definitions = schema.pop("$defs", {})
        prefix = self.target.component_prefix
        rename = {name: f"{prefix}{name}" for name in definitions}
        for name, definition in definitions.items():
            auto_schema.registry.register_on_missing(
                ResolvedComponent(
                    name=rename[name],
                    type=ResolvedComponent.SCHEMA,
                    object=rename[name],
                    schema=tag_enums(openapi_30(definition, rename=rename), rename[name]),
                )
            )
        return tag_enums(openapi_30(schema, rename=rename), self.target.schema_name)


def _reference_friendly(schema: dict[str, Any]) -> dict[str, Any]:
    """BuildSpec's schema with each rack's and item's component also accepting a reference."""
    definitions = schema["$defs"]
    definitions["ComponentById"] = COMPONENT_BY_ID_SCHEMA
    definitions["ComponentByKey"] = COMPONENT_BY_KEY_SCHEMA
    for owner in ("RackInstance", "PlacedItem"):
        definitions[owner]["properties"]["component"] = {
            "anyOf": [
                {"$ref": "#/$defs/ComponentSpec"},
                {"$ref": "#/$defs/ComponentById"},
                {"$ref": "#/$defs/ComponentByKey"},
            ],
            "description": "The component in full, or a catalogue reference.",
        }
    properties = schema["properties"]
    properties["racks"]["maxItems"] = MAX_INLINE_RACKS
    properties["items"]["maxItems"] = MAX_INLINE_ITEMS
    return schema


class InlineBuildSpecSchema(PydanticSchema):
    """Request of POST validate/: a BuildSpec whose components may be catalogue references."""

    pydantic_model = BuildSpec
    schema_name = "InlineBuildSpec"
    mode = "validation"

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        return _reference_friendly(super().json_schema())


class PolicyOverrideSchema(PydanticSchema):
    """A partial engineering Policy: every key optional, each figure within its bounds."""

    pydantic_model = Policy
    schema_name = "PolicyOverride"
    mode = "validation"
    component_prefix = "Policy"


class ReportSchema(PydanticSchema):
    """The rules engine's report on a build."""

    pydantic_model = Report
    schema_name = "EngineReport"


def _without_cost_switch(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop the internal `show_cost` flag; cost keys are documented as optional."""
    for node in (schema, *schema.get("$defs", {}).values()):
        node.get("properties", {}).pop("show_cost", None)
        if "required" in node:
            node["required"] = [k for k in node["required"] if k not in COST_FIELDS]
    return schema


class BomSchema(PydanticSchema):
    """A bill of materials; cost keys only for callers allowed to see cost."""

    pydantic_model = Bom
    schema_name = "Bom"
    component_prefix = ""
    # The BOM serialises through a wrap serializer, which hides the fields from pydantic's
    # serialization schema; the validation schema lists them (Decimals accept strings).
    mode = "validation"

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        schema = _without_cost_switch(super().json_schema())
        comparison = BundleComparison.model_json_schema(mode="serialization")
        schema.setdefault("$defs", {}).update(comparison.pop("$defs", {}))
        schema["$defs"]["BundleComparison"] = comparison
        schema["properties"]["bundle_comparison"] = {
            "$ref": "#/$defs/BundleComparison",
            "description": "Only with ?bundle=<component id>.",
        }
        return schema


# One finding of the engine: the component ReportSchema registers for the report's findings.
FINDING_REF = {"$ref": "#/components/schemas/EngineFinding"}
extend_schema_field(FINDING_REF)(FindingField)
