"""The old role-by-role selection of ``configurator/selfservice.py``, ported pure over the
solver's catalogue data and wired the same way, for the solver benchmark to price against
(see ``benchmarks.solver_bench``).

It keeps the old logic: IT of each class is the least expensive model (dual-corded first on
2N); the UPS is the least expensive model whose count (N, N+1 or 2 x N units, at most 4)
carries the load at u and lasts the runtime by its table, else the longest-lasting; two PDUs of
the least expensive model that carry the nameplate load with enough outlets; the least
expensive cooling count at u (N+1: one more); the smallest, then least expensive rack that
holds it all with 2 U spare; blanking panels in the open U. A fire role is added in its spirit.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from rules.derive.fire import protected_volume_m3, required_agent_kg
from rules.derive.lines import psus_needed, psus_per_feed
from rules.model import RackInstance
from rules.solver.candidates import Candidates, UpsOption
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.design import Design, RackPlan
from rules.solver.requirements import CoolingRedundancy, Requirements, UpsRedundancy
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

__all__ = ["greedy"]

SPARE_U = 2
MAX_PARALLEL_UPS = 4
MAX_COOLING_UNITS = 6


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
