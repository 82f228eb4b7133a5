"""Rendered documents: the stored PDF of a quote revision or of a build revision's spec sheet."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from configurator.builds.models import Build
from configurator.quotes.models import Quote


class RenderedDocument(models.Model):
    """A PDF rendered by a worker: one per quote revision, one per build revision's spec sheet.

    The bytes live in the row (BinaryField): stored in the same transaction as the status,
    backed up with the database, and never out of step with a file system.
    """

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        SPEC_SHEET = "spec_sheet", "Spec sheet"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    build = models.ForeignKey(
        Build, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    build_revision = models.PositiveIntegerField(null=True, blank=True)
    source_json = models.JSONField(
        null=True,
        blank=True,
        help_text="What a spec sheet is rendered from (spec and report), frozen at request.",
    )
    source_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=(
            "SHA-256 of a spec sheet's source without its date: a site or catalogue edit that "
            "changes the build's figures makes a new sheet of the same revision."
        ),
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(null=True, blank=True, editable=False)
    content_type = models.CharField(max_length=100, default="application/pdf")
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # NULLs are distinct: spec sheets (quote NULL) never collide on the first, quotes
            # (build NULL) never on the second.
            models.UniqueConstraint(fields=["quote"], name="document_one_per_quote"),
            models.UniqueConstraint(
                fields=["build", "build_revision", "source_sha256"],
                name="document_one_per_build_revision_source",
            ),
            models.CheckConstraint(
                condition=(Q(kind="quote") & Q(quote__isnull=False) & Q(build__isnull=True))
                | (
                    Q(kind="spec_sheet")
                    & Q(quote__isnull=True)
                    & Q(build__isnull=False)
                    & Q(build_revision__isnull=False)
                ),
                name="document_kind_matches_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(content__isnull=False),
                name="document_ready_has_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename or self.pk} ({self.status})"

    @property
    def file_bytes(self) -> bytes:
        """The stored file, as bytes (a memoryview on PostgreSQL); a ready document has one."""
        if self.content is None:
            raise ValueError(f"{self} has no content yet.")
        return bytes(self.content)


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
DocumentStatus = RenderedDocument.Status
