"""What the serializers of every resource share: the id bound and the error envelope."""

from __future__ import annotations

from typing import Any, TypedDict

from rest_framework import serializers

__all__ = ["ID_BOUNDS", "MAX_ID", "ErrorSerializer", "FindingField", "IdListField"]

# Primary keys are 64-bit; a larger id names nothing (and SQLite cannot even bind it).
MAX_ID = 2**63 - 1


class ErrorSerializer(serializers.Serializer[Any]):
    """The error envelope every API error answers (schema only)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. not_found.")
    message = serializers.CharField(help_text="A sentence for people; may change.")
    details = serializers.JSONField(
        allow_null=True,
        help_text="Per-field messages (400), blocking findings (422), or other context.",
    )


class FindingField(serializers.JSONField):
    """One stored finding of the rules engine, or null (documented as EngineFinding by
    configurator.api.schema, which imports this module)."""


class _Bounds(TypedDict):
    min_value: int
    max_value: int


ID_BOUNDS: _Bounds = {"min_value": 1, "max_value": MAX_ID}


class IdListField(serializers.ListField):
    """A list of ids, at most `max_length`, each a positive 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.IntegerField(**ID_BOUNDS))
        super().__init__(**kwargs)
