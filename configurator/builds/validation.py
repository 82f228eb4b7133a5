"""Engineering input checked by the engine's own pydantic models, answered in plain words.

A site's figures are bounded by the ranges `rules.specs.Site` states; a build's partial policy
override is checked key by key against `rules.specs.Policy`. Errors come back Django-style,
keyed by field (and dotted location), so forms, the admin and the API show them alike.
"""

from __future__ import annotations

import sys
from typing import Any

import pydantic
from django.core.exceptions import ValidationError

from catalog.bounds import field_bounds
from rules import specs as engine_specs

__all__ = [
    "RANGE_ERRORS",
    "plain_message",
    "site_bounds",
    "site_validators",
    "validate_partial_policy",
]


def plain_message(error: Any) -> str:
    """A pydantic error about one value in plain words ("Enter a number from -70 to 70.")."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
    words = {
        "greater_than_equal": f"Enter {limit:g} or more." if limit is not None else "",
        "greater_than": f"Enter more than {limit:g}." if limit is not None else "",
        "less_than_equal": f"Enter {limit:g} or less." if limit is not None else "",
        "less_than": f"Enter less than {limit:g}." if limit is not None else "",
        "float_parsing": "Enter a number.",
        "float_type": "Enter a number.",
        "int_parsing": "Enter a whole number.",
        "int_type": "Enter a whole number.",
        "missing": "This field is required.",
        "literal_error": f"Choose one of {ctx.get('expected', 'the listed values')}.",
    }
    if kind == "string_pattern_mismatch":
        return "Use capital letters only, in the standard code (for example DE, EUR)."
    return words.get(kind) or str(error.get("msg", "")).removeprefix("Value error, ")


def site_bounds(field: str) -> Any:
    """The range of a site figure, as `rules.specs.Site` states it (catalog.bounds)."""
    return field_bounds(engine_specs.Site, field)


def site_validators(field: str) -> list[Any]:
    """The Django validators of a site figure, from its engine bounds."""
    return list(site_bounds(field).validators())


# pydantic error types of a number outside its range, or not a finite number at all.
RANGE_ERRORS = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
        "float_parsing",
        "int_parsing",
        "float_type",
        "int_type",
        "int_from_float",
    }
)


def _pydantic_messages(exc: pydantic.ValidationError, field: str) -> dict[str, list[str]]:
    """Django-style errors keyed `<field>.<location>` from a pydantic error.

    A number out of range (or not finite) says the range the Policy field states, e.g.
    ``policy_override.required_runtime_min: Must be from 0 to 1440.``
    """
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"])
        key = f"{field}.{location}" if location else field
        name = str(error["loc"][0]) if error["loc"] else ""
        if error["type"] == "extra_forbidden":
            errors.setdefault(key, []).append(f"Unknown policy key {location!r}.")
        elif error["type"] in RANGE_ERRORS and name in engine_specs.Policy.model_fields:
            bounds = field_bounds(engine_specs.Policy, name)
            errors.setdefault(key, []).append(
                bounds.message() if len(error["loc"]) == 1 else error["msg"]
            )
        else:
            errors.setdefault(key, []).append(error["msg"])
    return errors


def _refuse_subnormal(value: dict[str, Any], field: str) -> None:
    """Refuse numbers too small to be a physical figure (subnormal floats such as 1e-320).

    They pass a `> 0` bound, then overflow the engine's divisions to infinity.
    """
    errors = {
        f"{field}.{key}": [
            f"Must be {field_bounds(engine_specs.Policy, key).describe()}, "
            "and not vanishingly small."
        ]
        for key, number in value.items()
        if isinstance(number, float)
        and number != 0
        and abs(number) < sys.float_info.min
        and key in engine_specs.Policy.model_fields
    }
    if errors:
        raise ValidationError(errors)


def validate_partial_policy(value: Any, *, field: str = "policy_override") -> dict[str, Any]:
    """Check a partial Policy (unknown keys refused by name) and return it as stored JSON."""
    if not isinstance(value, dict):
        raise ValidationError({field: ["A policy must be an object of policy keys."]})
    _refuse_subnormal(value, field)
    try:
        policy = engine_specs.Policy(**value)
    except pydantic.ValidationError as exc:
        raise ValidationError(_pydantic_messages(exc, field)) from exc
    # Store only the keys given, normalised (enums as values), so later engine defaults apply.
    return policy.model_dump(mode="json", include=set(value))
