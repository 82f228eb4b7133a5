"""Fleets at scale on PostgreSQL, Redis and real Celery workers.

Measures, in one run:

1. a fleet validation of ``SITES`` generated sites (one standard build each) by
   ``WORKERS`` worker processes: wall time from the job's start to its last chunk, against
   the goal of ``GOAL_VALIDATION_S``; validations per second per worker, against the engine
   alone in one process (``evaluate`` on snapshots already made) and against snapshot +
   evaluate in one process;
2. a repeat of the same job (every report current: nothing is evaluated again);
3. catalogue-change impact: listing every build that uses a component, through the
   (component, build) index, for a part in every build and for a part of a variant, against
   the goal of ``GOAL_IMPACT_S``.

How: a throwaway PostgreSQL database (``fleet_bench_<pid>`` on 127.0.0.1:5432, or
``BENCH_PG_URL`` naming a server) is migrated and seeded with the demo catalogue; a child
process creates an organisation, ``SITES`` sites of many climates and supplies (bulk), a
standard of the demo store rack with an outdoor variant, and rolls it out (the apply
service); ``WORKERS`` Celery workers (``--pool=solo``) consume a queue of their own on Redis
(``BENCH_REDIS_URL``, default db 14). Nothing touches the project's own database; the
workers are stopped and the database dropped at the end.
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
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITES = int(os.environ.get("BENCH_FLEET_SITES", "10000"))
WORKERS = 2
CHUNK_SIZE = 100
GOAL_VALIDATION_S = 60.0
GOAL_IMPACT_S = 5.0
ENGINE_SAMPLE = 400
WORKER_START_TIMEOUT_S = 60
JOB_TIMEOUT_S = 900
PG_DEFAULT = "postgres://{role}@127.0.0.1:5432/{name}"
REDIS_DEFAULT = "redis://127.0.0.1:6379/14"

# The demo store rack (the demo catalogue's parts), as seed_demo builds it.
NB, FR, HX, LP, PW = (
    "Northbeam Power",
    "Fjordrack",
    "Helix Compute",
    "Lumenpath Networks",
    "Polarwind Climate",
)
RACK_LINES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("rack", FR, "FR-MDC24-6010", {"note": "Store rack"}),
    ("ups", NB, "NB-OX3000-R2", {"rack": "rack", "position_u": 1}),
    ("pdu", NB, "NB-PDU-V16-20M", {"rack": "rack", "feed_a": "ups"}),
    ("nvr", HX, "HX-S212", {"rack": "rack", "position_u": 3, "feed_a": "pdu"}),
    ("srv2", HX, "HX-R250", {"rack": "rack", "position_u": 5, "feed_a": "pdu", "feed_b": "ups"}),
    ("srv1", HX, "HX-R150", {"rack": "rack", "position_u": 7, "feed_a": "pdu", "feed_b": "ups"}),
    ("blank1", FR, "FR-BP1", {"rack": "rack", "position_u": 8}),
    ("fw", LP, "LP-FW500", {"rack": "rack", "position_u": 9, "feed_a": "pdu"}),
    ("sw", LP, "LP-S24G", {"rack": "rack", "position_u": 10, "feed_a": "pdu"}),
    ("patch", FR, "FR-PP24-6A", {"rack": "rack", "position_u": 11}),
    ("blank2", FR, "FR-BP1", {"rack": "rack", "position_u": 12, "quantity": 13}),
    ("fan", PW, "PW-FA5", {}),
]
OUTDOOR_SWAPS = [
    ((FR, "FR-MDC24-6010"), ("Cobaltframe Enclosures", "CF-OD24-55")),
    ((PW, "PW-FA5"), (PW, "PW-SD35")),
]
# Countries with their grid carbon (g/kWh), price and currency, to vary the sites.
COUNTRIES = [
    ("FR", 56, "0.22", "EUR"),
    ("DE", 381, "0.30", "EUR"),
    ("ES", 150, "0.18", "EUR"),
    ("PL", 660, "0.95", "PLN"),
    ("SE", 40, "1.60", "SEK"),
    ("GB", 210, "0.28", "GBP"),
]


# --------------------------------------------------------------------------- child processes


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    import django

    django.setup()


def _prepare(out: Path) -> None:
    """Child: the organisation, the sites, the standard and its roll-out; engine rates."""
    _setup()
    from decimal import Decimal

    from catalog.models import Component
    from configurator.builds.models import Build, Site
    from configurator.builds.selectors import build_snapshots
    from configurator.builds.services import builds as build_services
    from configurator.builds.services import lines as line_services
    from configurator.builds.services import sites as site_services
    from configurator.fleet.services import standards
    from configurator.tenancy.models import Organisation
    from rules import evaluate

    organisation = Organisation.objects.create(name="Bench Retail", slug="bench")
    parts = {
        (c.manufacturer.name, c.sku): c
        for c in Component.objects.select_related("manufacturer").filter(
            sku__in={sku for _, _, sku, _ in RACK_LINES} | {new[1] for _, new in OUTDOOR_SWAPS}
        )
    }
    lab = site_services.site_create(organisation=organisation, name="Reference lab")
    reference = build_services.build_create(site=lab, name="Store rack", user=None)
    made: dict[str, Any] = {}
    for key, manufacturer, sku, placement in RACK_LINES:
        fields = {
            name: made[value] if name in ("rack", "feed_a", "feed_b", "ups") else value
            for name, value in placement.items()
        }
        made[key] = line_services.build_line_add(
            build=reference, component=parts[manufacturer, sku], **fields
        )
    standard = standards.standard_create(build=reference, name="Store rack", user=None)
    variant = standards.variant_create(
        standard=standard,
        name="Outdoor",
        substitutions=[
            {"replace": parts[old].pk, "with": parts[new].pk} for old, new in OUTDOOR_SWAPS
        ],
    )
    began = time.perf_counter()
    sites = []
    for n in range(SITES):
        country, grid, price, currency = COUNTRIES[n % len(COUNTRIES)]
        outdoor = n % 10 == 9
        sites.append(
            Site(
                organisation=organisation,
                name=f"Site {n:05d}",
                environment="outdoor" if outdoor else "indoor",
                ambient_min_c=-15 if outdoor else 15 + n % 4,
                ambient_max_c=38 if outdoor else 24 + n % 9,
                altitude_m=(n * 37) % 2400,
                supply_phases=3 if n % 7 == 0 else 1,
                supply_breaker_a=(10, 16, 20, 32, 32)[n % 5],
                room_volume_m3=None if outdoor else 10 + n % 30,
                country=country,
                grid_carbon_g_per_kwh=grid,
                electricity_price_per_kwh=Decimal(price),
                currency=currency,
            )
        )
    Site.objects.bulk_create(sites, batch_size=2000)
    sites_s = time.perf_counter() - began
    indoor = list(
        Site.objects.filter(organisation=organisation, environment="indoor").exclude(pk=lab.pk)
    )
    outdoor = list(Site.objects.filter(organisation=organisation, environment="outdoor"))
    began = time.perf_counter()
    standards.standard_apply(standard=standard, sites=indoor, user=None)
    standards.standard_apply(standard=standard, sites=outdoor, variant=variant, user=None)
    apply_s = time.perf_counter() - began

    sample = list(
        Build.objects.filter(site__organisation=organisation)
        .select_related("site__organisation")
        .order_by("pk")[:ENGINE_SAMPLE]
    )
    began = time.perf_counter()
    specs = build_snapshots(sample)
    snapshot_s = time.perf_counter() - began
    began = time.perf_counter()
    for spec in specs:
        evaluate(spec)
    engine_s = time.perf_counter() - began
    out.write_text(
        json.dumps(
            {
                "organisation": organisation.pk,
                "builds": Build.objects.filter(site__organisation=organisation).count(),
                "lines": sum(len(s.items) + len(s.racks) for s in specs) / len(specs),
                "sites_s": sites_s,
                "apply_s": apply_s,
                "engine_per_s": len(specs) / engine_s,
                "snapshot_and_engine_per_s": len(specs) / (snapshot_s + engine_s),
                "rack": parts[FR, "FR-MDC24-6010"].pk,
                "outdoor_part": parts["Cobaltframe Enclosures", "CF-OD24-55"].pk,
            }
        )
    )


def _run_job(out: Path, organisation_id: int) -> None:
    """Child: start a fleet validation of every build and wait for its end."""
    _setup()
    from configurator.builds.models import Build
    from configurator.fleet.models import FleetValidation
    from configurator.fleet.services.validations import fleet_validation_start
    from configurator.tenancy.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    began = time.perf_counter()
    job, _ = fleet_validation_start(
        organisation=organisation,
        builds=Build.objects.filter(site__organisation=organisation),
        selection={"bench": time.time()},
    )
    queued_s = time.perf_counter() - began
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == FleetValidation.Status.DONE:
            break
        time.sleep(0.2)
    wall = time.perf_counter() - began
    out.write_text(
        json.dumps(
            {
                "job": job.pk,
                "status": job.status,
                "total": job.total,
                "validated": job.validated,
                "reused": job.reused,
                "passed": job.passed,
                "warned": job.warned,
                "failed": job.failed,
                "errored": job.errored,
                "queued_s": queued_s,
                "wall_s": wall,
            }
        )
    )


def _impact(out: Path, *components: int) -> None:
    """Child: list every build that uses each component (index), timed."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from catalog.models import Component
    from configurator.fleet.selectors import affected_builds

    user = get_user_model().objects.create_user(username="bench-admin", is_superuser=True)
    results = []
    for pk in components:
        component = Component.objects.get(pk=pk)
        timings = []
        count = 0
        for _ in range(3):
            began = time.perf_counter()
            rows = list(
                affected_builds(component=component, user=user).values_list(
                    "pk", "site__name", "stored_report__verdict"
                )
            )
            timings.append(time.perf_counter() - began)
            count = len(rows)
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT DISTINCT build_id FROM configurator_buildline "
                "WHERE component_id = %s",
                [pk],
            )
            # The scans of the plan: which index answers "which builds use it".
            plan = " / ".join(
                row[0].strip().removeprefix("->").strip()
                for row in cursor.fetchall()
                if "Scan" in row[0]
            )
        results.append(
            {"component": str(component), "builds": count, "best_s": min(timings), "plan": plan}
        )
    out.write_text(json.dumps(results))


# --------------------------------------------------------------------------- parent


def _machine_note() -> str:
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


def _pg_role() -> str:
    """The machine's trust role: postgres, or root on some images (as .ci/run)."""
    for role in ("postgres", "root"):
        command = _psql_command(role, "-tAc", "select 1")
        done = subprocess.run(command, capture_output=True, check=False)  # noqa: S603
        if done.returncode == 0:
            return role
    raise SystemExit("fleet bench: no PostgreSQL role (postgres, root) on 127.0.0.1:5432")


def _psql(role: str, sql: str) -> None:
    command = _psql_command(role, "-v", "ON_ERROR_STOP=1", "-c", sql)
    subprocess.run(command, capture_output=True, check=True)  # noqa: S603


def _env(database_url: str, redis_url: str, queue: str) -> dict[str, str]:
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
        FLEET_VALIDATION_CHUNK_SIZE=str(CHUNK_SIZE),
        PYTHONPATH=str(ROOT),
    )
    return env


def _python(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"fleet bench: {' '.join(args[:3])} failed:\n{done.stdout}{done.stderr}")


def _child(env: dict[str, str], function: str, out: Path, *args: str) -> Any:
    _python(
        env,
        "-c",
        "import sys; from pathlib import Path; from benchmarks import fleet_bench as b; "
        f"b.{function}(Path(sys.argv[1]), *[int(a) for a in sys.argv[2:]])",
        str(out),
        *args,
    )
    return json.loads(out.read_text())


def _celery() -> str:
    local = Path(sys.executable).with_name("celery")
    return str(local) if local.exists() else "celery"


def _start_workers(env: dict[str, str], queue: str, tmp: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(WORKERS):
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
    for n in range(WORKERS):
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


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def main() -> None:
    """Set up PostgreSQL, Redis and the workers; measure; print; clean up."""
    print(_machine_note() + " (noisy machine: the workers, PostgreSQL and Redis share it)")
    began = time.perf_counter()
    name = f"fleet_bench_{os.getpid()}"
    role = _pg_role()
    base = os.environ.get("BENCH_PG_URL", PG_DEFAULT.format(role=role, name=""))
    database_url = base.rstrip("/") + "/" + name
    redis_url = os.environ.get("BENCH_REDIS_URL", REDIS_DEFAULT)
    queue = f"fleet-bench-{os.getpid()}"
    env = _env(database_url, redis_url, queue)
    _psql(role, f'CREATE DATABASE "{name}"')
    workers: list[subprocess.Popen[bytes]] = []
    tmp = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    try:
        _python(env, "manage.py", "migrate", "--noinput")
        _python(env, "manage.py", "seed_catalog")
        prepared = _child(env, "_prepare", tmp / "prepared.json")
        setup_s = time.perf_counter() - began
        workers = _start_workers(env, queue, tmp)
        first = _child(env, "_run_job", tmp / "job1.json", str(prepared["organisation"]))
        again = _child(env, "_run_job", tmp / "job2.json", str(prepared["organisation"]))
        impact = _child(
            env,
            "_impact",
            tmp / "impact.json",
            str(prepared["rack"]),
            str(prepared["outdoor_part"]),
        )
    except BaseException:
        for log in sorted(tmp.glob("worker-*.log")):
            print(f"--- {log.name} (last lines)\n{log.read_text(errors='replace')[-1500:]}")
        raise
    finally:
        _stop_workers(workers)
        _psql(role, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)

    builds = first["total"]
    print(
        f"fleet: {prepared['builds']:,} builds on {SITES:,} sites + a reference, "
        f"{prepared['lines']:.0f} lines each (demo store rack, 1 in 10 on the outdoor "
        f"variant); sites bulk-created in {prepared['sites_s']:.1f} s, standard applied to "
        f"them in {prepared['apply_s']:.1f} s; setup {setup_s:.0f} s"
    )
    print(
        f"workers: {WORKERS} x celery --pool=solo on PostgreSQL + Redis, chunks of "
        f"{CHUNK_SIZE} builds"
    )
    print()
    wall = first["wall_s"]
    verdict = "meets" if first["status"] == "done" and wall <= GOAL_VALIDATION_S else "MISSES"
    per_worker = first["validated"] / wall / WORKERS
    print(
        f"validate {builds:,} builds: {wall:.1f} s wall ({first['status']}; queued in "
        f"{first['queued_s']:.1f} s) -> goal <= {GOAL_VALIDATION_S:.0f} s: {verdict}"
    )
    print(
        f"  verdicts: {first['passed']:,} pass, {first['warned']:,} warnings, "
        f"{first['failed']:,} fail, {first['errored']} not judged; "
        f"{first['validated']:,} evaluated, {first['reused']} reused"
    )
    print(
        f"  {per_worker:,.0f} validations/s per worker, against {prepared['engine_per_s']:,.0f}/s "
        f"for the engine alone in one process (evaluate on ready snapshots: worker at "
        f"{per_worker / prepared['engine_per_s']:.0%}) and "
        f"{prepared['snapshot_and_engine_per_s']:,.0f}/s for snapshot + evaluate"
    )
    print(
        f"repeat the job (nothing changed): {again['wall_s']:.1f} s wall, "
        f"{again['validated']} evaluated, {again['reused']:,} reused"
    )
    print()
    for row in impact:
        ok = "meets" if row["best_s"] <= GOAL_IMPACT_S else "MISSES"
        print(
            f"impact listing ({row['component']}): {row['builds']:,} builds in "
            f"{row['best_s'] * 1e3:,.0f} ms (best of 3) -> goal <= {GOAL_IMPACT_S:.0f} s: {ok}"
        )
        print(f"  plan: {row['plan'][:200]}")
    print(_machine_note() + f" (after the run, {time.perf_counter() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
