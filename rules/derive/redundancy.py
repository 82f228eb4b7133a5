"""Redundancy achieved: the UPS and cooling configurations of a build.

Classification (C6; reference 5; S3 WP75; S17):

UPS. Each UPS line is one system of ``quantity`` units in parallel. For a load P (typical, C2),
``N = max(ceil(P / u / kW), ceil(VA / u / kVA))`` (C4, both ratings hold; at least one unit).

* One system, or systems that do not cover for each other: ``k = installed - N`` on the
  weakest loaded line; k < 0 is ``none`` (not even N), k = 0 is N, k >= 1 is N+1.
* Two or more loaded systems cover for each other when the loss of any one of them drops no
  load and every survivor still has at least N units for its failover load (the failover
  scenarios of the power flow). When each survivor then carries the whole protected load alone,
  that is 2N, or 2(N+1) when every system keeps a spare unit (>= N+1) on failover. Systems that
  only share the load of a lost one (distributed redundancy, between N+1 and 2N in reference
  5) are counted as N+1.

Cooling. Required sensible capacity R = heat / u (C4; S9), each unit at its capacity at the
site (rules.derive.thermal: derated for return air and altitude). Units may differ in size, so
counts give way to capacities: installed < R is ``none``; N when the units cover R; N+1 when they
still cover R after losing the largest unit; 2N when the units split into two groups that each
cover R; 2(N+1) when each group still covers R after losing its own largest unit. The split is
searched exhaustively up to 12 units, greedily (largest first into the lighter group, which can
only under-rate) beyond. Independent power to each group is not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.electrical import Electrical
from rules.derive.flow import PowerFlow
from rules.derive.lines import ceil_div
from rules.derive.runtime import UpsFigures
from rules.derive.thermal import CoolingUnit
from rules.specs import Policy, Redundancy

__all__ = [
    "RedundancyResult",
    "cooling_redundancy",
    "ups_redundancy",
    "ups_units_needed",
]

EXHAUSTIVE_SPLIT_MAX_UNITS = 12


@dataclass(frozen=True, slots=True)
class RedundancyResult:
    """A configuration achieved, with the figures that decided it."""

    level: Redundancy
    required: float  # W: UPS kW basis / cooling sensible, already divided by u
    needed: int  # N: units needed (per system for UPS; largest-first count for cooling)
    installed: int  # units installed, all systems
    systems: int


def ups_units_needed(ups: UpsFigures, load_w: float, va: float, policy: Policy) -> int:
    """C6: N for one UPS line at ``load_w`` (``va`` apparent), on both ratings (C4)."""
    u = policy.utilisation_limit
    by_kw = ceil_div(load_w / u, ups.spec.rated_kw * 1000)
    by_kva = ceil_div(va / u, ups.spec.kva * 1000)
    return max(1, by_kw, by_kva)


def _level_from_spare(spare: int) -> Redundancy:
    if spare < 0:
        return Redundancy.NONE
    return Redundancy.N if spare == 0 else Redundancy.N_PLUS_1


def ups_redundancy(
    ups: Mapping[str, UpsFigures],
    flow: PowerFlow,
    electrical: Electrical,
    policy: Policy,
    it_typical_w: float,
) -> RedundancyResult:
    """The UPS configuration achieved."""
    u = policy.utilisation_limit
    lines = [f for f in ups.values() if f.has_spec]
    if not lines:
        return RedundancyResult(Redundancy.NONE, it_typical_w / u, 0, 0, 0)

    def needed_at(f: UpsFigures, load: float) -> int:
        return ups_units_needed(f, load, electrical.apparent_va(f.line.id, load), policy)

    loaded = [f for f in lines if f.load_w > 0] or lines
    total = sum(f.load_w for f in loaded)
    installed = sum(f.line.quantity for f in lines)
    spares = [f.line.quantity - needed_at(f, f.load_w) for f in loaded]
    needed = max(needed_at(f, f.load_w) for f in loaded)
    level = _level_from_spare(min(spares))
    if len(loaded) >= 2:
        fail_spares = [f.line.quantity - needed_at(f, f.worst_load_w) for f in loaded]
        nothing_dropped = not any(flow.by_lost[f.line.id].dropped for f in loaded)
        if nothing_dropped and min(fail_spares) >= 0:
            if all(f.worst_load_w >= total * (1 - 1e-9) for f in loaded):
                needed = max(needed_at(f, total) for f in loaded)
                level = Redundancy.TWO_N_PLUS_1 if min(fail_spares) >= 1 else Redundancy.TWO_N
            elif level.rank < Redundancy.N_PLUS_1.rank:
                level = Redundancy.N_PLUS_1
    return RedundancyResult(level, total / u, needed, installed, len(loaded))


def _split_levels(units: list[float], required: float) -> tuple[bool, bool]:
    """(2N, 2(N+1)): can the units form two groups each covering ``required`` (with a spare)?"""
    total = sum(units)
    if total < 2 * required or len(units) < 2:
        return False, False
    two_n = two_n_plus_1 = False
    if len(units) <= EXHAUSTIVE_SPLIT_MAX_UNITS:
        n = len(units)
        for mask in range(1 << (n - 1)):  # unit n-1 always in group B: each split once
            a = [units[i] for i in range(n) if mask >> i & 1]
            if not a:
                continue
            sum_a = sum(a)
            sum_b = total - sum_a
            if sum_a >= required and sum_b >= required:
                two_n = True
                b_max = max(units[i] for i in range(n) if not mask >> i & 1)
                if sum_a - max(a) >= required and sum_b - b_max >= required:
                    return True, True
        return two_n, two_n_plus_1
    groups: list[list[float]] = [[], []]
    for unit in units:  # units are sorted largest first
        groups[0 if sum(groups[0]) <= sum(groups[1]) else 1].append(unit)
    two_n = all(sum(g) >= required for g in groups)
    two_n_plus_1 = all(sum(g) - max(g) >= required for g in groups)
    return two_n, two_n_plus_1


def cooling_redundancy(
    cooling: Sequence[CoolingUnit], heat_w: float, policy: Policy
) -> RedundancyResult:
    """The cooling configuration achieved for ``heat_w`` by the cooling lines, each unit at its
    sensible capacity at the site (rules.derive.thermal)."""
    required = heat_w / policy.utilisation_limit  # C4: sensible capacity needed
    units: list[float] = []
    lines = 0
    for line in cooling:
        q = line.line.quantity
        units.extend([line.effective_sensible_w / q] * q)
        lines += 1
    units.sort(reverse=True)
    if not units:
        return RedundancyResult(Redundancy.NONE, required, 0, 0, 0)
    needed, covered = 0, 0.0
    while needed < len(units) and (covered < required or needed == 0):
        covered += units[needed]  # N: largest units first until R is covered
        needed += 1
    total = sum(units)
    if total < required:
        level = Redundancy.NONE
        needed = len(units) + 1
    elif total - units[0] < required:
        level = Redundancy.N
    else:
        two_n, two_n_plus_1 = _split_levels(units, required)
        if two_n_plus_1:
            level = Redundancy.TWO_N_PLUS_1
        elif two_n:
            level = Redundancy.TWO_N
        else:
            level = Redundancy.N_PLUS_1
    return RedundancyResult(level, required, needed, len(units), lines)
