"""One pass of a mapping against NetBox, object type by object type in dependency order.

`Run` reads what NetBox holds of each object, decides its step (create, update, delete,
unchanged, from_template, blocked) and, when it writes, sends one request per object type
and action. `configurator.handoff.plan.reconcile` runs it dry first, then for real.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from configurator.handoff.client import NetBoxClient
from configurator.handoff.compare import differences, flatten, plain
from configurator.handoff.mapping import (
    CF_BUILD,
    CF_KEY,
    ENDPOINT_ORDER,
    HandoffMapping,
    NetBoxObject,
    Ref,
)
from configurator.handoff.steps import Plan, Step, Write

__all__ = ["NEW", "OWNED_ENDPOINTS", "Run", "owned_records"]

OWNED_ENDPOINTS = (
    "dcim.racks",
    "dcim.devices",
    "dcim.power_panels",
    "dcim.power_feeds",
    "dcim.cables",
)


class _New:
    """The id of an object a dry run would create (it has none yet)."""

    def __repr__(self) -> str:
        return "new"


NEW = _New()


class Run:
    """One pass over a mapping: dry (steps only) or writing (steps and the writes)."""

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
            index: dict[tuple[int, str], dict[str, Any]] = {}
            for record in found:
                index[(plain(record.get(parent_field)), record.get("name"))] = record
            for obj in objects:
                criteria = obj.match[0]
                parent_ref = criteria[filter_name]
                parent_id = self.ids.get(parent_ref.key)
                if not isinstance(parent_id, int):
                    continue
                filters = {filter_name: parent_id, "name": criteria["name"]}
                record = index.get((parent_id, criteria["name"]))
                cache[(obj.endpoint, *sorted(filters.items()))] = [record] if record else []

    # ---------------------------------------------------------------- the run

    def run(self) -> Plan:
        started = time.perf_counter()
        status = self.client.status()
        self.plan.netbox_version = str(status.get("netbox-version", ""))
        self.plan.branching = self.client.has_branching(status)
        owned = {
            endpoint: owned_records(self.client, endpoint, self.build_id)
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
                if wanted is None or any(v is NEW for v in flatten(wanted)):
                    changes = {"(references)": ("", "objects created in this push")}
                else:
                    changes = differences(wanted, record)
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
                        set(payload["tags"]) | set(plain(record.get("tags")) or [])
                    )
                payloads.append(payload)
            self.client.update(endpoint, payloads)
            for obj, _step, record in to_update:
                self.on_write(Write("update", endpoint, record["id"], obj.key, obj.label))
            self._advance(len(to_update))


def owned_records(client: NetBoxClient, endpoint: str, build_id: int) -> dict[str, Any]:
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
