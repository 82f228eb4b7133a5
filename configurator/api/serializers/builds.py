"""Serializers of builds and of their commands' bodies and results (clone, apply, auto-place)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from rest_framework import serializers

from catalog.choices import ComponentKind
from catalog.selectors import component_list
from configurator.api.serializers.common import MAX_ID
from configurator.builds import selectors
from configurator.builds.models import Build, Site
from configurator.tenancy.models import Organisation

__all__ = [
    "ApplyToSiteSerializer",
    "AutoPlaceResultSerializer",
    "BomQuerySerializer",
    "BuildCloneSerializer",
    "BuildSerializer",
    "BuildUpdateSerializer",
    "PlacementSerializer",
]


class PolicyOverrideField(serializers.JSONField):
    """A partial Policy (JSON object); documented with the Policy's keys and bounds."""


def _document_policy_override() -> None:
    """Point the field's OpenAPI schema at the Policy model (imported late: no cycle)."""
    from drf_spectacular.utils import extend_schema_field

    from configurator.api.schema import PolicyOverrideSchema

    extend_schema_field(PolicyOverrideSchema)(PolicyOverrideField)


class BuildSerializer(serializers.ModelSerializer[Build]):
    """A build of a site; `revision` is its ETag. The site is fixed after creation."""

    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(), help_text="Id of a site the caller may act on."
    )
    site_name = serializers.CharField(source="site.name", read_only=True)
    organisation = serializers.SlugRelatedField[Organisation](
        source="site.organisation", slug_field="slug", read_only=True
    )
    status = serializers.ChoiceField(
        choices=Build.Status.choices,
        required=False,
        help_text=(
            "Read-only on create (a new build is a draft). On PUT/PATCH: `draft` reopens an "
            "approved build (sales engineers and admins; it forgets who approved it), "
            "`archived` retires a build; `approved` only through POST approve/, which runs "
            "the rules (sent unchanged it is accepted)."
        ),
    )
    policy_override = PolicyOverrideField(
        required=False,
        help_text=(
            "Policy keys that differ from the organisation's policy (a partial Policy); each "
            "figure within its range, else 400 naming `policy_override.<key>` and the range."
        ),
    )
    created_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who created the build; null if that user was deleted.",
    )
    approved_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who approved the build; null unless approved.",
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


class BuildUpdateSerializer(BuildSerializer):
    """A build as PUT and PATCH take it: the site is fixed, the status may change."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["site"].read_only = True
        fields["status"].read_only = False
        return fields


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


class BomQuerySerializer(serializers.Serializer[Any]):
    """Query of GET bom/: an optional bundle to compare against."""

    bundle = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate_bundle(self, value: int) -> Any:
        """The bundle component with this id; any other id is bad input."""
        bundle = component_list().filter(pk=value).first()
        if bundle is None:
            raise serializers.ValidationError(f"No component with id {value}.")
        if bundle.kind != ComponentKind.BUNDLE:
            raise serializers.ValidationError(f"Component {value} is not a bundle.")
        return bundle


_document_policy_override()
