"""Fleet pages: the fleet with filters and counts, jobs with live progress, standards,
sites import and catalogue changes; scoped like everything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from configurator.builds.models import Build, BuildLine, Site
from configurator.fleet.models import FleetValidation, StandardBuild
from configurator.fleet.services import standards
from configurator.fleet.services.validations import (
    fleet_validation_chunk_run,
    fleet_validation_start,
)
from tests.api import member
from tests.configurator.fleet.conftest import Fleet, make_fleet
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(db: None) -> Fleet:
    fleet = make_fleet(site_count=5)
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    standards.standard_apply(standard=standard, sites=fleet.sites[1:], user=None)
    return fleet


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sales(fleet: Fleet) -> Client:
    return client_of(member("sales_engineer", fleet.acme))


def test_fleet_page_lists_builds_with_counts_and_filters(
    fleet: Fleet, sales: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The fleet page shows every build of the organisation; validating fills the verdicts,
    and the verdict filter narrows the rows."""
    page = sales.get("/fleet/?organisation=contoso")
    assert page.status_code == 200
    assert page.context["summary"].builds == 5
    assert page.context["summary"].verdicts["none"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        started = sales.post("/fleet/validate/", {"organisation": "contoso"})
    job = FleetValidation.objects.get()
    assert started.status_code == 302
    assert started["Location"] == f"/fleet/validations/{job.pk}/"
    page = sales.get("/fleet/?organisation=contoso")
    assert page.context["summary"].verdicts["fail"] == 1
    failing = sales.get("/fleet/?organisation=contoso&verdict=fail")
    assert [row.build.site.name for row in failing.context["rows"]] == ["Store 005"]
    assert b"Store 005" in failing.content
    assert sales.get("/fleet/?organisation=contoso&standard=x").status_code == 200  # no crash


def test_progress_partial_polls_only_while_the_job_runs(fleet: Fleet, sales: Client) -> None:
    """The progress partial asks htmx to poll while queued or running, not once done."""
    job, _ = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    running = sales.get(f"/fleet/validations/{job.pk}/progress/")
    assert b'hx-trigger="every 2s"' in running.content
    fleet_validation_chunk_run(job_id=job.pk, chunk=0)
    done = sales.get(f"/fleet/validations/{job.pk}/progress/")
    assert b"hx-trigger" not in done.content
    assert b"5 of 5 builds" in done.content
    page = sales.get(f"/fleet/validations/{job.pk}/?verdict=fail")
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 1


def test_other_organisations_see_nothing(fleet: Fleet) -> None:
    """Another organisation's user gets 404 on the standard and the job, and an empty fleet."""
    job, _ = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    outsider = client_of(member("sales_engineer", OrganisationFactory(name="Globex")))
    standard = StandardBuild.objects.first().standard
    assert outsider.get(f"/fleet/standards/{standard.pk}/").status_code == 404
    assert outsider.get(f"/fleet/validations/{job.pk}/").status_code == 404
    assert outsider.post(f"/fleet/validations/{job.pk}/cancel/").status_code == 404
    assert outsider.get("/fleet/?organisation=contoso").context["summary"].builds == 0


def test_standard_page_rolls_out_publishes_and_reapplies(fleet: Fleet, sales: Client) -> None:
    """Roll out to the last site, publish v2 after a change, re-apply those behind."""
    standard = StandardBuild.objects.first().standard
    url = f"/fleet/standards/{standard.pk}/"
    page = sales.get(url)
    assert page.context["sites_without"] == 2  # Store 001 and the reference lab
    last = Site.objects.get(name="Store 001")
    assert sales.post(f"{url}apply/", {"sites": [last.pk]}).status_code == 302
    assert StandardBuild.objects.filter(site=last).exists()
    BuildLine.objects.create(
        build=fleet.reference, component=fleet.parts["switch"], quantity=1, sort_order=9
    )
    assert sales.post(f"{url}publish/", {"notes": "switch"}).status_code == 302
    page = sales.get(url)
    assert page.context["behind"] == 5
    assert sales.post(f"{url}reapply/", {"behind": "1"}).status_code == 302
    assert sales.get(url).context["behind"] == 0


def test_new_standard_form_makes_version_one(fleet: Fleet, sales: Client) -> None:
    """A standard made from a build in the form; its page follows."""
    other = Build.objects.create(site=fleet.sites[4], name="Kiosk rack")
    BuildLine.objects.create(build=other, component=fleet.parts["rack"], sort_order=0)
    response = sales.post(
        "/fleet/standards/", {"build": other.pk, "name": "Kiosk", "description": ""}
    )
    assert response.status_code == 302
    assert sales.get(response["Location"]).status_code == 200


def test_sites_import_page_names_bad_rows_and_imports_good_files(
    fleet: Fleet, sales: Client
) -> None:
    """A bad sheet answers 400 listing its rows; a good one creates the sites."""
    bad = SimpleUploadedFile("sites.csv", b"name,altitude_m\nA,10\nB,high\n")
    response = sales.post("/fleet/sites/import/", {"organisation": fleet.contoso.pk, "file": bad})
    assert response.status_code == 400
    assert b"row 3: altitude_m" in response.content
    assert not Site.objects.filter(name="A").exists()
    good = SimpleUploadedFile("sites.csv", b"name,altitude_m\nA,10\nB,20\n")
    response = sales.post("/fleet/sites/import/", {"organisation": fleet.contoso.pk, "file": good})
    assert response.status_code == 200
    assert Site.objects.filter(organisation=fleet.contoso, name__in=["A", "B"]).count() == 2


def test_fleet_bom_downloads(fleet: Fleet, sales: Client) -> None:
    """CSV and XLSX of the filtered fleet; another format is a 404."""
    csv_response = sales.get("/fleet/bom.csv?organisation=contoso")
    assert csv_response["Content-Disposition"].endswith('fleet-bom-contoso.csv"')
    assert "Server R1" in csv_response.content.decode("utf-8-sig")
    xlsx = sales.get("/fleet/bom.xlsx?organisation=contoso")
    assert xlsx.content[:2] == b"PK"
    assert sales.get("/fleet/bom.pdf").status_code == 404


def test_catalogue_change_pages(
    fleet: Fleet, sales: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """A change appears in the list; its page says how many sites fail after it."""
    ups = fleet.parts["ups"]
    with django_capture_on_commit_callbacks(execute=True):
        ups.spec = {**ups.spec, "kw": 0.3, "kva": 0.4}
        ups.save()
    listing = sales.get("/fleet/changes/")
    change = listing.context["page"].object_list[0]
    page = sales.get(f"/fleet/changes/{change.pk}/")
    assert page.status_code == 200
    assert b"5 sites fail after this change" in page.content
