"""A build's sales panel in the editor and its spec sheet: prepare, progress, download.

The editor loads the sales panel lazily (htmx, on load), so the editor's own responses stay
as they are: quotes of the build and the seller's "New quote", or the customer's "Request a
quote", and the spec sheet panel. The spec sheet renders on a worker like the quote PDF; its
panel re-fetches itself every second while the render runs (`hx-trigger="every 1s"`).
Builds the user may not see do not exist for them (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.documents import selectors as document_selectors
from configurator.documents import services as document_services
from configurator.documents.models import RenderedDocument
from configurator.documents.pdf import PDF_CONTENT_TYPE
from configurator.errors import DomainError, NotFound
from configurator.quotes.models import QuoteRequest
from configurator.quotes.selectors import quote_list
from configurator.tenancy.permissions import can_request_quote, organisations_quoting_for
from configurator.web.common import is_htmx
from configurator.web.quote_forms import RequestForm

__all__ = [
    "build_sales_panel",
    "spec_sheet_download",
    "spec_sheet_page",
    "spec_sheet_panel",
    "spec_sheet_prepare",
]

BUILD_QUOTES_SHOWN = 5
_RUNNING = (RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING)


def _build_or_404(request: HttpRequest, pk: int) -> Build:
    try:
        return build_selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _sheet_context(build: Build, document: RenderedDocument | None, error: str = "") -> dict:
    """The spec sheet panel: the latest sheet of the build's current revision, if any."""
    return {
        "build": build,
        "document": document,
        "polling": document is not None and document.status in _RUNNING,
        "error": error,
    }


def _current_sheet(build: Build) -> RenderedDocument | None:
    return document_selectors.spec_sheet_get(build=build, revision=build.revision)


@login_required
@require_GET
def build_sales_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Quotes and the spec sheet of a build, for the editor (loaded by htmx)."""
    build = _build_or_404(request, pk)
    organisation = build.site.organisation
    can_quote = organisations_quoting_for(request.user).filter(pk=organisation.pk).exists()
    context: dict[str, Any] = {
        **_sheet_context(build, _current_sheet(build)),
        "can_quote": can_quote,
        "can_request": can_request_quote(request.user, None, organisation),
        "has_seller": organisation.served_by_id is not None,
        "quotes": quote_list(user=request.user).filter(build=build)[:BUILD_QUOTES_SHOWN],
        "open_request": build.quote_requests.filter(status=QuoteRequest.Status.OPEN)
        .select_related("requested_by")
        .first(),
        "request_form": RequestForm(),
    }
    return render(request, "configurator/editor/sales_panel.html", context)


@login_required
@require_GET
def spec_sheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The spec sheet of a build on its own page (linked from the build list)."""
    build = _build_or_404(request, pk)
    return render(
        request,
        "configurator/spec_sheet.html",
        _sheet_context(build, _current_sheet(build)),
    )


@login_required
@require_GET
def spec_sheet_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The spec sheet panel alone (htmx polls it while the worker renders)."""
    build = _build_or_404(request, pk)
    return render(
        request,
        "configurator/_spec_sheet_panel.html",
        _sheet_context(build, _current_sheet(build)),
    )


@login_required
@require_POST
def spec_sheet_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the sheet of the build as it is now (or retry a failed one); answer the panel."""
    build = _build_or_404(request, pk)
    error = ""
    document = None
    try:
        document = document_services.spec_sheet_request(build=build, retry=True)
    except DomainError as exc:
        error = exc.message
    if not is_htmx(request):
        return redirect("documents:spec-sheet", pk=build.pk)
    build.refresh_from_db()
    if document is not None:
        document = RenderedDocument.objects.defer("content").get(pk=document.pk)
    return render(
        request, "configurator/_spec_sheet_panel.html", _sheet_context(build, document, error)
    )


@login_required
@require_GET
def spec_sheet_download(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """A stored spec sheet of the build; back to its page while it is not ready."""
    build = _build_or_404(request, pk)
    found = RenderedDocument.objects.filter(
        pk=document, build=build, kind=RenderedDocument.Kind.SPEC_SHEET
    ).first()
    if found is None:
        raise Http404("Spec sheet not found.")
    if found.status != RenderedDocument.Status.READY:
        return redirect("documents:spec-sheet", pk=build.pk)
    response = HttpResponse(found.file_bytes, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
