"""Redundancy: UPS and cooling configurations (C6; reference 5; WP75), hand-worked counts."""

from __future__ import annotations

import pytest

from rules.checks.redundancy import cooling_redundancy as cooling_redundancy_check
from rules.checks.redundancy import ups_redundancy as ups_redundancy_check
from rules.specs import Redundancy
from tests.rules.builders import build, codes, cooling, ctx_of, item, run, server, ups

# UPS 3 kW / 3.75 kVA; u = 0.8; PF 0.95 (C3).


def _single(units: int, load_w: float, **policy: object):
    return build(
        item("ups", ups(3.75, 3.0), quantity=units),
        item("s", server(load_w), feed_a="ups"),
        **policy,
    )


def _two_systems(units: int, load_w: float, *, dual: bool = True, **policy: object):
    items = [item("u1", ups(3.75, 3.0), quantity=units), item("u2", ups(3.75, 3.0), quantity=units)]
    if dual:
        items.append(item("s", server(load_w, dual=True), feed_a="u1", feed_b="u2"))
    else:  # two halves, each on its own UPS: no system covers the other
        items.append(item("a", server(load_w / 2), feed_a="u1"))
        items.append(item("b", server(load_w / 2), feed_a="u2"))
    return build(*items, **policy)


@pytest.mark.parametrize(
    ("spec", "level", "needed"),
    [
        # 2,000 W: N = ceil(2,000 / 0.8 / 3,000) = ceil(0.833) = 1; kVA: 2,000 / 0.95 / 0.8
        # = 2,631.6 VA -> ceil(2,631.6 / 3,750) = 1.
        (_single(1, 2000), Redundancy.N, 1),  # k = 1 - 1 = 0
        (_single(2, 2000), Redundancy.N_PLUS_1, 1),  # k = 2 - 1 = 1
        # 2,500 W: ceil(3,125 / 3,000) = 2 > 1 installed: not even N
        (_single(1, 2500), Redundancy.NONE, 2),
        # Two systems, dual-corded 2,000 W: on loss the survivor carries 2,000 W, N = 1 each
        (_two_systems(1, 2000), Redundancy.TWO_N, 1),
        (_two_systems(2, 2000), Redundancy.TWO_N_PLUS_1, 1),
        # 4,000 W on two systems of 2: survivor needs ceil(5,000 / 3,000) = 2 = installed
        (_two_systems(2, 4000), Redundancy.TWO_N, 2),
        # 5,000 W: survivor needs ceil(6,250 / 3,000) = 3 > 2: the systems only share:
        # each carries 2,500 W normally, N = ceil(3,125 / 3,000) = 2 = installed -> N
        (_two_systems(2, 5000), Redundancy.N, 2),
        # Single-corded halves on separate UPSs: losing one drops its half -> per line N+1
        (_two_systems(2, 2000, dual=False), Redundancy.N_PLUS_1, 1),
    ],
)
def test_ups_classification(spec, level: Redundancy, needed: int) -> None:
    """N = ceil(required / unit) with required = P / u (C6, C4); 2N needs dual systems."""
    result = ctx_of(spec).ups_redundancy
    assert result.level is level
    assert result.needed == needed


def test_ups_n_honours_kva() -> None:
    """UPS 3 kVA / 3 kW at 2,300 W: kW N = ceil(2,875 / 3,000) = 1, but kVA
    2,300 / 0.95 / 0.8 = 3,026.3 VA -> ceil(3,026.3 / 3,000) = 2: two units are N, not N+1."""
    spec = build(item("ups", ups(3.0, 3.0), quantity=2), item("s", server(2300), feed_a="ups"))
    result = ctx_of(spec).ups_redundancy
    assert (result.level, result.needed) == (Redundancy.N, 2)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (_single(2, 2000, ups_redundancy="N+1"), ["redundancy.ups_level"]),
        (
            _single(1, 2000, ups_redundancy="N+1"),
            ["redundancy.ups_below_policy", "redundancy.ups_level"],
        ),
        (_two_systems(1, 2000, ups_redundancy="2N"), ["redundancy.ups_level"]),
        (
            _single(2, 2000, ups_redundancy="2N"),
            ["redundancy.ups_below_policy", "redundancy.ups_level"],
        ),
        # Overloaded under an N policy: the capacity check reports it, not this one.
        (_single(1, 2500, ups_redundancy="N"), ["redundancy.ups_level"]),
        # No UPS at all under an N policy
        (build(item("s", server(100)), ups_redundancy="N"), ["redundancy.ups_below_policy"]),
        (build(item("s", server(100)), ups_redundancy="none"), []),
    ],
)
def test_ups_policy(spec, expected: list[str]) -> None:
    """Below the policy is an error; the level achieved is always stated."""
    assert sorted(codes(run(ups_redundancy_check, spec))) == expected


# --------------------------------------------------------------------------- cooling


def _cooling(heat_w: float, *units: float, **policy: object):
    items = [item("s", server(heat_w))]  # no UPS: heat = IT typical
    items += [item(f"c{n}", cooling(w)) for n, w in enumerate(units)]
    return build(*items, **policy)


@pytest.mark.parametrize(
    ("heat_w", "units", "level"),
    [
        # R = heat / 0.8 (C4). heat 2,000 -> R = 2,500 W.
        (2000, (2000,), Redundancy.NONE),  # 2,000 < 2,500
        (2000, (2500,), Redundancy.N),  # exactly R covers it
        (2000, (3000,), Redundancy.N),
        (2000, (3000, 3000), Redundancy.TWO_N),  # each unit alone covers R: two groups
        (2000, (3000, 3000, 3000), Redundancy.TWO_N),  # {3000} | {3000, 3000}: one group
        # has no spare
        (2000, (3000,) * 4, Redundancy.TWO_N_PLUS_1),  # {3000, 3000} | {3000, 3000}
        # Mixed sizes, heat 2,560 -> R = 3,200 W; units 3,000 + 2,000 + 1,500 = 6,500:
        # losing the largest leaves 3,500 >= 3,200 -> N+1; no split gives two groups of 3,200
        # ({3,000}|{3,500}, {2,000}|{4,500}, {1,500}|{5,000}) -> not 2N.
        (2560, (3000, 2000, 1500), Redundancy.N_PLUS_1),
        # 2,000 + 1,500 = 3,500 >= 3,200 but losing the 2,000 leaves 1,500 -> N
        (2560, (2000, 1500), Redundancy.N),
        # R = 2,500: {3,000} | {1,000, 1,000, 1,000} each >= 2,500 -> 2N
        (2000, (3000, 1000, 1000, 1000), Redundancy.TWO_N),
    ],
)
def test_cooling_classification(heat_w: float, units: tuple[float, ...], level: Redundancy) -> None:
    """Lose-the-largest for N+1, a two-group split for 2N, a spare in each group for 2(N+1)."""
    assert ctx_of(_cooling(heat_w, *units)).cooling_redundancy.level is level


def test_cooling_greedy_split_beyond_twelve_units() -> None:
    """Fourteen 1,000 W units for R = 2,500 W: greedy halves of 7,000 W each, minus 1,000
    still >= 2,500 -> 2(N+1)."""
    assert ctx_of(_cooling(2000, *([1000] * 14))).cooling_redundancy.level is (
        Redundancy.TWO_N_PLUS_1
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            _cooling(2000, 3000, cooling_redundancy="N+1"),
            ["redundancy.cooling_below_policy", "redundancy.cooling_level"],
        ),
        (_cooling(2000, 3000, 3000, cooling_redundancy="2N"), ["redundancy.cooling_level"]),
        # Under N, a shortfall is thermal.cooling_capacity's to report
        (_cooling(2000, 2000, cooling_redundancy="N"), ["redundancy.cooling_level"]),
        (_cooling(2000, cooling_redundancy="N+1"), ["redundancy.cooling_below_policy"]),
    ],
)
def test_cooling_policy(spec, expected: list[str]) -> None:
    """Below the policy is an error (beyond N); the level achieved is always stated."""
    assert sorted(codes(run(cooling_redundancy_check, spec))) == expected
