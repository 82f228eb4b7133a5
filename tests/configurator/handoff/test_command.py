"""manage.py netbox_handoff: connections from the command line, the import files of an approved
build, and clear errors (never a traceback) for what does not exist or is not allowed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from configurator.builds.models import Build
from configurator.handoff import crypto
from configurator.handoff.models import NetBoxConnection
from tests.api import World, make_world

pytestmark = pytest.mark.django_db

TOKEN = "0123456789abcdef0123456789abcdef01234567"
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def _approve(world: World) -> None:
    Build.objects.filter(pk=world.build.pk).update(status=Build.Status.APPROVED)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("netbox_handoff", *args, stdout=out)
    return out.getvalue()


def test_connection_set_stores_the_token_encrypted_then_updates(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token comes from the named variable and is kept only as ciphertext; a second call
    with the same name changes the connection instead of adding one."""
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    slug = world.contoso.slug
    created = _run(
        "connection-set", "--organisation", slug, "--name", "ops", "--url", NOWHERE,
        "--token-env", "NB_TOKEN",
    )  # fmt: skip
    assert created.startswith("Created connection")
    connection = NetBoxConnection.objects.get(organisation=world.contoso, name="ops")
    assert TOKEN not in connection.token_encrypted
    assert crypto.decrypt_token(connection.token_encrypted) == TOKEN
    updated = _run(
        "connection-set", "--organisation", slug, "--name", "ops", "--url", NOWHERE + "0",
        "--token-env", "NB_TOKEN", "--no-verify-tls",
    )  # fmt: skip
    assert updated.startswith("Updated connection")
    connection.refresh_from_db()
    assert (connection.url, connection.verify_tls) == (NOWHERE + "0", False)
    assert NetBoxConnection.objects.count() == 1


def test_export_writes_the_import_files_of_an_approved_build(world: World, tmp_path: Path) -> None:
    """A zip of YAML import files, one per object type, for an approved build only."""
    target = tmp_path / "build.zip"
    with pytest.raises(CommandError, match="approve it first"):
        _run("export", str(world.build.pk), "-o", str(target))
    assert not target.exists()
    _approve(world)
    assert _run("export", str(world.build.pk), "-o", str(target)).startswith("Wrote")
    names = zipfile.ZipFile(target).namelist()
    assert names
    assert all(name.endswith((".yaml", ".md", ".txt")) for name in names), names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "999999", "-o", "x.zip"), "No build 999999"),
        (("connection-test", "--organisation", "nobody", "--name", "ops"), "No organisation"),
        (("dry-run", "{build}", "--connection", "ops"), "No connection 'ops'"),
    ],
)
def test_what_does_not_exist_is_a_clear_error(
    world: World, args: tuple[str, ...], message: str
) -> None:
    """Unknown builds, organisations and connections are named in a CommandError."""
    _approve(world)
    with pytest.raises(CommandError, match=message):
        _run(*(a.format(build=world.build.pk) for a in args))


def test_connection_set_refuses_an_empty_token_variable(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty variable is an error naming it, and nothing is stored."""
    monkeypatch.setenv("NB_TOKEN", "")
    with pytest.raises(CommandError, match=r"\$NB_TOKEN is empty"):
        _run(
            "connection-set", "--organisation", world.contoso.slug, "--name", "ops",
            "--url", NOWHERE, "--token-env", "NB_TOKEN",
        )  # fmt: skip
    assert not NetBoxConnection.objects.exists()
