"""Redundancy checks: the UPS and cooling configurations achieved, against the policy.

The classification is rules.derive.redundancy (C6; reference 5; S3 WP75; S17).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.model import Finding, Severity
from rules.specs import Redundancy
from rules.text import watts

__all__ = ["cooling_redundancy", "ups_redundancy"]


@rule(
    "redundancy",
    ups_below_policy=("UPS configuration meets the policy", "C6; reference 5; S3 (WP75); S17"),
    ups_level=("States the UPS configuration achieved", "C6; reference 5"),
)
def ups_redundancy(d: Derived) -> Iterator[Finding]:
    """UPS configuration achieved against ``policy.ups_redundancy``.

    When the policy asks for N and UPSs exist but fall short of N, the UPS capacity checks
    already report the overload, so no second error is raised here.
    """
    result = d.ups_redundancy
    wanted = d.policy.ups_redundancy
    lines = [u.line.id for u in d.judged_ups]
    if lines:
        yield finding(
            "redundancy.ups_level",
            Severity.INFO,
            f"The UPSs form a {result.level.value} configuration: {result.installed} unit(s) in "
            f"{result.systems} system(s), N = {result.needed} for {watts(result.required)} of "
            f"required capacity (load / u).",
            subject=lines,
        )
    if result.level.rank >= wanted.rank:
        return
    if lines and wanted is Redundancy.N:
        return
    yield finding(
        "redundancy.ups_below_policy",
        Severity.ERROR,
        f"The policy asks for {wanted.value} UPS redundancy; the build achieves "
        f"{'no UPS' if not lines else result.level.value}.",
        subject=lines,
        value=float(result.level.rank),
        limit=float(wanted.rank),
        unit="rank",
    )


@rule(
    "redundancy",
    cooling_below_policy=("Cooling configuration meets the policy", "C6; reference 5; S9"),
    cooling_level=("States the cooling configuration achieved", "C6; reference 5"),
)
def cooling_redundancy(d: Derived) -> Iterator[Finding]:
    """Cooling configuration achieved against ``policy.cooling_redundancy``.

    Under an N policy a shortfall (or no cooling at all) is the thermal capacity check's to
    report; here only the redundancy beyond N is judged.
    """
    result = d.cooling_redundancy
    wanted = d.policy.cooling_redundancy
    lines = [c.id for c in d.thermal.cooling_lines]
    if lines:
        yield finding(
            "redundancy.cooling_level",
            Severity.INFO,
            f"The cooling units form a {result.level.value} configuration: {result.installed} "
            f"unit(s) for {watts(result.required)} of required sensible capacity (heat / u).",
            subject=lines,
        )
    if result.level.rank >= wanted.rank or wanted is Redundancy.N:
        return
    yield finding(
        "redundancy.cooling_below_policy",
        Severity.ERROR,
        f"The policy asks for {wanted.value} cooling redundancy; the build achieves "
        f"{'no cooling unit' if not lines else result.level.value}.",
        subject=lines,
        value=float(result.level.rank),
        limit=float(wanted.rank),
        unit="rank",
    )
