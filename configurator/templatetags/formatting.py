"""Template filters of configurator.formatting: `{% load formatting %}{{ total|money }}`."""

from __future__ import annotations

from typing import Any

from django import template

from configurator.formatting import money_text, number_text, percent_text

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """``12,345.60``: see configurator.formatting.money_text."""
    return money_text(value)


@register.filter
def number(value: Any, digits: Any = 0) -> str:
    """``1,234``; `{{ value|number:1 }}` for one decimal."""
    try:
        places = int(digits)
    except (TypeError, ValueError):
        places = 0
    return number_text(value, places)


@register.filter
def percent(value: Any) -> str:
    """``12.5`` without trailing zeros."""
    return percent_text(value)
