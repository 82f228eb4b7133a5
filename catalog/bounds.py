"""The physical range of a figure, read once from the engine's pydantic field.

Bounds live in the vocabulary (`rules.specs`): each figure states its range on its pydantic
field (annotated_types Ge/Gt/Le/Lt, possibly inside `Annotated[...] | None`). This module reads
them back so the Django model fields, the DRF serializers, the forms and the OpenAPI schema
use the very same numbers, and every message names the range::

    bounds = field_bounds(rules.specs.Site, "supply_voltage_v")
    bounds.describe()          # "from 48 to 1000"
    bounds.validators()        # Django validators (finite, min, max; exclusive ones too)
    bounds.drf_kwargs()        # min_value / max_value / error_messages for a DRF field
    bounds.openapi()           # {"minimum": 48, "maximum": 1000}
"""

from __future__ import annotations

import math
import sys
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import annotated_types
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from rules.specs.base import Money
from rules.specs.component import ComponentSpec

__all__ = [
    "COMPONENT_FIGURES",
    "Bounds",
    "FiniteValidator",
    "StrictBoundValidator",
    "bound_form_fields",
    "field_bounds",
]


def _number(value: Any) -> float | int:
    return int(value) if isinstance(value, int) else float(value)


def _fmt(value: float | int) -> str:
    """A bound as people write it: 1000 not 1000.0, 1e9 kept short."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)


@deconstructible
class FiniteValidator:
    """Refuse NaN, infinities and subnormal numbers (1e-320): none is a physical figure.

    A subnormal passes a "> 0" bound, then overflows a division to infinity downstream.
    """

    message = "Enter a finite number of a physical size."
    code = "not_finite"

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        try:
            number = float(value)
            finite = math.isfinite(number) and (number == 0 or abs(number) >= sys.float_info.min)
        except (TypeError, ValueError, OverflowError):
            finite = False
        if not finite:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FiniteValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class StrictBoundValidator:
    """Refuse a value at or beyond an exclusive bound (`side` is "min" or "max")."""

    def __init__(self, limit: float, side: str, message: str) -> None:
        self.limit = limit
        self.side = side
        self.message = message

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        number = float(value)
        bad = number <= self.limit if self.side == "min" else number >= self.limit
        if bad:
            raise ValidationError(self.message, code=f"{self.side}_value")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StrictBoundValidator) and (
            self.limit,
            self.side,
            self.message,
        ) == (other.limit, other.side, other.message)

    def __hash__(self) -> int:
        return hash((self.limit, self.side, self.message))


@dataclass(frozen=True)
class Bounds:
    """The range of one figure: lower and upper bound, each inclusive or exclusive."""

    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False

    def describe(self) -> str:
        """The range in words, e.g. "from 48 to 1000", "above 0 and at most 1e9"."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            if not (self.exclusive_minimum or self.exclusive_maximum):
                return f"from {_fmt(low)} to {_fmt(high)}"
            lower = f"above {_fmt(low)}" if self.exclusive_minimum else f"at least {_fmt(low)}"
            upper = f"below {_fmt(high)}" if self.exclusive_maximum else f"at most {_fmt(high)}"
            return f"{lower} and {upper}"
        if low is not None:
            return f"above {_fmt(low)}" if self.exclusive_minimum else f"at least {_fmt(low)}"
        if high is not None:
            return f"below {_fmt(high)}" if self.exclusive_maximum else f"at most {_fmt(high)}"
        return "any finite number"

    def message(self) -> str:
        """The error message of a value out of range: "Must be from 48 to 1000."."""
        return f"Must be {self.describe()}."

    def contains(self, value: float) -> bool:
        """Whether `value` is a finite number inside the range."""
        if not math.isfinite(value):
            return False
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive_minimum and value == self.minimum)
        ):
            return False
        return not (
            self.maximum is not None
            and (value > self.maximum or (self.exclusive_maximum and value == self.maximum))
        )

    def validators(self) -> list[Any]:
        """Django validators: finite, then each bound with the range in its message."""
        message = self.message()
        found: list[Any] = [FiniteValidator()]
        if self.minimum is not None:
            found.append(
                StrictBoundValidator(self.minimum, "min", message)
                if self.exclusive_minimum
                else MinValueValidator(self.minimum, message=message)
            )
        if self.maximum is not None:
            found.append(
                StrictBoundValidator(self.maximum, "max", message)
                if self.exclusive_maximum
                else MaxValueValidator(self.maximum, message=message)
            )
        return found

    def drf_kwargs(self, *, decimal: bool = False) -> dict[str, Any]:
        """Keyword arguments of a DRF number field enforcing this range with its message."""
        message = self.message()
        # Every way a number can be refused names the range: too small, too large, not a
        # finite number at all, or too many digits for the column.
        kwargs: dict[str, Any] = {
            "error_messages": {
                "min_value": message,
                "max_value": message,
                "invalid": f"A finite number is required: {self.describe()}.",
                "max_string_length": message,
                "max_digits": message,
                "max_whole_digits": message,
                "overflow": message,
            }
        }
        # An exclusive bound is enforced by its StrictBoundValidator alone: DRF's min_value
        # is inclusive (and would make the schema drop exclusiveMinimum).
        if self.minimum is not None and not self.exclusive_minimum:
            kwargs["min_value"] = Decimal(str(self.minimum)) if decimal else self.minimum
        if self.maximum is not None and not self.exclusive_maximum:
            kwargs["max_value"] = Decimal(str(self.maximum)) if decimal else self.maximum
        strict = [
            v for v in self.validators() if isinstance(v, StrictBoundValidator | FiniteValidator)
        ]
        if strict:
            kwargs["validators"] = strict
        return kwargs

    def openapi(self) -> dict[str, Any]:
        """OpenAPI 3.0 keywords of the range (exclusive bounds as booleans, as 3.0 has them)."""
        schema: dict[str, Any] = {}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
            if self.exclusive_minimum:
                schema["exclusiveMinimum"] = True
        if self.maximum is not None:
            schema["maximum"] = self.maximum
            if self.exclusive_maximum:
                schema["exclusiveMaximum"] = True
        return schema

    def widget_attrs(self) -> dict[str, str]:
        """HTML min/max attributes of a form input (browsers only know inclusive bounds)."""
        attrs = {}
        if self.minimum is not None:
            attrs["min"] = _fmt_plain(self.minimum)
        if self.maximum is not None:
            attrs["max"] = _fmt_plain(self.maximum)
        return attrs


def _fmt_plain(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _constraints(annotation: Any, metadata: list[Any]) -> list[Any]:
    """Every annotated_types constraint on a field: its own metadata and inside Annotated."""
    found = list(metadata)
    stack = [annotation]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        extras = getattr(item, "__metadata__", None)
        if extras is not None:
            for extra in extras:
                if isinstance(extra, FieldInfo):
                    found.extend(extra.metadata)
                else:
                    found.append(extra)
            stack.append(getattr(item, "__origin__", None))
            continue
        origin = typing.get_origin(item)
        if origin in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(item))
    return found


def field_bounds(model: type[BaseModel], name: str) -> Bounds:
    """The range pydantic enforces on `model.name` (KeyError for an unknown field)."""
    info = model.model_fields[name]
    low: float | int | None = None
    high: float | int | None = None
    low_open = high_open = False
    for constraint in _constraints(info.annotation, list(info.metadata)):
        if isinstance(constraint, annotated_types.Ge):
            low, low_open = _number(constraint.ge), False
        elif isinstance(constraint, annotated_types.Gt):
            low, low_open = _number(constraint.gt), True
        elif isinstance(constraint, annotated_types.Le):
            high, high_open = _number(constraint.le), False
        elif isinstance(constraint, annotated_types.Lt):
            high, high_open = _number(constraint.lt), True
        elif isinstance(constraint, annotated_types.Interval):
            if constraint.ge is not None:
                low, low_open = _number(constraint.ge), False
            if constraint.gt is not None:
                low, low_open = _number(constraint.gt), True
            if constraint.le is not None:
                high, high_open = _number(constraint.le), False
            if constraint.lt is not None:
                high, high_open = _number(constraint.lt), True
    return Bounds(low, high, low_open, high_open)


def bound_form_fields(fields: Any, model: type[BaseModel], names: Any) -> None:
    """Give each named Django form field the range `model` states: validators, min/max attrs."""
    for name in names:
        field = fields.get(name)
        if field is None:
            continue
        bounds = field_bounds(model, name)
        field.validators = [*field.validators, *bounds.validators()]
        field.widget.attrs.update(bounds.widget_attrs())
        field.help_text = " ".join(
            part for part in (str(field.help_text or ""), f"({bounds.describe()})") if part
        )


def drf_bounded_kwargs(model: type[BaseModel], fields: Any, *, decimal: Any = ()) -> dict:
    """`extra_kwargs` of a ModelSerializer for `fields`, each bounded as `model` states it."""
    return {name: field_bounds(model, name).drf_kwargs(decimal=name in decimal) for name in fields}


class _ComponentPrices(BaseModel):
    """The cost price takes the list price's range (the engine's ComponentSpec has no cost)."""

    cost_price: Money | None = None


# A component's figures and the pydantic model stating each one's range.
COMPONENT_FIGURES: dict[str, type[BaseModel]] = {
    **{
        name: ComponentSpec
        for name in (
            "list_price",
            "lead_time_days",
            "u_height",
            "weight_kg",
            "depth_mm",
            "nameplate_w",
            "typical_w",
        )
    },
    "cost_price": _ComponentPrices,
}
