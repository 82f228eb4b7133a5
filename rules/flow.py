"""The power flow of a build: what every source carries in normal operation and with any one
source lost.

Power flow model
----------------
A consumer line (IT, cooling, monitoring, fire panel...) plugs its A cord into ``feed_a`` and
its B cord into ``feed_b``. A dual-corded device shares its load equally between live cords;
when one source is lost the surviving cord carries the whole load (reference 1, "Per phase")
if the device's power supplies on that cord can carry it (``CordGroup.rides_on_a`` / ``_b``);
otherwise the device goes down with the lost feed.
Sources pass their load upstream: a PDU to its ``feed_a``, an ATS to ``feed_a`` while that is
alive and else to ``feed_b``, a UPS to its ``feed_a`` grossed up by its losses (C5). A source
with nothing upstream draws from the site supply. A *scenario* is the normal state or the loss
of one source; the failover checks compare every source's load in every scenario.

When a build has UPS lines but no consumer is wired to any source yet, the load is assumed to
be shared by all UPS lines in proportion to their kW ratings, so that a sketch of a build can
be checked before it is wired; ``feeds_assumed`` records that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rules.model import PlacedItem
from rules.specs import Kind

__all__ = ["NORMAL", "CordGroup", "Flow", "Island", "PowerFlow", "replace_island"]

NORMAL = "normal"
NO_PHASE_LOAD = [0.0, 0.0, 0.0]  # shared and never written: scenario flows are read-only


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


class PowerFlow:
    """Every scenario's flow of one build, from its sources and the cord groups of its loads."""

    def __init__(
        self,
        *,
        sources: list[PlacedItem],
        by_id: dict[str, PlacedItem],
        groups: list[CordGroup],
        phase_split: dict[tuple[str, str], tuple[float, float, float]],
        efficiency: dict[str, float],
        feeds_assumed: bool,
        ups_kw: dict[str, float],
        phases: dict[str, int],
    ) -> None:
        """``efficiency``: per UPS line (C5). ``ups_kw`` (rated kW x quantity per UPS line) and
        ``phases`` (per source) serve unwired builds, whose loads share the UPS lines."""
        self._sources = sources
        self._by_id = by_id
        self._groups = groups
        self._phase_split = phase_split
        self._efficiency = efficiency
        self._ats = {s.id for s in sources if s.component.kind is Kind.ATS}
        self._feeds_assumed = feeds_assumed
        self._ups_lines = [s for s in sources if s.component.kind is Kind.UPS]
        self._ups_kw = ups_kw
        self._phases = phases
        # An unwired build's consumers are one group (no cords), in build order.
        self._assumed_w = (0.0, 0.0)
        self._consumer_ids: list[str] = []
        if feeds_assumed:
            self._assumed_w = (sum(g.typical_w for g in groups), sum(g.nameplate_w for g in groups))
            self._consumer_ids = [item_id for g in groups for item_id in g.item_ids]
        self._site_groups = [g for g in groups if g.feed_a is None and g.feed_b is None]
        self._order = self._sources_top_down()
        self._alive: dict[str | None, dict[str, bool]] = {}
        self._failover: dict[str, list[Flow]] = {}
        self._surviving: dict[str, list[Flow]] = {}
        self._islands = self._power_islands()
        self.flows: dict[str, Flow] = self._scenario_flows()
        self.normal = self.flows[NORMAL]

    def _sources_top_down(self) -> list[PlacedItem]:
        """Sources ordered so that every source comes after all of its upstream sources."""
        depth: dict[str, int] = {}

        def depth_of(source_id: str) -> int:
            known = depth.get(source_id)
            if known is not None:
                return known
            source = self._by_id[source_id]
            ups = [u for u in (source.feed_a, source.feed_b) if u is not None]
            depth[source_id] = 1 + max((depth_of(u) for u in ups), default=-1)
            return depth[source_id]

        return sorted(self._sources, key=lambda s: depth_of(s.id))

    def _power_islands(self) -> dict[str, Island]:
        """Sources grouped into islands that no loss can couple: the island of each source.

        Two sources share an island when one feeds the other or a consumer plugs into both.
        Losing a source changes loads in its own island only, so a scenario is the normal
        flow with that island recomputed: cost proportional to the island, not the build.
        """
        parent = {s.id: s.id for s in self._sources}

        def root(source_id: str) -> str:
            while parent[source_id] != source_id:
                parent[source_id] = parent[parent[source_id]]
                source_id = parent[source_id]
            return source_id

        def join(a: str | None, b: str | None) -> None:
            if a is not None and b is not None:
                parent[root(a)] = root(b)

        for source in self._sources:
            join(source.id, source.feed_a)
            join(source.id, source.feed_b)
        for group in self._groups:
            join(group.feed_a, group.feed_b)
        islands: dict[str, Island] = {}
        by_source: dict[str, Island] = {}
        for source in self._order:  # keeps the top-down order inside each island
            island = islands.setdefault(root(source.id), Island())
            island.order.append(source)
            island.zero_w[source.id] = 0.0
            island.zero_phases[source.id] = NO_PHASE_LOAD
            by_source[source.id] = island
        for group in self._groups:
            cord = group.feed_a if group.feed_a is not None else group.feed_b
            if cord is not None:
                by_source[cord].groups.append(group)
        return by_source

    def _scenario_flows(self) -> dict[str, Flow]:
        """The normal flow and one flow per lost source (see ``_power_islands``).

        Islands share no source, so the normal flow is the islands' normal flows side by side
        plus the consumers on the site supply.
        """
        if self._feeds_assumed:
            flows = {NORMAL: self._flow(None)}
            for source in self._sources:
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
        for source in self._sources:
            island = self._islands[source.id]
            base = island_normal[id(island)]
            flows[source.id] = replace_island(normal, base, self._flow(source.id, island), island)
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
        island = self._islands.get(lost) if not self._feeds_assumed else None
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
        if self._feeds_assumed:
            lost_ids = [s.id for s in self._sources]
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

    def _flow(self, lost: str | None, island: Island | None = None) -> Flow:
        """Loads with ``lost`` failed, over the whole build or over one island only."""
        flow = Flow(lost=lost)
        if self._feeds_assumed:
            self._flow_assumed(flow, lost)
            return flow
        alive = self._alive_map(lost)
        typical = flow.typical_w
        nameplate = flow.nameplate_w
        on_phases = flow.phase_nameplate_w
        for group in self._groups if island is None else island.groups:
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
        live = [u for u in self._ups_lines if u.id != lost]
        total_kw = sum(self._ups_kw[u.id] for u in live)
        typ, np_ = self._assumed_w
        if total_kw <= 0:
            flow.dropped.extend(self._consumer_ids)
            return
        alive = self._alive_map(lost)
        for ups in live:
            share = self._ups_kw[ups.id] / total_kw
            flow.typical_w[ups.id] += typ * share
            flow.nameplate_w[ups.id] += np_ * share
            # Balanced three-phase assumption: nothing is wired yet.
            phases = flow.phase_nameplate_w[ups.id]
            if self._phases.get(ups.id) == 3:
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
class Island:
    """Sources that losses can couple, top-down, and the consumer groups plugged into them."""

    order: list[PlacedItem] = field(default_factory=list)
    groups: list[CordGroup] = field(default_factory=list)
    # What a scenario's island carries before its own loads are filled in: nothing.
    zero_w: dict[str, float] = field(default_factory=dict)
    zero_phases: dict[str, list[float]] = field(default_factory=dict)


def replace_island(normal: Flow, base: Flow, part: Flow, island: Island) -> Flow:
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
