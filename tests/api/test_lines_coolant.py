"""/api/v1/builds/{id}/lines/ `coolant_from`: a line names the CDU or facility water line whose
loop it is on (reference 8, rules.coolant). Bad input answers 400 naming the field, never 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine
from configurator.builds.selectors import build_report, build_snapshot
from tests.api import API, World, add_line, assert_envelope, make_world
from tests.factories import BuildFactory, ComponentFactory, ManufacturerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build with a dry cooler, a CDU in the rack and a cold-plate node beside it."""
    world = make_world()
    tidewell = ManufacturerFactory(name="Tidewell Liquid Systems", slug="tidewell")
    world.components.update(
        fw=ComponentFactory(
            manufacturer=tidewell,
            sku="DC60",
            kind=ComponentKind.FACILITY_WATER,
            nameplate_w=Decimal(1500),
            typical_w=Decimal(1500),
        ),
        cdu=ComponentFactory(
            manufacturer=tidewell,
            sku="CDU50",
            kind=ComponentKind.CDU,
            nameplate_w=Decimal(600),
            typical_w=Decimal(600),
        ),
        node=ComponentFactory(
            manufacturer=tidewell,
            sku="G8L",
            kind=ComponentKind.GPU_SERVER,
            nameplate_w=Decimal(10_800),
            typical_w=Decimal(9_100),
            spec={
                "psu_count": 6,
                "psu_rating_w": 3600,
                "redundant_psus": True,
                "ashrae_class": "A2",
                "gpu_count": 8,
                "liquid_fraction": 0.8,
                "coolant_flow_lpm": 13,
                "max_coolant_inlet_c": 45,
                "coolant_connector": "UQD04",
            },
        ),
    )
    return world


@pytest.fixture
def loop(world: World) -> dict[str, BuildLine]:
    """A dry cooler, and a CDU on it in U 10-13 of the build's rack."""
    fw = add_line(world.build, world.components["fw"])
    cdu = add_line(
        world.build,
        world.components["cdu"],
        rack=world.rack,
        position_u=Decimal(10),
        coolant_from=fw,
    )
    return {"fw": fw, "cdu": cdu}


def lines_url(world: World) -> str:
    return f"{API}/builds/{world.build.pk}/lines/"


def test_node_on_a_cdu_is_written_read_and_judged(world: World, loop: dict[str, Any]) -> None:
    """A node added with `coolant_from` reads it back, and the engine sees it on the loop:
    0.8 x 9,100 W = 7,280 W into liquid (L5)."""
    client = world.client("sales_engineer")
    response = client.post(
        lines_url(world),
        {
            "component": world.components["node"].pk,
            "rack": world.rack.pk,
            "position_u": "20.0",
            "coolant_from": loop["cdu"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["coolant_from"] == loop["cdu"].pk
    node = BuildLine.objects.get(pk=body["id"])
    assert node.coolant_from_id == loop["cdu"].pk
    items = {i.id: i for i in build_snapshot(world.build).items}
    assert items[node.ref].coolant_from == loop["cdu"].ref
    assert items[loop["cdu"].ref].coolant_from == loop["fw"].ref
    metrics = build_report(world.build).metrics
    assert metrics.liquid_w == pytest.approx(7280)
    assert {loop_.source for loop_ in metrics.loops} == {loop["cdu"].ref, loop["fw"].ref}


def test_patch_moves_a_node_to_the_facility_water_and_off_the_loop(
    world: World, loop: dict[str, Any]
) -> None:
    """`coolant_from` changes like a feed, and null takes the line off its loop."""
    node = add_line(world.build, world.components["node"], coolant_from=loop["cdu"])
    client = world.client("admin")
    url = f"{lines_url(world)}{node.pk}/"
    response = client.patch(url, {"coolant_from": loop["fw"].pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["coolant_from"] == loop["fw"].pk
    response = client.patch(url, {"coolant_from": None}, format="json")
    assert response.status_code == 200, response.content
    node.refresh_from_db()
    assert node.coolant_from_id is None


@pytest.mark.parametrize(
    ("taker", "source", "fragment"),
    [
        ("node", "ups", "is not a CDU or a facility water source"),
        ("server", "cdu", "Only liquid-cooled IT"),
        ("cdu", "cdu", "A CDU takes its primary water from a facility water source"),
        # A facility source fed back by its own CDU would close a loop: refused by kind.
        ("fw", "cdu", "Only liquid-cooled IT"),
    ],
)
def test_wrong_kind_of_source_or_taker_is_400_naming_the_field(
    world: World, loop: dict[str, Any], taker: str, source: str, fragment: str
) -> None:
    """A source that is not a CDU or facility water line, a part that is not on a loop, a CDU
    on a CDU and a cycle attempt are refused on `coolant_from`; nothing changes."""
    sources = {"ups": world.ups, "cdu": loop["cdu"], "fw": loop["fw"]}
    client = world.client("sales_engineer")
    revision = Build.objects.get(pk=world.build.pk).revision
    if taker == "fw":
        response = client.patch(
            f"{lines_url(world)}{loop['fw'].pk}/",
            {"coolant_from": sources[source].pk},
            format="json",
        )
    else:
        response = client.post(
            lines_url(world),
            {"component": world.components[taker].pk, "coolant_from": sources[source].pk},
            format="json",
        )
    body = assert_envelope(response, 400, "validation_error")
    assert any(fragment in message for message in body["details"]["coolant_from"]), body
    assert Build.objects.get(pk=world.build.pk).revision == revision


def test_a_line_cannot_take_coolant_from_itself(world: World, loop: dict[str, Any]) -> None:
    """A CDU naming itself is refused on `coolant_from`."""
    response = world.client("admin").patch(
        f"{lines_url(world)}{loop['cdu'].pk}/", {"coolant_from": loop["cdu"].pk}, format="json"
    )
    body = assert_envelope(response, 400, "validation_error")
    assert body["details"]["coolant_from"] == ["A line cannot reference itself."]


def test_a_source_of_another_build_is_refused(world: World) -> None:
    """A CDU line of another build is not a line of this one: 400 on `coolant_from`."""
    other = BuildFactory(site=world.site, name="Other rack")
    foreign_cdu = add_line(other, world.components["cdu"])
    response = world.client("admin").post(
        lines_url(world),
        {"component": world.components["node"].pk, "coolant_from": foreign_cdu.pk},
        format="json",
    )
    body = assert_envelope(response, 400, "validation_error")
    assert body["details"]["coolant_from"] == [
        f"Line {foreign_cdu.pk} is not a line of this build."
    ]


@pytest.mark.parametrize("value", ["cdu", -1, 0, 2**70, 1.5, True, {"id": 1}])
def test_malformed_coolant_from_is_400_not_500(world: World, value: Any) -> None:
    """Anything but a line id (or null) is refused on `coolant_from` by the serializer."""
    response = world.client("admin").post(
        lines_url(world),
        {"component": world.components["node"].pk, "coolant_from": value},
        format="json",
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "coolant_from" in body["details"], body


def test_removing_a_feeding_cdu_conflicts_unless_cascade(
    world: World, loop: dict[str, Any]
) -> None:
    """Removing the CDU a node is on is 409 `line_in_use` naming the node; with
    `?cascade=true` the node is detached (air-cooled no more: the engine then says it is on no
    loop) and the CDU removed."""
    node = add_line(world.build, world.components["node"], coolant_from=loop["cdu"])
    client = world.client("admin")
    url = f"{lines_url(world)}{loop['cdu'].pk}/"
    body = assert_envelope(client.delete(url), 409, "line_in_use")
    assert body["details"]["lines"] == [node.pk]
    assert f"line {node.pk} (" in body["message"]
    response = client.delete(f"{url}?cascade=true")
    assert response.status_code == 204, response.content
    node.refresh_from_db()
    assert node.coolant_from_id is None
    assert not BuildLine.objects.filter(pk=loop["cdu"].pk).exists()
    codes = {f.code for f in build_report(world.build).errors}
    assert "liquid.node_unconnected" in codes
