"""Fleet API: standards and roll-outs, fleet validations, the fleet, its BOM, impact, bulk sites."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

import rules
from configurator.builds.models import Build, Site
from configurator.fleet.models import FleetValidation, Standard
from configurator.fleet.services import standards
from configurator.fleet.services.validations import fleet_validation_start
from rules.model import Report
from tests.api import API, assert_envelope, count_queries, member, token_client
from tests.configurator.fleet.conftest import Fleet, make_fleet
from tests.factories import CustomerOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(db: None) -> Fleet:
    return make_fleet(site_count=6)


def as_role(fleet: Fleet, role: str) -> APIClient:
    """A client acting as `role` toward contoso's fleet (served by acme)."""
    client = APIClient()
    if role == "anonymous":
        return client
    if role == "outsider":
        globex = OrganisationFactory(name="Globex", slug="globex")
        client.force_authenticate(member("sales_engineer", globex))
        return client
    if role == "customer":
        client.force_authenticate(member("customer", fleet.contoso))
        return client
    if role == "integrator":
        return token_client(member("integrator", fleet.contoso), fleet.contoso)
    client.force_authenticate(member(role, fleet.acme))
    return client


def make_standard(fleet: Fleet, client: APIClient) -> dict[str, Any]:
    response = client.post(
        f"{API}/standards/", {"build": fleet.reference.pk, "name": "Store rack"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def rolled_out(fleet: Fleet) -> Standard:
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    standards.standard_apply(standard=standard, sites=fleet.sites, user=None)
    return standard


# --------------------------------------------------------------------------- standards


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("outsider", 400),  # the build is not theirs: "Unknown build."
        ("customer", 201),
        ("sales_engineer", 201),
        ("integrator", 201),
        ("catalogue_manager", 400),  # acme's catalogue managers do not act on contoso
    ],
)
def test_create_standard_permission_matrix(fleet: Fleet, role: str, status: int) -> None:
    """Whoever sees the build may standardise it; others cannot name it."""
    response = as_role(fleet, role).post(
        f"{API}/standards/", {"build": fleet.reference.pk, "name": "Store rack"}, format="json"
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["organisation"] == "contoso"
        assert response.json()["current_version"] == 1
    else:
        assert_envelope(response, status)


def test_standards_of_others_answer_404(fleet: Fleet) -> None:
    """A standard of contoso is invisible to another organisation."""
    standard = rolled_out(fleet)
    client = as_role(fleet, "outsider")
    for path in ("", "versions/", "variants/", "sites/"):
        assert_envelope(client.get(f"{API}/standards/{standard.pk}/{path}"), 404)
    assert client.get(f"{API}/standards/").json()["count"] == 0


def test_apply_publish_and_reapply_through_the_api(fleet: Fleet) -> None:
    """Roll out to sites, refuse a second roll-out naming the site, publish v2 after a change,
    list the sites behind with the difference, re-apply those behind."""
    client = as_role(fleet, "sales_engineer")
    standard = make_standard(fleet, client)
    url = f"{API}/standards/{standard['id']}/"
    sites = [site.pk for site in fleet.sites]
    applied = client.post(f"{url}apply/", {"sites": sites}, format="json")
    assert applied.status_code == 201, applied.content
    assert {b["site"] for b in applied.json()} == set(sites)
    again = client.post(f"{url}apply/", {"sites": sites[:1]}, format="json")
    body = assert_envelope(again, 400, "validation_error")
    assert "Store 001" in body["details"]["sites"][0]
    unknown = client.post(f"{url}apply/", {"sites": [sites[0] + 10_000]}, format="json")
    assert_envelope(unknown, 400)
    client.post(
        f"{API}/builds/{fleet.reference.pk}/lines/",
        {"component": fleet.parts["switch"].pk},
        format="json",
    )
    published = client.post(f"{url}versions/", {"notes": "A switch"}, format="json")
    assert published.status_code == 201, published.content
    assert published.json()["number"] == 2
    rows = client.get(f"{url}sites/?behind=true").json()["results"]
    assert len(rows) == len(sites)
    assert rows[0]["difference"]["components"] == [
        {"component": fleet.parts["switch"].pk, "before": 0, "after": 1}
    ]
    moved = client.post(f"{url}reapply/", {"behind": True}, format="json")
    assert moved.status_code == 200, moved.content
    assert len(moved.json()) == len(sites)
    assert client.get(f"{url}sites/?behind=true").json()["count"] == 0


def test_variant_of_mismatched_kinds_is_refused(fleet: Fleet) -> None:
    """A swap across kinds is named by its index."""
    client = as_role(fleet, "sales_engineer")
    standard = make_standard(fleet, client)
    response = client.post(
        f"{API}/standards/{standard['id']}/variants/",
        {
            "name": "Wrong",
            "substitutions": [{"replace": fleet.parts["rack"].pk, "with": fleet.parts["ups"].pk}],
        },
        format="json",
    )
    body = assert_envelope(response, 400)
    assert "substitutions.0" in body["details"]


# --------------------------------------------------------------------------- validations


def test_fleet_validation_runs_and_reports_progress(
    fleet: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """POST answers 202 with a status URL; the job validates every build; results list them."""
    rolled_out(fleet)
    client = as_role(fleet, "sales_engineer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/fleet-validations/", {"organisation": "contoso"}, format="json"
        )
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["status_url"]
    assert response["Retry-After"] == "1"
    job = response.json()
    assert job["status_url"].endswith(f"/fleet-validations/{job['id']}/")
    status = client.get(job["status_url"]).json()
    assert (status["status"], status["done"], status["total"], status["percent"]) == (
        "done",
        7,
        7,
        100,
    )
    results = client.get(f"{job['results_url']}?verdict=fail").json()
    assert results["count"] == 1
    assert results["results"][0]["site_name"] == "Store 006"


def test_same_selection_while_running_answers_the_job(fleet: Fleet) -> None:
    """A second POST of the same selection gets 200 and the job already on it."""
    rolled_out(fleet)
    client = as_role(fleet, "integrator")
    standard = Standard.objects.get()
    first = client.post(f"{API}/fleet-validations/", {"standard": standard.pk}, format="json")
    second = client.post(f"{API}/fleet-validations/", {"standard": standard.pk}, format="json")
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    cancelled = client.post(f"{API}/fleet-validations/{first.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"


def test_fleet_validation_needs_an_organisation_when_acting_for_several(fleet: Fleet) -> None:
    """A sales engineer acting for acme and contoso names the organisation."""
    rolled_out(fleet)
    response = as_role(fleet, "sales_engineer").post(f"{API}/fleet-validations/", {}, format="json")
    body = assert_envelope(response, 400)
    assert "organisation" in body["details"]


def test_fleet_validations_of_others_answer_404(
    fleet: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Another organisation sees no job of contoso's."""
    rolled_out(fleet)
    job, _ = fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())
    client = as_role(fleet, "outsider")
    assert_envelope(client.get(f"{API}/fleet-validations/{job.pk}/"), 404)
    assert_envelope(client.post(f"{API}/fleet-validations/{job.pk}/cancel/"), 404)
    assert FleetValidation.objects.get().status == "queued"


# --------------------------------------------------------------------------- the fleet


def validate_all(fleet: Fleet, capture: Callable[..., Any]) -> None:
    with capture(execute=True):
        fleet_validation_start(organisation=fleet.contoso, builds=Build.objects.all())


def test_fleet_summary_counts_and_totals(
    fleet: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Counts by verdict and the engine's energy figures summed over the fleet."""
    rolled_out(fleet)
    validate_all(fleet, django_capture_on_commit_callbacks)
    client = as_role(fleet, "customer")
    summary = client.get(f"{API}/fleet/?organisation=contoso").json()
    assert summary["builds"] == 7
    assert summary["verdicts"]["fail"] == 1
    assert summary["verdicts"]["none"] == 0
    assert summary["annual_kwh"] > 0
    assert set(summary["energy_cost_per_year"]) == {"EUR"}
    failing = client.get(f"{API}/fleet/?verdict=fail").json()
    assert failing["builds"] == 1
    assert_envelope(client.get(f"{API}/fleet/?standard=abc"), 400)


def test_fleet_builds_rows_say_whether_the_report_is_current(
    fleet: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Rows carry the stored verdict and `current`; a site change makes it not current."""
    rolled_out(fleet)
    validate_all(fleet, django_capture_on_commit_callbacks)
    client = as_role(fleet, "customer")
    rows = client.get(f"{API}/fleet/builds/?q=Store 001").json()["results"]
    assert [r["current"] for r in rows] == [True]
    Site.objects.filter(name="Store 001").update(altitude_m=900)
    rows = client.get(f"{API}/fleet/builds/?q=Store 001").json()["results"]
    assert [r["current"] for r in rows] == [False]
    assert rows[0]["standard"]["name"] == "Store rack"


def test_fleet_builds_query_count_is_constant(db: None) -> None:
    """Listing 4 or 13 builds of a fleet costs the same queries."""
    fleet = make_fleet(site_count=12)
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    client = as_role(fleet, "customer")
    counts = {}
    for sites in (fleet.sites[:3], fleet.sites[3:]):
        standards.standard_apply(standard=standard, sites=sites, user=None)
        expected = Build.objects.count()
        counts[expected], response = count_queries(lambda: client.get(f"{API}/fleet/builds/"))
        assert response.json()["count"] == expected
    assert len(set(counts.values())) == 1, counts


def test_fleet_bom_sums_units_and_exports_csv_and_xlsx(fleet: Fleet) -> None:
    """The fleet BOM sums each component over the builds; CSV and XLSX carry the same rows."""
    rolled_out(fleet)
    client = as_role(fleet, "sales_engineer")
    bom = client.get(f"{API}/fleet/bom/?organisation=contoso").json()
    servers = next(r for r in bom["categories"] if r["kind"] == "server")["rows"][0]
    assert servers["quantity"] == 2 * 7  # two per build, six sites and the reference
    csv_response = client.get(f"{API}/fleet/bom/?organisation=contoso&format=csv")
    assert csv_response.status_code == 200
    assert "Server R1" in csv_response.content.decode("utf-8-sig")
    xlsx = client.get(f"{API}/fleet/bom/?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any("Server R1" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert (
        "unit_cost"
        not in as_role(fleet, "customer")
        .get(f"{API}/fleet/bom/")
        .json()["categories"][0]["rows"][0]
    )


def test_impact_lists_builds_using_a_component(fleet: Fleet) -> None:
    """Which builds use the server; a bad or unknown component id is a 400."""
    rolled_out(fleet)
    client = as_role(fleet, "customer")
    response = client.get(f"{API}/fleet/impact/?component={fleet.parts['server'].pk}")
    assert response.json()["count"] == 7
    unused = client.get(f"{API}/fleet/impact/?component={fleet.parts['enclosure'].pk}")
    assert unused.json()["count"] == 0
    assert_envelope(client.get(f"{API}/fleet/impact/?component=x"), 400)
    assert_envelope(client.get(f"{API}/fleet/impact/?component=99999999"), 400)
    other = as_role(fleet, "outsider").get(
        f"{API}/fleet/impact/?component={fleet.parts['server'].pk}"
    )
    assert other.json()["count"] == 0


def test_catalogue_change_impact_endpoint(
    fleet: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """A UPS made too small: the change is listed with its impact for the fleet's owner."""
    rolled_out(fleet)
    validate_all(fleet, django_capture_on_commit_callbacks)
    ups = fleet.parts["ups"]
    with django_capture_on_commit_callbacks(execute=True):
        ups.spec = {**ups.spec, "kw": 0.3, "kva": 0.4}
        ups.save()
    client = as_role(fleet, "customer")
    changes = client.get(f"{API}/catalogue-changes/").json()
    assert changes["count"] == 1
    impact = client.get(changes["results"][0]["impact_url"]).json()
    assert (impact["affected_builds"], impact["failing"], impact["newly_failing"]) == (7, 7, 6)
    assert impact["new_findings"]
    assert as_role(fleet, "outsider").get(f"{API}/catalogue-changes/").json()["count"] == 0


# --------------------------------------------------------------------------- sites in bulk


def test_sites_bulk_creates_and_updates_all_or_nothing(fleet: Fleet) -> None:
    """Objects by name: created or updated; one bad object refuses all, named by index."""
    client = as_role(fleet, "integrator")
    bad = client.post(
        f"{API}/sites/bulk/",
        {"sites": [{"name": "New 1"}, {"name": "Store 001", "altitude_m": 99999}]},
        format="json",
    )
    body = assert_envelope(bad, 400)
    assert "sites.1.altitude_m" in body["details"]
    assert not Site.objects.filter(name="New 1").exists()
    good = client.post(
        f"{API}/sites/bulk/",
        {"sites": [{"name": "New 1", "country": "SE"}, {"name": "Store 001", "altitude_m": 500}]},
        format="json",
    )
    assert good.status_code == 200, good.content
    assert (good.json()["created"], good.json()["updated"]) == (1, 1)
    assert Site.objects.get(name="Store 001").altitude_m == 500


def test_sites_import_csv_names_bad_rows(fleet: Fleet) -> None:
    """A CSV upload: a bad row answers 400 keyed rows.<row>.<field>; a good file imports."""
    client = as_role(fleet, "customer")
    bad = io.BytesIO(b"name,altitude_m\nA,10\nB,high\n")
    bad.name = "sites.csv"
    response = client.post(f"{API}/sites/import/", {"file": bad}, format="multipart")
    body = assert_envelope(response, 400)
    assert list(body["details"]) == ["rows.3.altitude_m"]
    good = io.BytesIO(b"name,altitude_m,country\nA,10,fr\nB,20,de\n")
    good.name = "sites.csv"
    response = client.post(f"{API}/sites/import/", {"file": good}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    text = io.BytesIO(b"name\nA\n")
    text.name = "sites.txt"
    assert_envelope(client.post(f"{API}/sites/import/", {"file": text}, format="multipart"), 400)


def test_sites_bulk_into_an_invisible_organisation_is_refused(fleet: Fleet) -> None:
    """Naming an organisation the caller does not act for is a 400, and writes nothing."""
    CustomerOrganisationFactory(name="Initech", slug="initech")
    response = as_role(fleet, "sales_engineer").post(
        f"{API}/sites/bulk/", {"organisation": "initech", "sites": [{"name": "X"}]}, format="json"
    )
    assert_envelope(response, 400)
    assert not Site.objects.filter(name="X").exists()


# --------------------------------------------------------------------------- report cache


def test_validation_endpoint_answers_a_repeat_without_the_engine(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second GET of an unchanged build is the stored report: no engine run."""
    runs = {"n": 0}
    real = rules.evaluate

    def counting(spec: Any) -> Report:
        runs["n"] += 1
        return real(spec)

    monkeypatch.setattr(rules, "evaluate", counting)
    client = as_role(fleet, "customer")
    url = f"{API}/builds/{fleet.reference.pk}/validation/"
    first = client.get(url)
    second = client.get(url)
    assert first.json() == second.json()
    assert runs["n"] == 1
