"""Serializers of the NetBox hand-off: connections (token write-only), plans and pushes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from configurator.builds.models import Build
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.tenancy.models import Organisation

__all__ = [
    "ConnectionChoiceSerializer",
    "ConnectionTestSerializer",
    "NetBoxConnectionSerializer",
    "NetBoxPushSerializer",
    "PlanSerializer",
]


class NetBoxConnectionSerializer(serializers.ModelSerializer[NetBoxConnection]):
    """A NetBox connection; the token is write-only and never read back."""

    organisation = serializers.SlugRelatedField[Organisation](
        slug_field="slug", read_only=True, help_text="Slug of the owning organisation."
    )
    organisation_slug = serializers.SlugField(
        write_only=True, required=False, help_text="On create: the organisation's slug."
    )
    token = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        style={"input_type": "password"},
        help_text="NetBox API token; required on create, omit to keep the stored one. "
        "Never returned.",
    )
    has_token = serializers.BooleanField(read_only=True)

    class Meta:
        model = NetBoxConnection
        fields = [
            "id",
            "organisation",
            "organisation_slug",
            "name",
            "url",
            "token",
            "has_token",
            "verify_tls",
            "create_manufacturers",
            "use_branching",
            "token_set_at",
            "last_tested_at",
            "last_test_ok",
            "last_test_message",
            "netbox_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "token_set_at",
            "last_tested_at",
            "last_test_ok",
            "last_test_message",
            "netbox_version",
            "created_at",
            "updated_at",
        ]
        # The unique (organisation, name) check is the service's; the serializer has no
        # organisation field to check it with.
        validators: list[Any] = []


class ConnectionTestSerializer(serializers.Serializer[Any]):
    """The outcome of a connection test."""

    ok = serializers.BooleanField()
    message = serializers.CharField()
    netbox_version = serializers.CharField(allow_blank=True)
    branching = serializers.BooleanField(help_text="NetBox Branching is installed.")
    seconds = serializers.FloatField()


class ConnectionChoiceSerializer(serializers.Serializer[Any]):
    """Which connection of the build's organisation (or its seller's) to use."""

    connection = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class _ChangeSerializer(serializers.Serializer[Any]):
    to = serializers.JSONField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:  # "from" is a keyword
        fields = super().get_fields()
        fields["from"] = serializers.JSONField(allow_null=True)
        return fields


class _StepSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The object's identity in the hand-off.")
    object_type = serializers.CharField(help_text="NetBox endpoint, e.g. dcim.devices.")
    # The serializer metaclass moves declared fields off the class: no clash with Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    action = serializers.ChoiceField(
        choices=["create", "update", "delete", "unchanged", "from_template", "blocked"]
    )
    netbox_id = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField(child=_ChangeSerializer())
    note = serializers.CharField(allow_blank=True)


class PlanSerializer(serializers.Serializer[Any]):
    """A dry run: per object, what a push would do, against the target NetBox."""

    netbox_version = serializers.CharField()
    branching = serializers.BooleanField(
        help_text="The target has NetBox Branching: a push writes into a branch, then merges it."
    )
    counts = serializers.DictField(child=serializers.IntegerField())
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Blocking: a push writes nothing while any."
    )
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What NetBox cannot hold of this build."
    )
    steps = _StepSerializer(many=True)
    seconds = serializers.FloatField()


class NetBoxPushSerializer(serializers.ModelSerializer[NetBoxPush]):
    """A push of a build revision: status, progress, counts, what was written, the log."""

    build = serializers.PrimaryKeyRelatedField[Build](read_only=True)
    connection = serializers.PrimaryKeyRelatedField[NetBoxConnection](read_only=True)
    status_url = serializers.SerializerMethodField()
    written = serializers.JSONField(
        help_text="Every write NetBox accepted: action, object_type, netbox_id, key, label."
    )
    log = serializers.JSONField(help_text="Lines of {at, level, message}.")
    counts = serializers.JSONField(help_text="Objects created, updated, deleted, unchanged.")

    class Meta:
        model = NetBoxPush
        fields = [
            "id",
            "build",
            "build_revision",
            "connection",
            "target_url",
            "status",
            "progress_done",
            "progress_total",
            "counts",
            "written",
            "log",
            "error",
            "advice",
            "branch",
            "seconds",
            "enqueued_at",
            "started_at",
            "finished_at",
            "created_at",
            "status_url",
        ]
        read_only_fields = fields

    def get_status_url(self, push: NetBoxPush) -> str:
        request = self.context.get("request")
        path = f"/api/v1/netbox-pushes/{push.pk}/"
        return request.build_absolute_uri(path) if request else path
