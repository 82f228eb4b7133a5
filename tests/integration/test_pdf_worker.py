"""PDFs rendered by real Celery workers consuming from Redis (run by .ci/run).

The worker processes read the rows the test commits (`transaction=True`), so they must use
the test database: .ci/run starts its worker with DATABASE_URL naming pytest's database
(`test_<name>`), and the worker this module starts itself gets the test connection's own
settings. Needs PostgreSQL: SQLite's test database lives in this process's memory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

import pytest
from django.db import connection

from configurator.celery import app
from configurator.documents.models import RenderedDocument
from configurator.documents.tasks import render_quote_pdf
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import API, World, make_world, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
FAULTY_QUEUE = "pdf-faulty-tests"
WAIT_S = 180


@pytest.fixture
def world() -> World:
    """Contoso's build, committed so the workers see it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot see SQLite's test database")
    return make_world()


@pytest.fixture
def real_broker() -> Iterator[None]:
    """Send tasks to Redis instead of running them in-process (the test default)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def issued_quote(world: World) -> Quote:
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=user, customer_name="Dana", customer_email="dana@example.test"
    )
    return quote_services.quote_issue(quote=draft, user=user)


def database_url() -> str:
    """The URL of the database this test uses, for a worker process."""
    s = connection.settings_dict
    credentials = urlquote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        credentials += ":" + urlquote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{s['NAME']}"


def test_quote_pdf_is_rendered_by_the_worker_once(world: World, real_broker: None) -> None:
    """The worker renders and stores the PDF; a second task returns the same file."""
    quote = issued_quote(world)
    first = render_quote_pdf.delay(quote.pk).get(timeout=WAIT_S)
    assert first["status"] == "ready"
    document = RenderedDocument.objects.get(quote=quote)
    assert bytes(document.content).startswith(b"%PDF")
    second = render_quote_pdf.delay(quote.pk).get(timeout=WAIT_S)
    assert second == first
    assert RenderedDocument.objects.filter(quote=quote).count() == 1
    document.refresh_from_db()
    assert document.attempts == 1


def test_api_answers_202_until_the_worker_stored_the_pdf(world: World, real_broker: None) -> None:
    """GET pdf/ queues the render at commit, answers 202, then 200 with the file."""
    quote = issued_quote(world)
    client = world.client("customer")
    url = f"{API}/quotes/{quote.pk}/pdf/"
    assert client.get(url).status_code == 202
    deadline = time.monotonic() + WAIT_S
    response = client.get(url)
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response.content.startswith(b"%PDF")


@pytest.fixture
def faulty_worker(world: World, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A worker on its own queue whose first render fails (tests/integration/faulty_worker)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # A connection kept open would block the test database's flush and drop.
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "0",
    }
    env.setdefault("DJANGO_SECRET_KEY", "integration-test-worker-only-" + "x" * 40)
    log = (tmp_path / "faulty-worker.log").open("wb")
    name = f"faulty-{os.getpid()}@{socket.gethostname()}"
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.integration.faulty_worker",
            "worker",
            "-Q",
            FAULTY_QUEUE,
            "-n",
            name,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print((tmp_path / "faulty-worker.log").read_text(errors="replace")[-4000:])


def test_render_failing_once_is_retried_through_the_broker(
    world: World, real_broker: None, faulty_worker: Any
) -> None:
    """The first attempt fails in the worker; Celery's retry renders it: one file, 2 attempts."""
    quote = issued_quote(world)
    result = render_quote_pdf.apply_async((quote.pk,), queue=FAULTY_QUEUE)
    assert result.get(timeout=WAIT_S)["status"] == "ready"
    document = RenderedDocument.objects.get(quote=quote)
    assert (document.status, document.attempts, document.error) == ("ready", 2, "")
    assert RenderedDocument.objects.filter(quote=quote).count() == 1
    assert faulty_worker.poll() is None  # the worker is still up: the failure was handled
