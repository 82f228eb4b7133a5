"""Builds endpoint: /builds/ CRUD and its commands and derived reads.

Every build response carries `ETag: "<revision>"`; writes honour `If-Match` (412 when stale,
see configurator.api.etag). Builds of other organisations answer 404.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import filters, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api.filters import StableOrderingFilter
from configurator.api.etag import expected_revision, with_etag
from configurator.api.examples import BOM_EXAMPLE, BUILD_EXAMPLE, REPORT_EXAMPLE
from configurator.api.renderers import CsvRenderer, JsonErrorsMixin, XlsxRenderer
from configurator.api.schema import (
    BAD_INPUT,
    ETAG,
    IF_MATCH,
    NOT_FOUND,
    PARSERS,
    READ_ONLY,
    STALE,
    BomSchema,
    EnvelopeAutoSchema,
    ReportSchema,
    error_response,
    guarded_write,
)
from configurator.api.serializers.builds import (
    ApplyToSiteSerializer,
    AutoPlaceResultSerializer,
    BomQuerySerializer,
    BuildCloneSerializer,
    BuildSerializer,
    BuildUpdateSerializer,
)
from configurator.api.serializers.common import MAX_ID
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors
from configurator.builds.models import Build
from configurator.builds.services import builds as build_services
from configurator.builds.services import placement as placement_services
from configurator.builds.services import reports as report_services
from configurator.documents.bom_export import XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.tenancy.permissions import can_approve_build, can_see_cost

BOM_CSV = OpenApiResponse(
    OpenApiTypes.STR,
    description="CSV, UTF-8, for an import: the header row first, then one row per "
    "component; the build's name is the last column (`Build`). No totals.",
)
BOM_XLSX = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="Sheet `BOM`: the CSV's table with number formats, then the subtotals and "
    "totals; sheet `About`: build, currency, longest lead time.",
)
MIXED_CURRENCIES = error_response("The build mixes currencies (`mixed_currencies`).")


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An integer id filter: decimals and out-of-range numbers are bad input, not a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # SQLite cannot even bind an integer past 64 bits: refuse it as a bad filter value.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class BuildFilterSet(django_filters.FilterSet):
    """Filter builds by site and status."""

    site = IdFilter(field_name="site_id", help_text="Site id.")
    status = django_filters.ChoiceFilter(choices=Build.Status.choices)

    class Meta:
        model = Build
        fields = ["site", "status"]


def _worst_severity(build: Build) -> str | None:
    """The severity of the build's worst finding, or None when it has none (report cache)."""
    worst = report_services.build_reports_get(builds=[build])[0].worst
    return None if worst is None else str(worst["severity"])


@extend_schema_view(
    list=extend_schema(
        summary="List builds",
        description=(
            "Builds of the organisations the caller may act on, filtered by `site` (id) and "
            "`status`; `search` looks in the name; `ordering` accepts name, status, "
            "created_at, updated_at (default: last edited first)."
        ),
    ),
    retrieve=extend_schema(
        summary="Get a build",
        description='Answers `ETag: "<revision>"`. `?include=severity` adds the worst finding.',
        parameters=[
            ETAG,
            OpenApiParameter(
                "include", OpenApiTypes.STR, enum=["severity"], description="Extra fields."
            ),
        ],
        responses={200: BuildSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a build",
        description="An empty draft build of a visible site. `policy_override` is checked by key.",
        examples=[
            OpenApiExample(
                "New build",
                value={"site": 3, "name": "Store 0217 rack", "policy_override": {}},
                request_only=True,
            ),
            OpenApiExample(
                "Created", value=BUILD_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
        parameters=[ETAG],
        responses={201: BuildSerializer, 400: BAD_INPUT},
    ),
    update=extend_schema(
        summary="Replace a build",
        description=(
            "The same fields as a change. The name and policy of an approved or archived "
            "build are frozen (409 `read_only`) unless the same call sets `status` back to "
            "`draft`."
        ),
        request=BuildUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses=guarded_write(200, BuildSerializer),
    ),
    partial_update=extend_schema(
        summary="Change a build",
        description=(
            "Rename, change the policy override, archive, or set an approved build back to "
            "`draft` (`status`). Send `If-Match` with the ETag you read."
        ),
        request=BuildUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        examples=[
            OpenApiExample("Reopen", value={"status": "draft"}, request_only=True),
            OpenApiExample("Rename", value={"name": "Store 0217 rack B"}, request_only=True),
        ],
        responses=guarded_write(200, BuildSerializer),
    ),
    destroy=extend_schema(
        summary="Delete a build",
        parameters=[IF_MATCH, ETAG],
        description=(
            "Deletes the build and its lines; an approved build answers 409 until reopened."
        ),
        responses={204: None, 404: NOT_FOUND, 409: READ_ONLY, 412: STALE},
    ),
)
class BuildViewSet(JsonErrorsMixin, viewsets.ModelViewSet[Build]):
    """Builds; other organisations' answer 404."""

    serializer_class = BuildSerializer
    throttle_classes = THROTTLES
    parser_classes = PARSERS
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, StableOrderingFilter]
    filterset_class = BuildFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "status", "created_at", "updated_at"]
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Build]:
        queryset = selectors.build_list(user=self.request.user, auth=self.request.auth)
        if self.action == "validation":
            # The stored report comes with the build: a current one costs no query of its own.
            queryset = queryset.select_related("stored_report")
        return queryset

    def _build_response(
        self, build: Build, status_code: int = status.HTTP_200_OK, **context: Any
    ) -> Response:
        """The build as JSON with its ETag (and its Location when created)."""
        data = self.get_serializer(build, context_extra=context).data
        headers = {}
        if status_code == status.HTTP_201_CREATED:
            path = reverse("build-detail", kwargs={"version": self.request.version, "pk": build.pk})
            headers["Location"] = self.request.build_absolute_uri(path)
        return with_etag(Response(data, status=status_code, headers=headers), build.revision)

    def get_serializer(self, *args: Any, context_extra: Any = None, **kwargs: Any) -> Any:
        """DRF's get_serializer, with extra context (the worst severity) when given."""
        serializer_class = self.get_serializer_class()
        kwargs.setdefault("context", {**self.get_serializer_context(), **(context_extra or {})})
        return serializer_class(*args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        build = self.get_object()
        context: dict[str, Any] = {}
        if request.query_params.get("include") == "severity":
            context["worst_severity"] = {build.pk: _worst_severity(build)}
        return self._build_response(build, **context)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        build = build_services.build_create(user=request.user, **serializer.validated_data)
        return self._build_response(build, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        build = self.get_object()
        expected = expected_revision(request, build.revision)
        serializer = self.get_serializer(build, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        reopening = build.status == Build.Status.APPROVED and "status" in serializer.validated_data
        if reopening and not can_approve_build(request.user, request.auth, build.site.organisation):
            # Reopening undoes the sign-off, so it takes the same right as approving.
            raise PermissionDenied(
                "Only sales engineers and administrators reopen approved builds."
            )
        build = build_services.build_update(
            build=build, expected_revision=expected, **serializer.validated_data
        )
        return self._build_response(build)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        build = self.get_object()
        expected = expected_revision(request, build.revision)
        build_services.build_delete(build=build, expected_revision=expected)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ------------------------------------------------------------ derived reads

    @extend_schema(
        summary="Validate a build",
        description=(
            "The rules engine's report on the build as stored: metrics, every finding "
            "(errors included: validating is a read, so it answers 200) and headroom. Line "
            "ids in findings are `L<line id>`. Reports are cached under the fingerprint of "
            "everything they depend on (the build's revision and lines, the site, the policy, "
            "the catalogue versions of its components, the engine version): a repeat request "
            "is answered without running the engine, and any change to an input is seen."
        ),
        responses={
            200: OpenApiResponse(
                ReportSchema,
                examples=[OpenApiExample("Overloaded UPS", value=REPORT_EXAMPLE)],
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def validation(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The engine's report on the build, from the report cache when its inputs are as then."""
        return Response(report_services.build_report_get(build=self.get_object()).data)

    @extend_schema(
        summary="Bill of materials",
        description=(
            "Rows grouped by category with quantities summed per component, totals and the "
            "longest lead time. JSON here; CSV and XLSX too with `?format=csv|xlsx` or the "
            "Accept header, and as operations of their own (`bom/csv/`, `bom/xlsx/`) that "
            "typed clients read. Cost columns (`unit_cost`, `extended_cost`, `margin_pct`, "
            "totals `cost`) only for sales engineers, catalogue managers and admins. "
            "`?bundle=<component id>` adds `bundle_comparison` (JSON only). 409 "
            "`mixed_currencies` when the build's components are priced in several currencies."
        ),
        parameters=[
            OpenApiParameter(
                "bundle",
                OpenApiTypes.INT,
                description="Id of a bundle component to compare the build with.",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                BomSchema,
                description="The BOM.",
                examples=[OpenApiExample("Two UPSs", value=BOM_EXAMPLE)],
            ),
            (200, "text/csv"): BOM_CSV,
            (200, XLSX_CONTENT_TYPE): BOM_XLSX,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: MIXED_CURRENCIES,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer, CsvRenderer, XlsxRenderer],
    )
    def bom(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The build's BOM as JSON, CSV or XLSX."""
        query = BomQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        build = self.get_object()
        file_format = request.accepted_renderer.format
        if file_format in ("csv", "xlsx"):
            return self._bom_file(build, file_format)
        show_cost = can_see_cost(request.user, request.auth, build.site.organisation)
        data = selectors.build_bom(build, show_cost=show_cost).model_dump(mode="json")
        bundle = query.validated_data.get("bundle")
        if bundle is not None:
            comparison = selectors.build_bundle_comparison(
                build, bundle=bundle, show_cost=show_cost
            )
            data["bundle_comparison"] = comparison.model_dump(mode="json")
        return Response(data)

    def _bom_file(self, build: Build, file_format: str) -> Response:
        """The build's BOM as a CSV or XLSX download."""
        request = self.request
        show_cost = can_see_cost(request.user, request.auth, build.site.organisation)
        bom = selectors.build_bom(build, show_cost=show_cost)
        content = (bom_csv if file_format == "csv" else bom_xlsx)(bom, title=build.name)
        disposition = f'attachment; filename="build-{build.pk}-bom.{file_format}"'
        return Response(content, headers={"Content-Disposition": disposition})

    @extend_schema(
        summary="Bill of materials as CSV",
        description="The BOM as CSV, for typed clients (the same as `bom/?format=csv`).",
        responses={200: BOM_CSV, 404: NOT_FOUND, 409: MIXED_CURRENCIES},
    )
    @action(detail=True, methods=["get"], url_path="bom/csv", renderer_classes=[CsvRenderer])
    def bom_csv(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The build's BOM as CSV."""
        return self._bom_file(self.get_object(), "csv")

    @extend_schema(
        summary="Bill of materials as XLSX",
        description="The BOM as an XLSX workbook, for typed clients (as `bom/?format=xlsx`).",
        responses={200: BOM_XLSX, 404: NOT_FOUND, 409: MIXED_CURRENCIES},
    )
    @action(detail=True, methods=["get"], url_path="bom/xlsx", renderer_classes=[XlsxRenderer])
    def bom_xlsx(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The build's BOM as XLSX."""
        return self._bom_file(self.get_object(), "xlsx")

    # ------------------------------------------------------------ commands

    @extend_schema(
        summary="Clone a build",
        description="A new draft with the same lines (references remapped), optionally renamed "
        "or on another visible site.",
        request=BuildCloneSerializer,
        examples=[OpenApiExample("Copy", value={"name": "Store 0218 rack"}, request_only=True)],
        parameters=[ETAG],
        responses={201: BuildSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Copy the build into a new draft."""
        build = self.get_object()
        options = BuildCloneSerializer(data=request.data, context=self.get_serializer_context())
        options.is_valid(raise_exception=True)
        clone = build_services.build_clone(build=build, user=request.user, **options.validated_data)
        return self._build_response(clone, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a build",
        description=(
            "Approve a draft whose report has no error finding; it becomes read-only. While "
            "errors remain: 422 `blocked_by_rules` with `details` = the blocking findings."
        ),
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: BuildSerializer,
            403: error_response("Only sales engineers and administrators approve builds."),
            404: NOT_FOUND,
            409: error_response("Only a draft can be approved."),
            412: STALE,
            422: error_response(
                "The report has error findings.",
                OpenApiExample(
                    "Blocked",
                    value={
                        "code": "blocked_by_rules",
                        "message": "The build has 1 blocking finding(s).",
                        "details": REPORT_EXAMPLE["findings"],
                    },
                    status_codes=["422"],
                    response_only=True,
                ),
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve the build if the rules pass."""
        build = self.get_object()
        if not can_approve_build(request.user, request.auth, build.site.organisation):
            raise PermissionDenied("Only sales engineers and administrators approve builds.")
        expected = expected_revision(request, build.revision)
        build = build_services.build_approve(
            build=build, user=request.user, expected_revision=expected
        )
        return self._build_response(build)

    @extend_schema(
        summary="Place unplaced lines",
        description=(
            "Put every unplaced rack-mount line into the build's racks, bottom-up, UPSs and "
            "batteries first, then by weight; zero-U PDUs get a rack only. All or nothing: "
            "400 listing the lines that do not fit."
        ),
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: OpenApiResponse(
                AutoPlaceResultSerializer,
                examples=[
                    OpenApiExample(
                        "Two lines placed",
                        value={
                            "revision": 5,
                            "placements": [
                                {"line": 12, "rack": 10, "position_u": "1.0"},
                                {"line": 14, "rack": 10, "position_u": None},
                            ],
                        },
                    )
                ],
            ),
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: READ_ONLY,
            412: STALE,
        },
    )
    @action(detail=True, methods=["post"], url_path="auto-place")
    def auto_place(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Place the build's unplaced lines."""
        build = self.get_object()
        expected = expected_revision(request, build.revision)
        placements = placement_services.build_auto_place(build=build, expected_revision=expected)
        result = AutoPlaceResultSerializer({"revision": build.revision, "placements": placements})
        return with_etag(Response(result.data), build.revision)

    @extend_schema(
        summary="Apply a build to another site",
        description="A copy of the build on another visible site (same name, new draft).",
        request=ApplyToSiteSerializer,
        examples=[OpenApiExample("Roll out", value={"site": 4}, request_only=True)],
        parameters=[ETAG],
        responses={201: BuildSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="apply-to-site")
    def apply_to_site(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Copy the build onto another site."""
        build = self.get_object()
        target = ApplyToSiteSerializer(data=request.data, context=self.get_serializer_context())
        target.is_valid(raise_exception=True)
        copy = build_services.build_apply_to_site(
            build=build,
            site=target.validated_data["site"],
            user=request.user,
            auth=request.auth,
        )
        return self._build_response(copy, status.HTTP_201_CREATED)
