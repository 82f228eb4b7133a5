"""Serializers of build lines: the component as a catalogue reference, other lines by id."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from catalog.models import Component
from catalog.selectors import component_list
from configurator.api.serializers.common import MAX_ID
from configurator.builds.models import BuildLine
from configurator.tenancy.permissions import private_component_owners

__all__ = [
    "COMPONENT_BY_ID_SCHEMA",
    "COMPONENT_BY_KEY_SCHEMA",
    "BuildLineSerializer",
    "ComponentRefField",
]

MAX_QUANTITY = 10_000  # rules.model.PlacedItem's bound: the engine refuses more
MAX_SORT_ORDER = 2**31 - 1


class ComponentRefField(serializers.Field):
    """A catalogue component: written as an id or {"manufacturer", "sku"}, read as a summary."""

    default_error_messages = {
        # fail() formats these messages: literal braces are doubled.
        "invalid": (
            'Give a component id, {{"id": <id>}} or {{"manufacturer": <slug or name>, '
            '"sku": <SKU>}}.'
        ),
        "missing_id": "No component with id {value}.",
        "missing_key": "No component with SKU {sku!r} from manufacturer {manufacturer!r}.",
    }

    def _components(self) -> Any:
        """The library plus the private components of the caller's own organisations."""
        request = self.context.get("request")
        if request is None:
            return component_list()
        return component_list(owners=private_component_owners(request.user, request.auth))

    def to_internal_value(self, data: Any) -> Component:
        if isinstance(data, dict) and set(data) == {"id"}:
            data = data["id"]
        if isinstance(data, int) and not isinstance(data, bool):
            component = self._components().filter(pk=data).first() if 0 < data <= MAX_ID else None
            if component is None:
                self.fail("missing_id", value=data)
            return component
        if isinstance(data, dict) and set(data) == {"manufacturer", "sku"}:
            manufacturer, sku = data["manufacturer"], data["sku"]
            if not (isinstance(manufacturer, str) and isinstance(sku, str)):
                self.fail("invalid")
            if "\x00" in manufacturer + sku:
                # No catalogue text holds NUL, and PostgreSQL refuses it in a query.
                self.fail("invalid")
            manufacturer, sku = manufacturer.strip(), sku.strip()
            component = (
                self._components()
                .filter(Q(manufacturer__slug=manufacturer) | Q(manufacturer__name=manufacturer))
                .filter(sku=sku)
                .first()
            )
            if component is None:
                self.fail("missing_key", manufacturer=manufacturer, sku=sku)
            return component
        self.fail("invalid")
        raise AssertionError  # fail() raises; this line only satisfies the type checker

    def to_representation(self, value: Component) -> dict[str, Any]:
        return {
            "id": value.pk,
            "manufacturer": {"slug": value.manufacturer.slug, "name": value.manufacturer.name},
            "sku": value.sku,
            "model_name": value.model_name,
            "kind": value.kind,
            "u_height": f"{value.u_height:.1f}",
        }


_MANUFACTURER_REF = {
    "type": "object",
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    "required": ["slug", "name"],
}
COMPONENT_SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "manufacturer": _MANUFACTURER_REF,
        "sku": {"type": "string"},
        "model_name": {"type": "string"},
        "kind": {"type": "string"},
        "u_height": {"type": "string", "format": "decimal"},
    },
    "required": ["id", "manufacturer", "sku", "model_name", "kind", "u_height"],
}
COMPONENT_BY_ID_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer", "minimum": 1}},
    "required": ["id"],
    "additionalProperties": False,
    "description": "A catalogue component by id.",
}
COMPONENT_BY_KEY_SCHEMA = {
    "type": "object",
    "properties": {
        "manufacturer": {"type": "string", "description": "Manufacturer slug or name."},
        "sku": {"type": "string"},
    },
    "required": ["manufacturer", "sku"],
    "additionalProperties": False,
    "description": "A catalogue component by manufacturer (slug or name) and SKU.",
}


class ComponentRefFieldExtension(OpenApiSerializerFieldExtension):
    """Document the asymmetric component field: a reference in, a summary out."""

    target_class = "configurator.api.serializers.lines.ComponentRefField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return {
                "oneOf": [
                    {"type": "integer", "minimum": 1, "description": "Component id."},
                    COMPONENT_BY_ID_SCHEMA,
                    COMPONENT_BY_KEY_SCHEMA,
                ]
            }
        return COMPONENT_SUMMARY_SCHEMA


LINE_REFERENCES = ("rack", "feed_a", "feed_b", "ups", "coolant_from")


def _line_ref_field(field: str, help_text: str) -> serializers.IntegerField:
    # Read and written through the FK column: no query per line, and the service resolves
    # (and refuses by name) ids that are not lines of the same build.
    return serializers.IntegerField(
        source=f"{field}_id",
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        help_text=help_text,
    )


class BuildLineSerializer(serializers.ModelSerializer[BuildLine]):
    """A build line; references to other lines (rack, feeds, UPS, coolant source) are line ids
    of the build."""

    ref = serializers.CharField(read_only=True, help_text="The line's id in validation reports.")
    component = ComponentRefField(
        help_text="Fixed after creation: remove the line and add another to swap a part."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)
    rack = _line_ref_field("rack", "Id of the rack line this line is mounted in.")
    position_u = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=1,
        allow_null=True,
        required=False,
        help_text="Lowest U taken (multiple of 0.5); needs a rack.",
    )
    feed_a = _line_ref_field("feed_a", "Id of the PDU/ATS/UPS line the A cords plug into.")
    feed_b = _line_ref_field("feed_b", "Id of the PDU/ATS/UPS line the B cords plug into.")
    ups = _line_ref_field("ups", "For a battery pack: id of the UPS line it extends.")
    coolant_from = _line_ref_field(
        "coolant_from",
        "For a cold-plate node, a CDU or a rear door: id of the CDU or facility water line whose "
        "liquid loop it is on.",
    )
    phase = serializers.ChoiceField(choices=[1, 2, 3], allow_null=True, required=False)
    sort_order = serializers.IntegerField(
        min_value=0, max_value=MAX_SORT_ORDER, required=False, help_text="Set on update."
    )

    class Meta:
        model = BuildLine
        fields = ["id", "ref", *BuildLine.EDITABLE_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None:
            fields["component"].read_only = True
        else:
            fields["sort_order"].read_only = True
        return fields

    def service_arguments(self) -> dict[str, Any]:
        """The validated data under the services' argument names (`rack`, not `rack_id`)."""
        data = dict(self.validated_data)
        for field in LINE_REFERENCES:
            if f"{field}_id" in data:
                data[field] = data.pop(f"{field}_id")
        return data
