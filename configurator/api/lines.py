"""Lines of a build: /builds/{build_pk}/lines/ (list, add, get, change, remove).

Every response carries the build's ETag; writes honour `If-Match` against the build's
revision, so two editors of the same build never silently overwrite each other.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from configurator.api.etag import expected_revision, with_etag
from configurator.api.schema import (
    ETAG,
    IF_MATCH,
    NOT_FOUND,
    PARSERS,
    STALE,
    EnvelopeAutoSchema,
    guarded_write,
)
from configurator.api.serializers.common import ErrorSerializer
from configurator.api.serializers.lines import BuildLineSerializer
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services

BUILD_PK = OpenApiParameter(
    "build_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the build."
)
CASCADE = OpenApiParameter(
    "cascade",
    OpenApiTypes.BOOL,
    description=(
        "Detach the lines that use this one as rack, feed, UPS or coolant source instead of "
        "refusing."
    ),
)
LINE_EXAMPLES = [
    OpenApiExample("By id", value={"component": 42, "quantity": 2}, request_only=True),
    OpenApiExample(
        "By manufacturer and SKU, placed",
        value={
            "component": {"manufacturer": "voltaris", "sku": "OL3000RT"},
            "rack": 10,
            "position_u": "1.0",
            "face": "front",
        },
        request_only=True,
    ),
]
_TRUE = frozenset({"1", "true", "yes", "on"})


@extend_schema_view(
    list=extend_schema(
        summary="List a build's lines",
        description="Lines in display order with their component; the ETag is the build's.",
        parameters=[BUILD_PK, ETAG],
        responses={200: BuildLineSerializer(many=True), 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="Get a line", parameters=[BUILD_PK, ETAG], responses={200: BuildLineSerializer}
    ),
    create=extend_schema(
        summary="Add a line",
        description=(
            '`component` is a component id or `{"manufacturer": <slug or name>, "sku": '
            "...}`. `rack`, `feed_a`, `feed_b`, `ups`, `coolant_from` are line ids of the same "
            "build. A taken or out-of-range U, a feed that is not a PDU/ATS/UPS, a coolant "
            "source that is not a CDU or facility water line, or a line of another build "
            "answers 400 naming the field and the conflicting line."
        ),
        parameters=[BUILD_PK, IF_MATCH, ETAG],
        examples=LINE_EXAMPLES,
        responses=guarded_write(201, BuildLineSerializer),
    ),
    update=extend_schema(
        summary="Replace a line",
        parameters=[BUILD_PK, IF_MATCH, ETAG],
        responses=guarded_write(200, BuildLineSerializer),
    ),
    partial_update=extend_schema(
        summary="Move or change a line",
        parameters=[BUILD_PK, IF_MATCH, ETAG],
        examples=[
            OpenApiExample("Move up", value={"rack": 10, "position_u": "5.0"}, request_only=True)
        ],
        responses=guarded_write(200, BuildLineSerializer),
    ),
    destroy=extend_schema(
        summary="Remove a line",
        description="409 `line_in_use` while other lines use it, unless `cascade=true`.",
        parameters=[BUILD_PK, IF_MATCH, CASCADE],
        responses={
            204: None,
            404: NOT_FOUND,
            409: ErrorSerializer,
            412: STALE,
        },
    ),
)
class BuildLineViewSet(viewsets.ModelViewSet[BuildLine]):
    """Lines of one build; a build of another organisation answers 404."""

    serializer_class = BuildLineSerializer
    throttle_classes = THROTTLES
    parser_classes = PARSERS
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    @cached_property
    def build(self) -> Build:
        """The build named in the URL, if the caller may see it (else 404)."""
        return selectors.build_get(
            pk=int(self.kwargs["build_pk"]), user=self.request.user, auth=self.request.auth
        )

    def get_queryset(self) -> QuerySet[BuildLine]:
        if getattr(self, "swagger_fake_view", False):
            return BuildLine.objects.none()
        return selectors.build_line_list(self.build)

    def get_object(self) -> BuildLine:
        line = super().get_object()
        # Share the build instance: the services bump its revision, which the ETag reports.
        line.build = self.build
        return line

    def _respond(
        self, data: Any, status_code: int = status.HTTP_200_OK, **headers: str
    ) -> Response:
        """A response carrying the build's current ETag."""
        return with_etag(Response(data, status=status_code, headers=headers), self.build.revision)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        return with_etag(response, self.build.revision)

    def get_serializer(self, *args: Any, **kwargs: Any) -> BuildLineSerializer:
        # serializer_class; the stubs type DRF's answer as the BaseSerializer of the model.
        return cast(BuildLineSerializer, super().get_serializer(*args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_serializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        build = self.build
        expected = expected_revision(request, build.revision)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = line_services.build_line_add(
            build=build, expected_revision=expected, **serializer.service_arguments()
        )
        path = reverse(
            "build-line-detail",
            kwargs={"version": request.version, "build_pk": build.pk, "pk": line.pk},
        )
        return self._respond(
            self.get_serializer(line).data,
            status.HTTP_201_CREATED,
            Location=request.build_absolute_uri(path),
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self.get_object()
        expected = expected_revision(request, self.build.revision)
        serializer = self.get_serializer(line, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        line = line_services.build_line_update(
            line=line, expected_revision=expected, **serializer.service_arguments()
        )
        return self._respond(self.get_serializer(line).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self.get_object()
        expected = expected_revision(request, self.build.revision)
        cascade = request.query_params.get("cascade", "").lower() in _TRUE
        line_services.build_line_remove(line=line, cascade=cascade, expected_revision=expected)
        return self._respond(None, status.HTTP_204_NO_CONTENT)
