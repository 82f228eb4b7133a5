"""File renderers of the BOM (CSV, XLSX) and a mixin that keeps errors in JSON.

The view builds the file bytes (configurator.documents.bom_export); these renderers only
label them, so `?format=csv|xlsx` and `Accept:` negotiation both pick the right one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from configurator.documents.bom_export import XLSX_CONTENT_TYPE

__all__ = ["CsvRenderer", "FileRenderer", "JsonErrorsMixin", "XlsxRenderer"]


class FileRenderer(BaseRenderer):
    """Pass ready-made file bytes through unchanged."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        # Never reached for errors (JsonErrorsMixin), but a file renderer must not crash.
        return JSONRenderer().render(data, "application/json", renderer_context)


class CsvRenderer(FileRenderer):
    """text/csv, `?format=csv`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XlsxRenderer(FileRenderer):
    """An XLSX workbook, `?format=xlsx`."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"


if TYPE_CHECKING:
    from rest_framework.views import APIView as _APIView  # the mixin's base, to mypy only
else:
    _APIView = object


class JsonErrorsMixin(_APIView):
    """View mixin: errors answer the JSON envelope even when a file format was negotiated."""

    def handle_exception(self, exc: Exception) -> Response:
        request: Request | None = getattr(self, "request", None)
        if request is not None and isinstance(
            getattr(request, "accepted_renderer", None), FileRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().handle_exception(exc)
