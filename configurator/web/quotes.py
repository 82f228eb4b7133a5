"""Quotes in the web UI: list, new, edit, issue, revise, the customer's request and answer,
and the PDF panel polled with htmx.

Every write goes through configurator.quotes.services; a refused write re-renders the form
with the errors on the fields they name and changes nothing. The PDF panel starts the render
on request and, while the worker renders, re-fetches itself every second
(`hx-trigger="every 1s"`) until the download link (or the error and a retry button) replaces
it. Quotes the user may not read do not exist for them (404).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.documents import services as document_services
from configurator.documents.models import RenderedDocument
from configurator.documents.pdf import PDF_CONTENT_TYPE
from configurator.errors import BlockedByRules, Conflict, DomainError, NotFound
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from configurator.quotes.selectors import quote_get, quote_list, quote_preview
from configurator.quotes.validation import QuoteForbidden
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import (
    can_answer_quote,
    can_see_cost,
    organisations_quoting_for,
)
from configurator.web.common import paginate
from configurator.web.quote_forms import (
    AnswerForm,
    IssueForm,
    QuoteForm,
    RequestForm,
    add_quote_errors,
)

QUOTES_PER_PAGE = 25
BUILD_CHOICES = 200


def _quote_or_404(request: HttpRequest, pk: int) -> Quote:
    try:
        return quote_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _build_or_404(request: HttpRequest, pk: Any) -> Build:
    try:
        return build_selectors.build_get(pk=int(pk), user=request.user)
    except (NotFound, TypeError, ValueError) as exc:
        raise Http404("Build not found.") from exc


def _quotes_for(request: HttpRequest, organisation_id: int) -> bool:
    """Whether the user writes quotes for the organisation (the seller's people)."""
    return organisations_quoting_for(request.user).filter(pk=organisation_id).exists()


def _quote_form(build: Build, data: Any = None, initial: Any = None) -> QuoteForm:
    """The quote form of a build: on the seller's own site it names one of its customers."""
    organisation = build.site.organisation
    sellers_own = organisation.served_by_id is None
    buyers = (
        list(Organisation.objects.filter(served_by=organisation).order_by("name", "pk"))
        if sellers_own
        else []
    )
    try:
        bom = build_selectors.build_bom(build, show_cost=False)
    except Conflict:
        bom = None  # mixed currencies: the issue step says so; no line discounts meanwhile
    return QuoteForm(
        data,
        initial=initial,
        buyers=buyers,
        own_organisation=organisation,
        sellers_own=sellers_own,
        bom=bom,
    )


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


# --------------------------------------------------------------------------- reads


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
            "can_quote": organisations_quoting_for(request.user).exists(),
        },
    )


def _detail_context(request: HttpRequest, quote: Quote) -> dict[str, Any]:
    bom = quote.bom_json or {}
    rows = [row for category in bom.get("categories", []) for row in category["rows"]]
    show_cost = can_see_cost(request.user, None, quote.seller) and quote.cost_total is not None
    margin = None
    if show_cost and quote.net_total and quote.cost_total is not None:
        margin = (quote.net_total - quote.cost_total) / quote.net_total * 100
    is_seller = _quotes_for(request, quote.organisation_id)
    preview = None
    preview_error = ""
    findings = (quote.report_json or {}).get("findings", [])
    if quote.status == Quote.Status.DRAFT and is_seller:
        try:
            preview = quote_preview(quote)
        except Conflict as exc:
            preview_error = exc.message
        if quote.build is not None:
            report = build_selectors.build_report(quote.build)
            findings = [f.model_dump(mode="json") for f in report.findings]
    return {
        "quote": quote,
        "rows": rows,
        "findings": findings,
        "errors": [f for f in findings if f.get("severity") == "error"],
        **_pdf_context(quote),
        "show_cost": show_cost,
        "margin": margin,
        "is_seller": is_seller,
        "may_answer": quote.status == Quote.Status.ISSUED
        and can_answer_quote(request.user, quote.organisation, quote.customer_organisation),
        "may_revise": quote.build is not None and quote.status in quote_services.REVISABLE_STATUSES,
        "preview": preview,
        "preview_error": preview_error,
        "revisions": quote_list(user=request.user).filter(number=quote.number)
        if quote.number
        else [],
        "issue_form": IssueForm(),
        "answer_form": AnswerForm(),
    }


@login_required
@require_GET
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One quote revision: parties, lines, totals, findings, its actions and its PDF panel."""
    quote = _quote_or_404(request, pk)
    return render(request, "configurator/quotes/detail.html", _detail_context(request, quote))


# --------------------------------------------------------------------------- the seller's writes


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest) -> HttpResponse:
    """A new draft of a build (`?build=<id>`); without one, a choice of the builds to quote."""
    build_pk = request.GET.get("build") or request.POST.get("build")
    if not build_pk:
        builds = build_selectors.build_list(user=request.user).filter(
            site__organisation__in=organisations_quoting_for(request.user)
        )
        return render(
            request,
            "configurator/quotes/choose_build.html",
            {"builds": builds[:BUILD_CHOICES]},
        )
    build = _build_or_404(request, build_pk)
    if not _quotes_for(request, build.site.organisation_id):
        raise Http404("Only the seller's sales engineers and admins write quotes.")
    form = _quote_form(build, request.POST or None, initial=_new_initial(build))
    if request.method == "POST" and form.is_valid():
        try:
            quote = quote_services.quote_create(
                build=build, user=request.user, **form.quote_fields()
            )
        except ValidationError as exc:
            add_quote_errors(form, exc)
        except QuoteForbidden as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{quote.label} saved as a draft.")
            return redirect("quotes:detail", pk=quote.pk)
    return render(
        request,
        "configurator/quotes/form.html",
        {"form": form, "build": build, "quote": None, "mode": "new"},
    )


def _new_initial(build: Build) -> dict[str, Any]:
    """A new quote starts from the default terms and the open request's contact, if any."""
    initial: dict[str, Any] = {"terms": quote_services.DEFAULT_TERMS}
    request = build.quote_requests.filter(status="open").select_related("requested_by").first()
    if request is not None and request.requested_by is not None:
        person = request.requested_by
        initial["customer_name"] = person.get_full_name() or person.get_username()
        initial["customer_email"] = person.email
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft; issued revisions are revised instead."""
    quote = _quote_or_404(request, pk)
    if quote.status != Quote.Status.DRAFT or quote.build is None:
        return redirect("quotes:detail", pk=quote.pk)
    if not _quotes_for(request, quote.organisation_id):
        raise Http404("Only the seller's sales engineers and admins write quotes.")
    form = _quote_form(quote.build, request.POST or None, initial=QuoteForm.initial_of(quote))
    if request.method == "POST" and form.is_valid():
        try:
            quote_services.quote_update(quote=quote, user=request.user, **form.quote_fields())
        except ValidationError as exc:
            add_quote_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Draft saved.")
            return redirect("quotes:detail", pk=quote.pk)
    return render(
        request,
        "configurator/quotes/form.html",
        {"form": form, "build": quote.build, "quote": quote, "mode": "edit"},
    )


def _blocked(request: HttpRequest, quote: Quote, exc: BlockedByRules, form: IssueForm) -> Any:
    context = _detail_context(request, quote)
    context["issue_form"] = form
    context["blocked"] = exc.message
    return render(request, "configurator/quotes/detail.html", context, status=422)


@login_required
@require_POST
def quote_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a draft: number, frozen snapshot and totals; then prepare its PDF."""
    quote = _quote_or_404(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        context = {**_detail_context(request, quote), "issue_form": form}
        return render(request, "configurator/quotes/detail.html", context, status=400)
    try:
        issued = quote_services.quote_issue(
            quote=quote, user=request.user, override_reason=form.cleaned_data["override_reason"]
        )
    except BlockedByRules as exc:
        return _blocked(request, quote, exc, form)
    except ValidationError as exc:
        messages.error(request, "Not issued: " + _sentences(exc))
        return redirect("quotes:edit", pk=quote.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quotes:detail", pk=quote.pk)
    document_services.quote_pdf_request(quote=issued)
    messages.success(request, f"Issued as {issued.label}. Its PDF is being prepared.")
    return redirect("quotes:detail", pk=issued.pk)


def _sentences(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts: list[str] = []
    for field, errors in exc.message_dict.items():
        label = field.replace("_", " ").capitalize()
        parts.extend(f"{label}: {error}" for error in errors)
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def quote_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """A new revision of an issued, declined or expired quote, from the build as it is now."""
    quote = _quote_or_404(request, pk)
    if quote.build is None or not _quotes_for(request, quote.organisation_id):
        raise Http404("Only the seller's sales engineers and admins revise quotes.")
    form = _quote_form(quote.build, request.POST or None, initial=QuoteForm.initial_of(quote))
    issue_form = IssueForm(request.POST or None)
    blocked = ""
    if request.method == "POST" and form.is_valid() and issue_form.is_valid():
        try:
            revised = quote_services.quote_revise(
                quote=quote,
                user=request.user,
                override_reason=issue_form.cleaned_data["override_reason"],
                **form.quote_fields(),
            )
        except ValidationError as exc:
            add_quote_errors(form, exc)
        except BlockedByRules as exc:
            blocked = exc.message
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            document_services.quote_pdf_request(quote=revised)
            messages.success(request, f"Issued {revised.label}; {quote.label} is superseded.")
            return redirect("quotes:detail", pk=revised.pk)
    return render(
        request,
        "configurator/quotes/form.html",
        {
            "form": form,
            "issue_form": issue_form,
            "blocked": blocked,
            "build": quote.build,
            "quote": quote,
            "mode": "revise",
        },
        status=422 if blocked else 200,
    )


# --------------------------------------------------------------------------- the customer's


@login_required
@require_POST
def quote_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Accept or decline an issued quote, with an optional note; who and when are recorded."""
    quote = _quote_or_404(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            quote_services.quote_set_status(
                quote=quote, user=request.user, status=answer, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, _sentences(exc))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            word = "accepted" if answer == Quote.Status.ACCEPTED else "declined"
            messages.success(request, f"{quote.label} {word}. The seller sees your answer.")
    else:
        messages.error(
            request, "Not answered: " + " ".join(str(e) for e in form.errors.get("note", []))
        )
    return redirect("quotes:detail", pk=quote.pk)


@login_required
@require_POST
def quote_request(request: HttpRequest, build_pk: int) -> HttpResponse:
    """A customer asks the seller to quote a build; back to the build with the outcome."""
    build = _build_or_404(request, build_pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Not sent: " + " ".join(str(e) for e in form.errors.get("message", []))
        )
        return redirect("editor:detail", pk=build.pk)
    try:
        quote_services.quote_request_create(
            build=build, user=request.user, message=form.cleaned_data["message"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        seller = build.site.organisation.served_by
        messages.success(
            request,
            f"Quote requested. {seller.name if seller else 'The seller'} sees your request and "
            "will send a quote.",
        )
    return redirect("editor:detail", pk=build.pk)


# --------------------------------------------------------------------------- PDF


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
    response = HttpResponse(document.file_bytes, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


__all__ = [
    "quote_answer",
    "quote_detail",
    "quote_edit",
    "quote_issue",
    "quote_list_view",
    "quote_new",
    "quote_pdf_download",
    "quote_pdf_panel",
    "quote_pdf_prepare",
    "quote_request",
    "quote_revise",
]
