"""Celery tasks: take ids, call one service."""

from celery import shared_task


@shared_task(name="configurator.tasks.ping")
def ping() -> str:
    """Answer "pong": proves a worker consumes from the broker and returns results."""
    return "pong"
