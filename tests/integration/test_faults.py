"""Real faults, not mocks: Redis stopped, a worker SIGKILLed mid-render, PostgreSQL unreachable.

Run by the "faults" stage of .ci/run (FAULT_TESTS=1, PostgreSQL and Redis up): each test
makes its own fault. A Redis server is started on a spare port and then stopped; a Celery
worker of our own is killed with SIGKILL while it renders, then another is started; a fresh
process is pointed at a PostgreSQL port where nobody listens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIRequestFactory

from configurator.api.throttling import SessionUserRateThrottle
from configurator.celery import app
from configurator.documents.models import RenderedDocument
from configurator.documents.tasks import render_quote_pdf
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import API, World, make_world, member, token_client
from tests.faults.celery_app import celery_pointed_at
from tests.faults.runner import run_probe
from tests.integration.test_pdf_worker import database_url

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("FAULT_TESTS"), reason="fault tests: the faults stage of .ci/run"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
KILL_QUEUE = "pdf-kill-tests"


def spare_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Any, timeout: float, what: str) -> float:
    """Poll `condition` until true; return the seconds it took, fail after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not after {timeout} s")
        time.sleep(0.25)
    return time.monotonic() - started


# --------------------------------------------------------------------------- Redis stopped


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A redis-server of this test on a spare port; `stop()` takes it down for real."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = spare_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(up, 10, "redis-server start")

    def stop() -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert not up()

    yield {"url": f"redis://127.0.0.1:{port}/0", "stop": stop}
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def redis_everywhere(own_redis: dict[str, Any], settings: Any) -> Iterator[dict[str, Any]]:
    """Cache, throttles, broker and result backend on the test's own Redis, tasks sent."""
    url = own_redis["url"]
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with celery_pointed_at(url):
        yield own_redis


def issued_quote(world: World) -> Quote:
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=user, customer_name="Dana", customer_email="dana@example.test"
    )
    return quote_services.quote_issue(quote=draft, user=user)


@pytest.mark.django_db(transaction=True)
def test_redis_outage_keeps_the_api_serving(redis_everywhere: dict[str, Any], client: Any) -> None:
    """Redis stopped: tokens still served (throttles open), PDFs 503 at once, /healthz 503."""
    world = make_world()
    quote = issued_quote(world)
    api = token_client(member("integrator", world.contoso), world.contoso)
    assert api.get(f"{API}/sites/").status_code == 200
    redis_everywhere["stop"]()
    started = time.monotonic()
    assert [api.get(f"{API}/sites/").status_code for _ in range(5)] == [200] * 5
    assert api.get(f"{API}/me/").status_code == 200
    response = world.client("customer").get(f"{API}/quotes/{quote.pk}/pdf/")
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "rendering_unavailable"
    assert client.get("/healthz").status_code == 503
    assert time.monotonic() - started < 15


@pytest.mark.django_db
def test_throttle_is_exact_on_real_redis(redis_everywhere: dict[str, Any], settings: Any) -> None:
    """16 threads, 200 requests, a limit of 50: exactly 50 let through (one Lua step each)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "50/min", "user": "50/min", "token": "50/min"},
    }
    user = member("customer", make_world().contoso)
    factory = APIRequestFactory()
    allowed: list[bool] = []
    barrier = threading.Barrier(16)

    def hit() -> None:
        barrier.wait()
        for _ in range(200 // 16 + 1):
            request = factory.get(f"{API}/me/")
            request.user, request.auth = user, None
            allowed.append(SessionUserRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 50
    # Counted in Redis itself (a sorted set the Lua script keeps), so server workers in
    # other processes share the count; an in-process count would leave no key there.
    import redis

    client = redis.Redis.from_url(redis_everywhere["url"])
    keys = client.keys("*throttle_user_*")
    assert len(keys) == 1
    assert client.type(keys[0]) == b"zset"
    assert client.zcard(keys[0]) == 50


# --------------------------------------------------------------------------- worker killed


def start_worker(tmp_path: Path, flag: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "0",
        "SLOW_RENDER_FLAG": str(flag),
    }
    env.setdefault("DJANGO_SECRET_KEY", "integration-test-worker-only-" + "x" * 40)
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.integration.slow_worker",
            "worker",
            "-Q",
            KILL_QUEUE,
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
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def real_broker() -> Iterator[None]:
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.mark.django_db(transaction=True)
def test_render_lost_with_a_killed_worker_is_retried_within_a_minute(
    tmp_path: Path, real_broker: None
) -> None:
    """SIGKILL mid-render, restart: the broker hands the render out again; exactly one file."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot see SQLite's test database")
    world = make_world()
    quote = issued_quote(world)
    flag = tmp_path / "first-render-started"
    first = start_worker(tmp_path, flag, "doomed")
    workers = [first]
    try:
        render_quote_pdf.apply_async((quote.pk,), queue=KILL_QUEUE)
        wait_for(flag.exists, 120, "the first worker starting the render")
        document = RenderedDocument.objects.get(quote=quote)
        assert document.status == RenderedDocument.Status.RENDERING
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        workers.append(start_worker(tmp_path, flag, "successor"))

        def ready() -> bool:
            return RenderedDocument.objects.filter(
                quote=quote, status=RenderedDocument.Status.READY
            ).exists()

        wait_for(ready, 150, "the render lost with the killed worker to be done again")
        took = time.monotonic() - killed_at
        # The visibility timeout (60 s) plus a sweep (5 s) plus the render itself.
        assert took < 120, took
        assert RenderedDocument.objects.filter(quote=quote).count() == 1
        document = RenderedDocument.objects.get(quote=quote)
        assert bytes(document.content).startswith(b"%PDF")
        assert document.attempts == 2
        print(f"render lost with its worker was done again {took:.0f} s after the kill")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        for log in tmp_path.glob("*.log"):
            print(log.name, log.read_text(errors="replace")[-2000:])


# --------------------------------------------------------------------------- database down


def test_unreachable_postgresql_answers_503_everywhere() -> None:
    """A fresh process whose PostgreSQL port has nobody listening: 503, nothing leaked."""
    from tests.configurator.test_database_down import assert_all_503

    port = spare_port()
    url = f"postgres://secret_user:secret_pw@127.0.0.1:{port}/secret_db"
    started = time.monotonic()
    results = run_probe("tests.faults.db_down_probe", DATABASE_URL=url, REDIS_URL="")
    assert_all_503(results, "secret_user", "secret_pw", "secret_db", str(port))
    assert time.monotonic() - started < 60
