"""The editor's weight gauge: a rack holding lines of unknown mass shows a lower bound."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.choices import ComponentKind
from configurator.builds.selectors import build_report, build_snapshot
from configurator.web.editor_gauges import gauges_of
from tests.factories import BuildFactory, BuildLineFactory, ComponentFactory

pytestmark = pytest.mark.django_db


def _weight_gauge(weights: list[Decimal | None]) -> tuple[str, str]:
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    for position, weight in enumerate(weights, start=1):
        BuildLineFactory(
            build=build,
            rack=rack,
            position_u=Decimal(position),
            component=ComponentFactory(weight_kg=weight),
        )
    spec = build_snapshot(build)
    gauges = gauges_of(spec, build_report(build), {})
    (gauge,) = [g for g in gauges if g.label.startswith("Weight")]
    return gauge.text, gauge.note


def test_weight_gauge_is_plain_when_every_mass_is_known() -> None:
    """No note when nothing is unknown."""
    text, note = _weight_gauge([Decimal(10), Decimal(20)])
    assert not text.startswith("at least")
    assert note == ""


@pytest.mark.parametrize(("unknown", "note"), [(1, "1 line has"), (2, "2 lines have")])
def test_weight_gauge_says_lines_without_weight_make_it_a_lower_bound(
    unknown: int, note: str
) -> None:
    """'N lines have no weight; the load shown is a lower bound', and 'at least' in the text."""
    text, shown = _weight_gauge([Decimal(10), *([None] * unknown)])
    assert text.startswith("at least ")
    assert shown == f"{note} no weight; the load shown is a lower bound"
