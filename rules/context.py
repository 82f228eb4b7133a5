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
        # data); per-unit draws are worked out once per distinct catalogue component.
        self.by_kind: dict[Kind, list[PlacedItem]] = defaultdict(list)
        by_rack: dict[str, list[PlacedItem]] = {rack_id: [] for rack_id in self.racks}
        self.sources: list[PlacedItem] = []
        # Loads per consumer line, all units (C1); cooling draws its spec figure when the
        # catalogue gives no nameplate.
        self.consumers: list[PlacedItem] = []
        self.line_typical_w: dict[str, float] = {}
        self.line_nameplate_w: dict[str, float] = {}
        self.power_unknown: list[str] = []
        draws: dict[int, tuple[float | None, float | None]] = {}
        it_typ = it_np = room_w = 0.0
        wired = False
        for item in spec.items:
            c = item.component
            kind = c.kind
            self.by_kind[kind].append(item)
            if item.rack_id is not None:
                by_rack[item.rack_id].append(item)
            if kind in SOURCE_KINDS:
                self.sources.append(item)
                continue
            if kind in PASSIVE_KINDS:
                continue
            draw = draws.get(id(c))
            if draw is None:
                draw = draws[id(c)] = _unit_draw(c)
            typ, np_ = draw
            if typ is None or np_ is None:
                if kind.is_it or kind is Kind.COOLING:
                    self.power_unknown.append(item.id)
                continue
            q = item.quantity
            self.consumers.append(item)
            self.line_typical_w[item.id] = typ * q
            self.line_nameplate_w[item.id] = np_ * q
            if kind.is_it:
                it_typ += typ * q
                it_np += np_ * q
            if kind is not Kind.COOLING:
                room_w += typ * q
            wired = wired or item.feed_a is not None or item.feed_b is not None
        self.it_typical_w = it_typ
        self.it_nameplate_w = it_np
        # Items of each rack that holds any, in rack order then build order.
        self.items_by_rack: dict[str, list[PlacedItem]] = {
            rack_id: items for rack_id, items in by_rack.items() if items
        }

        self.ups_lines: list[PlacedItem] = self.by_kind.get(Kind.UPS, [])
        self.feeds_assumed = bool(self.ups_lines) and not wired
        # Looked up for every cord on hot paths: resolve each source's spec once.
        self._phases: dict[str, int] = {}
        self._voltage: dict[str, float] = {}
        for source in self.sources:
            self._phases[source.id] = self.source_phases(source)
            self._voltage[source.id] = self.source_voltage_v(source)
        self._phase_split: dict[tuple[str, str], tuple[float, float, float]] = {}
        self.cord_groups = self._cord_groups()
        self._order = self._sources_top_down()
        self._alive: dict[str | None, dict[str, bool]] = {}
        self._failover: dict[str, list[Flow]] = {}
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

    def _cord_groups(self) -> list[CordGroup]:
        """Consumers summed by the pair of sources their cords plug into, phase by phase.

        The flow is linear in the loads, so each scenario only needs the sums per cord pair,
        which keeps an evaluation proportional to items + sources x scenarios.

        Each cord's load is shared over the phases of a three-phase source as it is plugged:
        an explicit ``phase`` wins; otherwise units are dealt to L1, L2, L3 in turn, in build
        order, as an installer would plug them. The shares of sources feeding sources are kept
        in ``_phase_split`` for the upstream step of the flow.
        """
        groups: dict[tuple[str | None, str | None], CordGroup] = {}
        split_of_source = self._phase_split
        turn: dict[str, int] = defaultdict(int)
        phases_of = self._phases
        drawing = self.line_nameplate_w
        typical = self.line_typical_w
        for item in self.items:
            feed_a, feed_b = item.feed_a, item.feed_b
            is_source = item.component.kind in SOURCE_KINDS
            np_ = drawing.get(item.id)
            if is_source:
                group = None
                if feed_a is None and feed_b is None:
                    continue
            elif np_ is None:
                continue
            else:
                group = groups.get((feed_a, feed_b))
                if group is None:
                    group = groups[(feed_a, feed_b)] = CordGroup(feed_a, feed_b)
                group.add(item.id, typical[item.id], np_, self.power_factor(item))
            load = np_ if np_ is not None else 0.0
            for source_id, at in ((feed_a, 0), (feed_b, 1)):
                if source_id is None:
                    continue
                if phases_of[source_id] == 1:
                    shares = _ALL_ON_L1
                elif item.phase is not None:
                    shares = _ON_PHASE[item.phase - 1]
                elif is_source and phases_of[item.id] == 3:
                    # A three-phase device on a three-phase source is balanced by construction.
                    shares = _BALANCED
                else:
                    q = item.quantity
                    start = turn[source_id]
                    turn[source_id] = start + q
                    counts = [q // 3] * 3
                    for unit in range(q % 3):
                        counts[(start + unit) % 3] += 1
                    shares = (counts[0] / q, counts[1] / q, counts[2] / q)
                if group is None:
                    split_of_source[(item.id, source_id)] = shares
                    continue
                phases = group.phases_a if at == 0 else group.phases_b
                a, b, c = shares
                phases[0] += load * a
                if b or c:
                    phases[1] += load * b
                    phases[2] += load * c
        return list(groups.values())

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
            by_source[source.id] = island
        for group in self.cord_groups:
            cord = group.feed_a if group.feed_a is not None else group.feed_b
            if cord is not None:
                by_source[cord].groups.append(group)
        return by_source

    def _scenario_flows(self) -> dict[str, Flow]:
        """The normal flow and one flow per lost source (see ``_power_islands``)."""
        flows = {NORMAL: self._flow(None)}
        if self.feeds_assumed:
            for source in self.sources:
                flows[source.id] = self._flow(source.id)
            return flows
        normal = flows[NORMAL]
        island_normal: dict[int, Flow] = {}
        for source in self.sources:
            island = self._islands[source.id]
            base = island_normal.get(id(island))
            if base is None:
                base = island_normal[id(island)] = self._flow(None, island)
            flows[source.id] = _replace_island(normal, base, self._flow(source.id, island), island)
        return flows

    def _alive_map(self, lost: str | None) -> dict[str, bool]:
        """Which sources still deliver power when ``lost`` has failed (see ``alive``).

        With nothing lost every source lives; a loss can only reach into its own island.
        """
        cached = self._alive.get(lost)
        if cached is not None:
            return cached
        alive: dict[str, bool] = dict.fromkeys(self._phases, True)
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
                a = source.feed_a is None or alive[source.feed_a]
                b = source.feed_b is not None and alive[source.feed_b]
                alive[source.id] = a or b
            else:
                alive[source.id] = source.feed_a is None or alive[source.feed_a]
        self._alive[lost] = alive
        return alive

    def surviving_flows(self, source_id: str) -> list[Flow]:
        """Scenarios that can change a source's load and in which it lives, normal first.

        Only losses inside the source's own island can change its load (``_power_islands``).
        """
        if self.feeds_assumed:
            lost_ids = [s.id for s in self.sources]
        else:
            lost_ids = [s.id for s in self._islands[source_id].order]
        return [self.normal] + [
            self.flows[lost]
            for lost in lost_ids
            if lost != source_id and self._alive_map(lost)[source_id]
        ]

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
        return self._alive_map(lost)[source_id]

    def _flow(self, lost: str | None, island: _Island | None = None) -> Flow:
        """Loads with ``lost`` failed, over the whole build or over one island only."""
        flow = Flow(lost=lost)
        if self.feeds_assumed:
            self._flow_assumed(flow, lost)
            return flow
        alive = self._alive_map(lost)
        for group in self.cord_groups if island is None else island.groups:
            a, b = group.feed_a, group.feed_b
            if a is None and b is None:
                flow.site_typical_w += group.typical_w
                flow.site_nameplate_w += group.nameplate_w
                continue
            live_a = a if a is not None and alive[a] else None
            live_b = b if b is not None and alive[b] else None
            if live_a is None and live_b is None:
                flow.dropped.extend(group.item_ids)
                continue
            share = 0.5 if live_a is not None and live_b is not None else 1.0
            if live_a is not None:
                self._add(flow, live_a, group.typical_w * share, group.phases_a, share)
            if live_b is not None:
                self._add(flow, live_b, group.typical_w * share, group.phases_b, share)
        # Children before parents: each source passes its whole load one step upstream.
        for source in reversed(self._order if island is None else island.order):
            typ = flow.typical_w.get(source.id, 0.0)
            np_ = flow.nameplate_w.get(source.id, 0.0)
            if typ or np_:
                self._deliver_upstream(flow, source, typ, np_, alive)
        return flow

    @staticmethod
    def _add(flow: Flow, source_id: str, typ: float, phases: list[float], share: float) -> None:
        flow.typical_w[source_id] += typ
        at = flow.phase_nameplate_w[source_id]
        total = 0.0
        for p in range(3):
            w = phases[p] * share
            at[p] += w
            total += w
        flow.nameplate_w[source_id] += total

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
        kind = source.component.kind
        if kind is Kind.UPS:
            eff = self.ups_efficiency(source)
            typ, np_ = typ / eff, np_ / eff
        upstream = source.feed_a
        if kind is Kind.ATS and upstream is not None and not alive[upstream]:
            upstream = source.feed_b
        if upstream is None:
            flow.site_typical_w += typ
            flow.site_nameplate_w += np_
        elif alive[upstream]:
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


def _replace_island(normal: Flow, base: Flow, part: Flow, island: _Island) -> Flow:
    """The whole-build flow of a scenario: ``normal`` with one island's loads replaced.

    ``base`` is that island alone in normal operation, ``part`` the island in the scenario;
    every other source carries what it carries normally.
    """
    flow = Flow(lost=part.lost)
    flow.typical_w = defaultdict(float, normal.typical_w)
    flow.nameplate_w = defaultdict(float, normal.nameplate_w)
    flow.phase_nameplate_w = defaultdict(lambda: [0.0, 0.0, 0.0], normal.phase_nameplate_w)
    for source in island.order:
        flow.typical_w.pop(source.id, None)
        flow.nameplate_w.pop(source.id, None)
        flow.phase_nameplate_w.pop(source.id, None)
    flow.typical_w.update(part.typical_w)
    flow.nameplate_w.update(part.nameplate_w)
    flow.phase_nameplate_w.update(part.phase_nameplate_w)
    flow.site_typical_w = normal.site_typical_w - base.site_typical_w + part.site_typical_w
    flow.site_nameplate_w = normal.site_nameplate_w - base.site_nameplate_w + part.site_nameplate_w
    flow.dropped = list(part.dropped)
    return flow


@dataclass(slots=True)
class CordGroup:
    """Consumers sharing one (feed_a, feed_b) pair, with their summed loads."""

    feed_a: str | None
    feed_b: str | None
    typical_w: float = 0.0
    nameplate_w: float = 0.0
    phases_a: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    phases_b: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    item_ids: list[str] = field(default_factory=list)
    # sum(W / PF) of the members, typical and nameplate: the VA behind the group (C3)
    typical_va: float = 0.0
    nameplate_va: float = 0.0

    def add(self, item_id: str, typical_w: float, nameplate_w: float, pf: float) -> None:
        """Count one consumer line in the group."""
        self.item_ids.append(item_id)
        self.typical_w += typical_w
        self.nameplate_w += nameplate_w
        self.typical_va += typical_w / pf
        self.nameplate_va += nameplate_w / pf


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
