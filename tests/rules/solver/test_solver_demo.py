"""The solver on the demo catalogue: wired proposals the engine accepts, and honest answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.derive import derive
from rules.solver.alternatives import alternatives, pareto_front
from rules.solver.bundles import compare_bundles
from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog
from rules.solver.explain import explain
from rules.solver.requirements import Requirements
from rules.solver.solve import SolveResult, solve, solve_candidates
from rules.specs import Kind, Redundancy

EXAMPLES = Path(__file__).resolve().parents[3] / "rules" / "examples" / "configure"


def _req(**parts: Any) -> Requirements:
    base: dict[str, Any] = {
        "site": {"supply_phases": 1, "supply_breaker_a": 32, "ambient_max_c": 25},
        "workload": {"classes": [{"it_class": "server", "count": 2}]},
    }
    return Requirements.model_validate({**base, **parts})


def _found(result: SolveResult) -> Any:
    assert result.proposal is not None, (result.status, result.problems)
    assert result.proposal.ok, [f.code for f in result.proposal.report.errors]
    return result.proposal


@pytest.mark.parametrize(
    "name", ["hospital_2n.json", "retail_customer_it.json", "edge_ai_liquid.json"]
)
def test_solver_examples_are_proven_optimal_and_accepted(demo_catalog: Catalog, name: str) -> None:
    """Each example requirements file solves to a proven optimum the engine accepts."""
    req = Requirements.model_validate_json((EXAMPLES / name).read_text(encoding="utf-8"))
    result = solve(req, demo_catalog)
    _found(result)
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(result.bound)
    assert result.gap == 0


def test_solver_2n_wires_two_systems_and_an_ats_for_single_corded_it(demo_catalog: Catalog) -> None:
    """2N: two UPS lines, A/B PDUs from each, single-corded IT through an ATS, level 2N."""
    req = Requirements.model_validate_json(
        (EXAMPLES / "hospital_2n.json").read_text(encoding="utf-8")
    )
    proposal = _found(solve(req, demo_catalog))
    items = {i.id: i for i in proposal.build.items}
    assert {"ups-a", "ups-b"} <= set(items)
    assert items["pdu-1a"].feed_a == "ups-a"
    assert items["pdu-1b"].feed_a == "ups-b"
    assert proposal.report.metrics.ups_redundancy is Redundancy.TWO_N
    assert proposal.report.metrics.cooling_redundancy.rank >= Redundancy.N_PLUS_1.rank
    single = [i for i in items.values() if i.component.kind.is_it and i.feed_b is None]
    assert all(i.feed_a is not None and i.feed_a.startswith("ats-") for i in single)
    assert proposal.design_report is not None  # 20 % growth: judged grown too
    assert proposal.design_report.ok


def test_solver_spreads_a_gpu_load_over_two_racks_when_allowed(demo_catalog: Catalog) -> None:
    """A GPU load that does not fit one rack's power uses a second rack, placed and wired."""
    req = _req(
        site={"supply_phases": 3, "supply_breaker_a": 100, "ambient_max_c": 25},
        workload={"classes": [{"it_class": "gpu_server", "min_typical_kw": 30, "max_count": 12}]},
        redundancy={"ups": "N+1", "cooling": "N"},
        constraints={"runtime_min": 5, "max_racks": 3},
    )
    proposal = _found(solve(req, demo_catalog, time_limit_s=20))
    assert len(proposal.build.racks) >= 2
    layouts = derive(proposal.build).layouts
    assert all(layout.loose_u == 0 for layout in layouts.values())
    it_w = proposal.report.metrics.it_load_typical_w
    assert it_w >= 30_000


def test_solver_honours_vendor_rules_and_lead_time(demo_catalog: Catalog) -> None:
    """Denied makers never appear; one power vendor means UPS, packs, PDUs and ATS agree."""
    req = _req(
        constraints={
            "runtime_min": 20,
            "max_lead_time_days": 21,
            "vendors": {"deny": ["Cobaltframe Enclosures"], "single_power_vendor": True},
        }
    )
    proposal = _found(solve(req, demo_catalog))
    power = {
        i.component.manufacturer
        for i in proposal.build.items
        if i.component.kind in (Kind.UPS, Kind.BATTERY, Kind.PDU, Kind.ATS)
    }
    assert len(power) == 1
    makers = {r.component.manufacturer for r in proposal.build.racks}
    makers |= {i.component.manufacturer for i in proposal.build.items}
    assert "Cobaltframe Enclosures" not in makers
    assert proposal.lead_time_days <= 21


def test_solver_lexicographic_lead_time_never_costs_more_than_it_saves(
    demo_catalog: Catalog,
) -> None:
    """Lead time first gives the shortest lead time; price first gives the lowest price."""
    cheap = _found(solve(_req(), demo_catalog))
    fast = _found(solve(_req(objective={"terms": ["lead_time", "list_price"]}), demo_catalog))
    assert fast.lead_time_days <= cheap.lead_time_days
    assert cheap.list_price <= fast.list_price


def test_solver_infeasible_requirements_give_a_verified_minimal_conflict(
    small_catalog: Catalog,
) -> None:
    """A budget below what a long runtime costs: both together conflict, each alone fits."""
    long_run = _found(solve(_req(constraints={"runtime_min": 60}), small_catalog))
    short = _found(solve(_req(constraints={"runtime_min": 5}), small_catalog))
    assert short.list_price < long_run.list_price
    budget = (short.list_price + long_run.list_price) / 2
    req = _req(constraints={"runtime_min": 60, "budget": budget})
    assert solve(req, small_catalog).status == "INFEASIBLE"
    conflict = explain(req, small_catalog)
    assert set(conflict.requirements) == {"runtime_min", "budget"}
    assert conflict.verified_minimal
    by_name = {r.requirement: r for r in conflict.relaxations}
    assert by_name["budget"].list_price == pytest.approx(long_run.list_price)
    assert "runtime 60 ->" in by_name["runtime_min"].change


def test_solver_alternatives_and_pareto_front_are_valid_and_distinct(demo_catalog: Catalog) -> None:
    """Alternatives differ and pass the engine; the front trades price against energy."""
    req = _req(site={"supply_phases": 3, "supply_breaker_a": 32, "ambient_max_c": 25})
    makers = {"Northbeam Power", "Voltmere Systems", "Cobaltframe Enclosures", "Tessellon Systems"}
    makers |= {"Polarwind Climate", "Coldline Thermal"}
    catalog = Catalog(entries=tuple(e for e in demo_catalog.entries if e.vendor in makers))
    cands = candidates(req, catalog)
    best = solve_candidates(cands)
    alts = alternatives(cands, best)
    assert alts[0].proposal.list_price == best.proposal.list_price  # type: ignore[union-attr]
    assert len({a.label for a in alts}) == len(alts) >= 2
    assert all(a.proposal.ok for a in alts)
    front = pareto_front(cands)
    prices = [a.proposal.list_price for a in front]
    energy = [a.proposal.annual_kwh for a in front]
    assert prices == sorted(prices)
    assert energy == sorted(energy, reverse=True)
    assert all(a.proposal.ok for a in front)


def test_solver_compares_kits_facility_only(demo_catalog: Catalog) -> None:
    """A kit that fits is priced at its bundle price plus add-ons, against the modular build."""
    req = _req(
        site={"supply_phases": 3, "supply_breaker_a": 32, "ambient_max_c": 25},
        workload={"customer_load": {"typical_kw": 4, "nameplate_kw": 6, "devices": 8}},
        constraints={"runtime_min": 10},
    )
    modular = _found(solve(req, demo_catalog))
    found = compare_bundles(req, demo_catalog, modular)
    fitting = [b for b in found if b.feasible]
    assert fitting
    for b in fitting:
        assert b.kit_price is not None
        assert b.saving_pct is not None
        assert b.saving_pct == pytest.approx((b.kit_price - b.modular_price) / b.kit_price * 100)
        assert b.modular_price == pytest.approx(modular.facility_list_price)


def test_solver_reports_a_time_limit_honestly(demo_catalog: Catalog) -> None:
    """With a tiny time limit the answer says whether it is proven, and never lies."""
    req = _req(
        site={"supply_phases": 3, "supply_breaker_a": 63, "ambient_max_c": 25},
        workload={"classes": [{"it_class": "server", "min_typical_kw": 6}]},
        constraints={"max_racks": 2},
    )
    result = solve(req, demo_catalog, time_limit_s=0.05)
    assert result.status in {"OPTIMAL", "FEASIBLE", "UNKNOWN"}
    if result.status == "FEASIBLE":
        assert result.time_limit_hit
        assert result.bound is not None
        assert result.objective is not None
        assert result.bound <= result.objective
    if result.proposal is not None:
        assert result.proposal.ok


def test_solver_catalogue_file_round_trips(demo_catalog: Catalog) -> None:
    """``python -m catalog.demo`` output reads back as the same catalogue."""
    from catalog.demo import demo_solver_catalog
    from rules.io import load_catalog

    again = load_catalog(json.dumps(demo_solver_catalog()))
    assert again == demo_catalog


def test_solver_weighted_objective_trades_price_against_lead_time(small_catalog: Catalog) -> None:
    """A heavy weight on lead time gives a lead time no longer than the cheapest build's."""
    cheap = _found(solve(_req(), small_catalog))
    weighted = _req(
        objective={"terms": ["list_price", "lead_time"], "mode": "weighted", "weights": [1, 1000]}
    )
    quick = _found(solve(weighted, small_catalog))
    assert quick.lead_time_days <= cheap.lead_time_days
    assert quick.list_price >= cheap.list_price


@pytest.mark.parametrize("tariff", [0.25, 5.0])
def test_solver_tco_objective_weighs_energy_over_the_years(
    demo_catalog: Catalog, tariff: float
) -> None:
    """5-year cost = list price + 5 x annual kWh x tariff, annual kWh = 8,760 h x the site's
    typical draw. Minimising it never ends dearer over 5 years than minimising the price, and
    minimising the price never ends dearer to buy. At 0.25 a kWh the cheapest build
    (10,154, 9,110.8 kWh a year: 10,154 + 5 x 9,110.8 x 0.25 = 21,542) loses to one that costs
    more to buy and draws less (13,354 and 3,399.2 kWh: 17,603)."""
    site: dict[str, Any] = {"supply_phases": 1, "supply_breaker_a": 32, "ambient_max_c": 25}
    site["electricity_price_per_kwh"] = tariff
    cheap = _found(solve(_req(site=site), demo_catalog))
    thrifty = _found(solve(_req(site=site, objective={"terms": ["tco"]}), demo_catalog))
    for p in (cheap, thrifty):
        # The engine's bottom-up site draw, typical, all year.
        site_w = derive(p.build).flow.normal.site_typical_w
        assert p.annual_kwh == pytest.approx(site_w * 8760 / 1000)
        assert p.tco == pytest.approx(p.list_price + 5 * p.annual_kwh * tariff)
    assert thrifty.tco < cheap.tco
    assert thrifty.annual_kwh < cheap.annual_kwh
    assert cheap.list_price <= thrifty.list_price
