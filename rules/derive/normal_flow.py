"""The normal power flow of a build: the source graph, what every source carries in normal
operation (or, recomputed over the whole build, with a source lost), what each source passes
upstream, and the VA behind each source. See rules.derive.flow for the model."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.derive.lines import CordGroup, Lines, ups_efficiency, ups_spec
from rules.model import PlacedItem
from rules.specs import Kind, Policy

__all__ = [
    "NORMAL",
    "NOWHERE",
    "ApparentPower",
    "Delivery",
    "Flow",
    "full_flow",
    "normal_apparent_power",
    "ups_recharge_w",
]

NORMAL = "normal"
_NO_LOAD: tuple[float, float, float] = (0.0, 0.0, 0.0)
Set_ = set[str] | frozenset[str]
NOWHERE = ""  # where a UPS on battery delivers: no item has an empty id
_NONE_DEAD: frozenset[str] = frozenset()


@dataclass(slots=True)
class Flow:
    """Loads of every source in one state of the build (normal operation, or a full scenario).

    Per source, on its output side: typical W, nameplate W and nameplate W per phase (index
    0..2; a single-phase source carries everything on index 0); and what the site supply gives.
    """

    lost: str | None
    typical_w: dict[str, float]
    nameplate_w: dict[str, float]
    phase_nameplate_w: dict[str, list[float]]
    dropped: list[str]
    site_typical_w: float = 0.0
    site_nameplate_w: float = 0.0
    # Nameplate W on each phase of the site supply (index 0 on a single-phase supply).
    site_phase_nameplate_w: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])

    def typical(self, source_id: str) -> float:
        """Typical W a source carries."""
        return self.typical_w.get(source_id, 0.0)

    def nameplate(self, source_id: str) -> float:
        """Nameplate W a source carries."""
        return self.nameplate_w.get(source_id, 0.0)

    def phases(self, source_id: str) -> Sequence[float]:
        """Nameplate W on each phase of a source."""
        return self.phase_nameplate_w.get(source_id) or _NO_LOAD


# --------------------------------------------------------------------------- the graph


@dataclass(frozen=True, slots=True)
class _Graph:
    """The source graph of one build, indexed for the scenario walks."""

    lines: Lines
    order: Sequence[PlacedItem]  # top-down: every source after all of its upstream sources
    rank: Mapping[str, int]  # place of each source in ``order``
    children: Mapping[str, Sequence[PlacedItem]]  # sources plugged into each source
    groups_on: Mapping[str, Sequence[int]]  # cord groups (by index) with a cord on each source
    efficiency: Mapping[str, float]  # per UPS line (C5)
    recharge_w: Mapping[str, float]  # per UPS line: what its input draws to recharge (conv)
    ats: frozenset[str]


def _graph(lines: Lines) -> _Graph:
    depth: dict[str, int] = {}
    by_id = lines.by_id

    def depth_of(source_id: str) -> int:
        known = depth.get(source_id)
        if known is not None:
            return known
        source = by_id[source_id]
        ups = [u for u in (source.feed_a, source.feed_b) if u is not None]
        depth[source_id] = 1 + max((depth_of(u) for u in ups), default=-1)
        return depth[source_id]

    order = sorted(lines.sources, key=lambda s: depth_of(s.id))
    children: dict[str, list[PlacedItem]] = defaultdict(list)
    for source in order:
        for up in (source.feed_a, source.feed_b):
            if up is not None:
                children[up].append(source)
    groups_on: dict[str, list[int]] = defaultdict(list)
    for n, group in enumerate(lines.cord_groups):
        if group.feed_a is not None:
            groups_on[group.feed_a].append(n)
        if group.feed_b is not None and group.feed_b != group.feed_a:
            groups_on[group.feed_b].append(n)
    return _Graph(
        lines=lines,
        order=order,
        rank={s.id: n for n, s in enumerate(order)},
        children=children,
        groups_on=groups_on,
        efficiency={u.id: ups_efficiency(u, lines.policy) for u in lines.ups_lines},
        recharge_w={u.id: ups_recharge_w(u, lines.policy) for u in lines.ups_lines},
        ats=frozenset(s.id for s in lines.sources if s.component.kind is Kind.ATS),
    )


def ups_recharge_w(ups: PlacedItem, policy: Policy) -> float:
    """Input power a UPS line draws to recharge its batteries: ``policy.ups_recharge_fraction``
    of its rated kW (conv), carried by every circuit upstream of it (C2: circuits are sized on
    nameplate)."""
    return policy.ups_recharge_fraction * ups_spec(ups).rated_kw * 1000 * ups.quantity


def _dies(source: PlacedItem, dead: set[str]) -> bool:
    """Whether a source dies given which sources upstream of it are dead.

    A UPS rides through the loss of its input on its batteries; a PDU dies with its upstream;
    an ATS lives while either input lives.
    """
    kind = source.component.kind
    if kind is Kind.UPS:
        return False
    a, b = source.feed_a, source.feed_b
    if kind is Kind.ATS:
        a_live = a is None or a not in dead
        b_live = b is not None and b not in dead
        return not (a_live or b_live)
    return a is not None and a in dead


def _dead_after(graph: _Graph, lost: str) -> set[str]:
    """The lost source and every source that dies with it, found from its descendants only."""
    dead = {lost}
    if lost not in graph.children:
        return dead  # nothing is plugged into it
    heap: list[tuple[int, str]] = []
    queued: set[str] = set()

    def push_children(source_id: str) -> None:
        for child in graph.children.get(source_id, ()):
            if child.id not in queued:
                queued.add(child.id)
                heapq.heappush(heap, (graph.rank[child.id], child.id))

    push_children(lost)
    by_id = graph.lines.by_id
    while heap:  # top-down, so every upstream is decided before its children
        _, source_id = heapq.heappop(heap)
        if _dies(by_id[source_id], dead):
            dead.add(source_id)
            push_children(source_id)
    return dead


# --------------------------------------------------------------------------- normal and full flows


def _share(group: CordGroup, live_a: bool, live_b: bool) -> float | None:
    """Share of a group's load on each live cord, or None when the group drops.

    A dual-corded load shares its live cords equally (reference 1, "Per phase"); on one live
    cord it needs its supplies on that cord to carry it (``rides_on_*``).
    """
    a, b = group.feed_a, group.feed_b
    if not (live_a or live_b):
        return None
    if (live_a and b is not None and not live_b and not group.rides_on_a) or (
        live_b and a is not None and not live_a and not group.rides_on_b
    ):
        return None  # its supplies on one cord cannot carry it
    return 0.5 if live_a and live_b else 1.0


def _upstream_of(graph: _Graph, source: PlacedItem, dead: Set_) -> str | None:
    """Where a source delivers its load: a source id, None for the site supply, or ``NOWHERE``
    (a UPS on battery because its upstream is dead)."""
    upstream = source.feed_a
    if upstream is not None and upstream in dead and source.id in graph.ats:
        upstream = source.feed_b
    if upstream is None:
        return None
    if upstream in dead:
        return NOWHERE
    return upstream


def full_flow(graph: _Graph, lost: str | None) -> Flow:
    """Loads of every source with ``lost`` failed (None: normal operation), over the whole build."""
    lines = graph.lines
    dead: Set_ = _dead_after(graph, lost) if lost is not None else frozenset()
    typical: dict[str, float] = defaultdict(float)
    nameplate: dict[str, float] = defaultdict(float)
    on_phases: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    flow = Flow(lost, typical, nameplate, on_phases, [])
    if lines.feeds_assumed:
        _assumed(graph, flow, dead)
        return flow
    for group in lines.cord_groups:
        a, b = group.feed_a, group.feed_b
        if a is None and b is None:
            flow.site_typical_w += group.typical_w
            flow.site_nameplate_w += group.nameplate_w
            site = flow.site_phase_nameplate_w
            p = group.phases_a  # a load on the site supply deals its cords to the site's phases
            site[0] += p[0]
            site[1] += p[1]
            site[2] += p[2]
            continue
        live_a = a is not None and a not in dead
        live_b = b is not None and b not in dead
        share = _share(group, live_a, live_b)
        if share is None:
            flow.dropped.extend(group.item_ids)
            continue
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
    for source in reversed(graph.order):
        sid = source.id
        if sid in dead:
            continue
        typ = typical.get(sid, 0.0)
        np_ = nameplate.get(sid, 0.0)
        if typ or np_ or sid in graph.efficiency:
            _deliver(graph, flow, _delivery(graph, source, typ, np_, flow.phases(sid), dead))
    return flow


def _assumed(graph: _Graph, flow: Flow, dead: Set_) -> None:
    """Unwired build: every consumer shares all live UPS lines in proportion to kW."""
    lines = graph.lines
    live = [u for u in lines.ups_lines if u.id not in dead]
    kw = {u.id: ups_spec(u).rated_kw * u.quantity for u in lines.ups_lines}
    total_kw = sum(kw[u.id] for u in live)
    typ = sum(g.typical_w for g in lines.cord_groups)
    np_ = sum(g.nameplate_w for g in lines.cord_groups)
    if total_kw <= 0:
        flow.dropped.extend(i for g in lines.cord_groups for i in g.item_ids)
        return
    for ups in live:
        share = kw[ups.id] / total_kw
        flow.typical_w[ups.id] += typ * share
        flow.nameplate_w[ups.id] += np_ * share
        # Balanced three-phase assumption: nothing is wired yet.
        phases = flow.phase_nameplate_w[ups.id]
        if lines.phases.get(ups.id) == 3:
            for p in range(3):
                phases[p] += np_ * share / 3
        else:
            phases[0] += np_ * share
    for source in reversed(graph.order):
        sid = source.id
        if sid in dead:
            continue
        typ_s, np_s = flow.typical(sid), flow.nameplate(sid)
        if typ_s or np_s or sid in graph.efficiency:
            _deliver(graph, flow, _delivery(graph, source, typ_s, np_s, flow.phases(sid), dead))


def _deliver(graph: _Graph, flow: Flow, delivery: Delivery) -> None:
    """Add a source's delivery to the source upstream of it, or to the site supply."""
    upstream, typ, np_, phases = delivery
    if upstream == NOWHERE:
        return  # the UPS runs on battery; nothing reaches the dead upstream
    if upstream is None:
        flow.site_typical_w += typ
        flow.site_nameplate_w += np_
        at = flow.site_phase_nameplate_w
    else:
        flow.typical_w[upstream] += typ
        flow.nameplate_w[upstream] += np_
        at = flow.phase_nameplate_w[upstream]
    at[0] += phases[0]
    at[1] += phases[1]
    at[2] += phases[2]


# What a source passes upstream: (target, typical W, nameplate W, nameplate W per phase of the
# target), the target being a source id, None for the site supply or NOWHERE.
Delivery = tuple[str | None, float, float, tuple[float, float, float]]
_NO_DELIVERY: Delivery = (NOWHERE, 0.0, 0.0, _NO_LOAD)
_ON_L1 = (1.0, 0.0, 0.0)


def _delivery(
    graph: _Graph,
    source: PlacedItem,
    typ: float,
    np_: float,
    phases: Sequence[float],
    dead: Set_,
) -> Delivery:
    """Where a source's load goes upstream and how much.

    A UPS's input is its output grossed up by its losses (C5) plus its recharge allowance
    (conv); a PDU or ATS passes its load on as it is. The load lands on the upstream's phases
    as ``Lines.phase_split`` says: dealt, balanced, or passed through phase by phase.
    """
    sid = source.id
    eff = graph.efficiency.get(sid)
    if eff is not None:
        typ, np_ = typ / eff, np_ / eff + graph.recharge_w[sid]
    # Where it delivers, as ``_upstream_of`` says.
    upstream = source.feed_a
    if upstream is not None and upstream in dead:
        if sid in graph.ats:
            upstream = source.feed_b
        if upstream is not None and upstream in dead:
            return NOWHERE, typ, np_, _NO_LOAD
    split = graph.lines.phase_split.get((sid, upstream), _ON_L1)
    if split is None:  # a three-phase PDU or ATS: each phase's load passes straight through
        r = graph.lines.phase_rotation.get((sid, upstream), 0)
        if r == 0:
            return upstream, typ, np_, (phases[0], phases[1], phases[2])
        w = [0.0, 0.0, 0.0]
        for p in range(3):
            w[(p + r) % 3] = phases[p]
        return upstream, typ, np_, (w[0], w[1], w[2])
    return upstream, typ, np_, (np_ * split[0], np_ * split[1], np_ * split[2])


@dataclass(frozen=True, slots=True)
class ApparentPower:
    """VA each source carries in normal operation, typical and nameplate, and the site's."""

    typical_va: Mapping[str, float]
    nameplate_va: Mapping[str, float]
    site_typical_va: float
    site_nameplate_va: float


def normal_apparent_power(
    graph: _Graph, normal: Flow, input_pf: Mapping[str, float]
) -> ApparentPower:
    """The VA behind each source in normal operation: its loads' VA (W / PF, C3) as delivered.

    A PDU or ATS passes its loads' VA on. A UPS draws from upstream at its own input PF
    (``input_pf`` per UPS line: a double-conversion rectifier's, S26) when one is given, else
    its load's VA grossed up like its W (losses and recharge at the load's PF).
    """
    lines = graph.lines
    typ_va: dict[str, float] = defaultdict(float)
    np_va: dict[str, float] = defaultdict(float)
    site_typ = site_np = 0.0
    groups = lines.cord_groups
    if lines.feeds_assumed:
        kw = {u.id: ups_spec(u).rated_kw * u.quantity for u in lines.ups_lines}
        total_kw = sum(kw.values())
        if total_kw > 0:
            t, n = sum(g.typical_va for g in groups), sum(g.nameplate_va for g in groups)
            for ups in lines.ups_lines:
                typ_va[ups.id] += t * kw[ups.id] / total_kw
                np_va[ups.id] += n * kw[ups.id] / total_kw
    else:
        for group in groups:
            a, b = group.feed_a, group.feed_b
            if a is None and b is None:
                site_typ += group.typical_va
                site_np += group.nameplate_va
                continue
            share = 0.5 if a is not None and b is not None else 1.0
            for cord in (a, b):
                if cord is not None:
                    typ_va[cord] += group.typical_va * share
                    np_va[cord] += group.nameplate_va * share
    for source in reversed(graph.order):
        sid = source.id
        upstream = _upstream_of(graph, source, _NONE_DEAD)
        if upstream == NOWHERE:
            continue
        t_out, n_out = typ_va.get(sid, 0.0), np_va.get(sid, 0.0)
        eff = graph.efficiency.get(sid)
        if eff is not None:  # a UPS: what its input draws
            w_typ = normal.typical(sid) / eff
            w_np = normal.nameplate(sid) / eff + graph.recharge_w[sid]
            pf = input_pf.get(sid)
            if pf is not None:
                t_out, n_out = w_typ / pf, w_np / pf
            else:
                t_pf = normal.typical(sid) / t_out if t_out > 0 else 1.0
                n_pf = normal.nameplate(sid) / n_out if n_out > 0 else 1.0
                t_out, n_out = w_typ / t_pf, w_np / n_pf
        if not (t_out or n_out):
            continue
        if upstream is None:
            site_typ += t_out
            site_np += n_out
        else:
            typ_va[upstream] += t_out
            np_va[upstream] += n_out
    return ApparentPower(typ_va, np_va, site_typ, site_np)
