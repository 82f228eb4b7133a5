"""Solve: build the model, optimise the objective, read the design, wire it, let the engine judge.

Objectives are integers: prices in cents, lead time in days, the 5-year cost in cents (list
price plus ``tco_years`` x annual kWh x the site's tariff; annual kWh = 8,760 h x the site's
typical draw: IT as listed, UPS input, cooling and fire units at their typical draw, the
engine's bottom-up figure of ``rules.derive.energy``, since the policy PUE makes every facility
choice cost the same energy). Lexicographic objectives are solved term by term, each later term
with the earlier ones held at their best values; weighted ones are one sum.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from ortools.sat.python import cp_model

from rules.model import BuildSpec, Report, Severity
from rules.report import evaluate
from rules.solver.candidates import Candidates, candidates
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.design import Design, RackPlan, grown_build, wire
from rules.solver.linear import Lin, strict_rounding
from rules.solver.model import SolverModel
from rules.solver.requirements import ObjectiveTerm, Requirements
from rules.units import HOURS_PER_YEAR

__all__ = [
    "Proposal",
    "SolveResult",
    "evaluate_design",
    "new_solver",
    "solve",
    "solve_candidates",
]

STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """One build: the design, the wired build, the engine's verdicts and its figures."""

    design: Design
    build: BuildSpec
    report: Report  # the engine on the build as listed
    design_report: Report | None  # the engine on the build with IT grown (growth > 0)
    list_price: float
    cost_price: float
    facility_list_price: float  # without the IT
    lead_time_days: int
    annual_kwh: float
    energy_cost_per_year: float
    tco: float

    @property
    def ok(self) -> bool:
        """The engine finds no error in the build, nor in its grown twin."""
        return self.report.ok and (self.design_report is None or self.design_report.ok)

    def counts(self) -> dict[str, int]:
        """Findings per severity of the build as listed."""
        out = {s.value: 0 for s in Severity}
        for f in self.report.findings:
            out[f.severity.value] += 1
        return out


@dataclass(frozen=True, slots=True)
class SolveResult:
    """What the solver says: status, objective, bound, and the build when there is one."""

    status: str
    objective: float | None = None
    bound: float | None = None
    time_limit_hit: bool = False
    wall_s: float = 0.0
    proposal: Proposal | None = None
    problems: tuple[str, ...] = ()
    stages: tuple[dict[str, Any], ...] = ()
    conflict: Any = None  # rules.solver.explain.Conflict, filled by configure()

    @property
    def found(self) -> bool:
        """A build was found."""
        return self.proposal is not None

    @property
    def gap(self) -> float | None:
        """Relative optimality gap of the first objective term (0 when proven optimal)."""
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / abs(self.objective)


def _int_expr(lin: Lin, factor: float) -> Any:
    """An integer objective expression: each coefficient x factor, rounded (objective only)."""
    return sum(round(c * factor) * v for c, v in lin.terms) + round(lin.constant * factor)


@dataclass(slots=True)
class _Objectives:
    sm: SolverModel
    exprs: dict[ObjectiveTerm, Any] = field(default_factory=dict)
    scale: dict[ObjectiveTerm, float] = field(default_factory=dict)  # integer units per unit

    def build(self, years: int) -> _Objectives:
        sm, c = self.sm, self.sm.cands
        m = sm.model
        self.exprs[ObjectiveTerm.LIST_PRICE] = _int_expr(sm.price_list, 100)
        self.exprs[ObjectiveTerm.COST_PRICE] = _int_expr(sm.price_cost, 100)
        self.scale[ObjectiveTerm.LIST_PRICE] = self.scale[ObjectiveTerm.COST_PRICE] = 100
        longest = max([d for d, _ in sm.lead_items] + [0])
        lead = m.new_int_var(0, longest, "lead_time")
        for days, lit in sm.lead_items:
            if lit is None:
                m.add(lead >= days)
            elif days:
                m.add(lead >= days).only_enforce_if(lit)
        self.exprs[ObjectiveTerm.LEAD_TIME] = lead
        self.scale[ObjectiveTerm.LEAD_TIME] = 1
        tariff = c.requirements.site.electricity_price_per_kwh
        per_w = years * tariff * HOURS_PER_YEAR / 1000 * 100  # cents per W of typical draw
        energy = _int_expr(sm.energy_w, per_w)
        self.exprs[ObjectiveTerm.TCO] = self.exprs[ObjectiveTerm.LIST_PRICE] + energy
        self.scale[ObjectiveTerm.TCO] = 100
        return self


def _read(sm: SolverModel, solver: cp_model.CpSolver) -> Design:
    c = sm.cands
    value = solver.value
    ups = next(c.ups[j] for j, lit in enumerate(sm.ups) if value(lit))
    cooling = next((c.cooling[n] for n, lit in enumerate(sm.cool_pick) if value(lit)), None)
    cool_n = next((value(sm.cool_n[n]) for n, lit in enumerate(sm.cool_pick) if value(lit)), 0)
    fire = next((c.fire[n] for n, lit in enumerate(sm.fire_pick) if value(lit)), None)
    fire_n = next((value(sm.fire_n[n]) for n, lit in enumerate(sm.fire_pick) if value(lit)), 0)
    cooling_phases = next(
        (tuple(map(value, sm.cool_ph[n])) for n, lit in enumerate(sm.cool_pick) if value(lit)),
        (),
    )
    fire_phases = next(
        (tuple(map(value, sm.fire_ph[n])) for n, lit in enumerate(sm.fire_pick) if value(lit)),
        (),
    )
    plans = []
    for r in range(sm.slots):
        if not value(sm.active[r]):
            continue
        rack = next(c.racks[k] for k, lit in enumerate(sm.rack[r]) if value(lit))
        pdu = next(c.pdus[p] for p, lit in enumerate(sm.pdu[r]) if value(lit))
        ats = next((c.ats[t] for t, lit in enumerate(sm.ats[r]) if value(lit)), None)
        it = tuple(
            (i, ph, value(var))
            for (rr, i, ph), var in sorted(sm.it.items())
            if rr == r and value(var) > 0
        )
        n_cool = next(
            (
                value(sm.cool_in[n][r])
                for n, lit in enumerate(sm.cool_pick)
                if value(lit) and sm.cool_in[n]
            ),
            0,
        )
        n_fire = next(
            (
                value(sm.fire_in[n][r])
                for n, lit in enumerate(sm.fire_pick)
                if value(lit) and sm.fire_in[n]
            ),
            0,
        )
        if ats is not None and not any(c.it[i].via_ats for i, _, _ in it):
            ats = None  # an ATS with nothing on it (a free one, tied in price) is left out
        cdu, cdu_phase, leak = _read_rack_liquid(sm, solver, r)
        plans.append(RackPlan(rack, pdu, ats, it, n_cool, n_fire, cdu, cdu_phase, leak))
    cdu_model, plant, plant_count, plant_phase = _read_liquid(sm, solver)
    return Design(
        racks=tuple(plans),
        ups=ups,
        systems=c.systems,
        ab_feeds=c.requirements.redundancy.ab_feeds,
        cooling=cooling,
        cooling_count=cool_n,
        fire=fire,
        fire_count=fire_n,
        cooling_phases=cooling_phases,
        fire_phases=fire_phases,
        panel=c.panel,
        it_options=tuple(c.it),
        cdu=cdu_model,
        plant=plant,
        plant_count=plant_count,
        plant_phase=plant_phase,
    )


def _read_rack_liquid(
    sm: SolverModel, solver: cp_model.CpSolver, r: int
) -> tuple[int, int | None, CatalogEntry | None]:
    """Rack ``r``'s CDU units, the site phase of its CDU line (1..3, None: three-phase unit or
    single-phase site) and its leak sensor."""
    lv, c, value = sm.liq, sm.cands, solver.value
    if lv is None or not value(lv.wet[r]):
        return 0, None, None
    units = sum(value(var) for var in lv.cdu[r])
    phase = None
    for (rr, _, p), var in lv.cdu_on.items():
        if rr == r and value(var) > 0:
            phase = p + 1
    leak = next((c.leaks[n] for n, lit in enumerate(lv.leak[r]) if value(lit)), None)
    return units, phase, leak


def _read_liquid(
    sm: SolverModel, solver: cp_model.CpSolver
) -> tuple[CatalogEntry | None, CatalogEntry | None, int, int | None]:
    """The CDU model, the facility water model, its units and the site phase of its line."""
    lv, c, value = sm.liq, sm.cands, solver.value
    if lv is None or not value(lv.liquid):
        return None, None, 0, None
    cdu = next(c.cdus[k] for k, lit in enumerate(lv.cdu_pick) if value(lit))
    n = next(n for n, lit in enumerate(lv.plant_pick) if value(lit))
    phase = next((p + 1 for (nn, p), var in lv.plant_on.items() if nn == n and value(var)), None)
    return cdu, c.plants[n], value(lv.plant_n[n]), phase


def evaluate_design(design: Design, cands: Candidates) -> Proposal:
    """Wire a design, let the engine judge it (as listed and grown), and work out its figures."""
    req = cands.requirements
    build = wire(design, cands, name=req.name)
    report = evaluate(build)
    design_report = evaluate(grown_build(build, cands.growth)) if cands.growth != 1 else None
    list_price = report.metrics.bill_total
    cost_price = 0.0
    facility = 0.0
    for item in build.items:
        entry = _entry_of(item.component.ref, design, cands)
        price = entry.price(cost=True) if entry is not None else item.component.list_price
        cost_price += price * item.quantity
        if not item.component.kind.is_it:
            facility += item.component.list_price * item.quantity
    for rack in build.racks:
        entry = _entry_of(rack.component.ref, design, cands)
        cost_price += entry.price(cost=True) if entry is not None else rack.component.list_price
        facility += rack.component.list_price
    # Annual energy on the engine's bottom-up basis: the site's typical draw.
    site_w = _site_typical_w(build)
    kwh = site_w * HOURS_PER_YEAR / 1000
    tariff = req.site.electricity_price_per_kwh
    years = req.objective.tco_years
    return Proposal(
        design=design,
        build=build,
        report=report,
        design_report=design_report,
        list_price=list_price,
        cost_price=cost_price,
        facility_list_price=facility,
        lead_time_days=report.metrics.lead_time_days,
        annual_kwh=kwh,
        energy_cost_per_year=kwh * tariff,
        tco=list_price + years * kwh * tariff,
    )


def _site_typical_w(build: BuildSpec) -> float:
    from rules.derive import derive

    return derive(build).flow.normal.site_typical_w


def _entry_of(ref: str, design: Design, cands: Candidates) -> Any:
    for entry in (
        *cands.racks,
        *cands.pdus,
        *cands.ats,
        *cands.cooling,
        *cands.fire,
        *cands.cdus,
        *cands.plants,
        *cands.leaks,
        *(o.entry for o in cands.it),
    ):
        if entry.ref == ref:
            return entry
    ups = design.ups
    if ups.ups.ref == ref:
        return ups.ups
    if ups.pack is not None and ups.pack.ref == ref:
        return ups.pack
    if cands.panel is not None and cands.panel.ref == ref:
        return cands.panel
    return None


def new_solver(time_limit_s: float, workers: int = 1) -> cp_model.CpSolver:
    """A CP-SAT solver with the parameters every solve of this package uses.

    OR-Tools 9.15's presolve answered OPTIMAL with a dearer build than one it found with
    presolve off, on a demo-catalogue model (two servers, runtime 5 min): its inclusion
    detection and symmetry reductions removed the optimum. Both are turned off;
    ``tests/rules/solver/test_monotone.py`` fails without this.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.keep_symmetry_in_presolve = True
    solver.parameters.presolve_inclusion_work_limit = 0
    return solver


# A finding whose value and limit agree to this relative distance is a float tie.
TIE_REL = 1e-9


def _ties_only(proposal: Proposal) -> bool:
    """Every error of the proposal (as built and grown) is a float tie: value and limit equal
    but for the last bits of the engine's floats."""
    errors = list(proposal.report.errors)
    if proposal.design_report is not None:
        errors += list(proposal.design_report.errors)
    if not errors:
        return False
    for f in errors:
        if f.value is None or f.limit is None:
            return False
        if abs(f.value - f.limit) > TIE_REL * max(1.0, abs(f.limit)):
            return False
    return True


def solve_candidates(
    cands: Candidates,
    *,
    time_limit_s: float = 10.0,
    workers: int = 1,
    slots: int | None = None,
    extra: Callable[[SolverModel, dict[ObjectiveTerm, Any]], None] | None = None,
    objective: Sequence[ObjectiveTerm] | None = None,
    drop: frozenset[str] = frozenset(),
) -> SolveResult:
    """Solve over resolved candidates; ``extra`` adds constraints before solving; the
    requirements named in ``drop`` (``rules.solver.model.RELAXABLE``) are not enforced.

    The model works in exact arithmetic (``rules.solver.linear``), the engine in floats: a load
    exactly at a limit (560 W against u x 0.7 kW = 559.9999999999999 W) may pass one and fail
    the other. When the engine rejects a proposal on such ties alone, the model is built again
    with every limit kept by a margin (``strict_rounding``) and solved again; any other error
    is returned as found, for the tests to fail on: the model missed a rule.
    """
    started = time.perf_counter()
    kw: dict[str, Any] = {
        "workers": workers,
        "slots": slots,
        "extra": extra,
        "objective": objective,
        "drop": drop,
    }
    result = _solve_once(cands, time_limit_s=time_limit_s, **kw)
    proposal = result.proposal
    if proposal is not None and not proposal.ok and _ties_only(proposal):
        left = max(0.05, time_limit_s - (time.perf_counter() - started))
        with strict_rounding():
            result = _solve_once(cands, time_limit_s=left, **kw)
    return replace(result, wall_s=time.perf_counter() - started)


def _solve_once(
    cands: Candidates,
    *,
    time_limit_s: float,
    workers: int,
    slots: int | None,
    extra: Callable[[SolverModel, dict[ObjectiveTerm, Any]], None] | None,
    objective: Sequence[ObjectiveTerm] | None,
    drop: frozenset[str],
) -> SolveResult:
    started = time.perf_counter()
    req = cands.requirements
    if cands.problems:
        return SolveResult("INVALID_INPUT", problems=tuple(cands.problems))
    if not cands.ups or not cands.racks or not cands.pdus:
        missing = [
            role
            for role, found in (("UPS", cands.ups), ("rack", cands.racks), ("PDU", cands.pdus))
            if not found
        ]
        return SolveResult(
            "INFEASIBLE",
            problems=tuple(
                f"no {role} of the catalogue fits this site and these requirements"
                for role in missing
            ),
            wall_s=time.perf_counter() - started,
        )
    sm = SolverModel(cands, slots or req.constraints.max_racks).build()
    m = sm.model
    budget = req.constraints.budget
    if budget is not None:
        guard = sm.assumption("budget")
        Lin().plus(sm.price_list).le(m, budget, [guard])
    for name, lit in sm.assumptions.items():
        m.add(lit == (0 if name in drop else 1))
    obj = _Objectives(sm).build(req.objective.tco_years)
    if extra is not None:
        extra(sm, obj.exprs)
    terms = list(objective or req.objective.terms)
    stages: list[dict[str, Any]] = []
    deadline = started + time_limit_s
    solver = new_solver(time_limit_s, workers)
    if req.objective.mode == "weighted" and objective is None:
        weights = req.objective.weights
        m.minimize(sum(round(w * 1000) * obj.exprs[t] for t, w in zip(terms, weights, strict=True)))
        plan: list[tuple[str, ObjectiveTerm | None]] = [("weighted", None)]
    else:
        plan = [(t.value, t) for t in terms]
    first: tuple[float | None, float | None] = (None, None)
    status = cp_model.UNKNOWN
    hit = False
    for n, (label, term) in enumerate(plan):
        if term is not None:
            m.minimize(obj.exprs[term])
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        status = solver.solve(m)
        stage_status = STATUS.get(status, str(status))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if n == 0:
                return SolveResult(
                    "INFEASIBLE" if status == cp_model.INFEASIBLE else stage_status,
                    time_limit_hit=status == cp_model.UNKNOWN,
                    wall_s=time.perf_counter() - started,
                )
            break  # keep the previous stage's solution
        value = solver.objective_value
        bound = solver.best_objective_bound
        scale = obj.scale[term] if term is not None else 1000 * 100
        stages.append(
            {
                "term": label,
                "status": stage_status,
                "objective": value / scale,
                "bound": bound / scale,
            }
        )
        if n == 0:
            first = (value / scale, bound / scale)
        hit = hit or status == cp_model.FEASIBLE
        design = _read(sm, solver)
        if term is not None and n + 1 < len(plan):
            m.add(obj.exprs[term] <= round(value))
            cast(Any, m).clear_hints()  # OR-Tools leaves this one untyped
            for var in _hintable(sm):
                m.add_hint(var, solver.value(var))
    proposal = evaluate_design(design, cands)
    overall = "OPTIMAL" if all(s["status"] == "OPTIMAL" for s in stages) else "FEASIBLE"
    return SolveResult(
        overall,
        objective=first[0],
        bound=first[1],
        time_limit_hit=hit,
        wall_s=time.perf_counter() - started,
        proposal=proposal,
        stages=tuple(stages),
    )


def _hintable(sm: SolverModel) -> list[cp_model.IntVar]:
    out = [*sm.ups, *sm.active, *sm.cool_pick, *sm.cool_n, *sm.fire_pick, *sm.fire_n]
    for row in (*sm.rack, *sm.pdu, *sm.ats, *sm.cool_in, *sm.cool_ph, *sm.fire_in, *sm.fire_ph):
        out.extend(row)
    out.extend(sm.it.values())
    lv = sm.liq
    if lv is not None:
        out += [lv.liquid, *lv.cdu_pick, *lv.wet, *lv.plant_pick, *lv.plant_n, *lv.plant_phase]
        for row in (*lv.cdu, *lv.cdu_phase, *lv.leak):
            out.extend(row)
        out += [*lv.cdu_on.values(), *lv.plant_on.values(), *lv.used.values()]
    return out


def solve(
    requirements: Requirements,
    catalog: Catalog,
    *,
    time_limit_s: float = 10.0,
    workers: int = 1,
) -> SolveResult:
    """The cheapest valid build for ``requirements`` over ``catalog`` (one objective pass)."""
    return solve_candidates(
        candidates(requirements, catalog), time_limit_s=time_limit_s, workers=workers
    )
