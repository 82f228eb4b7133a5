"""Environment figures: IP code digits, ambient ranges, VRLA battery life in heat.

Reference 7 [S21 IEC 60529, S25 ETSI / GR-487].
"""

from __future__ import annotations

import math

from rules.specs import Site

__all__ = [
    "VRLA_RATED_C",
    "ambient_outside",
    "ip_digits",
    "vrla_life_factor",
    "water_digit_meets",
]

# Reference 7: VRLA batteries are rated at 25 degC and their life roughly halves per +10 degC.
VRLA_RATED_C = 25.0
VRLA_HALVING_K = 10.0


def ip_digits(code: str) -> tuple[int, int]:
    """(solids, water) digits of an IP code; X counts as 0 (IEC 60529, S21)."""
    solids, water = code[2], code[3]
    return (0 if solids == "X" else int(solids)), (0 if water == "X" else int(water))


def water_digit_meets(have: int, need: int) -> bool:
    """Whether a second IP digit ``have`` satisfies a required ``need`` (IEC 60529, S21).

    Digits 1-6 are cumulative. Immersion (7, 8) and high-pressure (9) ratings do not imply the
    jet tests 5/6 unless the enclosure is dual-coded (e.g. IP66/IP67), which one code cannot
    show, so IPX7 does not meet an IPX5 requirement.
    """
    if need <= 0:
        return True
    if need <= 6:
        return need <= have <= 6
    if need == 9:
        return have == 9
    return need <= have <= 8


def vrla_life_factor(temperature_c: float) -> float:
    """Share of rated VRLA life at a sustained temperature: halves per +10 degC over 25 degC."""
    return math.pow(2.0, -(temperature_c - VRLA_RATED_C) / VRLA_HALVING_K)


def ambient_outside(rated_min_c: float, rated_max_c: float, site: Site) -> tuple[bool, bool]:
    """(too hot, too cold): where the site's ambient range leaves a rated operating range.

    The one rule for enclosures, cooling units and every part a proposal picks (reference 7:
    the rated range must cover the site's minimum and maximum).
    """
    return site.ambient_max_c > rated_max_c, site.ambient_min_c < rated_min_c
