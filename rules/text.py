"""How findings write figures in their sentences (C8: rounding is the writer's job)."""

from __future__ import annotations

from rules.derive.flow import NORMAL

__all__ = ["amps", "celsius", "ids", "kilograms", "percent", "scenario", "volt_amperes", "watts"]


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


def ids(item_ids: list[str]) -> str:
    """Quoted ids, comma separated."""
    return ", ".join(f"'{i}'" for i in item_ids)


def scenario(lost: str) -> str:
    """Which scenario a figure belongs to, as a phrase."""
    return "in normal operation" if lost == NORMAL else f"when '{lost}' is lost"


def kilograms(value: float) -> str:
    """Kilograms to 0.01 kg (C8)."""
    return f"{value:,.2f} kg"


def celsius(value: float) -> str:
    """A temperature to 0.1 degC, without a trailing .0."""
    return f"{round(value, 1):g}"
