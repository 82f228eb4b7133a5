"""Writes of quotes: every change to a quote goes through here.

Signatures (keyword-only):

- quote_create(*, build, user, **fields) -> Quote                    a draft of the build
- quote_update(*, quote, user, **fields) -> Quote                    drafts only
- quote_issue(*, quote, user, override_reason="", now=None) -> Quote  freeze, number, total
- quote_revise(*, quote, user, override_reason="", now=None, **fields) -> Quote
- quote_set_status(*, quote, user, status, now=None) -> Quote        accepted / rejected
- quote_expire_due(*, today=None) -> int                             periodic (celery beat)

`fields` of create/update/revise: customer_name, customer_email, valid_until, line_discounts,
discount_pct, tax_rate_pct, terms. Their PDFs are documents (configurator.documents.services).
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
from configurator.quotes.models import Quote, QuoteNumberSequence
from configurator.quotes.pricing import apply_line_discounts, quote_totals
from configurator.quotes.validation import (
    QuoteForbidden,
    check_discount_limit,
    clean_fields,
    issuer_role,
)
from configurator.tenancy.permissions import can_answer_quote

__all__ = [
    "DEFAULT_TERMS",
    "REVISABLE_STATUSES",
    "format_quote_number",
    "quote_create",
    "quote_expire_due",
    "quote_issue",
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
    role = issuer_role(user, quote)
    clean_fields(quote, fields)
    check_discount_limit(role, quote)
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
    check_discount_limit(role, quote, totals)

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
