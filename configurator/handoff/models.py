"""NetBox connections of an organisation, and the pushes of builds into them with their logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from configurator.builds.models import Build
from configurator.tenancy.models import Organisation


class NetBoxConnection(models.Model):
    """A NetBox an organisation hands builds off to: its URL and an API token kept encrypted.

    The token is stored only as Fernet ciphertext (`configurator.handoff.crypto`); no read
    ever returns it, so it is never shown again once set.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="netbox_connections"
    )
    name = models.CharField(max_length=100, help_text="A label, e.g. “Operations NetBox”.")
    url = models.URLField(max_length=500, help_text="Base URL of the NetBox, without /api/.")
    token_encrypted = models.TextField(editable=False, help_text="Fernet ciphertext of the token.")
    token_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    verify_tls = models.BooleanField(
        default=True,
        help_text="Check the server's TLS certificate (turn off for lab servers only).",
    )
    create_manufacturers = models.BooleanField(
        default=False,
        help_text="Create manufacturers NetBox lacks; off: a missing manufacturer stops the push "
        "before anything is written.",
    )
    use_branching = models.BooleanField(
        default=True,
        help_text="Where the NetBox has the NetBox Branching plugin, push into a branch and "
        "merge it when every write succeeded (main changes all at once or not at all).",
    )
    last_tested_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_test_ok = models.BooleanField(null=True, blank=True, editable=False)
    last_test_message = models.TextField(blank=True, editable=False)
    netbox_version = models.CharField(max_length=50, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "name", "pk"]
        verbose_name = "NetBox connection"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="netboxconnection_unique_organisation_name",
                violation_error_message="This organisation already has a connection of this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    @property
    def has_token(self) -> bool:
        """Whether a token is set (its value is never readable)."""
        return bool(self.token_encrypted)


class NetBoxPush(models.Model):
    """One push of a build revision into a NetBox: progress, what was written, and the log.

    NetBox has no transaction across objects, so every write is recorded here as it happens
    (`written`): a failed push says exactly what exists in NetBox and what to retry or clean.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="netbox_pushes")
    build_revision = models.PositiveIntegerField()
    connection = models.ForeignKey(
        NetBoxConnection, on_delete=models.SET_NULL, null=True, related_name="pushes"
    )
    target_url = models.URLField(max_length=500, help_text="The connection's URL at push time.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True, help_text="Objects created, updated, deleted and unchanged."
    )
    written = models.JSONField(
        default=list,
        blank=True,
        help_text="Every write NetBox accepted, in order: action, object type, id, key.",
    )
    log = models.JSONField(default=list, blank=True, help_text="Timestamped lines of the push.")
    error = models.TextField(blank=True)
    advice = models.TextField(blank=True, help_text="What to clean or retry after a failure.")
    branch = models.CharField(
        max_length=100, blank=True, help_text="NetBox Branching branch the writes went to."
    )
    seconds = models.FloatField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "NetBox push"
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")) | Q(progress_total=0),
                name="netboxpush_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"push {self.pk} of build {self.build_id} rev {self.build_revision} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
NetBoxPushStatus = NetBoxPush.Status
