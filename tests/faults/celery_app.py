"""Point the Celery app of this process at another broker, and back, for a fault test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from configurator.celery import app

__all__ = ["celery_pointed_at"]


def _forget_connections() -> None:
    """Drop the producer pool and the result backend the app cached for this thread."""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_pointed_at(url: str, **conf: Any) -> Iterator[None]:
    """Send tasks (not eagerly) to the broker and result backend at `url` while inside."""
    keys = ("task_always_eager", "broker_url", "result_backend", *conf)
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url, **conf)
    _forget_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_connections()
