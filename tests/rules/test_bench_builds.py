"""The rules benchmark measures real builds: its synthetic builds are valid, wired and sized as
named, and the snapshot form (components shared) gives the same report as the parsed form."""

from __future__ import annotations

import pytest

from benchmarks.rules_bench import share_components, synthetic_build
from rules import evaluate
from rules.model import BuildSpec


@pytest.mark.parametrize("n", [10, 80, 100])
def test_synthetic_build_has_exactly_n_wired_lines(n: int) -> None:
    spec = synthetic_build(n)
    assert len(spec.items) == n
    # Every line that draws power is on a feed: the power checks have a graph to walk.
    report = evaluate(spec)
    assert "power.feeds_assumed" not in {f.code for f in report.findings}
    assert not {f.code for f in report.findings} & {"space.u_overlap", "space.u_out_of_range"}


def test_shared_components_give_the_same_report_as_parsed_ones() -> None:
    parsed = BuildSpec.model_validate_json(synthetic_build(80).model_dump_json())
    shared = share_components(parsed)
    distinct = {id(i.component) for i in shared.items}
    assert len(distinct) < len({id(i.component) for i in parsed.items})
    assert evaluate(shared) == evaluate(parsed)
