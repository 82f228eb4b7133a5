"""Celery task of the hand-off: take the push id, call one service.

Not retried: a push that failed says what it wrote and a person decides to push again
(which resumes, since every object written is found again by its key).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from configurator.handoff import services
from configurator.handoff.services import PUSH_TASK


@shared_task(name=PUSH_TASK, acks_late=True, reject_on_worker_lost=False)
def netbox_push(push_id: int) -> dict[str, Any]:
    """Run a queued NetBox push; returns its id, status and counts."""
    push = services.push_run(push_id=push_id)
    return {"id": push.pk, "status": push.status, "counts": push.counts}
