"""Load: 16 clients for 60 s on validation and /me/, against gunicorn (two workers) on loopback.

``python -m benchmarks load`` (or ``make bench``). Two phases, each against a fresh gunicorn
(``-w 2 -k gthread --threads 4``) serving a throwaway SQLite database seeded with the demo
catalogue and demo builds (``seed_catalog``, ``seed_demo``; the integrator's token):

1. throughput: half the clients GET ``/api/v1/builds/{id}/validation/`` of a demo build, half
   GET ``/api/v1/me/``, throttles set out of reach; prints requests/s, p50/p99 latency per
   endpoint and every answer that is not 200 (the goal: none).
2. throttle: every client GETs ``/api/v1/me/`` with one token whose rate is LIMIT/min; in a
   window that starts empty exactly LIMIT requests may pass, the rest answer 429. Prints how
   many passed against the limit (the goal: within 1 %) and any answer other than 200/429.

The throttle phase needs the cache the two workers share: Redis. REDIS_URL is used when set
(give it a database of its own, e.g. ``redis://127.0.0.1:6379/14``; it is flushed), else a
``redis-server`` is started on a spare port, else the phase is skipped with a note.
Requests go to 127.0.0.1 only; loops are bounded by the duration; everything stops at the end.
Environment: LOAD_CLIENTS (16), LOAD_SECONDS (60), LOAD_THROTTLE_LIMIT (1200).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.api_bench import (
    ROOT,
    _env,
    _free_port,
    _gunicorn,
    _machine_note,
    _run,
    _wait_until_serving,
)

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "16"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
THROTTLE_LIMIT = int(os.environ.get("LOAD_THROTTLE_LIMIT", "1200"))
HIGH_RATE = "10000000/min"


def _seed(env: dict[str, str]) -> tuple[str, int]:
    """Migrate and seed the throwaway database; return the integrator's key and a build id."""
    _run(env, "manage.py", "migrate", "--noinput")
    _run(env, "manage.py", "seed_catalog")
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"(mdc_[A-Za-z0-9_\-]+)", done.stdout)
    if match is None:
        raise SystemExit(f"load: seed_demo printed no token:\n{done.stdout}")
    script = (
        "import django; django.setup();"
        "from configurator.builds.models import Build;"
        "print(Build.objects.order_by('pk').values_list('pk', flat=True).first())"
    )
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return match.group(1), int(found.stdout.strip().splitlines()[-1])


class _Server:
    """gunicorn with two workers on a spare loopback port, stopped on exit."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.log = log
        command = [
            _gunicorn(),
            "configurator.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--error-logfile",
            str(log),
        ]
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def __enter__(self) -> _Server:
        _wait_until_serving(self.process, self.port, self.log)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _client(
    port: int, path: str, key: str, until: float, results: list[tuple[str, int, float]]
) -> None:
    """One keep-alive client requesting `path` until the deadline; records every answer."""
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine: list[tuple[str, int, float]] = []
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0  # a connection error counts as an error
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine.append((path, status, time.perf_counter() - start))
    conn.close()
    results.extend(mine)


def _hammer(port: int, paths: list[str], key: str) -> tuple[list[tuple[str, int, float]], float]:
    results: list[tuple[str, int, float]] = []
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_client, args=(port, paths[n % len(paths)], key, until, results))
        for n in range(CLIENTS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _own_redis(tmp: Path) -> tuple[str | None, subprocess.Popen[bytes] | None]:
    url = os.environ.get("REDIS_URL")
    if url:
        return url, None
    server = shutil.which("redis-server")
    if server is None:
        return None, None
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", process


def _flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main() -> None:
    """Run both phases and print the tables."""
    tmp = Path(tempfile.mkdtemp(prefix="mdc-load-"))
    redis_url, redis_process = _own_redis(tmp)
    try:
        env = _env(tmp)
        env.update(API_THROTTLE_TOKEN=HIGH_RATE, API_THROTTLE_USER=HIGH_RATE)
        if redis_url:
            env["REDIS_URL"] = redis_url
            _flush(redis_url)
        key, build_id = _seed(env)
        validation = f"/api/v1/builds/{build_id}/validation/"
        me = "/api/v1/me/"
        print(_machine_note())
        print(f"{CLIENTS} clients, {SECONDS:.0f} s per phase, gunicorn -w 2 -k gthread --threads 4")
        print(f"cache and throttles: {'Redis ' + redis_url if redis_url else 'in-process'}")

        with _Server(env, tmp / "throughput.log") as server:
            results, took = _hammer(server.port, [validation, me], key)
        print("\nphase 1: throughput (throttles out of reach)")
        print(f"{'endpoint':<40} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} errors")
        for path in (validation, me):
            rows = [r for r in results if r[0] == path]
            times = [r[2] * 1000 for r in rows]
            errors = sum(1 for r in rows if r[1] != 200)
            print(
                f"{path:<40} {len(rows):>9} {len(rows) / took:>8.1f} "
                f"{statistics.median(times):>8.1f} {_pct(times, 0.99):>8.1f} {errors}"
            )
        total_errors = sum(1 for r in results if r[1] != 200)
        print(f"total: {len(results) / took:.1f} requests/s, errors: {total_errors}")

        if not redis_url:
            print("\nphase 2: skipped (no Redis: two workers share no throttle counter)")
            return
        _flush(redis_url)
        env.update(API_THROTTLE_TOKEN=f"{THROTTLE_LIMIT}/min")
        with _Server(env, tmp / "throttle.log") as server:
            results, took = _hammer(server.port, [me], key)
        passed = sum(1 for r in results if r[1] == 200)
        throttled = sum(1 for r in results if r[1] == 429)
        other = len(results) - passed - throttled
        # A window longer than the run could let a few more through as the first expire.
        window_ok = took <= 60.5
        deviation = (passed - THROTTLE_LIMIT) / THROTTLE_LIMIT * 100
        print(f"\nphase 2: throttle at {THROTTLE_LIMIT}/min on one token, {took:.1f} s")
        print(
            f"requests {len(results)}, passed {passed} (limit {THROTTLE_LIMIT}, "
            f"{deviation:+.2f} %), throttled {throttled}, errors {other}"
            + ("" if window_ok else " (run longer than the window: expired requests pass)")
        )
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
