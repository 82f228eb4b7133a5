"""Serializers of fleets: fleet rows and summaries, validation jobs, bulk sites and catalogue
changes (standards: configurator.api.serializers.standards)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework import serializers

from configurator.api.serializers.common import ID_BOUNDS, FindingField, IdListField
from configurator.builds.models import Build, BuildReport, Site
from configurator.fleet.filters import VERDICT_CHOICES
from configurator.fleet.models import (
    CatalogueChange,
    FleetValidation,
    FleetValidationItem,
)
from configurator.fleet.selectors import FleetRow
from configurator.fleet.services.sites_import import MAX_SITES
from configurator.tenancy.models import Organisation

__all__ = [
    "CatalogueChangeSerializer",
    "FleetItemSerializer",
    "FleetQuerySerializer",
    "FleetRowSerializer",
    "FleetSummarySerializer",
    "FleetValidationCreateSerializer",
    "FleetValidationSerializer",
    "ImpactSerializer",
    "SitesBulkSerializer",
    "SitesImportResultSerializer",
    "SitesImportSerializer",
]


# --------------------------------------------------------------------------- fleet rows


class _StoredReportSerializer(serializers.ModelSerializer[BuildReport]):
    worst = FindingField(
        read_only=True, allow_null=True, help_text="The worst finding, or null when none."
    )

    class Meta:
        model = BuildReport
        fields = ["verdict", "errors", "warnings", "worst", "figures", "validated_at"]
        read_only_fields = fields


class FleetRowSerializer(serializers.Serializer[FleetRow]):
    """A build of the fleet with its site, standard and last stored report."""

    build = serializers.IntegerField(source="build.pk")
    build_name = serializers.CharField(source="build.name")
    status = serializers.CharField(source="build.status")
    organisation = serializers.CharField(source="build.site.organisation.slug")
    site = serializers.IntegerField(source="build.site_id")
    site_name = serializers.CharField(source="build.site.name")
    country = serializers.CharField(source="build.site.country")
    environment = serializers.CharField(source="build.site.environment")
    standard = serializers.SerializerMethodField()
    report = _StoredReportSerializer(allow_null=True)
    current = serializers.BooleanField(
        help_text="The stored report is of the build's inputs as they are now."
    )

    def get_standard(self, row: FleetRow) -> dict[str, Any] | None:
        link = getattr(row.build, "standard_link", None)
        if link is None:
            return None
        return {
            "id": link.standard_id,
            "name": link.standard.name,
            "version": link.version,
            "current_version": link.standard.current_version,
            "variant": link.variant.name if link.variant else None,
        }


class FleetSummarySerializer(serializers.Serializer[Any]):
    """Counts by verdict, and the engine's energy, carbon and cost figures summed."""

    builds = serializers.IntegerField()
    reported = serializers.IntegerField(help_text="Builds with a stored report.")
    verdicts = serializers.DictField(
        child=serializers.IntegerField(), help_text="pass, warning, fail, none (never validated)."
    )
    it_load_w = serializers.FloatField(help_text="Typical IT load, W, summed.")
    annual_kwh = serializers.FloatField()
    co2_kg_per_year = serializers.FloatField()
    energy_cost_per_year = serializers.DictField(
        child=serializers.FloatField(), help_text="By currency (never converted)."
    )
    list_price_total = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="List price of the fleet BOM; null when its parts mix currencies.",
    )
    list_price_currency = serializers.CharField(allow_null=True)
    standards = serializers.ListField(child=serializers.DictField())


# --------------------------------------------------------------------------- validations


class FleetValidationSerializer(serializers.ModelSerializer[FleetValidation]):
    """A fleet validation job and its progress."""

    organisation = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)
    requested_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who started the job; null if that user was deleted.",
    )
    percent = serializers.IntegerField(read_only=True)
    status_url = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = FleetValidation
        fields = [
            "id",
            "organisation",
            "status",
            "reason",
            "change",
            "selection",
            "requested_by",
            "total",
            "done",
            "percent",
            "validated",
            "reused",
            "missing",
            "errored",
            "passed",
            "warned",
            "failed",
            "chunks",
            "chunk_size",
            "created_at",
            "started_at",
            "finished_at",
            "status_url",
            "results_url",
        ]
        read_only_fields = fields

    def _url(self, job: FleetValidation, name: str) -> str:
        request = self.context.get("request")
        version = getattr(request, "version", None) or "v1"
        path = reverse(name, kwargs={"version": version, "pk": job.pk})
        return request.build_absolute_uri(path) if request is not None else path

    def get_status_url(self, job: FleetValidation) -> str:
        return self._url(job, "fleet-validation-detail")

    def get_results_url(self, job: FleetValidation) -> str:
        return self._url(job, "fleet-validation-results")


class FleetQuerySerializer(serializers.Serializer[Any]):
    """The fleet filters as query parameters (documentation of the GET endpoints)."""

    organisation = serializers.SlugField(required=False, help_text="Organisation slug.")
    standard = serializers.IntegerField(**ID_BOUNDS, required=False, help_text="Standard id.")
    version = serializers.IntegerField(min_value=1, required=False)
    behind = serializers.BooleanField(
        required=False, help_text="true: builds on an older version than the standard's."
    )
    variant = serializers.IntegerField(**ID_BOUNDS, required=False, help_text="Variant id.")
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES, required=False)
    country = serializers.CharField(max_length=2, required=False)
    environment = serializers.ChoiceField(choices=Site.Environment.choices, required=False)
    status = serializers.ChoiceField(choices=Build.Status.choices, required=False)
    q = serializers.CharField(required=False, help_text="Text in the site's or build's name.")
    builds = serializers.CharField(required=False, help_text="Comma-separated build ids.")
    sites = serializers.CharField(required=False, help_text="Comma-separated site ids.")


class FleetValidationCreateSerializer(serializers.Serializer[Any]):
    """Which builds to validate: an organisation's, narrowed by the fleet filters."""

    organisation = serializers.SlugField(
        required=False,
        help_text="Slug; optional for token clients and callers of one organisation.",
    )
    standard = serializers.IntegerField(**ID_BOUNDS, required=False)
    version = serializers.IntegerField(min_value=1, required=False)
    behind = serializers.BooleanField(required=False, allow_null=True, default=None)
    variant = serializers.IntegerField(**ID_BOUNDS, required=False)
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES, required=False)
    country = serializers.CharField(max_length=2, required=False)
    environment = serializers.ChoiceField(choices=Site.Environment.choices, required=False)
    status = serializers.ChoiceField(choices=Build.Status.choices, required=False)
    q = serializers.CharField(max_length=200, required=False)
    # Bounded so an id list always fits one query's parameters (SQLite takes 32,766).
    builds = IdListField(required=False, max_length=10_000)
    sites = IdListField(required=False, max_length=10_000)


class FleetItemSerializer(serializers.ModelSerializer[FleetValidationItem]):
    """One build of a job: what the job did with it and the verdict."""

    build_name = serializers.CharField(source="build.name", allow_null=True, default=None)
    site = serializers.IntegerField(source="build.site_id", allow_null=True, default=None)
    site_name = serializers.CharField(source="build.site.name", allow_null=True, default=None)
    worst = FindingField(
        read_only=True, allow_null=True, help_text="The worst finding, or null when none."
    )

    class Meta:
        model = FleetValidationItem
        fields = [
            "build",
            "build_name",
            "site",
            "site_name",
            "status",
            "outcome",
            "verdict",
            "worst",
            "before_verdict",
            "new_findings",
            "error",
            "finished_at",
        ]
        read_only_fields = fields


# --------------------------------------------------------------------------- sites in bulk


class SitesBulkSerializer(serializers.Serializer[Any]):
    """Sites to create or update by name, all or nothing."""

    organisation = serializers.SlugField(required=False)
    dry_run = serializers.BooleanField(required=False, default=False)
    sites = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=MAX_SITES,
        help_text="Site objects (the fields of POST sites/); `name` picks the site to update.",
    )


class SitesImportSerializer(serializers.Serializer[Any]):
    """A CSV or XLSX sheet of sites, all or nothing."""

    organisation = serializers.SlugField(required=False)
    dry_run = serializers.BooleanField(required=False, default=False)
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX; the header names the columns.")


class _SiteRowSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    name = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    site = serializers.IntegerField(source="site_id", allow_null=True)


class SitesImportResultSerializer(serializers.Serializer[Any]):
    """What a sites import did (or would do on a dry run)."""

    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = _SiteRowSerializer(many=True)


# --------------------------------------------------------------------------- catalogue changes


class CatalogueChangeSerializer(serializers.ModelSerializer[CatalogueChange]):
    """A recorded change of a component that builds use."""

    component_name = serializers.CharField(source="component.__str__", read_only=True)
    lifecycle = serializers.CharField(source="component.lifecycle", read_only=True)
    impact_url = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueChange
        fields = [
            "id",
            "component",
            "component_name",
            "lifecycle",
            "changes",
            "created_at",
            "impact_url",
        ]
        read_only_fields = fields

    def get_impact_url(self, change: CatalogueChange) -> str:
        request = self.context.get("request")
        version = getattr(request, "version", None) or "v1"
        path = reverse("catalogue-change-detail", kwargs={"version": version, "pk": change.pk})
        return request.build_absolute_uri(path) if request is not None else path


class _QuoteRef(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    # The serializer metaclass moves declared fields off the class: no clash with Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    status = serializers.CharField()
    build = serializers.IntegerField(source="build_id", allow_null=True)


class _DraftQuoteImpact(serializers.Serializer[Any]):
    quote = _QuoteRef()
    units = serializers.IntegerField()
    unit_price_before = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit_price_after = serializers.DecimalField(max_digits=14, decimal_places=2)
    change = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()


class _IssuedQuoteImpact(serializers.Serializer[Any]):
    quote = _QuoteRef()
    reasons = serializers.ListField(child=serializers.CharField())


class ImpactSerializer(serializers.Serializer[Any]):
    """What a catalogue change does to the caller's builds and quotes."""

    change = CatalogueChangeSerializer()
    affected_builds = serializers.IntegerField(help_text="Builds using the component.")
    jobs = serializers.SerializerMethodField(help_text="The re-validation jobs (ids, status).")
    validated = serializers.IntegerField(help_text="Builds judged so far.")
    failing = serializers.IntegerField(help_text="Builds failing after the change.")
    newly_failing = serializers.IntegerField(help_text="Of those, builds that passed before.")
    end_of_life = serializers.BooleanField(help_text="The part is no longer active.")
    new_findings = serializers.ListField(
        child=serializers.DictField(), help_text="Findings the change brought, by code."
    )
    draft_quotes = _DraftQuoteImpact(many=True)
    issued_quotes = _IssuedQuoteImpact(many=True)

    def get_jobs(self, impact: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"id": job.pk, "status": job.status, "done": job.done, "total": job.total}
            for job in impact["jobs"]
        ]
