"""What the engine reads of one catalogue component, once per evaluation: its draw (C1), its
cords and supplies, whether it rides through the loss of a feed, its input phases and how it
breathes as mounted. The lines pass (rules.derive.lines) keeps one of these per component."""

from __future__ import annotations

import math

from rules.model import Face, PlacedItem
from rules.specs import (
    IT_KINDS,
    AirflowDirection,
    CduSpec,
    ComponentSpec,
    CoolingSpec,
    FacilityWaterSpec,
    ItSpec,
    Kind,
)

__all__ = [
    "PASSIVE_KINDS",
    "SOURCE_KINDS",
    "ceil_div",
    "input_phases",
    "mounted_airflow",
    "psus_needed",
    "psus_per_feed",
    "unit_draw_w",
]

# Kinds that neither draw power themselves nor distribute it.
PASSIVE_KINDS = frozenset({Kind.RACK, Kind.ACCESSORY, Kind.BUNDLE, Kind.BATTERY})
SOURCE_KINDS = frozenset({Kind.PDU, Kind.ATS, Kind.UPS})
# Plant that draws power without being IT: its draw is a load the flow carries.
_PLANT_KINDS = frozenset({Kind.COOLING, Kind.CDU, Kind.FACILITY_WATER})

# Kinds that move air with fans of their own: an unknown airflow of these cannot be judged.
_FANNED = frozenset({*IT_KINDS, Kind.UPS})
_REVERSED = {
    AirflowDirection.FRONT_TO_BACK: AirflowDirection.BACK_TO_FRONT,
    AirflowDirection.BACK_TO_FRONT: AirflowDirection.FRONT_TO_BACK,
}
# Index of each ``RackAirflow`` list, in field order.
_AIRFLOW_LIST = {
    AirflowDirection.FRONT_TO_BACK: 0,
    AirflowDirection.BACK_TO_FRONT: 1,
    AirflowDirection.SIDE_TO_SIDE: 2,
}
_UNKNOWN_AIRFLOW = 3


def mounted_airflow(component: ComponentSpec, face: Face) -> AirflowDirection | None:
    """A part's airflow as mounted on ``face``, or None when it does not count (passive,
    unknown, a cooling unit: an in-rack cooler returns the IT exhaust to the front by design).

    A direction is given from the part's own front panel; mounted on the rear face it turns
    round, so a front-to-back switch on the rear rails blows towards the rack front.
    """
    direction = component.airflow
    if direction is None or direction is AirflowDirection.PASSIVE:
        return None
    if component.kind is Kind.COOLING:
        return None
    if face is Face.REAR:
        direction = _REVERSED.get(direction, direction)
    return direction


def _airflow_list(component: ComponentSpec, face: Face) -> int | None:
    """Which ``RackAirflow`` list (index) a line of ``component`` on ``face`` joins, if any."""
    if component.airflow is None and component.kind in _FANNED:
        return _UNKNOWN_AIRFLOW
    direction = mounted_airflow(component, face)
    return None if direction is None else _AIRFLOW_LIST[direction]


# Whether each spec model has an ``input_phases`` field, by model class: asking a pydantic model
# for a field it lacks raises inside pydantic, which the hot paths cannot afford.
_HAS_INPUT_PHASES: dict[type, bool] = {}


def input_phases(spec: object) -> int:
    """Phases a load's or a source's input takes, as its spec says (1 when it says nothing)."""
    if spec is None:
        return 1
    model = type(spec)
    has = _HAS_INPUT_PHASES.get(model)
    if has is None:
        has = _HAS_INPUT_PHASES[model] = "input_phases" in getattr(model, "model_fields", {})
    return getattr(spec, "input_phases", 1) if has else 1


class _Unit:
    """What the engine needs of one catalogue component, read once per evaluation."""

    __slots__ = (
        "airflow_front",
        "airflow_rear",
        "cords",
        "cords_a",
        "cords_b",
        "counts_as_load",
        "in_room",
        "is_cdu",
        "is_it",
        "is_source",
        "kind",
        "kind_lines",
        "lines",
        "nameplate_w",
        "power_factor",
        "quantity",
        "rides_on_a",
        "rides_on_b",
        "rides_on_both",
        "three_phase",
        "typical_w",
    )

    def __init__(self, component: ComponentSpec, pf_default: float) -> None:
        kind = component.kind
        self.kind = kind
        # The lines of this component and their units, and the lines of its kind (the pass
        # fills them).
        self.lines: list[PlacedItem] = []
        self.quantity = 0
        self.kind_lines: list[PlacedItem] = []
        self.is_source = kind in SOURCE_KINDS
        self.is_it = kind.is_it
        self.is_cdu = kind is Kind.CDU
        self.airflow_front = _airflow_list(component, Face.FRONT)
        self.airflow_rear = _airflow_list(component, Face.REAR)
        self.counts_as_load = self.is_it or kind in _PLANT_KINDS
        typ: float | None = None
        np_: float | None = None
        if not self.is_source and kind not in PASSIVE_KINDS:
            typ, np_ = unit_draw_w(component)
        self.typical_w = typ
        self.nameplate_w = np_
        spec = component.spec
        pf = spec.power_factor if isinstance(spec, ItSpec) else None
        self.power_factor = pf if pf is not None else pf_default  # C3
        self.three_phase = input_phases(spec) == 3 and kind in _PLANT_KINDS
        # Its power cords: one per supply, spread over two feeds (the odd one on A) or all on
        # one feed; other consumers have one cord.
        self.cords = self.cords_a = self.cords_b = 1
        if isinstance(spec, ItSpec) and spec.psu_count > 0:
            self.cords = spec.psu_count
            on_a, on_b = psus_per_feed(spec.psu_count)
            self.cords_a, self.cords_b = max(on_a, 1), max(on_b, 1)
        # Whether the supplies on one cord alone carry the device when the other feed is lost.
        self.rides_on_a = self.rides_on_b = True
        if isinstance(spec, ItSpec) and spec.psu_count > 0:
            on_a, on_b = psus_per_feed(spec.psu_count)
            needed = psus_needed(spec, np_)
            self.rides_on_a = on_a >= needed
            self.rides_on_b = on_b >= needed
        self.rides_on_both = self.rides_on_a and self.rides_on_b
        # Cooling units' and facility water sources' own draw leaves with their heat
        # outside (S2); a CDU's pumps heat the room.
        self.in_room = kind not in (Kind.COOLING, Kind.FACILITY_WATER)


def psus_per_feed(psu_count: int) -> tuple[int, int]:
    """Supplies of a unit on its A and B cords: spread over both, the odd one on A."""
    return psu_count - psu_count // 2, psu_count // 2


def psus_needed(spec: ItSpec, nameplate_w: float | None) -> int:
    """Supplies that must run to carry one unit at its nameplate draw.

    The vendor's figure when given; else C6 on the supplies, N = ceil(nameplate / PSU rating);
    else one for redundant supplies (each carries the device alone) and all of them otherwise.
    """
    if spec.psus_required is not None:
        return spec.psus_required
    if spec.psu_rating_w is not None and nameplate_w:
        return max(1, ceil_div(nameplate_w, spec.psu_rating_w))
    return 1 if spec.redundant_psus else spec.psu_count


def unit_draw_w(c: ComponentSpec) -> tuple[float | None, float | None]:
    """(typical, nameplate) W of one unit; C1 falls back between the two.

    Cooling units, CDUs and facility water sources without a catalogue draw count their spec's
    ``power_draw_w``.
    """
    np_ = c.nameplate_w
    typ = c.typical_w
    if (
        np_ is None
        and typ is None
        and isinstance(c.spec, CoolingSpec | CduSpec | FacilityWaterSpec)
    ):
        np_ = typ = c.spec.power_draw_w
    if np_ is None and typ is None:
        return None, None
    if typ is None:
        typ = np_
    if np_ is None:
        np_ = typ
    return typ, np_


def ceil_div(required: float, unit: float) -> int:
    """C6: N = ceil(required / unit rating), robust to float noise at exact multiples."""
    if unit <= 0:
        return 0
    return max(0, math.ceil(required / unit - 1e-9))
