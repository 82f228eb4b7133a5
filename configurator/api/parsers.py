"""Request parsers of the API; kept free of views so settings can name them safely."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSONParser that answers 400 for nesting too deep to decode, instead of crashing."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json raises RecursionError (not ValueError) for e.g. 100 000 nested arrays.
            raise ParseError("JSON parse error - nested too deeply.") from exc
