"""Auto-place: where the services put lines left to them, and the feeds a new line gets.

`build_auto_place` places every unplaced rack-mount line bottom-up, heavy items low;
`place_one` finds the spot of one new line; `default_feeds` picks its rack's PDU or UPS.
Free U first; blanking panels are taken over (checks.make_way) only when nothing else fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Component
from catalog.selectors import component_to_engine
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import guards
from configurator.builds.services.placement.checks import (
    _depth_mm,
    _occupant,
    _rack_u,
    _usable_depth_mm,
    describe_line,
    gives_way_line,
    lines_of,
    make_way,
)
from rules.derive.geometry import Occupant, collision, lowest_free_position
from rules.feeds import supply_count
from rules.specs import Kind

__all__ = ["Placement", "build_auto_place", "default_feeds", "place_one"]


@dataclass(frozen=True)
class Placement:
    """Where auto-place put one line: its rack and lowest U (None for zero-U parts)."""

    line_id: int
    rack_id: int
    position_u: Decimal | None
    made_way: tuple[str, ...] = ()  # blanking panels it took over, in words


def _placement_priority(line: BuildLine) -> tuple[int, Decimal, int]:
    # UPS and batteries go lowest (heaviest per U, and their manuals ask for it), then the
    # heaviest lines, so the rack's centre of gravity stays low. A line of unknown mass ranks
    # as the lightest: nothing says it belongs low.
    heavy_kind = line.component.kind in (Kind.UPS, Kind.BATTERY)
    kg = line.component.weight_kg if line.component.weight_kg is not None else Decimal(0)
    return (0 if heavy_kind else 1, -kg * line.quantity, line.pk)


@transaction.atomic
def build_auto_place(*, build: Build, expected_revision: int | None = None) -> list[Placement]:
    """Place every unplaced rack-mount line bottom-up in the build's racks, heavy items low.

    Lines already in a rack stay in it; zero-U PDUs get a rack only. Free U first; when a line
    fits nowhere else it takes over blanking panels (`make_way`). All or nothing: when a line
    does not fit, a ValidationError lists every such line and nothing is saved.
    """
    guards.writable(build, expected_revision)
    lines = lines_of(build)
    racks = sorted(
        (line for line in lines.values() if line.component.kind == Kind.RACK),
        key=lambda r: (r.sort_order, r.pk),
    )
    # Taken spans per rack, in the engine's geometry.
    taken: dict[int, list[Occupant]] = {r.pk: [] for r in racks}
    zero_u_count: dict[int, int] = {r.pk: 0 for r in racks}
    for line in lines.values():
        if line.rack_id in taken and line.position_u is not None and line.component.u_height > 0:
            taken[line.rack_id].append(_occupant(line, line.position_u))
        elif line.rack_id in zero_u_count and line.component.u_height == 0:
            zero_u_count[line.rack_id] += 1

    to_place = sorted(
        (
            line
            for line in lines.values()
            if line.component.kind != Kind.RACK
            and line.position_u is None
            and (line.component.u_height > 0 or (_is_zero_u_pdu(line) and line.rack_id is None))
        ),
        key=_placement_priority,
    )
    placements: list[Placement] = []
    misfits: list[BuildLine] = []
    for line in to_place:
        if line.component.u_height == 0:
            if not racks:
                misfits.append(line)
                continue
            # Spread zero-U PDUs over the racks: each rack needs its own.
            rack = min(racks, key=lambda r: (zero_u_count[r.pk], r.sort_order, r.pk))
            zero_u_count[rack.pk] += 1
            line.rack_id = rack.pk
            placements.append(Placement(line_id=line.pk, rack_id=rack.pk, position_u=None))
            continue
        candidates = [lines[line.rack_id]] if line.rack_id in taken else racks
        spot = _lowest_free(line, candidates, taken)
        made_way: list[str] = []
        if spot is None and not gives_way_line(line):
            spot = _lowest_free(line, candidates, _without_panels(taken, lines))
            if spot is not None:
                made_way = _take_over_panels(line, *spot, taken, lines)
        if spot is None:
            misfits.append(line)
            continue
        rack, position = spot
        taken[rack.pk].append(_occupant(line, position))
        line.rack_id, line.position_u = rack.pk, position
        placements.append(
            Placement(
                line_id=line.pk, rack_id=rack.pk, position_u=position, made_way=tuple(made_way)
            )
        )
    if misfits:
        raise ValidationError(
            {
                "lines": [
                    f"{describe_line(line, start=True)} does not fit in the build's racks."
                    for line in misfits
                ]
            }
        )
    if placements:
        BuildLine.objects.bulk_update(
            [lines[p.line_id] for p in placements], ["rack", "position_u"]
        )
        guards.bump(build)
    return placements


def _without_panels(
    taken: dict[int, list[Occupant]], lines: dict[int, BuildLine]
) -> dict[int, list[Occupant]]:
    """The taken spans with blanking panels counted as free."""
    return {
        rack: [o for o in spans if not gives_way_line(lines[int(o.owner)])]
        for rack, spans in taken.items()
    }


def _take_over_panels(
    line: BuildLine,
    rack: BuildLine,
    position: Decimal,
    taken: dict[int, list[Occupant]],
    lines: dict[int, BuildLine],
) -> list[str]:
    """Cut back the panels under the line's span at `position` and update `taken` to match."""
    end = position + line.component.u_height * line.quantity
    span = (float(position), float(end), line.face, _depth_mm(line.component))
    usable = _usable_depth_mm(rack)
    in_way = [
        lines[int(o.owner)]
        for o in taken[rack.pk]
        if gives_way_line(lines[int(o.owner)]) and collision([o], *span, usable) is not None
    ]
    texts, left = make_way(in_way, position, end)
    gone = {str(p.pk) for p in in_way}
    taken[rack.pk] = [o for o in taken[rack.pk] if o.owner not in gone]
    for panel in left:
        lines[panel.pk] = panel
        # make_way leaves placed panels only.
        taken[rack.pk].append(_occupant(panel, cast(Decimal, panel.position_u)))
    return texts


def place_one(line: BuildLine, lines: dict[int, BuildLine]) -> tuple[BuildLine, Decimal | None]:
    """Where auto-place would put one new line: its rack and lowest U, panels taken over only
    when nothing else fits (cut back at once); a zero-U part goes to the rack with the fewest
    zero-U parts. ValidationError when it fits nowhere. What it took over: `line.made_way`."""
    line.made_way = []
    racks = sorted(
        (other for other in lines.values() if other.component.kind == Kind.RACK),
        key=lambda r: (r.sort_order, r.pk),
    )
    if line.component.u_height == 0:
        if not racks:
            raise ValidationError({"position": ["The build has no rack to put it in."]})
        count = {r.pk: 0 for r in racks}
        for other in lines.values():
            if other.rack_id in count and other.component.u_height == 0:
                count[other.rack_id] += 1
        return min(racks, key=lambda r: (count[r.pk], r.sort_order, r.pk)), None
    taken: dict[int, list[Occupant]] = {r.pk: [] for r in racks}
    for other in lines.values():
        if other.rack_id in taken and other.position_u is not None and other.component.u_height:
            taken[other.rack_id].append(_occupant(other, other.position_u))
    candidates = [lines[line.rack_id]] if line.rack_id in taken else racks
    spot = _lowest_free(line, candidates, taken)
    if spot is None and not gives_way_line(line):
        spot = _lowest_free(line, candidates, _without_panels(taken, lines))
        if spot is not None:
            line.made_way = _take_over_panels(line, *spot, taken, lines)
    if spot is None:
        raise ValidationError(
            {"position": [f"{line.component} does not fit in the build's racks."]}
        )
    return spot


def default_feeds(
    component: Component, rack: BuildLine | None, lines: dict[int, BuildLine]
) -> tuple[BuildLine | None, BuildLine | None]:
    """The feeds a new line gets when left to the services: IT gear plugs into its rack's PDUs
    (A and B, B only with a second supply), else its rack's UPS; a PDU or ATS takes its rack's
    UPS; anything else (cooling, fire suppression) stays on the site supply, as does a line
    with no rack or a rack with no source."""
    if rack is None:
        return None, None
    kind = Kind(component.kind)
    in_rack = sorted(
        (other for other in lines.values() if other.rack_id == rack.pk),
        key=lambda o: (o.sort_order, o.pk),
    )
    distribution = [o for o in in_rack if o.component.kind in (Kind.PDU, Kind.ATS)]
    ups = [o for o in in_rack if o.component.kind == Kind.UPS]
    supplies = supply_count(component_to_engine(component))
    if kind in (Kind.PDU, Kind.ATS):
        sources = ups
    elif kind.is_it:
        sources = distribution or ups
    else:
        return None, None
    if not sources or supplies == 0:
        return None, None
    second = sources[1] if supplies > 1 and len(sources) > 1 else None
    return sources[0], second


def _is_zero_u_pdu(line: BuildLine) -> bool:
    return line.component.kind == Kind.PDU and line.component.u_height == 0


def _lowest_free(
    line: BuildLine, racks: list[BuildLine], taken: dict[int, list[Occupant]]
) -> tuple[BuildLine, Decimal] | None:
    """The first rack and lowest U where the line's units fit on its face, or None
    (rules.derive.geometry.lowest_free_position: whole U first, then half-U offsets)."""
    height = float(line.component.u_height * line.quantity)
    for rack in racks:
        found = lowest_free_position(
            _rack_u(rack),
            _usable_depth_mm(rack),
            taken[rack.pk],
            height_u=height,
            face=line.face,
            depth_mm=_depth_mm(line.component),
        )
        if found is not None:
            return rack, Decimal(str(found))
    return None
