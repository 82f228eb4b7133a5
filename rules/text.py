"""How findings write figures and name things in their sentences (C8: rounding is the writer's
job; `Names`: the racks and items in people's words)."""

from __future__ import annotations

from rules.derive.flow import NORMAL
from rules.derive.names import Names

__all__ = [
    "Names",
    "amps",
    "celsius",
    "kilograms",
    "percent",
    "scenario",
    "volt_amperes",
    "watts",
]


def watts(value: float) -> str:
    """Watts to 0.1 W with thousands separators (C8)."""
    return f"{value:,.1f} W"


def volt_amperes(value: float) -> str:
    """Volt-amperes to 0.1 VA."""
    return f"{value:,.1f} VA"


def amps(value: float) -> str:
    """Amperes to 0.01 A (C8)."""
    return f"{value:,.2f} A"


def percent(fraction: float) -> str:
    """A fraction as a percentage without trailing zeros: 0.8 -> '80 %'."""
    return f"{fraction * 100:g} %"


def scenario(lost: str, names: Names) -> str:
    """Which scenario a figure belongs to, as a phrase."""
    return "in normal operation" if lost == NORMAL else f"when {names(lost)} is lost"


def kilograms(value: float) -> str:
    """Kilograms to 0.01 kg (C8)."""
    return f"{value:,.2f} kg"


def celsius(value: float) -> str:
    """A temperature to 0.1 degC, without a trailing .0."""
    return f"{round(value, 1):g}"
