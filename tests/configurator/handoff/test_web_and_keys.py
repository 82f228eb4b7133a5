"""The hand-off in the web UI (build page panel, connections page) and the token key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from configurator.builds.models import Build
from configurator.handoff import crypto, services
from configurator.handoff.models import NetBoxConnection
from tests.api import World, make_world, member

pytestmark = pytest.mark.django_db

NOWHERE = "http://127.0.0.1:9"
TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def world(db: None) -> World:
    world = make_world()
    Build.objects.filter(pk=world.build.pk).update(status=Build.Status.APPROVED)
    world.build.refresh_from_db()
    return world


def _client(role: str, world: World) -> Client:
    client = Client()
    client.force_login(member(role, world.acme))
    return client


def test_build_page_offers_the_hand_off_on_approved_builds_to_approvers(world: World) -> None:
    """The panel loads lazily on an approved build for a sales engineer; a draft has none."""
    client = _client("sales_engineer", world)
    page = client.get(f"/builds/{world.build.pk}/").content.decode()
    assert f"/netbox/builds/{world.build.pk}/" in page
    Build.objects.filter(pk=world.build.pk).update(status=Build.Status.DRAFT)
    page = client.get(f"/builds/{world.build.pk}/").content.decode()
    assert f"/netbox/builds/{world.build.pk}/" not in page


def test_panel_dry_run_against_an_unreachable_netbox_says_so(world: World) -> None:
    """The panel lists the connections; a dry run that cannot reach NetBox shows why."""
    connection = services.connection_create(
        organisation=world.contoso, name="ops", url=NOWHERE, token=TOKEN
    )
    client = _client("sales_engineer", world)
    panel = client.get(f"/netbox/builds/{world.build.pk}/").content.decode()
    assert "ops" in panel
    assert "Import files" in panel
    answer = client.post(
        f"/netbox/builds/{world.build.pk}/dry-run/", {"connection": connection.pk}
    ).content.decode()
    assert "cannot be reached" in answer
    export = client.get(f"/netbox/builds/{world.build.pk}/netbox.zip")
    assert export["Content-Type"] == "application/zip"


def test_customers_get_no_hand_off(world: World) -> None:
    """Customers see the build but may not hand it off."""
    client = Client()
    client.force_login(member("customer", world.contoso))
    assert client.get(f"/netbox/builds/{world.build.pk}/").status_code == 403


def test_connections_page_is_for_admins_and_never_shows_the_token(world: World) -> None:
    """An admin creates a connection; the page never echoes the token; others get 403."""
    admin = _client("admin", world)
    response = admin.post(
        "/netbox/connections/",
        {"organisation": "contoso", "name": "ops", "url": NOWHERE, "token": TOKEN},
    )
    assert response.status_code == 302
    connection = NetBoxConnection.objects.get(name="ops")
    page = admin.get("/netbox/connections/").content.decode()
    assert "ops" in page
    assert TOKEN not in page
    assert connection.token_encrypted not in page
    tested = admin.post(f"/netbox/connections/{connection.pk}/test/", follow=True)
    assert "cannot be reached" in tested.content.decode()
    assert _client("sales_engineer", world).get("/netbox/connections/").status_code == 403


def test_tokens_use_the_configured_key_and_rotate() -> None:
    """NETBOX_TOKEN_KEY's first key encrypts; every listed key decrypts (rotation)."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(NETBOX_TOKEN_KEYS=[old]):
        sealed = crypto.encrypt_token(TOKEN)
    with override_settings(NETBOX_TOKEN_KEYS=[new, old]):
        assert crypto.decrypt_token(sealed) == TOKEN
    with override_settings(NETBOX_TOKEN_KEYS=[new]), pytest.raises(crypto.TokenDecryptError):
        crypto.decrypt_token(sealed)


def test_start_up_fails_without_a_key_outside_debug_when_connections_exist(
    world: World,
) -> None:
    """No key in production with tokens stored: start-up refuses, and says what to set."""
    services.connection_create(organisation=world.contoso, name="ops", url=NOWHERE, token=TOKEN)
    with override_settings(NETBOX_TOKEN_KEYS=[], DEBUG=False, TESTING=False):
        with pytest.raises(ImproperlyConfigured, match="NETBOX_TOKEN_KEY"):
            crypto.require_key_at_start_up()
        with pytest.raises(ImproperlyConfigured, match="NETBOX_TOKEN_KEY"):
            crypto.encrypt_token(TOKEN)
    with override_settings(NETBOX_TOKEN_KEYS=[Fernet.generate_key().decode()]):
        crypto.require_key_at_start_up()


def test_a_push_that_cannot_read_its_token_fails_instead_of_hanging(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    """No key in a worker: the push is marked failed with the reason, nothing written."""
    connection = services.connection_create(
        organisation=world.contoso, name="ops", url=NOWHERE, token=TOKEN
    )
    no_key = override_settings(NETBOX_TOKEN_KEYS=[], DEBUG=False, TESTING=False)
    with no_key, django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        push = services.push_request(build=world.build, connection=connection)
    push.refresh_from_db()
    assert push.status == "failed"
    assert "NETBOX_TOKEN_KEY" in push.error
    assert push.written == []
