"""Rack geometry: what each rack holds and where, which U are free, where a device fits.

Reference 3 (S15 EIA-310, S16 UL 2416). Units of a line stack upwards from ``position_u`` (the
lowest U, 1-based); a line takes ``u_height * quantity`` U. Zero-U items (vertical PDUs, wall
units) take no U. Two items whose U spans meet collide when they are on the same face, or on
opposite faces when their depths together exceed the rack's usable depth (``faces_collide``).
The engine's checks, the configurator's placement, auto-placement and the elevation drawing
all use these functions.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.model import PlacedItem, RackInstance
from rules.specs import AccessorySpec, ComponentSpec, Kind, RackSpec

__all__ = [
    "Occupant",
    "RackLayout",
    "Span",
    "collision",
    "derive_layouts",
    "faces_collide",
    "free_positions",
    "free_runs",
    "gives_way",
    "item_u",
    "lowest_free_position",
    "occupants",
    "occupied_u",
    "panel_remainders",
    "rack_layout",
    "rack_spec",
    "u_span_text",
]

Span = tuple[float, float, PlacedItem]  # [low, high) U of a placed line, and the line


def rack_spec(rack: RackInstance) -> RackSpec | None:
    """The rack's spec, or None when the catalogue gave none (its checks are then skipped)."""
    spec = rack.component.spec
    return spec if isinstance(spec, RackSpec) else None


def item_u(item: PlacedItem) -> float:
    """Rack units a line takes: every unit stacked (reference 3)."""
    return item.component.u_height * item.quantity


@dataclass(frozen=True, slots=True)
class RackLayout:
    """What the items of one rack add up to and where they sit, all units (reference 3)."""

    rack: RackInstance
    spec: RackSpec | None
    u_used: float
    contents_kg: float  # of the lines whose mass is known: a lower bound if any is not
    unknown_mass: Sequence[str]  # lines of the rack whose mass is unknown
    spans: Sequence[Span]  # placed lines with U, build order
    by_low: Sequence[Span]  # the same, sorted by lowest U
    loose_u: float  # U of lines assigned to the rack without a position

    @property
    def u_total(self) -> int:
        """The rack's U (0 without a spec)."""
        return self.spec.u if self.spec is not None else 0

    @property
    def mass_kg(self) -> float:
        """Rack and contents: what stands on the floor (a lower bound, see ``mass_known``)."""
        return self.rack.component.weight_or_zero_kg + self.contents_kg

    @property
    def mass_known(self) -> bool:
        """Whether the rack's and every line's mass is known."""
        return not self.unknown_mass and self.rack.component.weight_kg is not None


_low = operator.itemgetter(0)  # a span's lowest U, the sort key of ``by_low``


def rack_layout(rack: RackInstance, items: Iterable[PlacedItem]) -> RackLayout:
    """The layout of one rack holding ``items`` (in build order)."""
    spans: list[Span] = []
    unknown: list[str] = []
    u_used = kg = loose = 0.0
    for item in items:
        c = item.component
        if c.weight_kg is None:
            unknown.append(item.id)
        else:
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
    return RackLayout(
        rack, rack_spec(rack), u_used, kg, unknown, spans, sorted(spans, key=_low), loose
    )


def derive_layouts(
    racks: Mapping[str, RackInstance], items_by_rack: Mapping[str, Sequence[PlacedItem]]
) -> dict[str, RackLayout]:
    """The layout of every rack of a build, in rack order."""
    return {
        rack_id: rack_layout(rack, items_by_rack.get(rack_id, ()))
        for rack_id, rack in racks.items()
    }


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


def free_runs(layout: RackLayout, rack_u: int) -> list[float]:
    """Contiguous free U runs of a rack, bottom up (either face closes a U)."""
    runs: list[float] = []
    cursor = 1.0
    for low, high, _ in layout.by_low:
        if low > cursor:
            runs.append(min(low, rack_u + 1.0) - cursor)
        cursor = max(cursor, high)
    if cursor < rack_u + 1.0:
        runs.append(rack_u + 1.0 - cursor)
    return [r for r in runs if r > 0]


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
    item of unknown depth counts as full depth.
    """
    if face_a == face_b:
        return True
    return (depth_a_mm or usable_depth_mm) + (depth_b_mm or usable_depth_mm) > usable_depth_mm


@dataclass(frozen=True, slots=True)
class Occupant:
    """A U span [low, high) taken in a rack, on a face, by an item of a depth (None: full
    depth), and who takes it."""

    low: float
    high: float
    face: str
    depth_mm: float | None
    owner: str = ""


def collision(
    taken: Iterable[Occupant],
    low: float,
    high: float,
    face: str,
    depth_mm: float | None,
    usable_depth_mm: float,
) -> Occupant | None:
    """The first span in ``taken`` that [low, high) on ``face`` would collide with."""
    for o in taken:
        if (
            o.low < high
            and low < o.high
            and faces_collide(face, depth_mm, o.face, o.depth_mm, usable_depth_mm)
        ):
            return o
    return None


def occupants(items: Iterable[PlacedItem], *, ignore: Collection[str] = ()) -> list[Occupant]:
    """The U spans placed items take (zero-U and unplaced items take none)."""
    out = []
    for item in items:
        if item.position_u is None or item.id in ignore or item.component.u_height <= 0:
            continue
        high = item.position_u + item.component.u_height * item.quantity
        out.append(
            Occupant(item.position_u, high, item.face.value, item.component.depth_mm, item.id)
        )
    return out


def free_positions(
    rack_u: int,
    usable_depth_mm: float,
    taken: Iterable[Occupant],
    *,
    height_u: float,
    face: str = "front",
    depth_mm: float | None = None,
) -> list[int]:
    """Whole-U start positions where ``height_u`` U fit on ``face`` among ``taken`` spans."""
    if height_u <= 0:
        return []
    top = rack_u + 1
    # Position p collides with a span [low, high) when low < p + height and p < high: each span
    # blocks the whole-U starts strictly between low - height and high.
    blocked = [False] * (top + 1)
    for o in taken:
        if not faces_collide(face, depth_mm, o.face, o.depth_mm, usable_depth_mm):
            continue
        first = max(math.floor(o.low - height_u) + 1, 1)
        last = min(math.ceil(o.high) - 1, top)
        for position in range(first, last + 1):
            blocked[position] = True
    return [
        position
        for position in range(1, top)
        if position + height_u <= top and not blocked[position]
    ]


def lowest_free_position(
    rack_u: int,
    usable_depth_mm: float,
    taken: Iterable[Occupant],
    *,
    height_u: float,
    face: str = "front",
    depth_mm: float | None = None,
) -> float | None:
    """The lowest U where ``height_u`` U fit on ``face``: whole-U positions first, half-U
    offsets only when the gaps leave nothing else; None when nothing fits."""
    spans = list(taken)
    top = rack_u + 1
    whole = [float(u) for u in range(1, rack_u + 1)]
    for position in (*whole, *(u + 0.5 for u in whole)):
        if position + height_u > top:
            continue
        if collision(spans, position, position + height_u, face, depth_mm, usable_depth_mm) is None:
            return position
    return None


def u_span_text(low: float, high: float) -> str:
    """Human U span of [low, high): 'U10-U11' for whole units, edges for half-U spans."""
    if low.is_integer() and high.is_integer():
        last = high - 1
        return f"U{low:g}" if last == low else f"U{low:g}-U{last:g}"
    return f"U{low:g} to U{high:g} (edges)"


# --------------------------------------------------------------------------- blanking panels


def gives_way(component: ComponentSpec) -> bool:
    """Whether a part makes room for equipment placed over it: a blanking panel only closes
    open U against recirculation, so placement takes its U over (the panel line shrinks)."""
    spec = component.spec
    return (
        component.kind is Kind.ACCESSORY
        and isinstance(spec, AccessorySpec)
        and spec.accessory_type == "blanking_panel"
    )


def panel_remainders(
    position_u: float, unit_u: float, quantity: int, low: float, high: float
) -> list[tuple[float, int]]:
    """What is left of a stack of ``quantity`` panels of ``unit_u`` U from ``position_u`` once
    [low, high) is taken: (position, count) of the units below, then above; units the span
    touches go."""
    if unit_u <= 0:
        return [(position_u, quantity)]
    below = [k for k in range(quantity) if position_u + (k + 1) * unit_u <= low]
    above = [k for k in range(quantity) if position_u + k * unit_u >= high]
    out = []
    if below:
        out.append((position_u, len(below)))
    if above:
        out.append((position_u + above[0] * unit_u, len(above)))
    return out
