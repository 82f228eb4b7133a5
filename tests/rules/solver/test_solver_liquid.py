"""Liquid cooling in the auto-configurator, on the demo catalogue, with hand-worked figures.

The site of ``rules/examples/configure/edge_ai_liquid.json`` (the Hamburg edge AI site of
``rules/examples/liquid_ai_inference_rack.json``): indoor 20-27 degC at 55 % RH, outdoor design
range -12 to 27 degC, three phases at 160 A. At 27 degC the Boreas DC60 dry cooler supplies
max(30, 27 + 5) = 32 degC (W32) and keeps its 60 kW (it loses 2 %/K only above 35 degC); the
room's dew point is 17.2 degC (Magnus), so every liquid surface must stay above 19.2 degC.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pydantic
import pytest

from rules.derive.liquid import flow_lpm_for
from rules.model import Severity
from rules.report import evaluate
from rules.solver import configure
from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog
from rules.solver.explain import explain
from rules.solver.requirements import CoolingMedium, Requirements
from rules.solver.solve import Proposal, evaluate_design, solve
from rules.specs import Coolant, Kind, Redundancy

EXAMPLE = Path(__file__).resolve().parents[3] / "rules/examples/configure/edge_ai_liquid.json"


def _edge_ai(**parts: Any) -> Requirements:
    data = Requirements.model_validate_json(EXAMPLE.read_text(encoding="utf-8")).model_dump(
        mode="json"
    )
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    return Requirements.model_validate(data)


def _proposal(req: Requirements, catalog: Catalog, time_limit_s: float = 20) -> Proposal:
    result = solve(req, catalog, time_limit_s=time_limit_s)
    assert result.proposal is not None, (result.status, result.problems)
    assert result.status == "OPTIMAL"
    errors = [f.code for f in result.proposal.report.errors]
    if result.proposal.design_report is not None:
        errors += [f.code for f in result.proposal.design_report.errors]
    assert errors == []
    return result.proposal


def _lines(p: Proposal, kind: Kind) -> list[Any]:
    return [i for i in p.build.items if i.component.kind is kind]


@pytest.fixture(scope="module")
def edge_ai(demo_catalog: Catalog) -> Proposal:
    """The 40 kW edge AI rack, under ``auto``."""
    return _proposal(_edge_ai(), demo_catalog)


def test_liquid_edge_ai_rack_gets_a_liquid_design_that_passes(edge_ai: Proposal) -> None:
    """36 kW of GPU servers and a switch in one rack, ``auto``: four G8L cold-plate nodes
    (9,100 W each: three give 27,300 W < 36,000 W; one model per class demand) on an in-rack
    Riptide 50R, the DC60 dry cooler, leak detection, the rest by air.

    Liquid: 4 x 9,100 W x 0.8 = 29,120 W. The cheaper Frostline 30R CDU cannot carry it
    (0.8 x 30,000 W = 24,000 W) nor take W32 water; the 50R does: 0.8 x 50,000 W = 40,000 W.
    Its flow: the nodes take 4 x 13 = 52 L/min, the heat needs 29.12 kW x 60 / (1.02 x 3.90 x
    10 K) = 43.9 L/min in PG25 (L1); both within its 20-80 L/min. The DC60 rejects it within
    0.8 x 60 kW = 48 kW. Secondary supply 32 + 3 = 35 degC, within the node's 45 degC."""
    p = edge_ai
    nodes = [i for i in p.build.items if i.component.ref == "Helix Compute:HX-G8L"]
    assert sum(i.quantity for i in nodes) == 4
    assert all(i.coolant_from == "cdu-1" for i in nodes)
    (cdu,) = _lines(p, Kind.CDU)
    assert cdu.component.ref == "Tidewell Liquid Systems:TW-CDU50R"
    assert cdu.quantity == 1
    assert cdu.rack_id == "rack1"
    assert cdu.coolant_from == "water"
    (water,) = _lines(p, Kind.FACILITY_WATER)
    assert water.id == "water"
    assert water.component.ref == "Cryoforge Thermal:CF-DC60"
    assert water.quantity == 1
    assert water.rack_id is None
    leaks = [
        i
        for i in p.build.items
        if getattr(i.component.spec, "accessory_type", None) == "leak_detection"
    ]
    assert [i.rack_id for i in leaks] == ["rack1"]
    m = p.report.metrics
    assert m.liquid_w == pytest.approx(29_120)
    loops = {loop.source: loop for loop in m.loops}
    assert loops["cdu-1"].flow_lpm == pytest.approx(52)
    assert loops["cdu-1"].flow_needed_lpm == pytest.approx(29.12 * 60 / (1.02 * 3.90 * 10))
    assert loops["cdu-1"].flow_needed_lpm == pytest.approx(flow_lpm_for(29_120, 10, Coolant.PG25))
    assert loops["cdu-1"].supply_c == pytest.approx(35)
    assert loops["water"].supply_c == pytest.approx(32)
    assert loops["water"].capacity_w == pytest.approx(60_000)
    # The air still cools the rest (L5), within the policy's 35 kW per rack (L7).
    assert all(r.air_kw <= 35 for r in m.racks)
    assert _lines(p, Kind.COOLING)
    # No liquid finding at all, not even a warning: leak detection present, flow in range.
    assert not [f for f in p.report.findings if f.code.startswith("liquid.")]


def test_liquid_proposals_are_always_revalidated_by_the_engine(
    edge_ai: Proposal, demo_catalog: Catalog
) -> None:
    """The proposal's verdict is the engine's own on the wired build; a design the model would
    get wrong (the CDU left out) is caught by that re-validation, not passed on."""
    p = edge_ai
    assert evaluate(p.build).findings == p.report.findings
    cands = candidates(_edge_ai(), demo_catalog)
    dry = dataclasses.replace(
        p.design, racks=tuple(dataclasses.replace(r, cdu=0) for r in p.design.racks)
    )
    broken = evaluate_design(dry, cands)
    assert not broken.ok
    assert "liquid.node_unconnected" in {f.code for f in broken.report.errors}


def test_liquid_auto_explains_why_it_chose_liquid(demo_catalog: Catalog) -> None:
    """``auto`` says why: no air-only build keeps the rack within the policy's 35 kW of
    air-cooled heat (36,400 W of GPU servers alone, one rack), and how the heat is split."""
    conf = configure(_edge_ai(), demo_catalog, time_limit_s=20, extras=False)
    choice = conf.cooling
    assert choice is not None
    assert choice.asked == "auto"
    assert choice.chosen == "liquid"
    assert choice.air_limit_kw == 35
    assert choice.liquid_kw == pytest.approx(29.12)
    assert "35 kW" in choice.reason
    assert "every air-only build puts more than the policy's 35 kW" in choice.reason
    assert choice.liquid_price == conf.result.proposal.list_price  # type: ignore[union-attr]
    assert conf.notes == (choice.reason,)


def test_liquid_low_density_workload_stays_air_under_auto(demo_catalog: Catalog) -> None:
    """Two GPU servers at the same site: liquid is possible (cold-plate nodes, CDUs and dry
    coolers fit), but air is cheaper by far: two Tessellon G2 (60,900 each) against two cold-
    plate nodes of one model (at least 198,000 each), a CDU and a dry cooler besides."""
    req = _edge_ai(workload={"classes": [{"it_class": "gpu_server", "count": 2}]})
    conf = configure(req, demo_catalog, time_limit_s=20, extras=False)
    choice = conf.cooling
    assert choice is not None
    assert choice.chosen == "air"
    assert choice.air_limit_kw == 35  # liquid was on the table
    p = conf.result.proposal
    assert p is not None
    assert p.ok
    assert not _lines(p, Kind.CDU)
    assert not _lines(p, Kind.FACILITY_WATER)
    assert choice.air_price == p.list_price
    assert choice.liquid_price is not None
    assert choice.liquid_price - choice.air_price >= 2 * (198_000 - 60_900)
    assert "cheaper than the best liquid build" in choice.reason


def test_liquid_forced_on_a_tiny_workload_gives_a_valid_liquid_design(
    demo_catalog: Catalog,
) -> None:
    """One GPU server, ``liquid``: the cheapest cold-plate node, the Tessellon G8L (198,000;
    75 % of 8,900 W = 6,675 W into liquid, inlet up to 40 degC, UQD08), on the Riptide 50R
    (UQD04/UQD08, 32 + 3 = 35 degC <= 40 degC). Its 12 L/min is below the CDU's 20 L/min
    minimum: a warning, not an error (the CDU bypasses the rest)."""
    req = _edge_ai(workload={"classes": [{"it_class": "gpu_server", "count": 1}]}, cooling="liquid")
    p = _proposal(req, demo_catalog)
    assert p.design.liquid
    (node,) = [i for i in p.build.items if i.component.kind is Kind.GPU_SERVER]
    assert node.component.ref == "Tessellon Systems:TX-G8L"
    assert node.coolant_from == "cdu-1"
    assert p.report.metrics.liquid_w == pytest.approx(6_675)
    flow = [f for f in p.report.findings if f.code == "liquid.secondary_flow"]
    assert [(f.severity, f.value, f.limit) for f in flow] == [(Severity.WARNING, 12, 20)]


def test_liquid_forced_air_on_a_density_only_liquid_carries_names_the_limit(
    demo_catalog: Catalog,
) -> None:
    """A policy that holds air to 20 kW per rack (the engine errs above 1.5 x 20 = 30 kW, L7)
    and 31 kW of GPU servers in one rack, ``air``: the rack would give the air at least
    31,000 W > 30,000 W, though four G680 (32.4 kW, 24 U) would fit it. The conflict names the
    limit with its figures, and the ways out: liquid (four G8L, 29,120 W into liquid, 9.6 kW
    left to the air), or a second rack."""
    req = _edge_ai(
        workload={"classes": [{"it_class": "gpu_server", "min_typical_kw": 31}]},
        cooling="air",
        policy={"air_density_limit_kw": 20},
    )
    assert solve(req, demo_catalog, time_limit_s=20).status == "INFEASIBLE"
    conflict = explain(req, demo_catalog, time_limit_s=10)
    assert set(conflict.requirements) == {"air_density", "max_racks"}
    assert conflict.verified_minimal
    message = conflict.describe()
    assert "at most 30 kW of air-cooled heat per rack" in message
    assert "1.5 x the policy's 20 kW air_density_limit_kw" in message
    changes = {r.requirement: r for r in conflict.relaxations}
    assert changes["air_density"].change.startswith("cooling air -> liquid")
    assert changes["air_density"].list_price is not None
    assert changes["max_racks"].change == "allow 2 racks (now 1)"


def test_liquid_n_plus_1_has_a_spare_cdu_and_spare_pumps(demo_catalog: Catalog) -> None:
    """N+1 cooling asks N+1 of the loop (L4): with one CDU lost, 29,120 W within 0.8 x the
    rest; two Riptide 50R (each 2 pumps, 1 needed): 0.8 x 50,000 W = 40,000 W >= 29,120 W."""
    req = _edge_ai(redundancy={"cooling": "N+1"})
    assert req.build_policy().liquid_redundancy is Redundancy.N_PLUS_1
    p = _proposal(req, demo_catalog, time_limit_s=30)
    (cdu,) = _lines(p, Kind.CDU)
    assert cdu.quantity == 2
    spec = cdu.component.spec
    assert spec.pumps - spec.pumps_required >= 1  # type: ignore[union-attr]
    assert 0.8 * spec.capacity_w * (cdu.quantity - 1) >= 29_120  # type: ignore[union-attr]


def test_liquid_requirements_default_to_auto_and_refuse_other_choices() -> None:
    """``cooling`` is air, liquid or auto (the default); anything else names the field."""
    req = Requirements.model_validate(
        {"workload": {"classes": [{"it_class": "server", "count": 1}]}}
    )
    assert req.cooling is CoolingMedium.AUTO
    assert req.build_policy().liquid_redundancy is Redundancy.N
    with pytest.raises(pydantic.ValidationError) as caught:
        Requirements.model_validate(
            {"workload": {"classes": [{"it_class": "server", "count": 1}]}, "cooling": "oil"}
        )
    assert caught.value.errors()[0]["loc"] == ("cooling",)


def test_liquid_cold_plate_node_asked_with_air_is_a_problem(demo_catalog: Catalog) -> None:
    """A cold-plate node by reference cannot be cooled by air: the answer says so."""
    req = _edge_ai(
        workload={"items": [{"ref": "Helix Compute:HX-G8L", "quantity": 1}]}, cooling="air"
    )
    result = solve(req, demo_catalog)
    assert result.status == "INVALID_INPUT"
    assert result.problems == (
        "workload.items: 'Helix Compute:HX-G8L' is a cold-plate node, cooled by liquid: "
        "cooling 'air' cannot carry it",
    )


def test_liquid_asked_without_water_at_the_site_is_a_problem(demo_catalog: Catalog) -> None:
    """A single-phase site takes none of the demo's three-phase dry coolers and chillers: no
    loop, so ``liquid`` cannot be met, and the answer says why."""
    req = _edge_ai(
        site={"supply_phases": 1, "supply_breaker_a": 63},
        workload={"classes": [{"it_class": "gpu_server", "count": 1}]},
        cooling="liquid",
    )
    result = solve(req, demo_catalog)
    assert result.status == "INVALID_INPUT"
    assert any("no facility water source" in p for p in result.problems)
