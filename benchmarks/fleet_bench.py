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

Here: the settings and the report. The measurements run in child processes
(benchmarks.fleet_children); the processes themselves are benchmarks.fleet_processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.fleet_processes import (
    child,
    child_env,
    machine_note,
    pg_role,
    psql,
    python,
    start_workers,
    stop_workers,
)

SITES = int(os.environ.get("BENCH_FLEET_SITES", "10000"))
WORKERS = 2
CHUNK_SIZE = 100
GOAL_VALIDATION_S = 60.0
GOAL_IMPACT_S = 5.0
PG_DEFAULT = "postgres://{role}@127.0.0.1:5432/{name}"
REDIS_DEFAULT = "redis://127.0.0.1:6379/14"


def main() -> None:
    """Set up PostgreSQL, Redis and the workers; measure; print; clean up."""
    print(machine_note() + " (noisy machine: the workers, PostgreSQL and Redis share it)")
    began = time.perf_counter()
    name = f"fleet_bench_{os.getpid()}"
    role = pg_role()
    base = os.environ.get("BENCH_PG_URL", PG_DEFAULT.format(role=role, name=""))
    database_url = base.rstrip("/") + "/" + name
    redis_url = os.environ.get("BENCH_REDIS_URL", REDIS_DEFAULT)
    queue = f"fleet-bench-{os.getpid()}"
    env = child_env(database_url, redis_url, queue, CHUNK_SIZE)
    psql(role, f'CREATE DATABASE "{name}"')
    workers: list[subprocess.Popen[bytes]] = []
    tmp = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    try:
        python(env, "manage.py", "migrate", "--noinput")
        python(env, "manage.py", "seed_catalog")
        prepared = child(env, "prepare", tmp / "prepared.json", str(SITES))
        setup_s = time.perf_counter() - began
        workers = start_workers(env, queue, tmp, WORKERS)
        first = child(env, "run_job", tmp / "job1.json", str(prepared["organisation"]))
        again = child(env, "run_job", tmp / "job2.json", str(prepared["organisation"]))
        impact = child(
            env,
            "impact",
            tmp / "impact.json",
            str(prepared["rack"]),
            str(prepared["outdoor_part"]),
        )
    except BaseException:
        for log in sorted(tmp.glob("worker-*.log")):
            print(f"--- {log.name} (last lines)\n{log.read_text(errors='replace')[-1500:]}")
        raise
    finally:
        stop_workers(workers)
        psql(role, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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
    print(machine_note() + f" (after the run, {time.perf_counter() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
