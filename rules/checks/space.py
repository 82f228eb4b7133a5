"""Space checks: rack units, positions and depth.

Reference 3 (S15 EIA-310): U is checked at 100 %, never with the utilisation limit (C4). Units
of a line stack upwards from ``position_u``; a line takes ``u_height * quantity`` U. Zero-U
items (vertical PDUs, wall units) take no U. Geometry is rules.derive.geometry.
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.geometry import RackLayout, faces_collide, item_u, u_span_text
from rules.model import Finding, Severity
from rules.specs import RackSpec

__all__ = ["depth_fit", "u_capacity", "u_positions", "unplaced"]


@rule(
    "space",
    u_capacity=("The items assigned to a rack fit in its rack units", "reference 3; S15 (EIA-310)"),
)
def u_capacity(d: Derived) -> Iterator[Finding]:
    """Sum of U of the items in each rack against the rack's U (100 %, no C4)."""
    for rack_id, items in d.lines.items_by_rack.items():
        layout = d.layouts[rack_id]
        spec = layout.spec
        if spec is None:
            continue
        used = layout.u_used
        if used > spec.u:
            yield finding(
                "space.u_capacity",
                Severity.ERROR,
                f"{d.names.start(rack_id)} holds {used:g} U of equipment in {spec.u} U.",
                subject=[rack_id, *(i.id for i in items if item_u(i) > 0)],
                value=used,
                limit=float(spec.u),
                unit="U",
            )


@rule(
    "space",
    u_overlap=("No two items occupy the same rack units", "reference 3; S15 (EIA-310)"),
    u_out_of_range=("Every placed item lies within the rack's U", "reference 3; S15 (EIA-310)"),
)
def u_positions(d: Derived) -> Iterator[Finding]:
    """Placed spans must lie inside U1..U(rack) and must not collide.

    Items on the same face collide when their U spans intersect. Items on opposite faces (a
    short switch at the rear behind a short device at the front) collide only when their depths
    together exceed the rack's usable depth; an item of unknown depth counts as full depth.
    """
    for rack_id, layout in d.layouts.items():
        spec = layout.spec
        if spec is None or not layout.spans:
            continue
        # One walk up the rack says whether anything is out of range or overlaps; the
        # findings are written only then. Sorted by start, two spans overlap only if some span
        # starts below the end of the one before it.
        top = spec.u + 1
        placed = layout.by_low
        out_of_range = overlapping = False
        previous_high = None
        for low, high, _ in placed:
            if low < 1 or high > top:
                out_of_range = True
            if previous_high is not None and low < previous_high:
                overlapping = True
            previous_high = high
        if out_of_range:
            yield from _out_of_range(d, rack_id, layout, spec)
        if overlapping:
            yield from _overlaps(d, rack_id, layout, spec)


def _out_of_range(
    d: Derived, rack_id: str, layout: RackLayout, spec: RackSpec
) -> Iterator[Finding]:
    """Placed spans outside U1..U(rack), in build order."""
    for low, high, item in layout.spans:
        if low < 1 or high > spec.u + 1:
            yield finding(
                "space.u_out_of_range",
                Severity.ERROR,
                f"{d.names.start(item.id)} spans {u_span_text(low, high)}, outside "
                f"U1-U{spec.u} of "
                f"{d.names(rack_id)}.",
                subject=[rack_id, item.id],
                value=high - 1 if high > spec.u + 1 else low,
                limit=float(spec.u) if high > spec.u + 1 else 1.0,
                unit="U",
            )


def _overlaps(d: Derived, rack_id: str, layout: RackLayout, spec: RackSpec) -> Iterator[Finding]:
    """Pairs of placed spans that collide, bottom up."""
    usable = spec.usable_depth_mm
    placed = layout.by_low
    for n, (a_low, a_high, a) in enumerate(placed):
        for m in range(n + 1, len(placed)):
            b_low, b_high, b = placed[m]
            if b_low >= a_high:
                break  # sorted by start: nothing later reaches back into a
            low, high = max(a_low, b_low), min(a_high, b_high)
            if a.face is not b.face:
                if not faces_collide(
                    a.face, a.component.depth_mm, b.face, b.component.depth_mm, usable
                ):
                    continue
                depth = (a.component.depth_mm or usable) + (b.component.depth_mm or usable)
                where = (
                    f"on opposite faces, {depth:,.0f} mm deep together in "
                    f"{usable:,.0f} mm of usable depth"
                )
            else:
                where = f"on the {a.face.value} face"
            yield finding(
                "space.u_overlap",
                Severity.ERROR,
                f"{d.names.start(a.id)} and {d.names(b.id)} both occupy "
                f"{u_span_text(low, high)} of {d.names(rack_id)} {where}.",
                subject=[rack_id, a.id, b.id],
                value=high - low,
                limit=0.0,
                unit="U",
            )


@rule(
    "space",
    depth_fit=("Each mounted device fits the rack's usable depth", "reference 3; S15"),
)
def depth_fit(d: Derived) -> Iterator[Finding]:
    """Device depth against the rack's usable mounting depth (zero-U items are not railed)."""
    usable: dict[str, float] = {}
    for rack_id, layout in d.layouts.items():
        if layout.spec is not None:
            usable[rack_id] = layout.spec.usable_depth_mm
    if not usable:
        return
    shallowest = min(usable.values())
    # Only a component deeper than the shallowest rack can fail: look at its lines alone.
    too_deep: set[str] = set()
    for items in d.lines.items_by_component:
        c = items[0].component
        if c.depth_mm is None or c.u_height <= 0 or c.depth_mm <= shallowest:
            continue
        for item in items:
            rack_depth = usable.get(item.rack_id) if item.rack_id is not None else None
            if rack_depth is not None and c.depth_mm > rack_depth:
                too_deep.add(item.id)
    if not too_deep:
        return
    for rack_id, items in d.lines.items_by_rack.items():
        for item in items:
            if item.id not in too_deep:
                continue
            depth = item.component.depth_mm or 0.0
            yield finding(
                "space.depth_fit",
                Severity.ERROR,
                f"{d.names.start(item.id)} is {depth:,.0f} mm deep; {d.names(rack_id)} takes "
                "devices up to "
                f"{usable[rack_id]:,.0f} mm.",
                subject=[rack_id, item.id],
                value=depth,
                limit=usable[rack_id],
                unit="mm",
            )


@rule(
    "space",
    unplaced=("Items that need rack space are assigned to a rack", "reference 3"),
)
def unplaced(d: Derived) -> Iterator[Finding]:
    """Lines with U height but no rack: the build does not yet show where they go."""
    loose = [i for i in d.lines.unracked if i.component.u_height > 0]
    if not loose:
        return
    total = sum(item_u(i) for i in loose)
    names = d.names.many(i.id for i in loose)
    yield finding(
        "space.unplaced",
        Severity.INFO,
        f"{len(loose)} item line(s) need {total:g} U of rack space but sit in no rack: {names}.",
        subject=[i.id for i in loose],
        value=total,
        unit="U",
    )
