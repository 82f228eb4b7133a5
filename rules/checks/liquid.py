"""Liquid cooling checks: loops connected, CDUs and facility water within capacity (with
redundancy), flows, temperatures against each node and the dew point, connectors, leak
detection, and the air density limit of a rack (reference 8, L1-L7; S28-S31).

The figures are rules.derive.liquid; the air share of each node's heat is judged with the rest
of the air by rules.checks.thermal (L5).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.model import Finding, Severity
from rules.specs import Redundancy
from rules.text import celsius, percent, watts

__all__ = [
    "air_density",
    "cdu_capacity",
    "condensation",
    "facility_water",
    "leak_detection",
    "loop_connections",
    "loop_flow",
    "loop_temperatures",
]


def _lpm(value: float) -> str:
    return f"{value:,.1f} L/min"


@rule(
    "liquid",
    node_unconnected=(
        "Every cold-plate node is on a loop, a CDU's or the facility water",
        "reference 8 (L5)",
    ),
    connector=(
        "A node's quick disconnects fit its CDU's manifold",
        "vendor data (connector type)",
    ),
    manifold_ports=("A CDU's manifold has a port for every node on it", "vendor data"),
)
def loop_connections(d: Derived) -> Iterator[Finding]:
    """Nodes without a loop, connectors the manifold does not take, more nodes than ports."""
    liquid = d.liquid
    loose = [n.line.id for n in liquid.nodes if n.loop is None]
    if loose:
        yield finding(
            "liquid.node_unconnected",
            Severity.ERROR,
            f"{d.names.many(loose)} carry heat into liquid but are on no loop: connect them to a "
            "CDU "
            "(coolant_from).",
            subject=loose,
        )
    for cdu_id, loop in liquid.loops.items():
        accepted = set(loop.spec.connectors)
        if accepted:
            odd = [
                n.line.id
                for n in loop.nodes
                if n.spec.coolant_connector is not None and n.spec.coolant_connector not in accepted
            ]
            if odd:
                yield finding(
                    "liquid.connector",
                    Severity.ERROR,
                    f"{d.names.many(odd)} use connectors CDU {d.names(cdu_id)} does not take (it "
                    "takes "
                    f"{', '.join(sorted(accepted))}).",
                    subject=[cdu_id, *odd],
                )
        ports = loop.spec.ports
        if ports is not None:
            need = sum(n.line.quantity for n in loop.nodes)
            have = ports * loop.line.quantity
            if need > have:
                yield finding(
                    "liquid.manifold_ports",
                    Severity.ERROR,
                    f"CDU {d.names(cdu_id)} has {have} manifold ports for {need} nodes.",
                    subject=[cdu_id],
                    value=float(need),
                    limit=float(have),
                    unit="ports",
                )


@rule(
    "liquid",
    cdu_capacity=(
        "A CDU line carries its loop's heat at the utilisation limit",
        "reference 8 (L4); C4",
    ),
    cdu_redundancy=(
        "On an N+1 liquid design, a loop holds with one CDU or one pump lost",
        "reference 8 (L4); C6; policy.liquid_redundancy",
    ),
)
def cdu_capacity(d: Derived) -> Iterator[Finding]:
    """Loop heat (nodes' liquid share and the air its rear doors take) against u x the CDU
    line's capacity; on N+1, against u x the capacity left with one CDU lost, and a spare
    pump in each CDU."""
    u = d.policy.utilisation_limit
    n_plus_1 = d.policy.liquid_redundancy.rank >= Redundancy.N_PLUS_1.rank
    for cdu_id, loop in d.liquid.loops.items():
        heat = d.liquid_heat_w.get(cdu_id, 0.0)
        if heat <= 0:
            continue
        limit = u * loop.capacity_w
        if heat > limit:
            yield finding(
                "liquid.cdu_capacity",
                Severity.ERROR,
                f"CDU {d.names(cdu_id)} carries {watts(heat)} from its loop, above {percent(u)} "
                "of its "
                f"{watts(loop.capacity_w)} ({watts(limit)}).",
                subject=[cdu_id, *(n.line.id for n in loop.nodes)],
                value=heat,
                limit=limit,
                unit="W",
            )
            continue
        if not n_plus_1:
            continue
        spare = u * loop.capacity_one_lost_w
        if heat > spare:
            yield finding(
                "liquid.cdu_redundancy",
                Severity.ERROR,
                f"With one CDU of {d.names(cdu_id)} lost, {watts(heat)} is left on "
                f"{watts(loop.capacity_one_lost_w)} of CDU capacity ({watts(spare)} at "
                f"{percent(u)}): the N+1 liquid design does not hold.",
                subject=[cdu_id],
                value=heat,
                limit=spare,
                unit="W",
            )
        spec = loop.spec
        if spec.pumps - spec.pumps_required < 1:
            yield finding(
                "liquid.cdu_redundancy",
                Severity.ERROR,
                f"CDU {d.names(cdu_id)} needs {spec.pumps_required} of its {spec.pumps} pumps "
                "running: "
                "losing one stops its loop, which an N+1 liquid design does not allow.",
                subject=[cdu_id],
                value=float(spec.pumps),
                limit=float(spec.pumps_required + 1),
                unit="pumps",
            )


@rule(
    "liquid",
    secondary_flow=(
        "A CDU moves the flow its nodes and its heat need, within its range",
        "reference 8 (L1); CDU data sheet",
    ),
)
def loop_flow(d: Derived) -> Iterator[Finding]:
    """The flow a loop needs, the larger of its nodes' own flows and what its heat needs at
    the design rise (L1: Q = P x 60 / (rho cp dT)), against the CDU line's range."""
    rise = d.policy.liquid_delta_t_k
    for cdu_id, loop in d.liquid.loops.items():
        if not loop.nodes:
            continue
        q = loop.line.quantity
        top, bottom = loop.spec.secondary_flow_max_lpm * q, loop.spec.secondary_flow_min_lpm * q
        needed = max(loop.flow_lpm, loop.flow_needed_lpm)
        if needed > top:
            why = (
                f"its nodes ask {_lpm(loop.flow_lpm)}"
                if loop.flow_lpm >= loop.flow_needed_lpm
                else f"{watts(loop.node_heat_w)} at a {rise:g} K rise needs "
                f"{_lpm(loop.flow_needed_lpm)}"
            )
            yield finding(
                "liquid.secondary_flow",
                Severity.ERROR,
                f"CDU {d.names(cdu_id)} moves at most {_lpm(top)}, but {why}.",
                subject=[cdu_id],
                value=needed,
                limit=top,
                unit="L/min",
            )
        elif loop.flow_lpm < bottom:
            yield finding(
                "liquid.secondary_flow",
                Severity.WARNING,
                f"The nodes on CDU {d.names(cdu_id)} take {_lpm(loop.flow_lpm)}, below its "
                f"{_lpm(bottom)} minimum: it bypasses the rest or cannot hold its supply.",
                subject=[cdu_id],
                value=loop.flow_lpm,
                limit=bottom,
                unit="L/min",
            )


@rule(
    "liquid",
    node_inlet=(
        "The coolant reaching each node is no warmer than it takes",
        "reference 8 (L4)",
    ),
    water_class=(
        "The facility water is of a class the CDU accepts",
        "reference 8 (L2); ASHRAE liquid cooling guidelines (S28)",
    ),
    rear_door_water=(
        "A rear door's water is within its data sheet's range",
        "reference 8 (L6); vendor data (S31)",
    ),
)
def loop_temperatures(d: Derived) -> Iterator[Finding]:
    """Secondary supply (facility supply + approach, L4) against each node's maximum inlet;
    the facility class against what each CDU accepts (L2); rear doors read within their data
    (L6)."""
    liquid = d.liquid
    for cdu_id, loop in liquid.loops.items():
        plant = liquid.plants.get(loop.facility) if loop.facility is not None else None
        if plant is not None and plant.water_class not in loop.spec.facility_classes:
            yield finding(
                "liquid.water_class",
                Severity.ERROR,
                f"{d.names.start(plant.line.id)} supplies {plant.water_class.value} facility water "
                f"({celsius(plant.supply_c)} °C), but CDU {d.names(cdu_id)} accepts "
                f"{', '.join(c.value for c in loop.spec.facility_classes)}.",
                subject=[plant.line.id, cdu_id],
                value=plant.supply_c,
                unit="°C",
            )
        if loop.supply_c is None:
            continue
        for n in loop.nodes:
            inlet = n.spec.max_coolant_inlet_c
            if inlet is not None and loop.supply_c > inlet:
                yield finding(
                    "liquid.node_inlet",
                    Severity.ERROR,
                    f"{d.names.start(n.line.id)} takes coolant up to {celsius(inlet)} °C, but CDU "
                    f"{d.names(cdu_id)} "
                    f"supplies {celsius(loop.supply_c)} °C ({celsius(loop.facility_supply_c or 0)}"
                    f" °C facility water + {loop.spec.approach_k:g} K approach).",
                    subject=[n.line.id, cdu_id],
                    value=loop.supply_c,
                    limit=inlet,
                    unit="°C",
                )
    for plant_id, plant in liquid.plants.items():
        for n in plant.direct_nodes:
            inlet = n.spec.max_coolant_inlet_c
            if inlet is not None and plant.supply_c > inlet:
                yield finding(
                    "liquid.node_inlet",
                    Severity.ERROR,
                    f"{d.names.start(n.line.id)} takes coolant up to {celsius(inlet)} °C, but "
                    f"{d.names(plant_id)} "
                    f"supplies {celsius(plant.supply_c)} °C.",
                    subject=[n.line.id, plant_id],
                    value=plant.supply_c,
                    limit=inlet,
                    unit="°C",
                )
    for door_id, door in liquid.doors.items():
        if door.water_c is not None and door.capacity_w is None:
            yield finding(
                "liquid.rear_door_water",
                Severity.WARNING,
                f"Rear door {d.names(door_id)} gets {celsius(door.water_c)} °C water, outside the "
                "range "
                "its data sheet rates: its capacity cannot be judged and is not counted.",
                subject=[door_id],
                value=door.water_c,
                limit=door.spec.warm_water_c or door.spec.rated_water_c,
                unit="°C",
            )


@rule(
    "liquid",
    facility_capacity=(
        "The facility water sources reject every loop's heat at the hottest outdoor air",
        "reference 8 (L2); C4",
    ),
    facility_ambient=(
        "A facility water source is rated for the site's outdoor design range",
        "manufacturer operating range; reference 7",
    ),
    outdoor_unknown=(
        "A facility water source on a site without an outdoor design temperature is judged at "
        "its rated ambient, and the report says so",
        "reference 8 (L2)",
    ),
)
def facility_water(d: Derived) -> Iterator[Finding]:
    """Each source's load (its CDUs, rear doors and nodes) against u x its capacity at the
    hottest outdoor air, and its rated ambient range against the site's outdoor design range.
    An indoor room's air says nothing of the outdoor air a dry cooler or chiller stands in."""
    u = d.policy.utilisation_limit
    outdoor = d.site.outdoor_range_c
    for plant_id, plant in d.liquid.plants.items():
        heat = d.liquid_heat_w.get(plant_id, 0.0)
        limit = u * plant.capacity_w
        basis = "" if plant.outdoor_known else ", its rated ambient (assumed)"
        if heat > limit:
            yield finding(
                "liquid.facility_capacity",
                Severity.ERROR,
                f"{d.names.start(plant_id)} must reject {watts(heat)}, above {percent(u)} of the "
                f"{watts(plant.capacity_w)} it gives at {plant.outdoor_c:g} °C outside{basis} "
                f"({watts(limit)}).",
                subject=[plant_id, *plant.loops],
                value=heat,
                limit=limit,
                unit="W",
            )
        spec = plant.spec
        if outdoor is None:
            yield finding(
                "liquid.outdoor_unknown",
                Severity.WARNING,
                f"The site states no outdoor design temperature: {d.names(plant_id)} is judged at "
                "its "
                f"rated {spec.rated_ambient_c:g} °C ambient (supply {celsius(plant.supply_c)} °C, "
                f"{watts(plant.capacity_w)}). Give the site's outdoor design range to judge it "
                "where it stands.",
                subject=[plant_id],
                value=spec.rated_ambient_c,
                unit="°C",
            )
            continue
        too_hot, too_cold = outdoor[1] > spec.ambient_max_c, outdoor[0] < spec.ambient_min_c
        if too_hot or too_cold:
            yield finding(
                "liquid.facility_ambient",
                Severity.ERROR,
                f"{d.names.start(plant_id)} is rated for {spec.ambient_min_c:g} to "
                f"{spec.ambient_max_c:g} °C "
                f"outside, but the site's outdoor design range is {outdoor[0]:g} to "
                f"{outdoor[1]:g} °C.",
                subject=[plant_id],
                value=outdoor[1] if too_hot else outdoor[0],
                limit=spec.ambient_max_c if too_hot else spec.ambient_min_c,
                unit="°C",
            )


@rule(
    "liquid",
    condensation=(
        "Every liquid surface in the room stays above the room's dew point plus the margin",
        "reference 8 (L3); Magnus formula (S30)",
    ),
    condensation_unknown=(
        "Liquid in a room whose humidity is not known is said to be unjudged for condensation",
        "reference 8 (L3)",
    ),
)
def condensation(d: Derived) -> Iterator[Finding]:
    """Facility water into CDUs, secondary supplies and rear-door water against the site's
    dew point plus ``policy.dew_point_margin_k`` (L3)."""
    liquid = d.liquid
    if not liquid.surfaces:
        return
    dew = d.thermal.dew_point_max_c
    if dew is None:
        yield finding(
            "liquid.condensation_unknown",
            Severity.WARNING,
            "The build runs liquid through the room but the site gives no humidity or dew "
            "point: condensation on its pipes cannot be judged.",
            subject=sorted({line_id for _, line_id, _ in liquid.surfaces}),
        )
        return
    floor = dew + d.policy.dew_point_margin_k
    for what, line_id, temperature in liquid.surfaces:
        if temperature < floor:
            yield finding(
                "liquid.condensation",
                Severity.ERROR,
                f"The {what} {d.names(line_id)} is at {celsius(temperature)} °C, below the room's "
                f"{celsius(dew)} °C dew point plus {d.policy.dew_point_margin_k:g} K "
                f"({celsius(floor)} °C): water condenses on it.",
                subject=[line_id],
                value=temperature,
                limit=floor,
                unit="°C",
            )


@rule(
    "liquid",
    leak_detection=(
        "Every rack with liquid in it has leak detection",
        "reference 8; liquid cooling practice (S28)",
    ),
)
def leak_detection(d: Derived) -> Iterator[Finding]:
    """A rack holding a CDU, a water-fed rear door or a cold-plate node needs a leak sensor."""
    for rack_id, wet in d.lines.wet_by_rack.items():
        items = d.lines.items_by_rack[rack_id]
        sensed = any(
            getattr(i.component.spec, "accessory_type", None) == "leak_detection" for i in items
        )
        if not sensed:
            yield finding(
                "liquid.leak_detection",
                Severity.WARNING,
                f"{d.names.start(rack_id)} carries liquid ({d.names.many(wet)}) but no leak "
                "detection.",
                subject=[rack_id, *wet],
            )


@rule(
    "liquid",
    air_density=(
        "A rack's air-cooled heat stays within what air can practically carry",
        "reference 8 (L7); policy.air_density_limit_kw",
    ),
)
def air_density(d: Derived) -> Iterator[Finding]:
    """Air-cooled heat per rack (its loads less the cold plates' liquid share, and less what a
    water-fed rear door takes) against the policy limit: a warning above it, an error above
    1.5 times it (L7)."""
    limit = d.policy.air_density_limit_kw * 1000
    thermal = d.thermal
    taken: dict[str, float] = {}
    for door_id, heat in thermal.door_heat_w.items():
        rack_id = d.lines.by_id[door_id].rack_id
        if rack_id is not None:
            taken[rack_id] = taken.get(rack_id, 0.0) + heat
    for rack_id, heat in thermal.rack_heat_w.items():
        air = heat - taken.get(rack_id, 0.0)
        if air <= limit:
            continue
        severity = Severity.ERROR if air > 1.5 * limit else Severity.WARNING
        yield finding(
            "liquid.air_density",
            severity,
            f"{d.names.start(rack_id)} gives {watts(air)} to the air, above the {limit / 1000:g} "
            "kW a "
            "rack can practically cool with air"
            + (" by half again: cool it with liquid" if severity is Severity.ERROR else "")
            + ".",
            subject=[rack_id],
            value=air,
            limit=limit if severity is Severity.WARNING else 1.5 * limit,
            unit="W",
        )
