"""Pages and documents of the platform: home, login, schema, docs, admin."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_login_page_renders_form(client) -> None:
    """The login page is a real form extending the base layout."""
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Micro DC Configurator" in html


def test_login_then_logout(client, org, user_with_role) -> None:
    """A user logs in with a password and out with a POST."""
    from tests.factories import DEFAULT_PASSWORD

    user = user_with_role("customer", org)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/accounts/login/").context["user"].is_authenticated
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/accounts/login/").context["user"].is_authenticated


def test_openapi_schema_documents_v1_and_token_auth(client) -> None:
    """The schema is public, lists /api/v1/ paths and declares the token scheme."""
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Micro Data Center Configurator API"
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/organisations/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_swagger_ui_renders(client) -> None:
    """The interactive docs page is served."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Assets come from our static files: the docs work offline and under a strict CSP.
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html


def test_admin_login_page_renders(client) -> None:
    """The Django admin is mounted at /admin/."""
    assert client.get("/admin/login/").status_code == 200


def test_organisation_cannot_serve_itself() -> None:
    """The database refuses an organisation served by itself."""
    organisation = OrganisationFactory()
    organisation.served_by = organisation
    with pytest.raises(IntegrityError):
        organisation.save()
