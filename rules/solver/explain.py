"""When nothing fits: a minimal set of conflicting requirements and the cheapest relaxations.

1. The model is built in relax mode (``candidates(relax=True)``: the parts only relaxable
   requirements rule out are kept, guarded by those requirements; one more rack slot than
   ``max_racks``) and every relaxable requirement (``rules.solver.model.RELAXABLE``) present
   becomes a CP-SAT assumption. An infeasible solve names a sufficient subset
   (``SufficientAssumptionsForInfeasibility``).
2. That subset is made minimal by deletion: each member is dropped in turn and the rest solved
   again; a member whose removal leaves the rest infeasible goes. What is left is verified:
   dropping any one member makes the others feasible (``Conflict.verified_minimal``).
3. For each member, the requirements are solved again with only that member relaxed, cheapest
   first, and the change stated: the longest runtime that fits (bisection on whole minutes), the
   budget the cheapest build needs, one more rack, the rack height, the shortest lead time, the
   vendor rules, fire suppression, N instead of N+1, the supply breaker the build needs, and
   for the air density limit (reference 8 L7) the other way of cooling: liquid when air was
   asked, air (up to the engine's error edge, with its warning) otherwise.

When the requirements are infeasible with every relaxable one dropped, the conflict is with the
site or the workload itself, and ``requirements`` is empty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from rules.derive import derive
from rules.solver.candidates import Candidates, candidates
from rules.solver.catalog import Catalog
from rules.solver.design import grown_build
from rules.solver.linear import Lin
from rules.solver.model import RELAXABLE, SolverModel
from rules.solver.requirements import (
    CoolingMedium,
    CoolingRedundancy,
    ObjectiveTerm,
    RackForm,
    Requirements,
    UpsRedundancy,
    VendorRules,
)
from rules.solver.solve import SolveResult, new_solver, solve_candidates

__all__ = ["Conflict", "Relaxation", "explain"]

DESCRIPTION = {
    "runtime_min": "battery runtime",
    "budget": "budget",
    "max_racks": "number of racks",
    "max_rack_u": "rack height",
    "rack_form": "rack form",
    "max_lead_time_days": "lead time",
    "vendors": "vendor rules",
    "fire_suppression": "fire suppression",
    "cooling_n_plus_1": "N+1 cooling",
    "ups_n_plus_1": "N+1 UPS",
    "site_supply": "the site's supply breaker",
    "air_density": "air cooling's density limit",
}
# Preferred rated currents of circuit breakers (IEC 60898-1 / IEC 60947-2 series).
STANDARD_BREAKERS_A = (10, 13, 16, 20, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250)


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One way out: relax one requirement, and what the cheapest build then costs.

    ``enough`` is false when relaxing it alone still leaves another conflict (``then``)."""

    requirement: str
    change: str
    list_price: float | None
    enough: bool = True
    then: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    """Requirements that cannot hold together, and how to get past them."""

    requirements: tuple[str, ...]
    verified_minimal: bool
    relaxations: tuple[Relaxation, ...]
    # Names with their figures where a bare name says too little (the air density limit).
    labels: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """One sentence naming the conflict."""
        if not self.requirements:
            return "Nothing relaxable conflicts: the site or the workload cannot be met."
        names = ", ".join(self.labels.get(r) or DESCRIPTION.get(r, r) for r in self.requirements)
        return f"These requirements cannot all hold together: {names}."


def density_label(cands: Candidates) -> str:
    """The air density limit the requirements hold every rack to, with its figures."""
    policy_kw = cands.policy.air_density_limit_kw
    limit_kw = cands.air_limit_w / 1000
    if limit_kw > policy_kw:
        return (
            f"air cooling's density limit (at most {limit_kw:g} kW of air-cooled heat per rack: "
            f"1.5 x the policy's {policy_kw:g} kW air_density_limit_kw, where the engine's "
            "liquid.air_density errs; reference 8 L7)"
        )
    return (
        f"air cooling's density limit (at most {limit_kw:g} kW of air-cooled heat per rack, the "
        "policy's air_density_limit_kw: beyond it a rack calls for liquid; reference 8 L7)"
    )


class _Probe:
    """One relax-mode model, solved under different sets of assumed requirements.

    A requirement left out of the assumptions is free: its literal may be false, which drops
    its constraints, so feasibility under a set of assumptions is feasibility with exactly
    those requirements (and every non-relaxable one) enforced."""

    def __init__(self, cands: Candidates, slots: int, time_limit_s: float) -> None:
        self.sm = SolverModel(cands, slots).build()
        _budget(self.sm, cands)
        self.names = [n for n in RELAXABLE if n in self.sm.assumptions]
        self.time_limit_s = time_limit_s
        self.last_core: list[str] = []

    def feasible(self, on: set[str]) -> bool | None:
        """Whether the requirements in ``on`` can hold together (None: time ran out)."""
        m = self.sm.model
        m.clear_assumptions()
        m.add_assumptions([self.sm.assumptions[n] for n in self.names if n in on])
        solver = new_solver(self.time_limit_s)
        status = solver.solve(m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        if status != cp_model.INFEASIBLE:
            return None
        found = set(solver.sufficient_assumptions_for_infeasibility())
        self.last_core = [n for n in self.names if self.sm.assumptions[n].index in found]
        return False


def _budget(sm: SolverModel, cands: Candidates) -> None:
    budget = cands.requirements.constraints.budget
    if budget is not None:
        guard = sm.assumption("budget")
        Lin().plus(sm.price_list).le(sm.model, budget, [guard])


def _core(cands: Candidates, slots: int, time_limit_s: float) -> tuple[list[str], bool]:
    """A sufficient conflicting subset, then minimal by deletion; (names, verified)."""
    probe = _Probe(cands, slots, time_limit_s)
    if probe.feasible(set(probe.names)) is not False:
        return [], False
    core = list(probe.last_core)
    if probe.feasible(set()) is False:
        return [], True  # infeasible with every relaxable requirement dropped
    for name in list(core):
        if name not in core:
            continue  # already dropped with a smaller core
        rest = set(core) - {name}
        if probe.feasible(rest) is False:
            core = [n for n in core if n in probe.last_core] or [n for n in core if n != name]
    verified = all(probe.feasible(set(core) - {name}) is True for name in core)
    return core, verified


def _relaxed(req: Requirements, name: str) -> Requirements:
    c = req.constraints
    update: dict[str, Any] = {}
    redundancy: dict[str, Any] = {}
    if name == "budget":
        update["budget"] = None
    elif name == "max_racks":
        update["max_racks"] = min(c.max_racks + 1, 4)
    elif name == "max_rack_u":
        update["max_rack_u"] = 60
    elif name == "rack_form":
        update["rack_form"] = RackForm.ANY
    elif name == "max_lead_time_days":
        update["max_lead_time_days"] = None
    elif name == "vendors":
        update["vendors"] = VendorRules()
    elif name == "fire_suppression":
        update["fire_suppression"] = False
    elif name == "runtime_min":
        update["runtime_min"] = 0
    elif name == "cooling_n_plus_1":
        redundancy["cooling"] = CoolingRedundancy.N
    elif name == "ups_n_plus_1":
        redundancy["ups"] = UpsRedundancy.N
    out: dict[str, Any] = {
        "constraints": c.model_copy(update=update),
        "redundancy": req.redundancy.model_copy(update=redundancy),
    }
    if name == "air_density":
        out["cooling"] = _other_medium(req)
    return req.model_copy(update=out)


def _other_medium(req: Requirements) -> CoolingMedium:
    """Past the air density limit: liquid when air was asked, else air (up to the engine's
    error edge, 1.5 x the policy's limit, with its warning)."""
    return CoolingMedium.LIQUID if req.cooling is CoolingMedium.AIR else CoolingMedium.AIR


def _solve(req: Requirements, catalog: Catalog, time_limit_s: float, **kw: Any) -> SolveResult:
    return solve_candidates(candidates(req, catalog), time_limit_s=time_limit_s, **kw)


def _relaxation(
    req: Requirements, catalog: Catalog, name: str, time_limit_s: float
) -> Relaxation | None:
    c = req.constraints
    if name == "site_supply":
        cands = candidates(req, catalog)
        found = solve_candidates(cands, time_limit_s=time_limit_s, drop=frozenset({name}))
        if found.proposal is None:
            return None
        # The engine's worst phase current of the build as sized (its IT grown), at u.
        d = derive(grown_build(found.proposal.build, cands.growth))
        site = req.site
        needed = max(d.electrical.site_phase_worst_a) / d.policy.utilisation_limit
        amps = next((a for a in STANDARD_BREAKERS_A if a >= needed), math.ceil(needed))
        return Relaxation(
            name,
            f"supply breaker {site.supply_breaker_a:g} A -> {amps} A",
            found.proposal.list_price,
        )
    relaxed = _relaxed(req, name)
    if name == "max_lead_time_days":
        found = _solve(relaxed, catalog, time_limit_s, objective=[ObjectiveTerm.LEAD_TIME])
        if found.proposal is None:
            return None
        days = found.proposal.lead_time_days
        return Relaxation(
            name, f"max lead time {c.max_lead_time_days} -> {days} days", found.proposal.list_price
        )
    found = _solve(relaxed, catalog, time_limit_s)
    if found.proposal is None:
        return None
    price = found.proposal.list_price
    if name == "runtime_min":
        runtime = found.proposal.report.metrics.runtime_min or 0.0
        best = _longest_runtime(req, catalog, time_limit_s, math.floor(runtime))
        return Relaxation(name, f"runtime {c.runtime_min:g} -> {best:g} min", price)
    if name == "budget":
        return Relaxation(
            name,
            f"budget {c.budget:,.2f} -> {price:,.2f} (+{price - (c.budget or 0):,.2f})",
            price,
        )
    if name == "max_racks":
        return Relaxation(name, f"allow {c.max_racks + 1} racks (now {c.max_racks})", price)
    if name == "max_rack_u":
        used = max(getattr(r.component.spec, "u", 0) for r in found.proposal.build.racks)
        return Relaxation(name, f"max rack U {c.max_rack_u} -> {used}", price)
    if name == "air_density":
        limit = req.policy.air_density_limit_kw
        change = (
            f"cooling air -> liquid: cold plates carry what air cannot (air per rack at most "
            f"{1.5 * limit:g} kW)"
            if req.cooling is CoolingMedium.AIR
            else f"cooling {req.cooling.value} -> air: up to {1.5 * limit:g} kW of air-cooled "
            f"heat per rack, with the engine's warning above {limit:g} kW"
        )
        return Relaxation(name, change, price)
    changes = {
        "rack_form": f"rack form {c.rack_form.value} -> any",
        "vendors": "drop the vendor rules",
        "fire_suppression": "no fire suppression",
        "cooling_n_plus_1": "cooling N+1 -> N",
        "ups_n_plus_1": "UPS N+1 -> N",
    }
    return Relaxation(name, changes.get(name, name), price)


def _longest_runtime(req: Requirements, catalog: Catalog, time_limit_s: float, known: int) -> float:
    """The longest whole-minute runtime that fits, by bisection between one known to fit (the
    cheapest build without the runtime requirement lasts that long) and the one asked."""
    high = math.ceil(req.constraints.runtime_min) - 1
    low = min(max(0, known), high)
    while low < high:
        mid = (low + high + 1) // 2
        trial = req.model_copy(
            update={"constraints": req.constraints.model_copy(update={"runtime_min": float(mid)})}
        )
        if _solve(trial, catalog, time_limit_s).proposal is not None:
            low = mid
        else:
            high = mid - 1
    return float(low)


def explain(req: Requirements, catalog: Catalog, *, time_limit_s: float = 5.0) -> Conflict:
    """The minimal conflict and the relaxations of infeasible requirements."""
    cands = candidates(req, catalog, relax=True)
    slots = min(req.constraints.max_racks + 1, 5)
    if cands.problems or not cands.ups or not cands.racks or not cands.pdus:
        return Conflict((), True, ())
    core, verified = _core(cands, slots, time_limit_s)
    relaxations = []
    for name in core:
        found = _relaxation(req, catalog, name, time_limit_s)
        if found is None:
            # Relaxing it alone is not enough: name the conflict that is left.
            left = _relaxed(req, name) if name != "site_supply" else req
            rest = candidates(left, catalog, relax=True)
            next_core, _ = _core(rest, min(left.constraints.max_racks + 1, 5), time_limit_s)
            found = Relaxation(
                name, f"relax the {DESCRIPTION[name]}", None, False, tuple(next_core)
            )
        relaxations.append(found)
    relaxations.sort(key=lambda r: (r.list_price is None, r.list_price or 0.0))
    labels = {"air_density": density_label(cands)} if "air_density" in core else {}
    return Conflict(tuple(core), verified, tuple(relaxations), labels)
