"""A brute-force enumerator of one-rack builds, independent of the CP-SAT model.

It walks every combination of rack, PDU model, ATS, UPS system (model, units 1-4, pack model,
packs), cooling model and count, fire model and count, liquid loop (none, or a CDU model and
count, a facility water model and count and a leak sensor) and IT model per demand, in order of
price (a best-first walk over the product of the per-role lists sorted by price, which is exact
because the price is a sum over roles; blanking panels are priced per open U, so each part's
price carries minus its U times the panel price and the rack plus its U times it). Each
combination is wired by ``rules.solver.design.wire`` and judged by ``rules.evaluate`` alone
(as built, and with its IT grown); the IT of a three-phase PDU is spread over the phases to
the lowest worst-phase draw, by exhaustive search, and on a three-phase site the cooling and
fire units over the site phases to the lowest worst phase, the UPS draw per phase read from the
engine's own power flow; a single-phase CDU or water source on a three-phase site is tried on
each phase. It shares with the solver only the candidate lists (what may be proposed at all)
and the wiring, never the model.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from rules.derive import derive
from rules.derive.fire import protected_volume_m3, required_agent_kg
from rules.derive.lines import unit_draw_w
from rules.derive.runtime import battery_model, battery_temperature_factor
from rules.derive.thermal import airflow_required_m3h
from rules.model import BuildSpec, RackInstance
from rules.report import evaluate
from rules.solver.candidates import (
    MAX_CDUS_PER_RACK,
    MAX_COOLING_UNITS,
    MAX_FACILITY_UNITS,
    MAX_FIRE_UNITS,
    MAX_PACKS_PER_SYSTEM,
    MAX_PARALLEL_UPS,
    Candidates,
    UpsOption,
)
from rules.solver.catalog import CatalogEntry
from rules.solver.design import Design, RackPlan, grown_build, wire
from rules.solver.requirements import CoolingMedium, CoolingRedundancy
from rules.specs import (
    BatteryPackSpec,
    CduSpec,
    CoolingSpec,
    FacilityWaterSpec,
    FireSuppressionSpec,
    PduSpec,
    RackSpec,
    UpsSpec,
)


@dataclass(frozen=True)
class Choice:
    """One option of one role, its price and its effective price (panels folded in)."""

    price: float
    effective: float
    value: object


def _ups_options(cands: Candidates) -> list[UpsOption]:
    """Every UPS system the brute force tries: model, 1-4 units, any pack model, any count.

    Packs only lengthen the runtime (the engine's ``battery_model``): past the count at which
    the system lasts the runtime asked carrying the largest IT load any choice gives, more
    packs only add price, U and mass, so they are not tried; none without a runtime asked."""
    packs = cands.packs
    runtime = cands.requirements.constraints.runtime_min
    load_max = sum(
        max(cands.it[i].typ_w for i in d.options) * (d.count or 0) for d in cands.demands
    )
    policy = cands.policy
    factor = battery_temperature_factor(cands.requirements.site.ambient_min_c, policy)
    if policy.battery_end_of_life:
        factor *= policy.battery_end_of_life_fraction
    out = []
    for entry in {o.ups.ref: o.ups for o in cands.ups}.values():
        spec = entry.component.spec
        assert isinstance(spec, UpsSpec)
        choices: list[CatalogEntry | None] = [None]
        if spec.external_battery_support:
            for pack in packs:
                p = pack.component.spec
                assert isinstance(p, BatteryPackSpec)
                if spec.battery_nominal_v is None or math.isclose(
                    p.nominal_v, spec.battery_nominal_v
                ):
                    choices.append(pack)
        for q in range(1, MAX_PARALLEL_UPS + 1):
            for pack in choices:
                top = min(spec.max_external_packs * q, MAX_PACKS_PER_SYSTEM) if pack else 0
                if runtime <= 0:
                    top = 0
                for k in range(1 if pack else 0, top + 1):
                    out.append(UpsOption(entry, q, pack, k, 0, 0, 0, 0, None, 1.0, 0))
                    p = pack.component.spec if pack is not None else None
                    model = battery_model(
                        spec, q, [(p, k)] if isinstance(p, BatteryPackSpec) else [], policy, factor
                    )
                    lasts = model.minutes(load_max) if load_max > 0 else None
                    if lasts is not None and lasts >= runtime:
                        break
    return out


def _min_max_split(
    units: list[tuple[int, float, int]], ats_w: float
) -> tuple[tuple[int, int, int], ...]:
    """(IT option, phase, count) spreading each model over L1-L3 to the lowest worst phase."""
    splits_per_model = []
    for i, _, n in units:
        splits_per_model.append(
            [(i, a, b, n - a - b) for a in range(n + 1) for b in range(n + 1 - a)]
        )
    best: tuple[float, list[tuple[int, int, int, int]]] | None = None
    watts = {i: w for i, w, _ in units}
    for combo in itertools.product(*splits_per_model):
        load = [ats_w, 0.0, 0.0]
        for i, a, b, c in combo:
            load[0] += a * watts[i]
            load[1] += b * watts[i]
            load[2] += c * watts[i]
        worst = max(load)
        if best is None or worst < best[0] - 1e-9:
            best = (worst, list(combo))
    out = []
    assert best is not None
    for i, a, b, c in best[1]:
        for ph, n in enumerate((a, b, c)):
            if n:
                out.append((i, ph, n))
    return tuple(out)


def _fire_counts(cands: Candidates) -> dict[CatalogEntry, int]:
    """Per fire model, the most units worth trying: enough for the largest protected volume
    any candidate rack gives (the engine's own figures, rules.derive.fire); more only add price,
    U, mass and draw."""
    site = cands.requirements.site
    volumes = [
        protected_volume_m3(site.room_volume_m3, [RackInstance(id="r", component=r.component)])[0]
        or 0.0
        for r in cands.racks
    ]
    out: dict[CatalogEntry, int] = {}
    for e in cands.fire:
        spec = e.component.spec
        assert isinstance(spec, FireSuppressionSpec)
        top = 1
        for volume in volumes:
            pct = cands.policy.design_concentration_pct.get(spec.agent, 0.0)
            kg = required_agent_kg(
                spec.agent,
                volume,
                temperature_c=site.ambient_min_c,
                concentration_pct=pct,
                altitude_m=site.altitude_m,
                design_density_g_m3=spec.design_density_g_m3 or 0.0,
            )
            top = max(
                top,
                math.ceil(kg / spec.agent_mass_kg + 1e-9),
                math.ceil(volume / spec.max_volume_m3 + 1e-9),
            )
        out[e] = min(top, MAX_FIRE_UNITS)
    return out


def _roles(cands: Candidates) -> list[list[Choice]]:
    req = cands.requirements
    panel = cands.panel.component.list_price if cands.panel is not None else 0.0
    per_rack = 2 if req.redundancy.ab_feeds else 1
    systems = cands.systems

    def eff(price: float, u: float) -> float:
        return price - u * panel

    racks = []
    for e in cands.racks:
        spec = e.component.spec
        assert isinstance(spec, RackSpec)
        racks.append(Choice(e.component.list_price, e.component.list_price + spec.u * panel, e))
    pdus = [
        Choice(
            e.component.list_price * per_rack,
            eff(e.component.list_price * per_rack, e.component.u_height * per_rack),
            e,
        )
        for e in cands.pdus
    ]
    ups = []
    for o in _ups_options(cands):
        price = o.price(cost=False) * systems
        ups.append(Choice(price, eff(price, o.u * systems), o))
    ats: list[Choice] = [Choice(0.0, 0.0, None)]
    if any(o.via_ats for o in cands.it):
        ats += [
            Choice(e.component.list_price, eff(e.component.list_price, e.component.u_height), e)
            for e in cands.ats
        ]
    cooling: list[Choice] = []
    if req.redundancy.cooling is CoolingRedundancy.NONE:
        cooling = [Choice(0.0, 0.0, None)]
    fire_top = _fire_counts(cands)
    # Heat can be no more than the largest IT load over the lowest UPS efficiency plus every
    # fire unit's draw (S2, C5): cooling units beyond what carries that (capacity at u, one
    # spare for N+1, airflow at 100 %) only add price, U, mass and draw, so never help.
    it_max = sum(max(cands.it[i].typ_w for i in d.options) * (d.count or 0) for d in cands.demands)
    eta = min([o.efficiency for o in cands.ups] + [1.0])
    heat_max = it_max / eta + sum(
        e.component.typical_or_nameplate_w * n for e, n in fire_top.items()
    )
    # A CDU's pumps heat the room too.
    heat_max += MAX_CDUS_PER_RACK * max(
        [unit_draw_w(e.component)[0] or 0.0 for e in cands.cdus] + [0.0]
    )
    spare = 1 if req.redundancy.cooling is CoolingRedundancy.N_PLUS_1 else 0
    air = airflow_required_m3h(1.0, cands.policy.airflow_delta_t_k, req.site.altitude_m)
    for e in cands.cooling:
        spec = e.component.spec
        assert isinstance(spec, CoolingSpec)
        by_heat = math.ceil(heat_max / (0.8 * cands.cooling_w(e))) + spare
        by_air = math.ceil(heat_max * air / spec.airflow_m3h)
        top = min(MAX_COOLING_UNITS, max(1, by_heat, by_air))
        for n in range(1, top + 1):
            price = e.component.list_price * n
            cooling.append(Choice(price, eff(price, e.component.u_height * n), (e, n)))
    fire: list[Choice] = [Choice(0.0, 0.0, None)]
    if req.constraints.fire_suppression:
        fire = []
        for e in cands.fire:
            for n in range(1, fire_top[e] + 1):
                price = e.component.list_price * n
                fire.append(Choice(price, eff(price, e.component.u_height * n), (e, n)))
    roles = [racks, pdus, ups, ats, cooling, fire, _loops(cands, eff)]
    for demand in cands.demands:
        assert demand.count is not None
        roles.append(
            [
                Choice(
                    cands.it[i].entry.price(cost=False) * demand.count,
                    eff(
                        cands.it[i].entry.price(cost=False) * demand.count,
                        cands.it[i].u * demand.count,
                    ),
                    (i, demand.count),
                )
                for i in demand.options
            ]
        )
    return [sorted(r, key=lambda c: c.effective) for r in roles]


@dataclass(frozen=True)
class Loop:
    """A liquid loop: the CDU model and units in the rack, the water source and its units, the
    leak sensor (None only when the catalogue has none)."""

    cdu: CatalogEntry
    cdus: int
    plant: CatalogEntry
    plants: int
    leak: CatalogEntry | None


def _loops(cands: Candidates, eff: object) -> list[Choice]:
    """No loop, or every CDU model and count with every water model and count and leak sensor
    (only when some IT option is a cold-plate node)."""
    out = [Choice(0.0, 0.0, None)]
    if not any(o.liquid for o in cands.it):
        return out
    leaks: list[CatalogEntry | None] = list(cands.leaks) or [None]
    for cdu in cands.cdus:
        for n in range(1, MAX_CDUS_PER_RACK + 1):
            for plant in cands.plants:
                for m in range(1, MAX_FACILITY_UNITS + 1):
                    for leak in leaks:
                        price = cdu.component.list_price * n + plant.component.list_price * m
                        u = cdu.component.u_height * n
                        if leak is not None:
                            price += leak.component.list_price
                            u += leak.component.u_height
                        out.append(
                            Choice(price, eff(price, u), Loop(cdu, n, plant, m, leak))  # type: ignore[operator]
                        )
    return out


def combinations(cands: Candidates) -> Iterator[tuple[float, tuple[Choice, ...]]]:
    """Every combination, cheapest (effective price) first."""
    roles = _roles(cands)
    if any(not r for r in roles):
        return
    start = (0,) * len(roles)
    heap = [(sum(r[0].effective for r in roles), start)]
    seen = {start}
    while heap:
        cost, index = heapq.heappop(heap)
        yield cost, tuple(r[i] for r, i in zip(roles, index, strict=True))
        for d in range(len(roles)):
            if index[d] + 1 < len(roles[d]):
                nxt = (*index[:d], index[d] + 1, *index[d + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(
                        heap,
                        (
                            cost - roles[d][index[d]].effective + roles[d][index[d] + 1].effective,
                            nxt,
                        ),
                    )


def plausible(cands: Candidates, combo: tuple[Choice, ...]) -> bool:
    """Cheap necessary conditions, each a restatement of one engine error, so that skipping a
    combination that fails one never skips a build the engine would accept: rack U
    (``space.u_capacity``), static load (``mechanical.rack_static_load``, panels left out),
    depth (``space.depth_fit``), UPS kW at u with the whole (grown) IT load on one system
    (``power.ups_kw_capacity`` / ``power.feed_failover``), sensible cooling at u against the IT
    heat alone (``thermal.cooling_capacity``), UPS kVA at the default PF and runtime at the
    whole load (``power.ups_kva_capacity``, ``power.ups_runtime``, with the engine's own
    ``battery_model``), N+1 UPS and cooling with one unit spare
    (``redundancy.*_below_policy``), fire agent mass and listed volume (``fire.agent_mass``,
    ``fire.protected_volume``, with the engine's own formulas), outlets of the A PDU
    (``power.pdu_outlets``); and the wiring rule that single-corded IT on 2N goes through an
    ATS (without one it would not be wired at all)."""
    rack, pdu, ups, ats, cooling, fire, loop, *it = (c.value for c in combo)
    assert isinstance(rack, CatalogEntry)
    assert isinstance(pdu, CatalogEntry)
    assert isinstance(ups, UpsOption)
    assert loop is None or isinstance(loop, Loop)
    spec = rack.component.spec
    assert isinstance(spec, RackSpec)
    usable = spec.usable_depth_mm
    # A loop exactly when some IT is a cold-plate node (the design space: no dry CDU).
    liquid_w = sum(cands.it[i].liquid_w * n for i, n in it)  # type: ignore[misc]
    if (loop is not None) != (liquid_w > 0):
        return False
    air_w = sum(cands.it[i].air_w * n for i, n in it)  # type: ignore[misc]
    if loop is not None:
        cdu = loop.cdu.component.spec
        assert isinstance(cdu, CduSpec)
        # liquid.cdu_capacity and liquid.facility_capacity at u (C4)
        if liquid_w > 0.8 * cdu.capacity_w * loop.cdus:
            return False
        if liquid_w > 0.8 * cands.plant_cap_w[loop.plant.ref] * loop.plants:
            return False
        air_w += (unit_draw_w(loop.cdu.component)[0] or 0.0) * loop.cdus
    per_rack = 2 if cands.requirements.redundancy.ab_feeds else 1
    s = cands.systems
    parts: list[tuple[object, float]] = [(ups.ups.component, ups.q * s), (pdu.component, per_rack)]
    if ups.pack is not None:
        parts.append((ups.pack.component, ups.k * s))
    if isinstance(ats, CatalogEntry):
        parts.append((ats.component, 1))
    for extra in (cooling, fire):
        if extra is not None:
            entry, n = extra  # type: ignore[misc]
            if entry.component.u_height > 0:
                parts.append((entry.component, n))
    if loop is not None:
        parts.append((loop.cdu.component, loop.cdus))
        if loop.leak is not None:
            parts.append((loop.leak.component, 1))
    typ = 0.0
    via_ats = False
    for i, n in it:  # type: ignore[misc]
        parts.append((cands.it[i].component, n))
        typ += cands.it[i].typ_w * n
        via_ats = via_ats or cands.it[i].via_ats
    if via_ats != isinstance(ats, CatalogEntry):
        return False
    u = kg = 0.0
    for component, n in parts:
        u += component.u_height * n  # type: ignore[attr-defined]
        kg += component.weight_kg * n  # type: ignore[attr-defined]
        depth = component.depth_mm  # type: ignore[attr-defined]
        if component.u_height > 0 and depth is not None and depth > usable:  # type: ignore[attr-defined]
            return False
    if u > spec.u or kg > spec.static_load_kg:
        return False
    req = cands.requirements
    ups_spec = ups.ups.component.spec
    assert isinstance(ups_spec, UpsSpec)
    spare_ups = 1 if req.redundancy.ups.value == "N+1" else 0
    if typ > 0.8 * (ups.q - spare_ups) * ups_spec.rated_kw * 1000:
        return False
    if typ / 0.95 > 0.8 * (ups.q - spare_ups) * ups_spec.kva * 1000:
        return False  # every test server has the default PF (C3)
    runtime = req.constraints.runtime_min
    if runtime > 0:
        pack = ups.pack.component.spec if ups.pack is not None else None
        counts = [(pack, ups.k)] if isinstance(pack, BatteryPackSpec) else []
        lasts = battery_model(ups_spec, ups.q, counts, cands.policy).minutes(typ)
        if lasts is None or lasts < runtime:
            return False
    stated = req.site.room_cooling_w or 0.0
    if cooling is not None:
        entry, n = cooling  # type: ignore[misc]
        # N+1 on the units alone (redundancy.cooling_below_policy), capacity with the room's
        # own cooling for room units (thermal.cooling_capacity).
        n_plus_1 = req.redundancy.cooling is CoolingRedundancy.N_PLUS_1
        # The air's heat is at least the IT's air share and the CDUs' pumps (L5).
        if n_plus_1 and air_w > 0.8 * cands.cooling_w(entry) * (n - 1):
            return False
        cooling_spec = entry.component.spec
        assert isinstance(cooling_spec, CoolingSpec)
        room = 0.0 if cooling_spec.cooling_type.rack_scoped else stated
        if air_w > 0.8 * (cands.cooling_w(entry) * n + room):
            return False
    elif air_w > 0.8 * stated:
        return False
    if fire is not None:
        entry, n = fire  # type: ignore[misc]
        fire_spec = entry.component.spec
        assert isinstance(fire_spec, FireSuppressionSpec)
        volume, _ = protected_volume_m3(
            req.site.room_volume_m3, [RackInstance(id="r", component=rack.component)]
        )
        if volume is not None:
            pct = cands.policy.design_concentration_pct.get(fire_spec.agent, 0.0)
            need = required_agent_kg(
                fire_spec.agent,
                volume,
                temperature_c=req.site.ambient_min_c,
                concentration_pct=pct,
                altitude_m=req.site.altitude_m,
                design_density_g_m3=fire_spec.design_density_g_m3 or 0.0,
            )
            if n * fire_spec.agent_mass_kg < need or n * fire_spec.max_volume_m3 < volume:
                return False
    pdu_spec = pdu.component.spec
    assert isinstance(pdu_spec, PduSpec)
    cords = {"c13": 0, "c19": 0, "other": 0}
    for i, n in it:  # type: ignore[misc]
        option = cands.it[i]
        if not option.via_ats:
            for outlet, k in option.cords_a.items():
                cords[outlet] += k * n
    if cords["c19"] > pdu_spec.outlets_c19 or cords["other"] > pdu_spec.outlets_other:
        return False
    return cords["c13"] + cords["c19"] <= pdu_spec.outlets_c13 + pdu_spec.outlets_c19


def designs_of(cands: Candidates, combo: tuple[Choice, ...]) -> list[Design]:
    """The designs a combination describes: a single-phase CDU or water source on a
    three-phase site on each phase it may take."""
    loop = combo[6].value
    if not isinstance(loop, Loop) or cands.requirements.site.supply_phases != 3:
        return [design_of(cands, combo)]
    cdu, plant = loop.cdu.component.spec, loop.plant.component.spec
    assert isinstance(cdu, CduSpec)
    assert isinstance(plant, FacilityWaterSpec)
    cdu_phases = [None] if cdu.input_phases == 3 else [1, 2, 3]
    plant_phases = [None] if plant.input_phases == 3 else [1, 2, 3]
    return [
        design_of(cands, combo, cdu_phase=a, plant_phase=b)
        for a in cdu_phases
        for b in plant_phases
    ]


def design_of(
    cands: Candidates,
    combo: tuple[Choice, ...],
    *,
    cdu_phase: int | None = None,
    plant_phase: int | None = None,
) -> Design:
    """The design a combination describes, IT spread over the PDU phases."""
    rack, pdu, ups, ats, cooling, fire, loop, *it = (c.value for c in combo)
    assert loop is None or isinstance(loop, Loop)
    assert isinstance(rack, CatalogEntry)
    assert isinstance(pdu, CatalogEntry)
    assert isinstance(ups, UpsOption)
    units = [(i, cands.it[i].np_w, n) for i, n in it]  # type: ignore[misc]
    direct = [(i, w, n) for i, w, n in units if not cands.it[i].via_ats]
    via_ats = [(i, 0, n) for i, _, n in units if cands.it[i].via_ats]
    ats_w = sum(cands.it[i].np_w * n for i, _, n in via_ats)
    spec = pdu.component.spec
    assert isinstance(spec, PduSpec)
    if spec.phases == 3:
        placed = _min_max_split(direct, ats_w) + tuple(via_ats)
    else:
        placed = tuple((i, 0, n) for i, _, n in direct) + tuple(via_ats)
    cool_entry, cool_n = cooling if cooling is not None else (None, 0)  # type: ignore[misc]
    fire_entry, fire_n = fire if fire is not None else (None, 0)  # type: ignore[misc]
    in_rack = cool_entry is not None and (
        cool_entry.component.u_height > 0
        or (
            isinstance(cool_entry.component.spec, CoolingSpec)
            and cool_entry.component.spec.cooling_type.rack_scoped
        )
    )
    plan = RackPlan(
        rack=rack,
        pdu=pdu,
        ats=ats if isinstance(ats, CatalogEntry) else None,
        it=placed,
        cooling=cool_n if in_rack else 0,
        fire=fire_n if fire_entry is not None and fire_entry.component.u_height > 0 else 0,
        cdu=loop.cdus if loop is not None else 0,
        cdu_phase=cdu_phase,
        leak=loop.leak if loop is not None else None,
    )
    design = Design(
        racks=(plan,),
        ups=ups,
        systems=cands.systems,
        ab_feeds=cands.requirements.redundancy.ab_feeds,
        cooling=cool_entry,
        cooling_count=cool_n,
        fire=fire_entry,
        fire_count=fire_n,
        panel=cands.panel,
        it_options=tuple(cands.it),
        cdu=loop.cdu if loop is not None else None,
        plant=loop.plant if loop is not None else None,
        plant_count=loop.plants if loop is not None else 0,
        plant_phase=plant_phase,
    )
    if cands.requirements.site.supply_phases != 3 or not (cool_n or fire_n):
        return design
    return _site_split(cands, design, cool_entry, cool_n, fire_entry, fire_n)


def _compositions(n: int) -> list[tuple[int, int, int]]:
    return [(a, b, n - a - b) for a in range(n + 1) for b in range(n + 1 - a)]


def _site_split(
    cands: Candidates,
    design: Design,
    cool: CatalogEntry | None,
    cool_n: int,
    fire: CatalogEntry | None,
    fire_n: int,
) -> Design:
    """The design with its cooling and fire units over the site phases to the lowest worst
    phase: the rest of the site draw per phase is the engine's (its worst over every scenario,
    with no cooling or fire unit wired)."""
    bare = dataclasses.replace(design, cooling=None, cooling_count=0, fire=None, fire_count=0)
    bare = dataclasses.replace(
        bare, racks=tuple(dataclasses.replace(p, cooling=0, fire=0) for p in bare.racks)
    )
    base = _site_worst_w(wire(bare, cands))
    cool_w = unit_draw_w(cool.component)[1] or 0.0 if cool is not None else 0.0
    fire_w = unit_draw_w(fire.component)[1] or 0.0 if fire is not None else 0.0
    best: tuple[float, tuple[int, ...], tuple[int, ...]] | None = None
    for c in _compositions(cool_n):
        for f in _compositions(fire_n):
            worst = max(base[p] + c[p] * cool_w + f[p] * fire_w for p in range(3))
            if best is None or worst < best[0] - 1e-9:
                best = (worst, c, f)
    assert best is not None
    return dataclasses.replace(
        design,
        cooling_phases=best[1] if cool_n else (),
        fire_phases=best[2] if fire_n else (),
    )


def _site_worst_w(build: BuildSpec) -> list[float]:
    """Each site phase's highest nameplate W over normal operation and every scenario."""
    flow = derive(build).flow
    worst = list(flow.normal.site_phase_nameplate_w)
    for scenario in flow.scenarios:
        for p, w in enumerate(scenario.site_phase_nameplate_w):
            worst[p] = max(worst[p], w)
    return worst


def valid(cands: Candidates, design: Design) -> tuple[bool, float]:
    """Whether the engine accepts the design (as built and grown), and its list price.

    Some requirements are the solver's, not the engine's (which only warns or informs): with a
    runtime asked for, the UPS's runtime must be known (``power.ups_runtime_unknown``); a
    proposal is wired (``power.feeds_assumed``); ``cooling`` liquid means a loop; and where
    liquid is on the table (``Candidates.air_limit_w`` is the policy's limit) no rack, as built
    or grown, gives the air more than the policy's limit (``liquid.air_density`` warns)."""
    build = wire(design, cands)
    report = evaluate(build)
    asked = {"power.ups_runtime_unknown", "power.feeds_assumed"}
    if cands.air_limit_w <= cands.policy.air_density_limit_kw * 1000:
        asked.add("liquid.air_density")
    price = report.metrics.bill_total
    if cands.medium is CoolingMedium.LIQUID and not design.liquid:
        return False, price
    if not report.ok or any(f.code in asked for f in report.findings):
        return False, price
    if cands.growth != 1:
        grown = evaluate(grown_build(build, cands.growth))
        if not grown.ok or any(f.code in asked for f in grown.findings):
            return False, price
    return True, price
