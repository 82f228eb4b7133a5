"""Fleet validation on real Celery workers consuming from Redis, on PostgreSQL (.ci/run).

- A 200-site fleet is validated by the CI worker.
- A worker killed in the middle of a job: the job still ends with every build validated
  exactly once (a second worker and the stall resume finish it).
- The report cache never serves a stale report after a site, catalogue or policy change, with
  reports written by the worker and read by the API in this process.

The workers read the rows the tests commit (`transaction=True`), so they use the test
database; see test_pdf_worker for how .ci/run arranges that.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from configurator.builds.fingerprints import build_fingerprint
from configurator.builds.models import Build, BuildReport, Site
from configurator.builds.selectors import build_snapshot, snapshot_rows
from configurator.celery import app
from configurator.fleet.models import FleetValidation, FleetValidationItem
from configurator.fleet.services import standards
from configurator.fleet.services.validations import fleet_validation_start
from rules import evaluate
from tests.api import API, member
from tests.configurator.fleet.conftest import Fleet, make_fleet
from tests.factories import UserFactory
from tests.integration.test_pdf_worker import database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 240
CRASH_QUEUE = "fleet-crash-tests"


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot see SQLite's test database")


@pytest.fixture
def real_broker() -> Iterator[None]:
    """Send tasks to Redis instead of running them in-process (the test default)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def rolled_out(site_count: int) -> Fleet:
    fleet = make_fleet(site_count=site_count)
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    standards.standard_apply(standard=standard, sites=fleet.sites, user=None)
    return fleet


def wait_for(job: FleetValidation, done: Callable[[FleetValidation], bool]) -> FleetValidation:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if done(job):
            return job
        time.sleep(0.25)
    raise AssertionError(f"timed out: {job.status} {job.done}/{job.total}")


def assert_every_report_current() -> None:
    for build in Build.objects.select_related("site__organisation"):
        fingerprint = build_fingerprint(build, snapshot_rows([build])[build.pk])
        assert BuildReport.objects.get(build=build).fingerprint == fingerprint, build


def test_fleet_of_200_sites_is_validated_by_the_worker(postgres: None, real_broker: None) -> None:
    """The CI worker validates 200 sites and the reference build, chunk by chunk."""
    fleet = rolled_out(200)
    job, created = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    assert created
    job = wait_for(job, lambda j: j.status == FleetValidation.Status.DONE)
    assert (job.total, job.done, job.validated, job.reused, job.errored) == (201, 201, 201, 0, 0)
    assert job.failed == 1  # the underpowered last site
    assert not FleetValidationItem.objects.filter(job=job).exclude(status="done").exists()
    assert_every_report_current()


def _start_worker(
    app_module: str, tmp_path: Path, name: str
) -> tuple[subprocess.Popen[bytes], Path]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "0",
    }
    env.setdefault("DJANGO_SECRET_KEY", "integration-test-worker-only-" + "x" * 40)
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app_module,
            "worker",
            "-Q",
            CRASH_QUEUE,
            "-n",
            f"{name}-{os.getpid()}@{socket.gethostname()}",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        _stop(process)
    for log in sorted(tmp_path.glob("*.log")):
        print(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])


def test_worker_killed_mid_job_still_validates_every_build_once(
    postgres: None, real_broker: None, settings: Any, tmp_path: Path, workers: list[Any]
) -> None:
    """Kill -9 the only worker while it holds a chunk: nothing of that chunk is kept; a new
    worker and the stall resume (polled through the API) finish the job, and every build is
    validated exactly once: counts add up to the total, no item pending, reports current."""
    settings.FLEET_VALIDATION_QUEUE = CRASH_QUEUE
    settings.FLEET_VALIDATION_CHUNK_SIZE = 5
    settings.FLEET_VALIDATION_STALL_SECONDS = 3
    fleet = rolled_out(59)  # 60 builds with the reference: 12 chunks
    slow, _ = _start_worker("tests.integration.slow_fleet_worker", tmp_path, "slow")
    workers.append(slow)
    job, _ = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    job = wait_for(job, lambda j: j.done >= 10)
    # The slow worker spends most of each chunk inside its transaction: kill it there.
    time.sleep(0.2)
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == FleetValidation.Status.RUNNING
    assert job.done < job.total
    killed_at = job.done
    fresh, _ = _start_worker("configurator.celery", tmp_path, "fresh")
    workers.append(fresh)
    client = APIClient()
    client.force_authenticate(member("sales_engineer", fleet.acme))
    deadline = time.monotonic() + WAIT_S
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        # Polling the status is what a user does; a stalled job is resumed by it.
        status = client.get(f"{API}/fleet-validations/{job.pk}/").json()
        if status["status"] == "done":
            break
        time.sleep(0.5)
    assert status["status"] == "done", status
    job.refresh_from_db()
    assert killed_at < job.total
    assert (job.done, job.validated, job.reused, job.missing, job.errored) == (60, 60, 0, 0, 0)
    assert job.passed + job.warned + job.failed == 60
    items = FleetValidationItem.objects.filter(job=job)
    assert items.count() == 60
    assert not items.exclude(status="done").exists()
    assert set(items.values_list("outcome", flat=True)) == {"validated"}
    assert_every_report_current()


def test_cache_never_serves_a_stale_report(postgres: None, real_broker: None) -> None:
    """Reports stored by the worker answer the API; after a site, catalogue or policy change
    the API answers the engine's report on the build as it is now, never the stored one."""
    fleet = rolled_out(1)
    build = Build.objects.get(site=fleet.sites[0])
    job, _ = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    wait_for(job, lambda j: j.status == FleetValidation.Status.DONE)
    stored = BuildReport.objects.get(build=build)
    client = APIClient()
    client.force_authenticate(member("sales_engineer", fleet.acme))
    url = f"{API}/builds/{build.pk}/validation/"

    def answered_is_current() -> dict[str, Any]:
        body = client.get(url).json()
        fresh = Build.objects.select_related("site__organisation").get(pk=build.pk)
        assert body == evaluate(build_snapshot(fresh)).model_dump(mode="json")
        return body

    assert client.get(url).json() == stored.report  # the worker's report, served as is
    # Site: the site gets a bigger supply (it is the underpowered one).
    site_response = client.patch(
        f"{API}/sites/{build.site_id}/", {"supply_breaker_a": 63}, format="json"
    )
    assert site_response.status_code == 200, site_response.content
    after_site = answered_is_current()
    assert after_site != stored.report
    # Catalogue: the UPS gets smaller, written through the API by platform staff (a superuser:
    # the transactional tests flush the group the migration creates), who own the library.
    catalogue = APIClient()
    catalogue.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    ups = fleet.parts["ups"]
    catalogue_response = catalogue.patch(
        f"{API}/components/{ups.pk}/",
        {"spec": {**ups.spec, "kw": 0.5, "kva": 0.6}},
        format="json",
    )
    assert catalogue_response.status_code == 200, catalogue_response.content
    after_catalogue = answered_is_current()
    assert after_catalogue != after_site
    # Policy: the organisation requires fire suppression.
    organisation = build.site.organisation
    organisation.policy = {"require_fire_suppression": True}
    organisation.save()
    after_policy = answered_is_current()
    assert "fire.required" in {f["code"] for f in after_policy["findings"]}
    assert Site.objects.get(pk=build.site_id).supply_breaker_a == 63
