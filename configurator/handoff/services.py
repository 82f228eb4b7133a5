"""Use cases of the hand-off: connections, test, dry run, push (queued), export.

Signatures (keyword-only):

- connection_create(*, organisation, name, url, token, user, verify_tls=True,
  create_manufacturers=False) -> NetBoxConnection
- connection_update(*, connection, **fields) -> NetBoxConnection   (token=None keeps the token)
- connection_delete(*, connection) -> None
- connection_test(*, connection) -> ConnectionTest
- handoff_dry_run(*, build, connection) -> Plan
- push_request(*, build, connection, user) -> NetBoxPush           queues the Celery job
- push_run(*, push_id) -> NetBoxPush                              called by the task only

Who may call them is the caller's question (`configurator.tenancy.permissions` and
`can_manage_connections` / `can_hand_off` below). A push queues its task by name, so this
module never imports the tasks module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from configurator.builds.models import Build
from configurator.errors import Conflict, DomainError
from configurator.handoff.client import NetBoxClient, NetBoxError
from configurator.handoff.crypto import TokenDecryptError, decrypt_token, encrypt_token
from configurator.handoff.mapping import map_build
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.handoff.plan import Branching, Plan, PushFailed, Write, reconcile
from configurator.handoff.selectors import build_handoff_input, connections_for_build
from configurator.tenancy.models import Membership, Organisation
from configurator.tenancy.permissions import can_approve_build, roles_of, token_of, user_role

__all__ = [
    "PUSH_TASK",
    "ConnectionTest",
    "HandoffUnavailable",
    "can_hand_off",
    "can_manage_connections",
    "connection_create",
    "connection_delete",
    "connection_test",
    "connection_update",
    "handoff_dry_run",
    "push_request",
    "push_run",
]

logger = logging.getLogger(__name__)

PUSH_TASK = "configurator.tasks.netbox_push"
CONNECTION_FIELDS = frozenset(
    {"name", "url", "token", "verify_tls", "create_manufacturers", "use_branching"}
)


class HandoffUnavailable(DomainError):
    """NetBox cannot be reached or refuses: a clear message, nothing written."""

    status_code = 502
    default_code = "netbox_unavailable"
    default_message = "NetBox could not be reached."


# --------------------------------------------------------------------------- permissions


def can_manage_connections(user: Any, auth: Any, organisation: Organisation) -> bool:
    """Only administrators of the organisation set its NetBox connections."""
    token = token_of(auth)
    if token is not None:
        return token.organisation_id == organisation.pk and Membership.Role.ADMIN in roles_of(
            user, auth
        )
    return user_role(user, organisation) == Membership.Role.ADMIN


def can_hand_off(user: Any, auth: Any, build: Build) -> bool:
    """Pushing is an engineering sign-off's sequel: admins and sales engineers."""
    return can_approve_build(user, auth, build.site.organisation)


# --------------------------------------------------------------------------- connections


def _check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url.endswith("/api"):
        url = url[: -len("/api")]
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            {"url": ["Enter the NetBox base URL, http(s)://host[:port]."]}
        ) from exc
    return url


def _check_token(token: str) -> str:
    token = token.strip()
    if len(token) < 8 or any(c.isspace() for c in token):
        raise ValidationError({"token": ["Paste the whole NetBox API token."]})
    return token


@transaction.atomic
def connection_create(
    *,
    organisation: Organisation,
    name: str,
    url: str,
    token: str,
    user: Any = None,
    verify_tls: bool = True,
    create_manufacturers: bool = False,
    use_branching: bool = True,
) -> NetBoxConnection:
    """A NetBox connection of an organisation; the token is encrypted and never shown again."""
    connection = NetBoxConnection(
        organisation=organisation,
        name=name.strip(),
        url=_check_url(url),
        token_encrypted=encrypt_token(_check_token(token)),
        token_set_at=timezone.now(),
        verify_tls=verify_tls,
        create_manufacturers=create_manufacturers,
        use_branching=use_branching,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    connection.full_clean(exclude=["created_by"])
    connection.save()
    return connection


@transaction.atomic
def connection_update(*, connection: NetBoxConnection, **fields: Any) -> NetBoxConnection:
    """Change a connection; a token of None (or empty) keeps the stored one."""
    unknown = set(fields) - CONNECTION_FIELDS
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    token = fields.pop("token", None)
    if "url" in fields:
        fields["url"] = _check_url(fields["url"])
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
    for name, value in fields.items():
        setattr(connection, name, value)
    if token:
        connection.token_encrypted = encrypt_token(_check_token(token))
        connection.token_set_at = timezone.now()
    connection.full_clean(exclude=["created_by"])
    connection.save()
    return connection


def connection_delete(*, connection: NetBoxConnection) -> None:
    """Delete a connection; its pushes stay, with the URL they went to."""
    connection.delete()


def _client(connection: NetBoxConnection) -> NetBoxClient:
    try:
        token = decrypt_token(connection.token_encrypted)
    except TokenDecryptError as exc:
        raise HandoffUnavailable(str(exc), code="netbox_token_unreadable") from exc
    return NetBoxClient(
        connection.url,
        token,
        verify_tls=connection.verify_tls,
        timeout=settings.NETBOX_TIMEOUT_SECONDS,
    )


@dataclass(frozen=True)
class ConnectionTest:
    """What a test of a connection found."""

    ok: bool
    message: str
    netbox_version: str = ""
    branching: bool = False
    seconds: float = 0.0


def connection_test(*, connection: NetBoxConnection) -> ConnectionTest:
    """Reach the NetBox with the stored token; the outcome is also kept on the connection."""
    started = time.perf_counter()
    try:
        status = _client(connection).status()
    except (NetBoxError, HandoffUnavailable) as exc:
        result = ConnectionTest(False, exc.message, seconds=time.perf_counter() - started)
    else:
        version = str(status.get("netbox-version", ""))
        plugins = status.get("plugins") or {}
        result = ConnectionTest(
            True,
            f"NetBox {version} answers and accepts the token.",
            netbox_version=version,
            branching="netbox_branching" in plugins,
            seconds=time.perf_counter() - started,
        )
    connection.last_tested_at = timezone.now()
    connection.last_test_ok = result.ok
    connection.last_test_message = result.message
    if result.netbox_version:
        connection.netbox_version = result.netbox_version
    connection.save(
        update_fields=["last_tested_at", "last_test_ok", "last_test_message", "netbox_version"]
    )
    return result


# --------------------------------------------------------------------------- dry run and push


def _check_handoff(build: Build, connection: NetBoxConnection) -> None:
    if build.status != Build.Status.APPROVED:
        raise Conflict(
            "Only an approved build is handed off to NetBox; approve it first.",
            code="build_not_approved",
        )
    if not connections_for_build(build).filter(pk=connection.pk).exists():
        raise ValidationError(
            {"connection": ["Use a connection of the build's organisation or of its seller."]}
        )


def handoff_dry_run(*, build: Build, connection: NetBoxConnection) -> Plan:
    """What a push would create, update, delete or leave alone, per object; writes nothing."""
    _check_handoff(build, connection)
    data = build_handoff_input(build, create_manufacturers=connection.create_manufacturers)
    try:
        return reconcile(_client(connection), build.pk, lambda keep: map_build(data, keep=keep))
    except NetBoxError as exc:
        raise HandoffUnavailable(exc.message, code=exc.code) from exc


def _stale(push: NetBoxPush) -> bool:
    seen = push.started_at or push.enqueued_at or push.created_at
    return (timezone.now() - seen).total_seconds() > settings.NETBOX_PUSH_STALE_SECONDS


@transaction.atomic
def push_request(*, build: Build, connection: NetBoxConnection, user: Any = None) -> NetBoxPush:
    """Queue a push of the build's current revision; one push of a build runs at a time."""
    build = (
        Build.objects.select_for_update(of=("self",))
        .select_related("site__organisation")
        .get(pk=build.pk)
    )
    _check_handoff(build, connection)
    running = (
        NetBoxPush.objects.select_for_update()
        .filter(build=build, status__in=[NetBoxPush.Status.PENDING, NetBoxPush.Status.RUNNING])
        .first()
    )
    if running is not None and not _stale(running):
        raise Conflict(
            f"Push {running.pk} of this build is still {running.status}; wait for it to finish.",
            code="push_in_progress",
        )
    if running is not None:
        running.status = NetBoxPush.Status.FAILED
        running.error = "Abandoned: no worker finished it in time; a new push was requested."
        running.finished_at = timezone.now()
        running.save(update_fields=["status", "error", "finished_at"])
    push = NetBoxPush.objects.create(
        build=build,
        build_revision=build.revision,
        connection=connection,
        target_url=connection.url,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        enqueued_at=timezone.now(),
    )
    _log(push, f"push of revision {build.revision} to {connection.url} queued")
    push.save(update_fields=["log"])
    push_id = push.pk
    transaction.on_commit(lambda: current_app.tasks[PUSH_TASK].delay(push_id), robust=True)
    return push


def _log(push: NetBoxPush, message: str, level: str = "info") -> None:
    push.log = [*push.log, {"at": timezone.now().isoformat(), "level": level, "message": message}]


def _advice(push: NetBoxPush, written: list[dict[str, Any]]) -> str:
    if push.branch and written:
        return (
            f"The {len(written)} write(s) went to NetBox branch {push.branch!r}, which was not "
            "merged: main NetBox is unchanged. Delete the branch in NetBox (or review and merge "
            "it), fix the cause above, and push again."
        )
    if not written:
        return "Nothing was written to NetBox. Fix the cause above and push again."
    return (
        f"{len(written)} write(s) reached NetBox before the failure (listed in `written`, "
        "each with its NetBox id); they are tagged mdc-configurator and carry mdc_build_id "
        f"{push.build_id}. Pushing again after fixing the cause resumes: the objects already "
        "there are found by their mdc_key and left alone, the rest is written. To undo "
        "instead, delete the listed objects in NetBox in reverse order (cables, feeds, power "
        "panel, devices, racks, then the device types, site and custom fields it created)."
    )


def _failed(push: NetBoxPush, message: str, written: list[dict[str, Any]]) -> None:
    push.refresh_from_db()
    push.status = NetBoxPush.Status.FAILED
    push.error = message
    push.written = written
    push.advice = _advice(push, written)
    _log(push, message, level="error")


def push_run(*, push_id: int) -> NetBoxPush:
    """Run a queued push: dry pass, then the writes in dependency order, recorded as they go."""
    with transaction.atomic():
        push = (
            # Lock the push row only: its connection is a nullable (outer) join.
            NetBoxPush.objects.select_for_update(of=("self",))
            .select_related("build__site__organisation", "connection")
            .get(pk=push_id)
        )
        if push.status != NetBoxPush.Status.PENDING:
            return push
        push.status = NetBoxPush.Status.RUNNING
        push.started_at = timezone.now()
        _log(push, "started")
        push.save(update_fields=["status", "started_at", "log"])
    started = time.perf_counter()
    build = push.build
    written: list[dict[str, Any]] = []

    def on_write(write: Write) -> None:
        written.append(
            {
                "action": write.action,
                "object_type": write.endpoint,
                "netbox_id": write.netbox_id,
                "key": write.key,
                "label": write.label,
            }
        )

    def on_progress(done: int, total: int) -> None:
        # Persist the record of writes with each batch, so a crash of this worker still leaves
        # in the database what NetBox holds.
        NetBoxPush.objects.filter(pk=push.pk).update(
            progress_done=done, progress_total=max(total, done), written=list(written)
        )

    try:
        if push.connection is None:
            raise PushFailed("The connection was deleted after the push was requested.")
        if build.revision != push.build_revision or build.status != Build.Status.APPROVED:
            raise PushFailed(
                f"The build changed (revision {build.revision}, {build.status}) after the push of "
                f"revision {push.build_revision} was requested; request a new push.",
                code="build_changed",
            )
        data = build_handoff_input(build, create_manufacturers=push.connection.create_manufacturers)

        def on_branch(branch: dict[str, Any]) -> None:
            push.branch = str(branch.get("name", ""))[:100]
            NetBoxPush.objects.filter(pk=push.pk).update(branch=push.branch)

        branching = None
        if push.connection.use_branching:
            branching = Branching(
                name=f"mdc build {build.pk} rev {push.build_revision} push {push.pk}",
                on_branch=on_branch,
                timeout_seconds=settings.NETBOX_BRANCH_TIMEOUT_SECONDS,
            )
        plan = reconcile(
            _client(push.connection),
            build.pk,
            lambda keep: map_build(data, keep=keep),
            write=True,
            on_write=on_write,
            on_progress=on_progress,
            branching=branching,
        )
    except (PushFailed, HandoffUnavailable, NetBoxError) as exc:
        _failed(push, exc.message, written)
    except Exception as exc:
        # Anything else (a missing key, a bug) must not leave the push "running" for ever.
        logger.exception("NetBox push %s failed unexpectedly", push.pk)
        _failed(push, f"Unexpected error: {type(exc).__name__}: {exc}", written)
    else:
        push.refresh_from_db()
        push.status = NetBoxPush.Status.SUCCEEDED
        push.counts = plan.counts
        push.written = written
        push.progress_total = max(plan.writes, push.progress_total)
        push.progress_done = push.progress_total
        for note in plan.notes:
            _log(push, f"not in NetBox: {note}", level="warning")
        counts = ", ".join(f"{n} {action}" for action, n in plan.counts.items())
        through = f", through branch {plan.branch!r}, merged" if plan.branch else ""
        _log(push, f"done: {counts} (NetBox {plan.netbox_version}{through})")
    push.seconds = round(time.perf_counter() - started, 2)
    push.finished_at = timezone.now()
    push.save()
    return push
