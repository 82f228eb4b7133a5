"""A real Celery worker consumes from Redis and returns results (run by .ci/run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from configurator.celery import app, ping

pytestmark = pytest.mark.integration


@pytest.fixture
def real_broker() -> Iterator[None]:
    """Send tasks to the broker instead of running them in-process (the test default)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_ping_round_trips_through_the_worker(real_broker) -> None:
    """`ping.delay()` is executed by the worker and its result comes back via Redis."""
    result = ping.delay()
    assert result.get(timeout=60) == "pong"
    assert result.successful()
