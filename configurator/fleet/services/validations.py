"""Fleet validation jobs: start, run a chunk, cancel, resume after a lost worker.

Signatures (keyword-only):

- fleet_validation_start(*, organisation, builds, selection, user, reason, change)
  -> (FleetValidation, created)                the same active selection answers its job
- fleet_validation_cancel(*, job) -> FleetValidation
- fleet_validation_chunk_run(*, job_id, chunk) -> dict | None       the Celery task's body
- fleet_validations_resume(*, job=None, now=None) -> int            re-sends stalled chunks

How a job holds together:

- Starting writes the job and one item per build (`chunk` = its position // chunk size) in one
  transaction and, at commit, queues one task per chunk by name (services never import tasks).
- A chunk task locks its pending items with SKIP LOCKED: a duplicate delivery, or a second
  worker on the same chunk, finds nothing to do. The builds' reports are made current by the
  report cache (`build_reports_refresh`: batched snapshot, only stale builds evaluated, report
  rows locked so overlapping jobs never evaluate a build twice); items, counters and reports
  commit together. A worker killed mid-chunk commits nothing: the items stay pending.
- Tasks are acknowledged late, so a chunk whose worker died is delivered again once the
  broker gives it back; and a job that made no progress for FLEET_VALIDATION_STALL_SECONDS
  has its pending chunks sent again by `fleet_validations_resume` (celery beat, and every
  status read), so a lost message never leaves a job running forever.
- Cancelling marks pending items cancelled; a chunk already running finishes.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from catalog.models import Component
from catalog.selectors import component_to_engine
from configurator.builds.models import Build, BuildReport
from configurator.builds.services.reports import build_reports_refresh, verdict_of
from configurator.fleet.models import CatalogueChange, FleetValidation, FleetValidationItem
from configurator.tenancy.models import Organisation
from rules.model import BuildSpec
from rules.specs import ComponentSpec

__all__ = [
    "FLEET_VALIDATE_CHUNK_TASK",
    "FLEET_VALIDATIONS_RESUME_TASK",
    "MAX_BUILDS_PER_JOB",
    "fleet_validation_cancel",
    "fleet_validation_chunk_run",
    "fleet_validation_start",
    "fleet_validations_resume",
]

logger = logging.getLogger(__name__)

# Registered names of the tasks (configurator/fleet/tasks.py); stable across moves.
FLEET_VALIDATE_CHUNK_TASK = "configurator.tasks.fleet_validate_chunk"
FLEET_VALIDATIONS_RESUME_TASK = "configurator.tasks.fleet_validations_resume"
MAX_BUILDS_PER_JOB = 100_000
# New findings kept per item of a catalogue-change job (the codes say the rest).
MAX_NEW_FINDINGS = 5

Status = FleetValidation.Status
Item = FleetValidationItem
Verdict = BuildReport.Verdict


def _send_chunk(job_id: int, chunk: int) -> None:
    """Queue one chunk by the task's registered name, on the fleet queue when one is set."""
    queue = settings.FLEET_VALIDATION_QUEUE or None
    current_app.tasks[FLEET_VALIDATE_CHUNK_TASK].apply_async((job_id, chunk), queue=queue)


def _send_chunks(job_id: int, chunks: Iterable[int]) -> None:
    for chunk in chunks:
        _send_chunk(job_id, chunk)


def _selection_key(reason: str, change: CatalogueChange | None, ids: Sequence[int]) -> str:
    digest = hashlib.sha256(f"{reason}:{change.pk if change else ''}:".encode())
    digest.update(",".join(map(str, ids)).encode())
    return digest.hexdigest()


def _active(organisation: Organisation, key: str) -> FleetValidation | None:
    return FleetValidation.objects.filter(
        organisation=organisation, selection_key=key, status__in=FleetValidation.ACTIVE
    ).first()


def fleet_validation_start(
    *,
    organisation: Organisation,
    builds: QuerySet[Build],
    selection: dict[str, Any] | None = None,
    user: Any = None,
    reason: str = FleetValidation.Reason.REQUESTED,
    change: CatalogueChange | None = None,
) -> tuple[FleetValidation, bool]:
    """Validate the organisation's builds among `builds`, in chunks on Celery.

    Returns the job and whether it is new: a queued or running job of the same organisation
    over the same builds (same reason and change) is answered instead of doubling the work.
    Archived builds are left out.
    """
    ids = list(
        builds.filter(site__organisation=organisation)
        .exclude(status=Build.Status.ARCHIVED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    if not ids:
        raise ValidationError({"builds": ["The selection holds no build to validate."]})
    if len(ids) > MAX_BUILDS_PER_JOB:
        raise ValidationError(
            {"builds": [f"At most {MAX_BUILDS_PER_JOB} builds per job; narrow the selection."]}
        )
    key = _selection_key(reason, change, ids)
    existing = _active(organisation, key)
    if existing is not None:
        return existing, False
    size = max(1, int(settings.FLEET_VALIDATION_CHUNK_SIZE))
    chunks = (len(ids) + size - 1) // size
    try:
        with transaction.atomic():
            job = FleetValidation.objects.create(
                organisation=organisation,
                requested_by=user if getattr(user, "is_authenticated", False) else None,
                reason=reason,
                change=change,
                selection=selection or {},
                selection_key=key,
                chunk_size=size,
                chunks=chunks,
                total=len(ids),
                progressed_at=timezone.now(),
            )
            FleetValidationItem.objects.bulk_create(
                [Item(job=job, build_id=pk, chunk=n // size) for n, pk in enumerate(ids)],
                batch_size=5000,
            )
    except IntegrityError:
        # Another request started the same selection between our check and our insert.
        existing = _active(organisation, key)
        if existing is None:
            raise
        return existing, False
    job_id = job.pk
    transaction.on_commit(lambda: _send_chunks(job_id, range(chunks)), robust=True)
    return job, True


def fleet_validation_cancel(*, job: FleetValidation) -> FleetValidation:
    """Stop a queued or running job: its pending builds are not validated; done ones stay."""
    with transaction.atomic():
        # Items first: a chunk that is running holds its items and then updates the job row;
        # taking the job row first would wait on it while it waits on us.
        cancelled = Item.objects.filter(job_id=job.pk, status=Item.Status.PENDING).update(
            status=Item.Status.CANCELLED, finished_at=timezone.now()
        )
        FleetValidation.objects.filter(pk=job.pk, status__in=FleetValidation.ACTIVE).update(
            status=Status.CANCELLED, finished_at=timezone.now()
        )
    job.refresh_from_db()
    logger.info("Cancelled %s (%d builds not validated)", job, cancelled)
    return job


def _before_change(change: CatalogueChange) -> Callable[[BuildSpec], BuildSpec | None]:
    """Map a build's spec to the spec it had before `change` (None if it does not use it)."""
    component = Component.objects.select_related("manufacturer").get(pk=change.component_id)
    old = Component(**{**change.before, "pk": component.pk, "manufacturer": component.manufacturer})
    old_spec: ComponentSpec = component_to_engine(old)
    ref = str(component.pk)

    def before(spec: BuildSpec) -> BuildSpec | None:
        racks = tuple(
            r.model_copy(update={"component": old_spec}) if r.component.ref == ref else r
            for r in spec.racks
        )
        items = tuple(
            i.model_copy(update={"component": old_spec}) if i.component.ref == ref else i
            for i in spec.items
        )
        if racks == spec.racks and items == spec.items:
            return None
        return spec.model_copy(update={"racks": racks, "items": items})

    return before


def fleet_validation_chunk_run(*, job_id: int, chunk: int) -> dict[str, Any] | None:
    """Validate one chunk of a job; None when there is nothing (left) to do."""
    with transaction.atomic():
        items = list(
            Item.objects.select_for_update(skip_locked=True)
            .filter(job_id=job_id, chunk=chunk, status=Item.Status.PENDING)
            .order_by("pk")
        )
        if not items:
            return None
        job = FleetValidation.objects.select_related("change").get(pk=job_id)
        now = timezone.now()
        if job.status == Status.CANCELLED:
            Item.objects.filter(pk__in=[i.pk for i in items]).update(
                status=Item.Status.CANCELLED, finished_at=now
            )
            return {"job": job_id, "chunk": chunk, "cancelled": len(items)}
        if job.status == Status.QUEUED:
            FleetValidation.objects.filter(pk=job_id, status=Status.QUEUED).update(
                status=Status.RUNNING, started_at=now
            )
        builds = Build.objects.filter(
            pk__in=[i.build_id for i in items if i.build_id is not None],
            site__organisation_id=job.organisation_id,
        ).select_related("site__organisation")
        before = _before_change(job.change) if job.change is not None else None
        results = {r.build.pk: r for r in build_reports_refresh(builds=list(builds), before=before)}
        counts = dict.fromkeys(
            ("validated", "reused", "missing", "errored", "passed", "warned", "failed"), 0
        )
        for item in items:
            result = results.get(item.build_id) if item.build_id is not None else None
            _record(item, result, counts, now)
        _save_items(items)
        FleetValidation.objects.filter(pk=job_id).update(
            done=F("done") + len(items),
            progressed_at=now,
            **{name: F(name) + value for name, value in counts.items() if value},
        )
    _finish_if_done(job_id)
    return {"job": job_id, "chunk": chunk, "builds": len(items), **counts}


_ITEM_FIELDS = (
    "status",
    "outcome",
    "fingerprint",
    "verdict",
    "worst",
    "before_verdict",
    "new_findings",
    "error",
    "finished_at",
)


def _save_items(items: Sequence[FleetValidationItem]) -> None:
    """Write the items' outcomes: one UPDATE by primary key, sent once per item in a batch.

    Not bulk_update: it builds a CASE per field per row, which for a hundred rows cost as much
    as the engine; `executemany` pipelines one plain statement instead.
    """
    concrete = {field.name: field for field in Item._meta.concrete_fields}
    fields = [concrete[name] for name in _ITEM_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Every name comes from the model's own metadata, quoted; the values are parameters.
    sql = (
        f"UPDATE {quote(Item._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(Item._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields]
        + [item.pk]
        for item in items
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _record(item: Any, result: Any, counts: dict[str, int], now: datetime.datetime) -> None:
    """Fill an item from what the report cache did with its build."""
    item.status = Item.Status.DONE
    item.finished_at = now
    if result is None:
        item.outcome = Item.Outcome.MISSING
        counts["missing"] += 1
        return
    if result.stored is None:
        item.outcome = Item.Outcome.ERROR
        item.error = result.error[:2000]
        counts["errored"] += 1
        return
    stored = result.stored
    item.outcome = Item.Outcome.VALIDATED if stored.evaluated else Item.Outcome.REUSED
    counts["validated" if stored.evaluated else "reused"] += 1
    item.fingerprint = stored.fingerprint
    item.verdict = stored.verdict
    item.worst = stored.worst
    counts[
        {Verdict.PASS: "passed", Verdict.WARNING: "warned", Verdict.FAIL: "failed"}[stored.verdict]
    ] += 1
    if result.before is not None:
        item.before_verdict = verdict_of(result.before)
        known = {(f.code, f.severity) for f in result.before.findings}
        after = stored.report.findings
        item.new_findings = [
            f.model_dump(mode="json", include={"code", "severity", "message"})
            for f in after
            if (f.code, f.severity) not in known
        ][:MAX_NEW_FINDINGS]


def _finish_if_done(job_id: int) -> bool:
    """Mark the job done once no item is pending (one statement; safe to repeat)."""
    pending = Item.objects.filter(job_id=OuterRef("pk"), status=Item.Status.PENDING)
    return bool(
        FleetValidation.objects.filter(pk=job_id, status__in=FleetValidation.ACTIVE)
        .exclude(Exists(pending))
        .update(status=Status.DONE, finished_at=timezone.now())
    )


def fleet_validations_resume(
    *, job: FleetValidation | None = None, now: datetime.datetime | None = None
) -> int:
    """Send again the pending chunks of jobs that made no progress for a while.

    A job whose chunks all finished but that missed its last step is marked done. Returns how
    many chunks were sent. Called by celery beat for every job, and by status reads for theirs.
    """
    now = now or timezone.now()
    stalled_before = now - datetime.timedelta(seconds=settings.FLEET_VALIDATION_STALL_SECONDS)
    jobs = FleetValidation.objects.filter(
        status__in=FleetValidation.ACTIVE, progressed_at__lt=stalled_before
    )
    if job is not None:
        jobs = jobs.filter(pk=job.pk)
    sent = 0
    for stalled in jobs.order_by("pk"):
        if _finish_if_done(stalled.pk):
            continue
        # Claim the resend: only one caller (of many polling the status) sends it.
        claimed = FleetValidation.objects.filter(
            pk=stalled.pk, progressed_at=stalled.progressed_at
        ).update(progressed_at=now)
        if not claimed:
            continue
        chunks = sorted(
            set(
                Item.objects.filter(job_id=stalled.pk, status=Item.Status.PENDING).values_list(
                    "chunk", flat=True
                )
            )
        )
        logger.warning("Re-sending %d stalled chunk(s) of %s", len(chunks), stalled)
        job_id = stalled.pk
        transaction.on_commit(partial(_send_chunks, job_id, chunks), robust=True)
        sent += len(chunks)
    return sent
