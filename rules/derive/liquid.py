"""Liquid cooling: the heat cold plates carry into liquid, the loops that carry it out, and the
water that feeds them (reference 8, L1-L7; S28-S31).

A cold-plate node sends its liquid share f of its typical draw to its loop and the rest to the
room air (L5). Nodes plug into a CDU (``coolant_from``); a CDU moves its loop's heat into the
facility water (its own ``coolant_from``) at a stated approach, so its secondary supply is the
facility supply plus that approach (L4). A rear-door heat exchanger takes heat out of its
rack's air into water from a CDU or the facility (L6). A facility water source (dry cooler or
chiller, outdoors) rejects it all; a dry cooler supplies no colder than the site's hottest
ambient plus its approach, and its capacity falls above its rated ambient.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.lines import Lines
from rules.model import PlacedItem
from rules.specs import (
    CduSpec,
    Coolant,
    CoolingSpec,
    CoolingType,
    FacilityWaterSpec,
    ItSpec,
    Kind,
    Site,
    WaterClass,
)
from rules.units import HOURS_PER_YEAR

__all__ = [
    "COOLANT_PROPERTIES",
    "Liquid",
    "Loop",
    "Node",
    "Plant",
    "RearDoor",
    "derive_liquid",
    "facility_supply_c",
    "flow_lpm_for",
    "loop_heat_w",
    "plant_ambient_c",
    "plant_annual_water_l",
    "plant_capacity_w",
    "rear_door_capacity_w",
    "rise_k_for",
]

# Reference 8, L1 (S29): density kg/L and specific heat kJ/(kg K) of each coolant.
COOLANT_PROPERTIES: dict[Coolant, tuple[float, float]] = {
    Coolant.WATER: (0.997, 4.18),
    Coolant.PG25: (1.02, 3.90),
}


def flow_lpm_for(heat_w: float, rise_k: float, coolant: Coolant = Coolant.WATER) -> float:
    """Coolant flow that carries ``heat_w`` at a ``rise_k`` rise: Q [L/min] = P [kW] x 60 /
    (rho [kg/L] x cp [kJ/(kg K)] x dT [K]) (L1); about 1.44 L/min per kW of water at 10 K."""
    rho, cp = COOLANT_PROPERTIES[coolant]
    return heat_w / 1000 * 60 / (rho * cp * rise_k)


def rise_k_for(heat_w: float, flow_lpm: float, coolant: Coolant = Coolant.WATER) -> float:
    """The rise a loop sees carrying ``heat_w`` at ``flow_lpm`` (L1 inverted)."""
    rho, cp = COOLANT_PROPERTIES[coolant]
    return heat_w / 1000 * 60 / (rho * cp * flow_lpm)


def plant_ambient_c(spec: FacilityWaterSpec, site: Site) -> tuple[float, bool]:
    """The outdoor temperature a facility source is judged at, and whether the site states it:
    the site's outdoor design maximum (an outdoor site's own ambient), else the source's rated
    ambient as an assumption the report names (L2: "at the site's design ambient")."""
    outdoor = site.outdoor_range_c
    if outdoor is None:
        return spec.rated_ambient_c, False
    return outdoor[1], True


def facility_supply_c(spec: FacilityWaterSpec, outdoor_max_c: float) -> float:
    """The supply temperature a facility source holds: a chiller its setpoint; a dry cooler no
    colder than the hottest outdoor air plus its approach (L2)."""
    if spec.ambient_approach_k is None:
        return spec.supply_temp_c
    return max(spec.supply_temp_c, outdoor_max_c + spec.ambient_approach_k)


def plant_capacity_w(spec: FacilityWaterSpec, outdoor_max_c: float) -> float:
    """Heat one source rejects at the hottest outdoor air: its rating, less the vendor's %/K
    above its rated ambient."""
    hot_k = max(0.0, outdoor_max_c - spec.rated_ambient_c)
    return spec.capacity_w * max(0.0, 1 - spec.capacity_change_pct_per_k / 100 * hot_k)


def rear_door_capacity_w(spec: CoolingSpec, water_c: float | None) -> float | None:
    """Sensible capacity of one rear door on water at ``water_c`` (L6): its rating at or below
    its rated water temperature, falling linearly to the data sheet's second point, and None
    (not judged) beyond that point or without a rating to read."""
    rated = spec.sensible_w
    if spec.rated_water_c is None or water_c is None:
        return rated if water_c is None else None
    if water_c <= spec.rated_water_c:
        return rated
    if spec.warm_water_c is None or spec.warm_water_sensible_w is None:
        return None
    if water_c > spec.warm_water_c:
        return None
    frac = (water_c - spec.rated_water_c) / (spec.warm_water_c - spec.rated_water_c)
    return rated + frac * (spec.warm_water_sensible_w - rated)


@dataclass(frozen=True, slots=True)
class Node:
    """A cold-plate line, all its units: heat into liquid and air, and what it needs."""

    line: PlacedItem
    spec: ItSpec
    liquid_w: float
    air_w: float
    flow_lpm: float
    loop: str | None  # the CDU or facility source it is on; None: not connected


@dataclass(frozen=True, slots=True)
class RearDoor:
    """A rear-door heat exchanger line and the water it gets."""

    line: PlacedItem
    spec: CoolingSpec
    water_from: str | None
    water_c: float | None
    capacity_w: float | None  # all units, at that water (None: not judged)


@dataclass(frozen=True, slots=True)
class Loop:
    """A CDU line and its secondary loop: the nodes and rear doors on it."""

    line: PlacedItem
    spec: CduSpec
    nodes: Sequence[Node]
    doors: Sequence[RearDoor]
    node_heat_w: float
    flow_lpm: float  # the nodes' own flows, summed
    flow_needed_lpm: float  # the flow the node heat needs at the design rise (L1)
    facility: str | None
    facility_supply_c: float | None
    supply_c: float | None  # facility supply + approach (L4)
    return_c: float | None  # supply + the rise at the nodes' flow (L1)
    capacity_w: float  # all units (C4 applies in the check)
    capacity_one_lost_w: float  # with one CDU of the line lost


@dataclass(frozen=True, slots=True)
class Plant:
    """A facility water source line, and what the loops ask of it."""

    line: PlacedItem
    spec: FacilityWaterSpec
    supply_c: float
    water_class: WaterClass
    capacity_w: float  # all units, at the hottest outdoor air
    outdoor_c: float  # the outdoor temperature it is judged at
    outdoor_known: bool  # False: the site states none, so its rated ambient is assumed
    loops: Sequence[str]  # CDU lines on it
    direct_nodes: Sequence[Node]  # nodes straight on facility water
    doors: Sequence[RearDoor]


@dataclass(frozen=True, slots=True)
class Liquid:
    """Every liquid figure of a build."""

    nodes: Sequence[Node]
    loops: Mapping[str, Loop]
    plants: Mapping[str, Plant]
    doors: Mapping[str, RearDoor]
    liquid_w: float  # into liquid from the nodes (L5)
    rack_liquid_w: Mapping[str, float]
    # Every liquid temperature in the room: (what, line id, degC) for the dew-point check (L3).
    surfaces: Sequence[tuple[str, str, float]]

    @property
    def present(self) -> bool:
        """Whether the build has any liquid cooling at all."""
        return bool(self.nodes or self.loops or self.plants or self.doors)


def _nodes(lines: Lines) -> list[Node]:
    out: list[Node] = []
    if not any(
        isinstance(c.spec, ItSpec) and c.spec.liquid_fraction is not None
        for c in lines.components.values()
    ):
        return out  # no cold plates in the build: nothing to walk the lines for
    for item in lines.consumers:
        spec = item.component.spec
        if not isinstance(spec, ItSpec) or spec.liquid_fraction is None:
            continue
        typ = lines.line_typical_w[item.id]
        liquid = typ * spec.liquid_fraction  # L5: f x P_typ into liquid
        out.append(
            Node(
                line=item,
                spec=spec,
                liquid_w=liquid,
                air_w=typ - liquid,
                flow_lpm=(spec.coolant_flow_lpm or 0.0) * item.quantity,
                loop=item.coolant_from,
            )
        )
    return out


def derive_liquid(lines: Lines) -> Liquid:
    """The nodes, loops, rear doors and facility sources of one build."""
    site, policy = lines.site, lines.policy
    nodes = _nodes(lines)
    plants_spec: dict[str, tuple[PlacedItem, FacilityWaterSpec]] = {}
    for item in lines.kind(Kind.FACILITY_WATER):
        if isinstance(item.component.spec, FacilityWaterSpec):
            plants_spec[item.id] = (item, item.component.spec)
    outdoor_of = {pid: plant_ambient_c(spec, site) for pid, (_, spec) in plants_spec.items()}
    supply_of: dict[str, float] = {
        pid: facility_supply_c(spec, outdoor_of[pid][0]) for pid, (_, spec) in plants_spec.items()
    }
    cdus: dict[str, tuple[PlacedItem, CduSpec]] = {}
    for item in lines.kind(Kind.CDU):
        if isinstance(item.component.spec, CduSpec):
            cdus[item.id] = (item, item.component.spec)
            if item.coolant_from in supply_of:
                supply_of[item.id] = supply_of[item.coolant_from] + item.component.spec.approach_k
    doors: dict[str, RearDoor] = {}
    for item in lines.kind(Kind.COOLING):
        spec = item.component.spec
        if not isinstance(spec, CoolingSpec) or spec.cooling_type is not CoolingType.REAR_DOOR:
            continue
        water = supply_of.get(item.coolant_from) if item.coolant_from is not None else None
        each = rear_door_capacity_w(spec, water)
        doors[item.id] = RearDoor(
            line=item,
            spec=spec,
            water_from=item.coolant_from,
            water_c=water,
            capacity_w=None if each is None else each * item.quantity,
        )
    loops: dict[str, Loop] = {}
    for cdu_id, (item, spec) in cdus.items():
        on = [n for n in nodes if n.loop == cdu_id]
        heat = sum(n.liquid_w for n in on)
        flow = sum(n.flow_lpm for n in on)
        facility = item.coolant_from if item.coolant_from in plants_spec else None
        fac_supply = supply_of.get(facility) if facility is not None else None
        supply = supply_of.get(cdu_id)
        ret = None
        if supply is not None:
            ret = supply + (rise_k_for(heat, flow, spec.coolant) if flow > 0 else 0.0)
        loops[cdu_id] = Loop(
            line=item,
            spec=spec,
            nodes=on,
            doors=[d for d in doors.values() if d.water_from == cdu_id],
            node_heat_w=heat,
            flow_lpm=flow,
            flow_needed_lpm=flow_lpm_for(heat, policy.liquid_delta_t_k, spec.coolant),
            facility=facility,
            facility_supply_c=fac_supply,
            supply_c=supply,
            return_c=ret,
            capacity_w=spec.capacity_w * item.quantity,
            capacity_one_lost_w=spec.capacity_w * (item.quantity - 1),
        )
    plants: dict[str, Plant] = {}
    for pid, (item, spec) in plants_spec.items():
        plants[pid] = Plant(
            line=item,
            spec=spec,
            supply_c=supply_of[pid],
            water_class=WaterClass.of(supply_of[pid]),
            capacity_w=plant_capacity_w(spec, outdoor_of[pid][0]) * item.quantity,
            outdoor_c=outdoor_of[pid][0],
            outdoor_known=outdoor_of[pid][1],
            loops=[cid for cid, loop in loops.items() if loop.facility == pid],
            direct_nodes=[n for n in nodes if n.loop == pid],
            doors=[d for d in doors.values() if d.water_from == pid],
        )
    rack_liquid: dict[str, float] = {}
    for n in nodes:
        if n.line.rack_id is not None:
            rack_liquid[n.line.rack_id] = rack_liquid.get(n.line.rack_id, 0.0) + n.liquid_w
    surfaces: list[tuple[str, str, float]] = []
    for cdu_id, loop in loops.items():
        if loop.facility_supply_c is not None:
            surfaces.append(("facility water into", cdu_id, loop.facility_supply_c))
        if loop.supply_c is not None:
            surfaces.append(("secondary supply of", cdu_id, loop.supply_c))
    for door_id, door in doors.items():
        if door.water_c is not None:
            surfaces.append(("water into rear door", door_id, door.water_c))
    for n in nodes:
        if n.loop in plants:
            surfaces.append(("facility water into", n.line.id, plants[n.loop].supply_c))
    return Liquid(
        nodes=nodes,
        loops=loops,
        plants=plants,
        doors=doors,
        liquid_w=sum(n.liquid_w for n in nodes),
        rack_liquid_w=rack_liquid,
        surfaces=surfaces,
    )


def loop_heat_w(liquid: Liquid, door_heat_w: Mapping[str, float]) -> dict[str, float]:
    """Heat each CDU and each facility source carries: its nodes' liquid share, the air heat
    its rear doors take (``door_heat_w``, from the thermal pass), and for a facility source
    everything its CDUs carry."""
    out: dict[str, float] = {}
    for cdu_id, loop in liquid.loops.items():
        out[cdu_id] = loop.node_heat_w + sum(door_heat_w.get(d.line.id, 0.0) for d in loop.doors)
    for pid, plant in liquid.plants.items():
        out[pid] = (
            sum(out[c] for c in plant.loops)
            + sum(n.liquid_w for n in plant.direct_nodes)
            + sum(door_heat_w.get(d.line.id, 0.0) for d in plant.doors)
        )
    return out


def plant_annual_water_l(liquid: Liquid, heat_w: Mapping[str, float]) -> float:
    """Water the facility sources evaporate a year: each one's heat (``heat_w``, from
    :func:`loop_heat_w`, at typical load all year) x its litres per kWh rejected; 0 when dry.
    Counted into the site's water for WUE (The Green Grid, S20)."""
    return sum(
        heat_w.get(pid, 0.0) * HOURS_PER_YEAR / 1000 * plant.spec.water_l_per_kwh
        for pid, plant in liquid.plants.items()
    )
