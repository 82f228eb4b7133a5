"""seed_demo_fleet: Northwind's 200 sites on one standard, validated, idempotent."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from configurator.builds.models import Build, BuildReport, Site
from configurator.fleet.models import FleetValidation, Standard, StandardBuild

pytestmark = pytest.mark.django_db


def test_seed_demo_fleet_rolls_out_and_validates_the_fleet(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """200 sites, one build each from the standard (kiosks on the outdoor variant, France on
    version 2), every build validated; a second run changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo_fleet", stdout=StringIO())
    standard = Standard.objects.get(organisation__slug="northwind")
    assert standard.current_version == 2
    links = StandardBuild.objects.filter(standard=standard)
    assert links.count() == 200
    outdoor = links.filter(site__environment=Site.Environment.OUTDOOR)
    assert outdoor.count() == outdoor.filter(variant__name="Outdoor kiosk").count() > 0
    assert set(links.filter(version=2).values_list("site__country", flat=True)) == {"FR"}
    job = FleetValidation.objects.get()
    assert (job.status, job.done, job.total) == ("done", 200, 200)
    assert BuildReport.objects.exclude(fingerprint="").count() == 200
    verdicts = set(BuildReport.objects.values_list("verdict", flat=True))
    assert {"warning", "fail"} <= verdicts  # sites differ: the same rack passes and fails
    builds = Build.objects.count()
    out = StringIO()
    call_command("seed_demo_fleet", stdout=out)
    assert Build.objects.count() == builds
    assert "exists (unchanged)" in out.getvalue()
