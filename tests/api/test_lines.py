"""/api/v1/builds/{id}/lines/: permission matrix, component references, placement, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from configurator.builds.models import Build, BuildLine
from tests.api import (
    API,
    MANAGERS,
    ROLES,
    World,
    add_line,
    assert_envelope,
    count_queries,
    grow,
    make_world,
)
from tests.factories import BuildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


OK = {"list": 200, "retrieve": 200, "create": 201, "partial_update": 200, "destroy": 204}
MATRIX = [
    (role, action, 401 if role == "anonymous" else ok if role in MANAGERS else 404)
    for role in ROLES
    for action, ok in OK.items()
]


def lines_url(world: World) -> str:
    return f"{API}/builds/{world.build.pk}/lines/"


@pytest.mark.parametrize(("role", "action", "status"), MATRIX)
def test_lines_permission_matrix(world: World, role: str, action: str, status: int) -> None:
    """Lines of contoso's build are for callers who see contoso; others get 404."""
    client = world.client(role)
    base = lines_url(world)
    detail = f"{base}{world.server.pk}/"
    if action == "list":
        response = client.get(base)
    elif action == "retrieve":
        response = client.get(detail)
    elif action == "create":
        response = client.post(base, {"component": world.components["pdu"].pk}, format="json")
    elif action == "partial_update":
        response = client.patch(detail, {"note": "moved"}, format="json")
    else:
        response = client.delete(detail)
    assert response.status_code == status, response.content
    if status >= 400:
        assert_envelope(response, status)
        assert Build.objects.get(pk=world.build.pk).revision == 1
    else:
        assert response["ETag"] == ('"1"' if action in ("list", "retrieve") else '"2"')


@pytest.mark.parametrize(
    "reference",
    [
        "PK",
        {"id": "PK"},
        {"manufacturer": "helix", "sku": "R20"},
        {"manufacturer": "Helix", "sku": "R20"},
        {"manufacturer": " helix ", "sku": " R20 "},
    ],
)
def test_line_component_by_id_or_by_manufacturer_and_sku(world: World, reference: Any) -> None:
    """A component is named by id, {"id"} or {"manufacturer": slug or name, "sku"}."""
    pk = world.components["server"].pk
    if reference == "PK":
        reference = pk
    elif isinstance(reference, dict) and reference.get("id") == "PK":
        reference = {"id": pk}
    response = world.client("admin").post(
        lines_url(world), {"component": reference, "quantity": 2}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["component"]["id"] == pk
    assert body["component"]["manufacturer"] == {"slug": "helix", "name": "Helix"}
    assert body["quantity"] == 2
    assert body["ref"] == f"L{body['id']}"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "component"),
        ({"component": None}, "component"),
        ({"component": "R20"}, "component"),
        ({"component": True}, "component"),
        ({"component": [1]}, "component"),
        ({"component": 10**30}, "component"),
        ({"component": 999_999}, "component"),
        ({"component": {"manufacturer": "helix"}}, "component"),
        ({"component": {"manufacturer": "helix", "sku": "NOPE"}}, "component"),
        ({"component": {"manufacturer": 1, "sku": ["R20"]}}, "component"),
        ({"component": {"manufacturer": "helix\x00", "sku": "R20"}}, "component"),
        ({"component": {"id": "1"}}, "component"),
        ({"component": "SERVER", "quantity": 0}, "quantity"),
        ({"component": "SERVER", "quantity": -1}, "quantity"),
        ({"component": "SERVER", "quantity": 10**20}, "quantity"),
        ({"component": "SERVER", "quantity": "two"}, "quantity"),
        ({"component": "SERVER", "quantity": None}, "quantity"),
        ({"component": "SERVER", "position_u": 5}, "position_u"),  # no rack
        ({"component": "SERVER", "rack": "RACK", "position_u": 1.25}, "position_u"),
        ({"component": "SERVER", "rack": "RACK", "position_u": 0}, "position_u"),
        ({"component": "SERVER", "rack": "RACK", "position_u": 1e10}, "position_u"),
        ({"component": "SERVER", "rack": "RACK", "position_u": "NaN"}, "position_u"),
        ({"component": "SERVER", "rack": "RACK", "position_u": 42}, "position_u"),  # U 42 ok
        ({"component": "SERVER", "rack": "RACK", "position_u": 43}, "position_u"),  # out
        ({"component": "SERVER", "rack": "RACK", "position_u": 3}, "position_u"),  # taken
        ({"component": "SERVER", "rack": "UPS"}, "rack"),  # not a rack
        ({"component": "SERVER", "rack": 10**30}, "rack"),
        ({"component": "SERVER", "rack": "FOREIGN"}, "rack"),  # line of another build
        ({"component": "SERVER", "feed_a": "SERVERLINE"}, "feed_a"),  # not a source
        ({"component": "SERVER", "feed_a": "UPS", "feed_b": "UPS"}, "feed_b"),
        ({"component": "SERVER", "ups": "UPS"}, "ups"),  # only batteries extend a UPS
        ({"component": "SERVER", "phase": 4}, "phase"),
        ({"component": "SERVER", "face": "top"}, "face"),
        ({"component": "SERVER", "note": "x" * 600}, "note"),
        ({"component": "RACK_COMPONENT", "quantity": 2}, "quantity"),
    ],
)
def test_line_create_bad_input_is_400_naming_the_field(
    world: World, payload: dict[str, Any], field: str
) -> None:
    """Bad lines answer 400 naming the field (and the line in the way); nothing is saved."""
    foreign = add_line(BuildFactory(), world.components["rack"])
    names = {
        "SERVER": world.components["server"].pk,
        "RACK_COMPONENT": world.components["rack"].pk,
        "RACK": world.rack.pk,
        "UPS": world.ups.pk,
        "SERVERLINE": world.server.pk,
        "FOREIGN": foreign.pk,
    }
    payload = {k: names.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    before = BuildLine.objects.count()
    response = world.client("admin").post(lines_url(world), payload, format="json")
    if payload.get("position_u") == 42:
        assert response.status_code == 201, response.content  # the top U is inside the rack
        return
    body = assert_envelope(response, 400, "validation_error")
    assert field in body["details"], body
    assert BuildLine.objects.count() == before
    assert Build.objects.get(pk=world.build.pk).revision == 1


def test_line_overlap_message_names_the_line_in_the_way(world: World) -> None:
    """A taken U position names the line that holds it."""
    response = world.client("admin").post(
        lines_url(world),
        {"component": world.components["server"].pk, "rack": world.rack.pk, "position_u": 2},
        format="json",
    )
    body = assert_envelope(response, 400)
    assert f"line {world.ups.pk}" in body["details"]["position_u"][0]


def test_line_move_and_component_fixed(world: World) -> None:
    """PATCH moves a line; its component cannot be swapped."""
    response = world.client("admin").patch(
        f"{lines_url(world)}{world.server.pk}/",
        {"position_u": "10.0", "component": world.components["pdu"].pk, "sort_order": 9},
        format="json",
    )
    assert response.status_code == 200, response.content
    line = BuildLine.objects.get(pk=world.server.pk)
    assert (line.position_u, line.component_id, line.sort_order) == (
        10,
        world.components["server"].pk,
        9,
    )


def test_line_put_replaces_placement(world: World) -> None:
    """PUT sets every writable field; omitted optional ones fall back to their defaults."""
    response = world.client("admin").put(
        f"{lines_url(world)}{world.server.pk}/",
        {"component": world.components["server"].pk, "quantity": 1, "rack": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    line = BuildLine.objects.get(pk=world.server.pk)
    assert (line.rack_id, line.position_u) == (None, None)


def test_line_of_another_build_is_404(world: World) -> None:
    """A line id that belongs to another build answers 404 under this build."""
    other = add_line(BuildFactory(site=world.site), world.components["server"])
    assert_envelope(world.client("admin").get(f"{lines_url(world)}{other.pk}/"), 404)
    assert_envelope(world.client("admin").get(f"{API}/builds/999999/lines/"), 404)


def test_removing_a_referenced_line_conflicts_unless_cascade(world: World) -> None:
    """Removing the rack others sit in is 409 `line_in_use`; `?cascade=true` detaches them."""
    client = world.client("admin")
    url = f"{lines_url(world)}{world.rack.pk}/"
    body = assert_envelope(client.delete(url), 409, "line_in_use")
    assert set(body["details"]["lines"]) == {world.ups.pk, world.server.pk}
    response = client.delete(f"{url}?cascade=true")
    assert response.status_code == 204
    assert response["ETag"] == '"2"'
    assert BuildLine.objects.get(pk=world.server.pk).rack_id is None


def test_lines_of_an_approved_build_are_read_only(world: World) -> None:
    """Line writes on an approved build answer 409 `read_only`."""
    Build.objects.filter(pk=world.build.pk).update(status="approved")
    client = world.client("admin")
    base = lines_url(world)
    assert_envelope(
        client.post(base, {"component": world.components["pdu"].pk}, format="json"), 409
    )
    assert_envelope(client.patch(f"{base}{world.server.pk}/", {"note": "x"}), 409)
    assert_envelope(client.delete(f"{base}{world.server.pk}/"), 409)


def test_lines_list_query_count_is_constant(world: World) -> None:
    """Listing the lines of a build costs the same queries for 10 and for 200 lines."""
    client = world.client("admin")
    url = f"{lines_url(world)}?limit=500"
    counts = {}
    for size in (10, 200):
        grow(world.build, world.rack, world.components["server"], size)
        counts[size], response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert response.json()["count"] == size
    assert counts[10] == counts[200], counts
