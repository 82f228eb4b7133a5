"""Blanking panels give way: placement takes their U and cuts the panel lines back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services
from configurator.builds.services import placement as placement_services
from tests.factories import BuildFactory, ComponentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def build() -> Build:
    return BuildFactory()


@pytest.fixture
def rack(build: Build) -> BuildLine:
    component = ComponentFactory(
        kind=ComponentKind.RACK,
        model_name="EdgeRack 12U",
        spec={"u": 12, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 500},
    )
    return line_services.build_line_add(build=build, component=component)


@pytest.fixture
def panel() -> Any:
    return ComponentFactory(
        kind=ComponentKind.ACCESSORY,
        model_name="BP1",
        u_height=Decimal(1),
        nameplate_w=None,
        typical_w=None,
        spec={"accessory_type": "blanking_panel"},
    )


def spans(build: Build, component: Any) -> list[tuple[Decimal, int]]:
    lines = BuildLine.objects.filter(build=build, component=component).order_by("position_u")
    return [(line.position_u, line.quantity) for line in lines]


def test_adding_over_panels_cuts_them_back_and_says_so(
    build: Build, rack: BuildLine, panel: Any
) -> None:
    """A 2U server at U5 over panels U1-U12 leaves panels U1-U4 and U7-U12."""
    line_services.build_line_add(build=build, component=panel, quantity=12, rack=rack, position_u=1)
    server = ComponentFactory(model_name="R20", u_height=Decimal(2))
    line = line_services.build_line_add(build=build, component=server, rack=rack, position_u=5)
    assert spans(build, panel) == [(Decimal(1), 4), (Decimal(7), 6)]
    assert len(line.made_way) == 1
    assert line.made_way[0].startswith("2 U of line ")


def test_moving_onto_the_last_panel_removes_its_line(
    build: Build, rack: BuildLine, panel: Any
) -> None:
    """A move over a one-panel line removes that line; a panel never displaces a panel."""
    line_services.build_line_add(build=build, component=panel, rack=rack, position_u=12)
    server = ComponentFactory(model_name="R10", u_height=Decimal(1))
    line = line_services.build_line_add(build=build, component=server, rack=rack, position_u=1)
    line_services.build_line_update(line=line, position_u=12)
    assert spans(build, panel) == []
    with pytest.raises(Exception, match="is taken by"):
        line_services.build_line_add(build=build, component=panel, rack=rack, position_u=12)


def test_auto_place_uses_free_u_first_then_takes_over_panels(
    build: Build, rack: BuildLine, panel: Any
) -> None:
    """Free U first; with none left, auto-place takes the lowest panels' U."""
    line_services.build_line_add(build=build, component=panel, quantity=10, rack=rack, position_u=1)
    first = ComponentFactory(model_name="S1", u_height=Decimal(2))
    line_services.build_line_add(build=build, component=first, rack=rack)
    placed = placement_services.build_auto_place(build=build)
    assert [(p.position_u, p.made_way) for p in placed] == [(Decimal(11), ())]
    second = ComponentFactory(model_name="S2", u_height=Decimal(2))
    line_services.build_line_add(build=build, component=second)
    (placed,) = placement_services.build_auto_place(build=build)
    assert placed.position_u == 1
    assert placed.made_way
    assert placed.made_way[0].startswith("2 U of line ")
    assert spans(build, panel) == [(Decimal(3), 8)]
