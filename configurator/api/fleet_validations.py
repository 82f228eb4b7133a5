"""Fleet validation jobs (many builds validated in the background, chunk by chunk) and the
catalogue changes whose impact on builds and quotes they report."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from configurator.api.fleet import caller_organisation
from configurator.api.schema import (
    BAD_INPUT,
    NOT_FOUND,
    EnvelopeAutoSchema,
    SafeJSONParser,
)
from configurator.api.serializers.fleet import (
    CatalogueChangeSerializer,
    FleetItemSerializer,
    FleetValidationCreateSerializer,
    FleetValidationSerializer,
    ImpactSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.fleet import selectors
from configurator.fleet.filters import FleetBuildFilterSet
from configurator.fleet.models import CatalogueChange, FleetValidation, FleetValidationItem
from configurator.fleet.services import validations as validation_services

__all__ = [
    "CatalogueChangeViewSet",
    "FleetValidationViewSet",
]


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
        # Items of the job, not jobs: DRF pages any queryset; the stubs want the view's model's.
        page = self.paginate_queryset(items)  # type: ignore[arg-type]
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
