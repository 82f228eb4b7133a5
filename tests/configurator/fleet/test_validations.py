"""Fleet validation jobs: chunked, idempotent, resumable, cancellable, never doubled."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

import rules
from configurator.builds.fingerprints import build_fingerprint
from configurator.builds.models import Build, BuildReport
from configurator.builds.selectors import snapshot_rows
from configurator.fleet.models import FleetValidation, FleetValidationItem
from configurator.fleet.services import standards
from configurator.fleet.services import validations as services
from rules.model import Report
from tests.configurator.fleet.conftest import Fleet, make_fleet

pytestmark = pytest.mark.django_db

Item = FleetValidationItem


class EngineRuns:
    """Counts the engine's evaluations."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = rules.evaluate

        def counting(spec: Any) -> Report:
            self.count += 1
            return real(spec)

        monkeypatch.setattr(rules, "evaluate", counting)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> EngineRuns:
    return EngineRuns(monkeypatch)


@pytest.fixture
def rolled_out(db: None) -> Fleet:
    """Ten sites with the standard applied (the last site underpowered)."""
    fleet = make_fleet(site_count=10)
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    standards.standard_apply(standard=standard, sites=fleet.sites, user=None)
    return fleet


def fleet_builds(fleet: Fleet) -> Any:
    return Build.objects.filter(site__organisation=fleet.contoso, standard_link__isnull=False)


def start(fleet: Fleet, **kwargs: Any) -> tuple[FleetValidation, bool]:
    return services.fleet_validation_start(
        organisation=fleet.contoso, builds=fleet_builds(fleet), **kwargs
    )


def current_fingerprint(build: Build) -> str:
    build = Build.objects.select_related("site__organisation").get(pk=build.pk)
    return build_fingerprint(build, snapshot_rows([build])[build.pk])


@override_settings(FLEET_VALIDATION_CHUNK_SIZE=3)
def test_job_validates_every_build_in_chunks(
    rolled_out: Fleet, django_capture_on_commit_callbacks: Callable[..., Any], engine: EngineRuns
) -> None:
    """Ten builds in four chunks of three: every build validated once, counts add up, each
    build's report stored under its current fingerprint."""
    with django_capture_on_commit_callbacks(execute=True):
        job, created = start(rolled_out)
    job.refresh_from_db()
    assert created
    assert (job.chunks, job.total, job.done, job.validated, job.reused) == (4, 10, 10, 10, 0)
    assert job.status == FleetValidation.Status.DONE
    assert (job.passed + job.warned, job.failed) == (9, 1)
    assert engine.count == 10
    items = list(Item.objects.filter(job=job).select_related("build"))
    assert {i.outcome for i in items} == {Item.Outcome.VALIDATED}
    for item in items:
        assert item.fingerprint == current_fingerprint(item.build)
        assert BuildReport.objects.get(build=item.build).fingerprint == item.fingerprint


def test_same_selection_while_active_answers_the_running_job(rolled_out: Fleet) -> None:
    """Starting the same selection twice before it runs gives one job, not two."""
    first, created = start(rolled_out)
    second, created_again = start(rolled_out)
    assert created
    assert not created_again
    assert second.pk == first.pk
    assert FleetValidation.objects.count() == 1


def test_second_job_reuses_current_reports(
    rolled_out: Fleet, django_capture_on_commit_callbacks: Callable[..., Any], engine: EngineRuns
) -> None:
    """A later job over the same builds runs the engine only for builds that changed."""
    with django_capture_on_commit_callbacks(execute=True):
        start(rolled_out)
    Build.objects.filter(pk=fleet_builds(rolled_out).first().pk).update(name="Changed")
    engine.count = 0
    with django_capture_on_commit_callbacks(execute=True):
        job, created = start(rolled_out)
    job.refresh_from_db()
    assert created
    assert (job.validated, job.reused, job.done) == (1, 9, 10)
    assert engine.count == 1


@pytest.mark.parametrize("chunk_size", [2, 8])
def test_chunk_costs_constant_queries_with_three_for_the_snapshot(
    rolled_out: Fleet, chunk_size: int
) -> None:
    """A chunk's queries do not grow with its builds; its snapshot is three: the builds with
    their sites, their lines, their components."""
    with override_settings(FLEET_VALIDATION_CHUNK_SIZE=chunk_size):
        job, _ = start(rolled_out)
    with CaptureQueriesContext(connection) as queries:
        services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    sql = [q["sql"] for q in queries.captured_queries]
    snapshot = [
        s
        for s in sql
        if s.startswith("SELECT")
        and (
            'FROM "configurator_buildline"' in s
            or 'FROM "catalog_component"' in s
            or s.startswith('SELECT "configurator_build"."id"')
        )
    ]
    assert len(snapshot) == 3, snapshot
    assert len(sql) == 14, sql


def test_chunk_run_twice_does_the_work_once(rolled_out: Fleet, engine: EngineRuns) -> None:
    """A chunk delivered twice (a retry, a redelivery) finds nothing left the second time."""
    job, _ = start(rolled_out)
    first = services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    again = services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    assert first is not None
    assert again is None
    job.refresh_from_db()
    assert job.done == job.validated == 10
    assert engine.count == 10


def test_worker_dying_mid_chunk_leaves_it_pending_and_a_rerun_counts_once(
    rolled_out: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk that fails half way commits nothing: items stay pending, counters unchanged,
    no report stored; the re-run then validates every build exactly once."""
    job, _ = start(rolled_out)
    real = rules.evaluate
    calls = {"n": 0}

    def dies_on_fifth(spec: Any) -> Report:
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")  # not an Exception: the chunk cannot catch it
        return real(spec)

    monkeypatch.setattr(rules, "evaluate", dies_on_fifth)
    with pytest.raises(SystemExit):
        services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    job.refresh_from_db()
    assert job.done == 0
    assert Item.objects.filter(job=job, status=Item.Status.PENDING).count() == 10
    assert not BuildReport.objects.exclude(fingerprint="").exists()
    services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    job.refresh_from_db()
    assert (job.done, job.validated, job.status) == (10, 10, FleetValidation.Status.DONE)


@override_settings(FLEET_VALIDATION_CHUNK_SIZE=4)
def test_cancel_stops_pending_chunks(rolled_out: Fleet) -> None:
    """Cancelling keeps what is done, cancels what is pending; later chunks do nothing."""
    job, _ = start(rolled_out)
    services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    services.fleet_validation_cancel(job=job)
    assert services.fleet_validation_chunk_run(job_id=job.pk, chunk=1) is None
    job.refresh_from_db()
    assert (job.status, job.done) == (FleetValidation.Status.CANCELLED, 4)
    assert Item.objects.filter(job=job, status=Item.Status.CANCELLED).count() == 6
    # A cancelled selection may be started again; it reuses what was done.
    again, created = start(rolled_out)
    assert created
    assert again.pk != job.pk


@override_settings(FLEET_VALIDATION_CHUNK_SIZE=4, FLEET_VALIDATION_STALL_SECONDS=60)
def test_stalled_job_is_resumed_once(
    rolled_out: Fleet,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A job whose messages were lost is sent again after the stall time, by one caller."""
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(services, "_send_chunk", lambda job_id, chunk: sent.append((job_id, chunk)))
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = start(rolled_out)
    sent.clear()  # the first sending was "lost"
    services.fleet_validation_chunk_run(job_id=job.pk, chunk=1)
    assert services.fleet_validations_resume() == 0  # progress was just made
    later = timezone.now() + datetime.timedelta(seconds=120)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.fleet_validations_resume(now=later) == 2
        assert services.fleet_validations_resume(now=later) == 0  # claimed already
    assert sent == [(job.pk, 0), (job.pk, 2)]
    for _, chunk in sent:
        services.fleet_validation_chunk_run(job_id=job.pk, chunk=chunk)
    job.refresh_from_db()
    assert (job.status, job.done, job.validated) == (FleetValidation.Status.DONE, 10, 10)


def test_deleted_build_is_missing_not_an_error(rolled_out: Fleet) -> None:
    """A build deleted after the start is counted missing; the job still finishes."""
    job, _ = start(rolled_out)
    fleet_builds(rolled_out).first().delete()
    services.fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    job.refresh_from_db()
    assert (job.done, job.validated, job.missing, job.status) == (10, 9, 1, "done")


def test_empty_selection_is_refused(rolled_out: Fleet) -> None:
    """No build to validate is bad input, not an empty job."""
    with pytest.raises(ValidationError):
        services.fleet_validation_start(
            organisation=rolled_out.acme, builds=fleet_builds(rolled_out)
        )
