"""Sources judged as wired: inputs matched to what feeds them, UPS output phases, UPS inlets,
cords spread over phases, N+N supplies, PDU capacity beside its load (reference 1; C2-C7)."""

from __future__ import annotations

import pytest

from rules import evaluate
from rules.checks.power.distribution import pdu_current, source_mismatch
from rules.checks.power.failover import feed_failover, psu_redundancy
from rules.checks.power.ups import ups_inlet, ups_phase_current
from rules.model import Severity
from rules.specs import ComponentSpec, ItSpec, Kind, Site
from tests.rules.builders import build, codes, component, ctx_of, item, pdu, server, ups

THREE_PHASE = Site(ambient_min_c=20, supply_phases=3, supply_voltage_v=230, supply_breaker_a=63)


# --------------------------------------------------------------------------- matching inputs


def test_three_phase_ups_on_a_single_phase_site_is_a_mismatch() -> None:
    """A UPS with a three-phase input cannot be fed from a single-phase supply."""
    spec = build(item("u", ups(10.0, 9.0, input_phases=3)))
    (found,) = run_codes(spec)
    assert found.code == "power.source_mismatch"
    assert found.subject == ("u",)
    assert (found.value, found.limit, found.unit) == (3.0, 1.0, "phases")


def test_three_phase_pdu_on_a_single_phase_ups_output_is_a_mismatch() -> None:
    """A 3-phase PDU fed by a UPS with a single-phase output: its input has one phase."""
    spec = build(
        item("u", ups(10.0, 9.0)),
        item("p", pdu(16, phases=3), feed_a="u"),
        site=THREE_PHASE,
    )
    (found,) = run_codes(spec)
    assert found.subject == ("p", "u")
    assert "three-phase input" in found.message


def test_matching_sources_pass() -> None:
    """A 3-phase UPS on a 3-phase site with a 3-phase output feeding a 3-phase PDU holds."""
    spec = build(
        item("u", ups(10.0, 9.0, input_phases=3, output_phases=3)),
        item("p", pdu(16, phases=3), feed_a="u"),
        site=THREE_PHASE,
    )
    assert run_codes(spec) == []


@pytest.mark.parametrize(("pdu_v", "fails"), [(207.0, False), (206.9, True), (120.0, True)])
def test_voltage_mismatch_edge(pdu_v: float, fails: bool) -> None:
    """IEC 60038: within 10 % of the 230 V it is fed: 207 V holds, 206.9 V and 120 V do not."""
    spec = build(item("u", ups(3.0)), item("p", pdu(16, voltage_v=pdu_v), feed_a="u"))
    assert [f.code for f in run_codes(spec)] == (["power.source_mismatch"] if fails else [])


def run_codes(spec):  # type: ignore[no-untyped-def]
    return list(source_mismatch(ctx_of(spec)))


# --------------------------------------------------------------------------- UPS output phases


def _three_phase_ups(l1_w: float, l2_w: float = 0.0):  # type: ignore[no-untyped-def]
    """A 10 kVA / 10 kW 3-phase UPS (output 230 V per phase): per-phase limit
    0.8 x 10,000 / (3 x 230) = 11.594 A; a single-phase 'heavy' load on L1, another on L2."""
    return build(
        item("u", ups(10.0, 10.0, input_phases=3, output_phases=3)),
        item("heavy", server(l1_w, pf=1.0), feed_a="u", phase=1),
        item("light", server(max(l2_w, 1.0), pf=1.0), feed_a="u", phase=2),
        site=THREE_PHASE,
    )


@pytest.mark.parametrize(("l1_w", "fails"), [(2666.6, False), (2666.7, True)])
def test_ups_output_phase_edge(l1_w: float, fails: bool) -> None:
    """L1 at PF 1: 11.594 A x 230 V = 2,666.67 W; the total (2.67 kW of 8 kVA) holds."""
    found = list(ups_phase_current(ctx_of(_three_phase_ups(l1_w))))
    assert codes(found) == (["power.ups_phase_current"] if fails else [])
    if fails:
        assert found[0].limit == pytest.approx(0.8 * 10_000 / (3 * 230))
        assert found[0].value == pytest.approx(l1_w / 230)


def test_ups_output_phase_not_reported_when_the_total_is_over() -> None:
    """Over the kVA rating altogether, the total's finding says it (ups_kva_capacity)."""
    spec = _three_phase_ups(8500, 1000)
    assert list(ups_phase_current(ctx_of(spec))) == []
    assert "power.ups_kva_capacity" in codes(evaluate(spec).findings)


# --------------------------------------------------------------------------- UPS inlet


@pytest.mark.parametrize(("load_w", "fails"), [(1458.5, False), (1458.6, True)])
def test_ups_inlet_edge(load_w: float, fails: bool) -> None:
    """A 3 kVA / 2.7 kW online UPS with a 10 A inlet may draw u x 10 = 8 A; at 230 V and its
    input PF of 0.99 that is 1,821.6 W. Less the 270 W recharge (10 % of 2.7 kW) and at
    efficiency 0.94, its output may reach (1,821.6 - 270) x 0.94 = 1,458.50 W."""
    spec = build(
        item("u", ups(3.0, 2.7, input_current_a=10, topology="online_double_conversion")),
        item("s", server(load_w, pf=1.0), feed_a="u"),
        site=Site(ambient_min_c=20, supply_breaker_a=16),
    )
    found = list(ups_inlet(ctx_of(spec)))
    assert codes(found) == (["power.ups_inlet"] if fails else [])
    assert ctx_of(spec).ups["u"].input_current_a == pytest.approx(
        (load_w / 0.94 + 270) / (230 * 0.99)
    )


def test_ups_inlet_on_a_smaller_supply_warns() -> None:
    """A 32 A inlet on a 16 A site breaker: the supply trips before the UPS's own limit."""
    spec = build(
        item("u", ups(6.0, 5.4, input_current_a=32)),
        item("s", server(500), feed_a="u"),
        site=Site(ambient_min_c=20, supply_breaker_a=16),
    )
    (found,) = ups_inlet(ctx_of(spec))
    assert (found.severity, found.value, found.limit) == (Severity.WARNING, 16.0, 32.0)


# --------------------------------------------------------------------------- cords and phases


def _four_psu(required: int | None) -> ComponentSpec:
    spec = ItSpec(psu_count=4, redundant_psus=True, psu_rating_w=1600, psus_required=required)
    return component(Kind.GPU_SERVER, nameplate_w=3000, spec=spec)


def test_n_plus_n_supplies_ride_through_a_feed_loss() -> None:
    """4 supplies of which 2 carry the device (N+N): two on each feed, so either feed alone
    carries it; no psu_redundancy, and on failover the survivor takes the whole 3,000 W."""
    spec = build(
        item("a", pdu(32)),
        item("b", pdu(32)),
        item("g", _four_psu(2), feed_a="a", feed_b="b"),
    )
    d = ctx_of(spec)
    assert list(psu_redundancy(d)) == []
    assert d.flow.by_lost["a"].nameplate("b") == pytest.approx(3000)
    assert list(feed_failover(d)) == []


def test_three_of_four_supplies_needed_go_down_with_a_feed() -> None:
    """3 of 4 needed: two per feed cannot carry it (C6 on the supplies)."""
    spec = build(
        item("a", pdu(32)),
        item("b", pdu(32)),
        item("g", _four_psu(3), feed_a="a", feed_b="b"),
    )
    (found,) = psu_redundancy(ctx_of(spec))
    assert (found.value, found.limit) == (2.0, 3.0)


def test_a_multi_cord_device_spreads_over_the_phases_of_a_three_phase_pdu() -> None:
    """4 supplies, two on each 3-phase PDU: its two A cords go to L1 and L2, each 3,000 / 2 / 2
    = 750 W in normal operation; with B lost each A cord carries 1,500 W, on L1 and L2."""
    spec = build(
        item("a", pdu(32, phases=3)),
        item("b", pdu(32, phases=3)),
        item("g", _four_psu(2), feed_a="a", feed_b="b"),
        site=THREE_PHASE,
    )
    flow = ctx_of(spec).flow
    assert list(flow.normal.phases("a")) == pytest.approx([750, 750, 0])
    assert list(flow.by_lost["b"].phases("a")) == pytest.approx([1500, 1500, 0])


def test_a_three_phase_pdu_passes_its_phase_loads_through_a_three_phase_ups() -> None:
    """3-phase PDU on a 3-phase UPS output: 1,000 W on its L1 stays on the UPS's L1."""
    spec = build(
        item("u", ups(10.0, 10.0, input_phases=3, output_phases=3)),
        item("p", pdu(16, phases=3), feed_a="u"),
        item("s", server(1000), feed_a="p", phase=1),
        site=THREE_PHASE,
    )
    flow = ctx_of(spec).flow
    assert list(flow.normal.phases("u")) == pytest.approx([1000, 0, 0])
    # The UPS's rectifier draws evenly: (1,000 / 0.94 + 1,000) / 3 on each site phase.
    each = (1000 / 0.94 + 0.1 * 10_000) / 3
    assert list(flow.normal.site_phase_nameplate_w) == pytest.approx([each, each, each])


# --------------------------------------------------------------------------- PDU capacity


def test_pdu_capacity_beside_its_load() -> None:
    """A 3-phase 230 V 16 A PDU at u: 12.8 A x 230 V x PF 0.95 = 2,796.8 W a phase, 8,390.4 W
    usable in all. 5,600 W in two 2,800 W cords on L1 and L2: 5,600 W used of 8,390.4 W, L1 and
    L2 at 2,800 / (230 x 0.95) = 12.81 A, over: "5,600.0 W of 8,390.4 W usable"."""
    spec = build(
        item("p", pdu(16, phases=3)),
        item("s1", server(2800), feed_a="p"),
        item("s2", server(2800), feed_a="p"),
        site=THREE_PHASE,
    )
    report = evaluate(spec)
    (load,) = [s for s in report.metrics.sources if s.source == "p"]
    assert load.usable_w == pytest.approx(8390.4)
    assert load.load_w == pytest.approx(5600)
    assert load.overloaded == (1, 2)
    (finding,) = pdu_current(ctx_of(spec))
    assert "5,600.0 W of 8,390.4 W usable" in finding.message
    assert "on phase L1" in finding.message


def test_a_three_phase_pdu_input_can_be_rotated() -> None:
    """A PDU whose line names phase 2 has its L1 on the UPS's L2 (an installer rotates the
    inputs to balance): 1,000 W on the PDU's L1 lands on the UPS's L2."""
    spec = build(
        item("u", ups(10.0, 10.0, input_phases=3, output_phases=3)),
        item("p", pdu(16, phases=3), feed_a="u", phase=2),
        item("s", server(1000), feed_a="p", phase=1),
        site=THREE_PHASE,
    )
    assert list(ctx_of(spec).flow.normal.phases("u")) == pytest.approx([0, 1000, 0])
