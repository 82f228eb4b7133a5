"""/api/v1/builds/{id}/validation/: the engine's report, scoped, in constant queries."""

from __future__ import annotations

import pytest

from configurator.builds.models import Build
from configurator.builds.selectors import build_report, component_specs_forget
from tests.api import API, MANAGERS, ROLES, World, assert_envelope, count_queries, grow, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


def validation_url(world: World) -> str:
    return f"{API}/builds/{world.build.pk}/validation/"


@pytest.mark.parametrize(
    ("role", "status"),
    [(role, 401 if role == "anonymous" else 200 if role in MANAGERS else 404) for role in ROLES],
)
def test_validation_permission_matrix(world: World, role: str, status: int) -> None:
    """The report is for callers who see the build; others get 404, anonymous 401."""
    response = world.client(role).get(validation_url(world))
    assert response.status_code == status, response.content
    if status != 200:
        assert_envelope(response, status)


def test_validation_answers_the_engine_report(world: World) -> None:
    """The body is Report.model_dump(mode="json") of the stored build; line ids are L<pk>."""
    response = world.client("customer").get(validation_url(world))
    assert response.status_code == 200
    assert response.json() == build_report(world.build).model_dump(mode="json")
    rack_ids = {rack["rack_id"] for rack in response.json()["metrics"]["racks"]}
    assert rack_ids == {f"L{world.rack.pk}"}


def test_validation_with_errors_still_answers_200(world: World) -> None:
    """A failing build is still a successful read: 200 with the error findings."""
    Build.objects.filter(pk=world.build.pk).update(
        policy_override={"require_fire_suppression": True}
    )
    body = world.client("customer").get(validation_url(world)).json()
    assert body["ok"] is False
    assert "fire.required" in {f["code"] for f in body["findings"] if f["severity"] == "error"}


def test_validation_query_count_is_constant(world: World) -> None:
    """Validating a build of 10 lines costs the same queries as one of 200."""
    client = world.client("admin")
    counts = {}
    for size in (10, 200):
        grow(world.build, world.rack, world.components["server"], size)
        component_specs_forget()  # each size reads its components: the same work for both
        counts[size], response = count_queries(lambda: client.get(validation_url(world)))
        assert response.status_code == 200
    assert counts[10] == counts[200], counts
