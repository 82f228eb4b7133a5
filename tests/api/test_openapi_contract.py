"""The OpenAPI document as generated clients read it (issue 18): examples, identity, errors.

Every documented example validates against its schema with a strict JSON Schema validator
(tests/api/strict_schema.py); the rest checks what openapi-python-client, openapi-typescript
and redocly rely on, over every operation of the document.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from packaging.version import Version

from configurator.api.errors_catalogue import ERROR_CODES, all_codes, error_component_name
from tests.api.strict_schema import SchemaValidator, documented_examples

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "put", "post", "patch", "delete")
# The one upload: a CSV of sites, as a file.
MULTIPART = {("/api/v1/sites/import/", "post")}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> dict[str, Any]:
    path = Path(tmp_path_factory.mktemp("contract")) / "schema.json"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    return json.loads(path.read_text())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_every_example_validates_against_its_schema(document: dict[str, Any]) -> None:
    """Each example (request, response, parameter, component) is valid, strictly."""
    validator = SchemaValidator(document)
    examples = list(documented_examples(document))
    assert len(examples) > 150
    invalid = {
        where: problems
        for where, schema, value in examples
        if (problems := validator.describe(schema, value))
    }
    assert not invalid, json.dumps(invalid, indent=1)


def test_the_strict_validator_refuses_what_it_should(document: dict[str, Any]) -> None:
    """The validator the example test trusts is not lenient: unknown keys, a null where the
    schema has none, a wrong enum value and a missing required field all fail."""
    validator = SchemaValidator(document)
    build = {"$ref": "#/components/schemas/Build"}
    good = document["paths"]["/api/v1/builds/"]["post"]["responses"]["201"]["content"][
        "application/json"
    ]["examples"]["Created"]["value"]
    assert validator.errors(build, good) == []
    assert validator.errors(build, {**good, "surprise": 1})
    assert validator.errors(build, {**good, "name": None})
    assert validator.errors(build, {**good, "status": "lost"})
    assert validator.errors(build, {k: v for k, v in good.items() if k != "revision"})
    assert validator.errors(build, {**good, "worst_severity": None}) == []


def test_identity_is_what_installers_read(document: dict[str, Any]) -> None:
    """A PEP 440 version, a server, and a description on every tag in use."""
    assert str(Version(document["info"]["version"])) == document["info"]["version"]
    assert document["servers"]
    assert document["servers"][0]["url"]
    described = {tag["name"] for tag in document["tags"] if tag.get("description")}
    used = {tag for _, _, operation in operations(document) for tag in operation["tags"]}
    assert used <= described


def test_every_operation_has_a_summary_and_described_successes(document: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in operations(document):
        if not operation.get("summary"):
            missing.append(f"{method} {path}: summary")
        for code, response in operation["responses"].items():
            if code.startswith("2") and not response.get("description"):
                missing.append(f"{method} {path}: {code} description")
    assert not missing


def test_path_ids_are_integers_and_filters_of_ids_too(document: dict[str, Any]) -> None:
    """Every path parameter is an integer id except an organisation's slug; `site` too."""
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            if parameter["in"] == "path" and parameter["name"] != "slug":
                assert schema["type"] == "integer", (method, path, parameter)
                assert schema["minimum"] == 1
    builds = document["paths"]["/api/v1/builds/"]["get"]["parameters"]
    site = next(p for p in builds if p["name"] == "site")
    assert site["schema"]["type"] == "integer"


def test_request_bodies_are_json_only(document: dict[str, Any]) -> None:
    """Writes document (and accept) JSON alone; the sites upload alone is multipart."""
    for path, method, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        expected = {"multipart/form-data"} if (path, method) in MULTIPART else {"application/json"}
        assert set(content) == expected, (method, path, set(content))


def test_accepted_answers_document_location_and_retry_after(document: dict[str, Any]) -> None:
    seen = 0
    for _, _, operation in operations(document):
        if "202" in operation["responses"]:
            assert {"Location", "Retry-After"} <= set(operation["responses"]["202"]["headers"])
            seen += 1
    assert seen >= 5


def test_files_have_their_own_media_types_and_operations(document: dict[str, Any]) -> None:
    """PDFs are binary; the BOM's CSV and XLSX also have operations of their own."""
    quote_pdf = document["paths"]["/api/v1/quotes/{id}/pdf/"]["get"]["responses"]["200"]
    assert quote_pdf["content"]["application/pdf"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    for prefix in ("/api/v1/builds/{id}/bom/", "/api/v1/fleet/bom/"):
        csv = document["paths"][f"{prefix}csv/"]["get"]["responses"]["200"]["content"]
        assert set(csv) == {"text/csv"}
        xlsx = document["paths"][f"{prefix}xlsx/"]["get"]["responses"]["200"]["content"]
        (media,) = xlsx
        assert media.endswith("spreadsheetml.sheet")
        assert xlsx[media]["schema"]["format"] == "binary"


def test_nullable_always_has_a_type_and_nullable_enums_list_null(document: dict[str, Any]) -> None:
    """What redocly's nullable-type-sibling asks, and OpenAPI 3.0.3's reading of enums."""
    problems: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("nullable"):
                if "type" not in node:
                    problems.append(f"{where}: nullable without type")
                if "enum" in node and None not in node["enum"]:
                    problems.append(f"{where}: nullable enum without null")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "#")
    assert not problems


def test_no_help_text_of_django_models_leaks(document: dict[str, Any]) -> None:
    """A username field says whose it is, not Django's sign-up rules for usernames."""
    assert "150 characters or fewer" not in json.dumps(document)


def test_error_codes_are_enumerated_per_status(document: dict[str, Any]) -> None:
    """Every error response is the envelope of its status, whose `code` lists its codes."""
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["properties"]["code"]["enum"] == all_codes()
    for path, method, operation in operations(document):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            name = error_component_name(int(code))
            assert response["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{name}"
            }, (method, path, code)
            assert schemas[name]["properties"]["code"]["enum"] == list(ERROR_CODES[int(code)])


# Calls that raise an error whose `code` becomes the envelope's (not a field error's code).
_RAISERS = {
    "Conflict",
    "NotFound",
    "PreconditionFailed",
    "BlockedByRules",
    "ServiceUnavailable",
    "HandoffUnavailable",
    "AuthenticationFailed",
    "ProtectedConflict",
    "QuoteForbidden",
    "NetBoxError",
}


def _raised_codes() -> set[str]:
    """`code="..."` of every error call in the application's source."""
    codes: set[str] = set()
    for folder in ("configurator", "catalog"):
        for source in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "envelope" and node.args and isinstance(node.args[0], ast.Constant):
                    codes.add(node.args[0].value)
                if name not in _RAISERS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        codes.add(keyword.value.value)
    return codes


def test_every_error_code_the_code_raises_is_enumerated() -> None:
    """A new `code="..."` in a service or view fails here until it is listed (and so
    documented) in configurator.api.errors_catalogue."""
    raised = _raised_codes()
    assert len(raised) > 30
    assert raised <= set(all_codes()), sorted(raised - set(all_codes()))


def test_component_spec_is_discriminated_by_kind(document: dict[str, Any]) -> None:
    spec = document["components"]["schemas"]["Component"]["properties"]["spec"]
    assert spec["discriminator"]["propertyName"] == "kind"
    targets = set(spec["discriminator"]["mapping"].values())
    assert targets == {variant["$ref"] for variant in spec["oneOf"]}


def test_build_status_is_writable_on_change(document: dict[str, Any]) -> None:
    """PATCH documents `status` (reopen, archive); create does not take it."""
    schemas = document["components"]["schemas"]
    patch = document["paths"]["/api/v1/builds/{id}/"]["patch"]["requestBody"]["content"]
    ref = patch["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "status" in schemas[ref]["properties"]
    assert "status" not in schemas["BuildRequest"]["properties"]


def test_form_and_multipart_bodies_are_refused_with_415() -> None:
    """Only JSON is documented for writes, and only JSON is accepted: a form body answers
    415 in the envelope instead of being half-read."""
    from tests.api import API, assert_envelope, make_world

    world = make_world()
    client = world.client("admin")
    url = f"{API}/builds/{world.build.pk}/lines/"
    component = world.components["server"].pk
    for body_format in ("multipart", None):
        if body_format is None:
            response = client.post(
                url, f"component={component}", content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.post(url, {"component": component}, format=body_format)
        assert_envelope(response, 415, "unsupported_media_type")
    assert client.post(url, {"component": component}, format="json").status_code == 201
