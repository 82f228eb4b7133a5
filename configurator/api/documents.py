"""The PDF documents' responses, shared by the quote PDF and the build spec sheet endpoints.

PDFs are rendered by a worker. A GET answers 200 with the file when it is stored, 202 with a
status body (and queues the render if nobody did) while it is being made, and 409
`render_failed` once every retry failed; a POST retries a failed render.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from configurator.api.schema import NOT_FOUND, error_response
from configurator.api.serializers.documents import DocumentStatusSerializer
from configurator.documents.models import RenderedDocument
from configurator.documents.pdf import PDF_CONTENT_TYPE
from configurator.errors import Conflict

__all__ = [
    "PDF_RESPONSES",
    "READY_EXAMPLE",
    "RENDERING_EXAMPLE",
    "RETRY_RESPONSES",
    "document_response",
    "status_body",
]

RENDERING_EXAMPLE = {
    "status": "rendering",
    "stage": "pending",
    "status_url": "https://mdc.example/api/v1/quotes/41/pdf/status/",
    "download_url": "https://mdc.example/api/v1/quotes/41/pdf/",
    "filename": "Q-2026-0007-rev2.pdf",
    "attempts": 0,
    "error": "",
    "size_bytes": 0,
    "sha256": "",
}
READY_EXAMPLE = {
    **RENDERING_EXAMPLE,
    "status": "ready",
    "stage": "ready",
    "attempts": 1,
    "size_bytes": 48213,
    "sha256": "9f2c4be0c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5",
}
FAILED_EXAMPLE = {
    "code": "render_failed",
    "message": "Rendering the PDF failed; POST to the same URL to try again.",
    "details": {
        **RENDERING_EXAMPLE,
        "status": "failed",
        "stage": "failed",
        "attempts": 4,
        "error": "OSError: cannot load font",
    },
}

# What asking to render a document again answers: stored (200) or queued (202).
RETRY_RESPONSES: dict[Any, Any] = {
    200: OpenApiResponse(
        DocumentStatusSerializer,
        examples=[OpenApiExample("Ready", value=READY_EXAMPLE, status_codes=["200"])],
    ),
    202: OpenApiResponse(
        DocumentStatusSerializer,
        examples=[OpenApiExample("Queued", value=RENDERING_EXAMPLE, status_codes=["202"])],
    ),
}
PDF_RESPONSES: dict[Any, Any] = {
    (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    (202, "application/json"): OpenApiResponse(
        DocumentStatusSerializer,
        description="Being rendered: poll `status_url` (or this URL) until it is ready.",
        examples=[OpenApiExample("Rendering", value=RENDERING_EXAMPLE, status_codes=["202"])],
    ),
    404: NOT_FOUND,
    409: error_response(
        "Not renderable (a draft) or every render attempt failed (`render_failed`).",
        OpenApiExample("Failed", value=FAILED_EXAMPLE, status_codes=["409"], response_only=True),
    ),
}


def _public_status(document: RenderedDocument) -> str:
    if document.status == RenderedDocument.Status.READY:
        return "ready"
    if document.status == RenderedDocument.Status.FAILED:
        return "failed"
    return "rendering"


def status_body(document: RenderedDocument, *, status_url: str, download_url: str) -> dict:
    """Where a render stands, in the shape of DocumentStatusSerializer."""
    return {
        "status": _public_status(document),
        "stage": document.status,
        "status_url": status_url,
        "download_url": download_url,
        "filename": document.filename,
        "attempts": document.attempts,
        "error": document.error,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
    }


def document_response(
    document: RenderedDocument, *, status_url: str, download_url: str, serve_file: bool
) -> HttpResponse | Response:
    """The file (200), the status (202 while rendering, 200 when ready) or 409 when failed."""
    body = status_body(document, status_url=status_url, download_url=download_url)
    if document.status == RenderedDocument.Status.FAILED:
        raise Conflict(
            "Rendering the PDF failed; POST to the same URL to try again.",
            code="render_failed",
            details=body,
        )
    if document.status != RenderedDocument.Status.READY:
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url, "Retry-After": "1"},
        )
    if not serve_file:
        return Response(body)
    response = HttpResponse(document.file_bytes, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Content-Length"] = str(document.size_bytes)
    # The bytes of a stored document never change: its digest is a strong validator.
    response["ETag"] = f'"{document.sha256}"'
    return response
