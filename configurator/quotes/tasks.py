"""Celery tasks of quotes: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from configurator.quotes import services


# The name predates this module; it stays so celery beat's schedule (settings) keeps working.
@shared_task(name="configurator.tasks.expire_due_quotes")
def expire_due_quotes() -> int:
    """Expire issued quotes past their validity (celery beat, daily); returns how many."""
    return services.quote_expire_due()
