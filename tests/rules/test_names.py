"""How findings name racks and items (rules.derive.names.Names): people's words, then the id."""

from __future__ import annotations

import pytest

from rules.derive.names import NOTE_AS_LABEL_MAX, Names
from rules.model import PlacedItem
from rules.specs import Kind
from tests.rules.builders_physical import build, item, pdu, rack


def _named(spec_item: PlacedItem, **changes: object) -> PlacedItem:
    return spec_item.model_copy(update=changes)


@pytest.fixture
def names() -> Names:
    server = _named(
        item("L50", Kind.SERVER, u_height=1, rack_id="L44", position_u=12),
        component=item("x", Kind.SERVER, u_height=1).component.model_copy(
            update={"name": "Helix E110"}
        ),
    )
    blanks = item("L61", Kind.ACCESSORY, u_height=1, quantity=2, rack_id="L44", position_u=26)
    pdu_a = _named(pdu("L46", rack_id="L44"), note="PDU A")
    loose = _named(item("L70", Kind.SERVER, u_height=1), note="x" * (NOTE_AS_LABEL_MAX + 1))
    racks = [rack("L44").model_copy(update={"name": "Rack 1"}), rack("L45")]
    return Names(build(server, blanks, pdu_a, loose, racks=racks))


@pytest.mark.parametrize(
    ("subject", "words"),
    [
        ("L50", "Helix E110 in Rack 1 at U12 (L50)"),
        ("L61", "2 \u00d7 L61 in Rack 1 at U26-U27 (L61)"),  # the count, the span
        ("L46", "L46 \u201cPDU A\u201d in Rack 1 (L46)"),  # zero-U: no U; a short note labels it
        ("L70", "L70 (L70)"),  # not in a rack; a long note is a remark, not a label
        ("L44", "Rack 1 (L44)"),
        ("L45", "rack 2 (L45)"),  # a rack without a name: its place in the build
        ("site", "the site supply"),
        (None, "the site supply"),  # no feed: the site supply
        ("nope", "'nope'"),  # an id the build does not hold, as it is
    ],
)
def test_names_say_component_place_and_id(names: Names, subject: str | None, words: str) -> None:
    """Each subject in people's words, its id last so the editor and the API still match it."""
    assert names(subject) == words


def test_names_start_and_many(names: Names) -> None:
    """A sentence starts with a capital; several subjects read as a list."""
    assert names.start("L45") == "Rack 2 (L45)"
    assert names.many(["L44"]) == "Rack 1 (L44)"
    assert names.many(["L44", "L45", "site"]) == "Rack 1 (L44), rack 2 (L45) and the site supply"
    assert names.many([]) == ""
