"""Middleware that keeps faults and hostile input from becoming 500s.

- `DatabaseUnavailableMiddleware`: a database that cannot be reached answers 503 (the error
  envelope under /api/, a plain "temporarily unavailable" page elsewhere), with nothing of
  the DSN or the traceback in the response.
- `HostileInputMiddleware`: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers 413, and a
  NUL byte in the query string or a form field answers 400, before any view or database
  sees it (PostgreSQL refuses NUL in text; SQLite's LIKE chokes on it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import Error as DatabaseError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from configurator.api.exceptions import envelope

logger = logging.getLogger(__name__)

__all__ = [
    "DatabaseUnavailableMiddleware",
    "HostileInputMiddleware",
    "database_unavailable_response",
    "is_database_unavailable",
]

# Seconds a client should wait before trying again after a 503.
RETRY_AFTER_S = "30"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_MESSAGE = "Null characters are not allowed."


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (down, refused, locked, timed out)."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503: the envelope under /api/, a plain page elsewhere; never the DSN or a traceback."""
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            envelope(
                "service_unavailable",
                "The database is temporarily unavailable; try again in a minute.",
            ),
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
    response["Retry-After"] = RETRY_AFTER_S
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view (or a middleware inside this one) cannot reach the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DatabaseError as exc:  # pragma: no cover - Django converts inner errors first
            if not is_database_unavailable(exc):
                raise
            logger.error("Database unavailable: %s", type(exc).__name__, exc_info=True)
            return database_unavailable_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exc):
            return None
        logger.error("Database unavailable: %s", type(exc).__name__, exc_info=True)
        return database_unavailable_response(request)


def _payload_too_large(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than the limit of {limit} bytes."
    if _is_api(request):
        return JsonResponse(
            envelope("payload_too_large", message, {"max_bytes": limit}), status=413
        )
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _bad_request(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            envelope("validation_error", f"Invalid input: {field}.", {field: [message]}),
            status=400,
        )
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _nul_field(data: Any) -> str | None:
    """The first key of a QueryDict whose name or values hold a NUL byte."""
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            return key.replace("\x00", "") or "non_field_errors"
    return None


def _api_view_refuses_multipart(request: HttpRequest) -> bool:
    """Whether the request goes to an API view that parses no multipart body.

    Reading such a form below (for NUL bytes) would consume the body, and DRF would then see
    an empty form instead of answering 415: API bodies are JSON, bar the uploads that say so.
    """
    if not _is_api(request):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view = getattr(match.func, "cls", None)
    if view is None:
        return False
    parsers = getattr(match.func, "initkwargs", {}).get(
        "parser_classes", getattr(view, "parser_classes", ())
    )
    return not any(
        str(getattr(parser, "media_type", "")).startswith(FORM_TYPES[1]) for parser in parsers
    )


def _unsupported_media_type(content_type: str) -> HttpResponse:
    media_type = content_type.split(";", 1)[0].strip()
    return JsonResponse(
        envelope("unsupported_media_type", f'Unsupported media type "{media_type}" in request.'),
        status=415,
    )


# Longest query string taken; beyond it the answer is 414 (proxies cut at about 8 KiB).
MAX_QUERY_STRING = 4096


def _uri_too_long(request: HttpRequest) -> HttpResponse:
    message = f"The query string is longer than {MAX_QUERY_STRING} characters."
    if _is_api(request):
        return JsonResponse(
            envelope("uri_too_long", message, {"max_length": MAX_QUERY_STRING}), status=414
        )
    return HttpResponse(message, status=414, content_type="text/plain; charset=utf-8")


class HostileInputMiddleware:
    """413 for oversized bodies, 414 for huge query strings, 400 for NUL bytes in input."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return _uri_too_long(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.META.get("CONTENT_TYPE", "")
        # Multipart uploads are streamed to files by Django and bounded per field instead.
        if limit is not None and length > limit and not content_type.startswith(FORM_TYPES[1]):
            return _payload_too_large(request)
        if (
            request.method == "POST"
            and content_type.startswith(FORM_TYPES[1])
            and _api_view_refuses_multipart(request)
        ):
            return _unsupported_media_type(content_type)
        try:
            field = _nul_field(request.GET)
            if field is None and request.method == "POST" and content_type.startswith(FORM_TYPES):
                field = _nul_field(request.POST)
        except RequestDataTooBig:
            return _payload_too_large(request)
        except TooManyFieldsSent:
            return _bad_request(request, "non_field_errors", "Too many fields.")
        except (MultiPartParserError, UnicodeDecodeError) as exc:
            # A malformed multipart body (headers too large, bad boundary): the client's fault.
            return _bad_request(request, "non_field_errors", f"Malformed body: {exc}")
        if field is not None:
            return _bad_request(request, field, NUL_MESSAGE)
        try:
            return self.get_response(request)
        except RequestDataTooBig:  # pragma: no cover - converted by inner handlers first
            return _payload_too_large(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, RequestDataTooBig):
            return _payload_too_large(request)
        return None
