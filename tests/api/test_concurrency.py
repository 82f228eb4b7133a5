"""Optimistic concurrency: ETag on build and line responses, If-Match on every build write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from configurator.builds.models import Build, BuildLine
from tests.api import API, World, add_line, assert_envelope, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


def build_url(world: World) -> str:
    return f"{API}/builds/{world.build.pk}/"


def lines_url(world: World) -> str:
    return f"{build_url(world)}lines/"


Write = Callable[[APIClient, World, dict[str, str]], Any]

WRITES: dict[str, Write] = {
    "build PATCH": lambda c, w, h: c.patch(build_url(w), {"name": "B"}, format="json", **h),
    "build PUT": lambda c, w, h: c.put(build_url(w), {"name": "B"}, format="json", **h),
    "line POST": lambda c, w, h: c.post(
        lines_url(w), {"component": w.components["pdu"].pk}, format="json", **h
    ),
    "line PATCH": lambda c, w, h: c.patch(
        f"{lines_url(w)}{w.server.pk}/", {"note": "B"}, format="json", **h
    ),
    "line PUT": lambda c, w, h: c.put(
        f"{lines_url(w)}{w.server.pk}/",
        {"component": w.components["server"].pk, "note": "B"},
        format="json",
        **h,
    ),
    "line DELETE": lambda c, w, h: c.delete(f"{lines_url(w)}{w.server.pk}/", **h),
    "approve": lambda c, w, h: c.post(f"{build_url(w)}approve/", **h),
    "auto-place": lambda c, w, h: c.post(f"{build_url(w)}auto-place/", **h),
}


# Deleting leaves nothing to bump, so it is checked for staleness only.
STALE_WRITES: dict[str, Write] = {
    **WRITES,
    "build DELETE": lambda c, w, h: c.delete(build_url(w), **h),
}


def snapshot(world: World) -> tuple[Any, ...]:
    """Everything a write could change."""
    build = Build.objects.get(pk=world.build.pk)
    lines = tuple(BuildLine.objects.filter(build=build).order_by("pk").values_list())
    return build.revision, build.name, build.status, lines


def test_build_and_line_responses_carry_the_revision_as_etag(world: World) -> None:
    """GET build, GET lines and GET line answer `ETag: "<revision>"`."""
    client = world.client("admin")
    Build.objects.filter(pk=world.build.pk).update(revision=7)
    assert client.get(build_url(world))["ETag"] == '"7"'
    assert client.get(lines_url(world))["ETag"] == '"7"'
    assert client.get(f"{lines_url(world)}{world.ups.pk}/")["ETag"] == '"7"'


@pytest.mark.parametrize("write", STALE_WRITES)
def test_stale_if_match_is_412_and_changes_nothing(world: World, write: str) -> None:
    """A write whose If-Match names an older revision answers 412 and leaves all as it was."""
    add_line(world.build, world.components["server"])  # something for auto-place to do
    Build.objects.filter(pk=world.build.pk).update(revision=5)
    before = snapshot(world)
    response = STALE_WRITES[write](world.client("admin"), world, {"HTTP_IF_MATCH": '"4"'})
    body = assert_envelope(response, 412, "precondition_failed")
    assert body["details"]["current_revision"] == 5
    assert snapshot(world) == before


@pytest.mark.parametrize("write", WRITES)
def test_current_if_match_proceeds_and_bumps(world: World, write: str) -> None:
    """A write with the current ETag proceeds and answers (or implies) the next one."""
    add_line(world.build, world.components["server"])
    client = world.client("admin")
    tag = client.get(build_url(world))["ETag"]
    response = WRITES[write](client, world, {"HTTP_IF_MATCH": tag})
    assert response.status_code < 300, response.content
    assert Build.objects.get(pk=world.build.pk).revision == 2
    if response.status_code != 204 or write == "line DELETE":
        assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, 200),  # no precondition: last writer wins (documented)
        ("*", 200),
        ('"1"', 200),
        ('W/"1"', 412),  # If-Match compares strongly: a weak tag never matches
        ('W/"0", "1"', 200),  # a strong tag of the list matches
        ('"0", "1"', 200),  # any listed tag may match
        ('"2"', 412),
        ("1", 412),  # unquoted: not an entity tag
        ('"abc"', 412),
        ('"' + "9" * 40 + '"', 412),
        ('"1', 412),
        ("", 412),
    ],
)
def test_if_match_forms(world: World, header: str | None, status: int) -> None:
    """If-Match follows RFC 9110: list, strong comparison, `*`; anything unmatched is 412."""
    extra = {} if header is None else {"HTTP_IF_MATCH": header}
    response = world.client("admin").patch(build_url(world), {"name": "X"}, format="json", **extra)
    assert response.status_code == status, response.content


def test_weak_if_match_is_refused_with_a_clear_error(world: World) -> None:
    """A weak tag, even of the current revision, answers 412 saying why and changes nothing."""
    response = world.client("admin").patch(
        build_url(world), {"name": "X"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    body = assert_envelope(response, 412, "precondition_failed")
    assert "weak" in body["message"]
    assert body["details"]["weak"] is True
    assert Build.objects.get(pk=world.build.pk).name != "X"


def test_two_editors_never_silently_overwrite_each_other(world: World) -> None:
    """Both read revision 1; the first write wins, the second gets 412 and must reload."""
    alice, bob = world.client("customer"), world.client("sales_engineer")
    tag_alice = alice.get(build_url(world))["ETag"]
    tag_bob = bob.get(lines_url(world))["ETag"]
    assert tag_alice == tag_bob == '"1"'

    moved = alice.patch(
        f"{lines_url(world)}{world.server.pk}/",
        {"position_u": "10.0"},
        format="json",
        HTTP_IF_MATCH=tag_alice,
    )
    assert moved.status_code == 200
    stale = bob.patch(
        f"{lines_url(world)}{world.server.pk}/",
        {"position_u": "20.0"},
        format="json",
        HTTP_IF_MATCH=tag_bob,
    )
    assert_envelope(stale, 412, "precondition_failed")
    assert BuildLine.objects.get(pk=world.server.pk).position_u == 10

    fresh = bob.get(lines_url(world))["ETag"]
    assert fresh == moved["ETag"] == '"2"'
    retried = bob.patch(
        f"{lines_url(world)}{world.server.pk}/",
        {"position_u": "20.0"},
        format="json",
        HTTP_IF_MATCH=fresh,
    )
    assert retried.status_code == 200
    assert retried["ETag"] == '"3"'


def test_if_match_is_checked_after_scoping(world: World) -> None:
    """A caller who cannot see the build learns nothing from If-Match: 404, not 412."""
    response = world.client("other_customer").patch(
        build_url(world), {"name": "X"}, format="json", HTTP_IF_MATCH='"9"'
    )
    assert_envelope(response, 404)
