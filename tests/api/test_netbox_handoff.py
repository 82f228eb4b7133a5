"""/api/v1/netbox-connections/ and a build's NetBox dry run, pushes and import files.

No NetBox is needed here: the target is a loopback port nothing listens on, which is also
the "unreachable" case. tests/integration/test_netbox_handoff.py runs against a real one.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from configurator.builds.models import Build
from configurator.handoff import services
from configurator.handoff.crypto import decrypt_token
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from tests.api import API, ROLES, World, assert_envelope, make_world

pytestmark = pytest.mark.django_db

CONNECTIONS = f"{API}/netbox-connections/"
NOWHERE = "http://127.0.0.1:9"
TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def _connection(world: World, **fields: Any) -> NetBoxConnection:
    values = {"name": "ops", "url": NOWHERE, "token": TOKEN} | fields
    return services.connection_create(organisation=world.contoso, **values)


def _approve(world: World) -> Build:
    Build.objects.filter(pk=world.build.pk).update(status=Build.Status.APPROVED)
    world.build.refresh_from_db()
    return world.build


# Only administrators of the organisation set its connections (acme's admin serves contoso).
CREATE = {
    "anonymous": 401,
    "other_customer": 400,  # contoso is not visible: unknown organisation
    "customer": 403,
    "sales_engineer": 403,
    "catalogue_manager": 400,
    "admin": 201,
    "integrator": 403,
    "acme_token": 400,  # the token acts for acme only
}


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_of_the_organisation_create_connections(world: World, role: str) -> None:
    """201 for an admin; 403 for other roles that see the organisation; 400/401 otherwise."""
    response = world.client(role).post(
        CONNECTIONS,
        {"organisation_slug": "contoso", "name": "ops", "url": NOWHERE, "token": TOKEN},
        format="json",
    )
    assert response.status_code == CREATE[role], response.content
    if response.status_code >= 400:
        assert_envelope(response, CREATE[role])


def test_token_is_encrypted_at_rest_and_never_shown_again(world: World) -> None:
    """Reads say only that a token is set; the row holds ciphertext that decrypts to it."""
    client = world.client("admin")
    created = client.post(
        CONNECTIONS,
        {"organisation_slug": "contoso", "name": "ops", "url": f"{NOWHERE}/api/", "token": TOKEN},
        format="json",
    ).json()
    assert "token" not in created
    assert created["has_token"] is True
    assert created["url"] == NOWHERE
    row = NetBoxConnection.objects.get(pk=created["id"])
    assert TOKEN not in row.token_encrypted
    assert decrypt_token(row.token_encrypted) == TOKEN
    listed = client.get(CONNECTIONS).json()
    assert TOKEN not in str(listed)
    # A change without a token keeps it.
    client.patch(f"{CONNECTIONS}{row.pk}/", {"verify_tls": False}, format="json")
    row.refresh_from_db()
    assert decrypt_token(row.token_encrypted) == TOKEN
    assert row.verify_tls is False


def test_test_connection_says_when_netbox_cannot_be_reached(world: World) -> None:
    """The test answers 200 with ok false and the reason, and keeps the outcome."""
    connection = _connection(world)
    response = world.client("admin").post(f"{CONNECTIONS}{connection.pk}/test/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert "cannot be reached" in body["message"]
    connection.refresh_from_db()
    assert connection.last_test_ok is False
    assert (
        world.client("sales_engineer").post(f"{CONNECTIONS}{connection.pk}/test/").status_code
        == 403
    )


def test_hand_off_is_for_approved_builds_only(world: World) -> None:
    """A draft build: 409 build_not_approved for the dry run, the push and the files."""
    connection = _connection(world)
    client = world.client("sales_engineer")
    base = f"{API}/builds/{world.build.pk}/netbox"
    response = client.get(f"{base}/dry-run/", {"connection": connection.pk})
    assert_envelope(response, 409, "build_not_approved")
    response = client.post(f"{base}/pushes/", {"connection": connection.pk}, format="json")
    assert_envelope(response, 409, "build_not_approved")
    assert_envelope(client.get(f"{base}/export/"), 409, "build_not_approved")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("other_customer", 404),
        ("customer", 403),
        ("integrator", 403),
        ("sales_engineer", 502),
        ("admin", 502),
    ],
)
def test_dry_run_permissions_and_an_unreachable_netbox(
    world: World, role: str, status: int
) -> None:
    """Approvers get the dry run (here 502: nothing listens); customers 403; others 404."""
    _approve(world)
    connection = _connection(world)
    response = world.client(role).get(
        f"{API}/builds/{world.build.pk}/netbox/dry-run/", {"connection": connection.pk}
    )
    body = assert_envelope(response, status)
    if status == 502:
        assert body["code"] == "netbox_unreachable"
        assert "cannot be reached" in body["message"]


def test_push_is_queued_and_fails_clearly_when_netbox_is_unreachable(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """202 with the push; the job (eager here) records the error, and that nothing was
    written, which the status endpoint shows."""
    _approve(world)
    connection = _connection(world)
    client = world.client("sales_engineer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/builds/{world.build.pk}/netbox/pushes/",
            {"connection": connection.pk},
            format="json",
        )
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["status_url"]
    assert response["Retry-After"] == "1"
    push = NetBoxPush.objects.get(pk=response.json()["id"])
    assert push.status == NetBoxPush.Status.FAILED
    status = client.get(f"{API}/netbox-pushes/{push.pk}/").json()
    assert status["status"] == "failed"
    assert "cannot be reached" in status["error"]
    assert status["written"] == []
    assert status["advice"].startswith("Nothing was written")
    listed = client.get(f"{API}/builds/{world.build.pk}/netbox/pushes/").json()
    assert [p["id"] for p in listed] == [push.pk]
    assert world.client("other_customer").get(f"{API}/netbox-pushes/{push.pk}/").status_code == 404


def test_a_connection_of_another_organisation_is_refused(world: World) -> None:
    """Only the build's organisation's connections, or its seller's, may be used."""
    _approve(world)
    foreign = services.connection_create(
        organisation=world.globex, name="globex", url=NOWHERE, token=TOKEN
    )
    response = world.client("admin").get(
        f"{API}/builds/{world.build.pk}/netbox/dry-run/", {"connection": foreign.pk}
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "connection" in body["details"]


def test_export_is_a_zip_of_import_files(world: World) -> None:
    """The approved build's NetBox import files, numbered in dependency order."""
    _approve(world)
    response = world.client("sales_engineer").get(f"{API}/builds/{world.build.pk}/netbox/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == "README.txt"
    assert any(name.endswith("-devices.yaml") for name in names)
    assert any(name.endswith("-racks.yaml") for name in names)
