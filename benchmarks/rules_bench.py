"""How fast the rules engine evaluates builds: the shipped examples and synthetic builds.

Prints evaluations per second, the median of several repeats timed with ``time.perf_counter``:

* "from JSON": ``BuildSpec.model_validate_json`` + ``evaluate``;
* "parsed": ``evaluate`` of a spec parsed from JSON, where every line carries its own copy of
  its component;
* "snapshot": ``evaluate`` of the same spec with one object per distinct component, as the
  configurator's ``build_snapshot`` makes it from the catalogue (the engine judges what depends
  on a component alone once per component object).

and microseconds per item of the snapshot form, so linear growth shows. Goals: an 80-item build
at >= 2,000 evaluations/s on one core; and failover scenarios that grow linearly with the
sources of one power island: the per-source growth ratio (t66 / t6) / (66 / 6) of two UPS
systems feeding A/B PDU pairs (``one_island_build``) at <= 1.5.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rules import evaluate
from rules.model import BuildSpec, PlacedItem, RackInstance
from rules.specs import (
    AccessorySpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
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

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "rules" / "examples"
GOAL_ITEMS = 80
GOAL_PER_S = 2_000
ISLAND_PAIRS = (2, 32)  # 6 and 66 sources
GOAL_ISLAND_GROWTH = 1.5
SYNTHETIC_SIZES = (10, 80, 100, 1_000)
REPEATS = 7
SLOW_REPEATS = 3
TARGET_S_PER_REPEAT = 0.2

# --------------------------------------------------------------------------- synthetic builds

RACK_U = 42
UPS_U = 3
SWITCHES_PER_RACK = 2
INFRA_PER_RACK = 4 + SWITCHES_PER_RACK  # UPS, PDU A, PDU B, cooling, switches

_RACK = ComponentSpec(
    ref="bench:rack42",
    name="Bench 42U rack 600x1200",
    manufacturer="Bench",
    kind=Kind.RACK,
    weight_kg=130,
    list_price=1500,
    spec=RackSpec(u=RACK_U, width_mm=600, depth_mm=1200, static_load_kg=1360, lockable=True),
)
_UPS = ComponentSpec(
    ref="bench:ups10k",
    name="Bench online UPS 10 kVA",
    manufacturer="Bench",
    kind=Kind.UPS,
    u_height=UPS_U,
    weight_kg=60,
    depth_mm=700,
    list_price=6500,
    airflow="front_to_back",
    spec=UpsSpec(
        kva=10,
        kw=10,
        output_pf=1.0,
        topology="online_double_conversion",
        input_phases=3,
        output_phases=3,
        runtime_table=(
            RuntimePoint(load_w=2500, minutes=40),
            RuntimePoint(load_w=5000, minutes=17),
            RuntimePoint(load_w=7500, minutes=10),
            RuntimePoint(load_w=10000, minutes=6),
        ),
    ),
)
_PDU = ComponentSpec(
    ref="bench:pdu3ph16",
    name="Bench metered PDU 3-phase 16 A",
    manufacturer="Bench",
    kind=Kind.PDU,
    weight_kg=5,
    list_price=900,
    spec=PduSpec(voltage_v=230, phases=3, input_current_a=16, outlets_c13=36, metered=True),
)
_COOLING = ComponentSpec(
    ref="bench:inrow12",
    name="Bench in-row cooler 12.5 kW",
    manufacturer="Bench",
    kind=Kind.COOLING,
    weight_kg=200,
    nameplate_w=2800,
    list_price=15000,
    spec=CoolingSpec(
        cooling_type=CoolingType.IN_ROW,
        sensible_capacity_w=12500,
        total_capacity_w=13500,
        airflow_m3h=3600,
        power_draw_w=2800,
    ),
)
_SWITCH = ComponentSpec(
    ref="bench:sw48",
    name="Bench 48-port switch",
    manufacturer="Bench",
    kind=Kind.SWITCH,
    u_height=1,
    weight_kg=7,
    depth_mm=450,
    airflow="front_to_back",
    nameplate_w=250,
    typical_w=150,
    list_price=4000,
    spec=ItSpec(psu_count=2, redundant_psus=True),
)
_SERVERS = (
    ComponentSpec(
        ref="bench:srv1u",
        name="Bench 1U server",
        manufacturer="Bench",
        kind=Kind.SERVER,
        u_height=1,
        weight_kg=17,
        depth_mm=750,
        airflow="front_to_back",
        nameplate_w=400,
        typical_w=250,
        list_price=6000,
        spec=ItSpec(psu_count=2, redundant_psus=True, psu_rating_w=550),
    ),
    ComponentSpec(
        ref="bench:srv2u",
        name="Bench 2U server",
        manufacturer="Bench",
        kind=Kind.SERVER,
        u_height=2,
        weight_kg=28,
        depth_mm=780,
        airflow="front_to_back",
        nameplate_w=600,
        typical_w=380,
        list_price=9000,
        spec=ItSpec(psu_count=2, redundant_psus=True, psu_rating_w=800),
    ),
)
_BLANK = ComponentSpec(
    ref="bench:blank1u",
    name="Bench 1U blanking panel",
    manufacturer="Bench",
    kind=Kind.ACCESSORY,
    u_height=1,
    weight_kg=0.3,
    spec=AccessorySpec(accessory_type="blanking_panel"),
)


def synthetic_build(n_items: int) -> BuildSpec:
    """A realistic, fully wired build of exactly ``n_items`` lines (quantity 1 each).

    Each 42U rack gets a 10 kVA UPS at U1, metered three-phase A/B PDUs fed by it, an in-row
    cooler, two dual-corded switches at the top and dual-corded 1U/2U servers stacked from U4;
    a rack is added whenever the previous one is full. Any item left over in a rack's last
    free U becomes a blanking panel, so positions always fit.
    """
    if n_items < 1:
        raise ValueError("n_items must be at least 1")
    racks: list[RackInstance] = []
    items: list[PlacedItem] = []
    while len(items) < n_items:
        r = len(racks) + 1
        rack_id = f"r{r}"
        racks.append(RackInstance(id=rack_id, name=f"Rack {r}", component=_RACK))
        ups, pdu_a, pdu_b = f"r{r}-ups", f"r{r}-pdu-a", f"r{r}-pdu-b"
        infra = [
            PlacedItem(id=ups, component=_UPS, rack_id=rack_id, position_u=1),
            PlacedItem(id=pdu_a, component=_PDU, rack_id=rack_id, feed_a=ups),
            PlacedItem(id=pdu_b, component=_PDU, rack_id=rack_id, feed_a=ups),
            PlacedItem(id=f"r{r}-cool", component=_COOLING, rack_id=rack_id),
        ]
        infra += [
            PlacedItem(
                id=f"r{r}-sw{s}",
                component=_SWITCH,
                rack_id=rack_id,
                position_u=RACK_U - s,
                feed_a=pdu_a,
                feed_b=pdu_b,
            )
            for s in range(SWITCHES_PER_RACK)
        ]
        items += infra[: n_items - len(items)]
        top = RACK_U - SWITCHES_PER_RACK  # highest free U for servers
        u = UPS_U + 1
        s = 0
        while len(items) < n_items:
            server = _SERVERS[s % len(_SERVERS)]
            height = int(server.u_height)
            if u + height - 1 > top:
                if u <= top:
                    items.append(
                        PlacedItem(
                            id=f"r{r}-blank{u}", component=_BLANK, rack_id=rack_id, position_u=u
                        )
                    )
                    u += 1
                    continue
                break
            items.append(
                PlacedItem(
                    id=f"r{r}-srv{s}",
                    component=server,
                    rack_id=rack_id,
                    position_u=u,
                    feed_a=pdu_a,
                    feed_b=pdu_b,
                )
            )
            u += height
            s += 1
    site = Site(
        name="Bench site",
        supply_phases=3,
        supply_voltage_v=230,
        supply_breaker_a=max(32.0, 40.0 * len(racks)),
    )
    return BuildSpec(name=f"Synthetic {n_items} items", site=site, racks=racks, items=items)


def one_island_build(pdu_pairs: int) -> BuildSpec:
    """Two UPS systems feeding ``pdu_pairs`` A/B pairs of PDUs, two dual-corded servers per pair.

    Every server plugs into both systems, so all ``2 + 2 * pdu_pairs`` sources form one power
    island: losing any one of them can change the load of every other. Each UPS line has units
    enough to carry the whole load alone (2N).
    """
    if pdu_pairs < 1:
        raise ValueError("pdu_pairs must be at least 1")
    typical_per_pair = 2 * 380
    units = max(1, math.ceil(typical_per_pair * pdu_pairs / 8000))
    items: list[PlacedItem] = [
        PlacedItem(id="ups-a", component=_UPS, quantity=units),
        PlacedItem(id="ups-b", component=_UPS, quantity=units),
    ]
    for p in range(pdu_pairs):
        items.append(PlacedItem(id=f"pdu-a{p}", component=_PDU, feed_a="ups-a"))
        items.append(PlacedItem(id=f"pdu-b{p}", component=_PDU, feed_a="ups-b"))
        for s in range(2):
            items.append(
                PlacedItem(
                    id=f"srv{p}-{s}",
                    component=_SERVERS[1],
                    feed_a=f"pdu-a{p}",
                    feed_b=f"pdu-b{p}",
                )
            )
    site = Site(
        name="Island site",
        supply_phases=3,
        supply_voltage_v=230,
        supply_breaker_a=max(32.0, 8.0 * pdu_pairs),
        # A room whose own air handlers carry the servers' heat twice over.
        room_cooling_w=2 * 2 * 380 * pdu_pairs,
    )
    return BuildSpec(
        name=f"One island, {2 + 2 * pdu_pairs} sources",
        site=site,
        items=tuple(items),
        policy=Policy(ups_redundancy=Redundancy.TWO_N),
    )


# --------------------------------------------------------------------------- timing


@dataclass(frozen=True, slots=True)
class Timing:
    """Median seconds per call: wall clock (``perf_counter``) and this process's CPU time."""

    wall: float
    cpu: float


def _median_seconds(fn: Callable[[], object]) -> Timing:
    """Median seconds per call over ``REPEATS`` repeats of a loop sized to ~0.2 s each.

    CPU time is reported beside the wall clock: on a busy machine the wall clock also counts
    the time other processes hold the core.
    """
    fn()  # warm up (imports, caches)
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    loops = max(1, int(TARGET_S_PER_REPEAT / once))
    # A call slower than a whole repeat's budget gets fewer repeats, so the table stays quick.
    repeats = REPEATS if once < TARGET_S_PER_REPEAT else SLOW_REPEATS
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(loops):
            fn()
        wall.append((time.perf_counter() - start) / loops)
        cpu.append((time.process_time() - start_cpu) / loops)
    return Timing(statistics.median(wall), statistics.median(cpu))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    name: str
    items: int
    from_json: Timing
    parsed: Timing
    built: Timing


def share_components(spec: BuildSpec) -> BuildSpec:
    """``spec`` with one object per distinct component, as ``build_snapshot`` builds it."""
    shared: dict[str, ComponentSpec] = {}

    def one(component: ComponentSpec) -> ComponentSpec:
        return shared.setdefault(component.model_dump_json(), component)

    return spec.model_copy(
        update={
            "racks": tuple(
                r.model_copy(update={"component": one(r.component)}) for r in spec.racks
            ),
            "items": tuple(
                i.model_copy(update={"component": one(i.component)}) for i in spec.items
            ),
        }
    )


def _row(name: str, text: str) -> Row:
    parsed = BuildSpec.model_validate_json(text)
    shared = share_components(parsed)
    if evaluate(shared) != evaluate(parsed):  # the same build: the same report
        raise SystemExit(f"rules bench: sharing components changed the report of {name}")
    from_json = _median_seconds(lambda: evaluate(BuildSpec.model_validate_json(text)))
    parsed_t = _median_seconds(lambda: evaluate(parsed))
    built = _median_seconds(lambda: evaluate(shared))
    return Row(name, len(parsed.items), from_json, parsed_t, built)


def _rate(seconds: float) -> str:
    rate = 1 / seconds
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:,.2f}"


def main() -> None:
    """Print the benchmark table."""
    rows: list[Row] = []
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        rows.append(_row(path.stem, path.read_text(encoding="utf-8")))
    for n in SYNTHETIC_SIZES:
        rows.append(_row(f"synthetic {n}", synthetic_build(n).model_dump_json()))

    header = (
        f"{'build':<26} {'items':>6} {'from JSON /s':>13} {'parsed /s':>10} {'snapshot /s':>12}"
        f" {'µs/eval':>11} {'CPU µs/eval':>12} {'µs/item':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:<26} {r.items:>6} {_rate(r.from_json.wall):>13}"
            f" {_rate(r.parsed.wall):>10} {_rate(r.built.wall):>12}"
            f" {r.built.wall * 1e6:>11,.1f} {r.built.cpu * 1e6:>12,.1f}"
            f" {r.built.wall * 1e6 / r.items:>8,.2f}"
        )
    goal = next(r for r in rows if r.name == f"synthetic {GOAL_ITEMS}")
    rate = 1 / goal.built.wall
    verdict = "meets" if rate >= GOAL_PER_S else "MISSES"
    print()
    print(
        f"{GOAL_ITEMS}-item build: {rate:,.0f} evaluations/s from a built spec as the snapshot "
        f"makes it ({goal.built.wall * 1e6:,.1f} µs wall, {goal.built.cpu * 1e6:,.1f} µs CPU), "
        f"{1 / goal.parsed.wall:,.0f}/s parsed, {1 / goal.from_json.wall:,.0f}/s from JSON; "
        f"{verdict} the goal of >= {GOAL_PER_S:,}/s on one core."
    )
    small, large = (one_island_build(p) for p in ISLAND_PAIRS)
    t_small = _median_seconds(lambda: evaluate(small)).cpu
    t_large = _median_seconds(lambda: evaluate(large)).cpu
    n_small, n_large = (2 + 2 * p for p in ISLAND_PAIRS)
    growth = (t_large / t_small) / (n_large / n_small)
    verdict = "meets" if growth <= GOAL_ISLAND_GROWTH else "MISSES"
    print(
        f"One power island: {n_small} sources {t_small * 1e6:,.0f} µs, {n_large} sources "
        f"{t_large * 1e6:,.0f} µs CPU; per-source growth ratio {growth:.2f} ({verdict} the goal "
        f"of <= {GOAL_ISLAND_GROWTH})."
    )


if __name__ == "__main__":
    main()
