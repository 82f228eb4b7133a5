"""Bounded number fields of the API and their OpenAPI schema (minimum, maximum, exclusive*).

`bounded_fields(serializer_fields, model, names)` swaps each named DRF number field for one
that carries its `Bounds`; the schema extension below then documents the range exactly as
pydantic enforces it, exclusive bounds included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from pydantic import BaseModel
from rest_framework import serializers

from catalog.bounds import Bounds, field_bounds

__all__ = ["BoundedDecimalField", "BoundedFloatField", "BoundedIntegerField", "bound_fields"]


class BoundedFloatField(serializers.FloatField):
    """A float with its physical range (finite, bounded, message naming the range)."""

    def __init__(self, *, bounds: Bounds, **kwargs: Any) -> None:
        self.bounds = bounds
        merged = bounds.drf_kwargs()
        validators = [*kwargs.pop("validators", []), *merged.pop("validators", [])]
        messages = {**kwargs.pop("error_messages", {}), **merged.pop("error_messages")}
        super().__init__(validators=validators, error_messages=messages, **{**kwargs, **merged})


class BoundedIntegerField(serializers.IntegerField):
    """An integer with its physical range."""

    def __init__(self, *, bounds: Bounds, **kwargs: Any) -> None:
        self.bounds = bounds
        merged = bounds.drf_kwargs()
        validators = [*kwargs.pop("validators", []), *merged.pop("validators", [])]
        messages = {**kwargs.pop("error_messages", {}), **merged.pop("error_messages")}
        super().__init__(validators=validators, error_messages=messages, **{**kwargs, **merged})


class BoundedDecimalField(serializers.DecimalField):
    """A decimal (money, fixed-point figures) with its physical range."""

    def __init__(self, *, bounds: Bounds, **kwargs: Any) -> None:
        self.bounds = bounds
        merged = bounds.drf_kwargs(decimal=True)
        validators = [*kwargs.pop("validators", []), *merged.pop("validators", [])]
        messages = {**kwargs.pop("error_messages", {}), **merged.pop("error_messages")}
        super().__init__(validators=validators, error_messages=messages, **{**kwargs, **merged})


_BOUNDED: dict[type[serializers.Field], Callable[..., serializers.Field]] = {
    serializers.FloatField: BoundedFloatField,
    serializers.IntegerField: BoundedIntegerField,
    serializers.DecimalField: BoundedDecimalField,
}


def _rebuild(field: serializers.Field, bounds: Bounds) -> serializers.Field:
    """The same field (its kwargs kept) as the bounded class of its type."""
    for base, bounded in _BOUNDED.items():
        if isinstance(field, base):
            # The constructor's arguments, kept by DRF's Field.__new__ (not in the stubs).
            kwargs = dict(field._kwargs)  # type: ignore[attr-defined]
            for key in ("min_value", "max_value"):
                kwargs.pop(key, None)
            kwargs["validators"] = [
                v
                for v in kwargs.get("validators", [])
                if type(v).__name__ not in ("MinValueValidator", "MaxValueValidator")
            ]
            if isinstance(field, serializers.DecimalField):
                kwargs.setdefault("max_digits", field.max_digits)
                kwargs.setdefault("decimal_places", field.decimal_places)
            return bounded(bounds=bounds, **kwargs)
    return field


def bound_fields(
    fields: dict[str, serializers.Field], model: type[BaseModel], names: Any
) -> dict[str, serializers.Field]:
    """Replace each of `names` in `fields` by its bounded twin, ranges read from `model`."""
    for name in names:
        if name in fields:
            fields[name] = _rebuild(fields[name], field_bounds(model, name))
    return fields


class BoundedFieldExtension(OpenApiSerializerFieldExtension):
    """minimum/maximum (and exclusiveMinimum/Maximum) of a bounded number, as pydantic has them."""

    target_class = "catalog.api.bounds.BoundedFloatField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field = self.target
        schema: dict[str, Any] = auto_schema._map_serializer_field(
            field, direction, bypass_extensions=True
        )
        if schema.get("type") in ("number", "integer"):
            schema.update(field.bounds.openapi())
        return schema


class BoundedIntegerFieldExtension(BoundedFieldExtension):
    target_class = "catalog.api.bounds.BoundedIntegerField"


class BoundedDecimalFieldExtension(BoundedFieldExtension):
    target_class = "catalog.api.bounds.BoundedDecimalField"
