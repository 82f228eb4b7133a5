"""What may take its coolant from what (rules.coolant, reference 8): one table for the engine's
BuildSpec validation and the configurator's line guards."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rules.coolant import coolant_problem, takes_coolant
from rules.specs import ComponentSpec, CoolingSpec, ItSpec, Kind
from tests.rules.builders import build, component, item, server
from tests.rules.test_liquid import _door, cdu, dry_cooler, node

IN_RACK_DX = component(
    Kind.COOLING,
    spec=CoolingSpec(
        cooling_type="in_rack",
        total_capacity_w=4000,
        sensible_capacity_w=3500,
        airflow_m3h=900,
        power_draw_w=1200,
    ),
)
UPS = component(Kind.UPS, spec=None)
DOOR = component(Kind.COOLING, spec=_door())

# (taker, source, the problem's code or None when allowed)
CASES = [
    ("node on a CDU", node(), cdu(), None),
    ("node straight on facility water", node(), dry_cooler(), None),
    ("rear door on a CDU", DOOR, cdu(), None),
    ("rear door on facility water", DOOR, dry_cooler(), None),
    ("CDU on facility water", cdu(), dry_cooler(), None),
    ("CDU on a CDU", cdu(), cdu(), "cdu_needs_facility_water"),
    ("node on a UPS", node(), UPS, "not_a_source"),
    ("facility water on a CDU", dry_cooler(), cdu(), "not_on_a_loop"),
    ("air-cooled server on a CDU", server(), cdu(), "not_on_a_loop"),
    ("in-rack DX unit on facility water", IN_RACK_DX, dry_cooler(), "not_on_a_loop"),
]


@pytest.mark.parametrize(
    ("taker", "source", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_coolant_sources(taker: ComponentSpec, source: ComponentSpec, code: str | None) -> None:
    """A loop runs facility water -> CDU -> nodes and rear doors; anything else is refused."""
    problem = coolant_problem(taker, source)
    assert (problem and problem.code) == code


def test_takes_coolant_only_for_cold_plates_cdus_and_rear_doors() -> None:
    """An IT part takes coolant only with a liquid share; cooling only as a rear door."""
    assert takes_coolant(node())
    assert takes_coolant(cdu())
    assert takes_coolant(DOOR)
    assert not takes_coolant(server())
    assert not takes_coolant(IN_RACK_DX)
    assert not takes_coolant(component(Kind.GPU_SERVER, spec=ItSpec(psu_count=2)))


def test_no_cycle_can_form() -> None:
    """Facility water takes coolant from nothing and a CDU only from facility water, so a
    facility source fed back from its own CDU is refused by kind before any walk."""
    with pytest.raises(ValidationError, match=r"items\.0\.coolant_from: 'cdu' cannot feed it"):
        build(
            item("fw", dry_cooler(), coolant_from="cdu"),
            item("cdu", cdu(), coolant_from="fw"),
        )
    with pytest.raises(ValidationError, match="a CDU takes its primary water"):
        build(item("cdu", cdu(), coolant_from="cdu"))


def test_engine_names_the_field_and_the_source() -> None:
    """The BuildSpec error names the item's field and the source it refuses."""
    with pytest.raises(ValidationError, match=r"items\.1\.coolant_from: 'ups' is a ups, not a CDU"):
        build(item("ups", UPS), item("gpu", node(), coolant_from="ups"))
