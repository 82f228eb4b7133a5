"""Headroom and fits_more: extra load before the first constraint binds, hand-worked."""

from __future__ import annotations

import pytest

from rules import evaluate, fits_more
from rules.derive import derive
from rules.headroom import build_headroom
from rules.specs import Kind
from tests.rules.builders import build, component, item, rack, server, ups

TABLE = ((1000.0, 30.0), (2000.0, 12.0))
SERVER = server(300, weight_kg=20, u_height=1)


def _ups2u():
    """UPS 3 kW / 3.75 kVA, 2U, 40 kg, runtime table (1,000 W, 30 min), (2,000 W, 12 min)."""
    return component(Kind.UPS, u_height=2, weight_kg=40, spec=ups(3.75, 3.0, table=TABLE).spec)


def _spec2(servers: int = 4):
    """The UPS at U1-U2 and ``servers`` 300 W 1U servers from U3 in a 10U, 1,000 kg rack."""
    return build(
        item("ups", _ups2u(), rack_id="r1", position_u=1),
        item("s", SERVER, quantity=servers, rack_id="r1", position_u=3, feed_a="ups"),
        racks=(rack(u=10, static_load_kg=1000),),
        required_runtime_min=10,
    )


def test_headroom_by_constraint() -> None:
    """IT 4 x 300 = 1,200 W on the UPS, all IT, so proportional growth is exact:
    ups_kw: 2,400 - 1,200 = 1,200 W; ups_kva: 0.8 * 3,750 * 0.95 = 2,850 - 1,200 = 1,650 W;
    runtime: 10 min lies beyond the table's 12 min at 2,000 W: P = 2,000 * (12/10)^(1/1.3)
    = 2,000 * 1.150669 = 2,301.34 W -> 1,101.34 W (binds);
    site: (0.8 * 7,360 * 0.95 - 300 recharge) * 0.94 - 1,200 = 3,775.98 W."""
    h = build_headroom(derive(_spec2()))
    by = h.by_constraint
    assert by["ups_kw"] == pytest.approx(1200)
    assert by["ups_kva"] == pytest.approx(1650)
    runtime_w = 2000 * 1.2 ** (1 / 1.3)
    assert by["runtime"] == pytest.approx(runtime_w - 1200)
    assert by["site_supply"] == pytest.approx((0.8 * 7360 * 0.95 - 300) * 0.94 - 1200)
    assert h.binding_constraint == "runtime"
    assert h.typical_load_w == pytest.approx(runtime_w - 1200)
    # U: 10 - 2 - 4 = 4 free; weight 1,000 - 40 - 80 = 880 kg
    assert h.u_free == 4
    assert h.weight_kg == pytest.approx(880)


def test_fits_more_power_binds() -> None:
    """1,101.34 W / 300 W = 3.67 -> 3 more servers; 4 free U would take 4."""
    assert fits_more(_spec2(), SERVER) == 3


def test_fits_more_agrees_with_evaluate() -> None:
    """Adding 3 servers keeps the runtime; adding 4 breaks it (1,200 + 1,200 > 2,301.34 W)."""
    assert "power.ups_runtime" not in {f.code for f in evaluate(_spec2(7)).findings}
    assert "power.ups_runtime" in {f.code for f in evaluate(_spec2(8)).findings}


def test_fits_more_space_binds_with_contiguous_runs() -> None:
    """A passive 3U shelf: 4 free U at U7-U10 take one (4 // 3); 2U items take two."""
    shelf3 = component(Kind.ACCESSORY, u_height=3)
    shelf2 = component(Kind.ACCESSORY, u_height=2)
    assert fits_more(_spec2(), shelf3, rack_id="r1") == 1
    assert fits_more(_spec2(), shelf2) == 2


def test_fits_more_fragmented_space() -> None:
    """Free U split into 1U (U3) and 3U (U8-U10) runs: a 2U item fits once, not twice."""
    spec = build(
        item("ups", _ups2u(), rack_id="r1", position_u=1),
        item("s", SERVER, quantity=4, rack_id="r1", position_u=4, feed_a="ups"),
        racks=(rack(u=10, static_load_kg=1000),),
    )
    assert fits_more(spec, component(Kind.ACCESSORY, u_height=2)) == 1


def test_fits_more_weight_binds() -> None:
    """A 0U 300 kg item: 880 kg left -> 2."""
    heavy = component(Kind.ACCESSORY, weight_kg=300)
    assert fits_more(_spec2(), heavy) == 2


def test_fits_more_unknown_rack_is_an_error() -> None:
    """A rack id not in the build is refused."""
    with pytest.raises(ValueError, match="no rack"):
        fits_more(_spec2(), SERVER, rack_id="nope")
