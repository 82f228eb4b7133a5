"""Writes of build lines: add, move or change, remove; each checked against the whole build."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.models import Component
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import guards
from configurator.builds.services.placement import (
    Candidate,
    LineRef,
    check_line,
    decimal_or_none,
    describe_line,
    lines_of,
    resolve_line,
)
from configurator.errors import Conflict, NotFound

__all__ = ["build_line_add", "build_line_remove", "build_line_update"]

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
    check_line(candidate, lines)
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
    guards.bump(build)
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
    check_line(candidate, lines)
    for field in (
        "quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups", "coolant_from", "phase"
    ):  # fmt: skip
        setattr(current, field, getattr(candidate, field))
    current.note = fields.get("note", current.note)
    current.sort_order = fields.get("sort_order", current.sort_order)
    current.save()
    guards.bump(build)
    return current


@transaction.atomic
def build_line_remove(
    *, line: BuildLine, cascade: bool = False, expected_revision: int | None = None
) -> None:
    """Remove a line; refused while others use it as rack, feed, UPS or coolant source unless
    `cascade` detaches them."""
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
    # Detaching from a rack also drops the position, which means nothing outside the rack.
    BuildLine.objects.filter(build_id=build.pk, rack=line).update(rack=None, position_u=None)
    BuildLine.objects.filter(build_id=build.pk, feed_a=line).update(feed_a=None)
    BuildLine.objects.filter(build_id=build.pk, feed_b=line).update(feed_b=None)
    BuildLine.objects.filter(build_id=build.pk, ups=line).update(ups=None)
    BuildLine.objects.filter(build_id=build.pk, coolant_from=line).update(coolant_from=None)
    BuildLine.objects.filter(pk=line.pk).delete()
    guards.bump(build)
