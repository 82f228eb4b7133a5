"""How figures are printed: one function per kind of figure, used by web pages and PDFs alike.

Money and counts carry a thousands separator (``12,345.60``) on screen and on paper, so a quote
reads the same in the browser as in its PDF. Templates reach these through the `formatting`
template tag library (configurator/templatetags/formatting.py); Python code calls them directly.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["EN_DASH", "money_text", "number_text", "percent_text"]

EN_DASH = "\u2013"  # "no value" in tables


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money_text(value: Any) -> str:
    """``12,345.60``: money with a thousands separator and cents; empty when there is none."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{number:,.2f}"


def number_text(value: Any, digits: int = 0) -> str:
    """``1,234`` or ``1,234.5``: a figure rounded to `digits`; an en dash when unknown."""
    number = _decimal(value)
    if number is None:
        return EN_DASH
    return f"{number:,.{digits}f}"


def percent_text(value: Any) -> str:
    """``5`` or ``12.5``: a percentage without trailing zeros (the sign is the caller's)."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"
