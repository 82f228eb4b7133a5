"""Spec sheet endpoints of a build: /builds/{id}/spec-sheet/ (the PDF) and its status.

Same pattern as the quote PDF (configurator.api.documents): 200 with the file once stored,
202 while it is rendered, 409 `render_failed`. Builds of other organisations answer 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.documents import (
    PDF_RESPONSES,
    RENDERING_EXAMPLE,
    RETRY_RESPONSES,
    document_response,
    status_body,
)
from configurator.api.schema import BAD_INPUT, NOT_FOUND, EnvelopeAutoSchema
from configurator.api.serializers.documents import (
    DocumentStatusSerializer,
    SpecSheetQuerySerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors
from configurator.builds.models import Build
from configurator.documents import selectors as document_selectors
from configurator.documents import services as document_services
from configurator.errors import NotFound

__all__ = ["SpecSheetStatusView", "SpecSheetView"]


REVISION = OpenApiParameter(
    "revision",
    OpenApiTypes.INT,
    description="Build revision; default the current one. Older revisions exist only if "
    "their sheet was requested while they were current.",
)


class _SpecSheetBase(APIView):
    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    def _build(self, pk: int) -> Build:
        return selectors.build_get(pk=pk, user=self.request.user, auth=self.request.auth)

    def _revision(self) -> int | None:
        query = SpecSheetQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("revision")

    def _urls(self, build: Build, revision: int) -> dict[str, str]:
        kwargs = {"version": self.request.version, "pk": build.pk}
        query = f"?revision={revision}"
        return {
            "status_url": self.request.build_absolute_uri(
                reverse("build-spec-sheet-status", kwargs=kwargs) + query
            ),
            "download_url": self.request.build_absolute_uri(
                reverse("build-spec-sheet", kwargs=kwargs) + query
            ),
        }


class SpecSheetView(_SpecSheetBase):
    """A build's spec sheet PDF: site, elevations, power chain, thermal, findings."""

    @extend_schema(
        summary="Build spec sheet PDF",
        description=(
            "The spec sheet of a build revision (default: the current one): site summary, "
            "rack elevations, power chain with loads, thermal, redundancy, findings and "
            "sustainability figures. Same pattern as the quote PDF: 200 PDF when stored, 202 "
            "while rendering (the first request queues it), 409 `render_failed`. The current "
            "revision's sheet is the build as it evaluates now: when a site or catalogue edit "
            "changes what it says, a new sheet of the same revision is made. An older revision "
            "gives its latest sheet."
        ),
        parameters=[REVISION],
        responses={**PDF_RESPONSES, 400: BAD_INPUT},
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> HttpResponse | Response:
        build = self._build(pk)
        document = document_services.spec_sheet_request(build=build, revision=self._revision())
        return document_response(
            document, serve_file=True, **self._urls(build, document.build_revision or 0)
        )

    @extend_schema(
        summary="Render a spec sheet again after a failure",
        description="Queue a failed spec sheet again (202); report a queued (202) or stored "
        "(200) one.",
        parameters=[REVISION],
        request=None,
        responses={
            **RETRY_RESPONSES,
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int, **kwargs: Any) -> HttpResponse | Response:
        build = self._build(pk)
        document = document_services.spec_sheet_request(
            build=build, revision=self._revision(), retry=True
        )
        return document_response(
            document, serve_file=False, **self._urls(build, document.build_revision or 0)
        )


class SpecSheetStatusView(_SpecSheetBase):
    """Where the render of a build revision's spec sheet stands."""

    @extend_schema(
        summary="Spec sheet status",
        description="Status of the spec sheet of a build revision; a GET here queues nothing.",
        parameters=[REVISION],
        responses={
            200: OpenApiResponse(
                DocumentStatusSerializer,
                examples=[OpenApiExample("Rendering", value=RENDERING_EXAMPLE)],
            ),
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        build = self._build(pk)
        revision = self._revision() or build.revision
        document = document_selectors.spec_sheet_get(build=build, revision=revision)
        if document is None:
            raise NotFound("No spec sheet of this revision was requested yet: GET its URL.")
        return Response(status_body(document, **self._urls(build, revision)))
