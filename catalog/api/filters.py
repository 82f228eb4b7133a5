"""Filters of the catalogue endpoints."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from catalog.choices import UNPOWERED_KINDS, ComponentKind, Lifecycle
from catalog.models import Component, Manufacturer

HAS_ASSUMED_HELP = "Components with at least one assumed figure (see `assumed`)."


class StableOrderingFilter(OrderingFilter):
    """OrderingFilter that appends the primary key, so equal values page deterministically."""

    def get_ordering(self, request: Any, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            return [*ordering, "pk"]
        return ordering


class ManufacturerFilterSet(django_filters.FilterSet):
    """Filter manufacturers by name."""

    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Manufacturer
        fields = ["name", "slug"]


class ComponentFilterSet(django_filters.FilterSet):
    """Filter components by kind, manufacturer, lifecycle and physical / price ranges."""

    kind = django_filters.MultipleChoiceFilter(
        choices=ComponentKind.choices, help_text="Repeat for several kinds: ?kind=ups&kind=pdu."
    )
    manufacturer = django_filters.CharFilter(
        method="filter_manufacturer", help_text="Manufacturer slug or id."
    )
    lifecycle = django_filters.MultipleChoiceFilter(choices=Lifecycle.choices)
    currency = django_filters.CharFilter()
    u_height_min = django_filters.NumberFilter(field_name="u_height", lookup_expr="gte")
    u_height_max = django_filters.NumberFilter(field_name="u_height", lookup_expr="lte")
    power_min = django_filters.NumberFilter(
        field_name="nameplate_w", lookup_expr="gte", help_text="Nameplate draw at least (W)."
    )
    power_max = django_filters.NumberFilter(
        field_name="nameplate_w", lookup_expr="lte", help_text="Nameplate draw at most (W)."
    )
    typical_min = django_filters.NumberFilter(field_name="typical_w", lookup_expr="gte")
    typical_max = django_filters.NumberFilter(field_name="typical_w", lookup_expr="lte")
    price_min = django_filters.NumberFilter(field_name="list_price", lookup_expr="gte")
    price_max = django_filters.NumberFilter(field_name="list_price", lookup_expr="lte")
    power_unknown = django_filters.BooleanFilter(
        method="filter_power_unknown",
        help_text="Powered kinds with neither nameplate nor typical draw known.",
    )
    weight_unknown = django_filters.BooleanFilter(
        field_name="weight_kg", lookup_expr="isnull", help_text="Components whose mass is unknown."
    )
    airflow_unknown = django_filters.BooleanFilter(
        field_name="airflow", lookup_expr="isnull", help_text="Components whose airflow is unknown."
    )
    has_assumed = django_filters.BooleanFilter(
        method="filter_has_assumed", help_text=HAS_ASSUMED_HELP
    )

    class Meta:
        model = Component
        fields = ["kind", "manufacturer", "lifecycle", "currency", "source", "airflow"]

    def filter_manufacturer(
        self, queryset: QuerySet[Component], name: str, value: str
    ) -> QuerySet[Component]:
        value = value.strip()
        if value.isdigit():
            return queryset.filter(Q(manufacturer_id=int(value)) | Q(manufacturer__slug=value))
        return queryset.filter(manufacturer__slug=value)

    @extend_schema_field({"type": "boolean", "description": HAS_ASSUMED_HELP})
    def filter_has_assumed(
        self, queryset: QuerySet[Component], name: str, value: bool | None
    ) -> QuerySet[Component]:
        if value is None:
            return queryset
        return queryset.exclude(assumed=[]) if value else queryset.filter(assumed=[])

    def filter_power_unknown(
        self, queryset: QuerySet[Component], name: str, value: bool | None
    ) -> QuerySet[Component]:
        if value is None:
            return queryset
        unknown = Q(nameplate_w__isnull=True, typical_w__isnull=True) & ~Q(
            kind__in=[kind.value for kind in UNPOWERED_KINDS]
        )
        return queryset.filter(unknown) if value else queryset.exclude(unknown)
