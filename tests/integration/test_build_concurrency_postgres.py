"""Concurrent editors on PostgreSQL: with the same If-Match exactly one write wins.

Each editor runs in its own thread, so on its own database connection and transaction; the
services lock the build row (SELECT ... FOR UPDATE) and re-check the revision, which only a
real database with row locks can show. Runs when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from configurator.builds.models import Build, BuildLine
from configurator.builds.services import guards
from tests.api import API, World, make_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

Call = Callable[[], Any]


@pytest.fixture
def world() -> World:
    """Contoso's build, committed so other connections see it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): row locks are what is under test")
    return make_world()


@pytest.fixture
def meet_at_lock(monkeypatch: pytest.MonkeyPatch) -> threading.Barrier:
    """Make both writers pass the view's If-Match check before either takes the row lock.

    Without this the first request may finish before the second starts, and the second is
    refused by the view's early check; here the database lock alone must decide.
    """
    barrier = threading.Barrier(2, timeout=20)
    original = guards.lock

    def lock(build: Build, expected_revision: int | None) -> Build:
        barrier.wait()
        return original(build, expected_revision)

    monkeypatch.setattr(guards, "lock", lock)
    return barrier


def race(*calls: Call) -> list[Any]:
    """Run the calls at the same time, each on its own thread and connection."""
    start = threading.Barrier(len(calls), timeout=20)
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Call) -> None:
        try:
            start.wait()
            results[index] = call()
        except Exception as exc:  # a crash is a result the test reports, not a hang
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def statuses(results: list[Any]) -> list[int]:
    assert not [r for r in results if isinstance(r, Exception)], results
    return sorted(response.status_code for response in results)


def test_same_if_match_on_the_build_exactly_one_wins(
    world: World, meet_at_lock: threading.Barrier
) -> None:
    """Two PATCHes of the build with If-Match "1": one 200, one 412, one change stored."""
    alice, bob = world.client("customer"), world.client("sales_engineer")
    url = f"{API}/builds/{world.build.pk}/"
    results = race(
        lambda: alice.patch(url, {"name": "Alice's"}, format="json", HTTP_IF_MATCH='"1"'),
        lambda: bob.patch(url, {"name": "Bob's"}, format="json", HTTP_IF_MATCH='"1"'),
    )
    assert statuses(results) == [200, 412]
    winner = next(r for r in results if r.status_code == 200)
    assert winner["ETag"] == '"2"'
    build = Build.objects.get(pk=world.build.pk)
    assert build.revision == 2
    assert build.name == winner.json()["name"]


def test_same_if_match_on_two_lines_exactly_one_wins(
    world: World, meet_at_lock: threading.Barrier
) -> None:
    """Editors moving different lines from the same revision: the second must reload."""
    alice, bob = world.client("customer"), world.client("admin")
    lines = f"{API}/builds/{world.build.pk}/lines/"
    results = race(
        lambda: alice.patch(
            f"{lines}{world.server.pk}/", {"note": "A"}, format="json", HTTP_IF_MATCH='"1"'
        ),
        lambda: bob.patch(
            f"{lines}{world.ups.pk}/", {"note": "B"}, format="json", HTTP_IF_MATCH='"1"'
        ),
    )
    assert statuses(results) == [200, 412]
    notes = set(BuildLine.objects.filter(build=world.build).values_list("note", flat=True))
    assert notes in ({"", "A"}, {"", "B"})
    assert Build.objects.get(pk=world.build.pk).revision == 2


def test_without_if_match_writes_serialise(world: World, meet_at_lock: threading.Barrier) -> None:
    """Writes without If-Match both apply, one after the other, never as a lost bump."""
    alice, bob = world.client("customer"), world.client("admin")
    lines = f"{API}/builds/{world.build.pk}/lines/"
    results = race(
        lambda: alice.patch(f"{lines}{world.server.pk}/", {"note": "A"}, format="json"),
        lambda: bob.patch(f"{lines}{world.ups.pk}/", {"note": "B"}, format="json"),
    )
    assert statuses(results) == [200, 200]
    assert sorted(r["ETag"] for r in results) == ['"2"', '"3"']
    assert Build.objects.get(pk=world.build.pk).revision == 3


@pytest.mark.parametrize("round_", range(5))
def test_free_race_never_loses_an_update(world: World, round_: int) -> None:
    """Unsynchronised racers with the same If-Match: still exactly one winner, every time."""
    clients = [world.client("customer"), world.client("admin"), world.client("sales_engineer")]
    url = f"{API}/builds/{world.build.pk}/"
    results = race(
        *(
            (
                lambda c=client, n=n: c.patch(
                    url, {"name": f"r{n}"}, format="json", HTTP_IF_MATCH='"1"'
                )
            )
            for n, client in enumerate(clients)
        )
    )
    assert statuses(results) == [200, 412, 412]
    assert Build.objects.get(pk=world.build.pk).revision == 2
