"""A configuration request and what the solver answered: the job the API and the pages read."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from configurator.builds.models import Build, Site
from configurator.tenancy.models import Organisation


class ConfigureJob(models.Model):
    """One run of the auto-configurator: requirements in, proof and builds out.

    Small requests run in the request; larger ones on a worker, which writes the stage and
    progress here as it goes. The result is the solver's whole answer (proof, the optimum and
    the alternatives as wired builds, the kits compared, or the conflict), cost included when
    the requester may see cost; readers without that right get it without (selectors).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="configure_jobs"
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="configure_jobs",
        help_text="The site the requirements were taken from; none for an inline site.",
    )
    build = models.ForeignKey(
        Build,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="configure_jobs",
        help_text="The build the optimum was written to, when it was.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    requirements_json = models.JSONField(help_text="The requirements, as the solver read them.")
    extras = models.BooleanField(
        default=True, help_text="Alternatives, the Pareto front and the kits compared too."
    )
    time_limit_s = models.FloatField(default=10)
    with_cost = models.BooleanField(
        default=False, help_text="The catalogue was read with cost prices (a seller asked)."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=32, blank=True)
    progress_pct = models.PositiveSmallIntegerField(default=0)
    result_json = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_pct__lte=100), name="configure_job_progress_pct_lte_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Configuration {self.pk} ({self.status})"
