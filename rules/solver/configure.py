"""One call for a whole configuration: the optimum, its proof, alternatives, the Pareto front,
the kits compared, or the conflict when nothing fits."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.solver.alternatives import Alternative, alternatives, pareto_front
from rules.solver.bundles import BundleComparison, compare_bundles
from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog
from rules.solver.explain import Conflict, explain
from rules.solver.requirements import Requirements
from rules.solver.solve import SolveResult, solve_candidates

__all__ = ["Configuration", "configure"]


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


def configure(
    requirements: Requirements,
    catalog: Catalog,
    *,
    time_limit_s: float = 10.0,
    workers: int = 1,
    extras: bool = True,
) -> Configuration:
    """Solve, then (``extras``) alternatives, the Pareto front and the kits; or explain."""
    cands = candidates(requirements, catalog)
    result = solve_candidates(cands, time_limit_s=time_limit_s, workers=workers)
    if result.proposal is None:
        conflict = None
        if result.status == "INFEASIBLE":
            conflict = explain(requirements, catalog, time_limit_s=max(1.0, time_limit_s / 4))
        return Configuration(requirements, result, conflict=conflict)
    if not extras:
        return Configuration(requirements, result)
    side = max(0.5, time_limit_s / 5)
    return Configuration(
        requirements,
        result,
        alternatives=tuple(alternatives(cands, result, time_limit_s=side, workers=workers)),
        pareto=tuple(pareto_front(cands, time_limit_s=side, workers=workers)),
        bundles=tuple(
            compare_bundles(
                requirements, catalog, result.proposal, time_limit_s=side, workers=workers
            )
        ),
    )
