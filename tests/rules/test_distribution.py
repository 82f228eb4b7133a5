"""Distribution checks: PDU current, phase balance, A/B failover, PSU ride-through, ATS and
outlets, with hand-worked figures from reference 1 at every pass/fail edge (C2-C4, C6, C7)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rules.checks.power.distribution import pdu_current, pdu_outlets, phase_imbalance
from rules.checks.power.failover import feed_failover, psu_redundancy, single_corded_needs_ats
from rules.checks.power.ups import ups_capacity
from rules.model import BuildSpec, Severity
from rules.specs import ComponentSpec, ItSpec, Kind
from tests.rules.builders import (
    ats,
    build,
    codes,
    component,
    ctx_of,
    item,
    pdu,
    run,
    server,
    ups,
)

# --------------------------------------------------------------------------- PDU current


@pytest.mark.parametrize(
    ("nameplate_w", "fails"),
    [
        # 230 V 16 A single phase, u = 0.8: 12.8 A; at PF 0.95: 12.8 * 230 * 0.95 = 2,796.8 W.
        (2796.7, False),
        (2796.8, False),
        (2796.9, True),  # 2,796.9 / (230 * 0.95) = 12.80046 A
    ],
)
def test_pdu_current_edge(nameplate_w: float, fails: bool) -> None:
    """Nameplate current above 80 % of the input rating fails (NEC 210.20(A), S4, C2)."""
    spec = build(item("p", pdu(16)), item("s", server(nameplate_w, 100), feed_a="p"))
    found = run(pdu_current, spec)
    assert codes(found) == (["power.pdu_current"] if fails else [])
    if fails:
        assert found[0].value == pytest.approx(2796.9 / (230 * 0.95))
        assert found[0].limit == pytest.approx(12.8)


@pytest.mark.parametrize(
    ("spec_fields", "limit_a"),
    [
        ({}, 12.8),  # 0.8 * 16
        ({"breaker_a": 10, "banks": 1}, 8.0),  # one 10 A bank breaker binds: 0.8 * 10
        ({"breaker_a": 10, "banks": 2}, 12.8),  # 2 x 10 A banks = 20 A > 16 A input
        ({"rated_100pct": True}, 16.0),  # 100 %-rated: no derating
    ],
)
def test_pdu_limit_input_breaker_banks(spec_fields: dict[str, object], limit_a: float) -> None:
    """Limit = u x min(input, breaker x banks per phase); 100 %-rated assemblies take 100 %."""
    spec = build(item("p", pdu(16, **spec_fields)), item("s", server(500), feed_a="p"))
    ctx = ctx_of(spec)
    assert ctx.electrical.distribution_currents["p"].normal.limit_a == pytest.approx(limit_a)


def test_pdu_current_three_phase_checks_every_phase() -> None:
    """3-phase 230/400 V 16 A PDU: 12.8 A per phase. 3,000 W on L1 alone is
    3,000 / (230 * 0.95) = 13.73 A > 12.8 A although the three phases together are far below."""
    spec = build(
        item("p", pdu(16, phases=3)),
        item("s", server(3000), feed_a="p", phase=1),
    )
    found = run(pdu_current, spec)
    assert codes(found) == ["power.pdu_current"]
    assert found[0].value == pytest.approx(3000 / (230 * 0.95))
    assert "L1" in found[0].message


# --------------------------------------------------------------------------- phase imbalance


@pytest.mark.parametrize(
    ("l1_w", "warns"),
    [
        # L1 = x, L2 = 1,000 W, L3 = 800 W (currents proportional: same V and PF).
        # x = 1,200: avg 1,000, (1,200 - 1,000) / 1,000 = 20 % -> at the limit, no warning.
        (1200.0, False),
        (1199.0, False),
        # x = 1,201: avg 1,000.333, (1,201 - 1,000.333) / 1,000.333 = 20.06 % -> warning.
        (1201.0, True),
    ],
)
def test_phase_imbalance_edge(l1_w: float, warns: bool) -> None:
    """Imbalance above 20 % warns (C7); no phase is over its 25.6 A limit here."""
    spec = build(
        item("p", pdu(32, phases=3)),
        item("a", server(l1_w), feed_a="p", phase=1),
        item("b", server(1000), feed_a="p", phase=2),
        item("c", server(800), feed_a="p", phase=3),
    )
    found = run(phase_imbalance, spec)
    assert codes(found) == (["power.phase_imbalance"] if warns else [])
    if warns:
        avg = (1201 + 1000 + 800) / 3
        assert found[0].value == pytest.approx((1201 - avg) / avg * 100)
        assert found[0].severity is Severity.WARNING


def test_phase_imbalance_units_dealt_round_robin_are_balanced() -> None:
    """Three units with no phase given are dealt L1, L2, L3: balanced, no warning."""
    spec = build(item("p", pdu(16, phases=3)), item("s", server(500), quantity=3, feed_a="p"))
    assert run(phase_imbalance, spec) == []


# --------------------------------------------------------------------------- A/B failover


def _ab(nameplate_w: float):
    """Dual-corded load on two 16 A PDUs: 1,398.4 W each in normal use, all on one on loss."""
    return build(
        item("pa", pdu(16)),
        item("pb", pdu(16)),
        item("s", server(nameplate_w, 100, dual=True), feed_a="pa", feed_b="pb"),
    )


@pytest.mark.parametrize(
    ("nameplate_w", "expected"),
    [
        # Limit per PDU 2,796.8 W nameplate (12.8 A at 230 V, PF 0.95).
        (2796.8, []),  # losing pa puts 2,796.8 W on pb: exactly at the limit
        # 1,398.45 W each normally; 2,796.9 W on the survivor: one finding per survivor.
        (2796.9, ["power.feed_failover", "power.feed_failover"]),
    ],
)
def test_ab_failover_edge(nameplate_w: float, expected: list[str]) -> None:
    """Each feed must carry the whole load when the other is lost (reference 1)."""
    spec = _ab(nameplate_w)
    found = run(feed_failover, spec)
    assert codes(found) == expected
    assert run(pdu_current, spec) == []  # holds in normal operation: no double report
    if expected:
        assert [f.subject for f in found] == [("pb", "pa"), ("pa", "pb")]  # (lost, overloaded)
        assert "When pdu-ref (pb) is lost, pdu-ref (pa) draws 12.80 A" in found[0].message
        assert found[0].value == pytest.approx(2796.9 / (230 * 0.95))


def test_ab_normal_overload_is_pdu_current_not_failover() -> None:
    """5,600 W dual-corded: 2,800 W per PDU already > 2,796.8 W in normal operation; the worst
    scenario (5,600 W on one PDU, 25.63 A) is the value."""
    spec = _ab(5600)
    assert run(feed_failover, spec) == []
    found = run(pdu_current, spec)
    assert codes(found) == ["power.pdu_current", "power.pdu_current"]
    assert found[0].value == pytest.approx(5600 / (230 * 0.95))


def test_dual_corded_dropped_by_a_shared_pdu() -> None:
    """Both PDUs hang off p0: losing p0 drops the dual-corded server."""
    spec = build(
        item("p0", pdu(32)),
        item("pa", pdu(16), feed_a="p0"),
        item("pb", pdu(16), feed_a="p0"),
        item("s", server(500, dual=True), feed_a="pa", feed_b="pb"),
    )
    found = run(feed_failover, spec)
    assert codes(found) == ["power.feed_failover"]
    assert found[0].subject == ("p0", "s")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("2N", ["power.feed_failover"]), ("N", [])],
)
def test_dual_corded_on_one_ups_dropped_only_matters_on_2n(
    policy: str, expected: list[str]
) -> None:
    """Both PDUs on one UPS: losing it drops the load; an error only on a 2N design."""
    spec = build(
        item("ups", ups(10.0, 9.0)),
        item("pa", pdu(16), feed_a="ups"),
        item("pb", pdu(16), feed_a="ups"),
        item("s", server(500, dual=True), feed_a="pa", feed_b="pb"),
        ups_redundancy=policy,
    )
    assert codes(run(feed_failover, spec)) == expected


@pytest.mark.parametrize(
    ("typical_w", "expected"),
    [
        # Two 3 kW UPSs, limit 2,400 W each; 2N load 2,400 W: 1,200 W each normally.
        (2400.0, []),
        # the survivor carries 2,400.1 W > 2,400 W, whichever UPS is lost
        (2400.1, ["power.feed_failover", "power.feed_failover"]),
    ],
)
def test_ups_failover_edge(typical_w: float, expected: list[str]) -> None:
    """A surviving UPS must carry the whole load within u x kW."""
    spec = build(
        item("u1", ups(3.75, 3.0)),
        item("u2", ups(3.75, 3.0)),
        item("s", server(typical_w, dual=True), feed_a="u1", feed_b="u2"),
    )
    found = run(feed_failover, spec)
    assert codes(found) == expected
    assert run(ups_capacity, spec) == []
    if expected:
        assert found[0].subject == ("u2", "u1")
        assert found[0].value == pytest.approx(2400.1)


# --------------------------------------------------------------------------- ATS


def _ats_build(policy: str, *, via_ats: bool, dual: bool = False):
    items = [
        item("u1", ups(10.0, 9.0)),
        item("u2", ups(10.0, 9.0)),
        item("pa", pdu(16), feed_a="u1"),
        item("pb", pdu(16), feed_a="u2"),
        item("t", ats(16), feed_a="pa", feed_b="pb"),
    ]
    if dual:
        items.append(item("s", server(300, dual=True), feed_a="pa", feed_b="pb"))
    else:
        items.append(item("s", server(300), feed_a="t" if via_ats else "pa"))
    return build(*items, ups_redundancy=policy)


@pytest.mark.parametrize(
    ("policy", "via_ats", "dual", "expected"),
    [
        ("2N", False, False, ["power.single_corded_needs_ats"]),
        ("2(N+1)", False, False, ["power.single_corded_needs_ats"]),
        ("2N", True, False, []),
        ("2N", False, True, []),  # dual-corded: no ATS needed
        ("N+1", False, False, []),  # not a 2N design
    ],
)
def test_single_corded_needs_ats(
    policy: str, via_ats: bool, dual: bool, expected: list[str]
) -> None:
    """Single-corded IT on a 2N design must be fed through an ATS (WP75)."""
    assert codes(run(single_corded_needs_ats, _ats_build(policy, via_ats=via_ats, dual=dual))) == (
        expected
    )


# --------------------------------------------------------------------------- outlets


@pytest.mark.parametrize(
    ("c13", "c19", "servers", "connector", "expected"),
    [
        (2, 0, 2, "C14", []),
        (2, 0, 3, "C14", ["power.pdu_outlets"]),  # 3 C14 cords, 2 C13 outlets
        (2, 1, 3, "C14", ["power.outlet_adapter_cords"]),  # third cord on the spare C19
        (4, 0, 1, "C20", ["power.pdu_outlets"]),  # a C20 inlet needs a C19 outlet
        (0, 1, 1, "C20", []),
    ],
)
def test_pdu_outlets(c13: int, c19: int, servers: int, connector: str, expected: list[str]) -> None:
    """Cords per unit against outlets by type (IEC 60320)."""
    spec = build(
        item("p", pdu(32, c13=c13, c19=c19)),
        item("s", server(100, connector=connector), quantity=servers, feed_a="p"),
    )
    found = run(pdu_outlets, spec)
    assert codes(found) == expected


def test_pdu_outlets_dual_corded_one_cord_per_feed() -> None:
    """Two dual-corded servers on pa/pb use two outlets on each PDU, not four."""
    spec = build(
        item("pa", pdu(16, c13=2)),
        item("pb", pdu(16, c13=2)),
        item("s", server(100, dual=True), quantity=2, feed_a="pa", feed_b="pb"),
    )
    assert run(pdu_outlets, spec) == []


# --------------------------------------------------------------------------- PSU ride-through


def _psu_server(nameplate_w: float, psus: int, **spec: Any) -> ComponentSpec:
    return component(
        Kind.GPU_SERVER,
        nameplate_w=nameplate_w,
        typical_w=nameplate_w * 0.8,
        u_height=4,
        spec=ItSpec(psu_count=psus, psu_connector="C20", **spec),
    )


def _on_ab(device: ComponentSpec) -> BuildSpec:
    """A device on two 32 A PDUs, so only its supplies can fail the A/B design."""
    return build(
        item("pa", pdu(32)),
        item("pb", pdu(32)),
        item("g", device, feed_a="pa", feed_b="pb"),
    )


@pytest.mark.parametrize(
    ("nameplate_w", "fails"),
    [
        # 4 x 2,700 W supplies, 2 per PDU. C6: N = ceil(P_np / 2,700).
        (5400.0, False),  # exactly 2 supplies: the 2 on the surviving PDU carry it
        (5400.1, True),  # N = 3 > 2 per PDU
        (5600.0, True),  # the GPU example: ceil(2.07) = 3
    ],
)
def test_psu_redundancy_edge_on_psu_rating(nameplate_w: float, fails: bool) -> None:
    spec = _on_ab(_psu_server(nameplate_w, 4, psu_rating_w=2700, redundant_psus=True))
    found = run(psu_redundancy, spec)
    assert codes(found) == (["power.psu_redundancy"] if fails else [])
    if fails:
        assert found[0].subject == ("g", "pa", "pb")
        assert (found[0].value, found[0].limit, found[0].unit) == (2.0, 3.0, "PSUs")
        assert "goes down when either feed is lost" in found[0].message


@pytest.mark.parametrize(
    ("spec", "fails"),
    [
        ({"redundant_psus": True}, False),  # redundant: each supply carries it alone (N = 1)
        ({"redundant_psus": False}, True),  # both supplies needed, one per PDU
        ({"redundant_psus": True, "psu_rating_w": 550.0}, True),  # 600 W on 550 W: N = 2
        ({"redundant_psus": True, "psu_rating_w": 600.0}, False),  # 600 / 600: N = 1
        ({"redundant_psus": True, "psus_required": 2}, True),  # the vendor's N wins
    ],
)
def test_psu_redundancy_two_supplies(spec: dict[str, Any], fails: bool) -> None:
    found = run(psu_redundancy, _on_ab(_psu_server(600, 2, **spec)))
    assert codes(found) == (["power.psu_redundancy"] if fails else [])


def test_psu_redundancy_odd_supplies_fail_on_one_side_only() -> None:
    """3 supplies needing 2: 2 on A, 1 on B. Losing B leaves 2 (fine); losing A leaves 1."""
    spec = _on_ab(_psu_server(1000, 3, psus_required=2))
    found = run(psu_redundancy, spec)
    assert codes(found) == ["power.psu_redundancy"]
    assert "with 2 on A and 1 on B: it goes down when pdu-ref (pa) is lost" in found[0].message
    assert (found[0].value, found[0].limit) == (1.0, 2.0)


def test_psu_redundancy_ignores_single_fed_lines() -> None:
    spec = build(
        item("pa", pdu(32)), item("g", _psu_server(5600, 4, psu_rating_w=2700), feed_a="pa")
    )
    assert run(psu_redundancy, spec) == []


def test_device_that_cannot_ride_through_drops_instead_of_moving_its_load() -> None:
    """Losing pa: a 2,700 W-supply server needing 3 of 4 goes down, so pb carries only the
    1,000 W dual-corded switch (4.58 A = 1,000 / (230 x 0.95)), not 1,000 + 5,600 W; the
    switch moves over as before. Only psu_redundancy reports the server."""
    spec = build(
        item("pa", pdu(32)),
        item("pb", pdu(32)),
        item("g", _psu_server(5600, 4, psu_rating_w=2700), feed_a="pa", feed_b="pb"),
        item("sw", server(1000, dual=True), feed_a="pa", feed_b="pb"),
    )
    ctx = ctx_of(spec)
    assert ctx.flow.by_lost["pa"].dropped == ["g"]
    assert ctx.flow.by_lost["pa"].nameplate("pb") == pytest.approx(1000)
    assert ctx.flow.normal.nameplate("pb") == pytest.approx((5600 + 1000) / 2)
    assert run(feed_failover, spec) == []  # not "both cords depend on it"
    assert codes(run(psu_redundancy, spec)) == ["power.psu_redundancy"]


def test_psus_required_cannot_exceed_the_supplies() -> None:
    with pytest.raises(ValidationError, match="psus_required cannot exceed psu_count"):
        ItSpec(psu_count=2, psus_required=3)
