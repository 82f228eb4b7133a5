"""Key figures of components (rules.keyfigures) and how many supplies each has (rules.feeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.feeds import supply_count
from rules.keyfigures import key_figures
from rules.model import BuildSpec
from rules.specs import ComponentSpec, ItSpec, Kind

EXAMPLE = Path(__file__).resolve().parents[2] / "rules" / "examples" / "hospital_edge_2n.json"


@pytest.fixture(scope="module")
def parts() -> dict[str, ComponentSpec]:
    spec = BuildSpec.model_validate_json(EXAMPLE.read_text())
    found = {rack.component.kind.value: rack.component for rack in spec.racks}
    for item in spec.items:
        found.setdefault(item.component.kind.value, item.component)
    return found


@pytest.mark.parametrize(
    ("kind", "figures"),
    [
        ("rack", ("42 U", "600 \u00d7 1,200 mm", "1,360 kg static")),
        (
            "ups",
            ("5 kVA / 4.5 kW", "1-phase out", "runtime 6.5 min at full load, 17.0 min at half"),
        ),
        ("pdu", ("32 A, 230 V, 1-phase", "24 \u00d7 C13, 6 \u00d7 C19 outlets")),
        ("cooling", ("3,500 W sensible cooling", "draws 1,150 W itself", "split dx")),
        ("server", ("2 power supplies",)),
        ("accessory", ()),
    ],
)
def test_key_figures_per_kind(parts: dict[str, ComponentSpec], kind: str, figures: tuple) -> None:
    """Each kind shows what tells its parts apart, units included."""
    assert key_figures(parts[kind]) == figures


@pytest.mark.parametrize(
    ("kind", "spec", "power_w", "expected"),
    [
        (Kind.SERVER, ItSpec(psu_count=2, redundant_psus=True), 300, 2),
        (Kind.SWITCH, ItSpec(psu_count=1), 100, 1),
        (Kind.SERVER, None, 300, 1),  # IT without a spec: one cord, as the engine deals it
        (Kind.ATS, None, None, 2),  # an ATS has two inputs
        (Kind.RACK, None, None, 0),
        (Kind.BATTERY, None, None, 0),
        (Kind.ACCESSORY, None, None, 0),  # a blanking panel draws nothing
        (Kind.PDU, None, None, 1),
    ],
)
def test_supply_count(kind: Kind, spec: object, power_w: float | None, expected: int) -> None:
    """Feed B is offered only for parts with two or more supplies."""
    component = ComponentSpec(ref="c", name="Part", kind=kind, nameplate_w=power_w, spec=spec)
    assert supply_count(component) == expected
