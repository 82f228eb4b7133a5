"""Solver benchmark: ten realistic requirement sets over the demo catalogue.

For each set: the solve time on one core (CP-SAT ``num_workers=1``, the optimum only, median
of a few runs), the proven optimum, and the price of the old role-by-role selection of
``configurator/selfservice.py`` (ported below, pure, over the same catalogue data and wired the
same way), both judged by ``rules.evaluate``. The saving is (old - solver) / old list price,
over the sets where the old selection gives a build the engine accepts.

The port keeps the old logic: IT of each class is the least expensive model (dual-corded first
on 2N); the UPS is the least expensive model whose count (N, N+1 or 2 x N units, at most 4)
carries the load at u and lasts the runtime by its table, else the longest-lasting; two PDUs of
the least expensive model (same phases as the supply first, zero-U first) that carry the
nameplate load with enough outlets; the least expensive cooling count at u (N+1: one more); the
smallest, then least expensive rack that holds it all with 2 U spare; blanking panels in the
open U. It had no fire suppression, battery packs or ATS; a fire role is added in its spirit
(the least expensive model and count that protects the volume) so that the sets asking for fire
can be compared at all. ``python -m benchmarks solver``.

Then the liquid-cooling cases (issue 15): the 40 kW edge AI rack of
``rules/examples/configure/edge_ai_liquid.json`` under ``auto`` (cold-plate nodes on an in-rack
CDU and a dry cooler are cheaper than any air build, which cannot keep the rack within 35 kW of
air), the same with N+1 cooling (a spare CDU with spare pumps), liquid forced on one GPU
server, and two GPU servers under ``auto`` (air stays cheaper): solve time on one core, the
way chosen and the engine's verdict. The old selection knew no liquid: it is not compared.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from itertools import pairwise
from typing import Any

from catalog.demo import load_demo_catalog
from rules.derive.fire import protected_volume_m3, required_agent_kg
from rules.derive.lines import psus_needed, psus_per_feed
from rules.model import RackInstance
from rules.report import evaluate
from rules.solver.candidates import Candidates, UpsOption, candidates
from rules.solver.catalog import Catalog, CatalogEntry, catalog_from_rows
from rules.solver.design import Design, RackPlan, grown_build, wire
from rules.solver.requirements import CoolingRedundancy, Requirements, UpsRedundancy
from rules.solver.solve import solve_candidates
from rules.specs import (
    CoolingSpec,
    Environment,
    FireSuppressionSpec,
    ItSpec,
    Kind,
    PduSpec,
    RackSpec,
    UpsSpec,
)

REPEATS = 3
SPARE_U = 2
MAX_PARALLEL_UPS = 4
MAX_COOLING_UNITS = 6

SITE_1P = {"supply_phases": 1, "supply_breaker_a": 32, "ambient_min_c": 18, "ambient_max_c": 27}
SITE_3P = {"supply_phases": 3, "supply_breaker_a": 32, "ambient_min_c": 18, "ambient_max_c": 27}

CASES: dict[str, dict[str, Any]] = {
    "retail rack": {
        "site": {**SITE_1P, "supply_breaker_a": 16, "room_cooling_w": 3500},
        "workload": {
            "classes": [{"it_class": "server", "count": 2}, {"it_class": "switch", "count": 1}]
        },
        "redundancy": {"ups": "N", "cooling": "none"},
        "constraints": {"runtime_min": 10},
    },
    "2N hospital room": {
        "site": {**SITE_3P, "ambient_max_c": 24, "room_volume_m3": 36},
        "workload": {
            "classes": [
                {"it_class": "server", "count": 3},
                {"it_class": "storage", "count": 1},
                {"it_class": "switch", "count": 2},
            ]
        },
        "redundancy": {"ups": "2N", "cooling": "N+1"},
        "constraints": {"runtime_min": 15, "fire_suppression": True},
    },
    "outdoor tower cabinet": {
        "site": {
            "environment": "outdoor",
            "ambient_min_c": -5,
            "ambient_max_c": 40,
            "dusty": True,
            "humid": True,
            "occupied": False,
            "supply_phases": 1,
            "supply_breaker_a": 32,
        },
        "workload": {"classes": [{"it_class": "server", "count": 2}]},
        "redundancy": {"ups": "N", "cooling": "N"},
        "constraints": {"runtime_min": 30, "rack_form": "outdoor"},
    },
    "GPU inference rack": {
        "site": {**SITE_3P, "supply_breaker_a": 63, "ambient_max_c": 25},
        "workload": {
            "classes": [{"it_class": "gpu_server", "count": 2}, {"it_class": "switch", "count": 1}]
        },
        "redundancy": {"ups": "N+1", "cooling": "N+1"},
        "constraints": {"runtime_min": 5, "max_racks": 2},
    },
    "clinic": {
        "site": {**SITE_1P, "room_volume_m3": 20},
        "workload": {
            "classes": [
                {"it_class": "server", "count": 2},
                {"it_class": "storage", "count": 1},
                {"it_class": "switch", "count": 1},
            ]
        },
        "redundancy": {"ups": "N+1", "cooling": "N"},
        "constraints": {"runtime_min": 15, "fire_suppression": True},
    },
    "factory floor": {
        "site": {
            **SITE_3P,
            "supply_breaker_a": 16,
            "ambient_min_c": 10,
            "ambient_max_c": 35,
            "dusty": True,
        },
        "workload": {
            "classes": [{"it_class": "server", "count": 3}, {"it_class": "switch", "count": 1}]
        },
        "redundancy": {"ups": "N", "cooling": "N"},
        "constraints": {"runtime_min": 10},
    },
    "small office": {
        "site": {**SITE_1P, "supply_breaker_a": 16, "ambient_max_c": 26, "room_cooling_w": 2000},
        "workload": {
            "customer_load": {"typical_kw": 0.5, "nameplate_kw": 0.8, "devices": 2, "kg": 24},
            "classes": [{"it_class": "switch", "count": 1}],
        },
        "redundancy": {"ups": "N", "cooling": "none"},
        "constraints": {"runtime_min": 10, "rack_form": "wall"},
    },
    "branch bank 2N": {
        "site": {**SITE_1P, "ambient_max_c": 25},
        "workload": {
            "classes": [{"it_class": "server", "count": 2}, {"it_class": "router", "count": 1}]
        },
        "redundancy": {"ups": "2N", "cooling": "N"},
        "constraints": {"runtime_min": 10},
    },
    "edge compute pod": {
        "site": {**SITE_3P, "supply_breaker_a": 63, "ambient_max_c": 25},
        "workload": {
            "customer_load": {
                "typical_kw": 8,
                "nameplate_kw": 11,
                "devices": 16,
                "u_per_device": 2,
                "kg": 400,
            }
        },
        "redundancy": {"ups": "N+1", "cooling": "N+1"},
        "constraints": {"runtime_min": 8, "max_racks": 2, "growth_pct": 20},
    },
    "university lab": {
        "site": {**SITE_3P, "ambient_max_c": 25},
        "workload": {
            "classes": [
                {"it_class": "server", "count": 4},
                {"it_class": "storage", "count": 2},
                {"it_class": "switch", "count": 2},
            ]
        },
        "redundancy": {"ups": "N", "cooling": "N"},
        "constraints": {"runtime_min": 10},
        "objective": {"terms": ["tco"]},
    },
}


_EDGE_AI_SITE = {
    "supply_phases": 3,
    "supply_breaker_a": 160,
    "ambient_min_c": 20,
    "ambient_max_c": 27,
    "outdoor_min_c": -12,
    "outdoor_max_c": 27,
    "relative_humidity_max_pct": 55,
}
_EDGE_AI_LOAD = {
    "classes": [
        {"it_class": "gpu_server", "min_typical_kw": 36},
        {"it_class": "switch", "count": 1},
    ]
}
LIQUID_CASES: dict[str, dict[str, Any]] = {
    "edge AI 40 kW, auto": {
        "site": _EDGE_AI_SITE,
        "workload": _EDGE_AI_LOAD,
        "constraints": {"runtime_min": 5},
    },
    "edge AI 40 kW, N+1": {
        "site": _EDGE_AI_SITE,
        "workload": _EDGE_AI_LOAD,
        "redundancy": {"ups": "N", "cooling": "N+1"},
        "constraints": {"runtime_min": 5},
    },
    "one GPU node, liquid": {
        "site": _EDGE_AI_SITE,
        "workload": {"classes": [{"it_class": "gpu_server", "count": 1}]},
        "constraints": {"runtime_min": 5},
        "cooling": "liquid",
    },
    "two GPU servers, auto": {
        "site": _EDGE_AI_SITE,
        "workload": {"classes": [{"it_class": "gpu_server", "count": 2}]},
        "constraints": {"runtime_min": 5},
    },
}


# --------------------------------------------------------------------------- the old selection


def _dual(option_component: Any) -> bool:
    spec = option_component.spec
    if not isinstance(spec, ItSpec) or spec.psu_count < 2:
        return False
    needed = psus_needed(spec, option_component.nameplate_w or option_component.typical_w)
    return min(psus_per_feed(spec.psu_count)) >= needed


def _runtime(spec: UpsSpec, load_w: float, exponent: float) -> float | None:
    points = sorted((p.load_w, p.minutes) for p in spec.runtime_table)
    if not points or load_w <= 0:
        return None
    for (p1, t1), (p2, t2) in pairwise(points):
        if p1 <= load_w <= p2:
            return t1 * (load_w / p1) ** (math.log(t2 / t1) / math.log(p2 / p1))
    p_ref, t_ref = points[0] if load_w < points[0][0] else points[-1]
    return t_ref * (p_ref / load_w) ** exponent


def _active(catalog: Catalog, kind: Kind) -> list[CatalogEntry]:
    return sorted(
        (e for e in catalog.entries if e.kind is kind and e.active),
        key=lambda e: (e.component.list_price, e.ref),
    )


def greedy(req: Requirements, catalog: Catalog, cands: Candidates) -> Design | str:
    """The old role-by-role selection as a design, or why it found none."""
    policy = cands.policy
    site = req.site
    u, pf = policy.utilisation_limit, policy.power_factor_default
    two_n = req.redundancy.ups is UpsRedundancy.TWO_N
    it: list[tuple[int, int]] = []  # (IT option index, count)
    for demand in cands.demands:
        options = list(demand.options)
        options.sort(key=lambda i: (cands.it[i].entry.component.list_price, cands.it[i].entry.ref))
        if two_n:
            options.sort(key=lambda i: not _dual(cands.it[i].component))
        i = options[0]
        count = demand.count or math.ceil(
            (demand.min_typical_w or 0) / (cands.it[i].typ_w / cands.growth)
        )
        it.append((i, count))
    load = sum(cands.it[i].typ_w * n for i, n in it)
    nameplate = sum(cands.it[i].np_w * n for i, n in it)
    cords = sum(n for _, n in it)
    # UPS
    fitting = []
    for ups in _active(catalog, Kind.UPS):
        spec = ups.component.spec
        if not isinstance(spec, UpsSpec) or spec.input_phases > site.supply_phases:
            continue
        needed = max(
            1,
            math.ceil(load / (u * spec.rated_kw * 1000)),
            math.ceil(load / pf / (u * spec.kva * 1000)),
        )
        if needed > MAX_PARALLEL_UPS:
            continue
        per_system = needed + 1 if req.redundancy.ups is UpsRedundancy.N_PLUS_1 else needed
        systems = 2 if two_n else 1
        runtime = _runtime(spec, load / needed, policy.runtime_scaling_exponent)
        fitting.append((ups.component.list_price * systems * per_system, ups, per_system, runtime))
    if not fitting:
        return "no UPS carries the load"
    meeting = [f for f in fitting if f[3] is not None and f[3] >= req.constraints.runtime_min]
    chosen = (
        min(meeting, key=lambda f: (f[0], f[1].ref))
        if meeting
        else max(fitting, key=lambda f: (f[3] or 0, -f[0]))
    )
    ups_entry, q = chosen[1], chosen[2]
    # PDU pair
    pdus = []
    for pdu in _active(catalog, Kind.PDU):
        spec = pdu.component.spec
        if not isinstance(spec, PduSpec) or spec.phases > site.supply_phases:
            continue
        if abs(spec.voltage_v - site.supply_voltage_v) > 0.1 * site.supply_voltage_v:
            continue
        limit = spec.input_current_a
        if spec.breaker_a:
            limit = min(limit, spec.breaker_a * max(1, spec.banks // spec.phases))
        capacity = (limit if spec.rated_100pct else u * limit) * spec.voltage_v * pf * spec.phases
        outlets = spec.outlets_c13 + spec.outlets_c19 + spec.outlets_other
        pdus.append(
            (
                capacity >= max(nameplate, load) and outlets >= cords,
                spec.phases != site.supply_phases,
                pdu.component.u_height > 0,
                pdu,
            )
        )
    good = [p for p in pdus if p[0]]
    if not good:
        return "no PDU carries the load"
    pdu_entry = min(good, key=lambda p: (p[1], p[2], p[3].component.list_price, p[3].ref))[3]
    # Cooling
    cooling: tuple[CatalogEntry, int] | None = None
    if req.redundancy.cooling is not CoolingRedundancy.NONE:
        heat = load / policy.ups_efficiency_default
        options = []
        for unit in _active(catalog, Kind.COOLING):
            spec = unit.component.spec
            if not isinstance(spec, CoolingSpec):
                continue
            if spec.ambient_min_c > site.ambient_min_c or spec.ambient_max_c < site.ambient_max_c:
                continue
            needed = max(1, math.ceil(heat / u / spec.sensible_w))
            count = needed + 1 if req.redundancy.cooling is CoolingRedundancy.N_PLUS_1 else needed
            if count <= MAX_COOLING_UNITS:
                options.append(
                    (
                        unit.component.list_price * count,
                        unit.component.u_height * count,
                        unit,
                        count,
                    )
                )
        if not options:
            return "no cooling removes the heat"
        _, _, unit, count = min(options, key=lambda o: (o[0], o[1], o[2].ref))
        cooling = (unit, count)
    # Fire (added in the old selection's spirit)
    fire: tuple[CatalogEntry, int] | None = None
    parts = [(ups_entry, q * (2 if two_n else 1)), (pdu_entry, 2)]
    parts += [(cands.it[i].entry, n) for i, n in it]
    if cooling is not None:
        parts.append(cooling)
    u_needed = sum(e.component.u_height * n for e, n in parts) + SPARE_U
    kg = sum(e.component.weight_or_zero_kg * n for e, n in parts)
    depth = max((e.component.depth_mm or 0) for e, _ in parts if e.component.u_height)
    outdoor = site.environment is Environment.OUTDOOR
    rack_entry = None
    for rack in sorted(
        _active(catalog, Kind.RACK),
        key=lambda r: (getattr(r.component.spec, "u", 0), r.component.list_price),
    ):
        spec = rack.component.spec
        if not isinstance(spec, RackSpec) or outdoor != (spec.environment is Environment.OUTDOOR):
            continue
        if site.dusty and spec.ip_solids < policy.require_ip_solids_dusty:
            continue
        if spec.u < u_needed or spec.static_load_kg < kg or spec.usable_depth_mm < depth:
            continue
        if spec.ambient_min_c > site.ambient_min_c or spec.ambient_max_c < site.ambient_max_c:
            continue
        rack_entry = rack
        break
    if rack_entry is None:
        return "no single rack holds it"
    if req.constraints.fire_suppression:
        volume, _ = protected_volume_m3(
            site.room_volume_m3, [RackInstance(id="r", component=rack_entry.component)]
        )
        best = None
        for unit in _active(catalog, Kind.FIRE_SUPPRESSION):
            spec = unit.component.spec
            if not isinstance(spec, FireSuppressionSpec) or volume is None:
                continue
            pct = policy.design_concentration_pct.get(spec.agent, 0.0)
            kg_needed = required_agent_kg(
                spec.agent,
                volume,
                temperature_c=site.ambient_min_c,
                concentration_pct=pct,
                altitude_m=site.altitude_m,
                design_density_g_m3=spec.design_density_g_m3 or 0.0,
            )
            count = max(
                math.ceil(kg_needed / spec.agent_mass_kg), math.ceil(volume / spec.max_volume_m3)
            )
            price = unit.component.list_price * count
            if best is None or price < best[0]:
                best = (price, unit, count)
        if best is None:
            return "no fire suppression"
        fire = (best[1], best[2])
    placed = tuple((i, n_ph % 3, 1) for i, n in it for n_ph in range(n))
    merged: dict[tuple[int, int], int] = {}
    for i, ph, n in placed:
        merged[(i, ph)] = merged.get((i, ph), 0) + n
    plan = RackPlan(
        rack=rack_entry,
        pdu=pdu_entry,
        ats=None,
        it=tuple((i, ph, n) for (i, ph), n in sorted(merged.items())),
        cooling=cooling[1] if cooling and cooling[0].component.u_height > 0 else 0,
        fire=fire[1] if fire and fire[0].component.u_height > 0 else 0,
    )
    spec = ups_entry.component.spec
    assert isinstance(spec, UpsSpec)
    option = UpsOption(ups_entry, q, None, 0, 0, 0, 0, 0, None, 1.0, 0)
    return Design(
        racks=(plan,),
        ups=option,
        systems=2 if two_n else 1,
        ab_feeds=True,
        cooling=cooling[0] if cooling else None,
        cooling_count=cooling[1] if cooling else 0,
        fire=fire[0] if fire else None,
        fire_count=fire[1] if fire else 0,
        panel=cands.panel,
        it_options=tuple(cands.it),
    )


# --------------------------------------------------------------------------- the run


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[k]


def main() -> None:
    """Print one row per case, then p50/p95 solve time and the saving against the old way."""
    catalog = catalog_from_rows(load_demo_catalog()["components"])
    times: list[float] = []
    cpu_times: list[float] = []
    savings: list[float] = []
    against_any: list[float] = []  # against the old selection's price, valid or not
    print(f"machine load (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    head = (
        f"{'case':<24}{'status':>9}{'wall s':>8}{'cpu s':>7}{'solver':>12}{'old way':>12}"
        f"{'saving':>9}"
    )
    print(f"{head}  old verdict")
    for name, data in CASES.items():
        req = Requirements.model_validate({"name": name, **data})
        runs = []
        cpu = []
        result = None
        for _ in range(REPEATS):
            cands = candidates(req, catalog)
            started = time.perf_counter()
            cpu_started = time.process_time()
            result = solve_candidates(cands, time_limit_s=10.0, workers=1)
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        assert result is not None
        median = statistics.median(runs)
        times.append(median)
        cpu_times.append(statistics.median(cpu))
        solver_price = result.proposal.list_price if result.proposal else None
        ok = result.proposal.ok if result.proposal else False
        old = greedy(req, catalog, candidates(req, catalog))
        if isinstance(old, str):
            old_price, verdict = None, f"none: {old}"
        else:
            build = wire(old, candidates(req, catalog), name=name)
            report = evaluate(build)
            grown_ok = evaluate(grown_build(build, 1 + req.constraints.growth_pct / 100)).ok
            old_price = report.metrics.bill_total
            errors = sorted({f.code for f in report.errors})
            verdict = (
                "OK" if report.ok and grown_ok else f"REJECTED {', '.join(errors) or 'when grown'}"
            )
            if solver_price is not None:
                against_any.append((old_price - solver_price) / old_price * 100)
            if verdict == "OK" and solver_price is not None:
                savings.append((old_price - solver_price) / old_price * 100)
        saving = (
            f"{(old_price - solver_price) / old_price * 100:8.1f}%"
            if old_price and solver_price
            else f"{'-':>9}"
        )
        status = result.status + ("" if ok else "!")
        prices = f"{solver_price or 0:12,.0f}{old_price or 0:12,.0f}"
        print(f"{name:<24}{status:>9}{median:8.3f}{cpu_times[-1]:7.3f}{prices}{saving}  {verdict}")
    print()
    print(
        f"solve time, one core (CPU time of the solving process): p50 "
        f"{_percentile(cpu_times, 50):.3f} s, p95 {_percentile(cpu_times, 95):.3f} s "
        f"(goal p95 <= 2 s); wall clock p50 {_percentile(times, 50):.3f} s, p95 "
        f"{_percentile(times, 95):.3f} s on this machine's load; median of {REPEATS} runs per case"
    )
    if savings:
        print(
            f"saving against the old selection where it gives a valid build ({len(savings)} of "
            f"{len(CASES)}): mean {statistics.mean(savings):.1f} %, median "
            f"{statistics.median(savings):.1f} %, min {min(savings):.1f} %, "
            f"max {max(savings):.1f} %"
        )
    if against_any:
        print(
            f"price against the old selection's, valid or not ({len(against_any)} of "
            f"{len(CASES)}; where the engine rejects the old build it is short of something the "
            f"solver pays for): mean {statistics.mean(against_any):.1f} %, median "
            f"{statistics.median(against_any):.1f} %"
        )
    _liquid(catalog)


def _liquid(catalog: Catalog) -> None:
    """The liquid-cooling cases: solve time on one core, the way chosen, the verdict."""
    print()
    print(f"{'liquid case':<24}{'status':>9}{'wall s':>8}{'cpu s':>7}{'solver':>12}  cooling")
    cpu_times: list[float] = []
    for name, data in LIQUID_CASES.items():
        req = Requirements.model_validate({"name": name, **data})
        runs, cpu = [], []
        result = None
        for _ in range(REPEATS):
            cands = candidates(req, catalog)
            started = time.perf_counter()
            cpu_started = time.process_time()
            result = solve_candidates(cands, time_limit_s=10.0, workers=1)
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        assert result is not None
        cpu_times.append(statistics.median(cpu))
        p = result.proposal
        way = "-"
        if p is not None:
            m = p.report.metrics
            way = (
                f"liquid ({m.liquid_w / 1000:,.1f} kW into liquid, "
                f"{sum(i.quantity for i in p.build.items if i.component.kind is Kind.CDU)} CDU)"
                if p.design.liquid
                else "air"
            )
        status = result.status + ("" if p is not None and p.ok else "!")
        price = f"{p.list_price:12,.0f}" if p is not None else f"{'-':>12}"
        print(
            f"{name:<24}{status:>9}{statistics.median(runs):8.3f}{cpu_times[-1]:7.3f}{price}  {way}"
        )
    print(
        f"liquid solve time, one core (CPU time): p50 {_percentile(cpu_times, 50):.3f} s, "
        f"max {max(cpu_times):.3f} s over {len(cpu_times)} cases (goal <= 2 s); median of "
        f"{REPEATS} runs per case"
    )
