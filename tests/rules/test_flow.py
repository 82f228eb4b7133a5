"""The power flow of rules.derive.flow: cord sharing, failover, ATS, UPS losses, assumed feeds,
and scenarios computed as deltas that equal recomputing the whole build."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings

from rules.derive import derive
from rules.derive.flow import Flow, Scenario, _graph, full_flow
from rules.derive.lines import derive_lines
from rules.model import BuildSpec
from tests.rules.builders import ats, build, ctx_of, item, pdu, server, ups
from tests.rules.test_properties import build_specs


def _ab():
    return build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("s", server(1000, 600, dual=True), feed_a="pa", feed_b="pb"),
    )


def test_dual_corded_load_is_split_between_live_cords() -> None:
    """600 W typical / 1,000 W nameplate on two cords: 300 / 500 W on each PDU."""
    normal = ctx_of(_ab()).flow.normal
    assert normal.typical("pa") == pytest.approx(300)
    assert normal.typical("pb") == pytest.approx(300)
    assert normal.nameplate("pb") == pytest.approx(500)
    assert normal.site_typical_w == pytest.approx(600)


def test_failover_shifts_the_whole_load_to_the_survivor() -> None:
    """Losing pa: pb carries the 600 W / 1,000 W alone; nothing is dropped."""
    scenario = ctx_of(_ab()).flow.by_lost["pa"]
    assert scenario.typical("pa") == 0.0
    assert scenario.typical("pb") == pytest.approx(600)
    assert scenario.nameplate("pb") == pytest.approx(1000)
    assert scenario.dropped == []


def test_ats_switches_to_its_b_input() -> None:
    """An ATS draws from feed_a while it lives, from feed_b when feed_a is lost."""
    spec = build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("t", ats(16), feed_a="pa", feed_b="pb"),
        item("s", server(800), feed_a="t"),
    )
    flow = ctx_of(spec).flow
    assert flow.normal.typical("pa") == pytest.approx(800)
    assert flow.normal.typical("pb") == 0.0
    assert flow.by_lost["pa"].typical("pb") == pytest.approx(800)
    assert flow.by_lost["pa"].dropped == []
    assert flow.by_lost["t"].dropped == ["s"]  # the ATS itself is a single point


def test_ups_losses_gross_up_upstream() -> None:
    """1,000 W behind a UPS at eta 0.94 (C5): the supply sees 1,000 / 0.94 = 1,063.83 W; the
    loss 1,000 * (1/0.94 - 1) = 63.83 W is room heat."""
    spec = build(
        item("ups", ups(3.0)),
        item("p", pdu(16), feed_a="ups"),
        item("s", server(1000), feed_a="p"),
    )
    d = ctx_of(spec)
    assert d.flow.normal.typical("ups") == pytest.approx(1000)
    assert d.flow.normal.site_typical_w == pytest.approx(1000 / 0.94)
    assert d.thermal.ups_loss_w == pytest.approx(1000 * (1 / 0.94 - 1))
    assert d.thermal.heat_w == pytest.approx(1000 / 0.94)


def test_ups_rides_through_the_loss_of_its_input() -> None:
    """A UPS fed from PDU 'in' keeps its load when 'in' is lost (batteries): the load stays on
    the UPS and nothing reaches the supply."""
    spec = build(
        item("in", pdu(16)),
        item("ups", ups(3.0), feed_a="in"),
        item("s", server(1000), feed_a="ups"),
    )
    scenario = ctx_of(spec).flow.by_lost["in"]
    assert scenario.typical("ups") == pytest.approx(1000)
    assert scenario.site_typical_w == pytest.approx(0.0, abs=1e-9)
    assert scenario.dropped == []


def test_assumed_feeds_share_ups_lines_by_kw() -> None:
    """Unwired: 900 W over a 3 kW and a 6 kW UPS line: 300 W and 600 W; feeds_assumed."""
    spec = build(
        item("u3", ups(3.75, 3.0)),
        item("u6", ups(7.5, 6.0)),
        item("s", server(900)),
    )
    d = ctx_of(spec)
    assert d.lines.feeds_assumed
    assert d.flow.normal.typical("u3") == pytest.approx(300)
    assert d.flow.normal.typical("u6") == pytest.approx(600)
    # Losing u6 puts everything on u3.
    assert d.flow.by_lost["u6"].typical("u3") == pytest.approx(900)


def test_phase_split_round_robin_and_explicit() -> None:
    """Units dealt L1, L2, L3 in turn; an explicit phase takes all of a line."""
    spec = build(
        item("p", pdu(16, phases=3)),
        item("a", server(100), quantity=4, feed_a="p"),  # L1, L2, L3, L1
        item("b", server(50), feed_a="p", phase=3),
    )
    assert list(ctx_of(spec).flow.normal.phases("p")) == pytest.approx([200, 100, 150])


def test_failover_lists_a_source_whose_phases_move_at_the_same_total() -> None:
    """A loss that moves load between a source's phases without changing its total still
    counts as failover: 'p' is three-phase, fed 'a' (on L1, 1,000 W) from both 'p' and 'q' and
    'b' (on L2, 500 W) from 'p' alone... Losing 'q' puts all of 'a' on 'p' L1 (1,000 W)."""
    spec = build(
        item("p", pdu(16, phases=3)),
        item("q", pdu(16, phases=3)),
        item("a", server(1000, dual=True), feed_a="p", feed_b="q", phase=1),
        item("b", server(500), feed_a="p", phase=2),
    )
    d = ctx_of(spec)
    assert list(d.flow.normal.phases("p")) == pytest.approx([500, 500, 0])
    assert [s.lost for s in d.flow.failover("p")] == ["q"]
    assert list(d.flow.by_lost["q"].phases("p")) == pytest.approx([1000, 500, 0])
    worst = d.electrical.currents["p"].worst_by_phase
    assert worst[0] == pytest.approx(1000 / (230 * 0.95))


# --------------------------------------------------------------------------- deltas


def _equal(scenario: Flow | Scenario, full: Flow, sources: Sequence[str]) -> None:
    for sid in sources:
        assert scenario.typical(sid) == pytest.approx(full.typical(sid), rel=1e-9, abs=1e-6)
        assert scenario.nameplate(sid) == pytest.approx(full.nameplate(sid), rel=1e-9, abs=1e-6)
        assert list(scenario.phases(sid)) == pytest.approx(
            list(full.phases(sid)), rel=1e-9, abs=1e-6
        )
    assert scenario.site_typical_w == pytest.approx(full.site_typical_w, rel=1e-9, abs=1e-6)
    assert scenario.site_nameplate_w == pytest.approx(full.site_nameplate_w, rel=1e-9, abs=1e-6)
    assert sorted(scenario.dropped) == sorted(full.dropped)


def _deltas_equal_recomputation(spec: BuildSpec) -> None:
    d = derive(spec)
    graph = _graph(d.lines)
    sources = [s.id for s in d.lines.sources]
    _equal(d.flow.normal, full_flow(graph, None), sources)
    for source in d.lines.sources:
        scenario = d.flow.by_lost[source.id]
        full = full_flow(graph, source.id)
        _equal(scenario, full, sources)
        # A source is listed for failover exactly when its load in the scenario differs.
        for sid in sources:
            differs = sid not in scenario.dead and (
                full.nameplate(sid) != pytest.approx(d.flow.normal.nameplate(sid), abs=1e-6)
                or list(full.phases(sid))
                != pytest.approx(list(d.flow.normal.phases(sid)), abs=1e-6)
            )
            if differs:
                assert scenario in d.flow.failover(sid)


def _three_rack_room() -> BuildSpec:
    """Three racks (UPS, A/B PDUs, dual-corded servers), an ATS coupling racks 1 and 2, and a
    load on the site supply."""
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
        item("t", ats(16), feed_a="pa1", feed_b="pb2"),
        item("sw", server(60), feed_a="t"),
        item("lamp", server(30)),
    ]
    return build(*items)


def test_scenarios_as_deltas_equal_whole_build_recomputation() -> None:
    """Each loss computed as a delta on normal operation equals recomputing the whole build."""
    _deltas_equal_recomputation(_three_rack_room())


def test_a_loss_touches_only_what_it_feeds_and_what_feeds_it() -> None:
    """Losing rack 3's PDU A changes rack 3's sources alone, never racks 1 and 2."""
    scenario = ctx_of(_three_rack_room()).flow.by_lost["pa3"]
    assert set(scenario.nameplate_w) <= {"pa3", "pb3", "u3"}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(build_specs(max_items=14))
def test_properties_deltas_equal_recomputation(spec: BuildSpec) -> None:
    """For any valid build, every delta scenario equals recomputing the whole build."""
    _deltas_equal_recomputation(spec)


def test_lines_pass_is_linear_bookkeeping() -> None:
    """The lines pass groups consumers by their pair of cords and counts units per component."""
    spec = build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("s1", server(100, dual=True), feed_a="pa", feed_b="pb"),
        item("s2", server(100, dual=True), feed_a="pa", feed_b="pb", quantity=2),
    )
    lines = derive_lines(spec)
    assert len(lines.cord_groups) == 1
    assert lines.cord_groups[0].item_ids == ["s1", "s2"]
    assert lines.it_nameplate_w == pytest.approx(300)
