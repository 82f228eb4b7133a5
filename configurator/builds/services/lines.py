"""Writes of build lines: add, move or change, remove; each checked against the whole build.

A line placed over blanking panels takes their U (placement.make_way); the line returned by
`build_line_add` and `build_line_update` carries `made_way`, what it took over, in words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.models import Component
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import guards
from configurator.builds.services.placement import (
    AUTO,
    Candidate,
    LineRef,
    check_line,
    decimal_or_none,
    default_feeds,
    describe_line,
    lines_of,
    make_way,
    place_one,
    resolve_line,
)
from configurator.errors import Conflict, NotFound
from rules.specs import Kind

__all__ = [
    "build_line_add",
    "build_line_add_auto",
    "build_line_remove",
    "build_line_restore",
    "build_line_update",
]

LINE_UPDATE_FIELDS = frozenset(
    {"quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups", "coolant_from"}
    | {"phase", "note", "sort_order"}
)


@transaction.atomic
def build_line_add(
    *,
    build: Build,
    component: Component,
    quantity: int = 1,
    rack: LineRef = None,
    position_u: Decimal | float | str | None = None,
    face: str = BuildLine.Face.FRONT,
    feed_a: LineRef = None,
    feed_b: LineRef = None,
    ups: LineRef = None,
    coolant_from: LineRef = None,
    phase: int | None = None,
    note: str = "",
    expected_revision: int | None = None,
) -> BuildLine:
    """Add a line after checking its placement, feeds and coolant source against the rest of
    the build."""
    guards.writable(build, expected_revision)
    lines = lines_of(build)
    candidate = Candidate(
        pk=None,
        component=component,
        quantity=int(quantity),
        rack=resolve_line(rack, "rack", lines),
        position_u=decimal_or_none(position_u, "position_u"),
        face=str(face),
        feed_a=resolve_line(feed_a, "feed_a", lines),
        feed_b=resolve_line(feed_b, "feed_b", lines),
        ups=resolve_line(ups, "ups", lines),
        phase=phase,
        coolant_from=resolve_line(coolant_from, "coolant_from", lines),
    )
    panels = check_line(candidate, lines)
    made_way = _make_way_for(candidate, panels)
    line = BuildLine.objects.create(
        build=build,
        component=component,
        quantity=candidate.quantity,
        rack=candidate.rack,
        position_u=candidate.position_u,
        face=candidate.face,
        feed_a=candidate.feed_a,
        feed_b=candidate.feed_b,
        ups=candidate.ups,
        coolant_from=candidate.coolant_from,
        phase=phase,
        note=note,
        sort_order=max((other.sort_order for other in lines.values()), default=0) + 1,
    )
    line.made_way = made_way
    guards.bump(build)
    return line


@transaction.atomic
def build_line_add_auto(
    *,
    build: Build,
    component: Component,
    quantity: int = 1,
    rack: LineRef = None,
    position_u: Decimal | float | str | None = None,
    auto_place: bool = False,
    face: str = BuildLine.Face.FRONT,
    feed_a: LineRef | Literal["auto"] = None,
    feed_b: LineRef | Literal["auto"] = None,
    ups: LineRef = None,
    coolant_from: LineRef = None,
    phase: int | None = None,
    note: str = "",
    expected_revision: int | None = None,
) -> BuildLine:
    """The editor's add: `build_line_add` with the choices left to the services.

    With `auto_place` the line goes to its lowest free U (placement.place_one: free U first,
    then over blanking panels; a zero-U part to the rack with fewest); a feed given as AUTO is
    the rack's PDU or UPS (placement.default_feeds). One revision, all or nothing.
    """
    guards.writable(build, expected_revision)
    lines = lines_of(build)
    made_way: list[str] = []
    if auto_place and component.kind != Kind.RACK:
        probe = BuildLine(component=component, quantity=int(quantity), face=str(face), rack_id=None)
        if rack is not None:
            target = resolve_line(rack, "rack", lines)
            probe.rack_id = target.pk if target is not None else None
        placed_in, position = place_one(probe, lines)
        rack, position_u, made_way = placed_in, position, probe.made_way
    rack_line = resolve_line(rack, "rack", lines)
    source_a: LineRef = None if feed_a == AUTO else feed_a
    source_b: LineRef = None if feed_b == AUTO else feed_b
    if AUTO in (feed_a, feed_b):
        auto_a, auto_b = default_feeds(component, rack_line, lines)
        source_a = auto_a if feed_a == AUTO else source_a
        source_b = auto_b if feed_b == AUTO else source_b
        if source_a is None and source_b is not None:
            source_a, source_b = source_b, None
    line = build_line_add(
        build=build,
        component=component,
        quantity=quantity,
        rack=rack,
        position_u=position_u,
        face=face,
        feed_a=source_a,
        feed_b=source_b,
        ups=ups,
        coolant_from=coolant_from,
        phase=phase,
        note=note,
    )
    line.made_way = made_way + line.made_way
    return line


@transaction.atomic
def build_line_update(
    *, line: BuildLine, expected_revision: int | None = None, **fields: Any
) -> BuildLine:
    """Move or change a line (rack, position, face, feeds, coolant source, quantity, note) with
    the same checks."""
    guards.refuse_unknown(fields, LINE_UPDATE_FIELDS)
    build = guards.writable(line.build, expected_revision)
    lines = lines_of(build)
    current = lines.get(line.pk)
    if current is None:
        raise NotFound("Build line not found.")

    def value(field: str) -> Any:
        return fields[field] if field in fields else getattr(current, f"{field}_id")

    if "rack" in fields and fields["rack"] is None and "position_u" not in fields:
        # Taking a line out of its rack takes it off its U position too.
        fields["position_u"] = None

    candidate = Candidate(
        pk=current.pk,
        component=current.component,
        quantity=int(fields.get("quantity", current.quantity)),
        rack=resolve_line(value("rack"), "rack", lines),
        position_u=decimal_or_none(fields.get("position_u", current.position_u), "position_u"),
        face=str(fields.get("face", current.face)),
        feed_a=resolve_line(value("feed_a"), "feed_a", lines),
        feed_b=resolve_line(value("feed_b"), "feed_b", lines),
        ups=resolve_line(value("ups"), "ups", lines),
        phase=fields.get("phase", current.phase),
        coolant_from=resolve_line(value("coolant_from"), "coolant_from", lines),
    )
    for field in ("rack", "feed_a", "feed_b", "ups", "coolant_from"):
        target = getattr(candidate, field)
        if target is not None and target.pk == current.pk:
            raise ValidationError({field: ["A line cannot reference itself."]})
    panels = check_line(candidate, lines)
    made_way = _make_way_for(candidate, panels)
    for field in (
        "quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups", "coolant_from", "phase"
    ):  # fmt: skip
        setattr(current, field, getattr(candidate, field))
    current.note = fields.get("note", current.note)
    current.sort_order = fields.get("sort_order", current.sort_order)
    current.save()
    current.made_way = made_way
    guards.bump(build)
    return current


def _make_way_for(candidate: Candidate, panels: list[BuildLine]) -> list[str]:
    """Cut back the blanking panels the candidate's U span takes over (placement.make_way)."""
    if not panels or candidate.position_u is None:
        return []
    end = candidate.position_u + candidate.component.u_height * candidate.quantity
    texts, _ = make_way(panels, candidate.position_u, end)
    return texts


@transaction.atomic
def build_line_remove(
    *, line: BuildLine, cascade: bool = False, expected_revision: int | None = None
) -> dict[str, Any]:
    """Remove a line; refused while others use it as rack, feed, UPS or coolant source
    unless `cascade` detaches.

    Returns what `build_line_restore` needs to put it back: its fields and the lines detached.
    """
    build = guards.writable(line.build, expected_revision)
    referencing = (
        Q(rack=line) | Q(feed_a=line) | Q(feed_b=line) | Q(ups=line) | Q(coolant_from=line)
    )
    dependants = list(
        BuildLine.objects.filter(referencing, build_id=build.pk)
        .exclude(pk=line.pk)
        .select_related("component")
        .order_by("pk")
    )
    if dependants and not cascade:
        raise Conflict(
            f"Line {line.pk} is used by {len(dependants)} other line(s): "
            + ", ".join(describe_line(d) for d in dependants)
            + "; detach them first or remove with cascade.",
            code="line_in_use",
            details={"lines": [d.pk for d in dependants]},
        )
    removed = {
        **{field: getattr(line, f"{field}_id") for field in ("component", "rack", "feed_a")},
        **{field: getattr(line, f"{field}_id") for field in ("feed_b", "ups", "coolant_from")},
        "quantity": line.quantity,
        "position_u": None if line.position_u is None else str(line.position_u),
        "face": line.face,
        "phase": line.phase,
        "note": line.note,
        "sort_order": line.sort_order,
        "dependants": [
            {
                "pk": d.pk,
                "fields": [
                    f
                    for f in ("rack", "feed_a", "feed_b", "ups", "coolant_from")
                    if getattr(d, f"{f}_id") == line.pk
                ],
                "position_u": None if d.position_u is None else str(d.position_u),
            }
            for d in dependants
        ],
    }
    # Detaching from a rack also drops the position, which means nothing outside the rack.
    BuildLine.objects.filter(build_id=build.pk, rack=line).update(rack=None, position_u=None)
    BuildLine.objects.filter(build_id=build.pk, feed_a=line).update(feed_a=None)
    BuildLine.objects.filter(build_id=build.pk, feed_b=line).update(feed_b=None)
    BuildLine.objects.filter(build_id=build.pk, ups=line).update(ups=None)
    BuildLine.objects.filter(build_id=build.pk, coolant_from=line).update(coolant_from=None)
    BuildLine.objects.filter(pk=line.pk).delete()
    guards.bump(build)
    return removed


@transaction.atomic
def build_line_restore(
    *, build: Build, removed: dict[str, Any], expected_revision: int | None = None
) -> BuildLine:
    """Put back a line `build_line_remove` took out (its return value), checked like an add;
    the lines it detached are reattached where their field is still empty and the place free.

    A reference to a line that is gone since is dropped (the add then says what is missing).
    """
    component = Component.objects.filter(pk=removed.get("component", 0)).first()
    if component is None:
        raise ValidationError("The removed line's component is no longer in the catalogue.")
    guards.writable(build, expected_revision)
    existing = set(BuildLine.objects.filter(build_id=build.pk).values_list("pk", flat=True))

    def ref(field: str) -> int | None:
        value = removed.get(field)
        return value if isinstance(value, int) and value in existing else None

    line = build_line_add(
        build=build,
        component=component,
        quantity=int(removed.get("quantity") or 1),
        rack=ref("rack"),
        position_u=removed.get("position_u") if ref("rack") else None,
        face=str(removed.get("face") or BuildLine.Face.FRONT),
        feed_a=ref("feed_a"),
        feed_b=ref("feed_b"),
        ups=ref("ups"),
        coolant_from=ref("coolant_from"),
        phase=removed.get("phase"),
        note=str(removed.get("note") or ""),
    )
    BuildLine.objects.filter(pk=line.pk).update(sort_order=int(removed.get("sort_order") or 0))
    for entry in removed.get("dependants") or []:
        dependant = BuildLine.objects.filter(pk=entry.get("pk"), build_id=build.pk).first()
        if dependant is None:
            continue
        fields: dict[str, Any] = {
            f: line for f in entry.get("fields") or [] if getattr(dependant, f"{f}_id") is None
        }
        if "rack" in fields and entry.get("position_u") is not None:
            fields["position_u"] = entry["position_u"]
        if fields:
            dependant.build = build  # the caller's build object follows every revision bump
            try:
                with transaction.atomic():
                    build_line_update(line=dependant, **fields)
            except ValidationError:
                continue  # its place is taken now: it stays detached
    line.refresh_from_db()
    return line
