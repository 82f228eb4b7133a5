"""The CP-SAT model of a build over the candidates (see README.md in this package).

Decisions: one UPS system option (model, units in parallel, pack model and count; two
identical systems on 2N); per rack slot whether it is used, its rack model, its PDU model (an
A and a B PDU, or one without A/B feeds), its ATS model (2N with single-corded IT); the count of
each IT model per rack and per PDU phase; one cooling model and its count (in racks when it
takes U); one fire suppression model and its count. Every engine rule the build must pass is a
linear constraint on those, rounded the safe way (``rules.solver.linear``).

Each relaxable requirement guards its constraints with an assumption literal
(``SolverModel.assumption``): true in a normal solve, the conflict search
(``rules.solver.explain``) asks CP-SAT which of them cannot hold together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from rules.derive.electrical import site_capacity_va
from rules.derive.fire import protected_volume_m3
from rules.derive.thermal import airflow_required_m3h
from rules.model import RackInstance
from rules.solver.candidates import MAX_COOLING_UNITS, MAX_FIRE_UNITS, Candidates
from rules.solver.catalog import CatalogEntry
from rules.solver.linear import Lin, scaled_up
from rules.solver.racks import BIG_W as _BIG_W
from rules.solver.racks import PHASES as _PHASES
from rules.solver.racks import add_rack_limits
from rules.solver.requirements import CoolingRedundancy, UpsRedundancy
from rules.specs import (
    CoolingSpec,
    FireSuppressionSpec,
    PduSpec,
)

__all__ = ["RELAXABLE", "SolverModel"]

# Requirements the conflict search may drop, in the order they are tried and reported.
RELAXABLE = (
    "runtime_min",
    "budget",
    "max_racks",
    "max_rack_u",
    "rack_form",
    "max_lead_time_days",
    "vendors",
    "fire_suppression",
    "cooling_n_plus_1",
    "ups_n_plus_1",
    "site_supply",
)


@dataclass(slots=True)
class SolverModel:
    """The CP-SAT model and the variables a solution is read from."""

    cands: Candidates
    slots: int  # rack slots
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    assumptions: dict[str, cp_model.IntVar] = field(default_factory=dict)
    ups: list[cp_model.IntVar] = field(default_factory=list)
    active: list[cp_model.IntVar] = field(default_factory=list)
    rack: list[list[cp_model.IntVar]] = field(default_factory=list)
    pdu: list[list[cp_model.IntVar]] = field(default_factory=list)
    ats: list[list[cp_model.IntVar]] = field(default_factory=list)
    it: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    it_total: dict[int, cp_model.IntVar] = field(default_factory=dict)
    pick: dict[int, cp_model.IntVar] = field(default_factory=dict)
    cool_pick: list[cp_model.IntVar] = field(default_factory=list)
    cool_n: list[cp_model.IntVar] = field(default_factory=list)
    cool_in: list[list[cp_model.IntVar]] = field(default_factory=list)
    fire_pick: list[cp_model.IntVar] = field(default_factory=list)
    fire_n: list[cp_model.IntVar] = field(default_factory=list)
    fire_in: list[list[cp_model.IntVar]] = field(default_factory=list)
    # Figures for objectives and reports (float-coefficient expressions).
    price_list: Lin = field(default_factory=Lin)
    price_cost: Lin = field(default_factory=Lin)
    energy_w: Lin = field(default_factory=Lin)  # site typical draw, real IT (not grown)
    lead_items: list[tuple[int, cp_model.IntVar | None]] = field(default_factory=list)
    ups_model: dict[str, cp_model.IntVar] = field(default_factory=dict)
    _eff: dict[str, list[tuple[float, cp_model.IntVar, Any]]] = field(default_factory=dict)

    # ----------------------------------------------------------------- helpers

    def assumption(self, name: str) -> cp_model.IntVar:
        """The literal that guards requirement ``name`` (made on first use)."""
        found = self.assumptions.get(name)
        if found is None:
            found = self.assumptions[name] = self.model.new_bool_var(f"req:{name}")
        return found

    def _guards(self, *entries: CatalogEntry | None) -> list[cp_model.IntVar]:
        return [self.assumption(t) for t in sorted(self.cands.tags_of(*entries))]

    def _forbid_with(self, lit: cp_model.IntVar, guards: Sequence[cp_model.IntVar]) -> None:
        """``lit`` may only be true when every requirement in ``guards`` is dropped."""
        for guard in guards:
            self.model.add_implication(guard, lit.Not())

    def _priced(self, lit: cp_model.IntVar, entry: CatalogEntry, count: float = 1.0) -> None:
        self.price_list.add(entry.price(cost=False) * count, lit)
        self.price_cost.add(entry.price(cost=True) * count, lit)
        self.lead_items.append((entry.component.lead_time_days, lit))

    # ----------------------------------------------------------------- build

    def build(self) -> SolverModel:
        """Add every variable and constraint."""
        self._ups()
        self._racks()
        self._it()
        self._cooling()
        self._fire()
        add_rack_limits(self)
        self._power()
        self._vendors()
        return self

    def _ups(self) -> None:
        m, c = self.model, self.cands
        systems = c.systems
        n_plus_1 = c.requirements.redundancy.ups is UpsRedundancy.N_PLUS_1
        by_model: dict[str, list[cp_model.IntVar]] = {}
        for j, option in enumerate(c.ups):
            lit = m.new_bool_var(f"ups{j}")
            self.ups.append(lit)
            self._forbid_with(lit, self._guards(option.ups, option.pack))
            by_model.setdefault(option.ups.ref, []).append(lit)
            self.price_list.add(option.price(cost=False) * systems, lit)
            self.price_cost.add(option.price(cost=True) * systems, lit)
            self.lead_items.append((option.lead_time_days, lit))
            if n_plus_1 and option.q < 2:
                m.add_implication(self.assumption("ups_n_plus_1"), lit.Not())
        m.add_exactly_one(self.ups)
        for ref, lits in by_model.items():
            b = m.new_bool_var(f"upsmodel:{ref}")
            m.add(b == sum(lits))
            self.ups_model[ref] = b

    def _racks(self) -> None:
        m, c = self.model, self.cands
        max_racks = c.requirements.constraints.max_racks
        ups_entries = {o.ups.ref: o.ups for o in c.ups}
        for r in range(self.slots):
            a = m.new_bool_var(f"active{r}")
            self.active.append(a)
            if r == 0:
                m.add(a == 1)
            else:
                m.add_implication(a, self.active[r - 1])  # used slots first (symmetry)
            if r >= max_racks:
                m.add_implication(self.assumption("max_racks"), a.Not())
            racks = [m.new_bool_var(f"rack{r}_{k}") for k in range(len(c.racks))]
            pdus = [m.new_bool_var(f"pdu{r}_{p}") for p in range(len(c.pdus))]
            ats = [m.new_bool_var(f"ats{r}_{t}") for t in range(len(c.ats))]
            m.add(sum(racks) == a)
            m.add(sum(pdus) == a)
            m.add(sum(ats) <= a)
            per_rack = 2 if c.requirements.redundancy.ab_feeds else 1
            for k, entry in enumerate(c.racks):
                self._forbid_with(racks[k], self._guards(entry))
                self._priced(racks[k], entry)
            for p, entry in enumerate(c.pdus):
                self._forbid_with(pdus[p], self._guards(entry))
                self._priced(pdus[p], entry, per_rack)
                for ref, b in self.ups_model.items():
                    if not c.pdu_ok_for_ups(entry, ups_entries[ref]):
                        m.add_bool_or([pdus[p].Not(), b.Not()])
            for t, entry in enumerate(c.ats):
                self._forbid_with(ats[t], self._guards(entry))
                self._priced(ats[t], entry)
                for p, pdu in enumerate(c.pdus):
                    if not c.ats_ok_for_pdu(entry, pdu):
                        m.add_bool_or([ats[t].Not(), pdus[p].Not()])
            self.rack.append(racks)
            self.pdu.append(pdus)
            self.ats.append(ats)

    def _it(self) -> None:
        m, c = self.model, self.cands
        three_phase = any(
            isinstance(e.component.spec, PduSpec) and e.component.spec.phases == 3 for e in c.pdus
        )
        for demand in c.demands:
            totals = []
            picks = []
            for i in demand.options:
                option = c.it[i]
                ub = demand.max_count
                phases = 1 if option.via_ats or not three_phase else _PHASES
                cells = []
                for r in range(self.slots):
                    for ph in range(phases):
                        var = m.new_int_var(0, ub, f"it{i}_{r}_{ph}")
                        m.add(var <= ub * self.active[r])
                        self.it[(r, i, ph)] = var
                        cells.append(var)
                total = m.new_int_var(0, ub, f"itn{i}")
                m.add(total == sum(cells))
                self.it_total[i] = total
                totals.append(total)
                if len(demand.options) > 1:
                    pick = m.new_bool_var(f"pick{i}")
                    m.add(total <= ub * pick)
                    self._forbid_with(pick, self._guards(option.entry))
                    self.pick[i] = pick
                    picks.append(pick)
                    lead_lit: cp_model.IntVar | None = pick
                else:
                    self._forbid_with_total(total, self._guards(option.entry))
                    lead_lit = None
                self.price_list.add(option.entry.price(cost=False), total)
                self.price_cost.add(option.entry.price(cost=True), total)
                self.lead_items.append((option.component.lead_time_days, lead_lit))
            if picks:
                m.add(sum(picks) == 1)
            if demand.count is not None:
                m.add(sum(totals) == demand.count)
            if demand.min_typical_w is not None:
                reach = Lin()
                for i, total in zip(demand.options, totals, strict=True):
                    reach.add(c.it[i].typ_w / c.growth, total)  # real draw reaches the target
                reach.ge(m, demand.min_typical_w)
        if three_phase:
            # L2 and L3 are alike (the ATS sits on L1): count at least as many units on L2.
            for r in range(self.slots):
                l2 = [v for (rr, _, ph), v in self.it.items() if rr == r and ph == 1]
                l3 = [v for (rr, _, ph), v in self.it.items() if rr == r and ph == 2]
                if l2:
                    m.add(sum(l2) >= sum(l3))
        if c.two_n:
            # Both systems carry load in normal operation (derive.redundancy: two loaded
            # systems), so some IT must be dual-corded.
            dual = [t for i, t in self.it_total.items() if c.it[i].dual]
            if dual:
                m.add(sum(dual) >= 1)
            else:
                m.add_bool_or([m.new_constant(0)])

    def _forbid_with_total(self, total: cp_model.IntVar, guards: list[cp_model.IntVar]) -> None:
        for guard in guards:
            self.model.add(total == 0).only_enforce_if(guard)

    def _cooling(self) -> None:
        m, c = self.model, self.cands
        wanted = c.requirements.redundancy.cooling
        for n_c, entry in enumerate(c.cooling):
            pick = m.new_bool_var(f"cool{n_c}")
            count = m.new_int_var(0, MAX_COOLING_UNITS, f"cooln{n_c}")
            m.add(count <= MAX_COOLING_UNITS * pick)
            m.add(count >= pick)
            if wanted is CoolingRedundancy.N_PLUS_1:
                m.add(count >= 2 * pick).only_enforce_if(self.assumption("cooling_n_plus_1"))
            self._forbid_with(pick, self._guards(entry))
            self.cool_pick.append(pick)
            self.cool_n.append(count)
            self.lead_items.append((entry.component.lead_time_days, pick))
            self.price_list.add(entry.price(cost=False), count)
            self.price_cost.add(entry.price(cost=True), count)
            if entry.component.u_height > 0:
                cells = [
                    m.new_int_var(0, MAX_COOLING_UNITS, f"cool{n_c}_{r}") for r in range(self.slots)
                ]
                m.add(sum(cells) == count)
                self.cool_in.append(cells)
            else:
                self.cool_in.append([])
            for i, option in enumerate(c.it):
                if not c.it_ok_with_cooling(option, entry):
                    total = self.it_total.get(i)
                    if total is not None:
                        m.add(total == 0).only_enforce_if(pick)
        if wanted is not CoolingRedundancy.NONE:
            if self.cool_pick:
                m.add_exactly_one(self.cool_pick)
            else:
                m.add_bool_or([m.new_constant(0)])  # no cooling unit fits this site

    def _fire(self) -> None:
        m, c = self.model, self.cands
        if not c.fire:
            if c.requirements.constraints.fire_suppression:
                m.add_bool_or([self.assumption("fire_suppression").Not()])
            return
        for n_f, entry in enumerate(c.fire):
            pick = m.new_bool_var(f"fire{n_f}")
            count = m.new_int_var(0, MAX_FIRE_UNITS, f"firen{n_f}")
            m.add(count <= MAX_FIRE_UNITS * pick)
            m.add(count >= pick)
            self._forbid_with(pick, self._guards(entry))
            self.fire_pick.append(pick)
            self.fire_n.append(count)
            self.price_list.add(entry.price(cost=False), count)
            self.price_cost.add(entry.price(cost=True), count)
            self.lead_items.append((entry.component.lead_time_days, pick))
            if entry.component.u_height > 0:
                cells = [
                    m.new_int_var(0, MAX_FIRE_UNITS, f"fire{n_f}_{r}") for r in range(self.slots)
                ]
                m.add(sum(cells) == count)
                self.fire_in.append(cells)
            else:
                self.fire_in.append([])
            spec = entry.component.spec
            if not isinstance(spec, FireSuppressionSpec):
                continue
            # Reference 4 (S11, S13, S14): mass = volume x (kg per m3 at the site), linear in
            # the volume; the units' listed volume must cover it. The volume is the room's, or
            # the racks' internal volume (rules.derive.fire.protected_volume_m3).
            volume = self._volume()
            mass = Lin().add(spec.agent_mass_kg, count)
            mass.plus(volume, -c.fire_kg_per_m3[entry.ref])
            mass.ge(m, 0.0, [pick])
            listed = Lin().add(spec.max_volume_m3, count).plus(volume, -1.0)
            listed.ge(m, 0.0, [pick])
        if c.requirements.constraints.fire_suppression:
            m.add(sum(self.fire_pick) == 1).only_enforce_if(self.assumption("fire_suppression"))
        m.add(sum(self.fire_pick) <= 1)

    def _volume(self) -> Lin:
        c = self.cands
        room = c.requirements.site.room_volume_m3
        if room is not None:
            return Lin(constant=room)
        volume = Lin()
        for r in range(self.slots):
            for k, entry in enumerate(c.racks):
                v, _ = protected_volume_m3(None, [RackInstance(id="r", component=entry.component)])
                volume.add(v or 0.0, self.rack[r][k])
        return volume

    def _vendors(self) -> None:
        m, c = self.model, self.cands
        if not c.requirements.constraints.vendors.single_power_vendor:
            return
        power: list[tuple[cp_model.IntVar, set[str]]] = []
        for j, option in enumerate(c.ups):
            vendors = {option.ups.vendor} | ({option.pack.vendor} if option.pack else set())
            power.append((self.ups[j], vendors))
        for r in range(self.slots):
            power += [(self.pdu[r][p], {e.vendor}) for p, e in enumerate(c.pdus)]
            power += [(self.ats[r][t], {e.vendor}) for t, e in enumerate(c.ats)]
        names = sorted({v for _, vs in power for v in vs})
        chosen = {v: m.new_bool_var(f"vendor:{v}") for v in names}
        guard = self.assumption("vendors")
        m.add(sum(chosen.values()) == 1).only_enforce_if(guard)
        for lit, vendors in power:
            for v in vendors:
                m.add_bool_or([lit.Not(), chosen[v]]).only_enforce_if(guard)

    # ----------------------------------------------------------------- loads

    def it_sum(self, attr: str, *, real: bool = False, dual_only: bool = False) -> Lin:
        """Sum over every IT unit of one per-unit figure (``typ_w``, ``np_w``, ``va_w``...)."""
        c = self.cands
        out = Lin()
        for i, total in self.it_total.items():
            option = c.it[i]
            if dual_only and not option.dual:
                continue
            value = float(getattr(option, attr))
            out.add(value / c.growth if real else value, total)
        return out

    def _loss_terms(self, attr: str, factor: str) -> Lin:
        """sum over UPS efficiencies eta of (figure) x [a UPS of that eta chosen] x IT load.

        ``factor`` ``loss``: 1/eta - 1 (C5, UPS loss heat); ``input``: 1/eta (the UPS input).
        The product is linearised once per distinct efficiency: an auxiliary integer equal to
        the IT load in mW (each unit's figure rounded up to the mW) when a UPS of that
        efficiency is chosen, else 0.
        """
        m = self.model
        out = Lin()
        for eta, lit, aux in self._efficiency_classes(attr):
            k = (1 / eta - 1) if factor == "loss" else 1 / eta
            if isinstance(aux, int):
                out.add(k * aux / 1000, lit)
            else:
                out.add(k / 1000, aux)
        del m
        return out

    def _efficiency_classes(self, attr: str) -> list[tuple[float, cp_model.IntVar, Any]]:
        found = self._eff.get(attr)
        if found is not None:
            return found
        m, c = self.model, self.cands
        by_eta: dict[float, list[cp_model.IntVar]] = {}
        eff_of = {o.ups.ref: o.efficiency for o in c.ups}
        for ref, b in self.ups_model.items():
            by_eta.setdefault(eff_of[ref], []).append(b)
        load: Any = 0
        fixed = 0
        ub = 0
        for i, total in self.it_total.items():
            mw = scaled_up(float(getattr(c.it[i], attr)), 1000)
            demand = c.demands[c.it[i].demand]
            if demand.count is not None and len(demand.options) == 1:
                fixed += mw * demand.count
            else:
                load += mw * total
                ub += mw * demand.max_count
        out: list[tuple[float, cp_model.IntVar, Any]] = []
        for eta, lits in sorted(by_eta.items()):
            lit = m.new_bool_var(f"eta{eta}")
            m.add(lit == sum(lits))
            if ub == 0:
                out.append((eta, lit, fixed))
                continue
            aux = m.new_int_var(0, ub + fixed, f"load_{attr}_{eta}")
            m.add(aux == load + fixed).only_enforce_if(lit)
            m.add(aux == 0).only_enforce_if(lit.Not())
            out.append((eta, lit, aux))
        self._eff[attr] = out
        return out

    def _within(
        self,
        load: Lin,
        limits: list[tuple[float, cp_model.IntVar]],
        guard: cp_model.IntVar | None = None,
    ) -> None:
        """``load <= sum(limit_j x lit_j)``, dropped when ``guard`` is false."""
        out = Lin().plus(load)
        for limit, lit in limits:
            out.add(-limit, lit)
        bound = 0.0
        if guard is not None:
            out.add(_BIG_W, guard)
            bound = _BIG_W
        out.le(self.model, bound)

    def _power(self) -> None:
        """UPS capacity and runtime, heat, cooling, airflow and the site supply."""
        m, c = self.model, self.cands
        policy = c.policy
        u = policy.utilisation_limit
        typ = self.it_sum("typ_w")
        va = self.it_sum("va_w")
        n_plus_1 = c.requirements.redundancy.ups is UpsRedundancy.N_PLUS_1
        # C2/C4/S1: one system carries the whole typical load (2N: on failover; N, N+1: always)
        # within u x q x kW and u x q x kVA (VA = sum of W / PF, C3); N+1 also with one unit
        # spare (C6). Exactly one option is chosen, so its figure is sum(figure_j x option_j).
        options = list(zip(c.ups, self.ups, strict=True))
        self._within(typ, [(o.cap_w, lit) for o, lit in options])
        self._within(va, [(o.cap_va, lit) for o, lit in options])
        if n_plus_1:
            guard = self.assumption("ups_n_plus_1")
            self._within(typ, [(o.spare_cap_w, lit) for o, lit in options], guard)
            self._within(va, [(o.spare_cap_va, lit) for o, lit in options], guard)
        if c.requirements.constraints.runtime_min > 0:
            # S23: the highest load at which the system lasts the runtime (BatteryModel.load_for,
            # exact as runtime falls monotonically with load); unknown runtime carries nothing.
            runtime = [(o.runtime_w or 0.0, lit) for o, lit in options]
            self._within(typ, runtime, self.assumption("runtime_min"))
        # Heat (S2, C5): every room load plus UPS losses; cooling units' own draw leaves outside.
        heat = Lin().plus(typ).plus(self._loss_terms("typ_w", "loss"))
        fire_np = Lin()
        for n_f, entry in enumerate(c.fire):
            heat.add(entry.component.typical_or_nameplate_w, self.fire_n[n_f])
            fire_np.add(
                entry.component.nameplate_w or entry.component.typical_w or 0.0, self.fire_n[n_f]
            )
        cooling_np = Lin()
        cooling_typ = Lin()
        if self.cool_pick:
            capacity = Lin()
            spare = Lin()
            airflow = Lin()
            for n_c, entry in enumerate(c.cooling):
                spec = entry.component.spec
                if not isinstance(spec, CoolingSpec):
                    continue
                count = self.cool_n[n_c]
                capacity.add(u * spec.sensible_capacity_w, count)
                spare.add(u * spec.sensible_capacity_w, count)
                spare.add(-u * spec.sensible_capacity_w, self.cool_pick[n_c])
                airflow.add(spec.airflow_m3h, count)
                typ_w = entry.component.typical_w
                np_w = entry.component.nameplate_w
                cooling_np.add(np_w if np_w is not None else (typ_w or spec.power_draw_w), count)
                cooling_typ.add(typ_w if typ_w is not None else (np_w or spec.power_draw_w), count)
            # S9, C4: heat <= u x installed sensible; N+1 also without the one (largest) unit.
            capacity.plus(heat, -1.0).ge(m, 0.0)
            if c.requirements.redundancy.cooling is CoolingRedundancy.N_PLUS_1:
                spare.plus(heat, -1.0).ge(m, 0.0, [self.assumption("cooling_n_plus_1")])
            # Reference 2: airflow for the heat at the policy rise and the site's altitude,
            # linear in heat; installed airflow counts at 100 %.
            per_w = airflow_required_m3h(
                1.0, policy.airflow_delta_t_k, c.requirements.site.altitude_m
            )
            airflow.plus(heat, -per_w).ge(m, 0.0)
        # Site supply (C2, C4, C5): worst-case nameplate draw through the UPS (/ eta), the
        # cooling and fire units, plus the recharge allowance, as VA at the lowest load PF.
        site = c.requirements.site
        demand = Lin().plus(self._loss_terms("np_w", "input")).plus(cooling_np).plus(fire_np)
        for j, option in enumerate(c.ups):
            demand.add(option.recharge_w * c.systems, self.ups[j])
        limit = u * site_capacity_va(site) * c.pf_floor
        demand.le(m, limit, [self.assumption("site_supply")])
        # Annual energy basis: the site's typical draw with the IT as listed (not grown).
        real = 1 / c.growth
        self.energy_w.plus(self._loss_terms("typ_w", "input"), real)
        self.energy_w.plus(cooling_typ)
        for n_f, entry in enumerate(c.fire):
            self.energy_w.add(entry.component.typical_or_nameplate_w, self.fire_n[n_f])
