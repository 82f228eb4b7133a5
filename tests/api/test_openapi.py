"""The OpenAPI document of sites, builds, lines and validate: complete, valid, no warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from configurator.api.errors_catalogue import error_component_name
from rules.model import BuildSpec

pytestmark = pytest.mark.django_db

COMMANDS = [
    ("/api/v1/builds/{id}/clone/", "post"),
    ("/api/v1/builds/{id}/approve/", "post"),
    ("/api/v1/builds/{id}/auto-place/", "post"),
    ("/api/v1/builds/{id}/apply-to-site/", "post"),
    ("/api/v1/builds/{id}/validation/", "get"),
    ("/api/v1/builds/{id}/bom/", "get"),
    ("/api/v1/validate/", "post"),
    ("/api/v1/configure/", "post"),
]
OPERATIONS = [
    *COMMANDS,
    ("/api/v1/sites/", "get"),
    ("/api/v1/sites/", "post"),
    ("/api/v1/sites/{id}/", "patch"),
    ("/api/v1/builds/", "post"),
    ("/api/v1/builds/{id}/", "patch"),
    ("/api/v1/builds/{build_pk}/lines/", "post"),
    ("/api/v1/builds/{build_pk}/lines/{id}/", "delete"),
    ("/api/v1/configure/{id}/", "get"),
    ("/api/v1/configure/{id}/save/", "post"),
]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> dict[str, Any]:
    """The generated document, validated, failing on any generator warning."""
    path = Path(tmp_path_factory.mktemp("schema")) / "schema.json"
    with django_db_blocker.unblock():
        call_command(
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
            "--file",
            str(path),
        )
    return json.loads(path.read_text())


def test_schema_serves_at_api_schema(client: Any) -> None:
    """The document is public at /api/schema/ and lists the builds endpoints."""
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {path for path, _ in OPERATIONS} <= set(paths)


@pytest.mark.parametrize(("path", "method"), COMMANDS)
def test_every_command_has_examples(schema: dict[str, Any], path: str, method: str) -> None:
    """Each custom action documents a summary and at least one request or response example."""
    operation = schema["paths"][path][method]
    assert operation.get("summary")
    request = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    examples = dict(request.get("examples", {}))
    for response in operation["responses"].values():
        for content in response.get("content", {}).values():
            examples.update(content.get("examples", {}))
    assert examples, f"{method.upper()} {path} has no example"


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_errors_are_documented_as_the_envelope(
    schema: dict[str, Any], path: str, method: str
) -> None:
    """Every error status of every operation is the envelope, in JSON."""
    responses = schema["paths"][path][method]["responses"]
    assert {"400", "401", "403", "429"} <= set(responses)
    if "{" in path:
        assert "404" in responses
    for code, response in responses.items():
        if int(code) >= 400:
            content = response["content"]
            assert set(content) == {"application/json"}, (code, content)
            name = error_component_name(int(code))
            assert content["application/json"]["schema"] == {"$ref": f"#/components/schemas/{name}"}


def test_if_match_and_etag_are_documented(schema: dict[str, Any]) -> None:
    """Build writes take If-Match and answer 412; reads document the ETag header."""
    patch = schema["paths"]["/api/v1/builds/{id}/"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert "412" in patch["responses"]
    assert "ETag" in patch["responses"]["200"]["headers"]
    approve = schema["paths"]["/api/v1/builds/{id}/approve/"]["post"]
    assert "422" in approve["responses"]


def test_validate_request_is_the_buildspec_schema(schema: dict[str, Any]) -> None:
    """validate/ takes BuildSpec's properties, components inline or by reference."""
    operation = schema["paths"]["/api/v1/validate/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    request = components[ref.rsplit("/", 1)[-1]]
    assert set(request["properties"]) == set(BuildSpec.model_json_schema()["properties"])
    item = components["EnginePlacedItem"]["properties"]["component"]
    refs = {option["$ref"].rsplit("/", 1)[-1] for option in item["anyOf"]}
    assert refs == {"EngineComponentSpec", "EngineComponentById", "EngineComponentByKey"}
    report = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert report == {"$ref": "#/components/schemas/EngineReport"}


def test_engine_schemas_are_openapi_30(schema: dict[str, Any]) -> None:
    """No JSON Schema 2020-12 leftovers ($defs, const, null types) in engine components."""
    engine = {
        name: body
        for name, body in schema["components"]["schemas"].items()
        if name.startswith(("Engine", "Bom", "Bundle", "InlineBuildSpec", "Configure"))
    }
    text = json.dumps(engine)
    for leftover in ('"$defs"', '"const"', '"type": "null"', '"#/$defs/', '"propertyNames"'):
        assert leftover not in text, leftover


def test_bom_documents_all_three_formats(schema: dict[str, Any]) -> None:
    """bom/ answers JSON, CSV and XLSX; ?format and ?bundle are documented."""
    operation = schema["paths"]["/api/v1/builds/{id}/bom/"]["get"]
    content = operation["responses"]["200"]["content"]
    assert set(content) >= {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert {"format", "bundle"} <= {p["name"] for p in operation["parameters"]}


def test_committed_schema_matches_the_code(tmp_path: Path, django_db_blocker: Any) -> None:
    """docs/openapi.yaml is the reviewed contract: regenerate it (make schema) with any change.

    A change to the API that is not reflected in the committed file fails here, so every
    contract change shows up as a reviewable diff.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        # Integer bounds in the schema come from the database backend's field ranges.
        pytest.skip("the committed schema is generated on the embedded default (SQLite)")
    committed = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
    fresh = tmp_path / "openapi.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi", "--file", str(fresh))
    assert fresh.read_text() == committed.read_text(), (
        "The OpenAPI schema changed: run `make schema` and review the diff of docs/openapi.yaml."
    )


def test_configure_is_documented_with_its_requirements(schema: dict[str, Any]) -> None:
    """configure/ takes the solver's requirements and answers 200, 202 and 400."""
    from rules.solver import Requirements

    operation = schema["paths"]["/api/v1/configure/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    request = components[ref.rsplit("/", 1)[-1]]
    assert "requirements" in request["required"]
    target = request["properties"]["requirements"]["allOf"][0]["$ref"]
    requirements = components[target.rsplit("/", 1)[-1]]
    assert set(requirements["properties"]) == set(Requirements.model_json_schema()["properties"])
    assert {"200", "202", "400"} <= set(operation["responses"])
