"""Everything the checks share, computed once per evaluation from plain values.

Checks read a ``Context`` and append findings; they never recompute loads themselves, which
keeps each check small and the whole evaluation linear in the number of items.

The power flow (normal operation and every single loss) is rules.flow; the context gathers
what it needs in one pass over the lines.
"""

from __future__ import annotations

import math
from collections import defaultdict

from rules.flow import NORMAL, CordGroup, Flow, PowerFlow
from rules.model import BuildSpec, Finding, PlacedItem, Severity
from rules.specs import AtsSpec, ComponentSpec, CoolingSpec, ItSpec, Kind, PduSpec, UpsSpec

__all__ = [
    "NORMAL",
    "PASSIVE_KINDS",
    "SOURCE_KINDS",
    "Context",
    "ceil_div",
    "psus_needed",
    "psus_per_feed",
]

# Kinds that neither draw power themselves nor distribute it.
PASSIVE_KINDS = frozenset({Kind.RACK, Kind.ACCESSORY, Kind.BUNDLE, Kind.BATTERY})
SOURCE_KINDS = frozenset({Kind.PDU, Kind.ATS, Kind.UPS})
_ALL_ON_L1 = (1.0, 0.0, 0.0)  # a single-phase source carries everything on its one phase
_BALANCED = (1 / 3, 1 / 3, 1 / 3)
_ON_PHASE = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


class Context:
    """Pre-computed view of one build that every check reads."""

    def __init__(self, spec: BuildSpec) -> None:
        self.spec = spec
        self.site = spec.site
        self.policy = spec.policy
        self.items = spec.items
        self.by_id: dict[str, PlacedItem] = {i.id: i for i in spec.items}
        self.racks = {r.id: r for r in spec.racks}
        self.findings: list[Finding] = []
        # Results shared between checks, metrics and headroom, computed once (see
        # rules.power_calc.memo); keys are module-qualified names.
        self.memo: dict[str, object] = {}
        # Agent masses for the metrics, set by rules.checks.fire (None: nothing to report).
        self.agent_required_kg: float | None = None
        self.agent_installed_kg: float | None = None

        # One pass over the lines gathers what every check reads (load once, compute on plain
        # data); what a line's component says is worked out once per distinct component.
        self.by_kind: dict[Kind, list[PlacedItem]] = defaultdict(list)
        by_rack: dict[str, list[PlacedItem]] = {rack_id: [] for rack_id in self.racks}
        self.sources: list[PlacedItem] = []
        # Loads per consumer line, all units (C1); cooling draws its spec figure when the
        # catalogue gives no nameplate.
        self.consumers: list[PlacedItem] = []
        self.line_typical_w: dict[str, float] = {}
        self.line_nameplate_w: dict[str, float] = {}
        self.power_unknown: list[str] = []
        # Consumers summed by the pair of sources their cords plug into (see ``CordGroup``).
        groups: dict[tuple[str | None, str | None, bool, bool], CordGroup] = {}
        # Sources' phases and voltages, looked up for every cord: resolved once per source.
        self._phases: dict[str, int] = {}
        self._voltage: dict[str, float] = {}
        # Phase shares of the cords of sources plugged into sources (the flow's upstream step).
        self._phase_split: dict[tuple[str, str], tuple[float, float, float]] = {}
        # Lines of each distinct component, in build order: checks that depend on the component
        # alone judge it once and name its lines only when it fails.
        by_component: dict[int, list[PlacedItem]] = {}
        quantities: dict[int, int] = {}  # units of each component over all its lines
        units: dict[int, _Unit] = {}  # what each component says, read once
        turn: dict[str, int] = defaultdict(int)  # next phase to deal on each source
        pf_default = self.policy.power_factor_default
        it_typ = it_np = room_w = 0.0
        wired = False
        # Local names: this loop runs once per line and is the engine's hottest.
        by_kind = self.by_kind
        line_typical = self.line_typical_w
        line_nameplate = self.line_nameplate_w
        phases_of = self._phases
        for item in spec.items:
            c = item.component
            unit = units.get(id(c))
            if unit is None:
                unit = units[id(c)] = _Unit(c, pf_default)
                by_component[id(c)] = [item]
                quantities[id(c)] = item.quantity
            else:
                by_component[id(c)].append(item)
                quantities[id(c)] += item.quantity
            by_kind[unit.kind].append(item)
            if item.rack_id is not None:
                by_rack[item.rack_id].append(item)
            feed_a, feed_b = item.feed_a, item.feed_b
            if unit.is_source:
                self.sources.append(item)
                if item.id not in phases_of:
                    self._phase_of(item)
                if feed_a is not None:
                    self._phase_split[(item.id, feed_a)] = self._deal(item, feed_a, turn)
                if feed_b is not None:
                    self._phase_split[(item.id, feed_b)] = self._deal(item, feed_b, turn)
                continue
            typ = unit.typical_w
            np_ = unit.nameplate_w
            if typ is None or np_ is None:
                if unit.counts_as_load:
                    self.power_unknown.append(item.id)
                continue
            q = item.quantity
            typ *= q
            np_ *= q
            item_id = item.id
            self.consumers.append(item)
            line_typical[item_id] = typ
            line_nameplate[item_id] = np_
            if unit.is_it:
                it_typ += typ
                it_np += np_
            if unit.kind is not Kind.COOLING:
                room_w += typ
            # Dual-fed lines that cannot ride through the loss of one feed get their own group.
            single = feed_a is None or feed_b is None
            key = (feed_a, feed_b, single or unit.rides_on_a, single or unit.rides_on_b)
            group = groups.get(key)
            if group is None:
                group = groups[key] = CordGroup(feed_a, feed_b, key[2], key[3])
            group.item_ids.append(item_id)
            units_of = group.units_by_component
            units_of[id(c)] = units_of.get(id(c), 0) + q
            group.typical_w += typ
            group.nameplate_w += np_
            group.typical_va += typ / unit.power_factor
            group.nameplate_va += np_ / unit.power_factor
            if feed_a is None and feed_b is None:
                continue
            wired = True
            for source_id, phases in ((feed_a, group.phases_a), (feed_b, group.phases_b)):
                if source_id is None:
                    continue
                if q == 1 and item.phase is None and phases_of.get(source_id) == 3:
                    # The usual cord: one unit dealt to the next phase (see ``_deal``).
                    start = turn[source_id]
                    turn[source_id] = start + 1
                    phases[start % 3] += np_
                    continue
                a, b, c3 = self._deal(item, source_id, turn)
                phases[0] += np_ * a
                if b or c3:
                    phases[1] += np_ * b
                    phases[2] += np_ * c3
        self.cord_groups: list[CordGroup] = list(groups.values())
        self.items_by_component: list[list[PlacedItem]] = list(by_component.values())
        self.components: dict[int, ComponentSpec] = {
            key: items[0].component for key, items in by_component.items()
        }
        self.quantity_by_component = quantities
        self.it_typical_w = it_typ
        self.it_nameplate_w = it_np
        # Items of each rack that holds any, in rack order then build order.
        self.items_by_rack: dict[str, list[PlacedItem]] = {
            rack_id: items for rack_id, items in by_rack.items() if items
        }
        self.ups_lines: list[PlacedItem] = self.by_kind.get(Kind.UPS, [])
        self.feeds_assumed = bool(self.ups_lines) and not wired
        self.power = PowerFlow(
            sources=self.sources,
            by_id=self.by_id,
            groups=self.cord_groups,
            phase_split=self._phase_split,
            efficiency={u.id: self.ups_efficiency(u) for u in self.ups_lines},
            feeds_assumed=self.feeds_assumed,
            ups_kw={u.id: self.ups_spec(u).rated_kw * u.quantity for u in self.ups_lines},
            phases=self._phases,
        )
        self.flows: dict[str, Flow] = self.power.flows
        self.normal = self.power.normal
        # The flow's lookups, bound once: checks call them for every source.
        self.surviving_flows = self.power.surviving_flows
        self.failover_flows = self.power.failover_flows
        self.alive = self.power.alive

        # Heat (S2): IT load and everything else drawn in the room except the cooling units
        # themselves, whose compressor heat is rejected outside, plus UPS losses (C5).
        self.ups_loss_w = sum(self.ups_loss(u) for u in self.ups_lines)
        self.heat_w = room_w + self.ups_loss_w

    # ------------------------------------------------------------------ lookups

    def ups_spec(self, item: PlacedItem) -> UpsSpec:
        """The UPS spec of a UPS line (a default one if the catalogue gave none)."""
        spec = item.component.spec
        return spec if isinstance(spec, UpsSpec) else UpsSpec(kva=1.0)

    def ups_efficiency(self, item: PlacedItem) -> float:
        """Datasheet efficiency, else the policy default (C5)."""
        eff = self.ups_spec(item).efficiency
        return eff if eff is not None else self.policy.ups_efficiency_default

    def ups_loss(self, item: PlacedItem) -> float:
        """UPS loss W = P_out * (1/eta - 1) at the normal output load (C5, S26)."""
        return self.normal.typical_w.get(item.id, 0.0) * (1 / self.ups_efficiency(item) - 1)

    def power_factor(self, item: PlacedItem) -> float:
        """The device's PF, else the policy default (C3)."""
        spec = item.component.spec
        if isinstance(spec, ItSpec) and spec.power_factor is not None:
            return spec.power_factor
        return self.policy.power_factor_default

    def source_phases(self, item: PlacedItem) -> int:
        """Number of phases a source delivers at its outlets."""
        known = self._phases.get(item.id)
        if known is not None:
            return known
        spec = item.component.spec
        if isinstance(spec, (PduSpec, AtsSpec)):
            return spec.phases
        if isinstance(spec, UpsSpec):
            return spec.output_phases
        return 1

    def source_voltage_v(self, item: PlacedItem) -> float:
        """Line-to-neutral voltage at a source's outlets."""
        known = self._voltage.get(item.id)
        if known is not None:
            return known
        spec = item.component.spec
        if isinstance(spec, (PduSpec, AtsSpec)):
            return spec.voltage_v
        if isinstance(spec, UpsSpec):
            return spec.output_voltage_v
        return self.site.supply_voltage_v

    def cooling_spec(self, item: PlacedItem) -> CoolingSpec | None:
        """The cooling spec of a line, if it is a cooling unit with one."""
        spec = item.component.spec
        return spec if isinstance(spec, CoolingSpec) else None

    # ------------------------------------------------------------------ findings

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        *,
        subject: tuple[str, ...] | list[str] = (),
        value: float | None = None,
        limit: float | None = None,
        unit: str = "",
    ) -> None:
        """Record a finding; values are reported unrounded, rounding is the renderer's job."""
        self.findings.append(
            Finding.trusted(
                code=code,
                severity=severity,
                message=message,
                subject=tuple(subject),
                value=value,
                limit=limit,
                unit=unit,
            )
        )

    # ------------------------------------------------------------------ power flow

    def _phase_of(self, source: PlacedItem) -> None:
        """Resolve a source's phases and outlet voltage once (its spec is read per cord)."""
        self._phases[source.id] = self.source_phases(source)
        self._voltage[source.id] = self.source_voltage_v(source)

    def _deal(
        self, item: PlacedItem, source_id: str, turn: dict[str, int]
    ) -> tuple[float, float, float]:
        """Share of a cord's load on each phase of the source it plugs into.

        A single-phase source carries it all on its one phase; an explicit ``phase`` wins; a
        three-phase device on a three-phase source is balanced by construction; otherwise units
        are dealt to L1, L2, L3 in turn, in build order, as an installer would plug them.
        """
        phases = self._phases.get(source_id)
        if phases is None:
            self._phase_of(self.by_id[source_id])
            phases = self._phases[source_id]
        if phases == 1:
            return _ALL_ON_L1
        if item.phase is not None:
            return _ON_PHASE[item.phase - 1]
        if self._phases.get(item.id) == 3:
            return _BALANCED
        q = item.quantity
        start = turn[source_id]
        turn[source_id] = start + q
        if q == 1:
            return _ON_PHASE[start % 3]
        counts = [q // 3] * 3
        for unit in range(q % 3):
            counts[(start + unit) % 3] += 1
        return (counts[0] / q, counts[1] / q, counts[2] / q)


class _Unit:
    """What the engine needs of one catalogue component, read once per evaluation."""

    __slots__ = (
        "counts_as_load",
        "is_it",
        "is_source",
        "kind",
        "nameplate_w",
        "power_factor",
        "rides_on_a",
        "rides_on_b",
        "typical_w",
    )

    def __init__(self, component: ComponentSpec, pf_default: float) -> None:
        kind = component.kind
        self.kind = kind
        self.is_source = kind in SOURCE_KINDS
        self.is_it = kind.is_it
        self.counts_as_load = self.is_it or kind is Kind.COOLING
        typ: float | None = None
        np_: float | None = None
        if not self.is_source and kind not in PASSIVE_KINDS:
            typ, np_ = _unit_draw(component)
        self.typical_w = typ
        self.nameplate_w = np_
        spec = component.spec
        pf = spec.power_factor if isinstance(spec, ItSpec) else None
        self.power_factor = pf if pf is not None else pf_default  # C3
        # Whether the supplies on one cord alone carry the device when the other feed is lost.
        self.rides_on_a = self.rides_on_b = True
        if isinstance(spec, ItSpec) and spec.psu_count > 0:
            on_a, on_b = psus_per_feed(spec.psu_count)
            needed = psus_needed(spec, np_)
            self.rides_on_a = on_a >= needed
            self.rides_on_b = on_b >= needed


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


def _unit_draw(c: ComponentSpec) -> tuple[float | None, float | None]:
    """(typical, nameplate) W of one unit; C1 falls back between the two."""
    np_ = c.nameplate_w
    typ = c.typical_w
    if np_ is None and typ is None and isinstance(c.spec, CoolingSpec):
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
