"""The power chain in the CP-SAT model: UPS ratings, runtime and inlet, the phases of a
three-phase UPS output, and the site supply phase by phase (see ``rules.solver.model`` and
README.md in this package).

Every figure is the worst scenario the engine's power flow finds (``rules.derive.flow``) for the
wiring the design uses (``rules.solver.design``): one UPS system carries the whole load (N and
N+1 always, 2N when the other system is lost), a rack's A PDU carries every cord of its rack
when its B PDU is lost, and a rack's single-phase PDUs sit on one UPS output phase.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rules.derive.lines import unit_draw_w
from rules.solver.linear import Lin, upper_bound
from rules.solver.racks import PHASES
from rules.solver.requirements import UpsRedundancy

if TYPE_CHECKING:
    from rules.solver.model import SolverModel

__all__ = ["add_power"]


def _within(
    sm: SolverModel,
    load: Lin,
    limits: list[tuple[float, cp_model.IntVar]],
    guard: cp_model.IntVar | None = None,
) -> None:
    """``load <= sum(limit_j x lit_j)``, dropped when ``guard`` is false."""
    out = Lin().plus(load)
    for limit, lit in limits:
        out.add(-limit, lit)
    out.le(sm.model, 0.0, [guard] if guard is not None else [])


def _enforced_if_any(sm: SolverModel, expr: Lin, lits: list[cp_model.IntVar], name: str) -> None:
    """``expr <= 0`` when one of ``lits`` (options of which one at most is chosen) holds."""
    m = sm.model
    any_of = m.new_bool_var(name)
    m.add(any_of == sum(lits))
    expr.le(m, 0.0, [any_of])


def add_power(sm: SolverModel) -> None:
    """UPS capacity, runtime, inlet and output phases; the site supply; the energy basis."""
    c = sm.cands
    typ = sm.it_sum("typ_w")
    va = sm.it_sum("va_w")
    options = list(zip(c.ups, sm.ups, strict=True))
    # C2/C4/S1: one system carries the whole typical load (2N: on failover; N, N+1: always)
    # within u x q x kW and u x q x kVA (VA = sum of W / PF, C3); N+1 also with one unit
    # spare (C6). Exactly one option is chosen, so its figure is sum(figure_j x option_j).
    _within(sm, typ, [(o.cap_w, lit) for o, lit in options])
    _within(sm, va, [(o.cap_va, lit) for o, lit in options])
    if c.requirements.redundancy.ups is UpsRedundancy.N_PLUS_1:
        guard = sm.assumption("ups_n_plus_1")
        _within(sm, typ, [(o.spare_cap_w, lit) for o, lit in options], guard)
        _within(sm, va, [(o.spare_cap_va, lit) for o, lit in options], guard)
    if c.requirements.constraints.runtime_min > 0:
        # S23: the highest load at which the system lasts the runtime (BatteryModel.load_for,
        # exact as runtime falls monotonically with load), with the batteries as cold and as
        # old as the engine judges them; unknown runtime carries nothing.
        runtime = [(o.runtime_w or 0.0, lit) for o, lit in options]
        _within(sm, typ, runtime, sm.assumption("runtime_min"))
    into = sm.ups_terms("np_w", "input")  # nameplate into one system carrying everything (C5)
    # power.ups_inlet: output / eta + recharge within u x inlet A x phases x V x input PF,
    # for a UPS whose data sheet rates its inlet.
    rated = [(o, lit) for o, lit in options if o.inlet_w is not None]
    if rated:
        inlet = Lin().plus(into)
        for option, lit in rated:
            inlet.add(option.recharge_w - (option.inlet_w or 0.0), lit)
        _enforced_if_any(sm, inlet, [lit for _, lit in rated], "inlet_rated")
    _output_phases(sm)
    _site_supply(sm, into)
    # Annual energy basis: the site's typical draw with the IT as listed (not grown).
    sm.energy_w.plus(sm.ups_terms("typ_w", "input"), 1 / c.growth)
    for counts, entries in ((sm.cool_n, c.cooling), (sm.fire_n, c.fire)):
        for count, entry in zip(counts, entries, strict=True):
            draw, _ = unit_draw_w(entry.component)
            sm.energy_w.add(draw or 0.0, count)
    if sm.liq is not None:  # CDU pumps and the facility water source's fans (and compressor)
        sm.energy_w.plus(sm.liq.draw(c, typical=True))


def _output_phases(sm: SolverModel) -> None:
    """power.ups_phase_current: each output phase of a three-phase UPS within u x q x kVA / 3
    (C4, C7, S1) at the lowest load PF, in its worst scenario: the whole IT nameplate on that
    phase (a three-phase PDU passes its phases through, a single-phase one puts its rack on
    the rack's phase; on 2N the surviving system carries both sides)."""
    c = sm.cands
    three = [(o, lit) for o, lit in zip(c.ups, sm.ups, strict=True) if o.phase_w is not None]
    if not three or not sm.phased:
        return
    for ph in range(PHASES):
        load = Lin()
        for (_, i, p), var in sm.it.items():
            if p == ph:
                load.add(c.it[i].np_w, var)
        for option, lit in three:
            load.add(-(option.phase_w or 0.0), lit)
        _enforced_if_any(sm, load, [lit for _, lit in three], f"three_phase_output{ph}")


def _site_supply(sm: SolverModel, into: Lin) -> None:
    """power.site_supply_capacity (C2, C4, C5, C7): the worst nameplate current on each phase
    of the site supply within u x breaker.

    A UPS system draws its output / eta plus its recharge allowance (conv); in the worst
    scenario one system carries everything, and each live system recharges. A three-phase
    UPS input draws evenly from the three phases; a single-phase one sits on L1 (system A) or
    L2 (system B on 2N). Cooling and fire units draw from the phase each line names; CDUs and
    facility water sources too, or a third on each phase when they are three-phase units.

    The engine's current is W / (V x PF) with the site's PF = W / VA of its normal draw (C3): an
    online UPS draws at its input PF, other loads at theirs. On a single-phase supply the worst
    draw is the normal one, so the current is VA / V: linear. On a three-phase supply the
    worst phase's W times the site's VA is held within u x I x V times the site's W (one
    product, CP-SAT's multiplication), unless every load on the site shares one PF.
    """
    c = sm.cands
    site = c.requirements.site
    policy = c.policy
    m = sm.model
    systems = c.systems
    limit = policy.utilisation_limit * site.supply_breaker_a * site.supply_voltage_v
    guard = sm.assumption("site_supply")
    pf_default = policy.power_factor_default
    units = [(sm.cool_n, sm.cool_ph, c.cooling), (sm.fire_n, sm.fire_ph, c.fire)]
    # The site's normal draw: W and VA.
    watts = Lin().plus(into)
    va = Lin()
    for cls_pf, attr in ((True, "np_w"), (False, "np_va_w")):
        found = sm.ups_terms(attr, "input", online=cls_pf)
        va.plus(found, 1 / policy.ups_input_power_factor if cls_pf else 1.0)
    for option, lit in zip(c.ups, sm.ups, strict=True):
        watts.add(option.recharge_w * systems, lit)
        # A UPS at its load's PF recharges at no better than the lowest load PF.
        va.add(option.recharge_w * systems / (option.input_pf or c.pf_floor), lit)
    for counts, _, entries in units:
        for count, entry in zip(counts, entries, strict=True):
            _, np_ = unit_draw_w(entry.component)
            watts.add(np_ or 0.0, count)
            va.add((np_ or 0.0) / pf_default, count)
    if sm.liq is not None:  # CDUs and facility water sources, at the default PF (C3)
        plant = sm.liq.draw(c, typical=False)
        watts.plus(plant)
        va.plus(plant, 1 / pf_default)
    if site.supply_phases == 1:
        va.le(m, limit, [guard])
        return
    single = sm.ups_terms("np_w", "input", input_phases=1)
    three = sm.ups_terms("np_w", "input", input_phases=3)
    pf = _one_pf(sm)
    for ph in range(PHASES):
        demand = Lin().plus(three, 1 / 3)
        on_single = ph == 0 or (ph == 1 and systems == 2)
        if on_single:
            demand.plus(single)
        for option, lit in zip(c.ups, sm.ups, strict=True):
            if option.input_phases == 3:
                demand.add(option.recharge_w * systems / 3, lit)
            elif on_single:
                demand.add(option.recharge_w, lit)
        for _, phases, entries in units:
            for per_phase, entry in zip(phases, entries, strict=True):
                _, np_ = unit_draw_w(entry.component)
                demand.add(np_ or 0.0, per_phase[ph])
        if sm.liq is not None:
            demand.plus(sm.liq.site_phase_w(c, ph))
        if pf is not None:
            demand.le(m, limit * pf, [guard])
            continue
        # Necessary, and linear: the site's PF is at most its loads' highest, so the phase
        # can carry no more than that. It lets CP-SAT refute a build the product alone cannot.
        demand.le(m, limit * _highest_pf(sm), [guard])
        # W_p x VA <= u I V x W, in hundredths of a W and VA, rounded the strict way.
        w_p = _integer(sm, demand, f"site_w{ph}", up=True)
        va_i = _integer(sm, va, f"site_va{ph}", up=True)
        w_i = _integer(sm, watts, f"site_np{ph}", up=False)
        # Clipped far below int64: a site drawing that much (W x VA above 2^61 in hundredths,
        # some 150 MW) is no edge site, and the product of loose bounds would overflow.
        top = min(upper_bound(w_p) * upper_bound(va_i), _PRODUCT_MAX)
        product = m.new_int_var(0, top, f"site_wva{ph}")
        m.add_multiplication_equality(product, [w_p, va_i])
        Lin().add(1.0, product).add(-_CENTI * limit, w_i).le(m, 0.0, [guard])


_CENTI = 100  # hundredths of a W or VA
_PRODUCT_MAX = 2**61


def _one_pf(sm: SolverModel) -> float | None:
    """The PF every load on the site supply shares, if they do: then the current is linear."""
    c = sm.cands
    pfs = {o.input_pf for o in c.ups if o.input_pf is not None}
    if any(o.input_pf is None for o in c.ups):
        pfs |= {round(o.typ_w / o.va_w, 9) for o in c.it if o.va_w > 0}
    if c.cooling or c.fire or sm.liq is not None:
        pfs.add(c.policy.power_factor_default)
    return pfs.pop() if len(pfs) == 1 else None


def _highest_pf(sm: SolverModel) -> float:
    """The highest PF any load on the site supply draws at: the site's PF, a W-weighted
    harmonic mean of its loads' (C3), is never above it."""
    c = sm.cands
    pfs = [c.policy.power_factor_default]
    pfs += [o.input_pf for o in c.ups if o.input_pf is not None]
    pfs += [o.typ_w / o.va_w for o in c.it if o.va_w > 0]
    return min(1.0, max(pfs))


def _integer(sm: SolverModel, expr: Lin, name: str, *, up: bool) -> cp_model.IntVar:
    """An integer in hundredths at least (``up``) or at most ``expr``."""
    m = sm.model
    high = expr.constant + sum(max(0.0, k) * upper_bound(v) for k, v in expr.terms)
    var = m.new_int_var(0, max(0, math.ceil(high * _CENTI)) + 1, name)
    if up:
        Lin().plus(expr).add(-1 / _CENTI, var).le(m, 0.0)
    else:
        Lin().add(1 / _CENTI, var).plus(expr, -1.0).le(m, 0.0)
    return var
