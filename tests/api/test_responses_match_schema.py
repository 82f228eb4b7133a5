"""Real answers validate against the OpenAPI document, strictly (issue 18).

The whole seed catalogue (every component, as a role that sees cost and as one that does
not), the demo builds' reads and a draft quote: a field the document does not name, a null
it does not allow or a missing required key fails here before it fails a generated client.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from catalog.models import Component
from configurator.builds.models import Build
from configurator.tenancy.models import ApiToken
from tests.api.strict_schema import SchemaValidator

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def validator(client: Any) -> SchemaValidator:
    return SchemaValidator(client.get("/api/schema/?format=json").json())


@pytest.fixture
def demo() -> None:
    """The seed catalogue and the demo organisations, users and builds."""
    call_command("seed_catalog", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())


def as_user(username: str) -> APIClient:
    from django.contrib.auth import get_user_model

    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def assert_valid(
    validator: SchemaValidator, response: Any, path: str, method: str = "get", status: int = 200
) -> Any:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    problems = validator.describe(validator.response_schema(path, method, status), body, limit=10)
    assert not problems, f"{method.upper()} {path}: {problems}"
    return body


def test_the_whole_seed_catalogue_matches_the_schema(
    validator: SchemaValidator, demo: None
) -> None:
    """Every component of the seed catalogue, with and without cost, and each manufacturer."""
    for username in ("sales", "customer"):
        seen = 0
        url: str | None = f"{API}/components/?limit=100"
        while url:
            body = assert_valid(validator, as_user(username).get(url), "/api/v1/components/")
            seen += len(body["results"])
            url = body["next"]
        assert seen == Component.objects.count() > 200
    client = as_user("customer")
    assert_valid(validator, client.get(f"{API}/manufacturers/?limit=500"), "/api/v1/manufacturers/")
    # One component of each kind, as a single resource (the spec's discriminated union).
    for kind in Component.objects.values_list("kind", flat=True).distinct():
        component = Component.objects.filter(kind=kind).order_by("pk").first()
        assert component is not None
        assert_valid(
            validator, client.get(f"{API}/components/{component.pk}/"), "/api/v1/components/{id}/"
        )


def test_a_draft_quote_and_the_demo_builds_match_the_schema(
    validator: SchemaValidator, demo: None
) -> None:
    """A draft quote as the seller writes and reads it; each demo build, its report and BOM."""
    seller = as_user("sales")
    build = Build.objects.filter(site__organisation__slug="demo").order_by("pk").first()
    assert build is not None
    created = seller.post(
        f"{API}/quotes/",
        {
            "build": build.pk,
            "customer_organisation": "northwind",
            "customer_name": "Dana Smith",
            "customer_email": "dana@northwind.example",
        },
        format="json",
    )
    quote = assert_valid(validator, created, "/api/v1/quotes/", "post", 201)
    assert quote["status"] == "draft"
    assert quote["issued_by"] is None
    assert quote["bom"] is None
    assert_valid(validator, seller.get(f"{API}/quotes/{quote['id']}/"), "/api/v1/quotes/{id}/")
    assert_valid(validator, seller.get(f"{API}/quotes/"), "/api/v1/quotes/")
    assert_valid(validator, as_user("integrator").get(f"{API}/me/"), "/api/v1/me/")
    for build in Build.objects.filter(site__organisation__slug="demo").order_by("pk"):
        base = f"{API}/builds/{build.pk}/"
        assert_valid(validator, seller.get(base), "/api/v1/builds/{id}/")
        assert_valid(validator, seller.get(f"{base}lines/"), "/api/v1/builds/{build_pk}/lines/")
        assert_valid(validator, seller.get(f"{base}validation/"), "/api/v1/builds/{id}/validation/")
        assert_valid(validator, seller.get(f"{base}bom/"), "/api/v1/builds/{id}/bom/")
    assert ApiToken.objects.filter(user__username="integrator").exists()
