"""The liquid loop diagram: the engine's figures drawn facility water -> CDU -> cold plates
(reference 8), parsed back from the SVG; strict-CSP-safe markup, escaped text. No database."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from configurator.documents.loops import loop_diagram_svg
from rules import evaluate
from rules.model import BuildSpec, PlacedItem
from rules.specs import ComponentSpec, CoolingSpec, Kind

NS = {"svg": "http://www.w3.org/2000/svg"}
EXAMPLES = Path(__file__).resolve().parents[3] / "rules" / "examples"


def example(name: str) -> BuildSpec:
    return BuildSpec.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


def parse(svg: str | None) -> ET.Element:
    assert svg is not None
    return ET.fromstring(svg)  # noqa: S314 - our own renderer's output, not untrusted input


def box_text(root: ET.Element, item_id: str) -> list[str]:
    """The text lines of the box drawn for `item_id`."""
    group = root.find(f".//svg:g[@data-item='{item_id}']", NS)
    assert group is not None, item_id
    return [t.text or "" for t in group.findall("svg:text", NS)]


def test_inference_rack_loops_carry_the_hand_worked_figures() -> None:
    """rules/examples/README.md, liquid_ai_inference_rack: the dry cooler supplies
    max(30, 27 + 5) = 32 degC (W32) and carries 29.1 kW of 0.8 x 60 = 48 kW; the CDU's
    secondary runs 32 + 3 = 35 degC out and 43.4 degC back at 4 x 13 = 52 L/min, where 29.12 kW
    needs 43.9 L/min at 10 K, 29.1 kW of 0.8 x 50 = 40 kW; each node 0.8 x 9.1 = 7.3 kW into
    liquid and 1.8 kW to the air."""
    root = parse(loop_diagram_svg(example("liquid_ai_inference_rack")))
    assert root.get("role") == "img"
    assert "29.1 kW into liquid" in (root.get("aria-label") or "")
    plant = box_text(root, "fw1")
    assert plant[1:] == ["supplies 32.0 \u00b0C (W32)", "29.1 kW of 48.0 kW at 80 %"]
    cdu = box_text(root, "cdu1")
    assert cdu[1:] == [
        "supply 35.0 \u00b0C, return 43.4 \u00b0C",
        "52.0 L/min (heat needs 43.9)",
        "29.1 kW of 40.0 kW at 80 %",
    ]
    for n in range(1, 5):
        node = box_text(root, f"gpu{n}")
        assert node[0].startswith(f"gpu{n} \u00b7 Helix Compute G8L liquid")
        assert node[1:] == ["7.3 kW into liquid, 13.0 L/min", "1.8 kW to the air"]
    supplies = root.findall(".//svg:line[@class='supply']", NS)
    returns = root.findall(".//svg:line[@class='return']", NS)
    assert len(supplies) == len(returns) == 5  # dry cooler -> CDU, CDU -> four nodes
    labels = [t.text for t in root.findall("svg:text", NS)]
    assert labels.count("35.0 \u00b0C") == 4
    assert labels.count("32.0 \u00b0C") == 1


def test_diagram_is_csp_safe_and_unique_per_page() -> None:
    """No style attributes or elements, no script; marker ids carry the page's uid."""
    svg = loop_diagram_svg(example("liquid_ai_inference_rack"), uid="sheet 1")
    assert svg is not None
    assert "style" not in svg
    assert "<script" not in svg
    root = parse(svg)
    ids = [m.get("id") for m in root.findall(".//svg:marker", NS)]
    assert ids == ["arrow-supply-sheet_1", "arrow-return-sheet_1"]


def test_a_build_without_liquid_has_no_diagram() -> None:
    """An air-cooled build draws nothing."""
    assert loop_diagram_svg(example("retail_store_rack")) is None


def test_error_findings_outline_the_loop_in_red() -> None:
    """On chilled water the CDU condenses (liquid.condensation): its box is outlined."""
    spec = example("liquid_ai_chilled_water")
    root = parse(loop_diagram_svg(spec, findings=evaluate(spec).findings))
    group = root.find(".//svg:g[@data-item='cdu1']", NS)
    assert group is not None
    assert "has-error" in (group.get("class") or "")
    assert box_text(root, "fw1")[1] == "supplies 12.0 \u00b0C (W17)"


def _component(kind: Kind, name: str, **fields: object) -> ComponentSpec:
    return ComponentSpec(ref=name, name=name, kind=kind, **fields)  # type: ignore[arg-type]


def test_rear_doors_loose_nodes_and_sourceless_cdus_are_drawn() -> None:
    """A rear door straight on facility water shows the heat it takes and its capacity at the
    water (L6); a CDU with no facility water gets a red "No facility water" box; a node on no
    loop is named under the diagram; names are escaped."""
    spec = example("liquid_ai_inference_rack")
    items = list(spec.items)
    node = next(i for i in items if i.id == "gpu4")
    door = CoolingSpec(
        cooling_type="rear_door",
        total_capacity_w=30_000,
        sensible_capacity_w=30_000,
        airflow_m3h=7460,
        power_draw_w=860,
        rated_water_c=18,
        warm_water_c=34,
        warm_water_sensible_w=10_000,
        active=True,
    )
    items.append(
        PlacedItem(
            id="door1",
            rack_id="rack1",
            coolant_from="fw1",
            component=_component(Kind.COOLING, "Door <30>", spec=door, u_height=0),
        )
    )
    items.append(node.model_copy(update={"id": "gpu9", "coolant_from": None, "position_u": None}))
    items = [i.model_copy(update={"coolant_from": None}) if i.id == "cdu1" else i for i in items]
    svg = loop_diagram_svg(spec.model_copy(update={"items": tuple(items)}))
    assert svg is not None
    assert "Door &lt;30&gt;" in svg
    root = parse(svg)
    door_text = box_text(root, "door1")
    # 32 degC water: 30 kW falls linearly to 10 kW at 34 degC, 30 - 20 x 14/16 = 12.5 kW.
    assert door_text[2] == "capacity 12.5 kW at 32.0 \u00b0C"
    assert door_text[1].startswith("rear door: ")
    texts = [t.text or "" for t in root.iter(f"{{{NS['svg']}}}text")]
    assert "No facility water" in texts
    assert "On no loop: gpu9" in texts


@pytest.mark.parametrize("name", ["liquid_ai_inference_rack", "liquid_training_rack_edge_supply"])
def test_every_cold_plate_line_gets_a_row(name: str) -> None:
    """One box per node line, the diagram tall enough for all of them."""
    spec = example(name)
    root = parse(loop_diagram_svg(spec))
    nodes = [i for i in spec.items if i.coolant_from == "cdu1"]
    for node in nodes:
        assert box_text(root, node.id)
    assert float(root.get("height") or 0) >= 52 * len(nodes)
