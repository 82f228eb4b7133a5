"""Solver benchmark: ten realistic requirement sets over the demo catalogue.

For each set: the solve time on one core (CP-SAT ``num_workers=1``, the optimum only, median
of a few runs), the proven optimum, and the price of the old role-by-role selection of
``configurator/selfservice.py`` (ported in ``benchmarks.solver_greedy``, pure, over the same
catalogue data and wired the same way), both judged by ``rules.evaluate``. The saving is
(old - solver) / old list price, over the sets where the old selection gives a build the
engine accepts. ``python -m benchmarks solver``.

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
from typing import Any

from benchmarks.solver_greedy import greedy
from catalog.demo import load_demo_catalog
from rules.report import evaluate
from rules.solver.candidates import candidates
from rules.solver.catalog import Catalog, catalog_from_rows
from rules.solver.design import grown_build, wire
from rules.solver.requirements import Requirements
from rules.solver.solve import solve_candidates
from rules.specs import (
    Kind,
)

REPEATS = 3

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
