"""Quotes in the web UI: the list, a quote's page, and its PDF panel polled with htmx.

The panel starts the render on request and, while the worker renders, re-fetches itself every
second (`hx-trigger="every 1s"`) until the download link (or the error and a retry button)
replaces it. Quotes the user may not read do not exist for them (404).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from configurator.documents import services as document_services
from configurator.documents.models import RenderedDocument
from configurator.documents.pdf import PDF_CONTENT_TYPE
from configurator.errors import DomainError, NotFound
from configurator.quotes.models import Quote
from configurator.quotes.selectors import quote_get, quote_list
from configurator.tenancy.permissions import can_see_cost, organisations_quoting_for
from configurator.web.common import paginate

QUOTES_PER_PAGE = 25


def _quote_or_404(request: HttpRequest, pk: int) -> Quote:
    try:
        return quote_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _pdf_context(quote: Quote) -> dict[str, Any]:
    """The PDF panel's context: the document (bytes left in the database) and whether to poll."""
    document = RenderedDocument.objects.defer("content").filter(quote=quote).first()
    polling = document is not None and document.status in (
        RenderedDocument.Status.PENDING,
        RenderedDocument.Status.RENDERING,
    )
    return {"document": document, "polling": polling}


def _panel(request: HttpRequest, quote: Quote, *, error: str = "") -> HttpResponse:
    return render(
        request,
        "configurator/quotes/_pdf_panel.html",
        {"quote": quote, "error": error, **_pdf_context(quote)},
    )


@login_required
@require_GET
def quote_list_view(request: HttpRequest) -> HttpResponse:
    """Quotes the user may read, newest first; sellers also see their drafts."""
    quotes = quote_list(user=request.user)
    status = request.GET.get("status")
    if status in Quote.Status.values:
        quotes = quotes.filter(status=status)
    return render(
        request,
        "configurator/quotes/list.html",
        {
            "page": paginate(request, quotes, QUOTES_PER_PAGE),
            "statuses": Quote.Status.choices,
            "status": status,
            "query": urlencode({"status": status}) if status in Quote.Status.values else "",
        },
    )


@login_required
@require_GET
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One quote revision: parties, lines, totals, findings, and its PDF panel."""
    quote = _quote_or_404(request, pk)
    bom = quote.bom_json or {}
    rows = [row for category in bom.get("categories", []) for row in category["rows"]]
    show_cost = can_see_cost(request.user) and quote.cost_total is not None
    margin = None
    if show_cost and quote.net_total:
        margin = (quote.net_total - quote.cost_total) / quote.net_total * Decimal(100)
    context: dict[str, Any] = {
        "quote": quote,
        "rows": rows,
        "findings": (quote.report_json or {}).get("findings", []),
        **_pdf_context(quote),
        "show_cost": show_cost,
        "margin": margin,
        "is_seller": organisations_quoting_for(request.user)
        .filter(pk=quote.organisation_id)
        .exists(),
        "revisions": quote_list(user=request.user).filter(number=quote.number)
        if quote.number
        else [],
    }
    return render(request, "configurator/quotes/detail.html", context)


@login_required
@require_GET
def quote_pdf_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF panel alone (htmx polls it while the worker renders)."""
    return _panel(request, _quote_or_404(request, pk))


@login_required
@require_POST
def quote_pdf_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the render (or its retry after a failure) and answer the panel."""
    quote = _quote_or_404(request, pk)
    try:
        document_services.quote_pdf_request(quote=quote, retry=True)
    except DomainError as exc:
        return _panel(request, quote, error=exc.message)
    if request.headers.get("HX-Request") != "true":
        return redirect("quotes:detail", pk=quote.pk)
    return _panel(request, quote)


@login_required
@require_GET
def quote_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF; back to the quote's page while there is none yet."""
    quote = _quote_or_404(request, pk)
    document = RenderedDocument.objects.filter(
        quote=quote, status=RenderedDocument.Status.READY
    ).first()
    if document is None:
        return redirect("quotes:detail", pk=quote.pk)
    response = HttpResponse(bytes(document.content), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
