"""Failover scenarios as deltas: the loss of one source, as the changes it makes to the loads
of normal operation. See rules.derive.flow for the model."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.normal_flow import (
    _NO_DELIVERY,
    _NO_LOAD,
    NOWHERE,
    Delivery,
    Flow,
    Set_,
    _dead_after,
    _delivery,
    _Graph,
    _share,
)

__all__ = ["Scenario"]


@dataclass(slots=True)
class Scenario:
    """The loss of one source: the loads that differ from normal operation, and what drops.

    ``typical_w`` / ``nameplate_w`` / ``phase_nameplate_w`` hold only the sources the loss
    touches (dead ones at 0); every other source carries its normal load. Read-only once
    derived (not frozen only because a scenario is built in the engine's hot path).
    """

    lost: str
    normal: Flow
    dead: Set_
    typical_w: Mapping[str, float]
    nameplate_w: Mapping[str, float]
    phase_nameplate_w: Mapping[str, Sequence[float]]
    dropped: Sequence[str]
    site_typical_w: float
    site_nameplate_w: float
    site_phase_nameplate_w: Sequence[float]

    def typical(self, source_id: str) -> float:
        """Typical W a source carries in this scenario."""
        found = self.typical_w.get(source_id)
        return found if found is not None else self.normal.typical(source_id)

    def nameplate(self, source_id: str) -> float:
        """Nameplate W a source carries in this scenario."""
        found = self.nameplate_w.get(source_id)
        return found if found is not None else self.normal.nameplate(source_id)

    def phases(self, source_id: str) -> Sequence[float]:
        """Nameplate W on each phase of a source in this scenario."""
        found = self.phase_nameplate_w.get(source_id)
        return found if found is not None else self.normal.phases(source_id)

    def alive(self, source_id: str) -> bool:
        """Whether a source still delivers power."""
        return source_id not in self.dead


# --------------------------------------------------------------------------- scenarios as deltas


class _Delta:
    """The changes one loss makes to the loads of normal operation, per source and site."""

    __slots__ = ("changes", "site_np", "site_phases", "site_typ")

    def __init__(self) -> None:
        # per source: [typical, nameplate, L1, L2, L3] W added to its normal load
        self.changes: dict[str, list[float]] = {}
        self.site_typ = 0.0
        self.site_np = 0.0
        self.site_phases = [0.0, 0.0, 0.0]

    def add(
        self, target: str | None, typ: float, np_: float, phases: tuple[float, float, float]
    ) -> None:
        """Add a (possibly negative) load to a source, or to the site supply (None)."""
        if target is None:
            self.site_typ += typ
            self.site_np += np_
            self.site_phases[0] += phases[0]
            self.site_phases[1] += phases[1]
            self.site_phases[2] += phases[2]
            return
        acc = self.changes.get(target)
        if acc is None:
            self.changes[target] = [typ, np_, phases[0], phases[1], phases[2]]
            return
        acc[0] += typ
        acc[1] += np_
        acc[2] += phases[0]
        acc[3] += phases[1]
        acc[4] += phases[2]


def _scenario(
    graph: _Graph, normal: Flow, deliveries: Mapping[str, Delivery], lost: str
) -> Scenario:
    """The loss of ``lost`` as a delta on the normal flow (see the module docstring)."""
    dead = _dead_after(graph, lost)
    delta = _Delta()
    changes = delta.changes
    dropped: list[str] = []
    # Loads whose cords plug into a dead source move to their other cord, or drop. Dead
    # sources end at zero, so only live cords take changes.
    groups_on = graph.groups_on
    if len(dead) == 1:
        affected: Sequence[int] = groups_on.get(lost, ())
    else:
        affected = sorted({n for source_id in dead for n in groups_on.get(source_id, ())})
    groups = graph.lines.cord_groups
    for n in affected:
        group = groups[n]
        a, b = group.feed_a, group.feed_b
        before = 0.5 if a is not None and b is not None else 1.0
        live_a = a is not None and a not in dead
        live_b = b is not None and b not in dead
        after = _share(group, live_a, live_b)
        if after is None:
            dropped.extend(group.item_ids)
            after = 0.0
        k = after - before
        if not k:
            continue
        for cord, live, phases in ((a, live_a, group.phases_a), (b, live_b, group.phases_b)):
            if not live or cord is None:
                continue
            w0, w1, w2 = phases[0] * k, phases[1] * k, phases[2] * k
            typ = group.typical_w * k
            acc = changes.get(cord)
            if acc is None:
                changes[cord] = [typ, w0 + w1 + w2, w0, w1, w2]
            else:
                acc[0] += typ
                acc[1] += w0 + w1 + w2
                acc[2] += w0
                acc[3] += w1
                acc[4] += w2
    # Bottom-up over the sources whose load or upstream changed: move each one's delivery.
    rank = graph.rank
    children = graph.children
    heap = [-rank[s] for s in changes]
    for source_id in dead:
        heap.append(-rank[source_id])
        for child in children.get(source_id, ()):  # they deliver elsewhere, or nowhere
            if child.id not in dead:
                heap.append(-rank[child.id])
    heapq.heapify(heap)
    order = graph.order
    efficiency = graph.efficiency
    normal_typical = normal.typical_w
    normal_nameplate = normal.nameplate_w
    normal_phases = normal.phase_nameplate_w
    done = -1
    while heap:
        r = -heapq.heappop(heap)
        if r == done:
            continue
        done = r
        source = order[r]
        sid = source.id
        before_d = deliveries.get(sid, _NO_DELIVERY)
        if sid in dead:
            after_d = _NO_DELIVERY
        else:
            acc = changes.get(sid)
            typ, np_ = normal_typical.get(sid, 0.0), normal_nameplate.get(sid, 0.0)
            now: Sequence[float] = normal_phases.get(sid) or _NO_LOAD
            if acc is not None:
                typ, np_ = typ + acc[0], np_ + acc[1]
                now = (now[0] + acc[2], now[1] + acc[3], now[2] + acc[4])
            if typ or np_ or sid in efficiency:
                after_d = _delivery(graph, source, typ, np_, now, dead)
            else:
                after_d = _NO_DELIVERY
        if before_d == after_d:
            continue
        if before_d[0] == after_d[0]:
            target = before_d[0]
            if target != NOWHERE and target not in dead:
                bp, ap = before_d[3], after_d[3]
                delta.add(
                    target,
                    after_d[1] - before_d[1],
                    after_d[2] - before_d[2],
                    (ap[0] - bp[0], ap[1] - bp[1], ap[2] - bp[2]),
                )
                if target is not None:
                    heapq.heappush(heap, -rank[target])
            continue
        for (target, typ, np_, moved), k in ((before_d, -1.0), (after_d, 1.0)):
            if target == NOWHERE or target in dead or not (typ or np_):
                continue
            delta.add(target, k * typ, k * np_, (k * moved[0], k * moved[1], k * moved[2]))
            if target is not None:
                heapq.heappush(heap, -rank[target])
    typical: dict[str, float] = {}
    nameplate: dict[str, float] = {}
    phases_of: dict[str, list[float]] = {}
    for sid, acc in changes.items():
        if sid in dead:
            continue
        p = normal_phases.get(sid) or _NO_LOAD
        typical[sid] = normal_typical.get(sid, 0.0) + acc[0]
        nameplate[sid] = normal_nameplate.get(sid, 0.0) + acc[1]
        phases_of[sid] = [p[0] + acc[2], p[1] + acc[3], p[2] + acc[4]]
    for sid in dead:
        typical[sid] = nameplate[sid] = 0.0
        phases_of[sid] = [0.0, 0.0, 0.0]
    site_phases = normal.site_phase_nameplate_w
    d_phases = delta.site_phases
    return Scenario(
        lost,
        normal,
        dead,
        typical,
        nameplate,
        phases_of,
        dropped,
        normal.site_typical_w + delta.site_typ,
        normal.site_nameplate_w + delta.site_np,
        [site_phases[0] + d_phases[0], site_phases[1] + d_phases[1], site_phases[2] + d_phases[2]],
    )


def _as_scenario(flow: Flow, normal: Flow, graph: _Graph, lost: str) -> Scenario:
    """A fully recomputed flow as a scenario (the unwired build's assumed sharing): every
    source's load is stated, as none falls back to normal operation."""
    sources = [s.id for s in graph.lines.sources]
    return Scenario(
        lost,
        normal,
        _dead_after(graph, lost),
        {sid: flow.typical(sid) for sid in sources},
        {sid: flow.nameplate(sid) for sid in sources},
        {sid: list(flow.phases(sid)) for sid in sources},
        flow.dropped,
        flow.site_typical_w,
        flow.site_nameplate_w,
        flow.site_phase_nameplate_w,
    )
