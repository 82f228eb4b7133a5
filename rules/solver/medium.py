"""Air or liquid: which way the optimum cools, and why (``Requirements.cooling``).

The main solve already chooses: under ``auto`` the model holds air-only and liquid designs
together, so its optimum is the cheaper valid one. To say why, the best build of the other way
is solved for apart (the same model with the loop forced off or on): its price, or why there is
none. When no air-only build holds every rack within the policy's air density limit, the
cheapest air-only build without that limit says how dense its densest rack would be (reference
8, L7). Every figure is the engine's: prices from the proposals it judged, the heat into liquid
and to the air from its metrics (``liquid_w``, ``heat_w``, each rack's ``air_kw``: what the
engine's ``liquid.air_density`` judges, L5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from rules.solver.candidates import Candidates
from rules.solver.model import SolverModel
from rules.solver.requirements import CoolingMedium, ObjectiveTerm
from rules.solver.solve import Proposal, SolveResult, solve_candidates

__all__ = ["CoolingChoice", "cooling_choice", "densest_air_kw", "only"]

Way = Literal["air", "liquid"]


@dataclass(frozen=True, slots=True)
class CoolingChoice:
    """How the optimum cools, what was asked, and why."""

    asked: str  # air, liquid or auto
    chosen: Way | None  # None: no build
    reason: str
    air_limit_kw: float  # the most air-cooled heat a rack was allowed
    densest_air_kw: float | None = None  # the optimum's densest rack, air-cooled heat
    liquid_kw: float | None = None  # heat the optimum's cold plates carry into liquid
    air_price: float | None = None  # the best air-only build, when one was solved for
    liquid_price: float | None = None  # the best liquid build, when one was solved for


def way_of(proposal: Proposal) -> Way:
    """Whether a proposal cools some IT with liquid."""
    return "liquid" if proposal.design.liquid else "air"


def densest_air_kw(proposal: Proposal) -> float:
    """The most air-cooled heat any rack of the proposal gives off, in kW (the engine's)."""
    return max((r.air_kw for r in proposal.report.metrics.racks), default=0.0)


def money(value: float, currency: str) -> str:
    """A price to the cent, with its currency."""
    return f"{value:,.2f} {currency}"


def only(liquid: bool) -> Any:
    """An ``extra`` for ``solve_candidates``: the loop forced on (liquid) or off (air only)."""

    def force(sm: SolverModel, _: dict[ObjectiveTerm, Any]) -> None:
        if sm.liq is None:
            if liquid:
                sm.model.add_bool_or([sm.model.new_constant(0)])
            return
        sm.model.add(sm.liq.liquid == int(liquid))

    return force


def _kw(value: float) -> str:
    return f"{value:,.1f} kW"


def cooling_choice(
    cands: Candidates, result: SolveResult, *, time_limit_s: float = 2.0, workers: int = 1
) -> CoolingChoice:
    """Why the optimum cools the way it does (see the module docstring)."""
    req = cands.requirements
    asked = req.cooling
    limit_kw = cands.air_limit_w / 1000
    policy_kw = cands.policy.air_density_limit_kw
    currency = req.site.currency
    proposal = result.proposal
    base: dict[str, Any] = {"asked": asked.value, "air_limit_kw": limit_kw}
    if proposal is None:
        return CoolingChoice(
            chosen=None, reason="No build meets every requirement (see the conflict).", **base
        )
    chosen = way_of(proposal)
    metrics = proposal.report.metrics
    densest = densest_air_kw(proposal)
    liquid_kw = metrics.liquid_w / 1000 if chosen == "liquid" else None
    base.update(chosen=chosen, densest_air_kw=densest, liquid_kw=liquid_kw)
    price = money(proposal.list_price, currency)
    if chosen == "liquid":
        held = (
            f"cold plates carry {_kw(metrics.liquid_w / 1000)} into liquid; the air cools the "
            f"other {_kw(metrics.heat_w / 1000)}, at most {_kw(densest)} in a rack (limit "
            f"{limit_kw:g} kW)"
        )
    else:
        held = f"every rack gives the air at most {_kw(densest)} (limit {limit_kw:g} kW" + (
            f", the engine's error edge: it warns above the policy's {policy_kw:g} kW)"
            if limit_kw > policy_kw
            else ")"
        )
    if asked is not CoolingMedium.AUTO:
        return CoolingChoice(
            reason=f"{asked.value.capitalize()} cooling was asked: {held}.", **base
        )
    if not cands.liquid_options:
        why = "; ".join(cands.liquid_notes) or "no cold-plate node of the catalogue serves it"
        return CoolingChoice(
            reason=f"Air: no liquid design can carry this workload here ({why}); {held}.",
            **base,
        )
    found = solve_candidates(
        cands, time_limit_s=time_limit_s, workers=workers, extra=only(chosen == "air")
    )
    other = found.proposal
    if chosen == "liquid":
        base["liquid_price"] = proposal.list_price
        if other is not None:
            base["air_price"] = other.list_price
            saving = money(other.list_price - proposal.list_price, currency)
            why = (
                f"{saving} cheaper than the best air-only build "
                f"({money(other.list_price, currency)})"
            )
        elif found.status != "INFEASIBLE":
            why = f"no air-only build was found within {time_limit_s:g} s to compare"
        else:
            why = _why_no_air(cands, policy_kw, time_limit_s, workers)
        return CoolingChoice(reason=f"Liquid, at {price}: {why}; {held}.", **base)
    base["air_price"] = proposal.list_price
    if other is not None:
        base["liquid_price"] = other.list_price
        saving = money(other.list_price - proposal.list_price, currency)
        why = f"{saving} cheaper than the best liquid build ({money(other.list_price, currency)})"
    elif found.status != "INFEASIBLE":
        why = f"no liquid build was found within {time_limit_s:g} s to compare"
    else:
        why = "no liquid build meets the requirements"
    return CoolingChoice(reason=f"Air, at {price}: {why}; {held}.", **base)


def _why_no_air(cands: Candidates, policy_kw: float, time_limit_s: float, workers: int) -> str:
    """Why no air-only build fits: its density (the cheapest air-only build without the
    limit, and its densest rack), or something else."""
    found = solve_candidates(
        cands,
        time_limit_s=time_limit_s,
        workers=workers,
        extra=only(False),
        drop=frozenset({"air_density"}),
    )
    dense = found.proposal
    if dense is None:
        if found.status == "INFEASIBLE":
            return "no air-only build meets the requirements, whatever its density"
        return (
            f"no air-only build keeps every rack within the policy's {policy_kw:g} kW of "
            "air-cooled heat (reference 8 L7)"
        )
    return (
        f"every air-only build puts more than the policy's {policy_kw:g} kW of air-cooled heat "
        f"in a rack, beyond practical air cooling (reference 8 L7): the cheapest one puts "
        f"{_kw(densest_air_kw(dense))} in its densest rack"
    )
