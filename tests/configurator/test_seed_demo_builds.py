"""seed_demo also creates the rules engine's four example builds from the demo catalogue."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.selectors import build_bom, build_report, build_snapshot
from configurator.management.commands.seed_demo import DEMO_BUILDS
from tests.rules.golden.compare import differences

pytestmark = pytest.mark.django_db

BUILD_NAMES = {
    "Retail store rack (back office, Lyon)",
    "GPU inference rack (overloaded)",
    "Telecom tower base cabinet (outdoor)",
    "Hospital edge room, 2N power",
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Seed once for the module (the catalogue load takes seconds), rolled back at the end.

    Each test's own transaction nests inside this one as a savepoint, so tests still
    cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_seed_demo_creates_the_four_example_builds(seeded: str) -> None:
    """Four draft builds on four sites of the demo organisation, lines placed and fed."""
    builds = Build.objects.select_related("site__organisation")
    assert {b.name for b in builds} == BUILD_NAMES
    assert {b.site.organisation.slug for b in builds} == {"demo"}
    assert {b.status for b in builds} == {"draft"}
    assert {d["example"] for d in DEMO_BUILDS} == {
        "retail_store_rack",
        "gpu_inference_overloaded",
        "telecom_tower_outdoor",
        "hospital_edge_2n",
    }
    for demo in DEMO_BUILDS:
        build = builds.get(name=demo["build"])
        assert build.lines.count() == len(demo["lines"])
        assert build.policy_override == demo["policy"]
        # Every reference stays inside the build.
        own = set(build.lines.values_list("pk", flat=True))
        for field in ("rack_id", "feed_a_id", "feed_b_id", "ups_id"):
            targets = set(build.lines.exclude(**{field: None}).values_list(field, flat=True))
            assert targets <= own


def test_seed_demo_sites_match_the_examples(seeded: str) -> None:
    """The sites carry the examples' environment and supply."""
    tower = Site.objects.get(name="Tower site TX-0413, high steppe")
    assert (tower.environment, tower.dusty, tower.occupied, tower.country) == (
        "outdoor",
        True,
        False,
        "CN",
    )
    assert tower.ambient_min_c == -30
    hospital = Site.objects.get(name="St. Aldric Hospital, edge room L-1")
    assert (hospital.supply_phases, hospital.room_volume_m3) == (3, 34.0)


def test_seed_demo_builds_judge_like_the_examples(seeded: str) -> None:
    """Retail and hospital pass; the GPU rack is overloaded; the cold tower site fails."""
    reports = {b.name: build_report(b) for b in Build.objects.all()}
    assert reports["Retail store rack (back office, Lyon)"].ok
    assert reports["Hospital edge room, 2N power"].ok
    gpu_errors = {f.code for f in reports["GPU inference rack (overloaded)"].errors}
    assert {"power.ups_kw_capacity", "thermal.cooling_capacity"} <= gpu_errors
    tower_errors = {f.code for f in reports["Telecom tower base cabinet (outdoor)"].errors}
    assert "thermal.ashrae_inlet" in tower_errors
    hospital = reports["Hospital edge room, 2N power"].metrics
    assert hospital.ups_redundancy == "2N"


def test_seed_demo_builds_have_a_single_currency_bom(seeded: str) -> None:
    """Each demo build prices in EUR with a positive total."""
    for build in Build.objects.all():
        bom = build_bom(build, show_cost=True)
        assert bom.currency == "EUR"
        assert bom.totals.list_price > 0


def test_seed_demo_twice_keeps_the_builds(seeded: str) -> None:
    """A second run creates no build or line and says the builds exist."""
    lines = BuildLine.objects.count()
    output = seed()
    assert Build.objects.count() == 4
    assert BuildLine.objects.count() == lines
    for name in BUILD_NAMES:
        assert f"Demo build {name!r} exists (unchanged)." in output


GOLDEN_DEMO = Path(__file__).with_name("golden_demo_builds.json")


def _positional(spec: dict[str, Any], report: dict[str, Any]) -> tuple[Any, Any]:
    """Spec and report with every line id ``L<pk>`` renamed by its place in the build.

    Primary keys depend on the database's sequences; the place of a line does not.
    """
    order = [r["id"] for r in spec["racks"]] + [i["id"] for i in spec["items"]]
    names = {line_id: f"line{n}" for n, line_id in enumerate(order)}
    pattern = re.compile(r"\bL\d+\b")

    def rename(text: str) -> Any:
        return json.loads(pattern.sub(lambda m: names.get(m.group(0), m.group(0)), text))

    return rename(json.dumps(spec)), rename(json.dumps(report))


def _by_natural_key(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with each component's ``ref`` (its primary key) replaced by manufacturer:SKU.

    On PostgreSQL, components created by earlier tests advance the sequence (a rolled-back
    transaction keeps it), so the seeded catalogue's keys differ from the committed file's.
    """
    spec = json.loads(json.dumps(spec))
    for entry in [*spec["racks"], *spec["items"]]:
        component = entry["component"]
        component["ref"] = f"{component['manufacturer']}:{component['sku']}"
    return spec


def test_seed_demo_builds_give_their_golden_reports(seeded: str) -> None:
    """Each demo build snapshots to the committed spec and gets the committed report.

    ``UPDATE_GOLDEN=1`` rewrites the file instead, for a reviewed change of behaviour.
    """
    got = {}
    for build in Build.objects.order_by("name"):
        spec = build_snapshot(build)
        got[build.name] = dict(
            zip(
                ("spec", "report"),
                _positional(
                    spec.model_dump(mode="json"), build_report(build).model_dump(mode="json")
                ),
                strict=True,
            )
        )
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN_DEMO.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden demo builds rewritten")
    want = json.loads(GOLDEN_DEMO.read_text(encoding="utf-8"))
    assert set(got) == set(want)
    for name, pair in got.items():
        assert _by_natural_key(pair["spec"]) == _by_natural_key(want[name]["spec"]), name
        out = differences(name, pair["report"], want[name]["report"])
        assert not out, "\n".join(out[:20])
