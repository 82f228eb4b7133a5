"""Concurrent issuing on PostgreSQL: every quote gets its own number, none is skipped.

Each issuer runs on its own thread, connection and transaction; they meet at a barrier just
before taking a number, so the per-year counter row's lock (SELECT ... FOR UPDATE) alone
decides the order. Runs when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from configurator.builds.services import builds as build_services
from configurator.quotes import services as quote_services
from tests.api import World, make_world, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ISSUERS = 6


@pytest.fixture
def world() -> World:
    """Contoso's build, committed so other connections see it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): row locks are what is under test")
    return make_world()


def test_concurrent_issues_take_consecutive_numbers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six quotes issued at once are numbered 0001-0006 of the year, each exactly once."""
    seller = member("sales_engineer", world.acme)
    # One build per quote: issuing locks its build, and one shared build would serialise
    # the issuers before they ever reach the counter.
    drafts = [
        quote_services.quote_create(
            build=build_services.build_clone(build=world.build, user=seller),
            user=seller,
            customer_name="Dana",
            customer_email="dana@example.test",
        )
        for _ in range(ISSUERS)
    ]
    barrier = threading.Barrier(ISSUERS, timeout=30)
    original = quote_services._next_number

    def next_number(year: int) -> tuple[str, int]:
        barrier.wait()
        return original(year)

    monkeypatch.setattr(quote_services, "_next_number", next_number)
    results: list[Any] = [None] * ISSUERS

    def issue(index: int) -> None:
        try:
            results[index] = quote_services.quote_issue(quote=drafts[index], user=seller).number
        except Exception as exc:  # reported by the assertion below, not a hang
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an issuer hung"
    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    assert sorted(results) == [f"Q-{year}-{n:04d}" for n in range(1, ISSUERS + 1)]
