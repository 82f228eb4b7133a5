"""Report objects built by the engine's fast constructor are whole, valid pydantic models."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from rules import evaluate
from rules.io import load_build
from rules.model import BuildSpec, Finding, Out, PhaseLoad, Report, Severity

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "rules" / "examples").glob("*.json"))


def _out_objects(value: object) -> list[Out]:
    """Every report object inside ``value``, depth first."""
    if isinstance(value, Out):
        found: list[Out] = [value]
        for name in type(value).model_fields:
            found += _out_objects(getattr(value, name))
        return found
    if isinstance(value, tuple | list):
        return [o for v in value for o in _out_objects(v)]
    return []


def test_trusted_builds_the_same_instance_as_model_construct() -> None:
    values = {
        "code": "power.ups_kw_capacity",
        "severity": Severity.ERROR,
        "message": "UPS 'u1' carries 8,110.0 W.",
        "subject": ("u1",),
        "value": 8110.0,
        "limit": 8000.0,
        "unit": "W",
    }
    fast = Finding.trusted(**values)
    slow = Finding.model_construct(**values)
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()


def test_trusted_instances_stay_frozen() -> None:
    load = PhaseLoad.trusted(source="pdu", phase=1, current_a=10.0, limit_a=12.8)
    with pytest.raises(Exception, match="frozen"):
        load.current_a = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_engine_report_objects_carry_every_field_and_revalidate(path: Path) -> None:
    report = evaluate(load_build(path.read_text(encoding="utf-8")))
    for obj in _out_objects(report):
        assert isinstance(obj, BaseModel)
        assert set(obj.__dict__) == set(type(obj).model_fields), type(obj).__name__
    # The dump validates back into an equal report: every value has its declared type.
    assert Report.model_validate_json(report.model_dump_json()) == report


def _feeds(*lines: tuple[str, str | None, str | None]) -> dict[str, object]:
    """A build of PDUs wired as (id, feed_a, feed_b), as JSON-like input."""
    pdu = {
        "ref": "pdu",
        "name": "PDU",
        "kind": "pdu",
        "spec": {"kind": "pdu", "voltage_v": 230, "input_current_a": 16, "outlets_c13": 8},
    }
    return {"items": [{"id": i, "component": pdu, "feed_a": a, "feed_b": b} for i, a, b in lines]}


def test_feed_loops_are_refused_with_the_loop_spelled_out() -> None:
    with pytest.raises(ValidationError, match="power feeds form a loop: p1 -> p2 -> p3 -> p1"):
        BuildSpec.model_validate(_feeds(("p1", "p2", None), ("p2", "p3", None), ("p3", "p1", None)))


def test_feed_loop_through_a_b_cord_is_refused() -> None:
    with pytest.raises(ValidationError, match="power feeds form a loop: p2 -> p3 -> p2"):
        BuildSpec.model_validate(_feeds(("p1", None, None), ("p2", "p1", "p3"), ("p3", "p2", None)))


def test_feed_chains_and_shared_upstreams_are_a_forest() -> None:
    spec = BuildSpec.model_validate(
        _feeds(("p1", None, None), ("p2", "p1", None), ("p3", "p1", "p2"), ("p4", "p3", "p2"))
    )
    assert [i.id for i in spec.items] == ["p1", "p2", "p3", "p4"]
