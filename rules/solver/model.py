"""The CP-SAT model of a build over the candidates (see README.md in this package).

Decisions: one UPS system option (model, units in parallel, pack model and count; two
identical systems on 2N); per rack slot whether it is used, its rack model, its PDU model (an
A and a B PDU, or one without A/B feeds), its ATS model (2N with single-corded IT); the count of
each IT model per rack and per phase (the three-phase PDU phase it is wired to, or the UPS
output phase of its rack's single-phase PDUs); one cooling model and its count (in racks when
it takes U or cools its own rack; per phase of a three-phase site supply); one fire suppression
model and its count (the same). Every engine rule the build must pass is a linear constraint
on those, rounded the safe way (``rules.solver.linear``): the per-rack ones in
``rules.solver.racks``, heat and cooling in ``rules.solver.cooling``, the power chain and the
site supply in ``rules.solver.power``.

Each relaxable requirement guards its constraints with an assumption literal
(``SolverModel.assumption``): true in a normal solve, the conflict search
(``rules.solver.explain``) asks CP-SAT which of them cannot hold together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from rules.derive.fire import protected_volume_m3
from rules.model import RackInstance
from rules.solver.candidates import MAX_FIRE_UNITS, Candidates
from rules.solver.catalog import CatalogEntry
from rules.solver.cooling import add_cooling, add_heat
from rules.solver.linear import Lin, scaled_up, upper_bound
from rules.solver.liquid import LiquidVars, add_liquid
from rules.solver.power import add_power
from rules.solver.racks import PHASES, add_rack_limits
from rules.solver.requirements import UpsRedundancy
from rules.specs import FireSuppressionSpec, PduSpec

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
    "air_density",
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
    three: list[cp_model.IntVar] = field(default_factory=list)  # rack r has a 3-phase PDU
    it: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    it_total: dict[int, cp_model.IntVar] = field(default_factory=dict)
    pick: dict[int, cp_model.IntVar] = field(default_factory=dict)
    cool_pick: list[cp_model.IntVar] = field(default_factory=list)
    cool_n: list[cp_model.IntVar] = field(default_factory=list)
    cool_in: list[list[cp_model.IntVar]] = field(default_factory=list)
    cool_ph: list[list[cp_model.IntVar]] = field(default_factory=list)  # per site phase
    fire_pick: list[cp_model.IntVar] = field(default_factory=list)
    fire_n: list[cp_model.IntVar] = field(default_factory=list)
    fire_in: list[list[cp_model.IntVar]] = field(default_factory=list)
    fire_ph: list[list[cp_model.IntVar]] = field(default_factory=list)
    liq: LiquidVars | None = None  # cold plates, CDUs, facility water (rules.solver.liquid)
    # Figures for objectives and reports (float-coefficient expressions).
    price_list: Lin = field(default_factory=Lin)
    price_cost: Lin = field(default_factory=Lin)
    energy_w: Lin = field(default_factory=Lin)  # site typical draw, real IT (not grown)
    lead_items: list[tuple[int, cp_model.IntVar | None]] = field(default_factory=list)
    ups_model: dict[str, cp_model.IntVar] = field(default_factory=dict)
    _classes: dict[str, list[LoadClass]] = field(default_factory=dict)

    @property
    def phased(self) -> bool:
        """IT lines name a phase: some PDU is three-phase or some UPS output is."""
        c = self.cands
        return any(
            isinstance(e.component.spec, PduSpec) and e.component.spec.phases == 3 for e in c.pdus
        ) or any(o.output_phases == 3 for o in c.ups)

    @staticmethod
    def rack_phase(r: int) -> int:
        """The UPS output phase (0..2) the single-phase PDUs of rack slot ``r`` sit on."""
        return r % PHASES

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
        add_cooling(self)
        self._fire()
        add_liquid(self)
        add_rack_limits(self)
        add_heat(self)
        add_power(self)
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
            three = m.new_bool_var(f"three{r}")
            m.add(
                three
                == sum(
                    lit
                    for lit, e in zip(pdus, c.pdus, strict=True)
                    if isinstance(e.component.spec, PduSpec) and e.component.spec.phases == 3
                )
            )
            self.three.append(three)
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
        """IT counts per model, rack and phase; the phase is the PDU phase a line is wired to
        (a three-phase PDU), or the UPS output phase its rack's single-phase PDUs sit on."""
        m, c = self.model, self.cands
        phases = PHASES if self.phased else 1
        for demand in c.demands:
            totals = []
            picks = []
            for i in demand.options:
                option = c.it[i]
                ub = demand.max_count
                cells = []
                for r in range(self.slots):
                    own = self.rack_phase(r)
                    for ph in range(phases):
                        var = m.new_int_var(0, ub, f"it{i}_{r}_{ph}")
                        m.add(var <= ub * self.active[r])
                        if phases > 1:
                            # A single-phase PDU: the rack's own phase only. A three-phase PDU:
                            # any phase, but an ATS sits on L1 of its PDUs.
                            if ph != own:
                                m.add(var == 0).only_enforce_if(self.three[r].Not())
                            if option.via_ats and ph != 0:
                                m.add(var == 0).only_enforce_if(self.three[r])
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
        if phases > 1 and self.slots == 1:
            # One rack: L2 and L3 are alike (the ATS sits on L1, the rack's own phase is L1).
            l2 = [v for (_, _, ph), v in self.it.items() if ph == 1]
            l3 = [v for (_, _, ph), v in self.it.items() if ph == 2]
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

    def _fire(self) -> None:
        m, c = self.model, self.cands
        if not c.fire:
            if c.requirements.constraints.fire_suppression:
                m.add_bool_or([self.assumption("fire_suppression").Not()])
            return
        three_phase_site = c.requirements.site.supply_phases == 3
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
            self.fire_in.append(self.cells(entry.component.u_height > 0, count, f"fire{n_f}"))
            self.fire_ph.append(self.site_phases(three_phase_site, count, f"fire{n_f}"))
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

    def cells(self, in_racks: bool, count: cp_model.IntVar, name: str) -> list[cp_model.IntVar]:
        """Units per rack slot of a model whose units all sit in racks (else none)."""
        if not in_racks:
            return []
        m = self.model
        ub = upper_bound(count)
        out = [m.new_int_var(0, ub, f"{name}_in{r}") for r in range(self.slots)]
        for r, var in enumerate(out):
            m.add(var <= ub * self.active[r])
        m.add(sum(out) == count)
        return out

    def site_phases(
        self, three_phase_site: bool, count: cp_model.IntVar, name: str
    ) -> list[cp_model.IntVar]:
        """Units per phase of a three-phase site supply (each line names its phase)."""
        if not three_phase_site:
            return []
        m = self.model
        ub = upper_bound(count)
        out = [m.new_int_var(0, ub, f"{name}_L{p + 1}") for p in range(PHASES)]
        m.add(sum(out) == count)
        return out

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

    def ups_terms(
        self,
        attr: str,
        factor: str,
        input_phases: int | None = None,
        online: bool | None = None,
    ) -> Lin:
        """sum over UPS classes (efficiency eta, input phases, input PF) of (figure) x [a UPS of
        that class chosen] x IT load, for the classes with ``input_phases`` and an online input
        (``online``; None: all).

        ``factor`` ``loss``: 1/eta - 1 (C5, UPS loss heat); ``input``: 1/eta (the UPS input).
        The product is linearised once per class: an auxiliary integer equal to the IT load in
        mW (each unit's figure rounded up to the mW) when a UPS of that class is chosen, else 0.
        """
        out = Lin()
        for cls in self._load_classes(attr):
            if input_phases is not None and cls.input_phases != input_phases:
                continue
            if online is not None and (cls.input_pf is not None) != online:
                continue
            k = (1 / cls.eta - 1) if factor == "loss" else 1 / cls.eta
            if isinstance(cls.load_mw, int):
                out.add(k * cls.load_mw / 1000, cls.lit)
            else:
                out.add(k / 1000, cls.load_mw)
        return out

    def _load_classes(self, attr: str) -> list[LoadClass]:
        found = self._classes.get(attr)
        if found is not None:
            return found
        m, c = self.model, self.cands
        by_class: dict[tuple[float, int, float], list[cp_model.IntVar]] = {}
        for j, option in enumerate(c.ups):
            key = (option.efficiency, option.input_phases, option.input_pf or 0.0)
            by_class.setdefault(key, []).append(self.ups[j])
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
        out: list[LoadClass] = []
        for (eta, phases, pf), lits in sorted(by_class.items()):
            input_pf = pf or None
            lit = m.new_bool_var(f"class{eta}_{phases}_{pf}")
            m.add(lit == sum(lits))
            if ub == 0:
                out.append(LoadClass(eta, phases, input_pf, lit, fixed))
                continue
            aux = m.new_int_var(0, ub + fixed, f"load_{attr}_{eta}_{phases}_{pf}")
            m.add(aux == load + fixed).only_enforce_if(lit)
            m.add(aux == 0).only_enforce_if(lit.Not())
            out.append(LoadClass(eta, phases, input_pf, lit, aux))
        self._classes[attr] = out
        return out


@dataclass(frozen=True, slots=True)
class LoadClass:
    """UPS options alike in efficiency, input phases and input PF, and the IT load when one is
    chosen."""

    eta: float
    input_phases: int
    input_pf: float | None  # an online UPS's; None: it draws at its load's PF
    lit: cp_model.IntVar
    load_mw: cp_model.IntVar | int  # the IT load in mW when chosen, else 0 (a constant: fixed)
