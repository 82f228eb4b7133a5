"""Quote requests endpoint (/quote-requests/): a customer asks its seller to quote a build.

Customers (and their organisation's integrators) create requests for their own builds; the
seller lists the open ones and answers with a quote (`POST /quotes/` of that build links the
request and marks it `quoted`). Requests of other organisations answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from configurator.api.schema import BAD_INPUT, NOT_FOUND, EnvelopeAutoSchema, error_response
from configurator.api.serializers.quotes import (
    QuoteRequestCreateSerializer,
    QuoteRequestSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.quotes import services as quote_services
from configurator.quotes.models import QuoteRequest
from configurator.quotes.selectors import quote_request_list

__all__ = ["QuoteRequestViewSet"]

REQUEST_EXAMPLE = {
    "id": 3,
    "organisation": "contoso",
    "build": 7,
    "requested_by": "dana",
    "message": "We would like to order before the end of the quarter.",
    "status": "open",
    "quote": None,
    "created_at": "2026-03-01T09:00:00Z",
    "quoted_at": None,
}


@extend_schema_view(
    list=extend_schema(
        summary="List quote requests",
        description=(
            "Requests of the organisations the caller may act on, newest first: a customer "
            "sees its own, a seller those of the organisations it serves. `status=open` lists "
            "the ones still waiting for a quote."
        ),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=QuoteRequest.Status.values),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a quote request",
        responses={200: QuoteRequestSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("Open", value=REQUEST_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Request a quote of a build",
        description=(
            "A member of a customer organisation asks its seller to quote one of the "
            "organisation's builds. One open request per build (409 `quote_request_open`); "
            "sellers quote directly (403); an organisation no seller serves cannot ask (409 "
            "`no_seller`). The seller's first quote of the build answers the request."
        ),
        request=QuoteRequestCreateSerializer,
        examples=[
            OpenApiExample(
                "Request",
                value={"build": 7, "message": REQUEST_EXAMPLE["message"]},
                request_only=True,
            )
        ],
        responses={
            201: QuoteRequestSerializer,
            400: BAD_INPUT,
            403: error_response("Only members of the customer organisation request quotes."),
            409: error_response("An open request exists, or no seller serves the organisation."),
        },
    ),
)
class QuoteRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[QuoteRequest],
):
    """Customers' requests for quotes; other organisations' answer 404."""

    serializer_class = QuoteRequestSerializer
    throttle_classes = THROTTLES
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[QuoteRequest]:
        wanted = self.request.query_params.get("status")
        return quote_request_list(
            user=self.request.user,
            auth=self.request.auth,
            status=wanted
            if self.action == "list" and wanted in QuoteRequest.Status.values
            else None,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = QuoteRequestCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        created = quote_services.quote_request_create(
            build=body.validated_data["build"],
            user=request.user,
            auth=request.auth,
            message=body.validated_data.get("message", ""),
        )
        path = reverse(
            "quote-request-detail", kwargs={"version": request.version, "pk": created.pk}
        )
        return Response(
            QuoteRequestSerializer(created).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(path)},
        )
