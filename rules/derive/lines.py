"""The one pass over a build's lines: what every other derivation reads, gathered once.

Kinds, racks, loads per line (C1), cord groups (consumers summed by the pair of sources their
cords plug into), phases dealt on three-phase sources, IT load and the components in use. What
a line's component says is worked out once per distinct component, so the pass is linear in
lines and cheap per line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.derive.components import (
    PASSIVE_KINDS,
    SOURCE_KINDS,
    _Unit,
    ceil_div,
    input_phases,
    mounted_airflow,
    psus_needed,
    psus_per_feed,
    unit_draw_w,
)
from rules.model import BuildSpec, Face, PlacedItem, RackInstance
from rules.specs import (
    AtsSpec,
    ComponentSpec,
    CoolingSpec,
    Kind,
    PduSpec,
    Policy,
    Site,
    UpsSpec,
)

__all__ = [
    "PASSIVE_KINDS",
    "SOURCE_KINDS",
    "CordGroup",
    "Lines",
    "RackAirflow",
    "ceil_div",
    "cooling_spec",
    "derive_lines",
    "input_phases",
    "mounted_airflow",
    "psus_needed",
    "psus_per_feed",
    "unit_draw_w",
    "ups_efficiency",
    "ups_spec",
]

_ALL_ON_L1 = (1.0, 0.0, 0.0)  # a single-phase source carries everything on its one phase
_BALANCED = (1 / 3, 1 / 3, 1 / 3)
_ON_PHASE = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
_DEFAULT_UPS = UpsSpec(kva=1.0)


@dataclass(slots=True)
class CordGroup:
    """Consumers sharing one (feed_a, feed_b) pair, with their summed loads.

    ``rides_on_a`` / ``rides_on_b``: whether the supplies on that cord alone carry every member
    when the other feed is lost (always true for single-fed lines); a dual-fed line that cannot
    goes down with either feed, and the failover scenarios drop it instead of moving its load.
    Filled by the lines pass, read-only afterwards.
    """

    feed_a: str | None
    feed_b: str | None
    rides_on_a: bool = True
    rides_on_b: bool = True
    typical_w: float = 0.0
    nameplate_w: float = 0.0
    phases_a: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    phases_b: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    item_ids: list[str] = field(default_factory=list)
    # sum(W / PF) of the members, typical and nameplate: the VA behind the group (C3)
    typical_va: float = 0.0
    nameplate_va: float = 0.0
    # Units on these cords per component (``id`` of the component spec, as ``components``).
    units_by_component: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class RackAirflow:
    """The lines of one rack by the way they breathe as mounted, build order.

    Passive parts, cooling units and fanless parts of unknown airflow are in none of them.
    Filled by the lines pass, read-only afterwards.
    """

    front_to_back: list[PlacedItem] = field(default_factory=list)
    back_to_front: list[PlacedItem] = field(default_factory=list)
    side_to_side: list[PlacedItem] = field(default_factory=list)
    unknown: list[PlacedItem] = field(default_factory=list)  # fanned, airflow not known


@dataclass(frozen=True, slots=True)
class Lines:
    """What one pass over a build's lines gathers; every mapping is read-only by convention."""

    spec: BuildSpec
    site: Site
    policy: Policy
    items: Sequence[PlacedItem]
    by_id: Mapping[str, PlacedItem]
    racks: Mapping[str, RackInstance]
    by_kind: Mapping[Kind, Sequence[PlacedItem]]
    # Items of each rack that holds any, in rack order then build order.
    items_by_rack: Mapping[str, Sequence[PlacedItem]]
    # The same racks' lines by airflow as mounted, and the ids of their lines that carry
    # liquid (a CDU, or a line on a coolant loop), for the racks with any.
    rack_airflow: Mapping[str, RackAirflow]
    wet_by_rack: Mapping[str, Sequence[str]]
    unracked: Sequence[PlacedItem]  # lines in no rack, build order
    sources: Sequence[PlacedItem]
    ups_lines: Sequence[PlacedItem]
    # Lines that draw power (IT, cooling, ...), with their loads, all units (C1).
    consumers: Sequence[PlacedItem]
    line_typical_w: Mapping[str, float]
    line_nameplate_w: Mapping[str, float]
    # Consumers whose input is three-phase (cooling, CDUs, facility water): they need a
    # three-phase supply.
    three_phase_loads: Sequence[PlacedItem]
    power_unknown: Sequence[str]
    cord_groups: Sequence[CordGroup]
    # Lines of each distinct component (keyed by the component object's id), in build order:
    # what depends on the component alone is judged once per component.
    items_by_component: Sequence[Sequence[PlacedItem]]
    components: Mapping[int, ComponentSpec]
    quantity_by_component: Mapping[int, int]
    it_typical_w: float
    it_nameplate_w: float
    # Typical draw of everything in the room but the cooling units (their heat leaves outside).
    room_w: float
    # Phases and line-to-neutral voltage at each source's outlets.
    phases: Mapping[str, int]
    voltage_v: Mapping[str, float]
    # Phase shares of the cords of sources plugged into sources or, under the key None, into
    # the site supply (the flow's upstream step); None: the source's own phase loads pass
    # through (a three-phase PDU or ATS on a three-phase upstream), rotated by
    # ``phase_rotation`` (its L1 on the upstream's L1 + rotation).
    phase_split: Mapping[tuple[str, str | None], tuple[float, float, float] | None]
    phase_rotation: Mapping[tuple[str, str | None], int]
    # UPS lines but nothing wired yet: loads are assumed to share the UPS lines (rules.derive.flow)
    feeds_assumed: bool

    def kind(self, kind: Kind) -> Sequence[PlacedItem]:
        """Lines of one kind, in build order."""
        return self.by_kind.get(kind, ())


def ups_spec(item: PlacedItem) -> UpsSpec:
    """The UPS spec of a UPS line (a default one if the catalogue gave none)."""
    spec = item.component.spec
    return spec if isinstance(spec, UpsSpec) else _DEFAULT_UPS


def ups_efficiency(item: PlacedItem, policy: Policy) -> float:
    """Datasheet efficiency, else the policy default (C5)."""
    eff = ups_spec(item).efficiency
    return eff if eff is not None else policy.ups_efficiency_default


def cooling_spec(item: PlacedItem) -> CoolingSpec | None:
    """The cooling spec of a line, if it is a cooling unit with one."""
    spec = item.component.spec
    return spec if isinstance(spec, CoolingSpec) else None


def _source_phases(item: PlacedItem) -> int:
    spec = item.component.spec
    if isinstance(spec, PduSpec | AtsSpec):
        return spec.phases
    if isinstance(spec, UpsSpec):
        return spec.output_phases
    return 1


def _source_voltage_v(item: PlacedItem, site: Site) -> float:
    spec = item.component.spec
    if isinstance(spec, PduSpec | AtsSpec):
        return spec.voltage_v
    if isinstance(spec, UpsSpec):
        return spec.output_voltage_v
    return site.supply_voltage_v


def derive_lines(spec: BuildSpec) -> Lines:
    """Walk the lines once and gather what the rest of the derivation reads."""
    return _LinesPass(spec).result()


class _LinesPass:
    """The walk itself: a loop with local state, kept apart from the frozen result."""

    def __init__(self, spec: BuildSpec) -> None:
        self.spec = spec
        self.by_id: dict[str, PlacedItem] = {i.id: i for i in spec.items}
        self.phases: dict[str, int] = {}
        self.voltage: dict[str, float] = {}
        self.phase_split: dict[tuple[str, str | None], tuple[float, float, float] | None] = {}
        self.rotation: dict[tuple[str, str | None], int] = {}
        # Next phase to deal on each source, and on the site supply (key None).
        self.turn: dict[str | None, int] = defaultdict(int)
        self.site_phases = spec.site.supply_phases

    def _resolve_source(self, source: PlacedItem) -> None:
        """A source's phases and outlet voltage, read once (its spec is read per cord)."""
        self.phases[source.id] = _source_phases(source)
        self.voltage[source.id] = _source_voltage_v(source, self.spec.site)

    def _phases_of(self, source_id: str | None) -> int:
        if source_id is None:
            return self.site_phases
        phases = self.phases.get(source_id)
        if phases is None:
            self._resolve_source(self.by_id[source_id])
            phases = self.phases[source_id]
        return phases

    def _deal(
        self, item: PlacedItem, source_id: str | None, cords: int = 1
    ) -> tuple[float, float, float]:
        """Share of a line's load on each phase of the source (None: the site supply) its cords
        plug into.

        A single-phase source carries it all on its one phase; an explicit ``phase`` wins;
        otherwise each unit's ``cords`` are dealt to L1, L2, L3 in turn, in build order, as an
        installer would plug them, and a unit's load splits evenly over its cords.
        """
        if self._phases_of(source_id) == 1:
            return _ALL_ON_L1
        spec = item.component.spec
        if input_phases(spec) == 3 and not isinstance(spec, UpsSpec):
            return _BALANCED  # a three-phase plant load draws evenly
        if item.phase is not None:
            return _ON_PHASE[item.phase - 1]
        n = item.quantity * cords
        start = self.turn[source_id]
        self.turn[source_id] = start + n
        if n == 1:
            return _ON_PHASE[start % 3]
        counts = [n // 3] * 3
        for cord in range(n % 3):
            counts[(start + cord) % 3] += 1
        return (counts[0] / n, counts[1] / n, counts[2] / n)

    def _source_split(
        self, source: PlacedItem, upstream: str | None
    ) -> tuple[float, float, float] | None:
        """How a source's input load lands on the phases of what feeds it.

        A three-phase UPS input draws evenly from its three phases whatever its output carries
        (a double-conversion rectifier); a three-phase PDU or ATS passes each phase's load
        straight through (None), its L1 on the upstream's L1, or on the ``phase`` its line
        names (an installer rotates the inputs of PDUs to balance them); a single-phase input
        is dealt to one phase like any cord.
        """
        three_phase_upstream = self._phases_of(upstream) == 3
        spec = source.component.spec
        if isinstance(spec, UpsSpec):
            if spec.input_phases == 3 and three_phase_upstream:
                return _BALANCED
        elif self.phases.get(source.id) == 3 and three_phase_upstream:
            if source.phase is not None:
                self.rotation[(source.id, upstream)] = source.phase - 1
            return None
        return self._deal(source, upstream)

    def result(self) -> Lines:
        spec = self.spec
        policy = spec.policy
        racks = {r.id: r for r in spec.racks}
        by_kind: dict[Kind, list[PlacedItem]] = {}
        by_rack: dict[str, list[PlacedItem]] = {rack_id: [] for rack_id in racks}
        airflow: dict[str, tuple[list[PlacedItem], ...]] = {}
        wet: dict[str, list[str]] = {}
        unracked: list[PlacedItem] = []
        sources: list[PlacedItem] = []
        consumers: list[PlacedItem] = []
        line_typical: dict[str, float] = {}
        line_nameplate: dict[str, float] = {}
        three_phase_loads: list[PlacedItem] = []
        power_unknown: list[str] = []
        groups: dict[tuple[str | bool | None, ...], tuple[CordGroup, bool, bool]] = {}
        units: dict[int, _Unit] = {}
        pf_default = policy.power_factor_default
        it_typ = it_np = room_w = 0.0
        wired = False
        phases_of = self.phases
        turn = self.turn
        deal = self._deal
        phase_split = self.phase_split
        split = self._source_split
        for item in spec.items:
            c = item.component
            cid = id(c)
            unit = units.get(cid)
            q = item.quantity
            if unit is None:
                unit = units[cid] = _Unit(c, pf_default)
                kind_lines = by_kind.get(unit.kind)
                if kind_lines is None:
                    kind_lines = by_kind[unit.kind] = []
                unit.kind_lines = kind_lines
            unit.lines.append(item)
            unit.quantity += q
            unit.kind_lines.append(item)
            rack_id = item.rack_id
            if rack_id is not None:
                by_rack[rack_id].append(item)
                face_list = unit.airflow_rear if item.face is Face.REAR else unit.airflow_front
                if face_list is not None:
                    lists = airflow.get(rack_id)
                    if lists is None:
                        lists = airflow[rack_id] = ([], [], [], [])
                    lists[face_list].append(item)
                if unit.is_cdu or item.coolant_from is not None:
                    wet.setdefault(rack_id, []).append(item.id)
            else:
                unracked.append(item)
            feed_a = item.feed_a
            feed_b = item.feed_b
            if unit.is_source:
                sources.append(item)
                item_id = item.id
                if item_id not in phases_of:
                    self._resolve_source(item)
                if feed_a is not None:
                    phase_split[(item_id, feed_a)] = split(item, feed_a)
                if feed_b is not None:
                    phase_split[(item_id, feed_b)] = split(item, feed_b)
                if feed_a is None:
                    phase_split[(item_id, None)] = split(item, None)
                continue
            typ = unit.typical_w
            np_ = unit.nameplate_w
            if typ is None or np_ is None:
                if unit.counts_as_load:
                    power_unknown.append(item.id)
                continue
            if q != 1:
                typ *= q
                np_ *= q
            item_id = item.id
            consumers.append(item)
            line_typical[item_id] = typ
            line_nameplate[item_id] = np_
            if unit.is_it:
                it_typ += typ
                it_np += np_
            if unit.in_room:
                room_w += typ
            if unit.three_phase:
                three_phase_loads.append(item)
            # Dual-fed lines that cannot ride through the loss of one feed get their own group.
            if feed_a is None or feed_b is None or unit.rides_on_both:
                key: tuple[str | bool | None, ...] = (feed_a, feed_b)
            else:
                key = (feed_a, feed_b, unit.rides_on_a, unit.rides_on_b)
            entry = groups.get(key)
            if entry is None:
                rides = len(key) == 2
                group = CordGroup(
                    feed_a, feed_b, rides or unit.rides_on_a, rides or unit.rides_on_b
                )
                # Whether each feed is a three-phase source, on which the usual cord is dealt
                # to the next phase without ``_deal`` (which gives the same).
                entry = groups[key] = (
                    group,
                    feed_a is not None and self._phases_of(feed_a) == 3,
                    feed_b is not None and self._phases_of(feed_b) == 3,
                )
            group, three_a, three_b = entry
            group.item_ids.append(item_id)
            units_of = group.units_by_component
            units_of[cid] = units_of.get(cid, 0) + q
            group.typical_w += typ
            group.nameplate_w += np_
            group.typical_va += typ / unit.power_factor
            group.nameplate_va += np_ / unit.power_factor
            if feed_a is None:
                if feed_b is None:
                    # On the site supply: its cords are dealt to the site's phases.
                    a, b, c3 = deal(item, None, unit.cords)
                    at = group.phases_a
                    at[0] += np_ * a
                    at[1] += np_ * b
                    at[2] += np_ * c3
                    continue
                cords_b = unit.cords
            elif feed_b is None:
                cords_a = unit.cords
            else:
                cords_a = unit.cords_a
                cords_b = unit.cords_b
            wired = True
            # The usual cord (one unit, one cord, no phase named, a single-phase load on a
            # three-phase source) goes to the source's next phase, as ``_deal`` deals it.
            usual = q == 1 and item.phase is None and not unit.three_phase
            if feed_a is not None:
                at = group.phases_a
                if usual and three_a and cords_a == 1:
                    start = turn[feed_a]
                    turn[feed_a] = start + 1
                    at[start % 3] += np_
                else:
                    a, b, c3 = deal(item, feed_a, cords_a)
                    at[0] += np_ * a
                    if b or c3:
                        at[1] += np_ * b
                        at[2] += np_ * c3
            if feed_b is not None:
                at = group.phases_b
                if usual and three_b and cords_b == 1:
                    start = turn[feed_b]
                    turn[feed_b] = start + 1
                    at[start % 3] += np_
                else:
                    a, b, c3 = deal(item, feed_b, cords_b)
                    at[0] += np_ * a
                    if b or c3:
                        at[1] += np_ * b
                        at[2] += np_ * c3
        ups_lines = by_kind.get(Kind.UPS, [])
        return Lines(
            spec=spec,
            site=spec.site,
            policy=policy,
            items=spec.items,
            by_id=self.by_id,
            racks=racks,
            by_kind=by_kind,
            items_by_rack={rack_id: items for rack_id, items in by_rack.items() if items},
            rack_airflow={
                rack_id: RackAirflow(*airflow[rack_id]) for rack_id in racks if rack_id in airflow
            },
            wet_by_rack={rack_id: wet[rack_id] for rack_id in racks if rack_id in wet},
            unracked=unracked,
            sources=sources,
            ups_lines=ups_lines,
            consumers=consumers,
            line_typical_w=line_typical,
            line_nameplate_w=line_nameplate,
            three_phase_loads=three_phase_loads,
            power_unknown=power_unknown,
            cord_groups=[entry[0] for entry in groups.values()],
            items_by_component=[unit.lines for unit in units.values()],
            components={key: unit.lines[0].component for key, unit in units.items()},
            quantity_by_component={key: unit.quantity for key, unit in units.items()},
            it_typical_w=it_typ,
            it_nameplate_w=it_np,
            room_w=room_w,
            phases=phases_of,
            voltage_v=self.voltage,
            phase_split=phase_split,
            phase_rotation=self.rotation,
            feeds_assumed=bool(ups_lines) and not wired,
        )
