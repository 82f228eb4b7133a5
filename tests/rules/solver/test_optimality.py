"""Optimality is proven, not claimed: a brute-force enumerator agrees with the solver.

On small random catalogues (at most 3 parts per role) and random requirements, every
combination of parts is walked in order of price (``bruteforce.combinations``) and judged by
``rules.evaluate`` alone. The first one the engine accepts must cost exactly what the solver's
proposal costs (a cheaper one is a failure: the model missed a build; a dearer one would mean
the solver proposed a build outside the enumerated space); when the solver finds nothing, the
walk must find nothing either. Every solver proposal has 0 engine errors, as built and grown.
A walk that passes 3,000 combinations without reaching the solver's price is counted as
inconclusive (all of that prefix was checked); at least 200 requirement sets must be conclusive.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog
from rules.solver.requirements import Requirements
from rules.solver.solve import solve_candidates
from tests.rules.solver.bruteforce import combinations, design_of, plausible, valid
from tests.rules.solver.strategies import problems

WALK_LIMIT = 3000
EXAMPLES = 220
CONCLUSIVE_NEEDED = 200
BUILDS_NEEDED = 50  # of the conclusive sets, at least this many have a build to agree on


def _check(requirements: Requirements, catalog: Catalog) -> tuple[bool, bool]:
    """Assert the solver and the walk agree; return whether the walk was conclusive and
    whether the solver found a build."""
    cands = candidates(requirements, catalog)
    result = solve_candidates(cands, time_limit_s=5.0)
    proposal = result.proposal
    if proposal is not None:
        errors = [f.code for f in proposal.report.errors]
        if proposal.design_report is not None:
            errors += [f"grown {f.code}" for f in proposal.design_report.errors]
        assert errors == [], errors
        assert result.status == "OPTIMAL"
        assert result.objective == result.bound
    price = proposal.list_price if proposal is not None else math.inf
    found = proposal is not None
    walked = 0
    for _, combo in combinations(cands):
        walked += 1
        if walked > WALK_LIMIT:
            return False, found
        if not plausible(cands, combo):
            continue
        accepted, cost = valid(cands, design_of(cands, combo))
        if accepted:
            assert cost >= price - 0.005, f"the walk found a cheaper build: {cost} < {price}"
            assert cost <= price + 0.005, f"the solver's {price} is not the walk's {cost}"
            return True, found
    assert proposal is None, "the walk found nothing, the solver found a build"
    return True, found


def test_optimality_brute_force_agrees_with_the_solver_on_random_catalogues() -> None:
    """The brute force agrees on the optimum cost on at least 200 random requirement sets,
    at least 50 of them with a build."""
    outcomes: list[tuple[bool, bool]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(problems())
    def agree(problem: tuple[Requirements, Catalog]) -> None:
        outcomes.append(_check(*problem))

    agree()
    conclusive = [found for done, found in outcomes if done]
    assert len(conclusive) >= CONCLUSIVE_NEEDED, (len(conclusive), len(outcomes))
    assert sum(conclusive) >= BUILDS_NEEDED, (sum(conclusive), len(conclusive))
