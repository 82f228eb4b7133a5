"""Cooling in the CP-SAT model: the units, where they sit, and the heat each must carry
(see ``rules.solver.model`` and README.md in this package).

The engine's scopes (``thermal.cooling_capacity``, ``thermal.rack_cooling_capacity``,
``rules.derive.thermal``): in-rack units, rear doors and door-mounted air conditioners cool the
rack they are mounted on, so each of their racks' heat (its loads and the losses of the UPSs in
it) must be within u x their sensible capacity at the site; in-row, split and free-air units,
and the room's own air conditioning (``Site.room_cooling_w``, indoors), carry the room's heat:
everything the rack units do not. Capacities are the engine's ``effective_sensible_w``: derated
for colder return air and altitude.

With liquid cooling (``rules.solver.liquid``) the air carries what the cold plates do not
(L5): each node's ``(1 - f) x P_typ``, and each CDU's own draw (its pumps are in the room).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rules.derive.lines import unit_draw_w
from rules.derive.thermal import airflow_required_m3h
from rules.solver.candidates import MAX_COOLING_UNITS
from rules.solver.linear import Lin
from rules.solver.requirements import CoolingRedundancy
from rules.specs import CoolingSpec, CoolingType, Environment

if TYPE_CHECKING:
    from rules.solver.model import SolverModel

__all__ = ["add_cooling", "add_heat", "rack_scoped", "stated_room_cooling_w"]


def rack_scoped(spec: object) -> bool:
    """A unit that cools only the rack it is mounted on (the engine's ``rack_scoped``)."""
    return isinstance(spec, CoolingSpec) and spec.cooling_type.rack_scoped


def stated_room_cooling_w(sm: SolverModel) -> float:
    """The room's own sensible cooling the engine counts: indoors only (thermal checks)."""
    site = sm.cands.requirements.site
    if site.environment is Environment.INDOOR and site.room_cooling_w is not None:
        return site.room_cooling_w
    return 0.0


def add_cooling(sm: SolverModel) -> None:
    """One cooling model and its count: units with U or rack-scoped ones in rack slots (a rack
    takes one rear door and ``policy.door_units_per_rack_max`` door units,
    ``thermal.cooling_mounting``), per phase of a three-phase site supply."""
    m, c = sm.model, sm.cands
    wanted = c.requirements.redundancy.cooling
    three_phase_site = c.requirements.site.supply_phases == 3
    door_max = c.policy.door_units_per_rack_max
    for n_c, entry in enumerate(c.cooling):
        spec = entry.component.spec
        pick = m.new_bool_var(f"cool{n_c}")
        count = m.new_int_var(0, MAX_COOLING_UNITS, f"cooln{n_c}")
        m.add(count <= MAX_COOLING_UNITS * pick)
        m.add(count >= pick)
        if wanted is CoolingRedundancy.N_PLUS_1:
            m.add(count >= 2 * pick).only_enforce_if(sm.assumption("cooling_n_plus_1"))
        sm._forbid_with(pick, sm._guards(entry))
        sm.cool_pick.append(pick)
        sm.cool_n.append(count)
        sm.lead_items.append((entry.component.lead_time_days, pick))
        sm.price_list.add(entry.price(cost=False), count)
        sm.price_cost.add(entry.price(cost=True), count)
        in_racks = entry.component.u_height > 0 or rack_scoped(spec)
        cells = sm.cells(in_racks, count, f"cool{n_c}")
        sm.cool_in.append(cells)
        sm.cool_ph.append(sm.site_phases(three_phase_site, count, f"cool{n_c}"))
        if isinstance(spec, CoolingSpec):
            per_rack = {CoolingType.REAR_DOOR: 1, CoolingType.DOOR_MOUNTED: door_max}
            cap = per_rack.get(spec.cooling_type)
            for cell in cells if cap is not None else ():
                m.add(cell <= cap)
        for i, option in enumerate(c.it):
            if not c.it_ok_with_cooling(option, entry):
                total = sm.it_total.get(i)
                if total is not None:
                    m.add(total == 0).only_enforce_if(pick)
    if wanted is not CoolingRedundancy.NONE:
        if sm.cool_pick:
            m.add_exactly_one(sm.cool_pick)
        else:
            m.add_bool_or([m.new_constant(0)])  # no cooling unit fits this site


def _rack_heat(sm: SolverModel, r: int, loss: Lin) -> Lin:
    """Heat given off to the air inside rack slot ``r``: its IT (less the cold plates' liquid
    share, L5), CDUs and fire units at their typical draw, and on the first rack the UPS losses
    (C5; S2; the engine's ``rack_heat_w``)."""
    c = sm.cands
    heat = Lin()
    for (rr, i, _), var in sm.it.items():
        if rr == r:
            heat.add(c.it[i].air_w, var)
    if sm.liq is not None:
        heat.plus(sm.liq.rack_cdu_heat(c, r))
    for n_f, entry in enumerate(c.fire):
        if sm.fire_in[n_f]:
            typ, _ = unit_draw_w(entry.component)
            heat.add(typ or 0.0, sm.fire_in[n_f][r])
    if r == 0:
        heat.plus(loss)
    return heat


def add_heat(sm: SolverModel) -> None:
    """Heat against the cooling: per rack for rack-scoped units, the rest against the room's
    units and stated cooling; N+1 on every unit; airflow (see the module docstring)."""
    m, c = sm.model, sm.cands
    policy = c.policy
    u = policy.utilisation_limit
    loss = sm.ups_terms("typ_w", "loss")
    # S2, C5: every room load plus UPS losses, less what the cold plates carry into liquid
    # (L5); cooling units' and facility water sources' own draw leaves outside, a CDU's stays.
    heat = Lin().plus(sm.it_sum("air_w")).plus(loss)
    if sm.liq is not None:
        for r in range(sm.slots):
            heat.plus(sm.liq.rack_cdu_heat(c, r))
    loose = Lin()  # heat outside every rack: fire units in the room
    for n_f, entry in enumerate(c.fire):
        typ, _ = unit_draw_w(entry.component)
        heat.add(typ or 0.0, sm.fire_n[n_f])
        if not sm.fire_in[n_f]:
            loose.add(typ or 0.0, sm.fire_n[n_f])
    stated = stated_room_cooling_w(sm)
    scoped = [n for n, e in enumerate(c.cooling) if rack_scoped(e.component.spec)]
    any_scoped = m.new_bool_var("rack_scoped_cooling")
    m.add(any_scoped == sum(sm.cool_pick[n] for n in scoped))
    # Rack-scoped units: each rack's heat within u x its own units (a rack without units would
    # leave its heat to the room: the model does not, see README); the room keeps the loose heat.
    # liquid.air_density (L7): no rack gives the air more than ``Candidates.air_limit_w``: the
    # policy's limit when liquid is on the table, else the engine's error edge, 1.5 x it (a
    # rear door without water takes none of it away).
    air_max = c.air_limit_w
    density = [sm.assumption("air_density")]
    for r in range(sm.slots):
        rack_heat = _rack_heat(sm, r, loss)
        Lin().plus(rack_heat).le(m, air_max, density)
        own = Lin().plus(rack_heat)
        for n in scoped:
            own.add(-u * c.cooling_w(c.cooling[n]), sm.cool_in[n][r])
        own.le(m, 0.0, [any_scoped])
    loose.le(m, u * stated, [any_scoped])
    # Room units (and no units at all): the whole heat within u x (their capacity + stated).
    room = Lin().plus(heat)
    for n, entry in enumerate(c.cooling):
        if n not in scoped:
            room.add(-u * c.cooling_w(entry), sm.cool_n[n])
    room.le(m, u * stated, [any_scoped.Not()])
    if not sm.cool_pick:
        return
    spare = Lin()
    airflow = Lin()
    for n_c, entry in enumerate(c.cooling):
        spec = entry.component.spec
        if not isinstance(spec, CoolingSpec):
            continue
        w = u * c.cooling_w(entry)
        spare.add(w, sm.cool_n[n_c]).add(-w, sm.cool_pick[n_c])
        airflow.add(spec.airflow_m3h, sm.cool_n[n_c])
    # C6 (redundancy.cooling_below_policy): N+1 still covers the heat without its largest unit
    # (one model, so any unit).
    if c.requirements.redundancy.cooling is CoolingRedundancy.N_PLUS_1:
        spare.plus(heat, -1.0).ge(m, 0.0, [sm.assumption("cooling_n_plus_1")])
    # Reference 2 (thermal.airflow): the air that carries the heat at the policy rise and the
    # site's altitude, linear in heat; installed airflow counts at 100 %.
    per_w = airflow_required_m3h(1.0, policy.airflow_delta_t_k, c.requirements.site.altitude_m)
    picked: cp_model.IntVar = m.new_bool_var("cooling_picked")
    m.add(picked == sum(sm.cool_pick))
    airflow.plus(heat, -per_w).ge(m, 0.0, [picked])
