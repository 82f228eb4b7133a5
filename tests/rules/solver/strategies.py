"""Hypothesis strategies: small random catalogues (at most 3 parts per role) and requirements.

A problem is built from one seed with ``random.Random``: drawing each of its sixty figures
through Hypothesis cost more than solving it, so Hypothesis drives (and shrinks) the seed.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.requirements import Requirements
from rules.specs import (
    AccessorySpec,
    Agent,
    AtsSpec,
    BatteryPackSpec,
    CduSpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
    FacilityWaterSpec,
    FireSuppressionSpec,
    ItSpec,
    Kind,
    PduSpec,
    RackSpec,
    RuntimePoint,
    UpsSpec,
)

VENDORS = ("Alpha", "Beta", "Gamma")


def _entry(component: ComponentSpec) -> CatalogEntry:
    return CatalogEntry(component=component, cost_price=round(component.list_price * 0.7, 2))


def racks(draw: _Draw, n: int) -> ComponentSpec:
    u = draw.choice([12, 24, 42])
    return ComponentSpec(
        ref=f"rack{n}",
        name=f"Rack {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"R{n}",
        kind=Kind.RACK,
        weight_kg=draw.randint(10, 120),
        list_price=draw.randint(200, 2000),
        spec=RackSpec(
            u=u,
            depth_mm=draw.choice([800, 1000, 1000]),
            static_load_kg=draw.choice([80, 300, 1000]),
            wall_mount=u <= 12,
        ),
    )


def upss(draw: _Draw, n: int) -> ComponentSpec:
    kva = draw.choice([1.0, 1.5, 2.0, 3.0, 6.0])
    pf = draw.choice([0.7, 0.9, 1.0])
    mode = draw.choice(["table", "table", "peukert", "peukert", "none"])
    kw = round(kva * pf, 3)
    extra: dict[str, object] = {}
    if mode == "table":
        full = draw.randint(3, 12)
        extra["runtime_table"] = tuple(
            RuntimePoint(load_w=kw * 1000 * f, minutes=round(full * (1 / f) ** 1.3, 2))
            for f in (0.25, 0.5, 0.75, 1.0)
        )
        extra["battery_nominal_v"] = 48
        extra["battery_ah"] = 9
    elif mode == "peukert":
        extra["battery_nominal_v"] = draw.choice([24, 48])
        extra["battery_ah"] = draw.choice([7, 9, 18])
    packs = draw.randint(0, 3)
    # Single-phase, three-phase in and single out, or three-phase through (ratings per phase).
    phases_in, phases_out = draw.choice([(1, 1), (1, 1), (3, 1), (3, 3)])
    if phases_in == 3:
        kva *= 3
        kw = round(kva * pf, 3)
        extra["runtime_table"] = tuple(
            RuntimePoint(load_w=p.load_w * 3, minutes=p.minutes)
            for p in extra.get("runtime_table", ())  # type: ignore[attr-defined]
        )
    if draw.random() < 0.3:
        extra["input_current_a"] = draw.choice([8, 16, 32])
    return ComponentSpec(
        ref=f"ups{n}",
        name=f"UPS {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"U{n}",
        kind=Kind.UPS,
        u_height=draw.randint(1, 3),
        weight_kg=draw.randint(10, 60),
        depth_mm=draw.choice([400, 600]),
        list_price=round(kva * draw.randint(400, 900), 2),
        spec=UpsSpec(
            kva=kva,
            kw=kw,
            output_pf=pf,
            efficiency=draw.choice([None, 0.9, 0.95]),
            topology=draw.choice([None, "online_double_conversion", "line_interactive"]),
            input_phases=phases_in,
            output_phases=phases_out,
            external_battery_support=packs > 0,
            max_external_packs=packs,
            outlets_c13=draw.randint(0, 8),
            **extra,  # type: ignore[arg-type]
        ),
    )


def packs(draw: _Draw, n: int) -> ComponentSpec:
    volts = draw.choice([24, 48])
    return ComponentSpec(
        ref=f"pack{n}",
        name=f"Pack {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"B{n}",
        kind=Kind.BATTERY,
        u_height=draw.randint(1, 2),
        weight_kg=draw.randint(10, 40),
        list_price=draw.randint(200, 900),
        spec=BatteryPackSpec(wh=volts * draw.choice([9, 18, 36]), nominal_v=volts),
    )


def pdus(draw: _Draw, n: int) -> ComponentSpec:
    phases = draw.choice([1, 1, 3])
    return ComponentSpec(
        ref=f"pdu{n}",
        name=f"PDU {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"P{n}",
        kind=Kind.PDU,
        u_height=draw.choice([0, 1]),
        weight_kg=2,
        list_price=draw.randint(100, 1500),
        spec=PduSpec(
            voltage_v=230,
            phases=phases,
            input_current_a=draw.choice([10, 16, 32]),
            banks=phases,
            outlets_c13=draw.randint(4, 16),
            outlets_c19=draw.randint(0, 4),
        ),
    )


def atss(draw: _Draw, n: int) -> ComponentSpec:
    return ComponentSpec(
        ref=f"ats{n}",
        name=f"ATS {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"A{n}",
        kind=Kind.ATS,
        u_height=1,
        weight_kg=4,
        list_price=draw.randint(500, 1500),
        spec=AtsSpec(
            rated_a=draw.choice([10, 16]),
            outlets_c13=draw.randint(2, 8),
            outlets_c19=draw.randint(0, 2),
        ),
    )


def coolers(draw: _Draw, n: int) -> ComponentSpec:
    sensible = draw.choice([1000, 2500, 5000])
    kind = draw.choice(
        [
            CoolingType.SPLIT_DX,
            CoolingType.SPLIT_DX,
            CoolingType.IN_RACK,
            CoolingType.REAR_DOOR,
            CoolingType.DOOR_MOUNTED,
        ]
    )
    u = 2 if kind is CoolingType.IN_RACK and draw.random() < 0.7 else 0
    rated: dict[str, object] = {}
    if draw.random() < 0.3:  # rated at warm return air: derated at the site (S9)
        rated = {"rated_return_air_c": 35.0, "capacity_change_pct_per_k": 2.0}
    return ComponentSpec(
        ref=f"cool{n}",
        name=f"Cooler {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"C{n}",
        kind=Kind.COOLING,
        u_height=u,
        depth_mm=500 if u else None,
        weight_kg=draw.randint(10, 60),
        nameplate_w=sensible * 0.3,
        typical_w=sensible * 0.25,
        list_price=draw.randint(800, 4000),
        spec=CoolingSpec(
            cooling_type=kind,
            sensible_capacity_w=sensible,
            total_capacity_w=sensible * 1.1,
            airflow_m3h=sensible * draw.choice([0.2, 0.3, 0.4]),
            power_draw_w=sensible * 0.3,
            derate_for_altitude=draw.random() < 0.5,
            **rated,  # type: ignore[arg-type]
        ),
    )


def fires(draw: _Draw, n: int) -> ComponentSpec:
    room = draw.random() < 0.5
    spec = (
        FireSuppressionSpec(
            agent=Agent.HFC_227EA,
            agent_mass_kg=draw.choice([5, 10, 20]),
            max_volume_m3=draw.choice([10, 20, 40]),
        )
        if room
        else FireSuppressionSpec(
            agent=Agent.AEROSOL, agent_mass_kg=0.25, max_volume_m3=2.5, design_density_g_m3=100
        )
    )
    return ComponentSpec(
        ref=f"fire{n}",
        name=f"Fire {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"F{n}",
        kind=Kind.FIRE_SUPPRESSION,
        u_height=0 if room else 1,
        depth_mm=None if room else 300,
        weight_kg=5,
        nameplate_w=15,
        typical_w=8,
        list_price=draw.randint(500, 5000),
        spec=spec,
    )


def servers(draw: _Draw, n: int) -> ComponentSpec:
    np_w = draw.randint(2, 24) * 50
    psus = draw.choice([1, 2, 2])
    return ComponentSpec(
        ref=f"srv{n}",
        name=f"Server {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"S{n}",
        kind=Kind.SERVER,
        u_height=draw.randint(1, 2),
        weight_kg=draw.randint(8, 30),
        depth_mm=draw.choice([400, 600, 700]),
        nameplate_w=np_w,
        typical_w=np_w * draw.choice([0.5, 0.7]),
        list_price=draw.randint(1000, 5000),
        spec=ItSpec(
            psu_count=psus,
            redundant_psus=psus == 2,
            psu_rating_w=np_w * draw.choice([0.8, 1.2, 1.5]),
            psu_connector=draw.choice(["C14", "C14", "C20"]),
            ashrae_class=draw.choice(["A1", "A2", "A2", "A3"]),
        ),
    )


_Draw = random.Random


def _several(make: object, draw: _Draw, low: int, high: int) -> list[ComponentSpec]:
    return [make(draw, n) for n in range(draw.randint(low, high))]  # type: ignore[operator]


def problem(seed: int) -> tuple[Requirements, Catalog]:
    """A small random catalogue and requirements for a one-rack build, from one seed."""
    draw = random.Random(seed)
    parts: list[ComponentSpec] = []
    parts += _several(racks, draw, 1, 3)
    parts += _several(upss, draw, 1, 3)
    parts += _several(packs, draw, 0, 2)
    parts += _several(pdus, draw, 1, 3)
    parts += _several(atss, draw, 1, 2)
    parts += _several(coolers, draw, 1, 3)
    parts += _several(fires, draw, 1, 2)
    it = _several(servers, draw, 1, 3)
    parts += it
    if draw.random() < 0.5:
        parts.append(
            ComponentSpec(
                ref="blank1",
                name="Blanking panel",
                sku="BP1",
                kind=Kind.ACCESSORY,
                u_height=1,
                weight_kg=0.3,
                list_price=draw.choice([5, 7.5, 9]),
                spec=AccessorySpec(accessory_type="blanking_panel"),
            )
        )
    catalog = Catalog(entries=tuple(_entry(c) for c in parts))
    ups = draw.choice(["N", "N+1", "2N"])
    cooling = draw.choice(["none", "N", "N+1"])
    room_cooling = draw.choice([None, 1500.0, 4000.0])
    if cooling == "none" and room_cooling is None:
        room_cooling = 3000.0
    count = draw.randint(1, 3)
    if draw.random() < 0.5:
        workload = {"classes": [{"it_class": "server", "count": count}]}
    else:
        workload = {"items": [{"ref": draw.choice(it).ref, "quantity": count}]}
    requirements = Requirements.model_validate(
        {
            "name": "random",
            "site": {
                "supply_phases": draw.choice([1, 3]),
                "supply_breaker_a": draw.choice([16, 32]),
                "ambient_min_c": draw.choice([20, 20, 10]),
                "ambient_max_c": draw.choice([24, 27]),
                "altitude_m": draw.choice([0, 0, 1500]),
                "relative_humidity_max_pct": draw.choice([None, None, 60.0, 78.0]),
                "room_volume_m3": draw.choice([None, 15.0, 30.0]),
                "room_cooling_w": room_cooling,
            },
            "workload": workload,
            "redundancy": {
                "ups": ups,
                "cooling": cooling,
                "ab_feeds": True if ups == "2N" else draw.random() < 0.5,
            },
            "policy": {"battery_end_of_life": draw.random() < 0.3},
            "constraints": {
                "runtime_min": draw.choice([0, 5, 10, 15]),
                "fire_suppression": draw.random() < 0.5,
                "growth_pct": draw.choice([0, 0, 25]),
            },
        }
    )
    return requirements, catalog


def problems() -> st.SearchStrategy[tuple[Requirements, Catalog]]:
    """Problems from seeds Hypothesis chooses (and shrinks)."""
    return st.integers(0, 2**32 - 1).map(problem)


# --------------------------------------------------------------------------- liquid cooling


def liquid_racks(draw: _Draw, n: int) -> ComponentSpec:
    """A floor rack deep and strong enough for cold-plate nodes and a CDU."""
    return ComponentSpec(
        ref=f"rack{n}",
        name=f"Rack {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"R{n}",
        kind=Kind.RACK,
        weight_kg=draw.randint(60, 150),
        list_price=draw.randint(500, 2500),
        spec=RackSpec(
            u=draw.choice([24, 42]),
            depth_mm=draw.choice([1000, 1200]),
            static_load_kg=draw.choice([400, 1000]),
        ),
    )


def cold_plates(draw: _Draw, n: int) -> ComponentSpec:
    """A small cold-plate node: a liquid share, its flow, its inlet limit and connector."""
    np_w = draw.randint(8, 30) * 50
    fraction = draw.choice([0.6, 0.75, 0.9])
    return ComponentSpec(
        ref=f"node{n}",
        name=f"Node {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"N{n}",
        kind=Kind.SERVER,
        u_height=draw.randint(1, 2),
        weight_kg=draw.randint(10, 30),
        depth_mm=draw.choice([600, 700]),
        nameplate_w=np_w,
        typical_w=np_w * draw.choice([0.7, 0.85]),
        list_price=draw.randint(800, 4000),
        spec=ItSpec(
            psu_count=2,
            redundant_psus=True,
            psu_rating_w=np_w * 1.2,
            psu_connector="C14",
            ashrae_class="A2",
            liquid_fraction=fraction,
            # L1: the liquid share at about a 10 K rise, give or take
            coolant_flow_lpm=round(np_w * fraction / 1000 * 1.44 * draw.choice([0.7, 1, 1.5]), 2),
            max_coolant_inlet_c=draw.choice([35, 40, 45]),
            coolant_connector=draw.choice([None, "QA", "QB"]),
        ),
    )


def cdus(draw: _Draw, n: int, phases: int) -> ComponentSpec:
    """A small in-rack CDU."""
    capacity = draw.choice([1500, 3000, 6000])
    top = capacity / 1000 * 1.44 * draw.choice([0.8, 1.2, 2.0])  # L1 at 10 K, water
    pumps = draw.choice([1, 2, 2])
    classes = draw.choice(
        [("W17", "W27"), ("W17", "W27", "W32"), ("W27", "W32", "W40"), ("W17", "W27", "W32", "W40")]
    )
    return ComponentSpec(
        ref=f"cdu{n}",
        name=f"CDU {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"D{n}",
        kind=Kind.CDU,
        u_height=draw.randint(1, 3),
        weight_kg=draw.randint(20, 60),
        depth_mm=draw.choice([600, 900]),
        nameplate_w=capacity * 0.02,
        typical_w=capacity * 0.02,
        list_price=draw.randint(1500, 6000),
        spec=CduSpec(
            capacity_w=capacity,
            approach_k=draw.choice([2, 3, 5]),
            secondary_flow_min_lpm=round(top / 4, 2),
            secondary_flow_max_lpm=round(top, 2),
            pumps=pumps,
            pumps_required=1,
            facility_classes=classes,  # type: ignore[arg-type]
            connectors=draw.choice([(), ("QA",), ("QA", "QB")]),
            ports=draw.choice([None, 2, 4]),
            power_draw_w=capacity * 0.02,
            input_phases=phases,  # type: ignore[arg-type]
        ),
    )


def plants(draw: _Draw, n: int, phases: int) -> ComponentSpec:
    """A small dry cooler or chiller."""
    capacity = draw.choice([2000, 5000, 9000])
    chiller = draw.random() < 0.4
    return ComponentSpec(
        ref=f"water{n}",
        name=f"Water {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"W{n}",
        kind=Kind.FACILITY_WATER,
        weight_kg=draw.randint(100, 400),
        nameplate_w=capacity * (0.25 if chiller else 0.03),
        typical_w=capacity * (0.25 if chiller else 0.03),
        list_price=draw.randint(2000, 9000),
        spec=FacilityWaterSpec(
            source_type="chiller" if chiller else "dry_cooler",
            capacity_w=capacity,
            rated_ambient_c=35,
            capacity_change_pct_per_k=draw.choice([0, 2]),
            supply_temp_c=draw.choice([12, 18]) if chiller else draw.choice([25, 30]),
            ambient_approach_k=None if chiller else draw.choice([3, 5]),
            power_draw_w=capacity * (0.25 if chiller else 0.03),
            input_phases=phases,  # type: ignore[arg-type]
            ambient_min_c=-20,
            ambient_max_c=draw.choice([40, 45]),
        ),
    )


def leaks(draw: _Draw, n: int) -> ComponentSpec:
    """A leak sensor: a rope (zero U) or a drip tray (1 U)."""
    tray = draw.random() < 0.5
    return ComponentSpec(
        ref=f"leak{n}",
        name=f"Leak {n}",
        manufacturer=draw.choice(VENDORS),
        sku=f"L{n}",
        kind=Kind.ACCESSORY,
        u_height=1 if tray else 0,
        depth_mm=500 if tray else None,
        weight_kg=1,
        list_price=draw.randint(50, 300),
        spec=AccessorySpec(accessory_type="leak_detection"),
    )


def liquid_problem(seed: int) -> tuple[Requirements, Catalog]:
    """A small random catalogue with cold-plate nodes, CDUs, facility water and leak sensors,
    and requirements for a one-rack build under a cooling choice, from one seed. The policy's
    air density limit is often low, so that it binds on these small loads."""
    draw = random.Random(seed)
    site_phases = draw.choice([1, 3])
    parts: list[ComponentSpec] = []
    parts += _several(liquid_racks, draw, 1, 2)
    parts += _several(upss, draw, 2, 3)
    parts += _several(packs, draw, 0, 1)
    parts += _several(pdus, draw, 2, 3)
    parts += _several(coolers, draw, 1, 2)
    air_it = _several(servers, draw, 0, 2)
    nodes = _several(cold_plates, draw, 1, 2)
    parts += air_it + nodes
    # Mostly units that match the supply; now and then a single-phase one on three phases.
    unit_phases = 1 if site_phases == 1 or draw.random() < 0.3 else 3
    parts += [cdus(draw, n, unit_phases) for n in range(draw.randint(1, 2))]
    parts += [plants(draw, n, unit_phases) for n in range(draw.randint(1, 2))]
    parts += _several(leaks, draw, 0, 2)
    catalog = Catalog(entries=tuple(_entry(c) for c in parts))
    cooling = draw.choice(["none", "N", "N", "N+1"])
    room_cooling = 3000.0 if cooling == "none" else draw.choice([None, 1500.0])
    count = draw.randint(1, 3)
    if draw.random() < 0.6:
        workload = {"classes": [{"it_class": "server", "count": count}]}
    else:
        workload = {"items": [{"ref": draw.choice(nodes).ref, "quantity": count}]}
    outdoor = draw.choice([None, (-10.0, 25.0), (-10.0, 25.0), (-10.0, 32.0)])
    requirements = Requirements.model_validate(
        {
            "name": "random liquid",
            "site": {
                "supply_phases": site_phases,
                "supply_breaker_a": 32,
                "ambient_min_c": 20,
                "ambient_max_c": draw.choice([24, 27]),
                "relative_humidity_max_pct": draw.choice([None, 50.0, 70.0]),
                "room_cooling_w": room_cooling,
                **(
                    {"outdoor_min_c": outdoor[0], "outdoor_max_c": outdoor[1]}
                    if outdoor is not None
                    else {}
                ),
            },
            "workload": workload,
            "redundancy": {
                "ups": draw.choice(["N", "N+1"]),
                "cooling": cooling,
                "ab_feeds": draw.random() < 0.5,
            },
            "cooling": draw.choice(["auto", "auto", "liquid", "air"]),
            "policy": {
                "air_density_limit_kw": draw.choice([1.0, 2.0, 35.0]),
                "liquid_redundancy": draw.choice(["N", "N", "N", "N+1"]),
            },
            "constraints": {
                "runtime_min": draw.choice([0, 0, 5]),
                "growth_pct": draw.choice([0, 0, 25]),
            },
        }
    )
    return requirements, catalog


def liquid_problems() -> st.SearchStrategy[tuple[Requirements, Catalog]]:
    """Liquid problems from seeds Hypothesis chooses (and shrinks)."""
    return st.integers(0, 2**32 - 1).map(liquid_problem)
