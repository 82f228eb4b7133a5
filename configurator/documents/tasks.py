"""Celery tasks that render documents: take ids, call one service.

PDF renders are acknowledged late (a worker that dies mid-render leaves the message for
another), retried with exponential backoff on any render error, and idempotent: the service
stores one file per quote revision / build revision and a re-run returns the stored one.
The services queue these tasks by name and never import this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task

from configurator.documents import services
from configurator.documents.services import (
    RENDER_QUOTE_PDF_TASK,
    RENDER_SPEC_SHEET_PDF_TASK,
    DocumentRenderError,
)

# Shared by both render tasks; the last attempt records "failed" instead of raising.
RENDER_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    # With acks_late, a killed worker process would otherwise ack the message as failed.
    "reject_on_worker_lost": True,
    "autoretry_for": (DocumentRenderError,),
    "retry_backoff": 2,  # 2 s, 4 s, 8 s ...
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
}


def _with_retries(task: Any, render: Callable[[bool], Any]) -> dict[str, Any] | None:
    """Run one render attempt (`render(final_attempt)`) the way the task's mode needs.

    On a worker a failed attempt raises DocumentRenderError and Celery retries it through
    the broker with backoff (autoretry_for). Run eagerly (no broker, and the tests) Celery
    re-raises a retry to the caller while eager propagation is on, so the attempts are
    looped here instead, without the backoff sleep.
    """
    document = None
    if task.request.is_eager:
        for attempt in range(task.max_retries + 1):
            try:
                document = render(attempt == task.max_retries)
            except DocumentRenderError:
                continue
            break
    else:
        document = render(task.request.retries >= task.max_retries)
    return None if document is None else {"id": document.pk, "status": document.status}


# Explicit names (RENDER_*_TASK: "configurator.tasks.render_...") so moving this module never
# renames a task that a broker may still hold messages for.
@shared_task(name=RENDER_QUOTE_PDF_TASK, **RENDER_TASK_OPTIONS)
def render_quote_pdf(self: Any, quote_id: int) -> dict[str, Any] | None:
    """Render and store the PDF of a quote revision; returns the document's id and status."""
    return _with_retries(
        self,
        lambda final: services.quote_pdf_render(quote_id=quote_id, final_attempt=final),
    )


@shared_task(name=RENDER_SPEC_SHEET_PDF_TASK, **RENDER_TASK_OPTIONS)
def render_spec_sheet_pdf(self: Any, document_id: int) -> dict[str, Any] | None:
    """Render and store a requested spec sheet (a document row); returns id and status."""
    return _with_retries(
        self,
        lambda final: services.spec_sheet_render(document_id=document_id, final_attempt=final),
    )
