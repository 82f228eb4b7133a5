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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from configurator.handoff.client import NetBoxClient, NetBoxError
from configurator.handoff.mapping import (
    CF_BUILD,
    CF_KEY,
    CF_REVISION,
    ENDPOINT_ORDER,
    HandoffMapping,
    NetBoxObject,
    Ref,
)

__all__ = ["Plan", "PushFailed", "Step", "Write", "reconcile"]

OWNED_ENDPOINTS = (
    "dcim.racks",
    "dcim.devices",
    "dcim.power_panels",
    "dcim.power_feeds",
    "dcim.cables",
)
WRITES = ("create", "update", "delete")


@dataclass
class Step:
    """What happens (or happened) to one object."""

    key: str
    endpoint: str
    label: str
    action: str  # create, update, delete, unchanged, from_template, blocked
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    netbox_id: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "object_type": self.endpoint,
            "label": self.label,
            "action": self.action,
            "netbox_id": self.netbox_id,
            "changes": {k: {"from": a, "to": b} for k, (a, b) in self.changes.items()},
            "note": self.note,
        }


@dataclass
class Plan:
    """A dry run's answer, or a push's record: one step per object, problems, notes."""

    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    netbox_version: str = ""
    branching: bool = False
    branch: str = ""
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0, "unchanged": 0, "from_template": 0}
        for step in self.steps:
            if step.action in counts:
                counts[step.action] += 1
        return counts

    @property
    def writes(self) -> int:
        return sum(1 for step in self.steps if step.action in WRITES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "netbox_version": self.netbox_version,
            "branching": self.branching,
            "counts": self.counts,
            "problems": self.problems,
            "notes": self.notes,
            "steps": [step.as_dict() for step in self.steps],
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Write:
    """One write NetBox accepted: recorded by the push as it happens."""

    action: str
    endpoint: str
    netbox_id: int
    key: str
    label: str


class PushFailed(Exception):
    """NetBox refused a write in the middle of a push; earlier writes stay in NetBox."""

    def __init__(self, message: str, *, code: str = "netbox_push_failed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --------------------------------------------------------------------------- comparing


def _plain(value: Any) -> Any:
    """A NetBox API value reduced to what the mapping writes: ids, choice values, numbers."""
    if isinstance(value, dict):
        if "object_type" in value and "object_id" in value:
            return (value["object_type"], value["object_id"])
        if "id" in value:
            return value["id"]
        if "value" in value and "label" in value:
            return value["value"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _same(wanted: Any, current: Any) -> bool:
    if wanted in (None, "") and current in (None, ""):
        return True
    if isinstance(wanted, bool) or isinstance(current, bool):
        return wanted == current
    if isinstance(wanted, int | float) and isinstance(current, int | float):
        return abs(float(wanted) - float(current)) < 1e-6
    if isinstance(wanted, list) and isinstance(current, list):
        return sorted(map(repr, wanted)) == sorted(map(repr, current))
    return bool(wanted == current)


def _differences(wanted: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, Any]:
    """Fields whose wanted value differs from the record (revision and extra tags ignored)."""
    changes: dict[str, Any] = {}
    for name, value in wanted.items():
        current = _plain(record.get(name))
        if name == "tags":
            if not set(value) <= set(current or []):
                changes[name] = (current, value)
        elif name == "custom_fields":
            ours = {k: v for k, v in value.items() if k != CF_REVISION}
            theirs = {k: (current or {}).get(k) for k in ours}
            if ours != theirs:
                changes[name] = (theirs, ours)
        elif name in ("a_terminations", "b_terminations"):
            want = sorted((t["object_type"], t["object_id"]) for t in value)
            have = sorted(tuple(t) for t in current or [])
            if want != have:
                changes[name] = (have, want)
        elif not _same(value, current):
            changes[name] = (current, value)
    return changes


# --------------------------------------------------------------------------- reconciling


class _New:
    """The id of an object a dry run would create (it has none yet)."""

    def __repr__(self) -> str:
        return "new"


NEW = _New()


class _Run:
    def __init__(
        self,
        client: NetBoxClient,
        build_id: int,
        mapping: HandoffMapping,
        *,
        write: bool,
        on_write: Callable[[Write], None] | None,
        on_progress: Callable[[int, int], None] | None,
        total: int = 0,
    ) -> None:
        self.client = client
        self.build_id = build_id
        self.mapping = mapping
        self.write = write
        self.on_write = on_write or (lambda w: None)
        self.on_progress = on_progress or (lambda done, total: None)
        self.ids: dict[str, Any] = {}
        self.created: set[str] = set()
        self.plan = Plan(notes=list(mapping.notes))
        self.done = 0
        self.total = total

    # ---------------------------------------------------------------- helpers

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            if value.key not in self.ids:
                raise KeyError(value.key)
            return self.ids[value.key]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _payload(self, obj: NetBoxObject) -> dict[str, Any]:
        return self.resolve(obj.fields)

    def _advance(self, count: int = 1) -> None:
        self.done += count
        self.on_progress(min(self.done, self.total), self.total)

    def _find(self, obj: NetBoxObject, cache: dict[tuple[Any, ...], list[dict[str, Any]]]):
        """The existing object a match finds, or None; NEW parents find nothing."""
        for criteria in obj.match:
            try:
                filters = self.resolve(criteria)
            except KeyError:
                return None
            if any(v is NEW for v in filters.values()):
                continue
            key = (obj.endpoint, *sorted(filters.items()))
            if key not in cache:
                cache[key] = self.client.list(obj.endpoint, **filters)
            if cache[key]:
                return cache[key][0]
        return None

    def _prefetch_children(self, objects: list[NetBoxObject], cache: dict[Any, Any]) -> None:
        """One list request for every child (ports, outlets, templates) of known parents."""
        by_parent: dict[str, set[int]] = {}
        for obj in objects:
            if not obj.match:
                continue
            criteria = obj.match[0]
            refs = [(k, v) for k, v in criteria.items() if isinstance(v, Ref)]
            if len(refs) != 1 or set(criteria) != {refs[0][0], "name"}:
                return
            parent_id = self.ids.get(refs[0][1].key)
            if isinstance(parent_id, int):
                by_parent.setdefault(refs[0][0], set()).add(parent_id)
        for filter_name, parent_ids in by_parent.items():
            found = self.client.list(objects[0].endpoint, **{filter_name: sorted(parent_ids)})
            parent_field = filter_name.removesuffix("_id")
            # (parent id, name) as NetBox returned them: JSON values.
            index: dict[tuple[Any, Any], dict[str, Any]] = {}
            for record in found:
                index[(_plain(record.get(parent_field)), record.get("name"))] = record
            for obj in objects:
                criteria = obj.match[0]
                parent_ref = criteria[filter_name]
                parent_id = self.ids.get(parent_ref.key)
                if not isinstance(parent_id, int):
                    continue
                filters = {filter_name: parent_id, "name": criteria["name"]}
                hit = index.get((parent_id, criteria["name"]))
                cache[(obj.endpoint, *sorted(filters.items()))] = [hit] if hit else []

    # ---------------------------------------------------------------- the run

    def run(self) -> Plan:
        started = time.perf_counter()
        status = self.client.status()
        self.plan.netbox_version = str(status.get("netbox-version", ""))
        self.plan.branching = self.client.has_branching(status)
        owned = {
            endpoint: _owned_records(self.client, endpoint, self.build_id)
            for endpoint in OWNED_ENDPOINTS
        }
        wanted_keys = {o.key for o in self.mapping.objects}
        self._delete_stale(owned, wanted_keys)
        for endpoint in ENDPOINT_ORDER:
            objects = self.mapping.by_endpoint(endpoint)
            if objects:
                self._stage(endpoint, objects, owned.get(endpoint, {}))
        self.plan.seconds = time.perf_counter() - started
        return self.plan

    def _delete_stale(
        self, owned: Mapping[str, Mapping[str, dict[str, Any]]], wanted: set[str]
    ) -> None:
        for endpoint in reversed(OWNED_ENDPOINTS):
            stale = [(k, r) for k, r in owned.get(endpoint, {}).items() if k not in wanted]
            if not stale:
                continue
            steps = [
                Step(
                    key,
                    endpoint,
                    f"{endpoint.split('.')[1][:-1].replace('_', ' ')} "
                    f"{record.get('display') or record.get('name') or record['id']}",
                    "delete",
                    netbox_id=record["id"],
                    note="no longer in the build",
                )
                for key, record in stale
            ]
            self.plan.steps.extend(steps)
            if self.write:
                self.client.delete(endpoint, [s.netbox_id for s in steps if s.netbox_id])
                for step in steps:
                    self.on_write(
                        Write("delete", endpoint, step.netbox_id or 0, step.key, step.label)
                    )
                self._advance(len(steps))

    def _stage(
        self, endpoint: str, objects: list[NetBoxObject], owned: Mapping[str, dict[str, Any]]
    ) -> None:
        cache: dict[Any, Any] = {}
        self._prefetch_children(objects, cache)
        to_create: list[tuple[NetBoxObject, Step]] = []
        to_update: list[tuple[NetBoxObject, Step, dict[str, Any]]] = []
        for obj in objects:
            step = Step(obj.key, endpoint, obj.label, "unchanged", note=obj.note)
            self.plan.steps.append(step)
            record = owned.get(obj.key) if obj.owned else self._find(obj, cache)
            if obj.owned and record is None:
                foreign = self._find(obj, cache)
                if foreign is not None:
                    step.action = "blocked"
                    self.plan.problems.append(
                        f"{obj.label}: NetBox already has one of this name (id {foreign['id']}) "
                        "that is not part of this build; rename or delete it, then push again"
                    )
                    self.ids[obj.key] = foreign["id"]
                    continue
            if record is None:
                if obj.policy == "must_exist":
                    step.action = "blocked"
                    name = obj.fields.get("name")
                    self.plan.problems.append(
                        f"{obj.label} is not in NetBox (slug {obj.fields.get('slug')!r}): add the "
                        f"manufacturer {name!r} in NetBox, or let this connection create "
                        "manufacturers, then push again"
                    )
                    self.ids[obj.key] = NEW
                    continue
                parent_new = any(
                    isinstance(v, Ref) and self.ids.get(v.key) is NEW
                    for criteria in obj.match
                    for v in criteria.values()
                )
                if parent_new and endpoint in ("dcim.power_ports", "dcim.power_outlets"):
                    step.action = "from_template"
                    step.note = step.note or "comes with the device, from its type's templates"
                    self.ids[obj.key] = NEW
                    continue
                step.action = "create"
                self.ids[obj.key] = NEW
                to_create.append((obj, step))
                continue
            self.ids[obj.key] = record["id"]
            step.netbox_id = record["id"]
            if obj.owned or obj.policy == "managed":
                try:
                    wanted = self._payload(obj)
                except KeyError:
                    wanted = None
                if wanted is None or any(v is NEW for v in _flatten(wanted)):
                    changes = {"(references)": ("", "objects created in this push")}
                else:
                    changes = _differences(wanted, record)
                if changes:
                    step.action = "update"
                    step.changes = changes
                    to_update.append((obj, step, record))
            elif endpoint in ("dcim.power_ports", "dcim.power_outlets") and any(
                self.ids.get(v.key) is not None and v.key in self.created
                for criteria in obj.match
                for v in criteria.values()
                if isinstance(v, Ref)
            ):
                step.action = "from_template"
                step.note = step.note or "came with the device, from its type's templates"
        if self.write:
            self._write(endpoint, to_create, to_update)

    def _write(
        self,
        endpoint: str,
        to_create: list[tuple[NetBoxObject, Step]],
        to_update: list[tuple[NetBoxObject, Step, dict[str, Any]]],
    ) -> None:
        if to_create:
            payloads = [self._payload(obj) for obj, _ in to_create]
            created = self.client.create(endpoint, payloads)
            for (obj, step), record in zip(to_create, created, strict=True):
                self.ids[obj.key] = record["id"]
                self.created.add(obj.key)
                step.netbox_id = record["id"]
                self.on_write(Write("create", endpoint, record["id"], obj.key, obj.label))
            self._advance(len(to_create))
        if to_update:
            payloads = []
            for obj, _step, record in to_update:
                payload = {"id": record["id"], **self._payload(obj)}
                if "tags" in payload:
                    payload["tags"] = sorted(
                        set(payload["tags"]) | set(_plain(record.get("tags")) or [])
                    )
                payloads.append(payload)
            self.client.update(endpoint, payloads)
            for obj, _step, record in to_update:
                self.on_write(Write("update", endpoint, record["id"], obj.key, obj.label))
            self._advance(len(to_update))


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


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
    dry = _Run(client, build_id, mapping, write=False, on_write=None, on_progress=None).run()
    if not write:
        return dry
    if dry.problems:
        raise PushFailed(
            "Nothing was written: " + "; ".join(dry.problems), code="netbox_push_blocked"
        )
    if dry.writes == 0:
        return dry  # NetBox holds this revision already: nothing to write, nothing to re-read
    run = _Run(
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


def _through_branch(client: NetBoxClient, run: _Run, branching: Branching) -> Plan:
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
    for key, cable in _owned_records(client, "dcim.cables", build_id).items():
        ends = cable.get("b_terminations") or []
        if ends and isinstance(ends[0].get("object"), dict):
            keep[key] = str(ends[0]["object"].get("name", ""))
    return keep


def _owned_records(client: NetBoxClient, endpoint: str, build_id: int) -> dict[str, Any]:
    """The build's own objects of one type, by mdc_key.

    NetBox ignores a filter on a custom field it does not have (before the first push it would
    list every object): nothing is read then, and every record is checked here as well, so an
    object that is not this build's is never taken for one, let alone deleted.
    """
    if not client.list("extras.custom_fields", name=CF_BUILD):
        return {}
    found: dict[str, Any] = {}
    for record in client.list(endpoint, **{f"cf_{CF_BUILD}": build_id}):
        fields = record.get("custom_fields") or {}
        if fields.get(CF_BUILD) == build_id and fields.get(CF_KEY):
            found[str(fields[CF_KEY])] = record
    return found
