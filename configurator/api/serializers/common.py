"""What the serializers of every resource share: the id bound and the error envelope."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

__all__ = ["MAX_ID", "ErrorSerializer", "FindingField"]

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
