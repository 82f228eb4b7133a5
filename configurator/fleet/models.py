"""Fleets: standard builds and their versions and variants, the builds rolled out from them,
fleet validation jobs and their items, and the catalogue changes whose impact they judge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from configurator.builds.models import Build, Site
from configurator.tenancy.models import Organisation


class Standard(models.Model):
    """A standard build: one design, versioned, rolled out to many sites of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="standards"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source_build = models.ForeignKey(
        Build,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="standards_designed",
        help_text="The build new versions are published from (its lines as they are then).",
    )
    current_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="standard_unique_organisation_name",
                violation_error_message="This organisation already has a standard of this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.current_version}"


class StandardVersion(models.Model):
    """One published design of a standard: its lines and policy override, frozen as JSON.

    `design` is ``{"name", "policy_override", "lines": [...]}``; each line names its
    component by id and the lines it refers to (rack, feeds, UPS) by their design key
    (configurator.fleet.designs).
    """

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    design = models.JSONField()
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    source_build = models.ForeignKey(
        Build, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_build_revision = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "number"], name="standardversion_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="standardversion_number_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.name} v{self.number}"


class StandardVariant(models.Model):
    """A local variant of a standard: components swapped at the sites that need it.

    `substitutions` is ``[{"replace": <component id>, "with": <component id>}, ...]``, each
    pair of one kind (an indoor rack for an outdoor enclosure, say).
    """

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    substitutions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["standard", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "name"],
                name="standardvariant_unique_name",
                violation_error_message="This standard already has a variant of this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.name} / {self.name}"


class StandardBuild(models.Model):
    """A build rolled out from a standard: which version and variant, and when.

    One build of a standard per site. `applied_revision` is the build's revision right after
    the roll-out: a build past it was edited locally since.
    """

    build = models.OneToOneField(
        Build, on_delete=models.CASCADE, primary_key=True, related_name="standard_link"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="builds")
    # The build's site, kept here so the database holds "one build of a standard per site".
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="standard_builds")
    version = models.PositiveIntegerField()
    variant = models.ForeignKey(
        StandardVariant, on_delete=models.PROTECT, null=True, blank=True, related_name="builds"
    )
    applied_revision = models.PositiveIntegerField()
    applied_at = models.DateTimeField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["standard", "site", "build"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "site"],
                name="standardbuild_one_per_site",
                violation_error_message="This site already has a build of this standard.",
            ),
        ]
        indexes = [
            models.Index(fields=["standard", "version"], name="standardbuild_version_idx"),
        ]

    def __str__(self) -> str:
        return f"build {self.build_id}: {self.standard_id} v{self.version}"


class CatalogueChange(models.Model):
    """A change to a component that builds use: what changed, from what, to what.

    Recorded when a component is saved with a different spec, price, lead time or lifecycle
    (configurator.fleet.changes); `before` holds the component's figures before the change,
    so its impact can be judged against the build as it was.
    """

    component = models.ForeignKey(
        "catalog.Component", on_delete=models.CASCADE, related_name="fleet_changes"
    )
    changes = models.JSONField(help_text="{field: [before, after]} for each changed field.")
    before = models.JSONField(help_text="The component's figures before the change.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"change {self.pk} of component {self.component_id}"


class FleetValidation(models.Model):
    """A job validating many builds of one organisation on Celery, chunk by chunk.

    Its items (one per build) say what the job did with each build. At most one queued or
    running job per organisation and selection: starting the same selection again answers
    the job already under way.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Reason(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CATALOGUE_CHANGE = "catalogue_change", "Catalogue change"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="fleet_validations"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.REQUESTED)
    change = models.ForeignKey(
        CatalogueChange,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="validations",
    )
    selection = models.JSONField(default=dict, help_text="The filters the builds were chosen by.")
    selection_key = models.CharField(
        max_length=64, help_text="SHA-256 of the reason, the change and the sorted build ids."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    chunk_size = models.PositiveIntegerField()
    chunks = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    validated = models.PositiveIntegerField(default=0, help_text="Builds the engine evaluated.")
    reused = models.PositiveIntegerField(default=0, help_text="Builds whose report was current.")
    missing = models.PositiveIntegerField(default=0, help_text="Builds deleted or moved since.")
    errored = models.PositiveIntegerField(default=0, help_text="Builds the engine could not judge.")
    passed = models.PositiveIntegerField(default=0)
    warned = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time a chunk finished (or the job was queued)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "selection_key"],
                condition=Q(status__in=["queued", "running"]),
                name="fleetvalidation_one_active_per_selection",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="fleetvalidation_done_lte_total"
            ),
        ]
        indexes = [models.Index(fields=["status", "progressed_at"], name="fleetval_status_idx")]

    def __str__(self) -> str:
        return f"fleet validation {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        """Share of the builds done, 0-100."""
        return 100 if not self.total else int(100 * self.done / self.total)


class FleetValidationItem(models.Model):
    """One build of a fleet validation: its chunk, what the job did with it, its verdict."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Outcome(models.TextChoices):
        VALIDATED = "validated", "Validated"
        REUSED = "reused", "Report was current"
        MISSING = "missing", "Build gone"
        ERROR = "error", "Could not be judged"

    job = models.ForeignKey(FleetValidation, on_delete=models.CASCADE, related_name="items")
    build = models.ForeignKey(
        Build, on_delete=models.SET_NULL, null=True, blank=True, related_name="fleet_items"
    )
    chunk = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    verdict = models.CharField(max_length=8, blank=True)
    worst = models.JSONField(null=True, blank=True)
    before_verdict = models.CharField(
        max_length=8, blank=True, help_text="Catalogue-change jobs: the verdict before it."
    )
    new_findings = models.JSONField(
        default=list,
        blank=True,
        help_text="Catalogue-change jobs: findings after the change whose code was not there.",
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "chunk", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "build"], name="fleetvalidationitem_unique"),
        ]
        indexes = [
            models.Index(fields=["job", "chunk", "status"], name="fleetitem_chunk_idx"),
            models.Index(fields=["job", "verdict"], name="fleetitem_verdict_idx"),
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} build {self.build_id}: {self.status}"


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
FleetValidationStatus = FleetValidation.Status
FleetItemStatus = FleetValidationItem.Status
