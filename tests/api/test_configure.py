"""POST /configure/, GET /configure/{id}/, POST /configure/{id}/save/: synchronous for small
requests, a worker (eager Celery in the tests) with a status URL for larger ones, 400 naming the
field, organisation scoping and cost only for sellers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog.choices import ComponentKind
from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.configure.models import ConfigureJob
from tests.configurator.conftest import (  # noqa: F401 (the proposals' parts, fixtures)
    liquid_parts,
    parts,
)
from tests.factories import ComponentFactory, SiteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("parts")]

URL = "/api/v1/configure/"


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def customer(customer_org: Any, user_with_role: Any) -> APIClient:
    return _client(user_with_role("customer", customer_org))


@pytest.fixture
def sales(org: Any, user_with_role: Any) -> APIClient:
    return _client(user_with_role("sales_engineer", org))


def _request(place: Any, **requirements: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Shop rack",
        "workload": {"classes": [{"it_class": "server", "count": 2}]},
        "constraints": {"runtime_min": 5},
    }
    body.update(requirements)
    return {"site": place.pk, "requirements": body, "extras": False}


def test_configure_small_request_answers_the_result_at_once(
    customer: APIClient, customer_org: Any
) -> None:
    """A one-rack request is solved in the request: 200, proven optimal, no cost shown; its
    optimum saves as a draft build with 0 engine errors."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(URL, _request(site), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done"
    assert body["progress_pct"] == 100
    result = body["result"]
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == result["bound"]
    optimum = result["options"][0]
    assert optimum["ok"]
    assert optimum["cost_price"] is None  # customers never see cost
    saved = customer.post(body["save_url"], {"option": 0, "name": "Shop 3"}, format="json")
    assert saved.status_code == 201, saved.json()
    build = Build.objects.get(pk=saved.json()["id"])
    assert build.name == "Shop 3"
    assert build.site == site
    assert not build_selectors.build_report(build).errors


def test_configure_large_request_runs_on_a_worker_with_a_status_url(
    customer: APIClient,
    customer_org: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An asynchronous request answers 202 with a status URL; the worker (eager here) stores
    the answer, which the status URL then serves with its progress at 100 %."""
    site = SiteFactory(organisation=customer_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer.post(URL, {**_request(site), "run": "async"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert response["Location"] == body["status_url"]
    status = customer.get(body["status_url"])
    assert status.status_code == 200
    assert status.json()["status"] == "done"
    assert status.json()["progress_pct"] == 100
    assert status.json()["result"]["options"][0]["ok"]


def test_configure_more_racks_than_one_is_asynchronous(
    customer: APIClient, customer_org: Any
) -> None:
    """`run: auto` sends a multi-rack request to a worker: 202, the job queued."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(
        URL, _request(site, constraints={"runtime_min": 5, "max_racks": 2}), format="json"
    )
    assert response.status_code == 202
    assert ConfigureJob.objects.get().status == ConfigureJob.Status.QUEUED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"constraints": {"runtime_min": 900}}, "requirements.constraints.runtime_min"),
        ({"redundancy": {"ups": "3N"}}, "requirements.redundancy.ups"),
        ({"workload": {}}, "requirements.workload"),
        ({"colour": "red"}, "requirements.colour"),
        ({"objective": {"terms": ["cost_price"]}}, "requirements.objective.terms"),
        ({"site": {"supply_phases": 1}}, "requirements.site"),
        ({"workload": {"items": [{"ref": "999999"}]}}, "requirements.workload.items.0.ref"),
    ],
)
def test_configure_bad_requirements_answer_400_naming_the_field(
    customer: APIClient, customer_org: Any, change: dict[str, Any], field: str
) -> None:
    """Bad requirements answer 400 with `details` keyed by the dotted path of the field."""
    site = SiteFactory(organisation=customer_org)
    response = customer.post(URL, _request(site, **change), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["details"], body["details"]
    assert not ConfigureJob.objects.exists()


def test_configure_cross_field_error_names_its_field(
    customer: APIClient, customer_org: Any
) -> None:
    """A check across fields names the field it is about."""
    site = SiteFactory(organisation=customer_org, room_cooling_w=None)
    response = customer.post(
        URL, _request(site, redundancy={"ups": "N", "cooling": "none"}), format="json"
    )
    assert response.status_code == 400
    assert "requirements.site.room_cooling_w" in response.json()["details"]


def test_configure_bad_options_answer_400(customer: APIClient, customer_org: Any) -> None:
    """The request's own fields are checked too: time limit, run mode, another's site."""
    site = SiteFactory(organisation=customer_org)
    for change, field in (
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"run": "later"}, "run"),
        ({"site": SiteFactory().pk}, "site"),
    ):
        response = customer.post(URL, {**_request(site), **change}, format="json")
        assert response.status_code == 400
        assert field in response.json()["details"]


def test_configure_sellers_see_cost(sales: APIClient, customer_org: Any) -> None:
    """A sales engineer may optimise on cost and sees each option's cost price."""
    site = SiteFactory(organisation=customer_org)
    body = _request(site, objective={"terms": ["cost_price"]})
    response = sales.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["options"][0]["cost_price"] > 0


def test_configure_of_another_organisation_answers_404(
    customer: APIClient, customer_org: Any, other_org: Any
) -> None:
    """Another organisation's configuration is not found, nor savable; anonymous is 401/403."""
    foreign = ConfigureJob.objects.create(
        organisation=other_org, requirements_json={}, status=ConfigureJob.Status.DONE
    )
    assert customer.get(f"{URL}{foreign.pk}/").status_code == 404
    assert customer.post(f"{URL}{foreign.pk}/save/", {}, format="json").status_code == 404
    assert APIClient().post(URL, {}, format="json").status_code in (401, 403)


def test_configure_save_of_an_unknown_option_answers_400(
    customer: APIClient, customer_org: Any
) -> None:
    """Saving an option the configuration does not have names the field."""
    site = SiteFactory(organisation=customer_org)
    body = customer.post(URL, _request(site), format="json").json()
    response = customer.post(body["save_url"], {"option": 7}, format="json")
    assert response.status_code == 400
    assert "option" in response.json()["details"]


def test_configure_liquid_is_asked_and_explained_through_the_api(
    customer: APIClient,
    customer_org: Any,
    liquid_parts: Any,  # noqa: F811 (the fixture, imported above)
) -> None:
    """``requirements.cooling`` liquid for two cold-plate servers asked by reference: the
    optimum cools by liquid and says so (``result.cooling``), each option names its cooling,
    and the saved build has the loop wired (the servers on the CDU, the CDU on the water)
    with 0 engine errors."""
    site = SiteFactory(
        organisation=customer_org, outdoor_min_c=-10, outdoor_max_c=27, relative_humidity_max_pct=50
    )
    node = liquid_parts["node"]
    body = _request(
        site, workload={"items": [{"ref": str(node.pk), "quantity": 2}]}, cooling="liquid"
    )
    response = customer.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()["result"]
    assert result["cooling"]["asked"] == "liquid"
    assert result["cooling"]["chosen"] == "liquid"
    assert result["cooling"]["reason"].startswith("Liquid cooling was asked")
    assert result["options"][0]["cooling"] == "liquid"
    saved = customer.post(response.json()["save_url"], {"option": 0}, format="json")
    assert saved.status_code == 201, saved.json()
    build = Build.objects.get(pk=saved.json()["id"])
    nodes = build.lines.filter(component=node)
    cdus = {line.coolant_from for line in nodes}
    assert len(cdus) == 1
    (cdu,) = cdus
    assert cdu is not None
    assert cdu.component == liquid_parts["cdu"]
    assert cdu.coolant_from is not None
    assert cdu.coolant_from.component == liquid_parts["water"]
    assert not build_selectors.build_report(build).errors


def test_configure_bad_cooling_choice_answers_400_naming_the_field(
    customer: APIClient, customer_org: Any
) -> None:
    site = SiteFactory(organisation=customer_org)
    response = customer.post(URL, _request(site, cooling="immersion"), format="json")
    assert response.status_code == 400
    assert "requirements.cooling" in response.json()["details"]


def test_configure_compares_kits_facility_only_through_the_api(
    customer: APIClient,
    customer_org: Any,
    parts: dict[str, Any],  # noqa: F811 (the fixture, imported above)
) -> None:
    """With extras, each kit of the catalogue is priced against the optimum's facility (the IT
    is the customer's either way): saving = (kit - modular) / kit x 100, and the modular side
    is the optimum's facility list price, not its whole price."""
    members = [
        {"manufacturer": parts[key].manufacturer.name, "sku": parts[key].sku}
        for key in ("rack", "ups", "pdu", "cooling")
    ]
    ComponentFactory(
        kind=ComponentKind.BUNDLE,
        model_name="Edge kit 24U",
        list_price=Decimal("50000.00"),
        spec={
            "kind": "bundle",
            "members": members,
            "it_capacity_w": 2000,
            "cooling_capacity_w": 3500,
            "runtime_min_at_capacity": 10,
            "rack_units": 24,
        },
    )
    site = SiteFactory(organisation=customer_org)
    body = customer.post(URL, {**_request(site), "extras": True}, format="json").json()
    result = body["result"]
    optimum = result["options"][0]
    (kit,) = result["kits"]
    assert kit["name"].endswith("Edge kit 24U")
    assert kit["modular_price"] == pytest.approx(optimum["facility_list_price"])
    assert optimum["facility_list_price"] < optimum["list_price"]  # the servers are left out
    assert kit["feasible"], kit["reason"]
    expected = (kit["kit_price"] - kit["modular_price"]) / kit["kit_price"] * 100
    assert kit["saving_pct"] == pytest.approx(expected, abs=0.05)
    assert kit["kit_price"] >= 50000  # the kit, plus whatever add-ons it still needs
