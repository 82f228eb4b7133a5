"""Sites endpoint: /sites/ CRUD, scoped to the organisations the caller may act on."""

from __future__ import annotations

from typing import cast

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets

from catalog.api.filters import StableOrderingFilter
from configurator.api.schema import PARSERS, EnvelopeAutoSchema
from configurator.api.serializers.common import ErrorSerializer
from configurator.api.serializers.sites import SiteSerializer
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors
from configurator.builds.models import Site
from configurator.builds.services import sites as site_services

SITE_EXAMPLE = {
    "organisation": "contoso",
    "name": "Store 0217 back office, Lyon",
    "environment": "indoor",
    "ambient_min_c": 18,
    "ambient_max_c": 27,
    "altitude_m": 170,
    "supply_voltage_v": 230,
    "supply_phases": 1,
    "supply_breaker_a": 16,
    "country": "FR",
    "grid_carbon_g_per_kwh": 56,
    "electricity_price_per_kwh": "0.2500",
    "currency": "EUR",
}


class SiteFilterSet(django_filters.FilterSet):
    """Filter sites by organisation slug."""

    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text="Organisation slug."
    )

    class Meta:
        model = Site
        fields = ["organisation", "environment", "country"]


@extend_schema_view(
    list=extend_schema(
        summary="List sites",
        description=(
            "Sites of the organisations the caller may act on. `organisation` filters by slug, "
            "`search` looks in the name, `ordering` accepts name, created_at, updated_at."
        ),
    ),
    retrieve=extend_schema(summary="Get a site"),
    create=extend_schema(
        summary="Create a site",
        description=(
            "`organisation` is optional for token clients (the token's organisation) and for "
            "callers who act for one organisation only. The engineering fields are validated "
            "by the rules engine's Site model; a bad value answers 400 naming the field."
        ),
        examples=[OpenApiExample("Retail back office", value=SITE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace a site"),
    partial_update=extend_schema(summary="Change a site"),
    destroy=extend_schema(
        summary="Delete a site",
        description="Answers 409 (`site_has_builds`) while the site still has builds.",
        responses={204: None, 409: ErrorSerializer},
    ),
)
class SiteViewSet(viewsets.ModelViewSet[Site]):
    """Edge sites; sites of other organisations answer 404."""

    serializer_class = SiteSerializer
    throttle_classes = THROTTLES
    parser_classes = PARSERS
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, StableOrderingFilter]
    filterset_class = SiteFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at"]
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.site_list(user=self.request.user, auth=self.request.auth)

    def perform_create(self, serializer: serializers.BaseSerializer[Site]) -> None:
        serializer.instance = site_services.site_create(**serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Site]) -> None:
        site = cast(Site, serializer.instance)  # an update: built on get_object()
        serializer.instance = site_services.site_update(site=site, **serializer.validated_data)

    def perform_destroy(self, instance: Site) -> None:
        site_services.site_delete(site=instance)
