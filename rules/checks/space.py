"""Space and mechanical checks: rack units, positions, depth, rack load ratings, floor load.

Reference 3 (S15 EIA-310, S16 UL 2416): U, weight and load ratings are checked at 100 %, never
with the utilisation limit (C4). Units of a line stack upwards from ``position_u``; a line takes
``u_height * quantity`` U. Zero-U items (vertical PDUs, wall units) take no U.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.context import Context
from rules.model import PlacedItem, RackInstance, Severity
from rules.power_calc import memo
from rules.registry import check
from rules.specs import RackSpec

__all__ = [
    "RackLayout",
    "item_u",
    "occupied_u",
    "rack_layout",
    "rack_spec",
]

# --------------------------------------------------------------------------- shared helpers


def rack_spec(rack: RackInstance) -> RackSpec | None:
    """The rack's spec, or None when the catalogue gave none (its checks are then skipped)."""
    spec = rack.component.spec
    return spec if isinstance(spec, RackSpec) else None


Span = tuple[float, float, PlacedItem]  # [low, high) U of a placed line, and the line


@dataclass(frozen=True, slots=True)
class RackLayout:
    """What the items of one rack add up to and where they sit, all units (reference 3)."""

    u_used: float
    contents_kg: float
    spans: list[Span]  # placed lines with U, build order
    by_low: list[Span]  # the same, sorted by lowest U
    loose_u: float  # U of lines assigned to the rack without a position


def _low(span: Span) -> float:
    return span[0]


def _compute_layout(ctx: Context) -> dict[str, RackLayout]:
    out: dict[str, RackLayout] = {}
    for rack_id in ctx.racks:
        spans: list[Span] = []
        u_used = kg = loose = 0.0
        for item in ctx.items_by_rack.get(rack_id, ()):
            c = item.component
            kg += c.weight_kg * item.quantity
            height = c.u_height * item.quantity
            if height <= 0:
                continue
            u_used += height
            low = item.position_u
            if low is None:
                loose += height
            else:
                spans.append((low, low + height, item))
        out[rack_id] = RackLayout(u_used, kg, spans, sorted(spans, key=_low), loose)
    return out


def rack_layout(ctx: Context) -> dict[str, RackLayout]:
    """U, equipment mass and placed spans of every rack (computed once per evaluation)."""
    return memo(ctx, "space.rack_layout", _compute_layout)


def item_u(item: PlacedItem) -> float:
    """Rack units a line takes: every unit stacked (reference 3)."""
    return item.component.u_height * item.quantity


def occupied_u(layout: RackLayout, rack_u: float) -> float:
    """U of the rack that items close: the union of placed spans (either face) inside the rack,
    plus the U of items assigned to the rack without a position."""
    total = 0.0
    cur_low = cur_high = 0.0
    top = rack_u + 1.0
    for low, high, _ in layout.by_low:  # clipping keeps the order: max(low, 1) is monotonic
        if low < 1.0:
            low = 1.0
        if high > top:
            high = top
        if high <= low:
            continue
        if low > cur_high:
            total += cur_high - cur_low
            cur_low, cur_high = low, high
        elif high > cur_high:
            cur_high = high
    return total + (cur_high - cur_low) + layout.loose_u


def _u_span(low: float, high: float) -> str:
    """Human U span of [low, high): 'U10-U11' for whole units, edges for half-U spans."""
    if low.is_integer() and high.is_integer():
        last = high - 1
        return f"U{low:g}" if last == low else f"U{low:g}-U{last:g}"
    return f"U{low:g} to U{high:g} (edges)"


def _kg(value: float) -> str:
    return f"{value:,.2f} kg"


# --------------------------------------------------------------------------- space


@check(
    "space",
    u_capacity=("The items assigned to a rack fit in its rack units", "reference 3; S15 (EIA-310)"),
)
def u_capacity(ctx: Context) -> None:
    """Sum of U of the items in each rack against the rack's U (100 %, no C4)."""
    fill = rack_layout(ctx)
    for rack_id, items in ctx.items_by_rack.items():
        spec = rack_spec(ctx.racks[rack_id])
        if spec is None:
            continue
        used = fill[rack_id].u_used
        if used > spec.u:
            ctx.add(
                "space.u_capacity",
                Severity.ERROR,
                f"Rack '{rack_id}' holds {used:g} U of equipment in {spec.u} U.",
                subject=[rack_id, *(i.id for i in items if item_u(i) > 0)],
                value=used,
                limit=float(spec.u),
                unit="U",
            )


def faces_collide(
    face_a: str,
    depth_a_mm: float | None,
    face_b: str,
    depth_b_mm: float | None,
    usable_depth_mm: float,
) -> bool:
    """Whether two items whose U spans meet collide in the rack.

    On the same face they always do. On opposite faces (a short switch at the rear behind a
    short device at the front) only when their depths together exceed the usable depth; an
    item of unknown depth counts as full depth. The one rule for the engine, the placement
    services and the elevation drawing.
    """
    if face_a == face_b:
        return True
    return (depth_a_mm or usable_depth_mm) + (depth_b_mm or usable_depth_mm) > usable_depth_mm


@check(
    "space",
    u_overlap=("No two items occupy the same rack units", "reference 3; S15 (EIA-310)"),
    u_out_of_range=("Every placed item lies within the rack's U", "reference 3; S15 (EIA-310)"),
)
def u_positions(ctx: Context) -> None:
    """Placed spans must lie inside U1..U(rack) and must not collide.

    Items on the same face collide when their U spans intersect. Items on opposite faces (a
    short switch at the rear behind a short device at the front) collide only when their depths
    together exceed the rack's usable depth; an item of unknown depth counts as full depth.
    """
    for rack_id, layout in rack_layout(ctx).items():
        spec = rack_spec(ctx.racks[rack_id])
        if spec is None or not layout.spans:
            continue
        usable = spec.usable_depth_mm
        for low, high, item in layout.spans:
            if low < 1 or high > spec.u + 1:
                ctx.add(
                    "space.u_out_of_range",
                    Severity.ERROR,
                    f"'{item.id}' spans {_u_span(low, high)}, outside U1-U{spec.u} of rack "
                    f"'{rack_id}'.",
                    subject=[rack_id, item.id],
                    value=high - 1 if high > spec.u + 1 else low,
                    limit=float(spec.u) if high > spec.u + 1 else 1.0,
                    unit="U",
                )
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
                ctx.add(
                    "space.u_overlap",
                    Severity.ERROR,
                    f"'{a.id}' ({_u_span(a_low, a_high)}) and '{b.id}' ({_u_span(b_low, b_high)}) "
                    f"both occupy {_u_span(low, high)} of rack '{rack_id}' {where}.",
                    subject=[rack_id, a.id, b.id],
                    value=high - low,
                    limit=0.0,
                    unit="U",
                )


@check(
    "space",
    depth_fit=("Each mounted device fits the rack's usable depth", "reference 3; S15"),
)
def depth_fit(ctx: Context) -> None:
    """Device depth against the rack's usable mounting depth (zero-U items are not railed)."""
    usable: dict[str, float] = {}
    for rack_id, rack in ctx.racks.items():
        spec = rack_spec(rack)
        if spec is not None:
            usable[rack_id] = spec.usable_depth_mm
    if not usable:
        return
    shallowest = min(usable.values())
    # Only a component deeper than the shallowest rack can fail: look at its lines alone.
    too_deep: set[str] = set()
    for items in ctx.items_by_component:
        c = items[0].component
        if c.depth_mm is None or c.u_height <= 0 or c.depth_mm <= shallowest:
            continue
        for item in items:
            rack_depth = usable.get(item.rack_id) if item.rack_id is not None else None
            if rack_depth is not None and c.depth_mm > rack_depth:
                too_deep.add(item.id)
    if not too_deep:
        return
    for rack_id, items in ctx.items_by_rack.items():
        for item in items:
            if item.id not in too_deep:
                continue
            depth = item.component.depth_mm or 0.0
            ctx.add(
                "space.depth_fit",
                Severity.ERROR,
                f"'{item.id}' is {depth:,.0f} mm deep; rack '{rack_id}' takes devices up to "
                f"{usable[rack_id]:,.0f} mm.",
                subject=[rack_id, item.id],
                value=depth,
                limit=usable[rack_id],
                unit="mm",
            )


@check(
    "space",
    unplaced=("Items that need rack space are assigned to a rack", "reference 3"),
)
def unplaced(ctx: Context) -> None:
    """Lines with U height but no rack: the build does not yet show where they go."""
    loose = [i for i in ctx.items if i.rack_id is None and i.component.u_height > 0]
    if not loose:
        return
    total = sum(item_u(i) for i in loose)
    names = ", ".join(f"'{i.id}'" for i in loose)
    ctx.add(
        "space.unplaced",
        Severity.INFO,
        f"{len(loose)} item line(s) need {total:g} U of rack space but sit in no rack: {names}.",
        subject=[i.id for i in loose],
        value=total,
        unit="U",
    )


# --------------------------------------------------------------------------- mechanical


@check(
    "mechanical",
    rack_static_load=(
        "Equipment in a rack stays within its static load rating",
        "reference 3; S16 (UL 2416)",
    ),
    rack_dynamic_load=(
        "A rack shipped loaded stays within its dynamic (rolling) load rating",
        "reference 3; S16 (UL 2416); policy.rack_ship_loaded",
    ),
)
def rack_load(ctx: Context) -> None:
    """Equipment mass against the rack's UL 2416 ratings (100 %, no C4).

    UL 2416 load ratings are the equipment load the cabinet carries (S16), so the rack's own
    mass is not added here; it counts for the floor load.
    """
    ship_loaded = ctx.policy.rack_ship_loaded
    fill = rack_layout(ctx)
    for rack_id in ctx.items_by_rack:
        spec = rack_spec(ctx.racks[rack_id])
        if spec is None:
            continue
        mass = fill[rack_id].contents_kg
        if mass > spec.static_load_kg:
            ctx.add(
                "mechanical.rack_static_load",
                Severity.ERROR,
                f"Rack '{rack_id}' carries {_kg(mass)} of equipment, above its static load "
                f"rating of {_kg(spec.static_load_kg)}.",
                subject=[rack_id],
                value=mass,
                limit=spec.static_load_kg,
                unit="kg",
            )
        if not ship_loaded or mass <= 0:
            continue
        if spec.dynamic_load_kg is None:
            ctx.add(
                "mechanical.rack_dynamic_load",
                Severity.ERROR,
                f"Rack '{rack_id}' is to ship loaded with {_kg(mass)} of equipment but has no "
                "dynamic (rolling) load rating: ship it empty or choose a rack rated for it.",
                subject=[rack_id],
                value=mass,
                unit="kg",
            )
        elif mass > spec.dynamic_load_kg:
            ctx.add(
                "mechanical.rack_dynamic_load",
                Severity.ERROR,
                f"Rack '{rack_id}' is to ship loaded with {_kg(mass)} of equipment, above its "
                f"dynamic load rating of {_kg(spec.dynamic_load_kg)}.",
                subject=[rack_id],
                value=mass,
                limit=spec.dynamic_load_kg,
                unit="kg",
            )


@check(
    "mechanical",
    floor_load=(
        "Each floor-standing rack stays within the floor's rated load per area",
        "reference 3 (floor load)",
    ),
)
def floor_load(ctx: Context) -> None:
    """(Rack + contents) / footprint against the site's floor rating; wall-mount racks skip."""
    rating = ctx.site.floor_rating_kg_m2
    if rating is None:
        return
    fill = rack_layout(ctx)
    for rack_id, rack in ctx.racks.items():
        spec = rack_spec(rack)
        if spec is None or spec.wall_mount:
            continue
        mass = rack.component.weight_kg + fill[rack_id].contents_kg
        load = mass / spec.footprint_m2  # reference 3: kg / footprint
        if load > rating:
            ctx.add(
                "mechanical.floor_load",
                Severity.ERROR,
                f"Rack '{rack_id}' puts {_kg(mass)} on {spec.footprint_m2:g} m², "
                f"{load:,.2f} kg/m², above the floor's {rating:,.2f} kg/m² rating.",
                subject=[rack_id],
                value=load,
                limit=rating,
                unit="kg/m2",
            )
