"""Shared plumbing of the sites/builds/lines/validate views: OpenAPI parts and error docs.

The endpoints themselves live in sites.py, builds.py, lines.py and validate.py.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from configurator.api.serializers import ErrorSerializer

__all__ = [
    "BAD_INPUT",
    "ETAG",
    "IF_MATCH",
    "NOT_FOUND",
    "READ_ONLY",
    "STALE",
    "EnvelopeAutoSchema",
    "error_response",
]

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The build\'s ETag as read (`"3"`). A stale tag answers 412 and changes nothing; '
        "without the header the write proceeds (last writer wins)."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The build\'s revision, `"<n>"`: send it back in If-Match.',
)


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """An error response documented with the envelope."""
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


NOT_FOUND = error_response("Unknown, or outside the caller's organisations.")
STALE = error_response(
    "If-Match names an older revision: reload and apply the change again.",
    OpenApiExample(
        "Stale revision",
        value={
            "code": "precondition_failed",
            "message": "The build changed since you read it: reload it and apply your change "
            "again.",
            "details": {"current_revision": 4, "if_match": '"3"'},
        },
        status_codes=["412"],
        response_only=True,
    ),
)
BAD_INPUT = error_response(
    "Invalid input; `details` maps each field (dotted path) to its messages.",
    OpenApiExample(
        "Taken U position",
        value={
            "code": "validation_error",
            "message": "Invalid input: position_u.",
            "details": {"position_u": ["U 10\u201311 is taken by line 42 (Helix R20 server)."]},
        },
        status_codes=["400"],
        response_only=True,
    ),
)
READ_ONLY = error_response("The build is approved or archived: clone it or set it back to draft.")

# Errors any operation can answer, whatever its own decorator lists.
_COMMON_ERRORS = {
    "400": "Invalid input (body, query parameters or filters).",
    "401": "Not authenticated.",
    "403": "Not allowed (for sessions: a missing CSRF token).",
    "429": "Throttled; `details.wait_seconds` says when to retry.",
}
_DETAIL_ERRORS = {"404": "Unknown, or outside the caller's organisations."}
_BODY_ERRORS = {"415": "Unsupported media type: send JSON."}


class EnvelopeAutoSchema(AutoSchema):
    """AutoSchema that documents the error envelope for every status an operation can answer."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(_COMMON_ERRORS)
        if "{" in self.path:
            errors |= _DETAIL_ERRORS
        if self.method in ("POST", "PUT", "PATCH"):
            errors |= _BODY_ERRORS
        for code, response in responses.items():
            content = response.get("content")
            if int(code) >= 400 and content and "application/json" in content:
                # Errors are JSON even where a file format was negotiated (JsonErrorsMixin).
                response["content"] = {"application/json": content["application/json"]}
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, code, ("application/json",), direction
                )
                response["description"] = description
                responses[code] = response
        return responses
