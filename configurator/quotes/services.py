"""Writes of quotes: every change to a quote goes through here.

Signatures (keyword-only):

- quote_create(*, build, user, **fields) -> Quote                    a draft of the build
- quote_update(*, quote, user, **fields) -> Quote                    drafts only
- quote_issue(*, quote, user, override_reason="", now=None) -> Quote  freeze, number, total
- quote_revise(*, quote, user, override_reason="", now=None, **fields) -> Quote
- quote_set_status(*, quote, user, status, note="", now=None) -> Quote   accepted / rejected
- quote_expire_due(*, today=None) -> int                             periodic (celery beat)
- quote_request_create(*, build, user, message="", now=None) -> QuoteRequest   a customer asks

`fields` of create/update/revise: customer_organisation, customer_name, customer_email,
valid_until, line_discounts, discount_pct, tax_rate_pct, terms. Their PDFs are documents
(configurator.documents.services).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from configurator.builds.models import Build
from configurator.errors import BlockedByRules, Conflict, NotFound
from configurator.quotes.models import Quote, QuoteNumberSequence, QuoteRequest
from configurator.quotes.pricing import apply_line_discounts, quote_totals
from configurator.quotes.validation import (
    QuoteForbidden,
    check_discount_limit,
    clean_fields,
    issuer_role,
)
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import can_answer_quote, can_request_quote

__all__ = [
    "DEFAULT_TERMS",
    "REVISABLE_STATUSES",
    "format_quote_number",
    "quote_create",
    "quote_expire_due",
    "quote_issue",
    "quote_request_create",
    "quote_revise",
    "quote_set_status",
    "quote_update",
]

DEFAULT_TERMS = (
    "Prices exclude installation unless listed. Delivery lead times are estimates from the "
    "manufacturers' figures at the date of issue. Payment 30 days net from invoice."
)
# Statuses a new revision may replace: a live offer, or one the customer turned down or let
# lapse. An accepted quote is a contract; a superseded one has a newer revision to revise.
REVISABLE_STATUSES = frozenset({Quote.Status.ISSUED, Quote.Status.REJECTED, Quote.Status.EXPIRED})


def format_quote_number(year: int, sequence: int) -> str:
    """``Q-2026-0001``: the year and the year's counter, padded to four digits."""
    return f"Q-{year}-{sequence:04d}"


# --------------------------------------------------------------------------- drafts


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def quote_create(
    *, build: Build, user: Any, now: datetime.datetime | None = None, **fields: Any
) -> Quote:
    """A draft quote of `build` for the build's organisation; the seller is its serving one.

    The build's open quote request, if any, is answered by this draft: it links to it, and
    its requester becomes the contact unless `fields` name one.
    """
    organisation = build.site.organisation
    quote = Quote(
        organisation=organisation,
        seller=organisation.served_by or organisation,
        build=build,
        currency=build.site.currency,
        terms=DEFAULT_TERMS,
        created_by=_user_or_none(user),
    )
    role = issuer_role(user, quote)
    request = (
        QuoteRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .filter(build=build, status=QuoteRequest.Status.OPEN)
        .first()
    )
    requester = request.requested_by if request is not None else None
    if requester is not None:
        fields.setdefault("customer_name", requester.get_full_name() or requester.get_username())
        fields.setdefault("customer_email", requester.email)
    clean_fields(quote, fields)
    check_discount_limit(role, quote)
    quote.save()
    if request is not None:
        request.status = QuoteRequest.Status.QUOTED
        request.quote = quote
        request.quoted_at = now or timezone.now()
        request.save(update_fields=["status", "quote", "quoted_at"])
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
    role = issuer_role(user, quote)
    if quote.status != Quote.Status.DRAFT:
        raise Conflict(
            "An issued quote never changes: revise it to make a new revision.",
            code="quote_frozen",
        )
    clean_fields(quote, fields)
    check_discount_limit(role, quote)
    quote.save()
    return quote


# --------------------------------------------------------------------------- issue


def _next_number(year: int, seller: Organisation) -> tuple[str, int]:
    """Take `seller`'s next number of `year` with its counter row locked until commit.

    Concurrent issuers queue on the row lock (PostgreSQL) or on SQLite's single writer, so no
    two quotes get one number and no number is skipped unless its transaction rolls back.
    """
    sequence, _ = QuoteNumberSequence.objects.select_for_update().get_or_create(
        seller=seller, year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return format_quote_number(year, sequence.last_number), sequence.last_number


def _parties(build: Build, quote: Quote) -> dict[str, Any]:
    """Who sells to whom, as printed: names, addresses, VAT numbers and the seller's logo.

    Frozen at issue, so a later change of an address or logo never changes an issued quote
    (an uploaded logo file is never overwritten: a new upload gets a new name).
    """
    site = build.site
    seller, buyer = quote.seller, quote.buyer
    return {
        "seller": seller.name,
        "seller_address": seller.address,
        "seller_vat_number": seller.vat_number,
        "seller_logo": seller.logo.name if seller.logo else "",
        "customer_organisation": buyer.name,
        "customer_address": buyer.address,
        "customer_vat_number": buyer.vat_number,
        "site": site.name,
        "site_country": site.country,
        "site_organisation": site.organisation.name,
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
    from rules import evaluate

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
    if quote.buyer.pk == quote.seller_id:
        errors["customer_organisation"] = [
            f"The site belongs to the seller, {quote.seller.name}: name the customer "
            "organisation the quote is for."
        ]
    if errors:
        raise ValidationError(errors)
    # The build's row lock keeps line edits out while the snapshot is read, so the spec, the
    # BOM and the revision recorded belong together.
    build = (
        Build.objects.select_for_update(of=("self",))
        .select_related("site__organisation")
        .get(pk=quote.build.pk)
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
    check_discount_limit(role, quote, totals)

    if quote.number is None:
        quote.number, _ = _next_number(today.year, quote.seller)
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
    quote.issued_by = _user_or_none(user)
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
    role = issuer_role(user, quote)
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
    role = issuer_role(user, old)
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
            "customer_organisation",
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
    clean_fields(new, fields)
    # Supersede first: at most one live revision per number (quote_one_live_revision).
    old.status = Quote.Status.SUPERSEDED
    old.status_changed_at = now
    old.save(update_fields=["status", "status_changed_at", "updated_at"])
    new.save()
    return _issue(new, user=user, role=role, override_reason=override_reason, now=now)


MAX_NOTE_CHARS = 2000


@transaction.atomic
def quote_set_status(
    *,
    quote: Quote,
    user: Any,
    status: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Quote:
    """Record the customer's answer to an issued quote, accepted or rejected (declined),
    with who recorded it, when, and what the customer said."""
    if status not in (Quote.Status.ACCEPTED, Quote.Status.REJECTED):
        raise ValidationError({"status": ["Answer a quote with accepted or rejected."]})
    note = str(note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError({"note": [f"At most {MAX_NOTE_CHARS} characters."]})
    now = now or timezone.now()
    quote = _locked(quote)
    if not can_answer_quote(user, quote.organisation, quote.customer_organisation):
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
    quote.answered_at = now
    quote.answered_by = _user_or_none(user)
    quote.answer_note = note
    quote.save(
        update_fields=[
            "status",
            "status_changed_at",
            "answered_at",
            "answered_by",
            "answer_note",
            "updated_at",
        ]
    )
    return quote


def quote_expire_due(*, today: datetime.date | None = None) -> int:
    """Mark issued quotes whose validity ended before `today` as expired; returns how many.

    One UPDATE: idempotent and safe to run from several schedulers at once.
    """
    today = today or timezone.localdate()
    return Quote.objects.filter(status=Quote.Status.ISSUED, valid_until__lt=today).update(
        status=Quote.Status.EXPIRED, status_changed_at=timezone.now(), updated_at=timezone.now()
    )


# --------------------------------------------------------------------------- requests


@transaction.atomic
def quote_request_create(
    *, build: Build, user: Any, message: str = "", auth: Any = None
) -> QuoteRequest:
    """A customer asks its seller to quote one of its builds; one open request per build.

    The seller sees open requests on the dashboard; its first quote of the build answers it
    (quote_create).
    """
    organisation: Organisation = build.site.organisation
    if not can_request_quote(user, auth, organisation):
        raise QuoteForbidden(
            "Customers request quotes of their own organisation's builds; sellers create "
            "quotes directly."
        )
    if organisation.served_by_id is None:
        raise Conflict(
            f"No seller serves {organisation.name}, so nobody can quote this build.",
            code="no_seller",
        )
    message = str(message or "").strip()
    if len(message) > MAX_NOTE_CHARS:
        raise ValidationError({"message": [f"At most {MAX_NOTE_CHARS} characters."]})
    # The build's row lock serialises two requests of the same build (PostgreSQL).
    Build.objects.select_for_update(of=("self",)).filter(pk=build.pk).first()
    if QuoteRequest.objects.filter(build=build, status=QuoteRequest.Status.OPEN).exists():
        raise Conflict(
            "A quote of this build was already requested; the seller has been told.",
            code="quote_request_open",
        )
    return QuoteRequest.objects.create(
        organisation=organisation,
        build=build,
        requested_by=_user_or_none(user),
        message=message,
    )
