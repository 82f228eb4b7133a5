"""Serializers of standards: versions, variants, roll-outs to sites and the sites that follow
them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from configurator.api.serializers.common import ID_BOUNDS, IdListField
from configurator.builds.models import Build
from configurator.fleet.models import (
    Standard,
    StandardVariant,
    StandardVersion,
)
from configurator.fleet.selectors import StandardSiteRow
from configurator.fleet.services.standards import MAX_SITES_PER_APPLY
from configurator.tenancy.models import Organisation

__all__ = [
    "ApplySerializer",
    "PublishSerializer",
    "ReapplySerializer",
    "StandardCreateSerializer",
    "StandardSerializer",
    "StandardSiteSerializer",
    "StandardUpdateSerializer",
    "StandardVariantSerializer",
    "StandardVersionSerializer",
]


class StandardSerializer(serializers.ModelSerializer[Standard]):
    """A standard build of an organisation: its current version and how many builds follow."""

    organisation = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)
    source_build = serializers.PrimaryKeyRelatedField[Build](read_only=True)
    build_count = serializers.IntegerField(read_only=True, help_text="Builds rolled out from it.")

    class Meta:
        model = Standard
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            "current_version",
            "source_build",
            "build_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StandardCreateSerializer(serializers.Serializer[Any]):
    """Make a standard whose version 1 is a visible build as it is now."""

    build = serializers.IntegerField(**ID_BOUNDS, help_text="Id of the build to standardise.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class StandardUpdateSerializer(serializers.Serializer[Any]):
    """Rename a standard or change its description."""

    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class StandardVersionSerializer(serializers.ModelSerializer[StandardVersion]):
    """A published version: its design (lines by key, policy override) and notes."""

    source_build = serializers.PrimaryKeyRelatedField[Build](read_only=True)
    line_count = serializers.SerializerMethodField()

    class Meta:
        model = StandardVersion
        fields = [
            "number",
            "notes",
            "source_build",
            "source_build_revision",
            "line_count",
            "design",
            "created_at",
        ]
        read_only_fields = fields

    def get_line_count(self, version: StandardVersion) -> int:
        return len(version.design.get("lines", []))


class PublishSerializer(serializers.Serializer[Any]):
    """Publish the next version from a build (default: the standard's source build)."""

    build = serializers.IntegerField(
        **ID_BOUNDS, required=False, help_text="Build to publish from."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class _Substitution(serializers.Serializer[Any]):
    replace = serializers.IntegerField(**ID_BOUNDS, help_text="Component id the standard uses.")
    with_ = serializers.IntegerField(**ID_BOUNDS, help_text="Component id of the same kind.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "with" is a Python keyword: the field is declared as with_ and named "with" here.
        fields["with"] = fields.pop("with_")
        return fields


class StandardVariantSerializer(serializers.ModelSerializer[StandardVariant]):
    """A local variant: the components it swaps at the sites that take it."""

    substitutions = _Substitution(many=True)

    class Meta:
        model = StandardVariant
        fields = ["id", "name", "description", "substitutions", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"description": {"required": False}}
        validators: list[Any] = []


class ApplySerializer(serializers.Serializer[Any]):
    """Roll a version of the standard out to sites of its organisation."""

    sites = IdListField(
        min_length=1,
        max_length=MAX_SITES_PER_APPLY,
        help_text="Ids of the sites that get a build of the standard.",
    )
    variant = serializers.IntegerField(**ID_BOUNDS, required=False, help_text="Variant id.")
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="Version number (default: the current one)."
    )


class ReapplySerializer(serializers.Serializer[Any]):
    """Re-apply a version (default: current) to builds of the standard."""

    builds = IdListField(
        required=False,
        max_length=MAX_SITES_PER_APPLY,
        help_text="Ids of builds of this standard; or `behind: true` for all that lag.",
    )
    behind = serializers.BooleanField(
        required=False, default=False, help_text="Every build on an older version."
    )
    version = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("builds") and not attrs.get("behind"):
            raise serializers.ValidationError({"builds": ["Name builds, or send behind: true."]})
        return attrs


class StandardSiteSerializer(serializers.Serializer[StandardSiteRow]):
    """A build of the standard at a site: its version and variant and what it lacks."""

    build = serializers.IntegerField(source="link.build_id")
    build_name = serializers.CharField(source="link.build.name")
    build_status = serializers.CharField(source="link.build.status")
    site = serializers.IntegerField(source="link.site_id")
    site_name = serializers.CharField(source="link.site.name")
    version = serializers.IntegerField(source="link.version")
    variant = serializers.CharField(source="link.variant.name", allow_null=True, default=None)
    applied_at = serializers.DateTimeField(source="link.applied_at")
    behind = serializers.BooleanField(help_text="On an older version than the current one.")
    modified = serializers.BooleanField(help_text="Edited after its roll-out.")
    difference = serializers.JSONField(
        allow_null=True,
        help_text=(
            "From its version to the current one: components whose units change "
            "(`components`: component, before, after), lines moved or rewired "
            "(`lines_changed`), `policy_changed`. Null when current."
        ),
    )
