"""Serializers of sites, builds and lines: translate JSON to service arguments and rows to JSON.

Engine values (BuildSpec, Report, BOM) are not serialized here: views answer their pydantic
dumps, documented by the schema classes of configurator.api.views.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db.models import Q
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from catalog.models import Component
from catalog.selectors import component_list
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine, Site
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to, token_of

# Primary keys are 64-bit; a larger id names nothing (and SQLite cannot even bind it).
MAX_ID = 2**63 - 1
MAX_QUANTITY = 10_000  # rules.model.PlacedItem's bound: the engine refuses more
MAX_SORT_ORDER = 2**31 - 1


# --------------------------------------------------------------------------- sites


class OrganisationSlugField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """An organisation by slug; text PostgreSQL cannot compare is refused, not a crash."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class SiteSerializer(serializers.ModelSerializer[Site]):
    """A site; `organisation` (slug) is fixed at creation and defaults to a token's own."""

    organisation = OrganisationSlugField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        required=False,
        help_text=(
            "Slug of an organisation the caller may act on; optional for token clients "
            "(the token's organisation) and callers of one organisation. Fixed after creation."
        ),
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            *Site.ENGINE_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The (organisation, name) rule is checked in validate(): DRF's generated validator
        # would make `organisation` required even where it has a default.
        validators: ClassVar[list[Any]] = []
        extra_kwargs = {
            "altitude_m": {"min_value": -500, "max_value": 6000},
            "ambient_min_c": {"min_value": -100, "max_value": 100},
            "ambient_max_c": {"min_value": -100, "max_value": 100},
            "room_volume_m3": {"min_value": 0},
            "floor_rating_kg_m2": {"min_value": 0},
            "supply_voltage_v": {"min_value": 0},
            "supply_breaker_a": {"min_value": 0},
            "grid_carbon_g_per_kwh": {"min_value": 0},
            "electricity_price_per_kwh": {"min_value": 0},
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        organisation = cast(OrganisationSlugField, fields["organisation"])
        if self.instance is not None:
            organisation.read_only = True
        elif request is not None:
            organisation.queryset = organisations_visible_to(request.user, request.auth)
        return fields

    def _default_organisation(self) -> Organisation:
        request = self.context["request"]
        token = token_of(request.auth)
        if token is not None:
            return token.organisation
        # A caller acting for exactly one organisation needs not name it.
        candidates = list(organisations_visible_to(request.user, request.auth)[:2])
        if len(candidates) == 1:
            return candidates[0]
        raise serializers.ValidationError(
            {"organisation": ["Name the organisation (slug): you act for several."]}
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and "organisation" not in attrs:
            attrs["organisation"] = self._default_organisation()
        organisation = attrs.get("organisation") or getattr(self.instance, "organisation", None)
        name = attrs.get("name")
        if organisation is not None and name is not None:
            clash = Site.objects.filter(organisation=organisation, name=name)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    {"name": ["This organisation already has a site with this name."]}
                )
        return attrs


# --------------------------------------------------------------------------- builds


class BuildSerializer(serializers.ModelSerializer[Build]):
    """A build of a site; `revision` is its ETag. The site is fixed after creation."""

    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(), help_text="Id of a site the caller may act on."
    )
    site_name = serializers.CharField(source="site.name", read_only=True)
    organisation = serializers.SlugRelatedField(
        source="site.organisation", slug_field="slug", read_only=True
    )
    status = serializers.ChoiceField(
        choices=Build.Status.choices,
        required=False,
        help_text=(
            "draft or archived; approve with POST approve/, and set draft again to reopen "
            "an approved build."
        ),
    )
    policy_override = serializers.JSONField(
        required=False,
        help_text="Policy keys that differ from the organisation's policy (a partial Policy).",
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    worst_severity = serializers.SerializerMethodField(
        help_text=(
            "Worst finding of the rules engine (error, warning, info; null when none). "
            "Only with ?include=severity on a single build, which evaluates it."
        )
    )

    class Meta:
        model = Build
        fields = [
            "id",
            "name",
            "site",
            "site_name",
            "organisation",
            "status",
            "revision",
            "policy_override",
            "worst_severity",
            "created_by",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "revision", "approved_at", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if self.instance is not None:
            fields["site"].read_only = True
        else:
            fields["status"].read_only = True
            if request is not None:
                site = cast(serializers.PrimaryKeyRelatedField, fields["site"])
                site.queryset = selectors.site_list(user=request.user, auth=request.auth)
        return fields

    def get_worst_severity(self, build: Build) -> str | None:
        severities: dict[int, str | None] = self.context.get("worst_severity", {})
        return severities.get(build.pk)


class BuildCloneSerializer(serializers.Serializer[Any]):
    """Options of a clone: a new name and another site, both optional."""

    name = serializers.CharField(max_length=200, required=False)
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(), required=False, help_text="Id of a visible site."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            site = cast(serializers.PrimaryKeyRelatedField, fields["site"])
            site.queryset = selectors.site_list(user=request.user, auth=request.auth)
        return fields


class ApplyToSiteSerializer(BuildCloneSerializer):
    """The site a build is copied onto."""

    name = None  # type: ignore[assignment]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["site"].required = True
        return fields


class PlacementSerializer(serializers.Serializer[Any]):
    """Where auto-place put one line."""

    line = serializers.IntegerField(source="line_id")
    rack = serializers.IntegerField(source="rack_id")
    position_u = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class AutoPlaceResultSerializer(serializers.Serializer[Any]):
    """The placements made and the build's new revision."""

    revision = serializers.IntegerField()
    placements = PlacementSerializer(many=True)


# --------------------------------------------------------------------------- lines


class ComponentRefField(serializers.Field):  # type: ignore[type-arg]
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

    def to_internal_value(self, data: Any) -> Component:
        if isinstance(data, dict) and set(data) == {"id"}:
            data = data["id"]
        if isinstance(data, int) and not isinstance(data, bool):
            component = component_list().filter(pk=data).first() if 0 < data <= MAX_ID else None
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
                component_list()
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

    target_class = "configurator.api.serializers.ComponentRefField"

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


LINE_REFERENCES = ("rack", "feed_a", "feed_b", "ups")


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
    """A build line; references to other lines (rack, feeds, UPS) are line ids of the build."""

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


class ErrorSerializer(serializers.Serializer[Any]):
    """The error envelope every API error answers (schema only)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. not_found.")
    message = serializers.CharField(help_text="A sentence for people; may change.")
    details = serializers.JSONField(
        allow_null=True,
        help_text="Per-field messages (400), blocking findings (422), or other context.",
    )
