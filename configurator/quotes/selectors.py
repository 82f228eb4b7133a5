"""Reads of quotes: what the request may read, drafts only for those who write quotes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from configurator.errors import NotFound
from configurator.quotes.models import Quote
from configurator.tenancy.permissions import organisations_quoting_for, organisations_visible_to

__all__ = ["CUSTOMER_VISIBLE_STATUSES", "quote_get", "quote_list"]

# Statuses a customer sees: everything the seller has sent, never its drafts.
CUSTOMER_VISIBLE_STATUSES = frozenset(set(Quote.Status.values) - {Quote.Status.DRAFT})


def quote_list(*, user: Any, auth: Any = None) -> QuerySet[Quote]:
    """Quotes the request may read, newest first.

    Quotes of visible organisations; drafts only where the caller writes quotes (a draft is
    the seller's work in progress, not an offer).
    """
    visible = organisations_visible_to(user, auth)
    quoting = organisations_quoting_for(user, auth)
    return (
        Quote.objects.filter(organisation__in=visible)
        .filter(Q(organisation__in=quoting) | Q(status__in=CUSTOMER_VISIBLE_STATUSES))
        .select_related(
            "organisation", "seller", "build__site", "created_by", "issued_by", "overridden_by"
        )
        .order_by("-created_at", "-pk")
    )


def quote_get(*, pk: int, user: Any, auth: Any = None) -> Quote:
    """One readable quote; NotFound when it does not exist or the caller may not read it."""
    quote = quote_list(user=user, auth=auth).filter(pk=pk).first()
    if quote is None:
        raise NotFound("Quote not found.")
    return quote
