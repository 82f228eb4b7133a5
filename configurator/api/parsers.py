"""Request parsers of the API; kept free of views so settings can name them safely."""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings


def _finite_float(text: str) -> float:
    """A JSON number as float; 1e400 (which Python reads as inf) is refused like NaN."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class SafeJSONParser(JSONParser):
    """JSONParser that answers 400, never a 500, for hostile documents.

    Refused: nesting too deep to decode, and NaN/Infinity or numbers beyond float range (they
    would be stored, then break every later read). NUL characters are refused field by field
    by the serializers, which name the field.
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            data = json.loads(
                text,
                parse_float=_finite_float,
                parse_constant=_refuse_constant if api_settings.STRICT_JSON else None,
            )
        except RecursionError as exc:
            # json raises RecursionError (not ValueError) for e.g. 100 000 nested arrays.
            raise ParseError("JSON parse error - nested too deeply.") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        return data
