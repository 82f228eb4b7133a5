"""Redundancy checks: the UPS and cooling configurations achieved, against the policy.

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

Cooling. Required sensible capacity R = heat / u (C4; S9). Units may differ in size, so counts
give way to capacities: installed < R is ``none``; N when the units cover R; N+1 when they
still cover R after losing the largest unit; 2N when the units split into two groups that each
cover R; 2(N+1) when each group still covers R after losing its own largest unit. The split is
searched exhaustively up to 12 units, greedily (largest first into the lighter group, which can
only under-rate) beyond. Independent power to each group is not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.checks.power import ups_lines_with_spec
from rules.context import Context, ceil_div
from rules.model import PlacedItem, Severity
from rules.power_calc import apparent_va, memo, ups_load_w, ups_worst_load_w
from rules.registry import check
from rules.specs import Kind, Redundancy

__all__ = ["RedundancyResult", "cooling_redundancy", "ups_redundancy", "ups_units_needed"]

EXHAUSTIVE_SPLIT_MAX_UNITS = 12


@dataclass(frozen=True, slots=True)
class RedundancyResult:
    """A configuration achieved, with the figures that decided it."""

    level: Redundancy
    required: float  # W: UPS kW basis / cooling sensible, already divided by u
    needed: int  # N: units needed (per system for UPS; largest-first count for cooling)
    installed: int  # units installed, all systems
    systems: int


def ups_units_needed(ctx: Context, ups: PlacedItem, load_w: float) -> int:
    """C6: N for one UPS line at ``load_w``, on both the kW and the kVA rating (C4)."""
    spec = ctx.ups_spec(ups)
    u = ctx.policy.utilisation_limit
    by_kw = ceil_div(load_w / u, spec.rated_kw * 1000)
    by_kva = ceil_div(apparent_va(ctx, ups.id, load_w) / u, spec.kva * 1000)
    return max(1, by_kw, by_kva)


def _level_from_spare(spare: int) -> Redundancy:
    if spare < 0:
        return Redundancy.NONE
    return Redundancy.N if spare == 0 else Redundancy.N_PLUS_1


def _classify_ups(ctx: Context) -> RedundancyResult:
    lines = ups_lines_with_spec(ctx)
    u = ctx.policy.utilisation_limit
    if not lines:
        return RedundancyResult(Redundancy.NONE, ctx.it_typical_w / u, 0, 0, 0)
    loaded = [line for line in lines if ups_load_w(ctx, line) > 0] or lines
    total = sum(ups_load_w(ctx, line) for line in loaded)
    installed = sum(line.quantity for line in lines)
    spares = [line.quantity - ups_units_needed(ctx, line, ups_load_w(ctx, line)) for line in loaded]
    needed = max(ups_units_needed(ctx, line, ups_load_w(ctx, line)) for line in loaded)
    level = _level_from_spare(min(spares))
    if len(loaded) >= 2:
        worst = {line.id: ups_worst_load_w(ctx, line) for line in loaded}
        fail_spares = [
            line.quantity - ups_units_needed(ctx, line, worst[line.id]) for line in loaded
        ]
        ups_ids = {line.id for line in loaded}
        nothing_dropped = not any(
            f.dropped for f in ctx.flows.values() if f.lost is not None and f.lost in ups_ids
        )
        if nothing_dropped and min(fail_spares) >= 0:
            if all(w >= total * (1 - 1e-9) for w in worst.values()):
                needed = max(ups_units_needed(ctx, line, total) for line in loaded)
                level = Redundancy.TWO_N_PLUS_1 if min(fail_spares) >= 1 else Redundancy.TWO_N
            elif level.rank < Redundancy.N_PLUS_1.rank:
                level = Redundancy.N_PLUS_1
    return RedundancyResult(level, total / u, needed, installed, len(loaded))


def ups_redundancy(ctx: Context) -> RedundancyResult:
    """UPS configuration achieved (computed once per evaluation)."""
    return memo(ctx, "redundancy.ups", _classify_ups)


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


def _classify_cooling(ctx: Context) -> RedundancyResult:
    required = ctx.heat_w / ctx.policy.utilisation_limit  # C4: sensible capacity needed
    units: list[float] = []
    lines = 0
    for line in ctx.by_kind.get(Kind.COOLING, []):
        spec = ctx.cooling_spec(line)
        if spec is not None:
            units.extend([spec.sensible_capacity_w] * line.quantity)
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


def cooling_redundancy(ctx: Context) -> RedundancyResult:
    """Cooling configuration achieved (computed once per evaluation)."""
    return memo(ctx, "redundancy.cooling", _classify_cooling)


def _w(value: float) -> str:
    return f"{value:,.1f} W"


@check(
    "redundancy",
    ups_below_policy=("UPS configuration meets the policy", "C6; reference 5; S3 (WP75); S17"),
    ups_level=("States the UPS configuration achieved", "C6; reference 5"),
)
def ups_redundancy_check(ctx: Context) -> None:
    """UPS configuration achieved against ``policy.ups_redundancy``.

    When the policy asks for N and UPSs exist but fall short of N, the UPS capacity checks
    already report the overload, so no second error is raised here.
    """
    result = ups_redundancy(ctx)
    wanted = ctx.policy.ups_redundancy
    lines = [u.id for u in ups_lines_with_spec(ctx)]
    if lines:
        ctx.add(
            "redundancy.ups_level",
            Severity.INFO,
            f"The UPSs form a {result.level.value} configuration: {result.installed} unit(s) in "
            f"{result.systems} system(s), N = {result.needed} for {_w(result.required)} of "
            f"required capacity (load / u).",
            subject=lines,
        )
    if result.level.rank >= wanted.rank:
        return
    if lines and wanted is Redundancy.N:
        return
    ctx.add(
        "redundancy.ups_below_policy",
        Severity.ERROR,
        f"The policy asks for {wanted.value} UPS redundancy; the build achieves "
        f"{'no UPS' if not lines else result.level.value}.",
        subject=lines,
        value=float(result.level.rank),
        limit=float(wanted.rank),
        unit="rank",
    )


@check(
    "redundancy",
    cooling_below_policy=("Cooling configuration meets the policy", "C6; reference 5; S9"),
    cooling_level=("States the cooling configuration achieved", "C6; reference 5"),
)
def cooling_redundancy_check(ctx: Context) -> None:
    """Cooling configuration achieved against ``policy.cooling_redundancy``.

    Under an N policy a shortfall (or no cooling at all) is the thermal capacity check's to
    report; here only the redundancy beyond N is judged.
    """
    result = cooling_redundancy(ctx)
    wanted = ctx.policy.cooling_redundancy
    lines = [c.id for c in ctx.by_kind.get(Kind.COOLING, []) if ctx.cooling_spec(c) is not None]
    if lines:
        ctx.add(
            "redundancy.cooling_level",
            Severity.INFO,
            f"The cooling units form a {result.level.value} configuration: {result.installed} "
            f"unit(s) for {_w(result.required)} of required sensible capacity (heat / u).",
            subject=lines,
        )
    if result.level.rank >= wanted.rank or wanted is Redundancy.N:
        return
    ctx.add(
        "redundancy.cooling_below_policy",
        Severity.ERROR,
        f"The policy asks for {wanted.value} cooling redundancy; the build achieves "
        f"{'no cooling unit' if not lines else result.level.value}.",
        subject=lines,
        value=float(result.level.rank),
        limit=float(wanted.rank),
        unit="rank",
    )
