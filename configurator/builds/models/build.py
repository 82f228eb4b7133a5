"""Builds and their lines: the racks and components of one configuration, placed and fed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from configurator.builds.models.site import Site
from configurator.builds.validation import validate_partial_policy


class Build(models.Model):
    """One configuration of racks and components for one site."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ARCHIVED = "archived", "Archived"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="builds")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    policy_override = models.JSONField(
        default=dict,
        blank=True,
        help_text="Policy keys that differ from the organisation's policy (partial Policy).",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every write; clients send it back to detect stale edits."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_created",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(revision__gte=1), name="build_revision_gte_1"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        """Approved and archived builds take no line changes."""
        return self.status != self.Status.DRAFT

    def clean(self) -> None:
        """Validate and normalise the partial policy override."""
        super().clean()
        self.policy_override = validate_partial_policy(self.policy_override)


class BuildLine(models.Model):
    """`quantity` units of one component in a build: where they sit and what feeds them."""

    class Face(models.TextChoices):
        FRONT = "front", "Front"
        REAR = "rear", "Rear"

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="lines")
    component = models.ForeignKey(
        "catalog.Component", on_delete=models.PROTECT, related_name="build_lines"
    )
    quantity = models.PositiveIntegerField(default=1)
    # RESTRICT between lines: deleting a whole build removes them together, while deleting
    # one referenced line (admin, shell) is refused; the services detach references first.
    rack = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="rack_lines",
        help_text="The rack line this line is mounted in.",
    )
    position_u = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Lowest rack unit taken (1-based, multiple of 0.5); empty = unplaced / zero-U.",
    )
    face = models.CharField(max_length=8, choices=Face.choices, default=Face.FRONT)
    feed_a = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_a_lines",
        help_text="PDU, ATS or UPS line the A cords plug into; empty = site supply.",
    )
    feed_b = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_b_lines",
        help_text="PDU, ATS or UPS line the B cords plug into.",
    )
    ups = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="battery_lines",
        help_text="For a battery pack: the UPS line whose string it extends.",
    )
    coolant_from = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="coolant_lines",
        help_text="For a cold-plate node, a CDU or a rear door: the CDU or facility water line "
        "whose loop it is on.",
    )
    phase = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(1, "L1"), (2, "L2"), (3, "L3")],
        help_text="Phase of a three-phase source the cords use; empty = spread evenly.",
    )
    note = models.CharField(max_length=500, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # What a person sets on a line, in reading order: the admin inline and the API show these.
    EDITABLE_FIELDS = (
        "component",
        "quantity",
        "rack",
        "position_u",
        "face",
        "feed_a",
        "feed_b",
        "ups",
        "coolant_from",
        "phase",
        "note",
        "sort_order",
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="buildline_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(position_u__gte=1),
                name="buildline_position_u_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(rack__isnull=False),
                name="buildline_position_needs_rack",
                violation_error_message="A position needs a rack.",
            ),
            models.CheckConstraint(
                condition=Q(phase__isnull=True) | Q(phase__gte=1, phase__lte=3),
                name="buildline_phase_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(feed_a__isnull=True) | ~Q(feed_a=F("feed_b")),
                name="buildline_feeds_differ",
                violation_error_message="Feed A and feed B must be different sources.",
            ),
        ]
        indexes = [
            models.Index(fields=["build", "sort_order"], name="buildline_build_order_idx"),
            # Which builds use a component, read from the index alone: catalogue-change impact
            # (configurator.fleet) lists them without scanning the lines of every build.
            models.Index(fields=["component", "build"], name="buildline_component_build_idx"),
        ]

    def __str__(self) -> str:
        return f"line {self.pk}: {self.quantity} x {self.component_id}"

    @property
    def ref(self) -> str:
        """The id of this line in the engine's BuildSpec."""
        return f"L{self.pk}"

    def clean(self) -> None:
        """Single-row placement checks; checks against other lines live in the services."""
        super().clean()
        errors: dict[str, str] = {}
        if self.position_u is not None:
            if self.position_u * 2 != int(self.position_u * 2):
                errors["position_u"] = "A position must be a multiple of 0.5 U."
            if self.rack_id is None:
                errors["position_u"] = "A position needs a rack."
        if self.feed_a_id is not None and self.feed_a_id == self.feed_b_id:
            errors["feed_b"] = "Feed A and feed B must be different sources."
        if errors:
            raise ValidationError(errors)


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
BuildStatus = Build.Status
