"""Reads of quotes: what the request may read, drafts only for those who write quotes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from configurator.builds.bom import Bom
from configurator.builds.selectors import build_bom
from configurator.errors import NotFound
from configurator.quotes.models import Quote, QuoteRequest
from configurator.quotes.pricing import QuoteTotals, apply_line_discounts, quote_totals
from configurator.tenancy.permissions import organisations_quoting_for, organisations_visible_to

__all__ = [
    "CUSTOMER_VISIBLE_STATUSES",
    "quote_get",
    "quote_list",
    "quote_preview",
    "quote_request_get",
    "quote_request_list",
    "quote_requests_to_answer",
]

# Statuses a customer sees: everything the seller has sent, never its drafts.
CUSTOMER_VISIBLE_STATUSES = frozenset(set(Quote.Status.values) - {Quote.Status.DRAFT})


def quote_list(*, user: Any, auth: Any = None) -> QuerySet[Quote]:
    """Quotes the request may read, newest first.

    Quotes of visible organisations, and those offered to a visible organisation (a seller's
    own build quoted to its customer); drafts only where the caller writes quotes (a draft is
    the seller's work in progress, not an offer).
    """
    visible = organisations_visible_to(user, auth)
    quoting = organisations_quoting_for(user, auth)
    return (
        Quote.objects.filter(
            Q(organisation__in=visible)
            | Q(customer_organisation__in=visible, status__in=CUSTOMER_VISIBLE_STATUSES)
        )
        .filter(Q(organisation__in=quoting) | Q(status__in=CUSTOMER_VISIBLE_STATUSES))
        .select_related(
            "organisation",
            "customer_organisation",
            "seller",
            "build__site",
            "created_by",
            "issued_by",
            "overridden_by",
            "answered_by",
        )
        .order_by("-created_at", "-pk")
    )


def quote_get(*, pk: int, user: Any, auth: Any = None) -> Quote:
    """One readable quote; NotFound when it does not exist or the caller may not read it."""
    quote = quote_list(user=user, auth=auth).filter(pk=pk).first()
    if quote is None:
        raise NotFound("Quote not found.")
    return quote


def quote_request_list(
    *, user: Any, auth: Any = None, status: str | None = None
) -> QuerySet[QuoteRequest]:
    """Quote requests of the organisations the request may act on, newest first."""
    requests = QuoteRequest.objects.filter(
        organisation__in=organisations_visible_to(user, auth)
    ).select_related("organisation", "build__site", "requested_by", "quote")
    if status is not None:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def quote_request_get(*, pk: int, user: Any, auth: Any = None) -> QuoteRequest:
    """One quote request the caller may read; NotFound otherwise."""
    found = quote_request_list(user=user, auth=auth).filter(pk=pk).first()
    if found is None:
        raise NotFound("Quote request not found.")
    return found


def quote_requests_to_answer(*, user: Any, auth: Any = None) -> QuerySet[QuoteRequest]:
    """Open requests of the organisations whose quotes the caller writes: the seller's to-do."""
    return quote_request_list(user=user, auth=auth, status=QuoteRequest.Status.OPEN).filter(
        organisation__in=organisations_quoting_for(user, auth)
    )


def quote_preview(quote: Quote) -> tuple[Bom, QuoteTotals] | None:
    """What a draft would freeze if issued now: the build's BOM priced with the draft's
    discounts, and its totals; None when the build is gone. Conflict on mixed currencies."""
    if quote.build is None:
        return None
    priced = apply_line_discounts(build_bom(quote.build, show_cost=False), quote.line_discounts)
    totals = quote_totals(priced, discount_pct=quote.discount_pct, tax_rate_pct=quote.tax_rate_pct)
    return priced, totals
