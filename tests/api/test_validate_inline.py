"""POST /api/v1/validate/: inline builds, catalogue references, the same verdict as the CLI."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from configurator.builds.models import Build, BuildLine
from rules.cli import main as rules_cli
from tests.api import API, World, assert_envelope, count_queries, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a rack, a UPS and a server, and the organisations around it."""
    return make_world()


VALIDATE = f"{API}/validate/"
EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def cli_report(build: dict[str, Any]) -> dict[str, Any]:
    """The report `python -m rules check --format json` prints for this build."""
    out = io.StringIO()
    rules_cli(
        ["check", "-", "--format", "json"],
        stdin=io.StringIO(json.dumps(build)),
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue())


def by_reference(world: World) -> dict[str, Any]:
    """Contoso's rack, UPS and server as an inline build of catalogue references."""
    return {
        "name": "Inline",
        # The stored build's site: the factory's server room carries 5 kW of heat.
        "site": {"room_cooling_w": 5000.0},
        "racks": [{"id": "r1", "component": {"manufacturer": "northwind-racks", "sku": "ER-42"}}],
        "items": [
            {
                "id": "ups",
                "rack_id": "r1",
                "position_u": 1,
                "component": {"id": world.components["ups"].pk},
            },
            {
                "id": "srv",
                "rack_id": "r1",
                "position_u": 3,
                "feed_a": "ups",
                "component": {"manufacturer": "Helix", "sku": "R20"},
            },
        ],
    }


@pytest.mark.parametrize(
    "name",
    [
        "retail_store_rack",
        "gpu_inference_overloaded",
        "telecom_tower_outdoor",
        "hospital_edge_2n",
    ],
)
def test_inline_example_matches_the_cli(world: World, name: str) -> None:
    """An inline build answers exactly the report of `python -m rules check`."""
    build = example(name)
    response = world.client("integrator").post(VALIDATE, build, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == cli_report(build)


@pytest.mark.parametrize("role", ["customer", "integrator", "sales_engineer", "other_customer"])
def test_inline_is_for_any_authenticated_caller(world: World, role: str) -> None:
    """Validating an inline build touches no organisation: any authenticated caller may."""
    response = world.client(role).post(VALIDATE, example("retail_store_rack"), format="json")
    assert response.status_code == 200


def test_inline_anonymous_is_401(world: World) -> None:
    """Anonymous callers are refused."""
    assert_envelope(world.client("anonymous").post(VALIDATE, {}, format="json"), 401)


def test_inline_resolves_references_in_one_query_and_stores_nothing(world: World) -> None:
    """References by id and by manufacturer + SKU resolve in one query; no row is written."""
    client = world.client("integrator")
    builds, lines = Build.objects.count(), BuildLine.objects.count()
    spec = by_reference(world)
    client.post(VALIDATE, spec, format="json")  # authentication queries warm up the token
    with_refs, response = count_queries(lambda: client.post(VALIDATE, spec, format="json"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["metrics"]["ups_capacity_kw"] == pytest.approx(2.7)
    assert body["metrics"]["it_load_typical_w"] == pytest.approx(300)
    empty, _ = count_queries(lambda: client.post(VALIDATE, {"name": "empty"}, format="json"))
    assert with_refs - empty == 1
    assert (Build.objects.count(), BuildLine.objects.count()) == (builds, lines)


def test_inline_references_match_stored_build(world: World) -> None:
    """The same parts by reference give the same verdict as the stored build."""
    client = world.client("admin")
    inline = client.post(VALIDATE, by_reference(world), format="json").json()
    stored = client.get(f"{API}/builds/{world.build.pk}/validation/").json()
    assert inline["ok"] == stored["ok"]
    assert inline["metrics"]["heat_w"] == pytest.approx(stored["metrics"]["heat_w"])
    assert [f["code"] for f in inline["findings"]] == [f["code"] for f in stored["findings"]]


def mutate(world: World, path: str, value: Any) -> dict[str, Any]:
    """by_reference(world) with the value at a dotted path replaced (or removed: DELETE)."""
    spec = copy.deepcopy(by_reference(world))
    *parents, last = path.split(".")
    node: Any = spec
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value == "DELETE":
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return spec


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("items.1.component", {"manufacturer": "Helix", "sku": "R99"}, "items.1.component.sku"),
        ("items.0.component", {"id": 999_999}, "items.0.component.id"),
        ("items.0.component", {"id": 10**30}, "items.0.component.id"),
        ("items.0.component", {"id": "12"}, "items.0.component.id"),
        ("items.0.component", {"id": True}, "items.0.component.id"),
        ("items.0.component", {"id": 1, "sku": "R20"}, "items.0.component.id"),
        ("items.0.component", {"manufacturer": "Helix"}, "items.0.component.sku"),
        ("items.0.component", {"sku": "R20"}, "items.0.component.manufacturer"),
        ("items.0.component", {"manufacturer": "", "sku": "R20"}, "items.0.component.manufacturer"),
        ("items.0.component", {"manufacturer": "He\x00", "sku": "R20"}, "items.0.component"),
        ("racks.0.component", {"manufacturer": "nobody", "sku": "x"}, "racks.0.component.sku"),
        ("items.0.component", None, "items.0.component"),
        ("items.0.component", "R20", "items.0.component"),
        ("items.0.component", {}, "items.0.component"),
        ("items.1.quantity", 0, "items.1.quantity"),
        ("items.1.quantity", 10**30, "items.1.quantity"),
        ("items.1.quantity", "two", "items.1.quantity"),
        ("items.1.position_u", 1.25, "items.1.position_u"),
        ("items.1.rack_id", "nowhere", "items.1.rack_id"),
        ("items.1.feed_a", "srv", "items.1.feed_a"),
        ("items.1.phase", 7, "items.1.phase"),
        # rules.coolant: a loop starts at a CDU or facility water line of the build.
        ("items.1.coolant_from", "ups", "items.1.coolant_from"),
        ("items.1.coolant_from", "nowhere", "items.1.coolant_from"),
        ("items.1.coolant_from", 5, "items.1.coolant_from"),
        ("items.1.unknown", 1, "items.1.unknown"),
        ("items.1.id", "DELETE", "items.1.id"),
        ("items", "DELETE", None),  # items are optional
        ("items", {"a": 1}, "items"),
        ("racks", None, "racks"),
        ("name", ["x"], "name"),
    ],
)
def test_inline_bad_input_names_the_field(
    world: World, path: str, value: Any, field: str | None
) -> None:
    """Bad inline input answers 400 keyed by the dotted path of the field, never 500."""
    response = world.client("integrator").post(VALIDATE, mutate(world, path, value), format="json")
    if field is None:
        assert response.status_code == 200, response.content
        return
    body = assert_envelope(response, 400, "validation_error")
    assert any(key == field or key.startswith(f"{field}.") for key in body["details"]), body
    assert field in body["message"]


def test_inline_unknown_sku_message(world: World) -> None:
    """The message of an unknown reference says what was looked for."""
    spec = mutate(world, "items.1.component", {"manufacturer": "Helix", "sku": "R99"})
    body = world.client("integrator").post(VALIDATE, spec, format="json").json()
    assert "R99" in body["details"]["items.1.component.sku"][0]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[]", "application/json", 400),
        (b"null", "application/json", 400),
        (b"42", "application/json", 400),
        (b'{"name": NaN}', "application/json", 400),
        (b'{"site": {"altitude_m": 1e400}}', "application/json", 400),
        (b'{"site": {"altitude_m": 1' + b"0" * 5000 + b"}}", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "application/json", 400),
        (b"name=x", "application/x-www-form-urlencoded", 415),
        (b"<build/>", "application/xml", 415),
    ],
)
def test_inline_garbage_is_4xx(world: World, body: bytes, content_type: str, status: int) -> None:
    """Garbage bodies answer 400 (415 for other media types) in the envelope."""
    response = world.client("integrator").post(VALIDATE, body, content_type=content_type)
    assert_envelope(response, status)


def test_inline_too_many_items_is_400(world: World) -> None:
    """An inline build is bounded, so one request stays cheap."""
    spec = by_reference(world)
    server = spec["items"][1]
    spec["items"] = [{**server, "id": f"s{n}", "position_u": None} for n in range(5001)]
    body = assert_envelope(world.client("integrator").post(VALIDATE, spec, format="json"), 400)
    assert "items" in body["details"]


def test_inline_get_is_405(world: World) -> None:
    """validate/ only takes POST."""
    assert_envelope(world.client("integrator").get(VALIDATE), 405)
