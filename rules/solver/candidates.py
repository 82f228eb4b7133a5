"""From requirements and a catalogue to the candidates of each role, with every figure the model
needs worked out once, in floats, by the engine's own functions.

Compatibility filters (a part that could never appear in a valid proposal, or that the solver
declines to propose) are applied here, once, for the CP-SAT model and for any enumerator alike:

* lifecycle (active only unless ``include_inactive``), vendor allow/deny lists, lead time cap;
* racks: rack form, environment and IP code for the site (reference 7; the engine's
  ``environment.ip_rating`` / ``enclosure_*`` rules), ambient range, ``max_rack_u``; whole-U
  components only (the blanking panels that close open U are 1U);
* sources matched to what feeds them (``power.source_mismatch``, the engine's
  ``input_mismatch``): a UPS input to the site supply, a PDU to the UPS output (pairwise), an
  ATS to the single-phase outlets of its PDUs (pairwise);
* UPS: a known runtime when runtime is asked for (the engine only warns on an unknown one);
* cooling: rated for the site's ambient range (``thermal.cooling_ambient``), its sensible
  capacity as the engine derates it at the site (return air, altitude);
* fire: the policy has a design concentration for the agent and it is within the occupied-space
  limit when the site is occupied (``fire.noael``);
* IT: inlet range at the site's altitude contains the site's ambient range (the engine's
  ``thermal.ashrae_inlet``; outdoors with closed-loop cooling only the minimum counts), and the
  site's humidity is within its class (``thermal.humidity``, judged where the inlet air is the
  room's or the outside air's);
* liquid cooling (``rules.solver.liquid``, unless ``cooling`` is ``air``): in-rack CDUs and
  facility water sources whose input the site supply takes (``power.source_mismatch``), the
  sources rated for the site's outdoor design range (``liquid.facility_ambient``) with water
  above the room's dew point plus the margin (``liquid.condensation``), leak detection
  accessories; a cold-plate node only where some source and CDU can carry it (connector,
  inlet temperature).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rules.derive.electrical import input_mismatch, source_limit_a
from rules.derive.environment import ambient_outside, ip_digits, water_digit_meets
from rules.derive.lines import ups_efficiency
from rules.derive.runtime import battery_model
from rules.derive.thermal import ASHRAE_MAX_ELEVATION_M, effective_sensible_w
from rules.model import PlacedItem
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.fit import battery_capacity_factor, fire_kg_per_m3, humidity_ok, inlet_ok
from rules.solver.requirements import (
    CoolingMedium,
    CoolingRedundancy,
    RackForm,
    Requirements,
    UpsRedundancy,
)
from rules.specs import (
    AccessorySpec,
    AtsSpec,
    BatteryPackSpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
    Environment,
    FireSuppressionSpec,
    Kind,
    PduSpec,
    Policy,
    RackSpec,
    UpsSpec,
    UpsTopology,
)

__all__ = [
    "MAX_CDUS_PER_RACK",
    "MAX_FACILITY_UNITS",
    "MAX_PACKS_PER_SYSTEM",
    "MAX_PARALLEL_UPS",
    "Candidates",
    "ItDemandSpec",
    "ItOption",
    "UpsOption",
    "candidates",
]

# Parallel UPS units per system the solver proposes (beyond, a bigger model is the answer).
MAX_PARALLEL_UPS = 4
# External battery packs per UPS system.
MAX_PACKS_PER_SYSTEM = 8
MAX_COOLING_UNITS = 6
MAX_FIRE_UNITS = 12
MAX_CDUS_PER_RACK = 4
MAX_FACILITY_UNITS = 4


def _matched(phases: int, volts: float, up_phases: int, up_volts: float) -> bool:
    """The engine's ``power.source_mismatch`` finds nothing for this input on this upstream."""
    return not any(input_mismatch(phases, volts, up_phases, up_volts))


@dataclass(frozen=True, slots=True)
class ItOption:
    """One IT model that may appear, with its grown draws and its cords."""

    entry: CatalogEntry
    demand: int  # index of the demand it serves
    dual: bool  # wired to the A and B PDUs
    via_ats: bool  # single-corded on a 2N design: through the rack's ATS
    typ_w: float  # per unit, grown (design) draw
    np_w: float
    va_w: float  # typ / PF (C3), grown
    np_va_w: float  # np / PF, grown
    u: int
    kg: float
    cords_a: dict[str, int]  # outlets per unit on the A PDU (or ATS)
    cords_b: dict[str, int]
    # A cold-plate node (reference 8, L5): its liquid share of the grown typical draw, its own
    # coolant flow per unit, the warmest coolant it takes and its quick disconnect.
    liquid_w: float = 0.0
    flow_lpm: float = 0.0
    max_inlet_c: float | None = None
    connector: str | None = None

    @property
    def component(self) -> ComponentSpec:
        """The component."""
        return self.entry.component

    @property
    def liquid(self) -> bool:
        """A cold-plate node: it sits on a CDU loop."""
        return self.liquid_w > 0

    @property
    def air_w(self) -> float:
        """Per unit, the (grown) heat it gives to the air: all of it, or what the cold plates
        leave (L5)."""
        return self.typ_w - self.liquid_w


@dataclass(frozen=True, slots=True)
class ItDemandSpec:
    """One demand: fixed count, or at least ``min_typical_w`` of typical (real) draw."""

    label: str
    options: tuple[int, ...]  # indices into Candidates.it
    count: int | None
    min_typical_w: float | None
    max_count: int


@dataclass(frozen=True, slots=True)
class UpsOption:
    """One UPS system: ``q`` units of a model in parallel with ``k`` packs of one pack model."""

    ups: CatalogEntry
    q: int
    pack: CatalogEntry | None
    k: int
    cap_w: float  # typical load one system carries on all its units (C4, C2)
    cap_va: float  # apparent load on all its units (C4, S1)
    spare_cap_w: float  # the same with one unit spare (N+1, C6); 0 for one unit
    spare_cap_va: float
    runtime_w: float | None  # load at which it lasts the runtime asked (S23); None: unknown
    efficiency: float
    recharge_w: float  # on the site supply (policy.ups_recharge_fraction, conv)
    input_phases: int = 1
    output_phases: int = 1
    # Highest input W at the inlet limit: u x rating x phases x V x input PF (power.ups_inlet);
    # None when the data sheet gives no inlet rating.
    inlet_w: float | None = None
    # Output W one phase of a three-phase output carries at u: u x q x kVA / 3 x PF
    # (power.ups_phase_current), at the lowest load PF; None for a single-phase output.
    phase_w: float | None = None
    # Input PF of an online double-conversion UPS (policy.ups_input_power_factor, S26); None:
    # it draws at its load's PF.
    input_pf: float | None = None

    def price(self, *, cost: bool) -> float:
        """Price of one system."""
        pack = self.pack.price(cost=cost) * self.k if self.pack is not None else 0.0
        return self.ups.price(cost=cost) * self.q + pack

    @property
    def u(self) -> int:
        """Rack units of one system."""
        pack_u = int(self.pack.component.u_height) * self.k if self.pack is not None else 0
        return int(self.ups.component.u_height) * self.q + pack_u

    @property
    def kg(self) -> float:
        """Mass of one system."""
        pack = self.pack.component.weight_or_zero_kg * self.k if self.pack is not None else 0.0
        return self.ups.component.weight_or_zero_kg * self.q + pack

    @property
    def lead_time_days(self) -> int:
        """Longest lead time of its parts."""
        pack = self.pack.component.lead_time_days if self.pack is not None and self.k else 0
        return max(self.ups.component.lead_time_days, pack)


@dataclass(slots=True)
class Candidates:
    """Everything the model, the wiring and an enumerator need, resolved from requirements."""

    requirements: Requirements
    policy: Policy
    racks: list[CatalogEntry] = field(default_factory=list)
    pdus: list[CatalogEntry] = field(default_factory=list)
    ats: list[CatalogEntry] = field(default_factory=list)
    packs: list[CatalogEntry] = field(default_factory=list)
    ups: list[UpsOption] = field(default_factory=list)
    cooling: list[CatalogEntry] = field(default_factory=list)
    fire: list[CatalogEntry] = field(default_factory=list)
    it: list[ItOption] = field(default_factory=list)
    demands: list[ItDemandSpec] = field(default_factory=list)
    panel: CatalogEntry | None = None
    problems: list[str] = field(default_factory=list)  # requirements nothing can meet
    growth: float = 1.0
    pf_floor: float = 0.95  # lowest load PF of any consumer (C3)
    fire_kg_per_m3: dict[str, float] = field(default_factory=dict)  # per fire ref
    cooling_eff_w: dict[str, float] = field(default_factory=dict)  # per cooling ref, one unit
    tags: dict[str, frozenset[str]] = field(default_factory=dict)  # relax mode: per ref
    # Liquid cooling (rules.solver.liquid): in-rack CDUs, facility water sources with their
    # supply temperature and one unit's capacity at the site's design ambient, leak detection.
    medium: CoolingMedium = CoolingMedium.AUTO
    cdus: list[CatalogEntry] = field(default_factory=list)
    plants: list[CatalogEntry] = field(default_factory=list)
    leaks: list[CatalogEntry] = field(default_factory=list)
    plant_supply_c: dict[str, float] = field(default_factory=dict)
    plant_cap_w: dict[str, float] = field(default_factory=dict)
    dew_floor_c: float | None = None  # room dew point + policy margin (L3), when known
    liquid_notes: list[str] = field(default_factory=list)  # why no loop can be built

    def tags_of(self, *entries: CatalogEntry | None) -> frozenset[str]:
        """The relaxable requirements that rule out any of these entries."""
        out: frozenset[str] = frozenset()
        for entry in entries:
            if entry is not None:
                out |= self.tags.get(entry.ref, frozenset())
        return out

    @property
    def two_n(self) -> bool:
        """Two UPS systems (2N)."""
        return self.requirements.redundancy.ups is UpsRedundancy.TWO_N

    @property
    def systems(self) -> int:
        """UPS systems: 2 on 2N, else 1."""
        return 2 if self.two_n else 1

    @property
    def loops_possible(self) -> bool:
        """A CDU loop on facility water can be built at this site (and liquid is allowed)."""
        return self.medium is not CoolingMedium.AIR and bool(self.cdus and self.plants)

    @property
    def liquid_options(self) -> bool:
        """Some IT option is a cold-plate node."""
        return any(o.liquid for o in self.it)

    @property
    def air_limit_w(self) -> float:
        """The most air-cooled heat a rack may give off (reference 8, L7): the policy's limit
        when liquid is on the table (asked, or ``auto`` with a cold-plate node that could
        serve), else the engine's error edge, 1.5 x that limit (above the limit it warns)."""
        limit = self.policy.air_density_limit_kw * 1000
        if self.medium is CoolingMedium.LIQUID or (
            self.medium is CoolingMedium.AUTO and self.liquid_options
        ):
            return limit
        return 1.5 * limit

    def pdu_limit_a(self, pdu: CatalogEntry) -> float:
        """Continuous current per phase (the engine's ``source_limit_a``: C4, NEC, banks)."""
        item = PlacedItem(id="pdu", component=pdu.component)
        return source_limit_a(item, self.policy) or 0.0

    def ats_limit_a(self, ats: CatalogEntry) -> float:
        """Continuous current of an ATS at u (C4)."""
        item = PlacedItem(id="ats", component=ats.component)
        return source_limit_a(item, self.policy) or 0.0

    def pdu_ok_for_ups(self, pdu: CatalogEntry, ups: CatalogEntry) -> bool:
        """A PDU's input matches the UPS output: phases and voltage (power.source_mismatch)."""
        p, u = pdu.component.spec, ups.component.spec
        if not isinstance(p, PduSpec) or not isinstance(u, UpsSpec):
            return False
        return _matched(p.phases, p.voltage_v, u.output_phases, u.output_voltage_v)

    def ats_ok_for_pdu(self, ats: CatalogEntry, pdu: CatalogEntry) -> bool:
        """An ATS's input matches a PDU outlet, which is single phase (power.source_mismatch)."""
        a, p = ats.component.spec, pdu.component.spec
        if not isinstance(a, AtsSpec) or not isinstance(p, PduSpec):
            return False
        return _matched(a.phases, a.voltage_v, 1, p.voltage_v)

    def cooling_w(self, entry: CatalogEntry) -> float:
        """Sensible W of one cooling unit at the site, as the engine derates it (S9)."""
        return self.cooling_eff_w.get(entry.ref, 0.0)

    def fits_rack(self, component: ComponentSpec, rack: CatalogEntry) -> bool:
        """Depth fit of a railed device (``space.depth_fit``; zero-U items are not railed)."""
        spec = rack.component.spec
        if not isinstance(spec, RackSpec) or component.u_height <= 0:
            return True
        return component.depth_mm is None or component.depth_mm <= spec.usable_depth_mm

    def it_ok_with_cooling(self, option: ItOption, cooling: CatalogEntry | None) -> bool:
        """Outdoors, free-air (or no) cooling lets outside air reach the inlet (derive.thermal)."""
        site = self.requirements.site
        if site.environment is not Environment.OUTDOOR:
            return True
        spec = cooling.component.spec if cooling is not None else None
        if isinstance(spec, CoolingSpec) and spec.cooling_type is not CoolingType.FREE_AIR:
            return True
        return inlet_ok(option.component, site, high=site.ambient_max_c) and humidity_ok(
            option.component, site
        )


def _tags(entry: CatalogEntry, requirements: Requirements) -> frozenset[str] | None:
    """The relaxable requirements that rule an entry out, or None when nothing can let it in
    (lifecycle, a half-U height)."""
    c = requirements.constraints
    if not entry.active and not c.include_inactive:
        return None
    if not float(entry.component.u_height).is_integer():
        return None
    tags: set[str] = set()
    if c.vendors.allow and entry.vendor not in c.vendors.allow:
        tags.add("vendors")
    if entry.vendor in c.vendors.deny:
        tags.add("vendors")
    if c.max_lead_time_days is not None and entry.component.lead_time_days > c.max_lead_time_days:
        tags.add("max_lead_time_days")
    spec = entry.component.spec
    if isinstance(spec, RackSpec):
        form = c.rack_form
        if spec.u > c.max_rack_u:
            tags.add("max_rack_u")
        if (
            (form is RackForm.WALL and not spec.wall_mount)
            or (
                form is RackForm.FLOOR
                and (spec.wall_mount or spec.environment is Environment.OUTDOOR)
            )
            or (form is RackForm.OUTDOOR and spec.environment is not Environment.OUTDOOR)
        ):
            tags.add("rack_form")
    return frozenset(tags)


def _rack_ok(entry: CatalogEntry, req: Requirements, policy: Policy) -> bool:
    """Site physics a rack must meet: environment, IP code, ambient range (reference 7)."""
    spec = entry.component.spec
    if not isinstance(spec, RackSpec):
        return False
    site = req.site
    outdoor = site.environment is Environment.OUTDOOR
    if outdoor and spec.environment is not Environment.OUTDOOR:
        return False
    if any(ambient_outside(spec.ambient_min_c, spec.ambient_max_c, site)):
        return False
    need_solids, need_water = ip_digits(policy.require_ip_outdoor) if outdoor else (0, 0)
    if site.dusty:
        need_solids = max(need_solids, policy.require_ip_solids_dusty)
    return spec.ip_solids >= need_solids and water_digit_meets(spec.ip_water, need_water)


def _ups_options(
    cands: Candidates, entries: Sequence[CatalogEntry], packs: Sequence[CatalogEntry]
) -> list[UpsOption]:
    """Every UPS system worth considering: model, units in parallel, pack model and count.

    Runtime (S23): ``BatteryModel.load_for(runtime)`` is the exact highest load at which the
    system lasts the runtime, as runtime falls monotonically with load (the engine's table,
    scaling law and Peukert all do). Packs are added one at a time while they raise that load
    and it is still below the capacity limit; more packs than that add nothing.
    """
    req, policy = cands.requirements, cands.policy
    site = req.site
    u = policy.utilisation_limit
    runtime = req.constraints.runtime_min
    factor = battery_capacity_factor(site, policy)
    out: list[UpsOption] = []
    for entry in entries:
        spec = entry.component.spec
        if not isinstance(spec, UpsSpec):
            continue
        if not _matched(
            spec.input_phases, spec.input_voltage_v, site.supply_phases, site.supply_voltage_v
        ):
            continue
        eff = ups_efficiency(PlacedItem(id="u", component=entry.component), policy)
        # power.ups_inlet: an online UPS draws at its rectifier's PF, others at their load's
        # (never below the lowest load PF of the candidates).
        online = spec.topology is UpsTopology.ONLINE_DOUBLE_CONVERSION
        in_pf = policy.ups_input_power_factor if online else cands.pf_floor
        inlet = (
            None
            if spec.input_current_a is None
            else u * spec.input_current_a * spec.input_phases * spec.input_voltage_v * in_pf
        )
        pack_choices: list[CatalogEntry | None] = [None]
        if spec.external_battery_support and spec.max_external_packs > 0:
            for candidate in packs:
                p = candidate.component.spec
                if isinstance(p, BatteryPackSpec) and (
                    spec.battery_nominal_v is None
                    or math.isclose(p.nominal_v, spec.battery_nominal_v)
                ):
                    pack_choices.append(candidate)
        for q in range(1, MAX_PARALLEL_UPS + 1):
            # C4 on both ratings; N+1 keeps one unit spare (C6: installed - N >= 1).
            cap_w = u * q * spec.rated_kw * 1000
            cap_va = u * q * spec.kva * 1000
            spare_w = u * (q - 1) * spec.rated_kw * 1000
            spare_va = u * (q - 1) * spec.kva * 1000
            recharge = policy.ups_recharge_fraction * spec.rated_kw * 1000 * q
            phase_w = (
                u * q * spec.kva * 1000 / 3 * cands.pf_floor if spec.output_phases == 3 else None
            )
            for pack in pack_choices:
                limit = min(spec.max_external_packs * q, MAX_PACKS_PER_SYSTEM) if pack else 0
                previous = -1.0
                for k in range(0 if pack is None else 1, limit + 1):
                    pack_spec = pack.component.spec if pack is not None else None
                    counts = [(pack_spec, k)] if isinstance(pack_spec, BatteryPackSpec) else []
                    by_runtime: float | None = math.inf
                    if runtime > 0:
                        model = battery_model(spec, q, counts, policy, factor)
                        by_runtime = model.load_for(runtime)
                    if pack is not None and (by_runtime is None or by_runtime <= previous):
                        break  # another pack adds nothing
                    out.append(
                        UpsOption(
                            entry,
                            q,
                            pack,
                            k,
                            cap_w,
                            cap_va,
                            spare_w,
                            spare_va,
                            by_runtime,
                            eff,
                            recharge,
                            spec.input_phases,
                            spec.output_phases,
                            inlet,
                            phase_w,
                            policy.ups_input_power_factor if online else None,
                        )
                    )
                    if by_runtime is None or by_runtime >= cap_w:
                        break
                    previous = by_runtime
    return out


def candidates(req: Requirements, catalog: Catalog, *, relax: bool = False) -> Candidates:
    """Resolve requirements against a catalogue (see the module docstring).

    ``relax``: keep the parts that only relaxable requirements rule out (rack U and form, lead
    time, vendors), with those requirements in ``tags``, for the conflict search.
    """
    policy = req.build_policy()
    site = req.site
    growth = 1 + req.constraints.growth_pct / 100
    cands = Candidates(req, policy, growth=growth)
    allowed: list[CatalogEntry] = []
    for entry in catalog.entries:
        tags = _tags(entry, req)
        if tags is None or (tags and not relax):
            continue
        if tags:
            cands.tags[entry.ref] = tags
        allowed.append(entry)
    cands.racks = [e for e in allowed if e.kind is Kind.RACK and _rack_ok(e, req, policy)]
    cands.pdus = [e for e in allowed if isinstance(e.component.spec, PduSpec)]
    if cands.two_n:
        cands.ats = [
            e for e in allowed if isinstance(s := e.component.spec, AtsSpec) and s.phases == 1
        ]
    # it_options and liquid build on this module's types
    from rules.solver.it_options import add_it
    from rules.solver.liquid import add_liquid_parts

    cands.medium = req.cooling
    add_liquid_parts(cands, allowed)
    add_it(cands, req, catalog, allowed)
    if req.cooling is CoolingMedium.LIQUID and not cands.liquid_options:
        why = "; ".join(cands.liquid_notes) or (
            "no cold-plate node of the catalogue serves this workload at this site"
        )
        cands.problems.append(f"cooling: liquid cooling was asked, but {why}")
    pfs = [o.typ_w / o.va_w for o in cands.it if o.va_w > 0]
    cands.pf_floor = min([policy.power_factor_default, *pfs])
    if site.altitude_m > ASHRAE_MAX_ELEVATION_M:
        cands.problems.append(
            f"site.altitude_m: above {ASHRAE_MAX_ELEVATION_M:,.0f} m no IT is rated "
            "(thermal.altitude)"
        )
    cands.packs = packs = [e for e in allowed if e.kind is Kind.BATTERY]
    cands.ups = _ups_options(cands, [e for e in allowed if e.kind is Kind.UPS], packs)
    if req.redundancy.cooling is not CoolingRedundancy.NONE:
        delta_t = policy.airflow_delta_t_k
        for e in allowed:
            spec = e.component.spec
            if not isinstance(spec, CoolingSpec):
                continue
            if any(ambient_outside(spec.ambient_min_c, spec.ambient_max_c, site)):
                continue
            effective = effective_sensible_w(spec, site, delta_t)
            if effective <= 0:
                continue
            cands.cooling.append(e)
            cands.cooling_eff_w[e.ref] = effective
    if req.constraints.fire_suppression or relax:
        for e in allowed:
            fire = e.component.spec
            if not isinstance(fire, FireSuppressionSpec):
                continue
            kg = fire_kg_per_m3(fire, site, policy)
            if kg is not None:
                cands.fire.append(e)
                cands.fire_kg_per_m3[e.ref] = kg
    panels = [
        e
        for e in allowed
        if isinstance(e.component.spec, AccessorySpec)
        and e.component.spec.accessory_type == "blanking_panel"
        and e.component.u_height == 1
        and e.ref not in cands.tags
    ]
    if policy.blanking_panels_required and req.constraints.blank_growth_space and panels:
        cands.panel = min(panels, key=lambda e: (e.component.list_price, e.ref))
    return cands
