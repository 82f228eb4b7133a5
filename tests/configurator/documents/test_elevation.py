"""The rack elevation SVG: items at their U, labels, free U, zero-U strips, markers, escaping."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from configurator.documents.elevation import (
    TOP,
    U_PX,
    LegendEntry,
    build_elevations_svg,
    free_positions,
    kind_legend,
    rack_elevation_svg,
)
from rules.model import BuildSpec, Finding, PlacedItem, RackInstance
from rules.specs import ComponentSpec, ItSpec, Kind, PduSpec, RackSpec

NS = {"svg": "http://www.w3.org/2000/svg"}
RACK_U = 42


def component(
    name: str, kind: str = "server", u: float = 1, depth: float | None = 600
) -> ComponentSpec:
    spec = {
        "server": ItSpec(),
        "pdu": PduSpec(voltage_v=230, input_current_a=16, outlets_c13=8),
    }.get(kind)
    return ComponentSpec(
        ref=name, name=name, kind=Kind(kind), u_height=u, depth_mm=depth, spec=spec
    )


def rack(rack_id: str = "R1", u: int = RACK_U) -> RackInstance:
    return RackInstance(
        id=rack_id,
        name=f"Rack {rack_id}",
        component=ComponentSpec(
            ref=rack_id,
            name="Acme 42U",
            kind=Kind.RACK,
            spec=RackSpec(u=u, depth_mm=1000, static_load_kg=1000),
        ),
    )


def item(item_id: str, comp: ComponentSpec, position: float | None, **fields: object) -> PlacedItem:
    return PlacedItem(id=item_id, component=comp, rack_id="R1", position_u=position, **fields)


def spec_of(*items: PlacedItem, racks: tuple[RackInstance, ...] | None = None) -> BuildSpec:
    return BuildSpec(racks=racks or (rack(),), items=items)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own renderer's output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def group(root: ET.Element, item_id: str) -> ET.Element:
    found = root.find(f".//svg:g[@data-item='{item_id}']", NS)
    assert found is not None, f"no item {item_id}"
    return found


def unit_rects(g: ET.Element) -> list[ET.Element]:
    return g.findall("svg:rect[@class='unit']", NS)


def y_of_u(u: float, height: float = 1) -> float:
    """Top edge of a span starting at U `u` (U 1 at the bottom)."""
    return TOP + (RACK_U + 1 - u - height) * U_PX


def test_standalone_svg_with_size_and_viewbox() -> None:
    """The output is a standalone SVG document with a namespace, a viewBox and a size."""
    root = parse(rack_elevation_svg(spec_of(), "R1"))
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width:g} {height:g}"
    assert height >= RACK_U * U_PX
    assert root.get("data-rack-u") == "42"


def test_item_at_u10_of_height_2_is_drawn_over_u10_and_u11() -> None:
    """A 2U item at U10 covers the y range of U10-11 and carries its U and kind."""
    root = parse(rack_elevation_svg(spec_of(item("L5", component("Helix R20", u=2), 10)), "R1"))
    g = group(root, "L5")
    assert g.get("data-u") == "10"
    assert "kind-server" in g.get("class").split()
    (rect,) = unit_rects(g)
    top = float(rect.get("y"))
    bottom = top + float(rect.get("height"))
    assert top == pytest.approx(y_of_u(11), abs=1)  # top edge of U11
    assert bottom == pytest.approx(y_of_u(10) + U_PX, abs=1)  # bottom edge of U10
    # U numbers run bottom-up on the left: "10" sits inside the item's span.
    labels = {t.text: float(t.get("y")) for t in root.iterfind(".//svg:text[@class='u-label']", NS)}
    assert set(labels) == {str(n) for n in range(1, RACK_U + 1)}
    assert top < labels["10"] < bottom
    assert top < labels["11"] < bottom
    assert labels["1"] > labels["42"]


def test_multi_quantity_lines_stack_upwards_with_labels() -> None:
    """Three 4U units at U7 are drawn at U7, U11 and U15, each labelled."""
    root = parse(
        rack_elevation_svg(spec_of(item("L7", component("G480", u=4), 7, quantity=3)), "R1")
    )
    g = group(root, "L7")
    tops = [float(r.get("y")) for r in unit_rects(g)]
    assert tops == pytest.approx([y_of_u(7, 4), y_of_u(11, 4), y_of_u(15, 4)], abs=1)
    texts = [t.text for t in g.findall("svg:text", NS)]
    assert texts == ["G480 (1/3)", "G480 (2/3)", "G480 (3/3)"]


def test_empty_u_are_counted_and_hatched() -> None:
    """Every free U (and only those) is drawn as an empty slot."""
    spec = spec_of(
        item("L1", component("UPS", u=2), 1),
        item("L2", component("Half", u=0.5), 5.5),
        item("L3", component("Server", u=1), 10, quantity=3),
    )
    root = parse(rack_elevation_svg(spec, "R1"))
    slots = root.findall(".//svg:rect[@class='slot empty']", NS)
    taken = {1, 2, 5, 10, 11, 12}  # a half U takes its whole U slot
    assert sorted(int(s.get("data-u")) for s in slots) == sorted(set(range(1, 43)) - taken)
    assert all(s.get("fill", "").startswith("url(#hatch-") for s in slots)
    assert "36 U free" in root.get("aria-label")


def test_labels_are_truncated_with_the_full_name_in_a_title() -> None:
    """A long name is cut with an ellipsis on the drawing; the tooltip holds it whole."""
    name = "Northbeam Power Meridian OX 3000 rack-mount double conversion UPS with extras"
    root = parse(rack_elevation_svg(spec_of(item("L1", component(name, u=1), 3)), "R1"))
    g = group(root, "L1")
    label = g.find("svg:text", NS).text
    assert label.endswith("\u2026")
    assert len(label) < len(name)
    assert name in g.find("svg:title", NS).text


def test_zero_u_items_are_side_strips() -> None:
    """A vertical PDU in the rack is a full-height strip beside it, on both faces."""
    pdu = item("L9", component("Railpoint V16", kind="pdu", u=0), None)
    for face in ("front", "rear"):
        root = parse(rack_elevation_svg(spec_of(pdu), "R1", face=face))
        g = group(root, "L9")
        assert "zero-u" in g.get("class").split()
        (rect,) = unit_rects(g)
        assert float(rect.get("height")) == RACK_U * U_PX
        assert (
            float(rect.get("x"))
            > float(root.find(".//svg:rect[@class='rack-frame']", NS).get("x")) + 200
        )
        assert "Railpoint V16" in g.find("svg:text", NS).text


def test_other_face_full_depth_items_are_faint_and_shallow_ones_hidden() -> None:
    """Rear items show on the front view faintly when full depth, not at all otherwise."""
    spec = spec_of(
        item("DEEP", component("Deep server", depth=800), 20, face="rear"),
        item("SHALLOW", component("Patch panel", depth=120), 22, face="rear"),
    )
    front = parse(rack_elevation_svg(spec, "R1", face="front", interactive=True))
    deep = group(front, "DEEP")
    assert "other-face" in deep.get("class").split()
    assert deep.get("opacity") == "0.35"
    assert deep.get("tabindex") is None  # only this face's items are buttons
    assert front.find(".//svg:g[@data-item='SHALLOW']", NS) is None
    rear = parse(rack_elevation_svg(spec, "R1", face="rear"))
    assert "other-face" not in group(rear, "SHALLOW").get("class").split()


def test_error_findings_mark_items_with_outline_and_text() -> None:
    """An item named by an error finding gets a red outline and a "!" marker, not colour only."""
    spec = spec_of(item("L1", component("UPS", u=2), 1), item("L2", component("Server"), 5))
    findings = [
        Finding(
            code="power.ups_kw_capacity",
            severity="error",
            message="UPS overloaded",
            subject=("L1",),
        ),
        Finding(code="x.warn", severity="warning", message="meh", subject=("L2",)),
    ]
    root = parse(rack_elevation_svg(spec, "R1", findings=findings))
    bad = group(root, "L1")
    assert "has-error" in bad.get("class").split()
    assert unit_rects(bad)[0].get("stroke") == "#c81e1e"
    assert [t.text for t in bad.iterfind("svg:text[@class='error-marker']", NS)] == ["!"]
    assert "Error: UPS overloaded" in bad.find("svg:title", NS).text
    fine = group(root, "L2")
    assert "has-error" not in fine.get("class").split()
    assert fine.find("svg:text[@class='error-marker']", NS) is None


def test_highlighted_items_get_a_thick_outline() -> None:
    """Ids in `highlight` are outlined thickly; others are not."""
    spec = spec_of(item("L1", component("A"), 1), item("L2", component("B"), 2))
    root = parse(rack_elevation_svg(spec, "R1", highlight={"L2"}))
    assert "highlighted" in group(root, "L2").get("class").split()
    assert float(unit_rects(group(root, "L2"))[0].get("stroke-width")) >= 3
    assert "highlighted" not in group(root, "L1").get("class").split()


def test_interactive_items_are_labelled_buttons() -> None:
    """With `interactive`, each item is focusable with a spoken label naming U and face."""
    spec = spec_of(item("L5", component("Helix R20", u=2), 10))
    root = parse(rack_elevation_svg(spec, "R1", interactive=True))
    g = group(root, "L5")
    assert (g.get("tabindex"), g.get("role")) == ("0", "button")
    assert g.get("aria-label") == "Helix R20 at U10\u201311, front"
    assert root.get("role") == "group"
    static = parse(rack_elevation_svg(spec, "R1"))
    assert group(static, "L5").get("tabindex") is None
    assert static.get("role") == "img"


def test_text_is_escaped() -> None:
    """A malicious component name stays text: the SVG parses and holds no element from it."""
    evil = '<script>alert("x")</script>&'
    spec = BuildSpec(
        racks=(rack().model_copy(update={"name": evil}),),
        items=(item("L1", component(evil), 3, note=evil),),
    )
    svg = rack_elevation_svg(spec, "R1", interactive=True)
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(".//{http://www.w3.org/2000/svg}script") is None
    assert root.find(".//script") is None
    assert evil in group(root, "L1").find("svg:title", NS).text
    assert evil in group(root, "L1").get("aria-label")


def test_unknown_rack_is_a_key_error() -> None:
    """Asking for a rack the build does not have is a programming error, said plainly."""
    with pytest.raises(KeyError):
        rack_elevation_svg(spec_of(), "nope")


def test_build_elevations_svg_draws_every_rack() -> None:
    """One (rack id, SVG) per rack, in build order, each on the face asked for."""
    spec = BuildSpec(racks=(rack("R1"), rack("R2", u=24)), items=())
    drawings = build_elevations_svg(spec, face="rear")
    assert [rack_id for rack_id, _ in drawings] == ["R1", "R2"]
    assert [parse(svg).get("data-face") for _, svg in drawings] == ["rear", "rear"]
    assert parse(drawings[1][1]).get("data-rack-u") == "24"


def test_free_positions_respect_faces_and_depth() -> None:
    """Start positions where a component fits: same face, or opposite faces too deep, block."""
    spec = spec_of(
        item("L1", component("UPS", u=2, depth=700), 1),
        item("L2", component("Shallow", depth=100), 4, face="rear"),
    )
    front = free_positions(spec, "R1", u_height=1, depth_mm=600)
    assert 1 not in front
    assert 2 not in front
    assert 3 in front
    assert 4 in front
    assert 42 in front
    assert 4 not in free_positions(spec, "R1", u_height=1, face="rear")
    # The rack takes 850 mm: a 100 mm rear item leaves room for 750 mm in front, not 800.
    assert 4 in free_positions(spec, "R1", u_height=1, depth_mm=750)
    assert 4 not in free_positions(spec, "R1", u_height=1, depth_mm=800)
    assert 4 not in free_positions(spec, "R1", u_height=1)  # unknown depth: full
    assert free_positions(spec, "R1", u_height=2)[-1] == 41
    assert 1 in free_positions(spec, "R1", u_height=1, ignore={"L1"})
    assert free_positions(spec, "R1", u_height=0) == []


def test_kind_legend_covers_every_kind() -> None:
    """The legend lists each kind once with its colour and label."""
    legend = kind_legend()
    assert [entry.kind for entry in legend] == [kind.value for kind in Kind]
    assert all(entry.fill.startswith("#") and entry.label for entry in legend)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


@pytest.mark.parametrize("entry", kind_legend(), ids=lambda e: e.kind)
def test_kind_colours_keep_text_contrast(entry: LegendEntry) -> None:
    """Every kind's label stays readable on its fill: WCAG contrast 4.5:1 or better."""
    light, dark = sorted((_luminance(entry.fill), _luminance(entry.text)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_a_full_42u_rack_renders_in_under_2_ms() -> None:
    """String building keeps the editor live: a full 42U rack takes under 2 ms."""
    items = [item(f"L{n}", component(f"Helix server {n}"), n) for n in range(1, 41)]
    items.append(item("P", component("PDU", kind="pdu", u=0), None))
    findings = [Finding(code="x", severity="error", message="bad", subject=("L3",))]
    spec = spec_of(*items)
    best = float("inf")
    # The best of many short batches: a busy shared machine only ever adds time.
    for _ in range(20):
        start = time.perf_counter()
        for _ in range(10):
            rack_elevation_svg(spec, "R1", findings=findings, interactive=True)
        best = min(best, (time.perf_counter() - start) / 10)
    assert best < 0.002, f"{best * 1000:.2f} ms"
