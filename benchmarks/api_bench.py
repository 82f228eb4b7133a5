"""What validating a build costs over HTTP: the validation endpoint against a trivial one.

Measures, in one run and on one real server, the median latency of
``GET /api/v1/builds/{id}/validation/`` for an 80-line build against ``GET /api/v1/me/`` (an
authenticated endpoint doing next to nothing) and prints the ratio; the goal is at most
``GOAL_RATIO`` with a warm report cache (the build unchanged since its report was stored).
It also measures the cold case: before each cold request the stored report is deleted (outside
the timed request), so the endpoint snapshots, evaluates and stores again. Whatever both
requests share (HTTP parsing, middleware, token authentication, throttling, JSON rendering)
cancels out of the ratio, so it says what the report itself adds.

How: a throwaway SQLite database in a temp dir is migrated and seeded with the demo catalogue
(``manage.py migrate``, ``seed_catalog``); a child process (`_prepare`) creates an
organisation, a sales engineer, an API token, a site and an 80-line build through the
services (four racks, each with a UPS, A/B PDUs fed from it, dual-corded servers wired to
both PDUs, switches, in-rack cooling and blanking panels), counts the SQL queries of one
request to each endpoint in process (``CaptureQueriesContext`` + the test client) and times
the report's stages. Then ``gunicorn`` (one worker, one thread, keep-alive) serves the same
database, and the two endpoints are requested alternately over keep-alive connections with
``Authorization: Token <key>``. Nothing touches the project's own database; the server is
stopped and the temp dir removed at the end.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.5
GOAL_LINES = 80
RACKS = 4
SERVERS_PER_RACK = 12
WARMUP = 30
REQUESTS = 200  # per endpoint, interleaved
COLD_REQUESTS = 60  # cold validations, each after the stored report was deleted
STAGE_REPEATS = 50
SERVER_START_TIMEOUT_S = 30.0
HIGH_RATE = "100000/min"  # throttle rates: the benchmark must never be throttled

# Demo-catalogue parts (manufacturer, SKU) of one rack; every rack is built the same way.
RACK = ("Fjordrack", "FR-S42-6012")  # 42U, 600x1200
UPS = ("Northbeam Power", "NB-OX10K-R6")  # 6U, 10 kVA online
PDU = ("Northbeam Power", "NB-PDU-V32-36M")  # 0U vertical, metered
SERVER = ("Helix Compute", "HX-R150")  # 1U, two redundant PSUs
SWITCH = ("Lumenpath Networks", "LP-S48X")  # 1U, two redundant PSUs
COOLING = ("Coldline Thermal", "CL-IR50-DX")  # 7U in-rack DX unit, 5 kW sensible
BLANK = ("Fjordrack", "FR-BP1")  # 1U blanking panel
# U positions inside each rack: UPS 1-6, servers 7-18, cooling 19-25, blanks 26-39, switches
# 40-41 (42 stays free).
UPS_U, FIRST_SERVER_U, COOLING_U, BLANK_U, BLANKS, FIRST_SWITCH_U = 1, 7, 19, 26, 14, 40
SWITCHES_PER_RACK = 2


# --------------------------------------------------------------------------- child process


def _prepare(out: Path) -> None:
    """Child process entry: create the tenant, token and build; count queries; time stages.

    Runs with the benchmark's environment (throwaway database). Writes a JSON object to `out`.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from configurator.builds import selectors
    from configurator.builds.models import Build, BuildReport
    from configurator.builds.services import builds as build_services
    from configurator.builds.services import reports as report_services
    from configurator.builds.services import sites as site_services
    from configurator.tenancy.models import ApiToken, Membership, Organisation
    from rules import evaluate

    organisation = Organisation.objects.create(
        name="Bench Integrations", slug="bench", kind=Organisation.Kind.SELLER
    )
    user = get_user_model().objects.create_user(username="bench-sales", password=None)
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.SALES_ENGINEER
    )
    _, key = ApiToken.objects.issue(user=user, organisation=organisation, name="api bench")
    site = site_services.site_create(
        organisation=organisation,
        name="Bench edge room",
        country="DE",
        supply_phases=3,
        supply_breaker_a=63,
        ambient_min_c=18,
        ambient_max_c=27,
    )
    build = build_services.build_create(site=site, name="Bench four-rack room", user=user)

    bench_build_lines(build, RACKS)
    lines = build.lines.count()

    # One warm-up request each first: it pays the token's last_used_at write and the
    # first-request imports, which a steady-state request does not.
    client = Client(
        SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="application/json"
    )
    queries: dict[str, list[str]] = {}
    for name, path in _paths(build.pk).items():
        assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, path
        queries[name] = [q["sql"] for q in ctx.captured_queries]
    BuildReport.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_paths(build.pk)["validation"])
    assert response.status_code == 200
    queries["validation (cold)"] = [q["sql"] for q in ctx.captured_queries]

    def fresh_build() -> Build:
        return Build.objects.get(pk=build.pk)

    spec = selectors.build_snapshot(fresh_build())
    report = evaluate(spec)
    report_services.build_report_get(build=fresh_build())  # stored: the cache is warm
    stages = _interleaved_medians_s(
        {
            "build_snapshot (3 queries)": lambda: selectors.build_snapshot(fresh_build()),
            "evaluate (rules engine)": lambda: evaluate(spec),
            "report.model_dump + json": lambda: json.dumps(report.model_dump(mode="json")),
            "cached report (build, lines, row)": lambda: report_services.build_report_get(
                build=fresh_build()
            ),
        },
        STAGE_REPEATS,
    )
    out.write_text(
        json.dumps(
            {
                "build_id": build.pk,
                "key": key,
                "lines": lines,
                "findings": {
                    "total": len(report.findings),
                    "errors": sorted({f.code for f in report.errors}),
                    "others": sorted(
                        {f.code for f in report.findings} - {f.code for f in report.errors}
                    ),
                },
                "queries": queries,
                "stages_s": stages,
            }
        )
    )


# --------------------------------------------------------------------------- helpers


def bench_build_lines(build: Any, racks: int) -> None:
    """Fill `build` with `racks` identical racks of 20 lines each, through the services.

    Each rack: a UPS, A/B PDUs fed from it, dual-corded servers wired to both PDUs, switches,
    in-rack cooling and blanking panels (the editor benchmark reuses it).
    """
    from catalog.models import Component
    from configurator.builds.services import lines as line_services

    wanted = [RACK, UPS, PDU, SERVER, SWITCH, COOLING, BLANK]
    rows = Component.objects.filter(sku__in=[sku for _, sku in wanted]).select_related(
        "manufacturer"
    )
    parts = {(c.manufacturer.name, c.sku): c for c in rows}
    missing = [part for part in wanted if part not in parts]
    if missing:
        raise SystemExit(f"bench: the demo catalogue lacks {missing}")

    def add(part: tuple[str, str], **fields: Any) -> Any:
        return line_services.build_line_add(build=build, component=parts[part], **fields)

    for r in range(racks):
        rack = add(RACK, note=f"Rack {r + 1}")
        ups = add(UPS, rack=rack, position_u=UPS_U)
        pdu_a = add(PDU, rack=rack, feed_a=ups, note="PDU A")
        pdu_b = add(PDU, rack=rack, feed_a=ups, note="PDU B")
        for s in range(SERVERS_PER_RACK):
            add(SERVER, rack=rack, position_u=FIRST_SERVER_U + s, feed_a=pdu_a, feed_b=pdu_b)
        add(COOLING, rack=rack, position_u=COOLING_U, feed_a=pdu_a, feed_b=pdu_b)
        add(BLANK, rack=rack, position_u=BLANK_U, quantity=BLANKS)
        for s in range(SWITCHES_PER_RACK):
            add(SWITCH, rack=rack, position_u=FIRST_SWITCH_U + s, feed_a=pdu_a, feed_b=pdu_b)


def _paths(build_id: int) -> dict[str, str]:
    return {
        "validation": f"/api/v1/builds/{build_id}/validation/",
        "me": "/api/v1/me/",
    }


def _interleaved_medians_s(stages: dict[str, Callable[[], object]], repeats: int) -> dict:
    """Median wall seconds of each stage, the stages run in turn so they share the noise."""
    for fn in stages.values():  # warm-up
        fn()
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(repeats):
        for name, fn in stages.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):  # the project's own settings must not leak in
        if name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "API_THROTTLE_")):
            del env[name]
    env.update(
        DJANGO_SETTINGS_MODULE="configurator.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        API_THROTTLE_TOKEN=HIGH_RATE,
        API_THROTTLE_USER=HIGH_RATE,
        API_THROTTLE_ANON=HIGH_RATE,
        PYTHONPATH=str(ROOT),
    )
    return env


def _run(env: dict[str, str], *args: str) -> None:
    """Run a Python command in the project root with `env`; fail loudly with its output."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"api bench: {' '.join(args[:3])} failed:\n{done.stdout}{done.stderr}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gunicorn() -> str:
    local = Path(sys.executable).with_name("gunicorn")
    return str(local) if local.exists() else shutil.which("gunicorn") or "gunicorn"


def _wait_until_serving(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"api bench: gunicorn exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/me/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"api bench: gunicorn did not answer in {SERVER_START_TIMEOUT_S:.0f} s")


class _Endpoint:
    """One keep-alive connection to one endpoint; records wall time and reconnects."""

    def __init__(self, port: int, path: str, key: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.path = path
        self.headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
        self.times: list[float] = []
        self.connects = 0
        self.size = 0

    def get(self, *, record: bool = True) -> None:
        if self.conn.sock is None:
            self.connects += 1
        start = time.perf_counter()
        self.conn.request("GET", self.path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(f"api bench: {self.path} answered {response.status}: {body[:300]!r}")
        self.size = len(body)
        if record:
            self.times.append(elapsed)

    def close(self) -> None:
        self.conn.close()


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _machine_note() -> str:
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return f"machine: {os.cpu_count()} CPUs, load average (1/5/15 min) {load}"


# --------------------------------------------------------------------------- benchmark


def _forget_reports(database: Path) -> None:
    """Delete the stored reports, so the next validation request is cold (not timed)."""
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM configurator_buildreport")


def _serve_and_measure(env: dict[str, str], tmp: Path, build_id: int, key: str) -> dict:
    port = _free_port()
    log = tmp / "gunicorn.log"
    # gthread with one thread: still one request at a time, but unlike the sync worker it
    # keeps connections alive, so no TCP handshake is timed.
    command = [
        _gunicorn(),
        "configurator.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
        "-k",
        "gthread",
        "--threads",
        "1",
        "--keep-alive",
        "30",
        "--error-logfile",
        str(log),
    ]
    with log.open("wb") as log_file:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_serving(server, port, log)
        endpoints = {name: _Endpoint(port, path, key) for name, path in _paths(build_id).items()}
        validation, me = endpoints["validation"], endpoints["me"]
        for _ in range(WARMUP):
            validation.get(record=False)
            me.get(record=False)
        start = time.perf_counter()
        for i in range(REQUESTS):
            # Alternate which goes first so neither always follows the other.
            pair = (validation, me) if i % 2 == 0 else (me, validation)
            for endpoint in pair:
                endpoint.get()
        wall = time.perf_counter() - start
        cold = _Endpoint(port, _paths(build_id)["validation"], key)
        cold_me = _Endpoint(port, _paths(build_id)["me"], key)
        for _ in range(COLD_REQUESTS):
            _forget_reports(tmp / "bench.sqlite3")
            cold.get()
            cold_me.get()
        for endpoint in (*endpoints.values(), cold, cold_me):
            endpoint.close()
        return {
            "endpoints": endpoints,
            "cold": cold,
            "cold_me": cold_me,
            "wall_s": wall,
            "port": port,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    """Set up the throwaway database and server, measure, print the table."""
    print(_machine_note() + " (noisy machine: compare ratios, not absolute times)")
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="api-bench-"))
    try:
        env = _env(tmp)
        _run(env, "manage.py", "migrate", "--noinput")
        _run(env, "manage.py", "seed_catalog")
        result_file = tmp / "prepared.json"
        _run(
            env,
            "-c",
            "import sys; from pathlib import Path; "
            "from benchmarks.api_bench import _prepare; _prepare(Path(sys.argv[1]))",
            str(result_file),
        )
        prepared = json.loads(result_file.read_text())
        setup_s = time.perf_counter() - began
        measured = _serve_and_measure(env, tmp, prepared["build_id"], prepared["key"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    endpoints: dict[str, _Endpoint] = measured["endpoints"]
    validation, me = endpoints["validation"], endpoints["me"]
    queries: dict[str, list[str]] = prepared["queries"]
    findings = prepared["findings"]
    print(
        f"build: {prepared['lines']} lines ({RACKS} racks); report: {findings['total']} "
        f"finding(s), error codes {findings['errors'] or 'none'}, "
        f"other codes {findings['others'] or 'none'}; setup {setup_s:.1f} s"
    )
    print(
        f"server: gunicorn -w 1 -k gthread --threads 1 on 127.0.0.1:{measured['port']}, "
        f"SQLite, DEBUG=0; {WARMUP} warm-up + {REQUESTS} interleaved requests per endpoint "
        f"in {measured['wall_s']:.1f} s"
    )
    print()
    header = f"{'endpoint':<34} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'queries':>8} "
    print(header + f"{'bytes':>7} {'conns':>6}")
    for name, endpoint in endpoints.items():
        label = "GET " + _paths(prepared["build_id"])[name]
        print(
            f"{label:<34} "
            f"{statistics.median(endpoint.times) * 1e3:>10.2f} "
            f"{_p90(endpoint.times) * 1e3:>8.2f} {min(endpoint.times) * 1e3:>8.2f} "
            f"{len(queries[name]):>8} {endpoint.size:>7} {endpoint.connects:>6}"
        )
    ratio = statistics.median(validation.times) / statistics.median(me.times)
    p90_ratio = _p90(validation.times) / _p90(me.times)
    verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
    print()
    min_ratio = min(validation.times) / min(me.times)
    print(
        f"ratio validation (warm) / me: median {ratio:.2f}x, p90 {p90_ratio:.2f}x, "
        f"min {min_ratio:.2f}x "
        f"(goal <= {GOAL_RATIO:g}x: {verdict})"
    )
    print(
        "added by the report (median difference): "
        f"{(statistics.median(validation.times) - statistics.median(me.times)) * 1e3:.2f} ms"
    )
    cold, cold_me = measured["cold"], measured["cold_me"]
    print(
        f"cold (stored report deleted before each of {COLD_REQUESTS} requests): validation "
        f"median {statistics.median(cold.times) * 1e3:.2f} ms, /me/ "
        f"{statistics.median(cold_me.times) * 1e3:.2f} ms, ratio "
        f"{statistics.median(cold.times) / statistics.median(cold_me.times):.2f}x"
    )
    print()
    print(f"in process, median of {STAGE_REPEATS} interleaved (where the difference goes):")
    for stage, seconds in prepared["stages_s"].items():
        print(f"  {stage:<28} {seconds * 1e3:>8.2f} ms")
    print()
    print(f"SQL queries of one (warm) validation request: {len(queries['validation'])}")
    for sql in queries["validation"]:
        print(f"  {sql[:110]}{'...' if len(sql) > 110 else ''}")
    print(f"SQL queries of one cold validation request: {len(queries['validation (cold)'])}")
    print(f"SQL queries of one (warm) /me/ request: {len(queries['me'])}")
    print(_machine_note() + f" (after the run, {time.perf_counter() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
