"""Which builds of a fleet: one FilterSet for the fleet page, the fleet API and fleet jobs."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from configurator.builds.models import Build, BuildReport, Site

__all__ = ["VERDICT_CHOICES", "FleetBuildFilterSet"]

MAX_ID = 2**63 - 1
VERDICT_CHOICES = [*BuildReport.Verdict.choices, ("none", "Not validated")]


# Documented as an integer (a NumberFilter reads as a float to OpenAPI generators).
@extend_schema_field(OpenApiTypes.INT)
class _Id(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _IdList(django_filters.BaseInFilter, django_filters.NumberFilter):
    """Comma-separated ids (``?builds=3,7,9``)."""

    field_class = forms.IntegerField


class FleetBuildFilterSet(django_filters.FilterSet):
    """Filter a fleet's builds by organisation, standard, version, variant, verdict and site."""

    organisation = django_filters.CharFilter(
        field_name="site__organisation__slug", help_text="Organisation slug."
    )
    standard = _Id(field_name="standard_link__standard_id", help_text="Standard id.")
    version = _Id(field_name="standard_link__version", help_text="Version of the standard.")
    behind = django_filters.BooleanFilter(
        method="filter_behind",
        help_text="true: builds on an older version of their standard than its current one.",
    )
    variant = _Id(field_name="standard_link__variant_id", help_text="Variant id.")
    verdict = django_filters.ChoiceFilter(
        choices=VERDICT_CHOICES,
        method="filter_verdict",
        help_text="Verdict of the last stored report; `none`: never validated.",
    )
    country = django_filters.CharFilter(
        field_name="site__country", lookup_expr="iexact", help_text="ISO country code."
    )
    environment = django_filters.ChoiceFilter(
        field_name="site__environment", choices=Site.Environment.choices
    )
    status = django_filters.ChoiceFilter(choices=Build.Status.choices)
    q = django_filters.CharFilter(
        method="filter_text", help_text="Text in the site's or the build's name."
    )
    builds = _IdList(field_name="pk", help_text="Comma-separated build ids.")
    sites = _IdList(field_name="site_id", help_text="Comma-separated site ids.")

    class Meta:
        model = Build
        fields: list[str] = []

    def filter_behind(self, queryset: QuerySet[Build], name: str, value: Any) -> QuerySet[Build]:
        if value is None:
            return queryset
        behind = Q(standard_link__version__lt=F("standard_link__standard__current_version"))
        return (
            queryset.filter(behind)
            if value
            else queryset.filter(standard_link__isnull=False).exclude(behind)
        )

    def filter_verdict(self, queryset: QuerySet[Build], name: str, value: str) -> QuerySet[Build]:
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(Q(stored_report__isnull=True) | Q(stored_report__fingerprint=""))
        return queryset.filter(stored_report__verdict=value)

    def filter_text(self, queryset: QuerySet[Build], name: str, value: str) -> QuerySet[Build]:
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(Q(site__name__icontains=value) | Q(name__icontains=value))
