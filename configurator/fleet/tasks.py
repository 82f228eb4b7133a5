"""Celery tasks of fleets: take ids, call one service.

A chunk is acknowledged late and rejected back to the broker if its worker dies, so another
worker runs it; the service makes a second run harmless (pending items locked with SKIP
LOCKED, reports made current under their fingerprints). Database errors (a deadlock victim,
a dropped connection) are retried with backoff. The services queue these by name.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from configurator.fleet.services import changes, validations

CHUNK_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name=validations.FLEET_VALIDATE_CHUNK_TASK, **CHUNK_TASK_OPTIONS)
def fleet_validate_chunk(job_id: int, chunk: int) -> dict[str, Any] | None:
    """Validate one chunk of a fleet validation; None when nothing was left to do."""
    return validations.fleet_validation_chunk_run(job_id=job_id, chunk=chunk)


@shared_task(name=validations.FLEET_VALIDATIONS_RESUME_TASK)
def fleet_validations_resume() -> int:
    """Send again the chunks of jobs that stalled (a lost worker or message): celery beat."""
    return validations.fleet_validations_resume()


@shared_task(name=changes.CATALOGUE_CHANGE_REVALIDATE_TASK, **CHUNK_TASK_OPTIONS)
def catalogue_change_revalidate(change_id: int) -> list[int]:
    """Start the fleet jobs that judge a catalogue change; returns their ids."""
    return [job.pk for job in changes.catalogue_change_revalidate(change_id=change_id)]
