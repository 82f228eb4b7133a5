"""The power graph of a build: what may feed what (one rule for the engine and the configurator).

Every ``feed_a`` / ``feed_b`` names another item of the build that is a power source (PDU, ATS
or UPS), never the item itself; and walking upstream from any item must end at the site supply,
so the graph is a forest, never a loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from rules.specs import AtsSpec, ComponentSpec, ItSpec, Kind

__all__ = [
    "POWER_SOURCE_KINDS",
    "FeedNode",
    "FeedProblem",
    "feed_loop",
    "feed_problems",
    "supply_count",
]

POWER_SOURCE_KINDS = frozenset({Kind.PDU, Kind.ATS, Kind.UPS})
# Kinds that draw no power of their own: nothing to feed.
UNPOWERED_KINDS = frozenset({Kind.RACK, Kind.BATTERY, Kind.BUNDLE})


def supply_count(component: ComponentSpec) -> int:
    """How many power inputs (supplies, cords) a component has: what its feeds can be.

    IT gear has its ``psu_count`` (the engine deals one cord per supply, ``rules.derive.lines``);
    an ATS has its two inputs (feed A and B); a rack, a battery pack, a bundle and a passive
    accessory with no draw have none; any other powered part has one. Feed B is for two or more.
    """
    spec = component.spec
    if component.kind in UNPOWERED_KINDS:
        return 0
    if isinstance(spec, ItSpec):
        return spec.psu_count
    if isinstance(spec, AtsSpec) or component.kind is Kind.ATS:
        return 2
    if component.kind is Kind.ACCESSORY and not component.power_known:
        return 0
    return 1


FeedField = Literal["feed_a", "feed_b"]


class FeedNode(NamedTuple):
    """What the feed rules need of one item: its kind and the sources its cords name."""

    kind: Kind
    feed_a: str | None
    feed_b: str | None


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """One broken feed: a stable code, where it is, and a sentence."""

    code: Literal["unknown_source", "not_a_source", "feeds_itself", "loop"]
    item_id: str
    field: FeedField
    source_id: str
    message: str
    loop: tuple[str, ...] = ()  # for ``loop``: the items around it, the first one repeated


def feed_problems(nodes: Mapping[str, FeedNode]) -> list[FeedProblem]:
    """Every broken reference in item order, then the first loop, if any."""
    problems: list[FeedProblem] = []
    fields: tuple[FeedField, FeedField] = ("feed_a", "feed_b")
    for item_id, node in nodes.items():
        for field, source_id in zip(fields, (node.feed_a, node.feed_b), strict=True):
            if source_id is None:
                continue
            source = nodes.get(source_id)
            if source is None:
                problems.append(
                    FeedProblem(
                        "unknown_source",
                        item_id,
                        field,
                        source_id,
                        f"no item {source_id!r} in this build",
                    )
                )
            elif source.kind not in POWER_SOURCE_KINDS:
                problems.append(
                    FeedProblem(
                        "not_a_source",
                        item_id,
                        field,
                        source_id,
                        f"{source_id!r} is a {source.kind.value}, not a PDU, ATS or UPS",
                    )
                )
            elif source_id == item_id:
                problems.append(
                    FeedProblem(
                        "feeds_itself",
                        item_id,
                        field,
                        source_id,
                        "an item cannot feed itself",
                    )
                )
    if not problems:
        walk = _UpstreamWalk(nodes)
        for item_id in nodes:
            loop = walk.loop_from(item_id)
            if loop is not None:
                node = nodes[loop[0]]
                problems.append(
                    FeedProblem(
                        "loop",
                        loop[0],
                        fields[0] if node.feed_a == loop[1] else fields[1],
                        loop[1],
                        f"power feeds form a loop: {' -> '.join(loop)}",
                        loop,
                    )
                )
                break
    return problems


def feed_loop(nodes: Mapping[str, FeedNode], start: str) -> tuple[str, ...] | None:
    """The first loop met walking upstream from ``start`` (depth first, A before B), as the
    items around it with the first one repeated; None when every path reaches the supply."""
    return _UpstreamWalk(nodes).loop_from(start)


class _UpstreamWalk:
    """Depth-first walks upstream that remember which items reach the supply, so walking from
    every item of a build costs one pass over its feeds."""

    def __init__(self, nodes: Mapping[str, FeedNode]) -> None:
        self.nodes = nodes
        self.state: dict[str, int] = {}  # 1 = on the current path, 2 = reaches the supply
        self.path: list[str] = []

    def loop_from(self, item_id: str) -> tuple[str, ...] | None:
        """The loop met from ``item_id``, or None."""
        mark = self.state.get(item_id)
        if mark == 2:
            return None
        if mark == 1:
            return (*self.path[self.path.index(item_id) :], item_id)
        node = self.nodes.get(item_id)
        if node is not None and (node.feed_a is not None or node.feed_b is not None):
            self.state[item_id] = 1
            self.path.append(item_id)
            for upstream in (node.feed_a, node.feed_b):
                if upstream is not None:
                    found = self.loop_from(upstream)
                    if found is not None:
                        return found
            self.path.pop()
        self.state[item_id] = 2
        return None
