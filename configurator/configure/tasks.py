"""Celery tasks of the auto-configurator: take an id, call one service.

The services queue this task by name (``services.CONFIGURE_TASK``) and never import this
module. A job is run once: a worker that dies mid-solve leaves it ``running`` (the solver is
not resumable), and the caller asks again.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from configurator.configure import services
from configurator.configure.services import CONFIGURE_TASK


@shared_task(name=CONFIGURE_TASK)
def configure_run(job_id: int) -> dict[str, Any]:
    """Run a stored configuration job; returns its id and status."""
    job = services.configure_job_run(job_id=job_id)
    return {"id": job.pk, "status": job.status}
