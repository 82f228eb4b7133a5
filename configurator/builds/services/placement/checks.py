"""Where a line may sit: its checks against the other lines of its build.

`check_line` is every check of a line's rack, U position, face, feeds, UPS and coolant source
against the rest of its build, run by the line services before anything is saved.

Blanking panels give way (`rules.derive.geometry.gives_way`): equipment placed over them takes
their U, and `make_way` cuts the panel lines back to what is left below and above.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, cast

from django.core.exceptions import ValidationError

from catalog.models import Component
from catalog.selectors import component_to_engine
from configurator.builds.models import Build, BuildLine
from rules.coolant import coolant_problem
from rules.derive.geometry import (
    Occupant,
    collision,
    gives_way,
    panel_remainders,
)
from rules.feeds import POWER_SOURCE_KINDS, FeedNode, feed_loop
from rules.specs import Kind, RackSpec

__all__ = [
    "AUTO",
    "Candidate",
    "LineRef",
    "check_line",
    "decimal_or_none",
    "describe_line",
    "gives_way_line",
    "lines_of",
    "make_way",
    "resolve_line",
]

LineRef = BuildLine | int | None
HALF_U = Decimal("0.5")
# A feed (or position) the editor leaves to the services: the rack's PDU or UPS, the lowest U.
AUTO: Final = "auto"


def _u_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _span_text(start: Decimal, end: Decimal) -> str:
    """Rack units from `start` up to (not including) `end` as a person reads them."""
    last = end - 1 if end - start >= 1 else start
    if last == start:
        return f"U {_u_text(start)}"
    return f"U {_u_text(start)}\u2013{_u_text(last)}"


def describe_line(line: BuildLine, *, start: bool = False) -> str:
    """How messages name a line: "line 42 (Helix R20 server)"; `start` capitalises it."""
    component = line.component
    text = f"line {line.pk} ({component.model_name} {component.get_kind_display().lower()})"
    return text[0].upper() + text[1:] if start else text


def decimal_or_none(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({field: ["Enter a number."]}) from exc


def resolve_line(value: LineRef, field: str, lines: dict[int, BuildLine]) -> BuildLine | None:
    """The line of this build a reference names; another build's line is refused by name."""
    if value is None:
        return None
    pk = value.pk if isinstance(value, BuildLine) else int(value)
    line = lines.get(pk)
    if line is None:
        raise ValidationError({field: [f"Line {pk} is not a line of this build."]})
    return line


@dataclass
class Candidate:
    """The values a line would have after the write, checked before anything is saved."""

    pk: int | None
    component: Component
    quantity: int
    rack: BuildLine | None
    position_u: Decimal | None
    face: str
    feed_a: BuildLine | None
    feed_b: BuildLine | None
    ups: BuildLine | None
    phase: int | None
    coolant_from: BuildLine | None = None


def _occupant(line: BuildLine, low: Decimal) -> Occupant:
    """The U span a line takes from ``low``, in the engine's geometry (rules.derive.geometry)."""
    return Occupant(
        float(low),
        float(low + line.component.u_height * line.quantity),
        line.face,
        _depth_mm(line.component),
        str(line.pk),
    )


def _usable_depth_mm(rack: BuildLine) -> float:
    """Deepest device the rack's rails take (the engine's RackSpec rule)."""
    return RackSpec.model_validate(rack.component.spec).usable_depth_mm


def _rack_u(rack: BuildLine) -> int:
    return int(rack.component.spec.get("u", 0))


def _depth_mm(component: Component) -> float | None:
    """Depth for the opposite-face rule; unknown (None) counts as the whole usable depth."""
    return float(component.depth_mm) if component.depth_mm is not None else None


def _u(value: float) -> Decimal:
    return Decimal(str(value)).normalize() if value % 1 else Decimal(int(value))


def gives_way_line(line: BuildLine | Candidate) -> bool:
    """Whether the line is a blanking panel, whose U placement may take over."""
    component = line.component
    cached = getattr(component, "_gives_way", None)
    if cached is None:
        cached = gives_way(component_to_engine(component))
        component._gives_way = cached  # type: ignore[attr-defined]
    return bool(cached)


def check_line(candidate: Candidate, lines: dict[int, BuildLine]) -> list[BuildLine]:
    """Every check of a line against the others of its build; all errors at once.

    Returns the blanking-panel lines its U span takes over (`make_way` cuts them back).
    """
    errors: dict[str, list[str]] = {}
    kind = candidate.component.kind
    if candidate.quantity < 1:
        errors["quantity"] = ["Quantity must be at least 1."]
    if candidate.face not in BuildLine.Face.values:
        errors["face"] = [f"Unknown face {candidate.face!r}; use front or rear."]
    if candidate.phase is not None and candidate.phase not in (1, 2, 3):
        errors["phase"] = ["Phase must be 1, 2 or 3."]

    if kind == Kind.RACK:
        if candidate.quantity != 1:
            errors["quantity"] = ["A rack line holds one rack; add a line per rack."]
        for field in ("rack", "position_u", "feed_a", "feed_b", "ups", "coolant_from"):
            if getattr(candidate, field) is not None:
                errors[field] = ["A rack is not mounted, fed or attached to anything."]
        if errors:
            raise ValidationError(errors)
        return []

    rack = candidate.rack
    if rack is not None and rack.component.kind != Kind.RACK:
        errors["rack"] = [f"{describe_line(rack, start=True)} is not a rack."]
        rack = None
    panels = _check_position(candidate, rack, lines, errors)
    _check_feeds(candidate, lines, errors)
    if candidate.ups is not None:
        if kind != Kind.BATTERY:
            errors["ups"] = ["Only a battery pack extends a UPS."]
        elif candidate.ups.component.kind != Kind.UPS:
            errors["ups"] = [f"{describe_line(candidate.ups, start=True)} is not a UPS."]
    if candidate.coolant_from is not None:
        _check_coolant(candidate, candidate.coolant_from, errors)
    if errors:
        raise ValidationError(errors)
    return panels


def _check_coolant(candidate: Candidate, source: BuildLine, errors: dict[str, list[str]]) -> None:
    """The engine's loop rules (rules.coolant): the source is a CDU or facility water line of
    this build, only cold-plate IT, CDUs and rear doors take coolant, and a CDU takes it from
    facility water. Those kind rules keep the loops free of cycles (a source never takes
    coolant from its own takers)."""
    if candidate.pk is not None and source.pk == candidate.pk:
        errors["coolant_from"] = ["A line cannot take coolant from itself."]
        return
    problem = coolant_problem(
        component_to_engine(candidate.component), component_to_engine(source.component)
    )
    if problem is None:
        return
    if problem.code == "not_a_source":
        text = f"{describe_line(source, start=True)} is not a CDU or a facility water source."
    elif problem.code == "not_on_a_loop":
        text = (
            "Only liquid-cooled IT (with a liquid share), CDUs and rear-door heat exchangers "
            "take coolant from a loop."
        )
    else:
        text = (
            "A CDU takes its primary water from a facility water source (dry cooler or "
            f"chiller); {describe_line(source)} is a CDU."
        )
    errors["coolant_from"] = [text]


def _check_position(
    candidate: Candidate,
    rack: BuildLine | None,
    lines: dict[int, BuildLine],
    errors: dict[str, list[str]],
) -> list[BuildLine]:
    """The position's errors; the panel lines in its way when only panels are."""
    position = candidate.position_u
    if position is None:
        return []
    if rack is None:
        errors.setdefault("position_u", []).append("A position needs a rack.")
        return []
    height = candidate.component.u_height
    if height == 0:
        errors["position_u"] = ["A zero-U component takes no U position; give only its rack."]
        return []
    if position < 1 or position % HALF_U:
        errors["position_u"] = ["A position is a multiple of 0.5 U, from U 1."]
        return []
    start, end = position, position + height * candidate.quantity
    rack_u = _rack_u(rack)
    if end > rack_u + 1:
        errors["position_u"] = [
            f"{_span_text(start, end)} is outside {describe_line(rack)}, "
            f"which has U 1\u2013{rack_u}."
        ]
        return []
    others = [
        other
        for other in lines.values()
        if other.pk != candidate.pk
        and other.rack_id == rack.pk
        and other.position_u is not None
        and other.component.u_height > 0
    ]
    # A panel never gives way to another panel: that would only move the same U around.
    yielding = not gives_way_line(candidate)
    panels = [o for o in others if yielding and gives_way_line(o)]
    # Every line in `others` is placed (position_u is not None, filtered above).
    taken = [_occupant(o, cast(Decimal, o.position_u)) for o in others if o not in panels]
    span = (float(start), float(end), candidate.face, _depth_mm(candidate.component))
    hit = collision(taken, *span, _usable_depth_mm(rack))
    if hit is not None:
        other = lines[int(hit.owner)]
        errors["position_u"] = [
            f"{_span_text(_u(hit.low), _u(hit.high))} is taken by {describe_line(other)}."
        ]
        return []
    usable = _usable_depth_mm(rack)
    return [
        p
        for p in panels
        if collision([_occupant(p, cast(Decimal, p.position_u))], *span, usable) is not None
    ]


def make_way(
    panels: list[BuildLine], start: Decimal, end: Decimal
) -> tuple[list[str], list[BuildLine]]:
    """Cut the panel lines back so [start, end) is free: what was taken, in words, and the
    panel lines left (kept or new).

    Each panel line keeps the units below the span and a new line of the same panel takes the
    units above it; a line left with none is removed.
    """
    taken: list[str] = []
    left: list[BuildLine] = []
    for panel in panels:
        unit = panel.component.u_height
        low = panel.position_u
        if low is None:  # pragma: no cover - only placed panels are in the way
            continue
        rest = panel_remainders(float(low), float(unit), panel.quantity, float(start), float(end))
        gone = panel.quantity - sum(count for _, count in rest)
        taken.append(f"{_u(float(unit) * gone)} U of {describe_line(panel)}")
        if not rest:
            panel.delete()
            continue
        (first_u, first_count), *more = rest
        panel.position_u, panel.quantity = _u(first_u), first_count
        panel.save(update_fields=["position_u", "quantity"])
        left.append(panel)
        for upper_u, count in more:
            upper = BuildLine.objects.create(
                build_id=panel.build_id,
                component=panel.component,
                quantity=count,
                rack_id=panel.rack_id,
                position_u=_u(upper_u),
                face=panel.face,
                note=panel.note,
                sort_order=panel.sort_order,
            )
            upper.component = panel.component
            left.append(upper)
    return taken, left


def _check_feeds(
    candidate: Candidate, lines: dict[int, BuildLine], errors: dict[str, list[str]]
) -> None:
    """The engine's feed rules (rules.feeds): sources are PDUs, ATSs or UPSs, two different
    ones, and the write leaves no loop."""
    nodes = {
        str(pk): FeedNode(
            Kind(line.component.kind),
            None if line.feed_a_id is None else str(line.feed_a_id),
            None if line.feed_b_id is None else str(line.feed_b_id),
        )
        for pk, line in lines.items()
    }
    if candidate.pk is not None:
        nodes[str(candidate.pk)] = FeedNode(
            Kind(candidate.component.kind),
            None if candidate.feed_a is None else str(candidate.feed_a.pk),
            None if candidate.feed_b is None else str(candidate.feed_b.pk),
        )
    for field in ("feed_a", "feed_b"):
        source = getattr(candidate, field)
        if source is None:
            continue
        if source.component.kind not in POWER_SOURCE_KINDS:
            errors[field] = [f"{describe_line(source, start=True)} is not a PDU, ATS or UPS."]
        elif candidate.pk is not None and source.pk == candidate.pk:
            errors[field] = ["A line cannot feed itself."]
        elif candidate.pk is not None:
            loop = feed_loop(nodes, str(source.pk))
            if loop is not None and str(candidate.pk) in loop:
                errors[field] = [
                    f"{describe_line(source, start=True)} is fed by this line: a loop."
                ]
    if (
        candidate.feed_a is not None
        and candidate.feed_b is not None
        and candidate.feed_a.pk == candidate.feed_b.pk
    ):
        errors["feed_b"] = ["Feed A and feed B must be different sources."]


def lines_of(build: Build) -> dict[int, BuildLine]:
    """Every line of the build with its component, in two queries.

    Builds repeat a few components over many lines: each component (and its manufacturer) is
    loaded once and shared by its lines, instead of one copy per line from a join.
    """
    lines = list(BuildLine.objects.filter(build_id=build.pk))
    components = Component.objects.select_related("manufacturer").in_bulk(
        {line.component_id for line in lines}
    )
    # Straight into the relation's cache: the descriptor's checks cost more than the query.
    component = BuildLine.component.field
    for line in lines:
        component.set_cached_value(line, components[line.component_id])
    return {line.pk: line for line in lines}
