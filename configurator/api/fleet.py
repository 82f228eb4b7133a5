"""Fleet endpoints: the fleet itself (summary, builds, BOM) and a component's impact.

The fleet is every build the caller may see, narrowed by the fleet filters (organisation,
standard, version, behind, variant, verdict, country, environment, status, q, builds, sites).
Figures are the engine's, from each build's last stored report. Validation jobs and catalogue
changes: configurator.api.fleet_validations; sites in bulk: configurator.api.sites_bulk.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Component
from configurator.api.renderers import CsvRenderer, JsonErrorsMixin, XlsxRenderer
from configurator.api.schema import (
    BAD_INPUT,
    BomSchema,
    EnvelopeAutoSchema,
    error_response,
)
from configurator.api.serializers.fleet import (
    FleetQuerySerializer,
    FleetRowSerializer,
    FleetSummarySerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.builds.models import Build
from configurator.documents.bom_export import XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.fleet import selectors
from configurator.fleet.filters import FleetBuildFilterSet
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to, token_of

__all__ = [
    "FleetBomCsvView",
    "FleetBomView",
    "FleetBomXlsxView",
    "FleetBuildsView",
    "FleetImpactView",
    "FleetSummaryView",
]

FILTER_DOCS = (
    "Filters: `organisation` (slug), `standard` (id), `version`, `behind` (true: on an older "
    "version than the standard's current one), `variant` (id), `verdict` (pass, warning, "
    "fail, none = never validated), `country`, `environment`, `status`, `q` (text in the "
    "site's or build's name), `builds` and `sites` (comma-separated ids)."
)


def caller_organisation(request: Request, slug: str | None) -> Organisation:
    """The organisation a command acts for: named by slug, or the only one the caller has."""
    visible = organisations_visible_to(request.user, request.auth)
    if slug:
        organisation = visible.filter(slug=slug).first()
        if organisation is None:
            raise ValidationError({"organisation": ["Unknown organisation."]})
        return organisation
    token = token_of(request.auth)
    if token is not None:
        return token.organisation
    candidates = list(visible.order_by("pk")[:2])
    if len(candidates) != 1:
        raise ValidationError(
            {"organisation": ["Name the organisation (slug): you act for several."]}
        )
    return candidates[0]


class _FleetQueryMixin(APIView):
    """The fleet's builds for the request, filtered; bad filters are a 400 naming them."""

    def fleet_queryset(self) -> QuerySet[Any]:
        filterset = FleetBuildFilterSet(
            self.request.query_params,
            queryset=selectors.fleet_builds(user=self.request.user, auth=self.request.auth),
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


# --------------------------------------------------------------------------- the fleet


class FleetSummaryView(_FleetQueryMixin, APIView):
    """Counts and totals of the fleet."""

    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Fleet summary",
        description=(
            "How many builds, by verdict of their last stored report (`none`: never "
            "validated), and the engine's figures summed over the builds with a report: "
            "typical IT load, energy a year, CO2 a year, and energy cost by currency (never "
            "converted); and the list price of the fleet BOM. " + FILTER_DOCS
        ),
        parameters=[FleetQuerySerializer],
        responses={200: FleetSummarySerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        summary = selectors.fleet_summary(self.fleet_queryset())
        return Response(FleetSummarySerializer(summary).data)


@extend_schema_view(
    get=extend_schema(
        summary="Fleet builds",
        description=(
            "The fleet's builds by site name: site, standard (version, variant), and the last "
            "stored report (verdict, counts, worst finding, key figures) with `current` = "
            "whether it is of the build's inputs as they are now. " + FILTER_DOCS
        ),
    )
)
class FleetBuildsView(generics.ListAPIView[Any]):
    """The fleet's builds, a page at a time."""

    serializer_class = FleetRowSerializer
    throttle_classes = THROTTLES
    filter_backends = [DjangoFilterBackend]
    filterset_class = FleetBuildFilterSet
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.fleet_builds(user=self.request.user, auth=self.request.auth)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = selectors.fleet_rows(page if page is not None else list(queryset))
        # many=True makes a ListSerializer of the rows; the stubs type a plain Serializer's one.
        return self.get_paginated_response(FleetRowSerializer(rows, many=True).data)  # type: ignore[arg-type]


FLEET_BOM_CSV = OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8.")
FLEET_BOM_XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="An XLSX workbook.")
MIXED_CURRENCIES = error_response("The components mix currencies (`mixed_currencies`).")


class FleetBomView(JsonErrorsMixin, _FleetQueryMixin, APIView):
    """The fleet's bill of materials."""

    throttle_classes = THROTTLES
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CsvRenderer, XlsxRenderer]
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Fleet bill of materials",
        description=(
            "Units of each component summed over the selected builds, grouped and priced "
            "like a build's BOM, for procurement. JSON, CSV or XLSX (`?format=` or Accept; "
            "`fleet/bom/csv/` and `fleet/bom/xlsx/` for typed clients). Cost columns only for "
            "roles that see cost. 409 `mixed_currencies` when the components are priced in "
            "several currencies. " + FILTER_DOCS
        ),
        parameters=[FleetQuerySerializer],
        responses={
            (200, "application/json"): OpenApiResponse(BomSchema, description="The BOM."),
            (200, "text/csv"): FLEET_BOM_CSV,
            (200, XLSX_CONTENT_TYPE): FLEET_BOM_XLSX,
            400: BAD_INPUT,
            409: MIXED_CURRENCIES,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        builds = self.fleet_queryset()
        bom = selectors.fleet_bom(builds, show_cost=can_see_cost(request.user, request.auth))
        file_format = request.accepted_renderer.format
        if file_format in ("csv", "xlsx"):
            title = f"Fleet BOM ({builds.count()} builds)"
            content = (bom_csv if file_format == "csv" else bom_xlsx)(bom, title=title)
            disposition = f'attachment; filename="fleet-bom.{file_format}"'
            return Response(content, headers={"Content-Disposition": disposition})
        return Response(bom.model_dump(mode="json"))


@extend_schema_view(
    get=extend_schema(
        summary="Fleet bill of materials as CSV",
        description="The fleet BOM as CSV, for typed clients. " + FILTER_DOCS,
        parameters=[FleetQuerySerializer],
        responses={200: FLEET_BOM_CSV, 400: BAD_INPUT, 409: MIXED_CURRENCIES},
    )
)
class FleetBomCsvView(FleetBomView):
    """The fleet's bill of materials as CSV."""

    renderer_classes = [CsvRenderer]


@extend_schema_view(
    get=extend_schema(
        summary="Fleet bill of materials as XLSX",
        description="The fleet BOM as an XLSX workbook, for typed clients. " + FILTER_DOCS,
        parameters=[FleetQuerySerializer],
        responses={200: FLEET_BOM_XLSX, 400: BAD_INPUT, 409: MIXED_CURRENCIES},
    )
)
class FleetBomXlsxView(FleetBomView):
    """The fleet's bill of materials as XLSX."""

    renderer_classes = [XlsxRenderer]


@extend_schema_view(
    get=extend_schema(
        summary="Builds a component is used in",
        description=(
            "The visible builds that use the component (`?component=<id>`, required), found "
            "through the index of which builds use which components, with their last stored "
            "report. The fleet filters narrow it further."
        ),
        parameters=[
            OpenApiParameter("component", OpenApiTypes.INT, required=True, description="Id.")
        ],
    )
)
class FleetImpactView(generics.ListAPIView[Any]):
    """Which builds a catalogue change would touch."""

    serializer_class = FleetRowSerializer
    throttle_classes = THROTTLES
    filter_backends = [DjangoFilterBackend]
    filterset_class = FleetBuildFilterSet
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no request
            return Build.objects.none()
        raw = self.request.query_params.get("component", "")
        if not raw.isdigit() or not 0 < int(raw) < 2**63:
            raise ValidationError({"component": ["Give the id of a component."]})
        component = Component.objects.filter(pk=int(raw)).first()
        if component is None:
            raise ValidationError({"component": ["Unknown component."]})
        return selectors.affected_builds(
            component=component, user=self.request.user, auth=self.request.auth
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = selectors.fleet_rows(page if page is not None else list(queryset))
        # many=True makes a ListSerializer of the rows; the stubs type a plain Serializer's one.
        return self.get_paginated_response(FleetRowSerializer(rows, many=True).data)  # type: ignore[arg-type]
