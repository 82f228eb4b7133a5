"""Property-based run of the whole API against its own OpenAPI document (schemathesis).

Every operation of /api/schema/ is fuzzed in-process (WSGI) as an admin token of contoso,
with path ids steered half of the time to real objects so success paths run too. The run
asserts no server error and no response that contradicts the document (body schema, status
code, content type). Part of the `integration` run of .ci/run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from configurator.models import ApiToken
from tests.api import make_world, member

pytestmark = pytest.mark.integration

# Enough examples to find edge cases per operation, few enough for CI's budget.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# The ids of the objects the run works on, per path parameter; set by the fixture.
KNOWN_IDS: dict[str, dict[str, int]] = {}


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Point half the generated ids at real objects, so not every call is a 404."""
    if path_parameters is None or not KNOWN_IDS:
        return path_parameters
    path = context.operation.path
    ids = next((ids for prefix, ids in KNOWN_IDS.items() if path.startswith(prefix)), None)
    if ids is None:
        return path_parameters
    steered = dict(path_parameters)
    for name, value in path_parameters.items():
        # Keep the generated value when it is odd-numbered: both paths get exercised.
        if name in ids and sum(map(ord, str(value))) % 2 == 0:
            steered[name] = str(ids[name])
    return steered


@pytest.fixture
def api_schema(auth_headers: dict[str, str]) -> Any:
    """The live document, loaded through the WSGI app like any client would."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def auth_headers(db: None, settings: Any) -> dict[str, str]:
    """Accept the fuzzer's Host header, build a world, and answer an admin token's header."""
    # The fuzzer's WSGI client speaks to `localhost`; the test default allows `testserver`.
    settings.ALLOWED_HOSTS = ["*"]
    world = make_world()
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        {
            "/api/v1/builds/{build_pk}/lines/": {
                "build_pk": world.build.pk,
                "id": world.server.pk,
            },
            "/api/v1/builds/": {"id": world.build.pk},
            "/api/v1/sites/": {"id": world.other_site.pk},
            "/api/v1/components/": {"id": world.components["server"].pk},
            "/api/v1/manufacturers/": {"id": world.components["server"].manufacturer_id},
        }
    )
    _, key = ApiToken.objects.issue(
        user=member("admin", world.contoso), organisation=world.contoso, name="fuzz"
    )
    return {"Authorization": f"Token {key}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, auth_headers: dict[str, str]) -> None:
    """No server error and no response outside the documented statuses, types and schemas."""
    # Throttle counters would turn a long run into 429s; each call starts with a clean slate.
    cache.clear()
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
