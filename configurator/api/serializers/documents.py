"""Serializers of rendered documents: where a render stands, which revision is asked for."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from configurator.documents.models import RenderedDocument

__all__ = ["DocumentStatusSerializer", "SpecSheetQuerySerializer"]


class DocumentStatusSerializer(serializers.Serializer[Any]):
    """Where a PDF render stands, and where to fetch the file."""

    status = serializers.ChoiceField(
        choices=["rendering", "ready", "failed"],
        help_text="rendering (queued or in progress), ready, failed.",
    )
    stage = serializers.ChoiceField(choices=RenderedDocument.Status.choices)
    status_url = serializers.URLField()
    download_url = serializers.URLField()
    filename = serializers.CharField()
    attempts = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField(allow_blank=True)


class SpecSheetQuerySerializer(serializers.Serializer[Any]):
    """Query of the spec sheet: which build revision (default: the current one)."""

    revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
