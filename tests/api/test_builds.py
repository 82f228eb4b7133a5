"""/api/v1/builds/: permission matrix, CRUD, filters and the commands (clone, approve, ...)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from configurator.builds.models import Build, BuildLine
from tests.api import API, MANAGERS, ROLES, World, add_line, assert_envelope, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


BUILDS = f"{API}/builds/"

OK = {
    "list": 200,
    "retrieve": 200,
    "create": 201,
    "partial_update": 200,
    "destroy": 204,
    "clone": 201,
    "approve": 200,
    "auto_place": 200,
    "apply_to_site": 201,
}


def _expected(role: str, action: str) -> int:
    if role == "anonymous":
        return 401
    if role in MANAGERS:
        # Approval is the seller's sign-off: customers and integrators see it refused.
        if action == "approve" and role in {"customer", "integrator"}:
            return 403
        return OK[action]
    if action == "list":
        return 200
    # Creating names a site the caller cannot see: bad input on `site`; the rest is unknown.
    return 400 if action == "create" else 404


MATRIX = [(role, action, _expected(role, action)) for role in ROLES for action in OK]


def call(client: APIClient, world: World, action: str) -> Any:
    detail = f"{BUILDS}{world.build.pk}/"
    if action == "list":
        return client.get(BUILDS)
    if action == "retrieve":
        return client.get(detail)
    if action == "create":
        return client.post(BUILDS, {"site": world.site.pk, "name": "Second rack"}, format="json")
    if action == "partial_update":
        return client.patch(detail, {"name": "Renamed"}, format="json")
    if action == "destroy":
        return client.delete(detail)
    if action == "apply_to_site":
        return client.post(f"{detail}apply-to-site/", {"site": world.other_site.pk}, format="json")
    return client.post(f"{detail}{action.replace('_', '-')}/", {}, format="json")


@pytest.mark.parametrize(("role", "action", "status"), MATRIX)
def test_builds_permission_matrix(world: World, role: str, action: str, status: int) -> None:
    """Callers who see contoso work on its builds; others get 404 (400 naming the site).

    Only sales engineers and admins approve: customers and integrators get 403.
    """
    response = call(world.client(role), world, action)
    assert response.status_code == status, response.content
    if status >= 400:
        body = assert_envelope(response, status)
        if status == 400:
            assert "site" in body["details"]
    elif action == "list":
        names = {build["name"] for build in response.json()["results"]}
        assert ("Lyon rack" in names) == (role in MANAGERS)
    if role not in MANAGERS:
        # Nothing of contoso's changed.
        assert Build.objects.get(pk=world.build.pk).revision == 1
        assert Build.objects.count() == 1


def test_build_create_answers_the_new_build_with_etag_and_location(world: World) -> None:
    """Creating a build answers 201, the build, `ETag: "1"` and its Location."""
    client = world.client("customer")
    response = client.post(
        BUILDS,
        {
            "site": world.site.pk,
            "name": "Second rack",
            "policy_override": {"ups_redundancy": "N+1"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"{BUILDS}{body['id']}/")
    assert body["status"] == "draft"
    assert body["revision"] == 1
    assert body["organisation"] == "contoso"
    assert body["policy_override"] == {"ups_redundancy": "N+1"}
    assert body["created_by"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "site": 10**30}, "site"),
        ({"name": "x", "site": "one"}, "site"),
        ({"name": "x", "site": None}, "site"),
        ({"name": "x"}, "site"),
        ({"site": "SITE"}, "name"),
        ({"name": "", "site": "SITE"}, "name"),
        ({"name": "x" * 300, "site": "SITE"}, "name"),
        ({"name": "x", "site": "SITE", "policy_override": {"warp_drive": 1}}, "policy_override"),
        ({"name": "x", "site": "SITE", "policy_override": [1, 2]}, "policy_override"),
        (
            {"name": "x", "site": "SITE", "policy_override": {"utilisation_limit": 7}},
            "policy_override.utilisation_limit",
        ),
    ],
)
def test_build_create_bad_input(world: World, payload: dict[str, Any], field: str) -> None:
    """Bad build input answers 400 naming the field, never 500."""
    payload = {k: world.site.pk if v == "SITE" else v for k, v in payload.items()}
    response = world.client("admin").post(BUILDS, payload, format="json")
    body = assert_envelope(response, 400, "validation_error")
    assert any(key.startswith(field) for key in body["details"]), body


def test_build_list_filters_by_site_status_and_search(world: World) -> None:
    """Builds filter by site id and status and search by name."""
    approved = Build.objects.create(site=world.other_site, name="Marseille", status="approved")
    client = world.client("admin")
    by_site = client.get(BUILDS, {"site": world.other_site.pk}).json()["results"]
    assert [b["id"] for b in by_site] == [approved.pk]
    by_status = client.get(BUILDS, {"status": "draft"}).json()["results"]
    assert [b["id"] for b in by_status] == [world.build.pk]
    assert client.get(BUILDS, {"search": "marseille"}).json()["count"] == 1
    assert_envelope(client.get(BUILDS, {"status": "sideways"}), 400)
    assert_envelope(client.get(BUILDS, {"site": "abc"}), 400)


def test_build_retrieve_can_include_the_worst_severity(world: World) -> None:
    """`?include=severity` evaluates the build and reports its worst finding."""
    client = world.client("customer")
    plain = client.get(f"{BUILDS}{world.build.pk}/").json()
    assert plain["worst_severity"] is None
    Build.objects.filter(pk=world.build.pk).update(
        policy_override={"require_fire_suppression": True}
    )
    body = client.get(f"{BUILDS}{world.build.pk}/", {"include": "severity"}).json()
    assert body["worst_severity"] == "error"


def test_build_status_changes(world: World) -> None:
    """PATCH archives or reopens; approving goes through approve/ only."""
    client = world.client("admin")
    detail = f"{BUILDS}{world.build.pk}/"
    body = assert_envelope(client.patch(detail, {"status": "approved"}, format="json"), 400)
    assert "status" in body["details"]
    assert client.post(f"{detail}approve/").status_code == 200
    response = client.patch(detail, {"policy_override": {}}, format="json")
    assert_envelope(response, 409, "read_only")
    # Reopening undoes the sign-off: the customer may not, the admin may.
    response = world.client("customer").patch(detail, {"status": "draft"}, format="json")
    assert_envelope(response, 403)
    response = client.patch(detail, {"status": "draft"}, format="json")
    assert response.status_code == 200
    assert response.json()["approved_by"] is None
    assert client.patch(detail, {"status": "archived"}, format="json").json()["status"] == (
        "archived"
    )


def test_build_site_is_fixed_after_creation(world: World) -> None:
    """A PATCH naming another site leaves the build where it is."""
    client = world.client("admin")
    response = client.patch(
        f"{BUILDS}{world.build.pk}/", {"site": world.other_site.pk}, format="json"
    )
    assert response.status_code == 200
    assert Build.objects.get(pk=world.build.pk).site_id == world.site.pk


def test_build_delete_removes_build_and_lines(world: World) -> None:
    """DELETE removes the build with its lines."""
    response = world.client("admin").delete(f"{BUILDS}{world.build.pk}/")
    assert response.status_code == 204
    assert not Build.objects.filter(pk=world.build.pk).exists()
    assert not BuildLine.objects.filter(build_id=world.build.pk).exists()


# ------------------------------------------------------------------ commands


def test_clone_copies_lines_with_references(world: World) -> None:
    """clone/ answers 201 with a new draft whose lines mirror the original's."""
    client = world.client("sales_engineer")
    response = client.post(f"{BUILDS}{world.build.pk}/clone/", {"name": "Copy"}, format="json")
    assert response.status_code == 201, response.content
    copy = Build.objects.get(pk=response.json()["id"])
    assert copy.name == "Copy"
    assert response["ETag"] == '"1"'
    lines = {line.component.sku: line for line in copy.lines.select_related("component")}
    assert set(lines) == {"ER-42", "OL3000RT", "R20"}
    assert lines["R20"].rack_id == lines["ER-42"].pk
    assert lines["R20"].feed_a_id == lines["OL3000RT"].pk


def test_clone_to_an_invisible_site_is_refused(world: World) -> None:
    """Cloning onto another organisation's site answers 400 naming the site."""
    response = world.client("admin").post(
        f"{BUILDS}{world.build.pk}/clone/", {"site": world.foreign_site.pk}, format="json"
    )
    assert "site" in assert_envelope(response, 400)["details"]


def test_approve_blocked_by_rules_is_422_with_findings(world: World) -> None:
    """approve/ answers 422 whose details are the blocking findings; nothing changes."""
    Build.objects.filter(pk=world.build.pk).update(
        policy_override={"require_fire_suppression": True}
    )
    response = world.client("admin").post(f"{BUILDS}{world.build.pk}/approve/")
    body = assert_envelope(response, 422, "blocked_by_rules")
    assert [finding["code"] for finding in body["details"]] == ["fire.required"]
    assert all(finding["severity"] == "error" for finding in body["details"])
    build = Build.objects.get(pk=world.build.pk)
    assert (build.status, build.revision) == ("draft", 1)


def test_approve_passing_build(world: World) -> None:
    """approve/ on a passing draft answers the approved build with its new ETag."""
    client = world.client("admin")
    response = client.post(f"{BUILDS}{world.build.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"]
    assert response["ETag"] == '"2"'
    assert_envelope(client.post(f"{BUILDS}{world.build.pk}/approve/"), 409)


def test_auto_place_places_unplaced_lines(world: World) -> None:
    """auto-place/ answers the placements and bumps the revision."""
    loose = add_line(world.build, world.components["server"])
    response = world.client("admin").post(f"{BUILDS}{world.build.pk}/auto-place/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"] == 2
    assert response["ETag"] == '"2"'
    assert body["placements"] == [{"line": loose.pk, "rack": world.rack.pk, "position_u": "4.0"}]
    loose.refresh_from_db()
    assert loose.position_u == 4


def test_auto_place_without_room_is_400_listing_the_lines(world: World) -> None:
    """When a line does not fit anywhere, auto-place/ answers 400 and places nothing."""
    huge = add_line(world.build, world.components["server"], quantity=60)
    response = world.client("admin").post(f"{BUILDS}{world.build.pk}/auto-place/")
    body = assert_envelope(response, 400, "validation_error")
    assert f"line {huge.pk}" in " ".join(body["details"]["lines"]).lower()
    assert Build.objects.get(pk=world.build.pk).revision == 1


@pytest.mark.parametrize(
    ("payload", "status"),
    [({}, 400), ({"site": "SAME"}, 400), ({"site": "FOREIGN"}, 400), ({"site": "x"}, 400)],
)
def test_apply_to_site_bad_targets(world: World, payload: dict[str, Any], status: int) -> None:
    """apply-to-site/ needs another visible site; anything else is 400 naming `site`."""
    sites = {"SAME": world.site.pk, "FOREIGN": world.foreign_site.pk}
    payload = {k: sites.get(v, v) for k, v in payload.items()}
    response = world.client("admin").post(
        f"{BUILDS}{world.build.pk}/apply-to-site/", payload, format="json"
    )
    assert "site" in assert_envelope(response, status)["details"]


def test_apply_to_site_copies_the_build(world: World) -> None:
    """apply-to-site/ answers 201 with the same build on the other site."""
    response = world.client("customer").post(
        f"{BUILDS}{world.build.pk}/apply-to-site/", {"site": world.other_site.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["site"] == world.other_site.pk
    assert response.json()["name"] == "Lyon rack"


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b"null", b'{"name": 5}', b'{"site": {"id": 1}}'])
def test_commands_survive_garbage(world: World, body: bytes) -> None:
    """Commands answer 4xx envelopes for garbage bodies, never 500."""
    client = world.client("admin")
    for command in ("clone", "apply-to-site", "approve", "auto-place"):
        response = client.post(
            f"{BUILDS}{world.build.pk}/{command}/", body, content_type="application/json"
        )
        assert response.status_code < 500, (command, response.content)
