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
with nothing upstream draws from the site supply. A *scenario* is the loss of one source; the
failover checks compare every source's load in every scenario with its normal load.

Scenarios as deltas
-------------------
A loss changes only what the lost source feeds and what feeds those: the sources that die
with it (a PDU dies with its upstream, an ATS when both inputs die, a UPS never: it rides on
its batteries), the loads whose cords plug into the dead sources, and the chains upstream of
every source whose load or upstream changes. A scenario holds those sources' loads alone, the
normal flow holds the rest, so the cost of all scenarios grows with the sum of what each loss
touches, not with sources x sources. ``full_flow`` recomputes a scenario over the whole build;
a property test shows both give the same loads.

When a build has UPS lines but no consumer is wired to any source yet, the load is assumed to
be shared by all UPS lines in proportion to their kW ratings, so that a sketch of a build can
be checked before it is wired; ``Lines.feeds_assumed`` records that, and its scenarios are
full recomputations (the build is small and every UPS carries everything).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.failover import Scenario, _as_scenario, _scenario
from rules.derive.lines import Lines
from rules.derive.normal_flow import (
    _NO_LOAD,
    _NONE_DEAD,
    NORMAL,
    ApparentPower,
    Delivery,
    Flow,
    _delivery,
    _Graph,
    _graph,
    full_flow,
    normal_apparent_power,
    ups_recharge_w,
)

__all__ = [
    "NORMAL",
    "ApparentPower",
    "Flow",
    "PowerFlow",
    "Scenario",
    "derive_flow",
    "full_flow",
    "normal_apparent_power",
    "ups_recharge_w",
]


@dataclass(frozen=True, slots=True)
class PowerFlow:
    """Normal operation and every single-loss scenario of one build.

    ``scenarios``: one per source, in build order. ``changed``: per source, the scenarios in
    which it lives and its load differs from normal, upstream sources' losses first; only
    these can make it worse off than in normal operation.
    """

    normal: Flow
    scenarios: Sequence[Scenario]
    by_lost: Mapping[str, Scenario]
    changed: Mapping[str, Sequence[Scenario]]
    graph: _Graph

    def failover(self, source_id: str) -> Sequence[Scenario]:
        """Scenarios in which a source lives and carries another load than normally."""
        return self.changed.get(source_id, ())

    def worst_site_nameplate_w(self) -> float:
        """The highest nameplate draw on the site supply over every scenario."""
        worst = self.normal.site_nameplate_w
        for scenario in self.scenarios:
            if scenario.site_nameplate_w > worst:
                worst = scenario.site_nameplate_w
        return worst


def derive_flow(lines: Lines) -> PowerFlow:
    """Normal operation and the loss of each source, in build order."""
    graph = _graph(lines)
    normal = full_flow(graph, None)
    by_lost: dict[str, Scenario] = {}
    changed: dict[str, list[Scenario]] = defaultdict(list)
    assumed = lines.feeds_assumed
    deliveries: dict[str, Delivery] = {}
    normal_typical = normal.typical_w
    normal_nameplate = normal.nameplate_w
    normal_phases = normal.phase_nameplate_w
    if not assumed:
        efficiency = graph.efficiency
        for source in graph.order:
            sid = source.id
            typ, np_ = normal_typical.get(sid, 0.0), normal_nameplate.get(sid, 0.0)
            if typ or np_ or sid in efficiency:
                deliveries[sid] = _delivery(
                    graph, source, typ, np_, normal_phases.get(sid) or _NO_LOAD, _NONE_DEAD
                )
    # Upstream losses first (top-down), as a source's failover scenarios are listed.
    for source in lines.sources if assumed else graph.order:
        if assumed:
            scenario = _as_scenario(full_flow(graph, source.id), normal, graph, source.id)
        else:
            scenario = _scenario(graph, normal, deliveries, source.id)
        by_lost[source.id] = scenario
        dead = scenario.dead
        typical_w = scenario.typical_w
        phases_of = scenario.phase_nameplate_w
        for sid, np_ in scenario.nameplate_w.items():
            if sid in dead:
                continue
            p, q = phases_of[sid], normal_phases.get(sid) or _NO_LOAD
            if (
                np_ != normal_nameplate.get(sid, 0.0)
                or typical_w[sid] != normal_typical.get(sid, 0.0)
                or p[0] != q[0]
                or p[1] != q[1]
                or p[2] != q[2]
            ):
                changed[sid].append(scenario)
    return PowerFlow(
        normal=normal,
        scenarios=[by_lost[s.id] for s in lines.sources],
        by_lost=by_lost,
        changed=changed,
        graph=graph,
    )
