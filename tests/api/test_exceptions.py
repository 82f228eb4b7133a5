"""Every API error answers the one envelope {"code", "message", "details"}."""

from __future__ import annotations

from collections.abc import Callable

import pydantic
import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from configurator.api.exceptions import handler404, handler500
from configurator.errors import BlockedByRules, Conflict, DomainError, PreconditionFailed
from configurator.tenancy.models import Membership


class PayloadSerializer(serializers.Serializer):
    name = serializers.CharField()
    power_w = serializers.IntegerField(min_value=0)


class PayloadSpec(pydantic.BaseModel):
    power_w: int


def _serializer_error() -> None:
    PayloadSerializer(data={"name": "ups", "power_w": -5}).is_valid(raise_exception=True)


def _pydantic_error() -> None:
    PayloadSpec.model_validate({"power_w": "lots"})


class RaisingView(APIView):
    """Answers every POST by raising `exc_factory()`."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []
    exc_factory: Callable[[], None] | None = None

    def post(self, request: Request) -> Response:
        request.data  # noqa: B018 - parsing is what raises 415
        assert self.exc_factory is not None
        self.exc_factory()
        return Response({})


def _raise(exc: Exception) -> Callable[[], None]:
    def raiser() -> None:
        raise exc

    return raiser


def call(exc_factory: Callable[[], None], **kwargs) -> Response:
    view = RaisingView.as_view(exc_factory=staticmethod(exc_factory))
    request = APIRequestFactory().post("/api/v1/test/", {"x": 1}, format="json", **kwargs)
    response = view(request)
    response.render()
    return response


def test_envelope_serializer_validation_names_the_field() -> None:
    """A serializer error answers 400 with details mapping the field to its messages."""
    response = call(_serializer_error)
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert "power_w" in response.data["message"]
    assert list(response.data["details"]) == ["power_w"]
    assert "greater than or equal to 0" in response.data["details"]["power_w"][0]


@pytest.mark.parametrize(
    ("exc_factory", "details"),
    [
        (
            _raise(DjangoValidationError({"slug": ["Already taken."]})),
            {"slug": ["Already taken."]},
        ),
        (
            _raise(DjangoValidationError("Racks must be placed first.")),
            {"non_field_errors": ["Racks must be placed first."]},
        ),
        (
            _pydantic_error,
            {"power_w": ["Input should be a valid integer, unable to parse string as an integer"]},
        ),
    ],
    ids=["django-field", "django-non-field", "pydantic"],
)
def test_envelope_library_validation_errors_answer_400(exc_factory, details) -> None:
    """Django and pydantic validation errors become a 400 naming the field."""
    response = call(exc_factory)
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert response.data["details"] == details


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Conflict("Quote already issued."), 409, "conflict"),
        (PreconditionFailed(), 412, "precondition_failed"),
        (BlockedByRules(details=[{"code": "power.ups_capacity"}]), 422, "blocked_by_rules"),
        (DomainError("Nope.", code="custom_code"), 400, "custom_code"),
        (Http404(), 404, "not_found"),
        (DjangoPermissionDenied(), 403, "permission_denied"),
        (exceptions.NotAuthenticated(), 403, "not_authenticated"),
        (exceptions.MethodNotAllowed("DELETE"), 405, "method_not_allowed"),
    ],
)
def test_envelope_status_and_code(exc, status, code) -> None:
    """Domain and framework errors map to their status with a stable code."""
    response = call(_raise(exc))
    assert response.status_code == status
    assert set(response.data) == {"code", "message", "details"}
    assert response.data["code"] == code
    assert response.data["message"]


def test_envelope_domain_error_carries_details() -> None:
    """A 422 from the rules engine lists the blocking findings in details."""
    findings = [{"code": "power.ups_capacity", "severity": "error"}]
    response = call(_raise(BlockedByRules(details=findings)))
    assert response.data == {
        "code": "blocked_by_rules",
        "message": BlockedByRules.default_message,
        "details": findings,
    }


def test_envelope_unsupported_media_type_is_415() -> None:
    """A body the API cannot parse as any accepted type answers 415."""
    view = RaisingView.as_view(exc_factory=staticmethod(lambda: None))
    request = APIRequestFactory().post("/api/v1/test/", "x", content_type="text/csv")
    response = view(request)
    assert response.status_code == 415
    assert response.data["code"] == "unsupported_media_type"


def test_envelope_throttled_is_429_with_wait(db, api_client, org, user_with_role, monkeypatch):
    """Past the user rate the API answers 429 with Retry-After and the wait in details."""
    from rest_framework.settings import api_settings

    # The throttles read their rates per request from the settings.
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "2/min")
    api_client.force_login(user_with_role(Membership.Role.CUSTOMER, org))
    statuses = [api_client.get("/api/v1/me/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = api_client.get("/api/v1/me/")
    assert response.json()["code"] == "throttled"
    assert response.json()["details"]["wait_seconds"] > 0
    assert int(response["Retry-After"]) > 0


def test_envelope_method_not_allowed_on_real_endpoint(db, api_client, org, user_with_role):
    """POST on a read-only endpoint answers 405 with the envelope."""
    api_client.force_login(user_with_role(Membership.Role.CUSTOMER, org))
    response = api_client.post("/api/v1/me/", {})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v2/me/", "/api/"])
def test_envelope_unknown_api_url_is_json_404(db, client, path) -> None:
    """An URL that matches no API route answers the JSON envelope, not an HTML page."""
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": None}


def test_unknown_html_url_keeps_html_404(db, client) -> None:
    """Outside /api/ a 404 stays an HTML page."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_handler500_answers_envelope_under_api() -> None:
    """A crash under /api/ answers the envelope, never a traceback."""
    response = handler500(RequestFactory().get("/api/v1/builds/"))
    assert response.status_code == 500
    assert response.content == (
        b'{"code": "server_error", "message": "Internal server error.", "details": null}'
    )


def test_handler404_html_outside_api() -> None:
    """The 404 handler falls back to Django's page outside the API."""
    response = handler404(RequestFactory().get("/x"), Http404())
    assert response.status_code == 404
    assert b"Not Found" in response.content
