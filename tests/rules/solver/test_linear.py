"""Float coefficients become integers the safe way: never looser than the figure."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from rules.solver.linear import Lin, scaled_down, scaled_up


@pytest.mark.parametrize(
    ("value", "scale", "up", "down"),
    [
        (0.8 * 16 * 230 * 0.95, 1000, 2796800, 2796800),  # whole once scaled: kept exact
        (1 / 0.94, 1000, 1064, 1063),
        (-1 / 0.94, 1000, -1063, -1064),
        (2.5, 1, 3, 2),
        (3.0, 1, 3, 3),
    ],
)
def test_linear_rounding_is_exact_or_safe(value: float, scale: float, up: int, down: int) -> None:
    """Coefficients round up, bounds down, unless the scaled figure is a whole number."""
    assert scaled_up(value, scale) == up
    assert scaled_down(value, scale) == down


@pytest.mark.parametrize(("limit", "best"), [(2796.8, 27), (2796.79, 27), (2700.0, 27), (103.0, 1)])
def test_linear_le_never_accepts_what_the_float_rejects(limit: float, best: int) -> None:
    """The largest count CP-SAT allows under ``count * 103.585 <= limit`` holds in floats."""
    model = cp_model.CpModel()
    count = model.new_int_var(0, 100, "n")
    Lin().add(103.585, count).le(model, limit)
    model.maximize(count)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    found = solver.value(count)
    assert found * 103.585 <= limit
    assert (found + 1) * 103.585 > limit - 1e-6
    assert found == min(best, int(limit // 103.585))
