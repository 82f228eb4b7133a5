"""Liquid cooling in the solver: which CDUs, facility water sources and leak sensors may be
proposed, and their part of the CP-SAT model (reference 8, L1-L7; see README.md in this
package).

The design: every rack that holds a cold-plate node has one CDU line of the build's one in-rack
CDU model (``q`` units; two or more, each with a spare pump, on an N+1 liquid design), and
every node of that rack takes its coolant from it; every CDU line takes its water from one
facility water source line of one model (``q`` units) in the room; every rack with liquid has
one leak detection accessory. CDUs and sources draw from the site supply, like air cooling (a
pump or a dry cooler on the UPS would drain it), each line on one site phase, or on all three
when it is a three-phase unit.

Every figure is the engine's (``rules.derive.liquid``), worked out once per part: a source's
supply temperature and one unit's capacity at the site's design ambient (``plant_ambient_c``,
``facility_supply_c``, ``plant_capacity_w``), its ASHRAE class (``WaterClass.of``), a CDU's
secondary supply (facility supply + approach, L4), the flow a heat needs at the loop's design
rise (``flow_lpm_for``, linear in the heat, L1), the room's dew point (``fit.room_dew_point``,
L3). The constraints mirror the engine's ``rules.checks.liquid``:

* ``liquid.cdu_capacity``: per rack, the nodes' liquid share (L5, grown draws) <= u x capacity
  x units; ``liquid.cdu_redundancy`` on N+1: <= u x capacity x (units - 1), and a spare pump;
* ``liquid.secondary_flow``: the nodes' own flows and the flow their heat needs at the design
  rise, each <= the CDU line's top flow (its minimum is only a warning: not modelled);
* ``liquid.manifold_ports``: nodes <= ports x units;
* ``liquid.connector``, ``liquid.node_inlet``, ``liquid.water_class``: pairwise exclusions
  between the node models used, the CDU model and the source model;
* ``liquid.facility_capacity``: every loop's heat <= u x the source line's capacity;
* ``liquid.condensation``, ``liquid.facility_ambient``: filters (a source whose water is below
  the dew point plus the margin, or not rated for the site's outdoor range, is never proposed);
* ``liquid.leak_detection``: a leak sensor in every wet rack (the engine only warns);
* the air remainder (L5) is the air cooling's (``rules.solver.cooling``): each node gives the
  air ``(1 - f) x P_typ``, each CDU its own draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rules.derive.lines import unit_draw_w
from rules.derive.liquid import (
    facility_supply_c,
    flow_lpm_for,
    plant_ambient_c,
    plant_capacity_w,
)
from rules.solver.candidates import MAX_CDUS_PER_RACK, MAX_FACILITY_UNITS, Candidates
from rules.solver.catalog import CatalogEntry
from rules.solver.fit import room_dew_point
from rules.solver.linear import Lin
from rules.solver.requirements import CoolingMedium, CoolingRedundancy
from rules.specs import (
    AccessorySpec,
    CduSpec,
    FacilityWaterSpec,
    ItSpec,
    Redundancy,
    WaterClass,
)

if TYPE_CHECKING:
    from rules.solver.model import SolverModel

__all__ = [
    "PHASES",
    "LiquidVars",
    "add_liquid",
    "add_liquid_parts",
    "cdu_spec",
    "loop_fits",
    "node_fits",
    "plant_spec",
]

PHASES = 3


def cdu_spec(entry: CatalogEntry) -> CduSpec:
    """The CDU spec of a candidate CDU."""
    spec = entry.component.spec
    if not isinstance(spec, CduSpec):
        raise TypeError(f"{entry.ref} is not a CDU")
    return spec


def plant_spec(entry: CatalogEntry) -> FacilityWaterSpec:
    """The facility water spec of a candidate source."""
    spec = entry.component.spec
    if not isinstance(spec, FacilityWaterSpec):
        raise TypeError(f"{entry.ref} is not a facility water source")
    return spec


def loop_fits(cands: Candidates, plant: CatalogEntry, cdu: CatalogEntry) -> bool:
    """The CDU accepts the source's water class at the site (``liquid.water_class``, L2) and its
    secondary supply stays above the dew point plus the margin (``liquid.condensation``, L3)."""
    supply = cands.plant_supply_c[plant.ref]
    spec = cdu_spec(cdu)
    if WaterClass.of(supply) not in spec.facility_classes:
        return False
    floor = cands.dew_floor_c
    return floor is None or supply + spec.approach_k >= floor


def _connector_ok(cdu: CduSpec, node: ItSpec) -> bool:
    """``liquid.connector``: the CDU's manifold takes the node's quick disconnect."""
    return (
        not cdu.connectors
        or node.coolant_connector is None
        or (node.coolant_connector in cdu.connectors)
    )


def _inlet_ok(supply_c: float, cdu: CduSpec, node_max_c: float | None) -> bool:
    """``liquid.node_inlet`` (L4): facility supply + the CDU's approach <= the node's maximum
    coolant inlet (the engine adds them in this order)."""
    return node_max_c is None or not supply_c + cdu.approach_k > node_max_c


def node_fits(cands: Candidates, node: ItSpec) -> bool:
    """Some source and CDU that work together take this node (connector, coolant inlet)."""
    for plant in cands.plants:
        supply = cands.plant_supply_c[plant.ref]
        for cdu in cands.cdus:
            if not loop_fits(cands, plant, cdu):
                continue
            spec = cdu_spec(cdu)
            if _connector_ok(spec, node) and _inlet_ok(supply, spec, node.max_coolant_inlet_c):
                return True
    return False


def add_liquid_parts(cands: Candidates, allowed: list[CatalogEntry]) -> None:
    """The CDUs, facility water sources and leak sensors that may be proposed (see the module
    docstring), with each source's supply and capacity at the site; ``cands.liquid_notes``
    says why no loop can be built when none can."""
    if cands.medium is CoolingMedium.AIR:
        return
    site, policy = cands.requirements.site, cands.policy
    found = room_dew_point(site)
    cands.dew_floor_c = None if found is None else found[0] + policy.dew_point_margin_k
    outdoor = site.outdoor_range_c
    cdus: list[CatalogEntry] = []
    plants: list[CatalogEntry] = []
    for entry in allowed:
        spec = entry.component.spec
        if isinstance(spec, CduSpec):
            # In-rack CDUs only; a three-phase unit needs a three-phase supply.
            if spec.mounting == "in_rack" and spec.input_phases <= site.supply_phases:
                cdus.append(entry)
        elif isinstance(spec, FacilityWaterSpec):
            if spec.input_phases > site.supply_phases:
                continue
            if outdoor is not None and (
                outdoor[1] > spec.ambient_max_c or outdoor[0] < spec.ambient_min_c
            ):
                continue  # liquid.facility_ambient
            ambient, _ = plant_ambient_c(spec, site)
            supply = facility_supply_c(spec, ambient)
            capacity = plant_capacity_w(spec, ambient)
            floor = cands.dew_floor_c
            if capacity <= 0 or (floor is not None and supply < floor):
                continue  # nothing at the site's design ambient; water below the dew point
            plants.append(entry)
            cands.plant_supply_c[entry.ref] = supply
            cands.plant_cap_w[entry.ref] = capacity
        elif isinstance(spec, AccessorySpec) and spec.accessory_type == "leak_detection":
            cands.leaks.append(entry)
    cands.cdus = [k for k in cdus if any(loop_fits(cands, p, k) for p in plants)]
    cands.plants = [p for p in plants if any(loop_fits(cands, p, k) for k in cdus)]
    if not cdus:
        cands.liquid_notes.append(
            "no in-rack CDU of the catalogue fits this site (its supply phases)"
        )
    if not plants:
        cands.liquid_notes.append(
            "no facility water source of the catalogue fits this site (supply phases, the "
            "outdoor design range, water above the room's dew point)"
        )
    if cdus and plants and not cands.cdus:
        cands.liquid_notes.append(
            "no CDU of the catalogue accepts the facility water a source supplies here"
        )


@dataclass(slots=True)
class LiquidVars:
    """The liquid part of a model: picks, counts per rack and per site phase."""

    liquid: cp_model.IntVar  # the design has a loop
    cdu_pick: list[cp_model.IntVar] = field(default_factory=list)  # per CDU model
    cdu: list[list[cp_model.IntVar]] = field(default_factory=list)  # [rack][model] units
    wet: list[cp_model.IntVar] = field(default_factory=list)  # rack holds a node
    # [rack][phase]: the phase a rack's single-phase CDU line sits on (3-phase site)
    cdu_phase: list[list[cp_model.IntVar]] = field(default_factory=list)
    cdu_on: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    plant_pick: list[cp_model.IntVar] = field(default_factory=list)
    plant_n: list[cp_model.IntVar] = field(default_factory=list)
    plant_phase: list[cp_model.IntVar] = field(default_factory=list)
    plant_on: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    leak: list[list[cp_model.IntVar]] = field(default_factory=list)  # [rack][model]
    used: dict[int, cp_model.IntVar] = field(default_factory=dict)  # per node IT option

    def site_phase_w(self, cands: Candidates, ph: int) -> Lin:
        """Nameplate W the CDUs and sources draw on site phase ``ph`` (0..2): a three-phase
        unit a third on each phase, a single-phase line all on the phase it names."""
        out = Lin()
        for k, entry in enumerate(cands.cdus):
            _, np_ = unit_draw_w(entry.component)
            if cdu_spec(entry).input_phases == 3:
                for row in self.cdu:
                    out.add((np_ or 0.0) / 3, row[k])
            else:
                for (_, kk, p), var in self.cdu_on.items():
                    if kk == k and p == ph:
                        out.add(np_ or 0.0, var)
        for n, entry in enumerate(cands.plants):
            _, np_ = unit_draw_w(entry.component)
            if plant_spec(entry).input_phases == 3:
                out.add((np_ or 0.0) / 3, self.plant_n[n])
            else:
                on = self.plant_on.get((n, ph))
                if on is not None:
                    out.add(np_ or 0.0, on)
        return out

    def draw(self, cands: Candidates, *, typical: bool) -> Lin:
        """Typical (or nameplate) W of every CDU and source."""
        out = Lin()
        for k, entry in enumerate(cands.cdus):
            typ, np_ = unit_draw_w(entry.component)
            for row in self.cdu:
                out.add((typ if typical else np_) or 0.0, row[k])
        for n, entry in enumerate(cands.plants):
            typ, np_ = unit_draw_w(entry.component)
            out.add((typ if typical else np_) or 0.0, self.plant_n[n])
        return out

    def rack_cdu_heat(self, cands: Candidates, r: int) -> Lin:
        """The air heat of rack ``r``'s CDUs: their pumps' typical draw (a CDU is in the room)."""
        out = Lin()
        for k, entry in enumerate(cands.cdus):
            typ, _ = unit_draw_w(entry.component)
            out.add(typ or 0.0, self.cdu[r][k])
        return out


def _one_phase(
    m: cp_model.CpModel, count: cp_model.IntVar, phases: list[cp_model.IntVar], ub: int, name: str
) -> list[cp_model.IntVar]:
    """``count`` split over site phases, all of it on the one phase ``phases`` picks."""
    out = []
    for p, lit in enumerate(phases):
        var = m.new_int_var(0, ub, f"{name}_L{p + 1}")
        m.add(var <= ub * lit)
        out.append(var)
    m.add(sum(out) == count)
    return out


def add_liquid(sm: SolverModel) -> None:
    """Liquid cooling's variables and constraints (see the module docstring); nothing when no
    IT option is a cold-plate node."""
    c = sm.cands
    if not c.liquid_options:
        return
    m = sm.model
    req, policy = c.requirements, c.policy
    u = policy.utilisation_limit
    site = req.site
    three_site = site.supply_phases == 3
    lv = LiquidVars(liquid=m.new_bool_var("liquid"))
    sm.liq = lv
    if req.cooling is CoolingMedium.LIQUID:
        m.add(lv.liquid == 1)
    nodes = [i for i, o in enumerate(c.it) if o.liquid]
    # Node models used.
    for i in nodes:
        used = m.new_bool_var(f"node_used{i}")
        total = sm.it_total[i]
        ub = c.demands[c.it[i].demand].max_count
        m.add(total <= ub * used)
        m.add(total >= used)
        lv.used[i] = used
        m.add_implication(used, lv.liquid)
    # One CDU model and one source model when there is a loop.
    for k, entry in enumerate(c.cdus):
        pick = m.new_bool_var(f"cdu{k}")
        sm._forbid_with(pick, sm._guards(entry))
        sm.lead_items.append((entry.component.lead_time_days, pick))
        lv.cdu_pick.append(pick)
    m.add(sum(lv.cdu_pick) == lv.liquid)
    for n, entry in enumerate(c.plants):
        pick = m.new_bool_var(f"plant{n}")
        count = m.new_int_var(0, MAX_FACILITY_UNITS, f"plantn{n}")
        m.add(count >= pick)
        m.add(count <= MAX_FACILITY_UNITS * pick)
        sm._forbid_with(pick, sm._guards(entry))
        sm.lead_items.append((entry.component.lead_time_days, pick))
        sm.price_list.add(entry.price(cost=False), count)
        sm.price_cost.add(entry.price(cost=True), count)
        lv.plant_pick.append(pick)
        lv.plant_n.append(count)
    m.add(sum(lv.plant_pick) == lv.liquid)
    _compatibility(sm, lv, nodes)
    n_plus_1 = policy.liquid_redundancy.rank >= Redundancy.N_PLUS_1.rank
    guard = (
        [sm.assumption("cooling_n_plus_1")]
        if req.redundancy.cooling is CoolingRedundancy.N_PLUS_1
        else []
    )
    if n_plus_1:
        for k, entry in enumerate(c.cdus):
            spec = cdu_spec(entry)
            if spec.pumps - spec.pumps_required < 1:  # losing one pump stops the loop
                m.add(lv.cdu_pick[k] == 0).only_enforce_if(guard)
    single_cdus = three_site and any(cdu_spec(e).input_phases == 1 for e in c.cdus)
    all_heat = Lin()
    wet_sum = []
    for r in range(sm.slots):
        _rack(sm, lv, r, nodes, n_plus_1, guard, single_cdus, all_heat)
        wet_sum.append(lv.wet[r])
    m.add(lv.liquid <= sum(wet_sum))
    # liquid.facility_capacity (L2, C4): every loop's heat within u x the source line's
    # capacity at the site's design ambient.
    facility = Lin().plus(all_heat)
    for n, entry in enumerate(c.plants):
        facility.add(-u * c.plant_cap_w[entry.ref], lv.plant_n[n])
    facility.le(m, 0.0)
    if three_site and any(plant_spec(e).input_phases == 1 for e in c.plants):
        lv.plant_phase = [m.new_bool_var(f"plant_L{p + 1}") for p in range(PHASES)]
        m.add(sum(lv.plant_phase) == lv.liquid)
        for n, entry in enumerate(c.plants):
            if plant_spec(entry).input_phases == 1:
                split = _one_phase(
                    m, lv.plant_n[n], lv.plant_phase, MAX_FACILITY_UNITS, f"plant{n}"
                )
                for p, var in enumerate(split):
                    lv.plant_on[(n, p)] = var


def _compatibility(sm: SolverModel, lv: LiquidVars, nodes: list[int]) -> None:
    """Pairwise and three-way exclusions: node connector against the CDU's manifold, the
    source's class against the CDU's, the secondary supply against each node's inlet."""
    m, c = sm.model, sm.cands
    for k, cdu in enumerate(c.cdus):
        cspec = cdu_spec(cdu)
        for i in nodes:
            node = c.it[i].component.spec
            if isinstance(node, ItSpec) and not _connector_ok(cspec, node):
                m.add_bool_or([lv.used[i].Not(), lv.cdu_pick[k].Not()])
        for n, plant in enumerate(c.plants):
            if not loop_fits(c, plant, cdu):
                m.add_bool_or([lv.plant_pick[n].Not(), lv.cdu_pick[k].Not()])
                continue
            supply = c.plant_supply_c[plant.ref]
            for i in nodes:
                if not _inlet_ok(supply, cspec, c.it[i].max_inlet_c):
                    m.add_bool_or([lv.plant_pick[n].Not(), lv.cdu_pick[k].Not(), lv.used[i].Not()])


def _rack(
    sm: SolverModel,
    lv: LiquidVars,
    r: int,
    nodes: list[int],
    n_plus_1: bool,
    guard: list[cp_model.IntVar],
    single_cdus: bool,
    all_heat: Lin,
) -> None:
    """One rack slot: whether it is wet, its CDU line, its leak sensor, and the loop limits."""
    m, c = sm.model, sm.cands
    u = c.policy.utilisation_limit
    delta_t = c.policy.liquid_delta_t_k
    count = Lin()
    heat = Lin()
    flow = Lin()
    ub_nodes = 0
    for (rr, i, _), var in sm.it.items():
        if rr != r or i not in lv.used:
            continue
        option = c.it[i]
        count.add(1, var)
        heat.add(option.liquid_w, var)  # L5: f x P_typ (grown) into the loop
        flow.add(option.flow_lpm, var)
        ub_nodes += c.demands[option.demand].max_count
    all_heat.plus(heat)
    wet = m.new_bool_var(f"wet{r}")
    lv.wet.append(wet)
    m.add_implication(wet, lv.liquid)
    m.add_implication(wet, sm.active[r])
    if count.terms:
        Lin().plus(count).add(-max(ub_nodes, 1), wet).le(m, 0.0)
        Lin().plus(count).add(-1, wet).ge(m, 0.0)
    else:
        m.add(wet == 0)
    row = []
    wet_k = []
    for k, entry in enumerate(c.cdus):
        spec = cdu_spec(entry)
        units = m.new_int_var(0, MAX_CDUS_PER_RACK, f"cdu{r}_{k}")
        on = m.new_bool_var(f"cdu_line{r}_{k}")  # rack r is wet and model k is the CDU
        m.add_implication(on, lv.cdu_pick[k])
        m.add(units >= on)
        m.add(units <= MAX_CDUS_PER_RACK * on)
        if n_plus_1:
            m.add(units >= 2 * on).only_enforce_if(guard)
        sm.price_list.add(entry.price(cost=False), units)
        sm.price_cost.add(entry.price(cost=True), units)
        # liquid.secondary_flow (L1): the flow the loop's heat needs at the design rise, a
        # linear figure per W of the CDU's coolant, within its top flow.
        per_w = flow_lpm_for(1.0, delta_t, spec.coolant)
        Lin().plus(heat, per_w).add(-spec.secondary_flow_max_lpm, units).le(
            m, 0.0, [lv.cdu_pick[k]]
        )
        # liquid.manifold_ports: a port per node.
        if spec.ports is not None:
            Lin().plus(count).add(-spec.ports, units).le(m, 0.0, [lv.cdu_pick[k]])
        row.append(units)
        wet_k.append(on)
    lv.cdu.append(row)
    m.add(sum(wet_k) == wet)
    # liquid.cdu_capacity (L4, C4): the loop's heat within u x capacity x units.
    capacity = Lin().plus(heat)
    spare = Lin().plus(heat)
    top_flow = Lin().plus(flow)
    for k, entry in enumerate(c.cdus):
        spec = cdu_spec(entry)
        capacity.add(-u * spec.capacity_w, row[k])
        spare.add(-u * spec.capacity_w, row[k]).add(u * spec.capacity_w, wet_k[k])
        top_flow.add(-spec.secondary_flow_max_lpm, row[k])
    capacity.le(m, 0.0)
    if n_plus_1:  # liquid.cdu_redundancy: one CDU of the line lost
        spare.le(m, 0.0, guard)
    top_flow.le(m, 0.0)  # the nodes' own flows within the line's top flow
    if single_cdus:
        phases = [m.new_bool_var(f"cdu{r}_L{p + 1}") for p in range(PHASES)]
        m.add(sum(phases) == wet)
        lv.cdu_phase.append(phases)
        for k, entry in enumerate(c.cdus):
            if cdu_spec(entry).input_phases == 1:
                split = _one_phase(m, row[k], phases, MAX_CDUS_PER_RACK, f"cdu{r}_{k}")
                for p, var in enumerate(split):
                    lv.cdu_on[(r, k, p)] = var
    # liquid.leak_detection: one sensor in every wet rack.
    leaks = []
    for n, entry in enumerate(c.leaks):
        lit = m.new_bool_var(f"leak{r}_{n}")
        sm._forbid_with(lit, sm._guards(entry))
        sm._priced(lit, entry)
        leaks.append(lit)
    if leaks:
        m.add(sum(leaks) == wet)
    lv.leak.append(leaks)
