"""Asking less never costs more: the optimum over part of the demo catalogue is monotone.

A wrong OPTIMAL (a presolve that removes the best build, a constraint rounded the unsafe way)
shows up as a looser requirement set whose proven optimum is dearer than a stricter one's.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.solver.catalog import Catalog
from rules.solver.requirements import Requirements
from rules.solver.solve import solve


def _req(runtime: float, servers: int, ups: str, cooling: str, phases: int) -> Requirements:
    site: dict[str, Any] = {"supply_phases": phases, "supply_breaker_a": 32, "ambient_max_c": 25}
    if cooling == "none":
        site["room_cooling_w"] = 6000  # the room's own air conditioning carries the heat
    data: dict[str, Any] = {
        "site": site,
        "workload": {"classes": [{"it_class": "server", "count": servers}]},
        "redundancy": {"ups": ups, "cooling": cooling},
        "constraints": {"runtime_min": runtime},
    }
    return Requirements.model_validate(data)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    low=st.sampled_from([0, 5, 10]),
    extra=st.sampled_from([5, 20, 50]),
    servers=st.integers(1, 4),
    ups=st.sampled_from(["N", "N+1", "2N"]),
    cooling=st.sampled_from(["none", "N", "N+1"]),
    phases=st.sampled_from([1, 3]),
)
def test_monotone_shorter_runtime_never_costs_more(
    small_catalog: Catalog, low: int, extra: int, servers: int, ups: str, cooling: str, phases: int
) -> None:
    """The optimum for a shorter runtime is at most the optimum for a longer one."""
    loose = solve(_req(low, servers, ups, cooling, phases), small_catalog)
    strict = solve(_req(low + extra, servers, ups, cooling, phases), small_catalog)
    if strict.proposal is None:
        return
    assert loose.proposal is not None
    assert loose.proposal.ok
    assert strict.proposal.ok
    assert loose.proposal.list_price <= strict.proposal.list_price + 0.005
