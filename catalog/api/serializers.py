"""Catalogue serializers: translate JSON to service arguments and rows back to JSON."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.bounds import bound_fields
from catalog.api.openapi import openapi_30, tag_enums
from catalog.assumed import ASSUMABLE_COLUMNS, MAX_ENTRIES, MAX_WHY
from catalog.bounds import COMPONENT_FIGURES
from catalog.models import (
    COMPONENT_FIELDS,
    VALIDATED_FIELDS,
    Component,
    Manufacturer,
    PriceBookEntry,
)
from catalog.validation import validate_component_data
from rules.specs import SPEC_MODELS

# ------------------------------------------------------------------ spec schema for OpenAPI


def _spec_variants() -> dict[str, dict[str, Any]]:
    """Each spec model's schema in OpenAPI 3.0, by model name (ItSpec serves every IT kind)."""
    variants: dict[str, dict[str, Any]] = {}
    for model in SPEC_MODELS.values():
        if model.__name__ not in variants:
            schema = model.model_json_schema()
            variants[model.__name__] = openapi_30(
                schema, defs=copy.deepcopy(schema.get("$defs", {}))
            )
    return variants


SPEC_VARIANTS = _spec_variants()
_SPEC_KINDS = ", ".join(f"{kind.value} -> {model.__name__}" for kind, model in SPEC_MODELS.items())


def _spec_schema() -> dict[str, Any]:
    """The spec as a request takes it: `kind` inside it may be left out."""
    variants = [
        {**copy.deepcopy(schema), "title": f"{name}Input"} for name, schema in SPEC_VARIANTS.items()
    ]
    # anyOf: without `kind` the variants overlap; the component's kind picks the model.
    return {
        "anyOf": variants,
        "description": (
            "Kind-specific figures, validated by the spec model of the component's kind "
            f"({_SPEC_KINDS}). `kind` inside the spec is optional on input ('it' for IT kinds) "
            "and always present in responses, with every default filled in."
        ),
    }


SPEC_SCHEMA = _spec_schema()


# ------------------------------------------------------------------ manufacturer


class ManufacturerSerializer(serializers.ModelSerializer):
    """A manufacturer; the slug is derived from the name when not given."""

    slug = serializers.SlugField(max_length=100, required=False)

    class Meta:
        model = Manufacturer
        fields = ["id", "name", "slug", "website", "created", "updated"]
        read_only_fields = ["id", "created", "updated"]


class ManufacturerRefSerializer(serializers.ModelSerializer):
    """How a component shows its manufacturer."""

    class Meta:
        model = Manufacturer
        fields = ["slug", "name"]


class ManufacturerRefField(serializers.SlugRelatedField):
    """Written as the manufacturer's slug, read as ``{"slug", "name"}``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Manufacturer.objects.all(), **kwargs)

    # Slug in, object out: the stubs type SlugRelatedField's output as the slug (a str), and
    # use_pk_only_optimization below keeps PKOnlyObject away.
    def to_representation(self, value: Manufacturer) -> dict[str, str]:  # type: ignore[override]
        return {"slug": value.slug, "name": value.name}

    def use_pk_only_optimization(self) -> bool:
        return False


class ManufacturerRefFieldExtension(OpenApiSerializerFieldExtension):
    """Document the asymmetric manufacturer field: a slug in, an object out."""

    target_class = "catalog.api.serializers.ManufacturerRefField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return {"type": "string", "description": "Slug of the manufacturer."}
        return auto_schema.resolve_serializer(ManufacturerRefSerializer, direction).ref


# ------------------------------------------------------------------ component


class SpecField(serializers.JSONField):
    """The kind-specific spec (a JSON object)."""


class SpecFieldExtension(OpenApiSerializerFieldExtension):
    """Document the spec: inline variants in requests, a union discriminated by `kind` (one
    component per spec model) in responses, where `kind` is always present."""

    target_class = "catalog.api.serializers.SpecField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return copy.deepcopy(SPEC_SCHEMA)
        mapping: dict[str, str] = {}
        for name, variant in SPEC_VARIANTS.items():
            schema = copy.deepcopy(variant)
            schema["required"] = [
                "kind",
                *[key for key in schema.get("required", []) if key != "kind"],
            ]
            component = ResolvedComponent(
                name=name,
                type=ResolvedComponent.SCHEMA,
                object=f"spec:{name}",
                schema=tag_enums(schema, name),
            )
            auto_schema.registry.register_on_missing(component)
            mapping[schema["properties"]["kind"]["enum"][0]] = component.ref["$ref"]
        return {
            "oneOf": [{"$ref": ref} for ref in dict.fromkeys(mapping.values())],
            "discriminator": {"propertyName": "kind", "mapping": mapping},
            "description": (
                "Kind-specific figures, by the spec model of the component's kind "
                f"({_SPEC_KINDS}), with every default filled in; `kind` names the model."
            ),
        }


ASSUMED_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_ENTRIES,
    "description": (
        "Figures the source did not state and that were assumed (by an importer, or by a "
        "person), one entry per field. `field` is a column (" + ", ".join(ASSUMABLE_COLUMNS) + ") "
        "or `spec.<key>` of the kind's spec; `value` is the figure as assumed (on input it may "
        "be left out: the row's current figure is taken); `why` says where it came from. An "
        "entry whose figure no longer has that value is dropped on save: a corrected figure "
        "is no longer assumed. Empty when every figure comes from the data."
    ),
    "items": {
        "type": "object",
        "required": ["field", "why"],
        "additionalProperties": False,
        "properties": {
            "field": {"type": "string", "example": "spec.kw"},
            "value": {
                "nullable": True,
                "description": "The figure as assumed (a number, text or true/false).",
                "example": 2.1,
            },
            "why": {
                "type": "string",
                "maxLength": MAX_WHY,
                "example": "not stated; 0.9 x kVA (C3) capped at the inlet's 2100 W",
            },
        },
    },
}


@extend_schema_field(ASSUMED_SCHEMA)
class AssumedField(serializers.JSONField):
    """The list of assumed figures (a JSON array of {field, value, why})."""


class OwnerField(serializers.SlugRelatedField):
    """A seller organisation by slug; the queryset is set per request by the view."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ComponentSerializer(serializers.ModelSerializer):
    """A catalogue component. ``cost_price`` is present only for roles allowed to see cost.

    ``owner`` is empty for the shared library and a seller's slug for its private part.
    """

    manufacturer = ManufacturerRefField()
    owner = OwnerField(
        slug_field="slug",
        queryset=Manufacturer.objects.none(),
        required=False,
        allow_null=True,
        help_text=(
            "Empty: the shared, vendor-neutral library (platform staff write it). A seller "
            "organisation's slug: that seller's private component, visible to it only."
        ),
    )
    spec = SpecField(required=False)
    assumed = AssumedField(required=False)
    power_unknown = serializers.BooleanField(
        read_only=True, help_text="The kind draws power but neither figure is known."
    )

    class Meta:
        model = Component
        fields = [
            "id",
            *COMPONENT_FIELDS,
            "owner",
            "power_unknown",
            "source",
            "source_ref",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "created", "updated"]
        # Only for roles that may see cost (get_fields drops it otherwise).
        conditional_fields = ("cost_price",)
        # The figures' ranges are the engine's (ComponentSpec), applied in get_fields.
        extra_kwargs = {
            "weight_kg": {"help_text": "Mass in kg; null = unknown (never 0)."},
            # One spelling of unknown in the API: null ("" stays for forms and sheets).
            "airflow": {
                "allow_blank": False,
                "help_text": "Airflow direction; null = unknown (never passive).",
            },
            "currency": {"help_text": "ISO 4217 code, e.g. EUR."},
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, model in COMPONENT_FIGURES.items():
            bound_fields(fields, model, [name])
        owners = self.context.get("owner_queryset")
        if owners is not None:
            fields["owner"].queryset = owners  # type: ignore[attr-defined]
        # The view decides once per request (a role lookup); default to hiding cost.
        if not self.context.get("show_cost", False):
            fields.pop("cost_price", None)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Judge the row as it will be after the write: stored values overlaid by the input.
        current: dict[str, Any] = {}
        if self.instance is not None:
            current = {field: getattr(self.instance, field) for field in VALIDATED_FIELDS}
        merged = {
            **current,
            **{k: v for k, v in attrs.items() if k not in ("manufacturer", "owner")},
        }
        if "kind" not in merged:
            merged.pop("spec", None)
        try:
            normalised = validate_component_data(merged)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        if "spec" in normalised and ("spec" in attrs or "kind" in attrs or not current):
            attrs["spec"] = normalised["spec"]
        for field in ("airflow", "assumed"):
            if field in attrs:
                attrs[field] = normalised[field]
        return attrs


# ------------------------------------------------------------------ price books


class PriceBookEntrySerializer(serializers.ModelSerializer):
    """A seller's price of one component: list price, cost, currency, lead time, availability."""

    seller = OwnerField(
        slug_field="slug",
        queryset=Manufacturer.objects.none(),
        required=False,
        help_text="Slug of the seller whose price book this is; optional when you keep one.",
    )
    component = serializers.PrimaryKeyRelatedField(queryset=Component.objects.none())

    class Meta:
        model = PriceBookEntry
        fields = [
            "id",
            "seller",
            "component",
            "list_price",
            "cost_price",
            "currency",
            "lead_time_days",
            "availability",
            "updated",
        ]
        read_only_fields = ["id", "updated"]
        validators: ClassVar[list[Any]] = []

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, model in COMPONENT_FIGURES.items():
            bound_fields(fields, model, [name])
        for name, key in (("seller", "seller_queryset"), ("component", "component_queryset")):
            queryset = self.context.get(key)
            if queryset is not None:
                fields[name].queryset = queryset  # type: ignore[attr-defined]
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["seller"].read_only = True
        return fields
