"""The vocabulary holds: every figure is bounded and finite, unknown is a value (never 0, never
the best case), and every dump the engine writes reads back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from rules import BuildSpec, evaluate
from rules.checks.mechanical import mass_unknown
from rules.checks.thermal import airflow_direction
from rules.io import load_build
from rules.specs import ComponentSpec, Kind, Policy, Site
from tests.rules.builders_physical import build, item, rack, run, server

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_every_dump_reads_back(name: str) -> None:
    """Dumped without defaults (the kind tags of specs dropped), a build reads back the same."""
    spec = load_build((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    for dump in (
        spec.model_dump_json(exclude_defaults=True),
        spec.model_dump_json(exclude_unset=True),
        spec.model_dump_json(),
    ):
        assert BuildSpec.model_validate_json(dump) == spec


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Site, "grid_carbon_g_per_kwh", 1e308),
        (Site, "supply_voltage_v", 1e308),
        (Site, "supply_breaker_a", float("inf")),
        (Site, "altitude_m", float("nan")),
        (Policy, "utilisation_limit", 1e-320),
        (Policy, "required_runtime_min", "Infinity"),
        (Policy, "pue_default", 1e308),
    ],
)
def test_extreme_numbers_are_refused_naming_the_field(model, field, value) -> None:
    """No inf, NaN, 1e308 or denormal gets into a site or a policy: the error names the field."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate({field: value})
    assert caught.value.errors()[0]["loc"][-1] == field


def test_extreme_numbers_in_an_inline_component_are_refused() -> None:
    """The same holds deep inside a build, with the field's dotted path."""
    data = json.loads((EXAMPLES / "retail_store_rack.json").read_text(encoding="utf-8"))
    data["items"][0]["component"]["nameplate_w"] = 1e308
    with pytest.raises(ValidationError) as caught:
        BuildSpec.model_validate(data)
    assert caught.value.errors()[0]["loc"][-1] == "nameplate_w"


def test_unknown_mass_is_a_lower_bound_not_zero() -> None:
    """A device without a mass leaves the rack's load a lower bound, and the engine says so."""
    unknown = ComponentSpec(ref="x", name="Unweighed NAS", kind=Kind.STORAGE, u_height=2)
    spec = build(
        server("s", rack_id="r1", position_u=1),
        item("n", Kind.STORAGE, rack_id="r1", position_u=3),
        racks=[rack()],
    )
    spec = spec.model_copy(
        update={"items": (spec.items[0], spec.items[1].model_copy(update={"component": unknown}))}
    )
    (found,) = run(mass_unknown, spec)
    assert found.subject == ("r1", "n")
    assert "lower bound" in found.message
    assert unknown.weight_kg is None


def test_unknown_airflow_is_unjudged_not_passive() -> None:
    """A server that does not state its airflow cannot be judged for mixed airflow."""
    silent = ComponentSpec(ref="x", name="Silent", kind=Kind.SERVER, nameplate_w=100)
    spec = build(server("s", rack_id="r1", position_u=1), racks=[rack()])
    spec = spec.model_copy(
        update={"items": (spec.items[0].model_copy(update={"component": silent}),)}
    )
    (found,) = run(airflow_direction, spec)
    assert found.code == "thermal.airflow_unknown"
    assert silent.airflow is None


def test_ups_topology_is_unknown_unless_stated() -> None:
    """A UPS spec without a topology is not assumed online; it draws at its load's PF."""
    data = json.loads((EXAMPLES / "retail_store_rack.json").read_text(encoding="utf-8"))
    ups = next(i for i in data["items"] if i["component"]["kind"] == "ups")
    ups["component"]["spec"].pop("topology", None)
    spec = BuildSpec.model_validate(data)
    assert next(i for i in spec.items if i.id == ups["id"]).component.spec.topology is None
    assert evaluate(spec).ok
