"""One call for a whole configuration: the optimum, its proof, how it cools and why (air or
liquid, ``rules.solver.medium``), alternatives, the Pareto front, the kits compared, or the
conflict when nothing fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rules.solver.alternatives import Alternative, alternatives, pareto_front
from rules.solver.bundles import BundleComparison, compare_bundles
from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog
from rules.solver.explain import Conflict, explain
from rules.solver.medium import CoolingChoice, cooling_choice
from rules.solver.requirements import Requirements
from rules.solver.solve import SolveResult, solve_candidates

__all__ = ["Configuration", "Progress", "configure"]

# Told where a configuration stands: a stage name and the share done (0..1).
Progress = Callable[[str, float], None]


def _silent(stage: str, done: float) -> None:
    """No one is listening."""


@dataclass(frozen=True, slots=True)
class Configuration:
    """The solver's whole answer to one set of requirements."""

    requirements: Requirements
    result: SolveResult
    alternatives: tuple[Alternative, ...] = ()
    pareto: tuple[Alternative, ...] = ()
    bundles: tuple[BundleComparison, ...] = ()
    conflict: Conflict | None = None
    notes: tuple[str, ...] = field(default=())
    cooling: CoolingChoice | None = None  # air or liquid, and why


def configure(
    requirements: Requirements,
    catalog: Catalog,
    *,
    time_limit_s: float = 10.0,
    workers: int = 1,
    extras: bool = True,
    progress: Progress | None = None,
) -> Configuration:
    """Solve, then (``extras``) alternatives, the Pareto front and the kits; or explain.
    ``progress`` hears each stage as it starts."""
    tell = progress or _silent
    tell("solving", 0.05)
    cands = candidates(requirements, catalog)
    result = solve_candidates(cands, time_limit_s=time_limit_s, workers=workers)
    side = max(0.5, time_limit_s / 5)
    if result.proposal is None:
        conflict = None
        if result.status == "INFEASIBLE":
            tell("explaining", 0.5)
            conflict = explain(requirements, catalog, time_limit_s=max(1.0, time_limit_s / 4))
        tell("done", 1.0)
        choice = cooling_choice(cands, result)
        return Configuration(
            requirements, result, conflict=conflict, notes=(choice.reason,), cooling=choice
        )
    tell("cooling", 0.25)
    choice = cooling_choice(cands, result, time_limit_s=max(2.0, time_limit_s / 2), workers=workers)
    notes = (choice.reason,)
    if not extras:
        tell("done", 1.0)
        return Configuration(requirements, result, notes=notes, cooling=choice)
    tell("alternatives", 0.35)
    others = tuple(alternatives(cands, result, time_limit_s=side, workers=workers))
    tell("pareto", 0.6)
    front = tuple(pareto_front(cands, time_limit_s=side, workers=workers))
    tell("kits", 0.8)
    kits = tuple(
        compare_bundles(requirements, catalog, result.proposal, time_limit_s=side, workers=workers)
    )
    tell("done", 1.0)
    return Configuration(
        requirements,
        result,
        alternatives=others,
        pareto=front,
        bundles=kits,
        notes=notes,
        cooling=choice,
    )
