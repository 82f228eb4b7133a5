"""The fleet benchmark's measurements, each run in a child process with Django set up.

`python -m benchmarks fleet` (benchmarks.fleet_bench) starts each function here in a fresh
interpreter on the benchmark's own database (benchmarks.fleet_processes.child), and reads
back the JSON it writes to ``out``:

- `prepare`: the organisation, the sites (bulk), the standard of the demo store rack with an
  outdoor variant, its roll-out; engine rates on a sample;
- `run_job`: a fleet validation of every build, timed to its end;
- `impact`: every build that uses a component, through the (component, build) index.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ENGINE_SAMPLE = 400
JOB_TIMEOUT_S = 900
OUTDOOR_SWAPS = [
    (("Fjordrack", "FR-MDC24-6010"), ("Cobaltframe Enclosures", "CF-OD24-55")),
    (("Polarwind Climate", "PW-FA5"), ("Polarwind Climate", "PW-SD35")),
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


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    import django

    django.setup()


def prepare(out: Path, sites: int) -> None:
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
    from configurator.management.demo_data import LINE_REFERENCES, load_demo_data
    from configurator.tenancy.models import Organisation
    from rules import evaluate

    # The demo store rack (the demo catalogue's parts), as seed_demo builds it.
    rack_lines = next(
        b["lines"] for b in load_demo_data().builds if b["example"] == "retail_store_rack"
    )
    organisation = Organisation.objects.create(name="Bench Retail", slug="bench")
    parts = {
        (c.manufacturer.name, c.sku): c
        for c in Component.objects.select_related("manufacturer").filter(
            sku__in={sku for _, _, sku, _ in rack_lines} | {new[1] for _, new in OUTDOOR_SWAPS}
        )
    }
    lab = site_services.site_create(organisation=organisation, name="Reference lab")
    reference = build_services.build_create(site=lab, name="Store rack", user=None)
    made: dict[str, Any] = {}
    for key, manufacturer, sku, placement in rack_lines:
        fields = {
            name: made[value] if name in LINE_REFERENCES else value
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
    rows = []
    for n in range(sites):
        country, grid, price, currency = COUNTRIES[n % len(COUNTRIES)]
        outdoor = n % 10 == 9
        rows.append(
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
    Site.objects.bulk_create(rows, batch_size=2000)
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
                "rack": parts["Fjordrack", "FR-MDC24-6010"].pk,
                "outdoor_part": parts["Cobaltframe Enclosures", "CF-OD24-55"].pk,
            }
        )
    )


def run_job(out: Path, organisation_id: int) -> None:
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


def impact(out: Path, *components: int) -> None:
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
