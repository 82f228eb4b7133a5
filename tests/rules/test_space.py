"""Space and mechanical checks: reference 3 (EIA-310, UL 2416), 100 % limits, no C4."""

from __future__ import annotations

import pytest

from rules.checks import RULES
from rules.checks.mechanical import floor_load, rack_load
from rules.checks.space import depth_fit, u_capacity, u_positions, unplaced
from rules.model import Severity
from rules.specs import Kind
from tests.rules.builders_physical import (
    REAR,
    build,
    codes,
    item,
    pdu,
    policy,
    rack,
    run,
    site,
)

# --------------------------------------------------------------------------- U capacity


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # 42 x 1U = 42 U in a 42U rack: exactly full passes.
        ([(1, 42)], []),
        # 42 + 0.5 = 42.5 U fails.
        ([(1, 42), (0.5, 1)], ["space.u_capacity"]),
        # 41.5 U fits.
        ([(1, 41), (0.5, 1)], []),
        # 20 x 2U + 2 x 1U = 42 U.
        ([(2, 20), (1, 2)], []),
        ([(2, 21), (1, 1)], ["space.u_capacity"]),  # 43 U
    ],
)
def test_u_capacity_flips_at_rack_u(lines, expected):
    """Sum of u_height x quantity against the rack's U (no C4)."""
    items = [
        item(f"i{n}", Kind.SERVER, u_height=h, quantity=q, rack_id="r1")
        for n, (h, q) in enumerate(lines)
    ]
    assert codes(run(u_capacity, build(*items, racks=[rack(u=42)]))) == expected


def test_u_capacity_ignores_zero_u_items():
    """Two zero-U PDUs take no U: 42 x 1U still fits 42U."""
    spec = build(
        item("s", Kind.SERVER, u_height=1, quantity=42, rack_id="r1"),
        pdu("pa", rack_id="r1"),
        pdu("pb", rack_id="r1"),
        racks=[rack()],
    )
    assert run(u_capacity, spec) == []


def test_u_capacity_reports_used_and_rack_u():
    """value = U used, limit = rack U, per rack."""
    spec = build(
        item("s", Kind.SERVER, u_height=2, quantity=7, rack_id="r1"),
        racks=[rack(u=12)],
    )
    (finding,) = run(u_capacity, spec)
    assert (finding.value, finding.limit, finding.unit) == (14, 12, "U")
    assert finding.subject == ("r1", "s")


# --------------------------------------------------------------------------- positions


def _placed(item_id, u_height, position_u, *, face=None, depth_mm=None, quantity=1):
    extra = {"face": face} if face is not None else {}
    return item(
        item_id,
        Kind.SERVER,
        u_height=u_height,
        position_u=position_u,
        rack_id="r1",
        depth_mm=depth_mm,
        quantity=quantity,
        **extra,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # 2U at U10 takes U10-U11; 1U at U11 collides, at U12 does not.
        ((2, 10), (1, 11), ["space.u_overlap"]),
        ((2, 10), (1, 12), []),
        ((2, 10), (1, 9), []),  # U9 sits just below
        ((1, 10), (1, 10), ["space.u_overlap"]),
        # Half-U: 1U at U10.5 spans 10.5-11.5; next at 11.5 clears, at 11 collides.
        ((1, 10.5), (1, 11.5), []),
        ((1, 10.5), (1, 11), ["space.u_overlap"]),
        # Three stacked units from U10 take U10-U12.
        ((1, 10, 3), (1, 12), ["space.u_overlap"]),
        ((1, 10, 3), (1, 13), []),
    ],
)
def test_u_overlap_same_face(a, b, expected):
    """Items on the same face overlap when their U spans intersect."""
    first = _placed("a", a[0], a[1], quantity=a[2] if len(a) > 2 else 1)
    second = _placed("b", b[0], b[1])
    assert codes(run(u_positions, build(first, second, racks=[rack()]))) == expected


def test_u_overlap_message_names_both_items_and_span():
    """The message gives both items and the shared U."""
    spec = build(_placed("a", 2, 10), _placed("b", 1, 11), racks=[rack()])
    (finding,) = run(u_positions, spec)
    assert finding.subject == ("r1", "a", "b")
    # People's words: each item by component and position, then its id; the rack by name.
    assert finding.message == (
        "A in rack 1 at U10-U11 (a) and b in rack 1 at U11 (b) both occupy U11 of rack 1 (r1) "
        "on the front face."
    )
    assert finding.value == 1


@pytest.mark.parametrize(
    ("front_depth", "rear_depth", "expected"),
    [
        # Usable depth 1000 - 150 = 850 mm. 400 + 400 = 800 <= 850: they share U10.
        (400, 400, []),
        (425, 425, []),  # exactly 850
        (425, 425.5, ["space.u_overlap"]),  # 850.5 > 850
        (500, 400, ["space.u_overlap"]),  # 900 > 850
        (None, 100, ["space.u_overlap"]),  # unknown depth counts as full depth
    ],
)
def test_u_overlap_opposite_faces_by_depth(front_depth, rear_depth, expected):
    """Front and rear items in the same U collide when their depths exceed the usable depth."""
    spec = build(
        _placed("f", 1, 10, depth_mm=front_depth),
        _placed("r", 1, 10, face=REAR, depth_mm=rear_depth),
        racks=[rack()],
    )
    assert codes(run(u_positions, spec)) == expected


@pytest.mark.parametrize(
    ("u_height", "position_u", "quantity", "expected"),
    [
        (1, 42, 1, []),  # U42 is the top unit of a 42U rack
        (2, 41, 1, []),  # U41-U42
        (2, 42, 1, ["space.u_out_of_range"]),  # U42-U43
        (0.5, 42.5, 1, []),  # half-U at the very top: 42.5-43.0 edge
        (1, 42.5, 1, ["space.u_out_of_range"]),  # 42.5-43.5
        (1, 40, 3, []),  # U40-U42
        (1, 41, 3, ["space.u_out_of_range"]),  # U41-U43
    ],
)
def test_u_out_of_range_flips_at_rack_top(u_height, position_u, quantity, expected):
    """The top of the stacked units must not pass the rack's U."""
    spec = build(_placed("a", u_height, position_u, quantity=quantity), racks=[rack(u=42)])
    assert codes(run(u_positions, spec)) == expected


def test_u_positions_skip_zero_u_and_unpositioned_items():
    """Zero-U items and items without position cannot overlap."""
    spec = build(
        _placed("a", 1, 10),
        pdu("p", rack_id="r1"),
        item("loose", Kind.SERVER, u_height=2, rack_id="r1"),
        racks=[rack()],
    )
    assert run(u_positions, spec) == []


# --------------------------------------------------------------------------- depth


@pytest.mark.parametrize(
    ("depth_mm", "max_device_depth_mm", "expected"),
    [
        (850, None, []),  # default usable depth 1000 - 150 = 850 mm
        (850.1, None, ["space.depth_fit"]),
        (900, 900, []),  # rails rated 900 mm
        (901, 900, ["space.depth_fit"]),
    ],
)
def test_depth_fit_flips_at_usable_depth(depth_mm, max_device_depth_mm, expected):
    """Device depth against the rack's usable mounting depth."""
    spec = build(
        item("s", Kind.SERVER, u_height=1, depth_mm=depth_mm, rack_id="r1"),
        racks=[rack(max_device_depth_mm=max_device_depth_mm)],
    )
    assert codes(run(depth_fit, spec)) == expected


def test_depth_fit_ignores_zero_u_and_unknown_depth():
    """A vertical PDU is not railed; an unknown depth cannot be checked."""
    spec = build(
        item("p", Kind.PDU, depth_mm=2000, rack_id="r1"),
        item("s", Kind.SERVER, u_height=1, rack_id="r1"),
        racks=[rack()],
    )
    assert run(depth_fit, spec) == []


# --------------------------------------------------------------------------- unplaced


def test_unplaced_lists_items_needing_rack_space():
    """A 2U server x 2 with no rack needs 4 U; a zero-U PDU and a racked server do not count."""
    spec = build(
        item("loose", Kind.SERVER, u_height=2, quantity=2),
        pdu("p"),
        item("racked", Kind.SERVER, u_height=1, rack_id="r1"),
        racks=[rack()],
    )
    (finding,) = run(unplaced, spec)
    assert (finding.code, finding.severity) == ("space.unplaced", Severity.INFO)
    assert (finding.subject, finding.value) == (("loose",), 4)


def test_unplaced_silent_when_everything_is_racked():
    """No loose lines, no finding."""
    assert (
        run(unplaced, build(item("s", Kind.SERVER, u_height=1, rack_id="r1"), racks=[rack()])) == []
    )


# --------------------------------------------------------------------------- rack load


def _weights(*kgs, ship=False, static=1000.0, dynamic=None, rack_weight=0.0):
    items = [item(f"w{n}", Kind.SERVER, weight_kg=kg, rack_id="r1") for n, kg in enumerate(kgs)]
    return build(
        *items,
        racks=[rack(static_load_kg=static, dynamic_load_kg=dynamic, weight_kg=rack_weight)],
        policy=policy(rack_ship_loaded=ship),
    )


@pytest.mark.parametrize(
    ("kgs", "expected"),
    [
        ((500, 500), []),  # exactly 1,000 kg on a 1,000 kg static rating
        ((500, 500.01), ["mechanical.rack_static_load"]),  # 1,000.01 kg
        ((499.99, 500), []),
    ],
)
def test_rack_static_load_flips_at_rating(kgs, expected):
    """Equipment mass against the UL 2416 static rating (no C4)."""
    assert codes(run(rack_load, _weights(*kgs))) == expected


def test_rack_static_load_excludes_the_racks_own_mass():
    """UL 2416 ratings are payload: a 150 kg rack with 1,000 kg of equipment passes."""
    assert run(rack_load, _weights(1000, rack_weight=150)) == []


def test_rack_static_load_counts_every_unit():
    """20 x 50 kg = 1,000 kg passes; 20 x 50.0005 kg = 1,000.01 kg fails."""
    ok = build(item("s", Kind.SERVER, weight_kg=50, quantity=20, rack_id="r1"), racks=[rack()])
    over = build(
        item("s", Kind.SERVER, weight_kg=50.0005, quantity=20, rack_id="r1"), racks=[rack()]
    )
    assert run(rack_load, ok) == []
    (finding,) = run(rack_load, over)
    assert finding.value == pytest.approx(1000.01)
    assert "1,000.01 kg" in finding.message


@pytest.mark.parametrize(
    ("kgs", "dynamic", "expected"),
    [
        ((400, 400), 800.0, []),  # exactly the 800 kg dynamic rating
        ((400, 400.01), 800.0, ["mechanical.rack_dynamic_load"]),
        ((100,), None, ["mechanical.rack_dynamic_load"]),  # no rolling rating at all
        ((), None, []),  # an empty rack ships fine
    ],
)
def test_rack_dynamic_load_when_shipped_loaded(kgs, dynamic, expected):
    """Shipped loaded, the equipment must be within the dynamic (rolling) rating."""
    spec = _weights(*kgs, ship=True, dynamic=dynamic)
    assert codes(run(rack_load, spec)) == expected


def test_rack_dynamic_load_ignored_when_installed_on_site():
    """Not shipped loaded: a missing dynamic rating does not matter."""
    assert run(rack_load, _weights(900, ship=False, dynamic=None)) == []


def test_rack_dynamic_load_without_rating_says_so():
    """The message explains that the rack has no dynamic rating."""
    (finding,) = run(rack_load, _weights(100, ship=True))
    assert finding.limit is None
    assert "no dynamic" in finding.message


# --------------------------------------------------------------------------- floor load


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        # (100 kg rack + 500 kg equipment) / (0.6 m x 1.0 m) = 600 / 0.6 = 1,000 kg/m2.
        (1000.0, []),
        (999.99, ["mechanical.floor_load"]),
        (1000.01, []),
        (None, []),  # floor rating unknown: not checked
    ],
)
def test_floor_load_flips_at_floor_rating(rating, expected):
    """Rack plus contents over the footprint against the site's floor rating."""
    spec = build(
        item("s", Kind.SERVER, weight_kg=500, rack_id="r1"),
        racks=[rack(weight_kg=100)],
        site=site(floor_rating_kg_m2=rating),
    )
    assert codes(run(floor_load, spec)) == expected


def test_floor_load_reference_footprint():
    """600 x 1,200 mm = 0.72 m2 (reference 3): 720 kg gives 1,000 kg/m2."""
    spec = build(
        item("s", Kind.SERVER, weight_kg=620, rack_id="r1"),
        racks=[rack(depth_mm=1200, weight_kg=100)],
        site=site(floor_rating_kg_m2=999),
    )
    (finding,) = run(floor_load, spec)
    assert finding.value == pytest.approx(1000.0)


def test_floor_load_skips_wall_mount_racks():
    """A wall cabinet does not stand on the floor."""
    spec = build(
        item("s", Kind.SERVER, weight_kg=80, rack_id="r1"),
        racks=[rack(u=12, wall_mount=True, width_mm=600, depth_mm=450)],
        site=site(floor_rating_kg_m2=100),
    )
    assert run(floor_load, spec) == []


def test_floor_load_checks_empty_racks_by_own_mass():
    """An empty 0.6 m2 rack of 700 kg puts 1,166.67 kg/m2 on a 1,000 kg/m2 floor."""
    spec = build(racks=[rack(weight_kg=700)], site=site(floor_rating_kg_m2=1000))
    (finding,) = run(floor_load, spec)
    assert finding.value == pytest.approx(1166.6667, abs=1e-3)


@pytest.mark.parametrize(
    "code",
    [
        "space.u_capacity",
        "space.u_overlap",
        "space.u_out_of_range",
        "space.depth_fit",
        "space.unplaced",
        "mechanical.rack_static_load",
        "mechanical.rack_dynamic_load",
        "mechanical.floor_load",
    ],
)
def test_space_and_mechanical_codes_are_registered_with_a_source(code):
    """Every space and mechanical code is in the registry with its source."""
    info = RULES[code]
    assert info.family == code.split(".")[0]
    assert info.protects
    assert info.source
