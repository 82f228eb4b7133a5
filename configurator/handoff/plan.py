"""A mapping against a live NetBox: what to create, update, delete or leave alone, and doing it.

`reconcile(client, build_id, make_mapping, write=False)` is the dry run: it reads what NetBox
holds, object type by object type in dependency order, and answers one `Step` per object.
With ``write=True`` it also writes, one request per object type and action (NetBox applies
each list in one transaction), after a dry pass found nothing blocking. Every write NetBox
accepts is reported to `on_write` at once, so a failure leaves an exact record of what exists.

Owned objects (racks, devices, the power panel, feeds, cables) are found by their custom
field ``mdc_key`` among the objects carrying ``mdc_build_id``: a second push of the same
revision finds every one equal and writes nothing; owned objects no longer in the build are
deleted (cables first). Objects that are not ours are only ever created, never changed.

Here: the push's outcome (`PushFailed`), Branching, and `reconcile`, which runs the passes.
One pass is `staging.Run`; how a NetBox answer compares with what is wanted is `compare`;
the steps and writes it records are `steps` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from configurator.handoff.client import NetBoxClient, NetBoxError
from configurator.handoff.mapping import HandoffMapping
from configurator.handoff.staging import Run, owned_records
from configurator.handoff.steps import Plan, Step, Write

__all__ = ["Branching", "Plan", "PushFailed", "Step", "Write", "reconcile"]


class PushFailed(Exception):
    """NetBox refused a write in the middle of a push; earlier writes stay in NetBox."""

    def __init__(self, message: str, *, code: str = "netbox_push_failed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Branching:
    """Write through NetBox Branching: into a new branch, merged into main at the end."""

    name: str
    on_branch: Callable[[dict[str, Any]], None] = lambda branch: None
    timeout_seconds: float = 600


def reconcile(
    client: NetBoxClient,
    build_id: int,
    make_mapping: Callable[[Mapping[str, str]], HandoffMapping],
    *,
    write: bool = False,
    on_write: Callable[[Write], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    branching: Branching | None = None,
) -> Plan:
    """Dry-run (or push) a build's mapping against NetBox; see the module docstring.

    ``make_mapping(keep)`` builds the mapping given the outlets existing cables end on, so the
    plan keeps cables where they are. A push refuses to write anything while the dry pass
    has problems (PushFailed), and wraps a NetBox refusal in the middle in PushFailed.

    With ``branching`` and a NetBox that has the plugin, the writes go into a new branch that
    is merged when all of them succeeded: main changes all at once or not at all. A failure
    leaves the branch unmerged for review (PushFailed names it).
    """
    keep = _current_outlets(client, build_id)
    mapping = make_mapping(keep)
    dry = Run(client, build_id, mapping, write=False, on_write=None, on_progress=None).run()
    if not write:
        return dry
    if dry.problems:
        raise PushFailed(
            "Nothing was written: " + "; ".join(dry.problems), code="netbox_push_blocked"
        )
    if dry.writes == 0:
        return dry  # NetBox holds this revision already: nothing to write, nothing to re-read
    run = Run(
        client,
        build_id,
        mapping,
        write=True,
        on_write=on_write,
        on_progress=on_progress,
        total=dry.writes,
    )
    if branching is None or not dry.branching:
        try:
            return run.run()
        except NetBoxError as exc:
            raise PushFailed(exc.message, code=exc.code) from exc
    return _through_branch(client, run, branching)


def _through_branch(client: NetBoxClient, run: Run, branching: Branching) -> Plan:
    try:
        branch = client.branch_create(branching.name, "Written by the MDC configurator's push")
        branching.on_branch(branch)
        branch = client.branch_wait(branch["id"], "ready", timeout=branching.timeout_seconds)
    except NetBoxError as exc:
        raise PushFailed(f"Nothing was written: {exc.message}", code=exc.code) from exc
    try:
        client.use_branch(str(branch["schema_id"]))
        try:
            plan = run.run()
        finally:
            client.use_branch(None)
        client.branch_merge(branch["id"])
        client.branch_wait(branch["id"], "merged", timeout=branching.timeout_seconds)
    except NetBoxError as exc:
        raise PushFailed(
            f"{exc.message} The writes went to NetBox branch {branch['name']!r} (id "
            f"{branch['id']}), which is not merged: main is unchanged. Review and merge the "
            "branch in NetBox, or delete it and push again.",
            code=exc.code,
        ) from exc
    plan.branch = str(branch["name"])
    return plan


def _current_outlets(client: NetBoxClient, build_id: int) -> dict[str, str]:
    """The outlet or feed name each of the build's cables ends on in NetBox today."""
    keep: dict[str, str] = {}
    for key, cable in owned_records(client, "dcim.cables", build_id).items():
        ends = cable.get("b_terminations") or []
        if ends and isinstance(ends[0].get("object"), dict):
            keep[key] = str(ends[0]["object"].get("name", ""))
    return keep
