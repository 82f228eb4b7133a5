"""Processes of the fleet benchmark: PostgreSQL through psql, Django children, Celery workers.

Each child or worker gets an environment of its own (`child_env`): the benchmark's database
and Redis, production settings with a throwaway secret, its own fleet queue. Nothing here
touches the project's own database.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKER_START_TIMEOUT_S = 60


def machine_note() -> str:
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return f"machine: {os.cpu_count()} CPUs, load average (1/5/15 min) {load}"


def _psql_command(role: str, *args: str) -> list[str]:
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("fleet bench: psql (PostgreSQL's client) is not installed")
    return [psql, "-h", "127.0.0.1", "-U", role, "-d", "postgres", *args]


def pg_role() -> str:
    """The machine's trust role: postgres, or root on some images (as .ci/run)."""
    for role in ("postgres", "root"):
        command = _psql_command(role, "-tAc", "select 1")
        done = subprocess.run(command, capture_output=True, check=False)  # noqa: S603
        if done.returncode == 0:
            return role
    raise SystemExit("fleet bench: no PostgreSQL role (postgres, root) on 127.0.0.1:5432")


def psql(role: str, sql: str) -> None:
    command = _psql_command(role, "-v", "ON_ERROR_STOP=1", "-c", sql)
    subprocess.run(command, capture_output=True, check=True)  # noqa: S603


def child_env(database_url: str, redis_url: str, queue: str, chunk_size: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "FLEET_", "CELERY_")):
            del env[name]
    env.update(
        DJANGO_SETTINGS_MODULE="configurator.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_CONN_MAX_AGE="60",
        FLEET_VALIDATION_QUEUE=queue,
        FLEET_VALIDATION_CHUNK_SIZE=str(chunk_size),
        PYTHONPATH=str(ROOT),
    )
    return env


def python(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"fleet bench: {' '.join(args[:3])} failed:\n{done.stdout}{done.stderr}")


def child(env: dict[str, str], function: str, out: Path, *args: str) -> Any:
    python(
        env,
        "-c",
        "import sys; from pathlib import Path; from benchmarks import fleet_children as b; "
        f"b.{function}(Path(sys.argv[1]), *[int(a) for a in sys.argv[2:]])",
        str(out),
        *args,
    )
    return json.loads(out.read_text())


def _celery() -> str:
    local = Path(sys.executable).with_name("celery")
    return str(local) if local.exists() else "celery"


def start_workers(
    env: dict[str, str], queue: str, tmp: Path, count: int
) -> list[subprocess.Popen[bytes]]:
    """``count`` Celery workers (solo pool) on ``queue``, each answering a ping."""
    workers = []
    for n in range(count):
        log = (tmp / f"worker-{n}.log").open("wb")
        workers.append(
            subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    _celery(),
                    "-A",
                    "configurator",
                    "worker",
                    "-Q",
                    queue,
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "warning",
                    "-n",
                    f"fleet-bench-{n}-{os.getpid()}@{socket.gethostname()}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + WORKER_START_TIMEOUT_S
    for n in range(count):
        name = f"fleet-bench-{n}-{os.getpid()}@{socket.gethostname()}"
        while True:
            done = subprocess.run(  # noqa: S603 - fixed arguments
                [_celery(), "-A", "configurator", "inspect", "ping", "-d", name, "--timeout", "2"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=False,
            )
            if done.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"fleet bench: worker {name} did not answer")
            time.sleep(1)
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
