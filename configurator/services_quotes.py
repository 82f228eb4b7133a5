"""Writes of quotes and rendered documents: every change to a quote goes through here.

Signatures (keyword-only):

- quote_create(*, build, user, **fields) -> Quote                    a draft of the build
- quote_update(*, quote, user, **fields) -> Quote                    drafts only
- quote_issue(*, quote, user, override_reason="", now=None) -> Quote  freeze, number, total
- quote_revise(*, quote, user, override_reason="", now=None, **fields) -> Quote
- quote_set_status(*, quote, user, status, now=None) -> Quote        accepted / rejected
- quote_expire_due(*, today=None) -> int                             periodic (celery beat)
- quote_pdf_request(*, quote, retry=False) -> RenderedDocument       202 pattern of the API
- spec_sheet_request(*, build, revision=None, retry=False) -> RenderedDocument
- quote_pdf_render / spec_sheet_render(..., final_attempt) -> RenderedDocument | None
  (called by the Celery tasks only)

`fields` of create/update/revise: customer_name, customer_email, valid_until, line_discounts,
discount_pct, tax_rate_pct, terms.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from configurator.builds.models import Build
from configurator.documents.models import RenderedDocument
from configurator.errors import BlockedByRules, Conflict, NotFound
from configurator.quotes.models import Quote, QuoteNumberSequence
from configurator.quotes.pricing import (
    REVISABLE_STATUSES,
    QuoteForbidden,
    QuoteTotals,
    apply_line_discounts,
    document_filename,
    effective_discount_pct,
    format_quote_number,
    quote_totals,
)
from configurator.tenancy.permissions import (
    can_answer_quote,
    quote_discount_limit_pct,
    quote_issuer_role,
)

__all__ = [
    "DEFAULT_TERMS",
    "DocumentRenderError",
    "quote_create",
    "quote_expire_due",
    "quote_issue",
    "quote_pdf_render",
    "quote_pdf_request",
    "quote_revise",
    "quote_set_status",
    "quote_update",
    "spec_sheet_fingerprint",
    "spec_sheet_render",
    "spec_sheet_request",
]

logger = logging.getLogger(__name__)

DEFAULT_TERMS = (
    "Prices exclude installation unless listed. Delivery lead times are estimates from the "
    "manufacturers' figures at the date of issue. Payment 30 days net from invoice."
)
QUOTE_FIELDS = frozenset(
    {
        "customer_name",
        "customer_email",
        "valid_until",
        "line_discounts",
        "discount_pct",
        "tax_rate_pct",
        "terms",
    }
)
MAX_LINE_DISCOUNTS = 1000
MAX_ERROR_CHARS = 2000
PCT_STEP = Decimal("0.01")


class DocumentRenderError(Exception):
    """A render attempt failed and will be tried again (the tasks retry on this error only)."""


# --------------------------------------------------------------------------- validation


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - QUOTE_FIELDS)
    if unknown:
        raise ValidationError({field: ["This field cannot be set here."] for field in unknown})


def _percent(value: Any, field: str) -> Decimal:
    """A percentage 0-100 with at most two decimals, or a ValidationError naming `field`."""
    try:
        pct = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: ["Enter a percentage."]}) from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ValidationError({field: ["A percentage lies between 0 and 100."]})
    if pct != pct.quantize(PCT_STEP):
        raise ValidationError({field: ["At most two decimals."]})
    return pct.quantize(PCT_STEP)


def _line_discounts(value: Any, build: Build | None) -> dict[str, str]:
    """Normalise {component id: percent}; every key must be a component of the build."""
    if not isinstance(value, dict):
        raise ValidationError({"line_discounts": ["An object of component id to percent."]})
    if len(value) > MAX_LINE_DISCOUNTS:
        raise ValidationError({"line_discounts": ["Too many line discounts."]})
    quoted = set()
    if build is not None:
        quoted = {str(pk) for pk in build.lines.values_list("component_id", flat=True)}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in value.items():
        key = str(key)
        field = f"line_discounts.{key}"
        if key not in quoted:
            errors[field] = ["No line of the build uses this component."]
            continue
        try:
            pct = _percent(raw, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if pct:
            cleaned[key] = f"{pct:f}"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_fields(quote: Quote, fields: dict[str, Any]) -> None:
    """Validate `fields` and set them on the (unsaved) draft."""
    _refuse_unknown(fields)
    if "line_discounts" in fields:
        quote.line_discounts = _line_discounts(fields["line_discounts"] or {}, quote.build)
    for name in ("discount_pct", "tax_rate_pct"):
        if name in fields:
            setattr(quote, name, _percent(fields[name], name))
    for name in ("customer_name", "customer_email", "terms"):
        if name in fields:
            setattr(quote, name, str(fields[name] or "").strip())
    if "valid_until" in fields:
        quote.valid_until = fields["valid_until"]
        if quote.valid_until is not None and quote.valid_until < timezone.localdate():
            raise ValidationError({"valid_until": ["A quote cannot be valid until a past date."]})
    quote.full_clean(
        exclude=[
            "organisation",
            "seller",
            "build",
            "created_by",
            "issued_by",
            "overridden_by",
            "number",
        ],
        validate_unique=False,
        validate_constraints=False,
    )


def _issuer_role(user: Any, quote: Quote) -> str:
    role = quote_issuer_role(user, quote.organisation)
    if role is None or quote_discount_limit_pct(role) is None:
        raise QuoteForbidden(
            "Only the seller's sales engineers and admins write and issue quotes.",
            details={"role": role},
        )
    return role


def _check_discount_limit(role: str, quote: Quote, totals: QuoteTotals | None = None) -> None:
    """Refuse discounts above the role's limit: per line, on the quote, and both together."""
    limit = quote_discount_limit_pct(role)
    if limit is None:  # pragma: no cover - _issuer_role already refused such a role
        raise QuoteForbidden()
    message = f"Over the {limit} % discount limit of a {role}."
    errors: dict[str, list[str]] = {}
    for key, pct in quote.line_discounts.items():
        if Decimal(pct) > limit:
            errors[f"line_discounts.{key}"] = [message]
    if quote.discount_pct > limit:
        errors["discount_pct"] = [message]
    if not errors and totals is not None and effective_discount_pct(totals) > limit:
        errors["discount_pct"] = [
            f"Line and quote discounts together come to {effective_discount_pct(totals)} % "
            f"of the list price, over the {limit} % limit of a {role}."
        ]
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------- drafts


def quote_create(*, build: Build, user: Any, **fields: Any) -> Quote:
    """A draft quote of `build` for the build's organisation; the seller is its serving one."""
    organisation = build.site.organisation
    quote = Quote(
        organisation=organisation,
        seller=organisation.served_by or organisation,
        build=build,
        currency=build.site.currency,
        terms=DEFAULT_TERMS,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    role = _issuer_role(user, quote)
    _clean_fields(quote, fields)
    _check_discount_limit(role, quote)
    quote.save()
    return quote


def _locked(quote: Quote) -> Quote:
    """The quote's row locked for this transaction (PostgreSQL), re-read from the database."""
    locked = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("organisation", "seller", "build__site__organisation")
        .filter(pk=quote.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Quote not found.")
    return locked


@transaction.atomic
def quote_update(*, quote: Quote, user: Any, **fields: Any) -> Quote:
    """Change a draft's contact, validity, discounts, tax or terms; issued ones are frozen."""
    quote = _locked(quote)
    role = _issuer_role(user, quote)
    if quote.status != Quote.Status.DRAFT:
        raise Conflict(
            "An issued quote never changes: revise it to make a new revision.",
            code="quote_frozen",
        )
    _clean_fields(quote, fields)
    _check_discount_limit(role, quote)
    quote.save()
    return quote


# --------------------------------------------------------------------------- issue


def _next_number(year: int) -> tuple[str, int]:
    """Take the next number of `year` with the year's counter row locked until commit.

    Concurrent issuers queue on the row lock (PostgreSQL) or on SQLite's single writer, so no
    two quotes get one number and no number is skipped unless its transaction rolls back.
    """
    sequence, _ = QuoteNumberSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return format_quote_number(year, sequence.last_number), sequence.last_number


def _parties(build: Build, quote: Quote) -> dict[str, Any]:
    site = build.site
    return {
        "seller": quote.seller.name,
        "customer_organisation": quote.organisation.name,
        "site": site.name,
        "site_country": site.country,
        "build": build.name,
        "build_id": build.pk,
    }


def _issue(
    quote: Quote, *, user: Any, role: str, override_reason: str, now: datetime.datetime
) -> Quote:
    """Freeze the build's snapshot, BOM, report and totals on `quote` and give it its number.

    Runs inside the caller's transaction, with the quote row locked.
    """
    from configurator.builds.selectors import build_bom, build_snapshot
    from rules.engine import evaluate

    if quote.build is None:
        raise Conflict("The quoted build was deleted; create a new quote.", code="build_deleted")
    errors: dict[str, list[str]] = {}
    if not quote.customer_name:
        errors["customer_name"] = ["Name the customer contact before issuing."]
    if not quote.customer_email:
        errors["customer_email"] = ["Give the customer contact's e-mail before issuing."]
    today = timezone.localdate(now)
    if quote.valid_until is not None and quote.valid_until < today:
        errors["valid_until"] = ["A quote cannot be valid until a past date."]
    if errors:
        raise ValidationError(errors)
    # The build's row lock keeps line edits out while the snapshot is read, so the spec, the
    # BOM and the revision recorded belong together.
    build = (
        Build.objects.select_for_update(of=("self",))
        .select_related("site__organisation")
        .get(pk=quote.build_id)
    )
    spec = build_snapshot(build)
    if not spec.racks and not spec.items:
        raise Conflict("The build has no lines to quote.", code="empty_build")
    report = evaluate(spec)
    reason = override_reason.strip()
    if report.errors and not reason:
        raise BlockedByRules(
            f"The build has {len(report.errors)} blocking finding(s); fix them, or issue with "
            "an override_reason recording why.",
            details=[finding.model_dump(mode="json") for finding in report.errors],
        )
    bom = build_bom(build, show_cost=True)
    priced = apply_line_discounts(bom, quote.line_discounts)
    totals = quote_totals(priced, discount_pct=quote.discount_pct, tax_rate_pct=quote.tax_rate_pct)
    _check_discount_limit(role, quote, totals)

    if quote.number is None:
        quote.number, _ = _next_number(today.year)
        quote.year = today.year
    quote.valid_until = quote.valid_until or today + datetime.timedelta(
        days=settings.QUOTE_VALIDITY_DAYS
    )
    quote.currency = priced.currency
    quote.build_revision = build.revision
    quote.spec_json = spec.model_dump(mode="json")
    quote.report_json = report.model_dump(mode="json")
    quote.bom_json = priced.model_dump(mode="json")
    quote.parties_json = _parties(build, quote)
    for field, value in totals.as_fields().items():
        setattr(quote, field, value)
    quote.cost_total = bom.totals.cost if bom.totals.cost_complete else None
    if report.errors:
        quote.override_reason = reason
        quote.overridden_by = user if getattr(user, "is_authenticated", False) else None
    else:
        # A reason for overriding nothing would print a false warning on the PDF.
        quote.override_reason = ""
        quote.overridden_by = None
    quote.status = Quote.Status.ISSUED
    quote.issued_at = now
    quote.status_changed_at = now
    quote.issued_by = user if getattr(user, "is_authenticated", False) else None
    quote.save()
    return quote


@transaction.atomic
def quote_issue(
    *,
    quote: Quote,
    user: Any,
    override_reason: str = "",
    now: datetime.datetime | None = None,
) -> Quote:
    """Issue a draft: snapshot, priced BOM, report and totals frozen, number taken.

    Refused with BlockedByRules while the build has error findings, unless `override_reason`
    records why it is quoted anyway (the PDF then prints the reason and the findings).
    """
    quote = _locked(quote)
    role = _issuer_role(user, quote)
    if quote.status != Quote.Status.DRAFT:
        raise Conflict(
            f"Only a draft can be issued; this quote is {quote.status}. Revise it instead.",
            code="quote_not_draft",
        )
    return _issue(
        quote, user=user, role=role, override_reason=override_reason, now=now or timezone.now()
    )


@transaction.atomic
def quote_revise(
    *,
    quote: Quote,
    user: Any,
    override_reason: str = "",
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Quote:
    """Issue a new revision of a quote from the build as it is now; the old one is superseded.

    Same number, revision + 1, terms and discounts carried over unless `fields` change them.
    Applies the same rules as issuing; if it is refused, the old revision stays as it was.
    """
    now = now or timezone.now()
    old = _locked(quote)
    role = _issuer_role(user, old)
    if old.status not in REVISABLE_STATUSES:
        raise Conflict(
            f"A {old.status} quote cannot be revised"
            + ("; revise its latest revision." if old.status == Quote.Status.SUPERSEDED else "."),
            code="quote_not_revisable",
        )
    carried = {
        name: getattr(old, name)
        for name in (
            "organisation",
            "seller",
            "build",
            "number",
            "year",
            "currency",
            "line_discounts",
            "discount_pct",
            "tax_rate_pct",
            "terms",
            "customer_name",
            "customer_email",
        )
    }
    new = Quote(
        **carried,
        revision=old.revision + 1,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # An expired offer's date would refuse the new revision: it gets a fresh default instead.
    if old.valid_until is not None and old.valid_until >= timezone.localdate(now):
        new.valid_until = old.valid_until
    if "line_discounts" not in fields and new.build is not None:
        # Discounts of components no longer in the build would be refused as unknown.
        in_build = {str(pk) for pk in new.build.lines.values_list("component_id", flat=True)}
        new.line_discounts = {k: v for k, v in new.line_discounts.items() if k in in_build}
    _clean_fields(new, fields)
    # Supersede first: at most one live revision per number (quote_one_live_revision).
    old.status = Quote.Status.SUPERSEDED
    old.status_changed_at = now
    old.save(update_fields=["status", "status_changed_at", "updated_at"])
    new.save()
    return _issue(new, user=user, role=role, override_reason=override_reason, now=now)


@transaction.atomic
def quote_set_status(
    *, quote: Quote, user: Any, status: str, now: datetime.datetime | None = None
) -> Quote:
    """Record the customer's answer to an issued quote: accepted or rejected."""
    if status not in (Quote.Status.ACCEPTED, Quote.Status.REJECTED):
        raise ValidationError({"status": ["Answer a quote with accepted or rejected."]})
    now = now or timezone.now()
    quote = _locked(quote)
    if not can_answer_quote(user, quote.organisation):
        raise QuoteForbidden("Only the customer or the seller may answer this quote.")
    if quote.status != Quote.Status.ISSUED:
        raise Conflict(
            f"Only an issued quote can be {status}; this one is {quote.status}.",
            code="quote_not_issued",
        )
    if quote.valid_until is not None and quote.valid_until < timezone.localdate(now):
        raise Conflict(
            f"The quote expired on {quote.valid_until:%Y-%m-%d}; ask for a new revision.",
            code="quote_expired",
        )
    quote.status = status
    quote.status_changed_at = now
    quote.save(update_fields=["status", "status_changed_at", "updated_at"])
    return quote


def quote_expire_due(*, today: datetime.date | None = None) -> int:
    """Mark issued quotes whose validity ended before `today` as expired; returns how many.

    One UPDATE: idempotent and safe to run from several schedulers at once.
    """
    today = today or timezone.localdate()
    return Quote.objects.filter(status=Quote.Status.ISSUED, valid_until__lt=today).update(
        status=Quote.Status.EXPIRED, status_changed_at=timezone.now(), updated_at=timezone.now()
    )


# --------------------------------------------------------------------------- documents


def _stale(document: RenderedDocument, now: datetime.datetime) -> bool:
    """A pending/rendering document nobody has touched for longer than any render takes."""
    seen = document.started_at or document.enqueued_at
    if seen is None:
        return True
    return (now - seen).total_seconds() > settings.DOCUMENT_RENDER_STALE_SECONDS


def _maybe_enqueue(
    document: RenderedDocument, *, created: bool, retry: bool, send: Any
) -> RenderedDocument:
    """Queue a render when none exists, a failed one is retried, or a queued one got lost."""
    now = timezone.now()
    status = document.status
    wanted = (
        created
        or (retry and status == RenderedDocument.Status.FAILED)
        or (
            status in (RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING)
            and _stale(document, now)
        )
    )
    if not wanted:
        return document
    document.status = RenderedDocument.Status.PENDING
    document.enqueued_at = now
    document.started_at = None
    if retry:
        document.error = ""
    document.save(update_fields=["status", "enqueued_at", "started_at", "error"])
    # After commit: the worker must find the pending row, and a rolled-back request must
    # not leave a task behind. Robust: a broker that is down (or an eager render that
    # crashes) is logged, never a 500; the stale check above sends the render again later.
    transaction.on_commit(send, robust=True)
    return document


@transaction.atomic
def quote_pdf_request(*, quote: Quote, retry: bool = False) -> RenderedDocument:
    """The PDF document of an issued quote revision, queueing its render when needed."""
    from configurator.tasks import render_quote_pdf

    if quote.status == Quote.Status.DRAFT:
        raise Conflict("A draft has no PDF: issue the quote first.", code="quote_not_issued")
    document, created = RenderedDocument.objects.select_for_update().get_or_create(
        quote=quote,
        defaults={"kind": RenderedDocument.Kind.QUOTE, "filename": document_filename(quote)},
    )
    quote_id = quote.pk
    return _maybe_enqueue(
        document, created=created, retry=retry, send=lambda: render_quote_pdf.delay(quote_id)
    )


@transaction.atomic
def spec_sheet_request(
    *, build: Build, revision: int | None = None, retry: bool = False
) -> RenderedDocument:
    """The spec sheet of a build revision (default: the current one), queueing its render.

    The snapshot and report are frozen into the document row now, so the sheet shows the
    revision that was asked for even if the build changes before the worker runs. A sheet of
    the current revision is the build as it evaluates now: the site and the catalogue are not
    part of the revision, so when an edit to them changes what the sheet says, a new sheet of
    the same revision is made (documents are keyed by the SHA-256 of their source). An older
    revision can no longer be snapshotted: its latest sheet, or NotFound.
    """
    from configurator.documents.pdf import spec_sheet_source
    from configurator.tasks import render_spec_sheet_pdf

    locked = (
        Build.objects.select_for_update(of=("self",))
        .select_related("site__organisation")
        .filter(pk=build.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Build not found.")
    wanted = revision or locked.revision
    created = False
    if wanted == locked.revision:
        source = spec_sheet_source(locked)
        document, created = RenderedDocument.objects.select_for_update().get_or_create(
            build=locked,
            build_revision=wanted,
            source_sha256=spec_sheet_fingerprint(source),
            defaults={
                "kind": RenderedDocument.Kind.SPEC_SHEET,
                "filename": f"build-{locked.pk}-rev{wanted}-spec-sheet.pdf",
                "source_json": source,
            },
        )
    else:
        found = (
            RenderedDocument.objects.select_for_update()
            .filter(build=locked, build_revision=wanted)
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is None:
            raise NotFound(
                f"No spec sheet of revision {wanted}; the build is at revision "
                f"{locked.revision}, the only one that can still be rendered."
            )
        document = found
    document_id = document.pk
    return _maybe_enqueue(
        document,
        created=created,
        retry=retry,
        send=lambda: render_spec_sheet_pdf.delay(document_id),
    )


def spec_sheet_fingerprint(source: dict[str, Any]) -> str:
    """SHA-256 of a spec sheet's source, leaving out when it was made."""
    content = {key: value for key, value in source.items() if key != "generated_at"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _start(document_filter: dict[str, Any]) -> RenderedDocument | None:
    """Lock the document, count the attempt and mark it rendering; None when nothing to do."""
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().filter(**document_filter).first()
        if document is None or document.status == RenderedDocument.Status.READY:
            return document
        document.status = RenderedDocument.Status.RENDERING
        document.attempts += 1
        document.started_at = timezone.now()
        document.save(update_fields=["status", "attempts", "started_at"])
        return document


def _store(document: RenderedDocument, content: bytes) -> RenderedDocument:
    """Store the bytes unless another run stored them first: one file per document, ever."""
    with transaction.atomic():
        locked = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == RenderedDocument.Status.READY:
            return locked
        locked.content = content
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.size_bytes = len(content)
        locked.status = RenderedDocument.Status.READY
        locked.error = ""
        locked.finished_at = timezone.now()
        locked.save()
        return locked


def _fail(document: RenderedDocument, exc: BaseException, *, final_attempt: bool) -> None:
    """Record a failed attempt; the last one leaves the document failed, the others pending."""
    message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    logger.warning("Rendering %s failed (attempt %s): %s", document, document.attempts, message)
    with transaction.atomic():
        locked = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == RenderedDocument.Status.READY:
            return
        locked.error = message
        locked.status = (
            RenderedDocument.Status.FAILED if final_attempt else RenderedDocument.Status.PENDING
        )
        locked.finished_at = timezone.now() if final_attempt else None
        locked.save(update_fields=["error", "status", "finished_at"])


def _render(document: RenderedDocument, make_pdf: Any, *, final_attempt: bool) -> RenderedDocument:
    try:
        content = make_pdf()
    except Exception as exc:
        # Any failure of a render (template, WeasyPrint, a font, a time limit) is retried;
        # the last attempt records it instead, so the API shows "failed" and never a 500.
        _fail(document, exc, final_attempt=final_attempt)
        if final_attempt:
            document.refresh_from_db()
            return document
        raise DocumentRenderError(str(exc)) from exc
    return _store(document, content)


def quote_pdf_render(*, quote_id: int, final_attempt: bool = True) -> RenderedDocument | None:
    """Render and store the PDF of an issued quote revision; a stored one is returned as is.

    None when the quote no longer exists or is still a draft (nothing to render).
    """
    from configurator.documents.pdf import html_to_pdf, render_quote_html

    quote = Quote.objects.select_related("organisation", "seller").filter(pk=quote_id).first()
    if quote is None or quote.status == Quote.Status.DRAFT:
        return None
    with transaction.atomic():
        RenderedDocument.objects.select_for_update().get_or_create(
            quote=quote,
            defaults={"kind": RenderedDocument.Kind.QUOTE, "filename": document_filename(quote)},
        )
    document = _start({"quote": quote})
    if document is None or document.status == RenderedDocument.Status.READY:
        return document
    return _render(
        document,
        lambda: html_to_pdf(render_quote_html(quote), base_url=str(settings.BASE_DIR)),
        final_attempt=final_attempt,
    )


def spec_sheet_render(*, document_id: int, final_attempt: bool = True) -> RenderedDocument | None:
    """Render and store a requested spec sheet; None when its request row is gone."""
    from configurator.documents.pdf import html_to_pdf, render_spec_sheet_html

    document = _start({"pk": document_id, "kind": RenderedDocument.Kind.SPEC_SHEET})
    if document is None or document.status == RenderedDocument.Status.READY:
        return document
    source = document.source_json or {}
    return _render(
        document,
        lambda: html_to_pdf(render_spec_sheet_html(source), base_url=str(settings.BASE_DIR)),
        final_attempt=final_attempt,
    )
