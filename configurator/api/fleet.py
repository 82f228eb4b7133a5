"""Fleet endpoints: the fleet (summary, builds, BOM), validation jobs, catalogue changes and
their impact, and sites in bulk.

The fleet is every build the caller may see, narrowed by the fleet filters (organisation,
standard, version, behind, variant, verdict, country, environment, status, q, builds, sites).
Figures are the engine's, from each build's last stored report.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Component
from configurator.api.renderers import CsvRenderer, JsonErrorsMixin, XlsxRenderer
from configurator.api.schema import (
    BAD_INPUT,
    NOT_FOUND,
    BomSchema,
    EnvelopeAutoSchema,
    SafeJSONParser,
    error_response,
)
from configurator.api.serializers.fleet import (
    CatalogueChangeSerializer,
    FleetItemSerializer,
    FleetQuerySerializer,
    FleetRowSerializer,
    FleetSummarySerializer,
    FleetValidationCreateSerializer,
    FleetValidationSerializer,
    ImpactSerializer,
    SitesBulkSerializer,
    SitesImportResultSerializer,
    SitesImportSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.builds.models import Build
from configurator.documents.bom_export import XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.fleet import selectors
from configurator.fleet.filters import FleetBuildFilterSet
from configurator.fleet.models import CatalogueChange, FleetValidation, FleetValidationItem
from configurator.fleet.services import validations as validation_services
from configurator.fleet.services.sites_import import SitesImport, sites_bulk_upsert, sites_import
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to, token_of

__all__ = [
    "CatalogueChangeViewSet",
    "FleetBomView",
    "FleetBuildsView",
    "FleetImpactView",
    "FleetSummaryView",
    "FleetValidationViewSet",
    "SitesBulkView",
    "SitesImportView",
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


class _FleetQueryMixin:
    """The fleet's builds for the request, filtered; bad filters are a 400 naming them."""

    request: Request

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
        return self.get_paginated_response(FleetRowSerializer(rows, many=True).data)


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
        return self.get_paginated_response(FleetRowSerializer(rows, many=True).data)


# --------------------------------------------------------------------------- validations


@extend_schema_view(
    list=extend_schema(
        summary="List fleet validations",
        description="Jobs of the organisations the caller may act on, newest first.",
    ),
    retrieve=extend_schema(
        summary="Status of a fleet validation",
        description=(
            "Progress (`done` of `total`, `percent`), what the job did (validated by the "
            "engine, reused a current report, missing, errored) and the verdict counts. A job "
            "that stopped progressing (a lost worker) has its pending chunks sent again."
        ),
        responses={200: FleetValidationSerializer, 404: NOT_FOUND},
    ),
)
class FleetValidationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[FleetValidation]
):
    """Fleet validation jobs; other organisations' answer 404."""

    serializer_class = FleetValidationSerializer
    throttle_classes = THROTTLES
    parser_classes = [SafeJSONParser]
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[FleetValidation]:
        return selectors.validation_list(user=self.request.user, auth=self.request.auth)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        job = self.get_object()
        if job.is_active:
            validation_services.fleet_validations_resume(job=job)
        return Response(self.get_serializer(job).data)

    @extend_schema(
        summary="Validate a fleet",
        description=(
            "Validates the organisation's builds chosen by the fleet filters, in chunks on "
            "Celery: 202 with the job and its `status_url`. The same selection while a job on "
            "it is queued or running answers 200 with that job instead of doubling the work. "
            "Builds whose stored report is current are not evaluated again."
        ),
        request=FleetValidationCreateSerializer,
        examples=[
            OpenApiExample(
                "Behind their standard",
                value={"organisation": "northwind", "standard": 4, "behind": True},
                request_only=True,
            )
        ],
        responses={
            202: FleetValidationSerializer,
            200: OpenApiResponse(FleetValidationSerializer, description="The job already on it."),
            400: BAD_INPUT,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = FleetValidationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        filters = dict(body.validated_data)
        organisation = caller_organisation(request, filters.pop("organisation", None))
        query = {
            key: ",".join(map(str, value)) if isinstance(value, list) else value
            for key, value in filters.items()
            if value is not None
        }
        filterset = FleetBuildFilterSet(
            query, queryset=selectors.fleet_builds(user=request.user, auth=request.auth)
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        job, created = validation_services.fleet_validation_start(
            organisation=organisation,
            builds=filterset.qs,
            selection={"organisation": organisation.slug, **query},
            user=request.user,
        )
        job = self.get_queryset().get(pk=job.pk)
        data = self.get_serializer(job).data
        if not created:
            return Response(data)
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": data["status_url"], "Retry-After": "1"},
        )

    @extend_schema(
        summary="Cancel a fleet validation",
        description="Pending builds are not validated; those done keep their reports.",
        request=None,
        responses={200: FleetValidationSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Stop the job."""
        job = validation_services.fleet_validation_cancel(job=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(
        summary="Results of a fleet validation",
        description=(
            "Each build of the job by site name: what the job did with it, its verdict and "
            "worst finding; for catalogue-change jobs the verdict before and the findings "
            "the change brought. `?verdict=` and `?outcome=` filter."
        ),
        parameters=[
            OpenApiParameter("verdict", OpenApiTypes.STR, enum=["pass", "warning", "fail"]),
            OpenApiParameter("outcome", OpenApiTypes.STR, enum=FleetValidationItem.Outcome.values),
        ],
        responses={200: FleetItemSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The job's builds and what it found."""
        items = selectors.validation_items(self.get_object())
        verdict = request.query_params.get("verdict")
        if verdict:
            items = items.filter(verdict=verdict)
        outcome = request.query_params.get("outcome")
        if outcome:
            items = items.filter(outcome=outcome)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(FleetItemSerializer(page, many=True).data)


# --------------------------------------------------------------------------- catalogue changes


@extend_schema_view(
    list=extend_schema(
        summary="List catalogue changes",
        description=(
            "Changes of components (spec, price, lead time, lifecycle) that builds of the "
            "caller's organisations use, newest first."
        ),
    ),
    retrieve=extend_schema(
        summary="Impact of a catalogue change",
        description=(
            "How many of the caller's builds use the component, how many fail after the "
            "change and how many newly (from the re-validation jobs it started), the findings "
            "it brought, the price change draft quotes see, and the issued quotes a revision "
            "would change."
        ),
        responses={200: ImpactSerializer, 404: NOT_FOUND},
    ),
)
class CatalogueChangeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CatalogueChange]
):
    """Recorded catalogue changes and their impact."""

    serializer_class = CatalogueChangeSerializer
    throttle_classes = THROTTLES
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[CatalogueChange]:
        return selectors.change_list(user=self.request.user, auth=self.request.auth)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        change = self.get_object()
        impact = selectors.change_impact(change=change, user=request.user, auth=request.auth)
        return Response(ImpactSerializer(impact, context={"request": request}).data)


# --------------------------------------------------------------------------- sites in bulk


def _import_response(result: SitesImport, *, key: str) -> Response:
    """200 with what was done, or 400 naming each bad row and field (nothing written)."""
    if result.errors:
        details: dict[str, list[str]] = {}
        for error in result.errors:
            path = f"{key}.{error.row}" + (f".{error.field}" if error.field else "")
            details.setdefault(path, []).append(error.message)
        raise ValidationError(details)
    return Response(
        SitesImportResultSerializer(
            {
                "dry_run": result.dry_run,
                "written": result.written,
                "created": result.count("created"),
                "updated": result.count("updated"),
                "unchanged": result.count("unchanged"),
                "rows": result.rows,
            }
        ).data
    )


BULK_EXAMPLE = {
    "organisation": "northwind",
    "sites": [
        {
            "name": "Store 0217 back office, Lyon",
            "country": "FR",
            "altitude_m": 170,
            "ambient_min_c": 18,
            "ambient_max_c": 27,
            "supply_breaker_a": 16,
            "grid_carbon_g_per_kwh": 56,
        },
        {"name": "Pickup kiosk 0218, Lyon", "environment": "outdoor", "ambient_min_c": -12},
    ],
}


class SitesBulkView(APIView):
    """Create and update sites by name, all or nothing."""

    throttle_classes = THROTTLES
    parser_classes = [SafeJSONParser]
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Create or update sites in bulk",
        description=(
            "Each object is a site of the organisation named by `name`: a new name creates "
            "it, a known one updates the fields given (others untouched). Every object is "
            "validated by the rules engine's Site model; any error answers 400 with "
            "`details` keyed `sites.<index>.<field>` and nothing is written. `dry_run` says "
            "what would be done."
        ),
        request=SitesBulkSerializer,
        examples=[OpenApiExample("Two sites", value=BULK_EXAMPLE, request_only=True)],
        responses={200: SitesImportResultSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SitesBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = caller_organisation(request, body.validated_data.get("organisation"))
        result = sites_bulk_upsert(
            organisation=organisation,
            sites=body.validated_data["sites"],
            dry_run=body.validated_data["dry_run"],
        )
        return _import_response(result, key="sites")


class SitesImportView(APIView):
    """Import a CSV or XLSX sheet of sites, all or nothing."""

    throttle_classes = THROTTLES
    parser_classes = [MultiPartParser, FormParser]
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Import sites from CSV or XLSX",
        description=(
            "A sheet whose header names site fields (`name` required; see README, 'Sites "
            "in bulk'). The format follows the file name (.csv or .xlsx). All or nothing: "
            "any bad row answers 400 with `details` keyed `rows.<row>.<field>` (the header "
            "is row 1) and nothing is written."
        ),
        request={"multipart/form-data": SitesImportSerializer},
        responses={200: SitesImportResultSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SitesImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = caller_organisation(request, body.validated_data.get("organisation"))
        upload = body.validated_data["file"]
        name = str(getattr(upload, "name", "")).lower()
        fmt = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
        if not fmt:
            raise ValidationError({"file": ["Send a .csv or .xlsx file."]})
        result = sites_import(
            organisation=organisation,
            fileobj=upload,
            fmt=fmt,
            dry_run=body.validated_data["dry_run"],
        )
        return _import_response(result, key="rows")
