"""Property-based run of the whole API against its own OpenAPI document (schemathesis).

Every operation of /api/schema/ is fuzzed in-process (WSGI) as an admin token of contoso,
with path ids steered half of the time to real objects so success paths run too. The run
asserts no server error and no response that contradicts the document (body schema, status
code, content type). Part of the `integration` run of .ci/run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from configurator.tenancy.models import ApiToken
from tests.api import make_world, member

pytestmark = pytest.mark.integration

# Enough examples to find edge cases per operation, few enough for CI's budget.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "30"))
# Every operation: no server error, and what it answers matches the document.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Operations that document every status they can answer (EnvelopeAutoSchema) are also held
# to answering only documented statuses.
STRICT_PREFIXES = ("/api/v1/sites/", "/api/v1/builds/", "/api/v1/validate/")
STRICT_CHECKS = [*CHECKS, status_code_conformance]
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
def wsgi_in_test_transaction() -> Iterator[None]:
    """Keep the test's database connection open across requests served by the WSGI handler.

    After each request Django closes connections whose autocommit differs from the default,
    which is every connection inside a test transaction; on PostgreSQL that would drop the
    test's data mid-run. Django's own test client unhooks the same signals.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(db: None, settings: Any, wsgi_in_test_transaction: None) -> dict[str, str]:
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


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    """Run one operation's generated cases; hypothesis shrinks and raises the first failure."""
    checks = STRICT_CHECKS if operation.path.startswith(STRICT_PREFIXES) else CHECKS

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        # Throttle counters would turn a long run into 429s; each call starts afresh.
        cache.clear()
        case.call_and_validate(headers=headers, checks=checks)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(auth_headers: dict[str, str], mode: GenerationMode) -> None:
    """No server error and no response outside the documented statuses, types and schemas."""
    # Loaded through the WSGI app like any client would; the pytest plugin's lazy loader is
    # not used because it relies on pytest internals that pytest 9 removed.
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            # Each operation starts from the same world, whatever the previous one deleted.
            with transaction.atomic():
                _fuzz(operation, mode, auth_headers)
                transaction.set_rollback(True)
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (no parameters, free strings).
            assert mode is GenerationMode.NEGATIVE, operation.label
        # Schemathesis raises a BaseExceptionGroup of failures: collect every operation's.
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
