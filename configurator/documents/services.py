"""Rendered documents: requests for a quote's PDF or a build's spec sheet, and their renders.

Signatures (keyword-only):

- quote_pdf_request(*, quote, retry=False) -> RenderedDocument       202 pattern of the API
- spec_sheet_request(*, build, revision=None, retry=False) -> RenderedDocument
- quote_pdf_render / spec_sheet_render(..., final_attempt) -> RenderedDocument | None
  (called by the Celery tasks only)

A request queues its render by the task's name (`current_app.tasks[name]`), so this module
never imports the tasks module: the tasks import the services, never the other way round.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from configurator.builds.models import Build
from configurator.documents.models import RenderedDocument
from configurator.errors import Conflict, NotFound, ServiceUnavailable
from configurator.quotes.models import Quote

__all__ = [
    "RENDER_QUOTE_PDF_TASK",
    "RENDER_SPEC_SHEET_PDF_TASK",
    "DocumentRenderError",
    "document_filename",
    "quote_pdf_render",
    "quote_pdf_request",
    "spec_sheet_fingerprint",
    "spec_sheet_render",
    "spec_sheet_request",
]

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000
# Recorded when the render could not even be queued (broker down): a retryable state, not a
# failed render. Every later request tries to queue it again.
UNAVAILABLE_ERROR = (
    "Rendering is unavailable right now (the task queue cannot be reached); try again."
)
# Names the render tasks are registered under (documents/tasks.py); stable across moves.
RENDER_QUOTE_PDF_TASK = "configurator.tasks.render_quote_pdf"
RENDER_SPEC_SHEET_PDF_TASK = "configurator.tasks.render_spec_sheet_pdf"


class DocumentRenderError(Exception):
    """A render attempt failed and will be tried again (the tasks retry on this error only)."""


def document_filename(quote: Quote) -> str:
    """File name of a quote revision's PDF, e.g. ``Q-2026-0001-rev2.pdf``."""
    return f"{quote.number or f'draft-{quote.pk}'}-rev{quote.revision}.pdf"


def _send(task_name: str, *args: Any) -> None:
    """Queue the task registered as `task_name`; eager mode (no broker, tests) runs it here.

    Every process registers the tasks at start-up (ConfiguratorConfig.ready), so the name
    resolves in a web process as in a worker.
    """
    current_app.tasks[task_name].delay(*args)


def _stale(document: RenderedDocument, now: datetime.datetime) -> bool:
    """A pending/rendering document nobody has touched for longer than any render takes."""
    seen = document.started_at or document.enqueued_at
    if seen is None:
        return True
    return (now - seen).total_seconds() > settings.DOCUMENT_RENDER_STALE_SECONDS


def _maybe_enqueue(
    document: RenderedDocument, *, created: bool, retry: bool, send: Any
) -> RenderedDocument:
    """Queue a render when none exists, a failed one is retried, or a queued one got lost."""
    now = timezone.now()
    status = document.status
    wanted = (
        created
        or (
            status == RenderedDocument.Status.FAILED
            and (retry or document.error == UNAVAILABLE_ERROR)
        )
        or (
            status in (RenderedDocument.Status.PENDING, RenderedDocument.Status.RENDERING)
            and _stale(document, now)
        )
    )
    if not wanted:
        return document
    document.status = RenderedDocument.Status.PENDING
    document.enqueued_at = now
    document.started_at = None
    if retry:
        document.error = ""
    document.save(update_fields=["status", "enqueued_at", "started_at", "error"])
    # After commit: the worker must find the pending row, and a rolled-back request must
    # not leave a task behind. A broker that is down is recorded on the row (see _publish),
    # never a 500; an eager render that crashes is logged.
    transaction.on_commit(lambda: _publish(document, send), robust=True)
    return document


def _publish(document: RenderedDocument, send: Any) -> None:
    """Queue the render; when the broker is unreachable, record that at once (no polling)."""
    try:
        send()
    except DocumentRenderError:
        raise
    except Exception:
        if current_app.conf.task_always_eager:
            raise  # an eager render that crashed: on_commit(robust=True) logs it
        logger.warning("Cannot queue the render of %s: broker unreachable", document, exc_info=True)
        RenderedDocument.objects.filter(pk=document.pk).update(
            status=RenderedDocument.Status.FAILED, error=UNAVAILABLE_ERROR, enqueued_at=None
        )
        document.status = RenderedDocument.Status.FAILED
        document.error = UNAVAILABLE_ERROR


def _refuse_if_unavailable(document: RenderedDocument) -> RenderedDocument:
    """Answer 503 when the render could not be queued: the client should try again later."""
    if document.status == RenderedDocument.Status.FAILED and document.error == UNAVAILABLE_ERROR:
        raise ServiceUnavailable(UNAVAILABLE_ERROR, code="rendering_unavailable")
    return document


def quote_pdf_request(*, quote: Quote, retry: bool = False) -> RenderedDocument:
    """The PDF document of an issued quote revision, queueing its render when needed.

    Raises ServiceUnavailable (503) when the render cannot be queued (broker down).
    """
    return _refuse_if_unavailable(_quote_pdf_request(quote=quote, retry=retry))


@transaction.atomic
def _quote_pdf_request(*, quote: Quote, retry: bool) -> RenderedDocument:
    if quote.status == Quote.Status.DRAFT:
        raise Conflict("A draft has no PDF: issue the quote first.", code="quote_not_issued")
    document, created = RenderedDocument.objects.select_for_update().get_or_create(
        quote=quote,
        defaults={"kind": RenderedDocument.Kind.QUOTE, "filename": document_filename(quote)},
    )
    quote_id = quote.pk
    return _maybe_enqueue(
        document, created=created, retry=retry, send=lambda: _send(RENDER_QUOTE_PDF_TASK, quote_id)
    )


def spec_sheet_request(
    *, build: Build, revision: int | None = None, retry: bool = False
) -> RenderedDocument:
    """The spec sheet of a build revision (default: the current one), queueing its render.

    Raises ServiceUnavailable (503) when the render cannot be queued (broker down).
    """
    return _refuse_if_unavailable(_spec_sheet_request(build=build, revision=revision, retry=retry))


@transaction.atomic
def _spec_sheet_request(*, build: Build, revision: int | None, retry: bool) -> RenderedDocument:
    """The spec sheet of a build revision (default: the current one), queueing its render.

    The snapshot and report are frozen into the document row now, so the sheet shows the
    revision that was asked for even if the build changes before the worker runs. A sheet of
    the current revision is the build as it evaluates now: the site and the catalogue are not
    part of the revision, so when an edit to them changes what the sheet says, a new sheet of
    the same revision is made (documents are keyed by the SHA-256 of their source). An older
    revision can no longer be snapshotted: its latest sheet, or NotFound.
    """
    from configurator.documents.pdf import spec_sheet_source

    locked = (
        Build.objects.select_for_update(of=("self",))
        .select_related("site__organisation")
        .filter(pk=build.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Build not found.")
    wanted = revision or locked.revision
    created = False
    if wanted == locked.revision:
        source = spec_sheet_source(locked)
        document, created = RenderedDocument.objects.select_for_update().get_or_create(
            build=locked,
            build_revision=wanted,
            source_sha256=spec_sheet_fingerprint(source),
            defaults={
                "kind": RenderedDocument.Kind.SPEC_SHEET,
                "filename": f"build-{locked.pk}-rev{wanted}-spec-sheet.pdf",
                "source_json": source,
            },
        )
    else:
        found = (
            RenderedDocument.objects.select_for_update()
            .filter(build=locked, build_revision=wanted)
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is None:
            raise NotFound(
                f"No spec sheet of revision {wanted}; the build is at revision "
                f"{locked.revision}, the only one that can still be rendered."
            )
        document = found
    document_id = document.pk
    return _maybe_enqueue(
        document,
        created=created,
        retry=retry,
        send=lambda: _send(RENDER_SPEC_SHEET_PDF_TASK, document_id),
    )


def spec_sheet_fingerprint(source: dict[str, Any]) -> str:
    """SHA-256 of a spec sheet's source, leaving out when it was made."""
    content = {key: value for key, value in source.items() if key != "generated_at"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _start(document_filter: dict[str, Any]) -> RenderedDocument | None:
    """Lock the document, count the attempt and mark it rendering; None when nothing to do."""
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().filter(**document_filter).first()
        if document is None or document.status == RenderedDocument.Status.READY:
            return document
        document.status = RenderedDocument.Status.RENDERING
        document.attempts += 1
        document.started_at = timezone.now()
        document.save(update_fields=["status", "attempts", "started_at"])
        return document


def _store(document: RenderedDocument, content: bytes) -> RenderedDocument:
    """Store the bytes unless another run stored them first: one file per document, ever."""
    with transaction.atomic():
        locked = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == RenderedDocument.Status.READY:
            return locked
        locked.content = content
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.size_bytes = len(content)
        locked.status = RenderedDocument.Status.READY
        locked.error = ""
        locked.finished_at = timezone.now()
        locked.save()
        return locked


def _fail(document: RenderedDocument, exc: BaseException, *, final_attempt: bool) -> None:
    """Record a failed attempt; the last one leaves the document failed, the others pending."""
    message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    logger.warning("Rendering %s failed (attempt %s): %s", document, document.attempts, message)
    with transaction.atomic():
        locked = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == RenderedDocument.Status.READY:
            return
        locked.error = message
        locked.status = (
            RenderedDocument.Status.FAILED if final_attempt else RenderedDocument.Status.PENDING
        )
        locked.finished_at = timezone.now() if final_attempt else None
        locked.save(update_fields=["error", "status", "finished_at"])


def _render(document: RenderedDocument, make_pdf: Any, *, final_attempt: bool) -> RenderedDocument:
    try:
        content = make_pdf()
    except Exception as exc:
        # Any failure of a render (template, WeasyPrint, a font, a time limit) is retried;
        # the last attempt records it instead, so the API shows "failed" and never a 500.
        _fail(document, exc, final_attempt=final_attempt)
        if final_attempt:
            document.refresh_from_db()
            return document
        raise DocumentRenderError(str(exc)) from exc
    return _store(document, content)


def quote_pdf_render(*, quote_id: int, final_attempt: bool = True) -> RenderedDocument | None:
    """Render and store the PDF of an issued quote revision; a stored one is returned as is.

    None when the quote no longer exists or is still a draft (nothing to render).
    """
    from configurator.documents.pdf import html_to_pdf, render_quote_html

    quote = Quote.objects.select_related("organisation", "seller").filter(pk=quote_id).first()
    if quote is None or quote.status == Quote.Status.DRAFT:
        return None
    with transaction.atomic():
        RenderedDocument.objects.select_for_update().get_or_create(
            quote=quote,
            defaults={"kind": RenderedDocument.Kind.QUOTE, "filename": document_filename(quote)},
        )
    document = _start({"quote": quote})
    if document is None or document.status == RenderedDocument.Status.READY:
        return document
    # The appendix's kit comparison is worked out once and kept with the document, so a
    # retry, or a later catalogue edit, prints the same figures.
    if document.source_json is None:
        from configurator.documents.kits import quote_kit_appendix

        document.source_json = {"kits": quote_kit_appendix(quote)}
        document.save(update_fields=["source_json"])
    appendix = (document.source_json or {}).get("kits") or {}
    return _render(
        document,
        lambda: html_to_pdf(
            render_quote_html(quote, kits=appendix), base_url=str(settings.BASE_DIR)
        ),
        final_attempt=final_attempt,
    )


def spec_sheet_render(*, document_id: int, final_attempt: bool = True) -> RenderedDocument | None:
    """Render and store a requested spec sheet; None when its request row is gone."""
    from configurator.documents.pdf import html_to_pdf, render_spec_sheet_html

    document = _start({"pk": document_id, "kind": RenderedDocument.Kind.SPEC_SHEET})
    if document is None or document.status == RenderedDocument.Status.READY:
        return document
    source = document.source_json or {}
    return _render(
        document,
        lambda: html_to_pdf(render_spec_sheet_html(source), base_url=str(settings.BASE_DIR)),
        final_attempt=final_attempt,
    )
