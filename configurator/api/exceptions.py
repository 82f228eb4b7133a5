"""The one error envelope: every API error answers `{"code", "message", "details"}`.

`exception_handler` is DRF's EXCEPTION_HANDLER; `handler404`/`handler500` cover errors that
never reach a DRF view (unknown URL, crash) for paths under /api/.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pydantic
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from configurator.errors import BlockedByRules, Conflict, DomainError, PreconditionFailed

__all__ = [
    "BlockedByRules",
    "Conflict",
    "DomainError",
    "PreconditionFailed",
    "envelope",
    "exception_handler",
    "handler400",
    "handler404",
    "handler500",
]

NON_FIELD_KEY = api_settings.NON_FIELD_ERRORS_KEY


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """Build the error body shared by every API error."""
    return {"code": code, "message": message, "details": details}


def _django_validation_details(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD_KEY: exc.messages}


def _pydantic_validation_details(exc: pydantic.ValidationError) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or NON_FIELD_KEY
        details.setdefault(field, []).append(error["msg"])
    return details


def _validation_message(details: Any) -> str:
    if isinstance(details, Mapping):
        fields = [str(field) for field in details if field != NON_FIELD_KEY]
        if fields:
            return "Invalid input: " + ", ".join(fields) + "."
    return "Invalid input."


def _as_drf_exception(exc: Exception) -> Exception:
    """Translate framework and library exceptions into DRF ones with the right status."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=_django_validation_details(exc))
    if isinstance(exc, pydantic.ValidationError):
        return exceptions.ValidationError(detail=_pydantic_validation_details(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler rendering every handled error as the envelope."""
    if isinstance(exc, DomainError):
        # A handled error must still undo the writes of an ATOMIC_REQUESTS view.
        set_rollback()
        return Response(envelope(exc.code, exc.message, exc.details), status=exc.status_code)

    exc = _as_drf_exception(exc)
    # DRF sets WWW-Authenticate, Retry-After and the transaction rollback; only the body changes.
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, Mapping) else {NON_FIELD_KEY: exc.detail}
        response.data = envelope("validation_error", _validation_message(fields), fields)
        return response

    detail = exc.detail
    details: Any
    if isinstance(detail, exceptions.ErrorDetail):
        code, message, details = detail.code or exc.default_code, str(detail), None
    else:
        code, message, details = exc.default_code, str(exc.default_detail), detail
    if isinstance(exc, exceptions.Throttled):
        # DRF's Throttled sets `wait` (seconds, or None); the stubs leave the attribute out.
        details = {"wait_seconds": exc.wait}  # type: ignore[attr-defined]
    response.data = envelope(str(code), message, details)
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer bad requests Django refuses itself (malformed bodies) with the envelope on /api/."""
    if _is_api(request):
        return JsonResponse(
            envelope("bad_request", "The request is malformed."),
            status=status.HTTP_400_BAD_REQUEST,
        )
    return defaults.bad_request(request, exception)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer unknown /api/ URLs with the envelope, other URLs with the HTML page."""
    if _is_api(request):
        return JsonResponse(envelope("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    """Answer crashes under /api/ with the envelope, without leaking the traceback.

    A database that cannot be reached (raised outside a view, e.g. by the session
    middleware) answers 503 like the views do (configurator.middleware).
    """
    from configurator.middleware import database_unavailable_response, is_database_unavailable

    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return database_unavailable_response(request)
    if _is_api(request):
        return JsonResponse(
            envelope("server_error", "Internal server error."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
