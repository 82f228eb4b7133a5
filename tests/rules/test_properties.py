"""Properties of the engine that hold for every valid build (hypothesis).

Loads only ever add up: more IT never lowers the loads, heat, UPS load or cooling required and
never lengthens the runtime; more cooling never lowers the installed capacity. Evaluation is
deterministic and never raises on a valid ``BuildSpec``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import evaluate
from rules.model import BuildSpec, PlacedItem, RackInstance, Report
from rules.specs import (
    AccessorySpec,
    Agent,
    AshraeClass,
    AtsSpec,
    BatteryChemistry,
    BatteryPackSpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
    Environment,
    FireSuppressionSpec,
    ItSpec,
    Kind,
    PduSpec,
    Policy,
    RackSpec,
    Redundancy,
    RuntimePoint,
    Site,
    UpsSpec,
)

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

IT_KINDS = (Kind.SERVER, Kind.GPU_SERVER, Kind.SWITCH, Kind.ROUTER, Kind.STORAGE)
SOURCE_KINDS = frozenset({Kind.UPS, Kind.PDU, Kind.ATS})
CONSUMER_KINDS = frozenset({*IT_KINDS, Kind.MONITORING, Kind.COOLING})


# --------------------------------------------------------------------------- components
# Strategies are built once at module level and drawn from: creating strategies inside a draw
# costs hypothesis a validation each time, which dominated the run time.

BOOL = st.booleans()
INDEX = st.integers(min_value=0, max_value=1_000)  # picks from a list drawn at run time
QUANTITY = st.integers(min_value=1, max_value=4)
HALF_U = st.integers(min_value=2, max_value=84).map(lambda n: n / 2)  # 1.0 .. 42.0 in 0.5 U
ASHRAE = st.sampled_from(list(AshraeClass))


def _it(
    kind: Kind,
    nameplate_dw: int,
    typical_share: int | None,
    dual: bool,
    u_height: int,
    weight_kg: int,
    depth_mm: int | None,
    ashrae: AshraeClass,
    pf: int | None,
    flags: tuple[bool, bool],
) -> ComponentSpec:
    nameplate = nameplate_dw / 10  # catalogue figures carry 0.1 W resolution
    typical = None if typical_share is None else round(nameplate * typical_share / 100, 1)
    return ComponentSpec(
        ref=f"prop:{kind.value}",
        name=f"Generated {kind.value}",
        kind=kind,
        u_height=u_height,
        weight_kg=weight_kg,
        depth_mm=depth_mm,
        nameplate_w=nameplate,
        typical_w=typical,
        list_price=100,
        lead_time_days=7,
        spec=ItSpec(
            psu_count=2 if dual else 1,
            redundant_psus=dual,
            ashrae_class=ashrae,
            power_factor=None if pf is None else pf / 100,
            physical_security=flags[0],
            remote_monitoring=flags[1],
        ),
    )


IT_COMPONENTS = st.builds(
    _it,
    st.sampled_from(IT_KINDS),
    st.integers(min_value=10, max_value=80_000),
    st.none() | st.integers(min_value=0, max_value=100),
    BOOL,
    st.sampled_from([0, 1, 2, 4]),
    st.integers(min_value=0, max_value=60),
    st.none() | st.integers(min_value=100, max_value=1100),
    ASHRAE,
    st.none() | st.integers(min_value=60, max_value=100),
    st.tuples(BOOL, BOOL),
)


def _ups(
    kva_d: int,
    pf_pct: int,
    kw_given: bool,
    efficiency_pct: int | None,
    phases: tuple[int, int],
    table: list[tuple[int, int]],
    battery_ah: int | None,
    chemistry: BatteryChemistry,
) -> ComponentSpec:
    kva = kva_d / 10
    pf = pf_pct / 100
    # A table of distinct loads whose minutes fall as load rises (the UpsSpec validator).
    loads = sorted({w for w, _ in table})
    minutes = sorted({m for _, m in table}, reverse=True)[: len(loads)]
    loads = loads[: len(minutes)]
    return ComponentSpec(
        ref="prop:ups",
        name="Generated UPS",
        kind=Kind.UPS,
        u_height=2,
        weight_kg=30,
        spec=UpsSpec(
            kva=kva,
            kw=kva * pf if kw_given else None,
            output_pf=pf,
            efficiency=None if efficiency_pct is None else efficiency_pct / 100,
            input_phases=phases[0],
            output_phases=phases[1],
            runtime_table=tuple(
                RuntimePoint(load_w=w, minutes=m) for w, m in zip(loads, minutes, strict=True)
            ),
            battery_nominal_v=None if battery_ah is None else 48.0,
            battery_ah=battery_ah,
            battery_chemistry=chemistry,
            external_battery_support=True,
            max_external_packs=4,
        ),
    )


UPS_COMPONENTS = st.builds(
    _ups,
    st.integers(min_value=5, max_value=400),
    st.integers(min_value=60, max_value=100),
    BOOL,
    st.none() | st.integers(min_value=85, max_value=99),
    st.tuples(st.sampled_from([1, 3]), st.sampled_from([1, 3])),
    st.lists(
        st.tuples(st.integers(min_value=50, max_value=40_000), st.integers(1, 300)), max_size=4
    ),
    st.none() | st.integers(min_value=5, max_value=200),
    st.sampled_from(list(BatteryChemistry)),
)


def _pdu(
    voltage: float,
    phases: int,
    current: float,
    breaker: float | None,
    banks: int,
    outlets: int,
    rated_100: bool,
) -> ComponentSpec:
    return ComponentSpec(
        ref="prop:pdu",
        name="Generated PDU",
        kind=Kind.PDU,
        weight_kg=4,
        spec=PduSpec(
            voltage_v=voltage,
            phases=phases,
            input_current_a=current,
            breaker_a=breaker,
            banks=banks,
            outlets_c13=outlets,
            metered=True,
            rated_100pct=rated_100,
        ),
    )


PDU_COMPONENTS = st.builds(
    _pdu,
    st.sampled_from([120.0, 230.0]),
    st.sampled_from([1, 3]),
    st.sampled_from([10.0, 16.0, 20.0, 30.0, 32.0, 63.0]),
    st.none() | st.sampled_from([10.0, 16.0, 20.0]),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=42),
    BOOL,
)


def _cooling(
    kind: CoolingType,
    sensible: int,
    total_extra_pct: int,
    airflow: int,
    draw_w: int | None,
    low: int,
    span: int,
) -> ComponentSpec:
    return ComponentSpec(
        ref="prop:cooling",
        name="Generated cooler",
        kind=Kind.COOLING,
        weight_kg=50,
        nameplate_w=draw_w,
        spec=CoolingSpec(
            cooling_type=kind,
            sensible_capacity_w=sensible,
            total_capacity_w=sensible * (100 + total_extra_pct) / 100,
            airflow_m3h=airflow,
            power_draw_w=draw_w if draw_w is not None else sensible / 4,
            ambient_min_c=low,
            ambient_max_c=low + span,
        ),
    )


COOLING_COMPONENTS = st.builds(
    _cooling,
    st.sampled_from(list(CoolingType)),
    st.integers(min_value=100, max_value=40_000),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=50, max_value=10_000),
    st.none() | st.integers(min_value=0, max_value=8_000),
    st.integers(min_value=-40, max_value=20),
    st.integers(min_value=5, max_value=70),  # rated up to 90 degC at most (the bound)
)


def it_components() -> st.SearchStrategy[ComponentSpec]:
    """An IT device with a known draw (typical <= nameplate), sometimes dual-corded."""
    return IT_COMPONENTS


def cooling_components() -> st.SearchStrategy[ComponentSpec]:
    """A cooling unit with sensible <= total capacity."""
    return COOLING_COMPONENTS


ATS = ComponentSpec(
    ref="prop:ats",
    name="Generated ATS",
    kind=Kind.ATS,
    u_height=1,
    weight_kg=4,
    spec=AtsSpec(rated_a=16, outlets_c13=8),
)
BATTERY = ComponentSpec(
    ref="prop:battery",
    name="Generated battery pack",
    kind=Kind.BATTERY,
    u_height=2,
    weight_kg=45,
    spec=BatteryPackSpec(wh=1728, nominal_v=48),
)
BLANK = ComponentSpec(
    ref="prop:blank",
    name="Generated blanking panel",
    kind=Kind.ACCESSORY,
    u_height=1,
    weight_kg=0.3,
    spec=AccessorySpec(accessory_type="blanking_panel"),
)
FIRE = ComponentSpec(
    ref="prop:fire",
    name="Generated FK-5-1-12 system",
    kind=Kind.FIRE_SUPPRESSION,
    weight_kg=40,
    spec=FireSuppressionSpec(agent=Agent.FK_5_1_12, agent_mass_kg=20, max_volume_m3=40),
)
RACKS = {
    u: ComponentSpec(
        ref=f"prop:rack{u}",
        name=f"Generated {u}U rack",
        kind=Kind.RACK,
        weight_kg=100,
        spec=RackSpec(u=u, static_load_kg=1200, dynamic_load_kg=900),
    )
    for u in (24, 42, 48)
}


# --------------------------------------------------------------------------- builds


def _site(
    environment: Environment,
    low: int,
    span: int,
    altitude: int,
    flags: tuple[bool, bool, bool],
    volume: int | None,
    phases: int,
    breaker: float,
) -> Site:
    return Site(
        environment=environment,
        ambient_min_c=low,
        ambient_max_c=low + span,
        altitude_m=altitude,
        dusty=flags[0],
        humid=flags[1],
        occupied=flags[2],
        room_volume_m3=volume,
        supply_phases=phases,
        supply_breaker_a=breaker,
    )


SITES = st.builds(
    _site,
    st.sampled_from(list(Environment)),
    st.integers(min_value=-40, max_value=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=3_500),
    st.tuples(BOOL, BOOL, BOOL),
    st.none() | st.integers(min_value=5, max_value=500),
    st.sampled_from([1, 3]),
    st.sampled_from([16.0, 32.0, 63.0, 125.0]),
)

REDUNDANCY = st.sampled_from(list(Redundancy))


def _policy(
    ups: Redundancy,
    cooling: Redundancy,
    runtime: int,
    flags: tuple[bool, bool, bool, bool, bool],
) -> Policy:
    return Policy(
        ups_redundancy=ups,
        cooling_redundancy=cooling,
        required_runtime_min=runtime,
        require_fire_suppression=flags[0],
        require_physical_security=flags[1],
        require_remote_monitoring=flags[2],
        battery_end_of_life=flags[3],
        rack_ship_loaded=flags[4],
    )


POLICIES = st.builds(
    _policy,
    REDUNDANCY,
    REDUNDANCY,
    st.integers(min_value=0, max_value=60),
    st.tuples(BOOL, BOOL, BOOL, BOOL, BOOL),
)

LINE_KINDS = st.sampled_from(["it", "it", "it", "ups", "pdu", "cooling", "ats", "battery", "blank"])
COMPONENTS = {
    "it": IT_COMPONENTS,
    "ups": UPS_COMPONENTS,
    "pdu": PDU_COMPONENTS,
    "cooling": COOLING_COMPONENTS,
}
RACK_COUNT = st.integers(min_value=0, max_value=2)
RACK_U = st.sampled_from(sorted(RACKS))
POSITION = st.none() | HALF_U
MAYBE_INDEX = st.none() | INDEX


def _pick_feeds(
    draw: Callable[..., Any], sources: list[str], wired: bool
) -> tuple[str | None, str | None]:
    """A and B feeds drawn from existing sources (earlier lines, so feeds never loop)."""
    if not sources or not wired:
        return None, None
    feed_a = sources[draw(INDEX) % len(sources)]
    others = [s for s in sources if s != feed_a]
    pick_b = draw(MAYBE_INDEX) if others else None
    return feed_a, None if pick_b is None else others[pick_b % len(others)]


@st.composite
def build_specs(draw: st.DrawFn, max_items: int = 8) -> BuildSpec:
    """A valid build: racks, then lines of random kinds with optional positions and feeds.

    A line's feeds only name sources listed before it, so the power graph is a forest, as the
    ``BuildSpec`` validator demands; positions are any U in any rack (overlaps are findings, not
    invalid input).
    """
    racks = [
        RackInstance(id=f"r{n}", component=RACKS[draw(RACK_U)]) for n in range(draw(RACK_COUNT))
    ]
    wired = draw(BOOL)
    items: list[PlacedItem] = []
    sources: list[str] = []
    ups_ids: list[str] = []
    for n in range(draw(st.integers(min_value=0, max_value=max_items))):
        what = draw(LINE_KINDS)
        component: ComponentSpec
        if what in COMPONENTS:
            component = draw(COMPONENTS[what])
        elif what == "ats":
            component = ATS
        elif what == "battery" and ups_ids:
            component = BATTERY
        else:
            component = BLANK
        item_id = f"i{n}"
        rack_id: str | None = None
        in_rack: bool = draw(BOOL)
        if racks and in_rack:
            rack_id = racks[draw(INDEX) % len(racks)].id
        position = draw(POSITION) if rack_id is not None else None
        feed_a = feed_b = ups_id = None
        if component.kind in CONSUMER_KINDS or component.kind is Kind.ATS:
            feed_a, feed_b = _pick_feeds(draw, sources, wired)
        elif component.kind in (Kind.PDU, Kind.UPS):
            feed_a = _pick_feeds(draw, sources, wired)[0]
        elif component.kind is Kind.BATTERY:
            ups_id = ups_ids[draw(INDEX) % len(ups_ids)]
        items.append(
            PlacedItem(
                id=item_id,
                component=component,
                quantity=draw(QUANTITY),
                rack_id=rack_id,
                position_u=position,
                feed_a=feed_a,
                feed_b=feed_b,
                ups_id=ups_id,
            )
        )
        if component.kind in SOURCE_KINDS:
            sources.append(item_id)
        if component.kind is Kind.UPS:
            ups_ids.append(item_id)
    if draw(BOOL):
        items.append(PlacedItem(id="fire", component=FIRE))
    return BuildSpec(
        name="Generated build",
        site=draw(SITES),
        racks=tuple(racks),
        items=tuple(items),
        policy=draw(POLICIES),
    )


def _with_items(spec: BuildSpec, items: tuple[PlacedItem, ...]) -> BuildSpec:
    return BuildSpec(
        name=spec.name, site=spec.site, racks=spec.racks, items=items, policy=spec.policy
    )


def _feeds_like_the_build(spec: BuildSpec, draw: Callable[..., Any]) -> dict[str, Any]:
    """Feeds for an added consumer that keep the build's wiring mode.

    A build whose consumers are all unwired is a sketch: the engine then assumes its loads share
    the UPS lines. A new consumer joins that sketch unwired; in a wired build it plugs into an
    existing source (or the site supply).
    """
    sources = [i.id for i in spec.items if i.component.kind in SOURCE_KINDS]
    consumers = [i for i in spec.items if i.component.kind in CONSUMER_KINDS]
    wired = any(c.feed_a or c.feed_b for c in consumers)
    feed_a, feed_b = _pick_feeds(draw, sources, wired)
    return {"feed_a": feed_a, "feed_b": feed_b}


# --------------------------------------------------------------------------- properties

LOAD_METRICS = (
    "it_load_typical_w",
    "it_load_nameplate_w",
    "heat_w",
    "cooling_required_sensible_w",
)
REL = 1e-9


def _not_lower(before: float | None, after: float | None, what: str) -> None:
    if before is None:
        return
    assert after is not None, f"{what} disappeared when load was added"
    assert after >= before - REL * max(1.0, abs(before)), f"{what} fell: {before} -> {after}"


def _assert_more_load(before: Report, after: Report) -> None:
    b, a = before.metrics, after.metrics
    for name in LOAD_METRICS:
        _not_lower(getattr(b, name), getattr(a, name), name)
    _not_lower(b.ups_load_kw_pct, a.ups_load_kw_pct, "ups_load_kw_pct")
    _not_lower(b.ups_load_kva_pct, a.ups_load_kva_pct, "ups_load_kva_pct")
    _not_lower(b.ups_worst_load_kw_pct, a.ups_worst_load_kw_pct, "ups_worst_load_kw_pct")
    if b.runtime_min is not None and a.runtime_min is not None:
        assert a.runtime_min <= b.runtime_min * (1 + REL) + REL, (
            f"runtime rose: {b.runtime_min} -> {a.runtime_min}"
        )


@PROPERTY_SETTINGS
@given(data=st.data())
def test_properties_adding_an_it_item_never_lowers_the_load(data: st.DataObject) -> None:
    """An extra IT line never lowers loads, heat, UPS load or cooling, never lengthens runtime."""
    spec = data.draw(build_specs())
    extra = PlacedItem(
        id="extra-it",
        component=data.draw(it_components()),
        quantity=data.draw(QUANTITY),
        **_feeds_like_the_build(spec, data.draw),
    )
    _assert_more_load(evaluate(spec), evaluate(_with_items(spec, (*spec.items, extra))))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_properties_raising_a_quantity_never_lowers_the_load(data: st.DataObject) -> None:
    """More units of an existing IT line never lower the load figures or lengthen runtime."""
    spec = data.draw(build_specs())
    it_lines = [n for n, i in enumerate(spec.items) if i.component.kind.is_it]
    if not it_lines:
        spec = _with_items(
            spec, (*spec.items, PlacedItem(id="seed-it", component=data.draw(it_components())))
        )
        it_lines = [len(spec.items) - 1]
    n = data.draw(st.sampled_from(it_lines))
    line = spec.items[n]
    bigger = line.model_copy(update={"quantity": line.quantity + data.draw(QUANTITY)})
    items = (*spec.items[:n], bigger, *spec.items[n + 1 :])
    _assert_more_load(evaluate(spec), evaluate(_with_items(spec, items)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_properties_adding_cooling_never_lowers_installed_cooling(data: st.DataObject) -> None:
    """An extra cooling unit never lowers the installed sensible cooling capacity."""
    spec = data.draw(build_specs())
    extra = PlacedItem(
        id="extra-cooling",
        component=data.draw(cooling_components()),
        quantity=data.draw(QUANTITY),
        **_feeds_like_the_build(spec, data.draw),
    )
    before = evaluate(spec).metrics.cooling_installed_sensible_w
    after = evaluate(_with_items(spec, (*spec.items, extra))).metrics.cooling_installed_sensible_w
    assert after >= before


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    return True


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=build_specs(max_items=12))
def test_properties_evaluation_is_deterministic_and_total(spec: BuildSpec) -> None:
    """Any valid build evaluates without raising, to the same finite report every time."""
    first = evaluate(spec).model_dump(mode="json")
    second = evaluate(spec).model_dump(mode="json")
    assert first == second
    assert _finite(first)
