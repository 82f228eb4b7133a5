"""The OpenAPI contract matches what the API answers (issue 11.11; schemathesis in CI)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import API, World, assert_envelope, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def schema(world: World) -> dict[str, Any]:
    return world.client("admin").get("/api/schema/?format=json").json()


def test_unknown_status_filter_answers_400(world: World) -> None:
    """?status=bogus is an error naming the parameter, not an empty page."""
    body = assert_envelope(
        world.client("sales_engineer").get(f"{API}/quotes/", {"status": "bogus"}), 400
    )
    assert "status" in body["details"]
    response = world.client("sales_engineer").get(f"{API}/quotes/", {"status": "draft"})
    assert response.status_code == 200


def test_served_by_is_documented_as_nullable(world: World, schema: dict[str, Any]) -> None:
    """A seller has no serving organisation: null, and the schema says so."""
    served_by = schema["components"]["schemas"]["Organisation"]["properties"]["served_by"]
    assert served_by.get("nullable") is True
    organisations = world.client("admin").get(f"{API}/organisations/").json()
    rows = organisations["results"] if isinstance(organisations, dict) else organisations
    assert any(row["served_by"] is None for row in rows)


def test_path_ids_are_documented_positive(schema: dict[str, Any]) -> None:
    """Every integer id in a path has minimum 1: zero is never an id."""
    found = 0
    for item in schema["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert parameter["schema"]["minimum"] == 1, parameter
                    found += 1
    assert found > 10


def test_long_query_string_answers_documented_414(world: World, schema: dict[str, Any]) -> None:
    """A huge query string answers 414 in the envelope, and every operation documents 414."""
    response = world.client("admin").get(f"{API}/sites/", {"search": "x" * 5000})
    assert_envelope(response, 414, "uri_too_long")
    for item in schema["paths"].values():
        for operation in item.values():
            assert "414" in operation["responses"]
            assert "503" in operation["responses"]
