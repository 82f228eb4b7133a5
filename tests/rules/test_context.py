"""The power flow of rules.context: cord sharing, failover, ATS, UPS losses, assumed feeds."""

from __future__ import annotations

import pytest

from rules.flow import NORMAL, Flow
from rules.model import BuildSpec
from tests.rules.builders import ats, build, ctx_of, item, pdu, server, ups


def _ab():
    return build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("s", server(1000, 600, dual=True), feed_a="pa", feed_b="pb"),
    )


def test_dual_corded_load_is_split_between_live_cords() -> None:
    """600 W typical / 1,000 W nameplate on two cords: 300 / 500 W on each PDU."""
    ctx = ctx_of(_ab())
    normal = ctx.flows[NORMAL]
    assert normal.typical_w["pa"] == pytest.approx(300)
    assert normal.typical_w["pb"] == pytest.approx(300)
    assert normal.nameplate_w["pb"] == pytest.approx(500)
    assert normal.site_typical_w == pytest.approx(600)


def test_failover_shifts_the_whole_load_to_the_survivor() -> None:
    """Losing pa: pb carries the 600 W / 1,000 W alone; nothing is dropped."""
    flow = ctx_of(_ab()).flows["pa"]
    assert flow.typical_w.get("pa", 0.0) == 0.0
    assert flow.typical_w["pb"] == pytest.approx(600)
    assert flow.nameplate_w["pb"] == pytest.approx(1000)
    assert flow.dropped == []


def test_ats_switches_to_its_b_input() -> None:
    """An ATS draws from feed_a while it lives, from feed_b when feed_a is lost."""
    spec = build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("t", ats(16), feed_a="pa", feed_b="pb"),
        item("s", server(800), feed_a="t"),
    )
    ctx = ctx_of(spec)
    assert ctx.flows[NORMAL].typical_w["pa"] == pytest.approx(800)
    assert ctx.flows[NORMAL].typical_w.get("pb", 0.0) == 0.0
    assert ctx.flows["pa"].typical_w["pb"] == pytest.approx(800)
    assert ctx.flows["pa"].dropped == []
    assert ctx.flows["t"].dropped == ["s"]  # the ATS itself is a single point


def test_ups_losses_gross_up_upstream() -> None:
    """1,000 W behind a UPS at eta 0.94 (C5): the supply sees 1,000 / 0.94 = 1,063.83 W; the
    loss 1,000 * (1/0.94 - 1) = 63.83 W is room heat."""
    spec = build(
        item("ups", ups(3.0)),
        item("p", pdu(16), feed_a="ups"),
        item("s", server(1000), feed_a="p"),
    )
    ctx = ctx_of(spec)
    assert ctx.normal.typical_w["ups"] == pytest.approx(1000)
    assert ctx.normal.site_typical_w == pytest.approx(1000 / 0.94)
    assert ctx.ups_loss_w == pytest.approx(1000 * (1 / 0.94 - 1))
    assert ctx.heat_w == pytest.approx(1000 / 0.94)


def test_ups_rides_through_the_loss_of_its_input() -> None:
    """A UPS fed from PDU 'in' keeps its load when 'in' is lost (batteries): the load stays on
    the UPS and nothing reaches the supply."""
    spec = build(
        item("in", pdu(16)),
        item("ups", ups(3.0), feed_a="in"),
        item("s", server(1000), feed_a="ups"),
    )
    flow = ctx_of(spec).flows["in"]
    assert flow.typical_w["ups"] == pytest.approx(1000)
    assert flow.site_typical_w == 0.0
    assert flow.dropped == []


def test_assumed_feeds_share_ups_lines_by_kw() -> None:
    """Unwired: 900 W over a 3 kW and a 6 kW UPS line: 300 W and 600 W; feeds_assumed."""
    spec = build(
        item("u3", ups(3.75, 3.0)),
        item("u6", ups(7.5, 6.0)),
        item("s", server(900)),
    )
    ctx = ctx_of(spec)
    assert ctx.feeds_assumed
    assert ctx.normal.typical_w["u3"] == pytest.approx(300)
    assert ctx.normal.typical_w["u6"] == pytest.approx(600)
    # Losing u6 puts everything on u3.
    assert ctx.flows["u6"].typical_w["u3"] == pytest.approx(900)


def test_phase_split_round_robin_and_explicit() -> None:
    """Units dealt L1, L2, L3 in turn; an explicit phase takes all of a line."""
    spec = build(
        item("p", pdu(16, phases=3)),
        item("a", server(100), quantity=4, feed_a="p"),  # L1, L2, L3, L1
        item("b", server(50), feed_a="p", phase=3),
    )
    phases = ctx_of(spec).normal.phase_nameplate_w["p"]
    assert phases == pytest.approx([200, 100, 150])


# --------------------------------------------------------------------------- islands


def _flows_equal(a: Flow, b: Flow) -> None:
    def nonzero(d: dict[str, float]) -> dict[str, float]:
        return {k: v for k, v in d.items() if v}

    assert nonzero(a.typical_w) == pytest.approx(nonzero(b.typical_w))
    assert nonzero(a.nameplate_w) == pytest.approx(nonzero(b.nameplate_w))
    phases_a = {k: v for k, v in a.phase_nameplate_w.items() if any(v)}
    phases_b = {k: v for k, v in b.phase_nameplate_w.items() if any(v)}
    assert phases_a.keys() == phases_b.keys()
    for key, value in phases_a.items():
        assert value == pytest.approx(phases_b[key])
    assert a.site_typical_w == pytest.approx(b.site_typical_w)
    assert a.site_nameplate_w == pytest.approx(b.site_nameplate_w)
    assert sorted(a.dropped) == sorted(b.dropped)


def _three_rack_room() -> BuildSpec:
    """Three independent racks (UPS, A/B PDUs, dual-corded servers) plus an ATS-fed switch."""
    items = []
    for r in (1, 2, 3):
        items += [
            item(f"u{r}", ups(10.0, 9.0)),
            item(f"pa{r}", pdu(16), feed_a=f"u{r}"),
            item(f"pb{r}", pdu(16), feed_a=f"u{r}"),
            item(f"s{r}", server(400 * r, dual=True), feed_a=f"pa{r}", feed_b=f"pb{r}"),
            item(f"n{r}", server(90), feed_a=f"pa{r}"),
        ]
    items += [
        item("t", ats(16), feed_a="pa1", feed_b="pb2"),  # couples racks 1 and 2
        item("sw", server(60), feed_a="t"),
        item("lamp", server(30)),  # on the site supply, in no island
    ]
    return build(*items)


def test_island_scenarios_equal_whole_build_recomputation() -> None:
    """Each lost-source flow built from its island equals recomputing the whole build."""
    ctx = ctx_of(_three_rack_room())
    power = ctx.power
    islands = {id(island) for island in power._islands.values()}
    assert len(islands) == 2  # racks 1+2 (coupled by the ATS) and rack 3
    for source in ctx.sources:
        _flows_equal(ctx.flows[source.id], power._flow(source.id))
    _flows_equal(ctx.normal, power._flow(None))
