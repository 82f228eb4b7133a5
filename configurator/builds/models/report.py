"""The engine's last report on a build, kept as the report cache and the build's fleet result."""

from __future__ import annotations

from django.db import models

from configurator.builds.models.build import Build


class BuildReport(models.Model):
    """The engine's last report on a build, stored under the fingerprint of its inputs.

    One row per build: the report cache that the API, the editor, lists and fleet jobs share
    (configurator.builds.services.reports), and the build's latest result in a fleet (verdict,
    worst finding, key figures, when). The row is current while its `fingerprint` equals the
    fingerprint of the build's inputs now (configurator.builds.fingerprints); a row with an
    empty fingerprint holds no report yet (a fleet job locks it while it validates).
    """

    class Verdict(models.TextChoices):
        PASS = "pass", "Pass"
        WARNING = "warning", "Warnings"
        FAIL = "fail", "Fail"

    build = models.OneToOneField(
        Build, on_delete=models.CASCADE, primary_key=True, related_name="stored_report"
    )
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of every input of the report; empty: none."
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    worst = models.JSONField(
        null=True, blank=True, help_text="The worst finding (rules.Finding as JSON), or none."
    )
    figures = models.JSONField(
        default=dict, blank=True, help_text="Key figures of the report, copied from its metrics."
    )
    # The figures a fleet sums, as columns so the database adds them up.
    it_load_w = models.FloatField(null=True, blank=True)
    annual_kwh = models.FloatField(null=True, blank=True)
    co2_kg_per_year = models.FloatField(null=True, blank=True)
    energy_cost_per_year = models.FloatField(null=True, blank=True)
    bill_total = models.FloatField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    report = models.JSONField(null=True, blank=True, help_text="rules.Report as JSON.")
    evaluation_ms = models.FloatField(null=True, blank=True, help_text="Engine time, ms.")
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["build_id"]
        indexes = [models.Index(fields=["verdict"], name="buildreport_verdict_idx")]

    def __str__(self) -> str:
        return f"report of build {self.build_id}: {self.verdict or 'none'}"
