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

from dataclasses import dataclass, field

from rules.derive.electrical import source_limit_a
from rules.derive.environment import ambient_outside, ip_digits, water_digit_meets
from rules.derive.thermal import ASHRAE_MAX_ELEVATION_M, effective_sensible_w
from rules.model import PlacedItem
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.fit import fire_kg_per_m3, humidity_ok, inlet_ok
from rules.solver.requirements import (
    CoolingMedium,
    CoolingRedundancy,
    RackForm,
    Requirements,
    UpsRedundancy,
)
from rules.solver.ups_options import (
    MAX_PACKS_PER_SYSTEM,
    MAX_PARALLEL_UPS,
    UpsOption,
    matched,
    ups_options,
)
from rules.specs import (
    AccessorySpec,
    AtsSpec,
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

MAX_COOLING_UNITS = 6
MAX_FIRE_UNITS = 12
MAX_CDUS_PER_RACK = 4
MAX_FACILITY_UNITS = 4


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
        return matched(p.phases, p.voltage_v, u.output_phases, u.output_voltage_v)

    def ats_ok_for_pdu(self, ats: CatalogEntry, pdu: CatalogEntry) -> bool:
        """An ATS's input matches a PDU outlet, which is single phase (power.source_mismatch)."""
        a, p = ats.component.spec, pdu.component.spec
        if not isinstance(a, AtsSpec) or not isinstance(p, PduSpec):
            return False
        return matched(a.phases, a.voltage_v, 1, p.voltage_v)

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
    cands.ups = ups_options(cands, [e for e in allowed if e.kind is Kind.UPS], packs)
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
