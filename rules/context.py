"""Everything the checks share, computed once per evaluation from plain values.

Checks read a ``Context`` and append findings; they never recompute loads themselves, which
keeps each check small and the whole evaluation linear in the number of items.

Power flow model
----------------
A consumer line (IT, cooling, monitoring, fire panel...) plugs its A cord into ``feed_a`` and
its B cord into ``feed_b``. A dual-corded device shares its load equally between live cords;
when one source is lost the surviving cord carries the whole load (reference 1, "Per phase").
Sources pass their load upstream: a PDU to its ``feed_a``, an ATS to ``feed_a`` while that is
alive and else to ``feed_b``, a UPS to its ``feed_a`` grossed up by its losses (C5). A source
with nothing upstream draws from the site supply. A *scenario* is the normal state or the loss
of one source; the failover checks compare every source's load in every scenario.

When a build has UPS lines but no consumer is wired to any source yet, the load is assumed to
be shared by all UPS lines in proportion to their kW ratings, so that a sketch of a build can
be checked before it is wired; ``feeds_assumed`` records that.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rules.model import BuildSpec, Finding, PlacedItem, Severity
from rules.specs import AtsSpec, ComponentSpec, CoolingSpec, ItSpec, Kind, PduSpec, UpsSpec

# Kinds that neither draw power themselves nor distribute it.
PASSIVE_KINDS = frozenset({Kind.RACK, Kind.ACCESSORY, Kind.BUNDLE, Kind.BATTERY})
SOURCE_KINDS = frozenset({Kind.PDU, Kind.ATS, Kind.UPS})
NORMAL = "normal"
_ALL_ON_L1 = (1.0, 0.0, 0.0)  # a single-phase source carries everything on its one phase
_BALANCED = (1 / 3, 1 / 3, 1 / 3)
_NO_PHASE_LOAD = [0.0, 0.0, 0.0]  # shared and never written: scenario flows are read-only
_ON_PHASE = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


@dataclass(slots=True)
class Flow:
    """Loads in one scenario: per source (output side) and drawn from the site supply."""

    lost: str | None
    typical_w: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    nameplate_w: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    # Nameplate W per phase of each three-phase source (index 0..2); single-phase sources
    # carry everything on index 0.
    phase_nameplate_w: dict[str, list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0, 0.0])
    )
    dropped: list[str] = field(default_factory=list)
    site_typical_w: float = 0.0
    site_nameplate_w: float = 0.0


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
        turn: dict[str, int] = defaultdict(int)
        units: dict[int, _Unit] = {}
        pf_default = self.policy.power_factor_default
        it_typ = it_np = room_w = 0.0
        wired = False
        # Local names: this loop runs once per line and is the engine's hottest.
        by_kind = self.by_kind
        # Lines of each distinct component, in build order: checks that depend on the component
        # alone judge it once and name its lines only when it fails.
        by_component: dict[int, list[PlacedItem]] = {}
        quantities: dict[int, int] = {}  # units of each component over all its lines
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
        # What the flow asks of a source in every scenario: UPS efficiency (C5), ATS or not.
        self._efficiency = {u.id: self.ups_efficiency(u) for u in self.ups_lines}
        self._ats = {a.id for a in self.by_kind.get(Kind.ATS, ())}
        self._site_groups = [g for g in self.cord_groups if g.feed_a is None and g.feed_b is None]
        self._order = self._sources_top_down()
        self._alive: dict[str | None, dict[str, bool]] = {}
        self._failover: dict[str, list[Flow]] = {}
        self._surviving: dict[str, list[Flow]] = {}
        self._islands = self._power_islands()
        self.flows: dict[str, Flow] = self._scenario_flows()
        self.normal = self.flows[NORMAL]

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

    def _sources_top_down(self) -> list[PlacedItem]:
        """Sources ordered so that every source comes after all of its upstream sources."""
        depth: dict[str, int] = {}

        def depth_of(source_id: str) -> int:
            known = depth.get(source_id)
            if known is not None:
                return known
            source = self.by_id[source_id]
            ups = [u for u in (source.feed_a, source.feed_b) if u is not None]
            depth[source_id] = 1 + max((depth_of(u) for u in ups), default=-1)
            return depth[source_id]

        return sorted(self.sources, key=lambda s: depth_of(s.id))

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

    def _power_islands(self) -> dict[str, _Island]:
        """Sources grouped into islands that no loss can couple: the island of each source.

        Two sources share an island when one feeds the other or a consumer plugs into both.
        Losing a source changes loads in its own island only, so a scenario is the normal
        flow with that island recomputed: cost proportional to the island, not the build.
        """
        parent = {s.id: s.id for s in self.sources}

        def root(source_id: str) -> str:
            while parent[source_id] != source_id:
                parent[source_id] = parent[parent[source_id]]
                source_id = parent[source_id]
            return source_id

        def join(a: str | None, b: str | None) -> None:
            if a is not None and b is not None:
                parent[root(a)] = root(b)

        for source in self.sources:
            join(source.id, source.feed_a)
            join(source.id, source.feed_b)
        for group in self.cord_groups:
            join(group.feed_a, group.feed_b)
        islands: dict[str, _Island] = {}
        by_source: dict[str, _Island] = {}
        for source in self._order:  # keeps the top-down order inside each island
            island = islands.setdefault(root(source.id), _Island())
            island.order.append(source)
            island.zero_w[source.id] = 0.0
            island.zero_phases[source.id] = _NO_PHASE_LOAD
            by_source[source.id] = island
        for group in self.cord_groups:
            cord = group.feed_a if group.feed_a is not None else group.feed_b
            if cord is not None:
                by_source[cord].groups.append(group)
        return by_source

    def _scenario_flows(self) -> dict[str, Flow]:
        """The normal flow and one flow per lost source (see ``_power_islands``).

        Islands share no source, so the normal flow is the islands' normal flows side by side
        plus the consumers on the site supply.
        """
        if self.feeds_assumed:
            flows = {NORMAL: self._flow(None)}
            for source in self.sources:
                flows[source.id] = self._flow(source.id)
            return flows
        normal = Flow(lost=None)
        flows = {NORMAL: normal}
        island_normal: dict[int, Flow] = {}
        for source in self._order:
            island = self._islands[source.id]
            if id(island) in island_normal:
                continue
            base = island_normal[id(island)] = self._flow(None, island)
            normal.typical_w.update(base.typical_w)
            normal.nameplate_w.update(base.nameplate_w)
            normal.phase_nameplate_w.update(base.phase_nameplate_w)
            normal.site_typical_w += base.site_typical_w
            normal.site_nameplate_w += base.site_nameplate_w
        for group in self._site_groups:
            normal.site_typical_w += group.typical_w
            normal.site_nameplate_w += group.nameplate_w
        for source in self.sources:
            island = self._islands[source.id]
            base = island_normal[id(island)]
            flows[source.id] = _replace_island(normal, base, self._flow(source.id, island), island)
        return flows

    def _alive_map(self, lost: str | None) -> dict[str, bool]:
        """Which sources still deliver power when ``lost`` has failed (see ``alive``).

        With nothing lost every source lives; a loss can only reach into its own island.
        """
        cached = self._alive.get(lost)
        if cached is not None:
            return cached
        alive: dict[str, bool] = {}  # a source left out lives
        if lost is None:
            self._alive[lost] = alive
            return alive
        island = self._islands.get(lost) if not self.feeds_assumed else None
        for source in island.order if island is not None else self._order:
            if source.id == lost:
                alive[source.id] = False
                continue
            kind = source.component.kind
            if kind is Kind.UPS:
                alive[source.id] = True
            elif kind is Kind.ATS:
                a = source.feed_a is None or alive.get(source.feed_a, True)
                b = source.feed_b is not None and alive.get(source.feed_b, True)
                alive[source.id] = a or b
            else:
                alive[source.id] = source.feed_a is None or alive.get(source.feed_a, True)
        self._alive[lost] = alive
        return alive

    def surviving_flows(self, source_id: str) -> list[Flow]:
        """Scenarios that can change a source's load and in which it lives, normal first.

        Only losses inside the source's own island can change its load (``_power_islands``).
        """
        cached = self._surviving.get(source_id)
        if cached is not None:
            return cached
        if self.feeds_assumed:
            lost_ids = [s.id for s in self.sources]
        else:
            lost_ids = [s.id for s in self._islands[source_id].order]
        out = [self.normal] + [
            self.flows[lost]
            for lost in lost_ids
            if lost != source_id and self._alive_map(lost).get(source_id, True)
        ]
        self._surviving[source_id] = out
        return out

    def failover_flows(self, source_id: str) -> list[Flow]:
        """Scenarios in which a source lives and carries a different load than normally.

        Only these can make a source worse off than in normal operation, so the failover
        checks look at them alone instead of at every scenario.
        """
        cached = self._failover.get(source_id)
        if cached is not None:
            return cached
        normal_w = self.normal.nameplate_w.get(source_id, 0.0)
        out = [
            flow
            for flow in self.surviving_flows(source_id)[1:]
            if flow.nameplate_w.get(source_id, 0.0) != normal_w
        ]
        self._failover[source_id] = out
        return out

    def alive(self, source_id: str | None, lost: str | None) -> bool:
        """Whether a source still delivers power when ``lost`` has failed.

        A UPS rides through the loss of its input on its batteries, so only its own failure
        takes it down; a PDU dies with its upstream; an ATS lives while either input lives.
        """
        if source_id is None:
            return True
        return self._alive_map(lost).get(source_id, True)

    def _flow(self, lost: str | None, island: _Island | None = None) -> Flow:
        """Loads with ``lost`` failed, over the whole build or over one island only."""
        flow = Flow(lost=lost)
        if self.feeds_assumed:
            self._flow_assumed(flow, lost)
            return flow
        alive = self._alive_map(lost)
        typical = flow.typical_w
        nameplate = flow.nameplate_w
        on_phases = flow.phase_nameplate_w
        for group in self.cord_groups if island is None else island.groups:
            a, b = group.feed_a, group.feed_b
            if a is None and b is None:
                flow.site_typical_w += group.typical_w
                flow.site_nameplate_w += group.nameplate_w
                continue
            live_a = a is not None and alive.get(a, True)
            live_b = b is not None and alive.get(b, True)
            if not (live_a or live_b):
                flow.dropped.extend(group.item_ids)
                continue
            if (live_a and b is not None and not live_b and not group.rides_on_a) or (
                live_b and a is not None and not live_a and not group.rides_on_b
            ):
                flow.dropped.extend(group.item_ids)  # its supplies on one cord cannot carry it
                continue
            # A dual-corded load shares its live cords equally (reference 1, "Per phase").
            share = 0.5 if live_a and live_b else 1.0
            for cord, live, phases in ((a, live_a, group.phases_a), (b, live_b, group.phases_b)):
                if not live or cord is None:
                    continue
                typical[cord] += group.typical_w * share
                w1, w2, w3 = phases[0] * share, phases[1] * share, phases[2] * share
                at = on_phases[cord]
                at[0] += w1
                at[1] += w2
                at[2] += w3
                nameplate[cord] += w1 + w2 + w3
        # Children before parents: each source passes its whole load one step upstream.
        for source in reversed(self._order if island is None else island.order):
            typ = typical.get(source.id, 0.0)
            np_ = nameplate.get(source.id, 0.0)
            if typ or np_:
                self._deliver_upstream(flow, source, typ, np_, alive)
        return flow

    def _flow_assumed(self, flow: Flow, lost: str | None) -> None:
        """Unwired build: every consumer shares all live UPS lines in proportion to kW."""
        live = [u for u in self.ups_lines if u.id != lost]
        total_kw = sum(self.ups_spec(u).rated_kw * u.quantity for u in live)
        typ = sum(self.line_typical_w.values())
        np_ = sum(self.line_nameplate_w.values())
        if total_kw <= 0:
            flow.dropped.extend(c.id for c in self.consumers)
            return
        alive = self._alive_map(lost)
        for ups in live:
            share = self.ups_spec(ups).rated_kw * ups.quantity / total_kw
            flow.typical_w[ups.id] += typ * share
            flow.nameplate_w[ups.id] += np_ * share
            # Balanced three-phase assumption: nothing is wired yet.
            phases = flow.phase_nameplate_w[ups.id]
            if self.source_phases(ups) == 3:
                for p in range(3):
                    phases[p] += np_ * share / 3
            else:
                phases[0] += np_ * share
            self._deliver_upstream(flow, ups, typ * share, np_ * share, alive)

    def _deliver_upstream(
        self, flow: Flow, source: PlacedItem, typ: float, np_: float, alive: dict[str, bool]
    ) -> None:
        """Carry a source's whole load one step upstream (grossed up by UPS losses, C5)."""
        eff = self._efficiency.get(source.id)
        if eff is not None:  # a UPS
            typ, np_ = typ / eff, np_ / eff
        upstream = source.feed_a
        if upstream is not None and not alive.get(upstream, True) and source.id in self._ats:
            upstream = source.feed_b
        if upstream is None:
            flow.site_typical_w += typ
            flow.site_nameplate_w += np_
        elif alive.get(upstream, True):
            flow.typical_w[upstream] += typ
            flow.nameplate_w[upstream] += np_
            split = self._phase_split.get((source.id, upstream), (1.0, 0.0, 0.0))
            phases = flow.phase_nameplate_w[upstream]
            for p in range(3):
                if split[p]:
                    phases[p] += np_ * split[p]
        # else: the UPS runs on battery; nothing reaches the dead upstream.


@dataclass(slots=True)
class _Island:
    """Sources that losses can couple, top-down, and the consumer groups plugged into them."""

    order: list[PlacedItem] = field(default_factory=list)
    groups: list[CordGroup] = field(default_factory=list)
    # What a scenario's island carries before its own loads are filled in: nothing.
    zero_w: dict[str, float] = field(default_factory=dict)
    zero_phases: dict[str, list[float]] = field(default_factory=dict)


def _replace_island(normal: Flow, base: Flow, part: Flow, island: _Island) -> Flow:
    """The whole-build flow of a scenario: ``normal`` with one island's loads replaced.

    ``base`` is that island alone in normal operation, ``part`` the island in the scenario;
    every other source carries what it carries normally. A scenario flow is read, never
    added to, so plain dict copies do (the phase lists are shared with ``normal``).
    """
    typical = dict(normal.typical_w)
    typical.update(island.zero_w)
    typical.update(part.typical_w)
    nameplate = dict(normal.nameplate_w)
    nameplate.update(island.zero_w)
    nameplate.update(part.nameplate_w)
    phases = dict(normal.phase_nameplate_w)
    phases.update(island.zero_phases)
    phases.update(part.phase_nameplate_w)
    return Flow(
        part.lost,
        typical,
        nameplate,
        phases,
        part.dropped,
        normal.site_typical_w - base.site_typical_w + part.site_typical_w,
        normal.site_nameplate_w - base.site_nameplate_w + part.site_nameplate_w,
    )


@dataclass(slots=True)
class CordGroup:
    """Consumers sharing one (feed_a, feed_b) pair, with their summed loads.

    ``rides_on_a`` / ``rides_on_b``: whether the supplies on that cord alone carry every member
    when the other feed is lost (always true for single-fed lines); a dual-fed line that cannot
    goes down with either feed, and the failover scenarios drop it instead of moving its load.
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
