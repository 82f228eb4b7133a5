"""Reads of rendered documents: where a render stands, without loading the file's bytes."""

from __future__ import annotations

from configurator.builds.models import Build
from configurator.documents.models import RenderedDocument
from configurator.quotes.models import Quote

__all__ = ["quote_pdf_get", "spec_sheet_get"]


def quote_pdf_get(*, quote: Quote) -> RenderedDocument | None:
    """The PDF document of a quote revision, bytes deferred; None until one is requested."""
    return RenderedDocument.objects.defer("content").filter(quote=quote).first()


def spec_sheet_get(*, build: Build, revision: int) -> RenderedDocument | None:
    """The latest spec sheet of a build revision (see spec_sheet_request), bytes deferred."""
    return (
        RenderedDocument.objects.defer("content")
        .filter(build=build, build_revision=revision)
        .order_by("-created_at", "-pk")
        .first()
    )
