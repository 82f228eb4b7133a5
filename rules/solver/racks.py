"""Per-rack constraints of the CP-SAT model: rack units, load ratings, floor, depth, PDU phases
and outlets, the ATS (see ``rules.solver.model`` and README.md in this package)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

from rules.solver.linear import Lin
from rules.specs import AtsSpec, PduSpec, RackSpec

if TYPE_CHECKING:
    from rules.solver.model import SolverModel

__all__ = ["MAX_UNITS_PER_RACK", "PHASES", "add_rack_limits"]

PHASES = 3
MAX_UNITS_PER_RACK = 10_000  # more IT units than any rack holds (PlacedItem.quantity's bound)


def add_rack_limits(sm: SolverModel) -> None:
    """Per rack: U, load ratings, floor, depth, PDU phases and outlets, ATS."""
    m, c = sm.model, sm.cands
    policy = c.policy
    site = c.requirements.site
    per_rack = 2 if c.requirements.redundancy.ab_feeds else 1
    for r in range(sm.slots):
        used_u = Lin()
        kg = Lin()
        for (rr, i, _), var in sm.it.items():
            if rr == r:
                used_u.add(c.it[i].u, var)
                kg.add(c.it[i].kg, var)
        for n_c, entry in enumerate(c.cooling):
            if sm.cool_in[n_c]:
                used_u.add(entry.component.u_height, sm.cool_in[n_c][r])
                kg.add(entry.component.weight_or_zero_kg, sm.cool_in[n_c][r])
        for n_f, entry in enumerate(c.fire):
            if sm.fire_in[n_f]:
                used_u.add(entry.component.u_height, sm.fire_in[n_f][r])
                kg.add(entry.component.weight_or_zero_kg, sm.fire_in[n_f][r])
        if sm.liq is not None:  # the rack's CDU line and leak sensor
            for k, entry in enumerate(c.cdus):
                used_u.add(entry.component.u_height, sm.liq.cdu[r][k])
                kg.add(entry.component.weight_or_zero_kg, sm.liq.cdu[r][k])
            for n, entry in enumerate(c.leaks):
                used_u.add(entry.component.u_height, sm.liq.leak[r][n])
                kg.add(entry.component.weight_or_zero_kg, sm.liq.leak[r][n])
        for p, entry in enumerate(c.pdus):
            used_u.add(entry.component.u_height * per_rack, sm.pdu[r][p])
            kg.add(entry.component.weight_or_zero_kg * per_rack, sm.pdu[r][p])
        for t, entry in enumerate(c.ats):
            used_u.add(entry.component.u_height, sm.ats[r][t])
            kg.add(entry.component.weight_or_zero_kg, sm.ats[r][t])
        if r == 0:  # the UPS systems and their packs stand in the first rack
            for j, option in enumerate(c.ups):
                used_u.add(option.u * c.systems, sm.ups[j])
                kg.add(option.kg * c.systems, sm.ups[j])
        rack_u = Lin()
        for k, entry in enumerate(c.racks):
            spec = entry.component.spec
            if isinstance(spec, RackSpec):
                rack_u.add(spec.u, sm.rack[r][k])
        # Reference 3: U at 100 %.
        Lin().plus(used_u).plus(rack_u, -1.0).le(m, 0.0)
        if c.panel is not None:
            # Blanking panels close every open U (policy.blanking_panels_required): they
            # cost and weigh per U left open.
            panel = c.panel
            open_u = Lin().plus(rack_u).plus(used_u, -1.0)
            kg.plus(open_u, panel.component.weight_or_zero_kg)
            sm.price_list.plus(open_u, panel.price(cost=False))
            sm.price_cost.plus(open_u, panel.price(cost=True))
        _rack_mass(sm, r, kg, policy.rack_ship_loaded, site.floor_rating_kg_m2)
        _depth(sm, r)
        _distribution(sm, r)


def _rack_mass(sm: SolverModel, r: int, kg: Lin, ship_loaded: bool, floor: float | None) -> None:
    m, c = sm.model, sm.cands
    # Reference 3, S16 (UL 2416): contents within the static (and, shipped loaded, the
    # dynamic) rating at 100 %; the floor carries rack and contents over its footprint.
    limit = Lin()
    dynamic = Lin()
    floor_limit = Lin()
    for k, entry in enumerate(c.racks):
        spec = entry.component.spec
        if not isinstance(spec, RackSpec):
            continue
        lit = sm.rack[r][k]
        limit.add(spec.static_load_kg, lit)
        dynamic.add(spec.dynamic_load_kg or 0.0, lit)
        if floor is not None:
            # A wall-mounted rack puts nothing on the floor: its contents are bounded by the
            # static rating already (no big-M: it would coarsen the rounding).
            room = (
                spec.static_load_kg
                if spec.wall_mount
                else floor * spec.footprint_m2 - entry.component.weight_or_zero_kg
            )
            floor_limit.add(room, lit)
    Lin().plus(kg).plus(limit, -1.0).le(m, 0.0)
    if ship_loaded:
        Lin().plus(kg).plus(dynamic, -1.0).le(m, 0.0)
    if floor is not None:
        Lin().plus(kg).plus(floor_limit, -1.0).le(m, 0.0)


def _depth(sm: SolverModel, r: int) -> None:
    m, c = sm.model, sm.cands
    cells: dict[int, list[cp_model.IntVar]] = {}
    for (rr, i, _), var in sm.it.items():
        if rr == r:
            cells.setdefault(i, []).append(var)
    for i, vars_ in cells.items():
        bad = [
            sm.rack[r][k]
            for k, rack in enumerate(c.racks)
            if not c.fits_rack(c.it[i].component, rack)
        ]
        if bad:
            ub = c.demands[c.it[i].demand].max_count
            m.add(sum(vars_) <= ub - ub * sum(bad))
    for k, rack in enumerate(c.racks):
        lit = sm.rack[r][k]
        for n_c, entry in enumerate(c.cooling):
            if sm.cool_in[n_c] and not c.fits_rack(entry.component, rack):
                m.add(sm.cool_in[n_c][r] == 0).only_enforce_if(lit)
        for n_f, entry in enumerate(c.fire):
            if sm.fire_in[n_f] and not c.fits_rack(entry.component, rack):
                m.add(sm.fire_in[n_f][r] == 0).only_enforce_if(lit)
        if sm.liq is not None:
            for k, entry in enumerate(c.cdus):
                if not c.fits_rack(entry.component, rack):
                    m.add(sm.liq.cdu[r][k] == 0).only_enforce_if(lit)
            for n, entry in enumerate(c.leaks):
                if not c.fits_rack(entry.component, rack):
                    m.add_bool_or([lit.Not(), sm.liq.leak[r][n].Not()])
        for p, entry in enumerate(c.pdus):
            if not c.fits_rack(entry.component, rack):
                m.add_bool_or([lit.Not(), sm.pdu[r][p].Not()])
        for t, entry in enumerate(c.ats):
            if not c.fits_rack(entry.component, rack):
                m.add_bool_or([lit.Not(), sm.ats[r][t].Not()])
        if r == 0:
            for j, option in enumerate(c.ups):
                parts = [option.ups.component] + ([option.pack.component] if option.pack else [])
                if not all(c.fits_rack(p, rack) for p in parts):
                    m.add_bool_or([lit.Not(), sm.ups[j].Not()])


def _distribution(sm: SolverModel, r: int) -> None:
    """PDU current per phase and outlets; the ATS for single-corded IT on 2N.

    Current (C2, C4, NEC 210.20(A)): the A PDU carries, on the loss of the B side, every
    cord of the rack (dual-corded at full load, single-corded, the ATS), each line on the
    phase it is wired to; I = W / (V_LN x PF) with the lowest load PF, so W <= limit x V x
    PF. The B PDU carries a subset of that. Outlets (IEC 60320): C20 cords need C19
    outlets; C14 cords take C13 outlets or spare C19 ones.
    """
    m, c = sm.model, sm.cands
    pf = c.pf_floor
    phase_load = [Lin() for _ in range(PHASES)]
    total = Lin()
    cords = {"c13": Lin(), "c19": Lin(), "other": Lin()}
    ats_load = Lin()
    ats_cords = {"c13": Lin(), "c19": Lin(), "other": Lin()}
    ats_units = Lin()
    for (rr, i, ph), var in sm.it.items():
        if rr != r:
            continue
        option = c.it[i]
        target = ats_cords if option.via_ats else cords
        for outlet, n in option.cords_a.items():
            target[outlet].add(n, var)
        if option.via_ats:  # on a three-phase PDU the model keeps these on L1, the ATS's phase
            ats_load.add(option.np_w, var)
            ats_units.add(1, var)
        phase_load[ph].add(option.np_w, var)
        total.add(option.np_w, var)
    three = Lin()
    single = Lin()
    have = {"c13": Lin(), "c19": Lin(), "other": Lin()}
    for p, entry in enumerate(c.pdus):
        spec = entry.component.spec
        if not isinstance(spec, PduSpec):
            continue
        lit = sm.pdu[r][p]
        watts = c.pdu_limit_a(entry) * spec.voltage_v * pf
        (three if spec.phases == 3 else single).add(watts, lit)
        have["c13"].add(spec.outlets_c13, lit)
        have["c19"].add(spec.outlets_c19, lit)
        have["other"].add(spec.outlets_other, lit)
    # Each limit only where it applies: per phase on a three-phase PDU, in total on a single one.
    for ph in range(PHASES):
        Lin().plus(phase_load[ph]).plus(three, -1.0).le(m, 0.0, [sm.three[r]])
    Lin().plus(total).plus(single, -1.0).le(m, 0.0, [sm.three[r].Not(), sm.active[r]])
    _outlets(m, cords, have)
    if not c.ats:
        if ats_units.terms:
            ats_units.le(m, 0.0)
        return
    ats_have = {"c13": Lin(), "c19": Lin(), "other": Lin()}
    ats_watts = Lin()
    ats_present = Lin()
    counted = []  # ATS models with outlets: a hardwired output has none to count
    for t, entry in enumerate(c.ats):
        spec = entry.component.spec
        if not isinstance(spec, AtsSpec):
            continue
        lit = sm.ats[r][t]
        ats_present.add(MAX_UNITS_PER_RACK, lit)
        ats_watts.add(c.ats_limit_a(entry) * spec.voltage_v * pf, lit)
        if spec.outlets_c13 + spec.outlets_c19 > 0:
            counted.append(lit)
        ats_have["c13"].add(spec.outlets_c13, lit)
        ats_have["c19"].add(spec.outlets_c19, lit)
    ats_units.plus(ats_present, -1.0).le(m, 0.0)
    Lin().plus(ats_load).plus(ats_watts, -1.0).le(m, 0.0)
    if counted:
        with_outlets = m.new_bool_var(f"ats_outlets{r}")
        m.add(with_outlets == sum(counted))
        _outlets(m, ats_cords, ats_have, [with_outlets])


def _outlets(
    m: cp_model.CpModel,
    need: dict[str, Lin],
    have: dict[str, Lin],
    enforce: list[Literal] | None = None,
) -> None:
    """IEC 60320 outlets (the engine's ``power.pdu_outlets``): C19 cords on C19 outlets, C14
    cords on C13 or spare C19 outlets, other plugs on other outlets."""
    on = enforce or []
    Lin().plus(need["c19"]).plus(have["c19"], -1.0).le(m, 0.0, on)
    both = Lin().plus(need["c13"]).plus(need["c19"]).plus(have["c13"], -1.0).plus(have["c19"], -1.0)
    both.le(m, 0.0, on)
    Lin().plus(need["other"]).plus(have["other"], -1.0).le(m, 0.0, on)
