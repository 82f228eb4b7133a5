"""Thermal checks: cooling capacity and operating range, airflow, airflow direction, IT inlet
class at altitude, and open rack units without blanking panels.

Heat is the room heat (IT and other room loads plus UPS losses, S2; C5), worked out in
rules.derive.thermal. Cooling is sized on *sensible* capacity (S9) with the utilisation limit
(C4); airflow at 100 %.
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.environment import ambient_outside
from rules.derive.geometry import occupied_u
from rules.derive.lines import cooling_spec
from rules.derive.thermal import (
    ASHRAE_HUMIDITY_MAX,
    ASHRAE_MAX_ELEVATION_M,
    CoolingUnit,
)
from rules.model import Finding, PlacedItem, Severity
from rules.specs import AirflowDirection, CoolingType, Environment, ItSpec
from rules.text import celsius, watts
from rules.units import btu_h

__all__ = [
    "airflow",
    "airflow_direction",
    "blanking_panels",
    "cooling_ambient",
    "cooling_capacity",
    "cooling_mounting",
    "humidity",
    "inlet_conditions",
    "rack_airflow",
]

_REVERSED = {
    AirflowDirection.FRONT_TO_BACK: AirflowDirection.BACK_TO_FRONT,
    AirflowDirection.BACK_TO_FRONT: AirflowDirection.FRONT_TO_BACK,
}


def _heat(value: float) -> str:
    """Heat in W and BTU/h (reference 2)."""
    return f"{watts(value)} ({btu_h(value):,.0f} BTU/h)"


@rule(
    "thermal",
    cooling_capacity=(
        "Cooling removes the heat the rack-mounted units leave to the room, at the "
        "utilisation limit",
        "reference 2; S2 (WP25); S9; C4; C5",
    ),
    cooling_absent=(
        "A build without cooling units has the room's own air conditioning stated for its heat",
        "reference 2; S2 (WP25)",
    ),
    rack_cooling_capacity=(
        "Rack-mounted and door units remove the heat of their own rack at the utilisation limit",
        "reference 2; S2 (WP25); S9; C4",
    ),
)
def cooling_capacity(d: Derived) -> Iterator[Finding]:
    """Heat against sensible capacity at the site's conditions, unit by unit scope (C4; S9).

    In-rack units, rear doors and door-mounted air conditioners cool their own rack: each such
    rack's heat (its loads and the losses of its UPSs) must be within u x their capacity. The
    heat they do not take (every other rack, loose items, and what a rear door on an open rack
    leaves) is the room's: in-row, split and free-air units, or the site's own air
    conditioning (``Site.room_cooling_w``).
    Capacities are as derated for return air and altitude (rules.derive.thermal).
    """
    thermal = d.thermal
    heat = thermal.heat_w  # S2: power becomes heat 1:1, UPS losses added (C5)
    if heat <= 0:
        return
    u = d.policy.utilisation_limit
    site = d.site
    covered = 0.0
    rack_units: dict[str, list[CoolingUnit]] = {}
    room_units: list[CoolingUnit] = []
    for unit in thermal.units:
        if unit.rack_id is not None:
            rack_units.setdefault(unit.rack_id, []).append(unit)
        else:
            room_units.append(unit)
    for rack_id, units in rack_units.items():
        rack_heat = thermal.rack_heat_w.get(rack_id, 0.0)
        usable = u * sum(x.effective_sensible_w for x in units)
        # A closed rack (in-rack cooler, door air conditioner) keeps its excess heat inside,
        # reported here; a rear-door exchanger lets what it does not take into the room.
        open_rack = any(x.spec.cooling_type is CoolingType.REAR_DOOR for x in units)
        covered += min(rack_heat, usable) if open_rack else rack_heat
        if rack_heat > usable:
            yield finding(
                "thermal.rack_cooling_capacity",
                Severity.ERROR,
                f"{d.names.start(rack_id)} gives off {_heat(rack_heat)}, above {u * 100:g} % of "
                "its own "
                f"units' {watts(usable / u)} of sensible cooling at the site ({watts(usable)}).",
                subject=[rack_id, *(x.line.id for x in units)],
                value=rack_heat,
                limit=usable,
                unit="W",
            )
    left = heat - covered  # what the rack units leave to the room
    if left <= 1e-9:
        return
    room_w = sum(x.effective_sensible_w for x in room_units)
    stated = site.room_cooling_w
    if not thermal.units:
        if site.environment is Environment.OUTDOOR:
            yield finding(
                "thermal.cooling_capacity",
                Severity.ERROR,
                f"The outdoor build gives off {_heat(heat)} but has no cooling unit to remove "
                f"it: it needs {watts(heat / u)} of sensible cooling at {u * 100:g} % "
                "utilisation.",
                value=heat,
                limit=0.0,
                unit="W",
            )
            return
        if stated is None:
            yield finding(
                "thermal.cooling_absent",
                Severity.ERROR,
                f"The build has no cooling unit and the site states no air conditioning of its "
                f"own: {_heat(heat)} of sensible heat has nowhere to go. Add cooling, or give "
                "the room's sensible capacity for this build.",
                value=heat,
                unit="W",
            )
            return
    if stated is not None and site.environment is Environment.INDOOR:
        room_w += stated
    usable = u * room_w  # C4: PASS when demand <= u * capacity
    if left > usable:
        where = "room cooling" if rack_units else "installed sensible cooling"
        share = (
            f"; {_heat(covered)} of it is taken by rack-mounted units, {_heat(left)} is the room's"
            if covered > 0
            else ""
        )
        yield finding(
            "thermal.cooling_capacity",
            Severity.ERROR,
            f"The build gives off {_heat(heat)} (IT, other loads and UPS losses){share}, above "
            f"{u * 100:g} % of the {watts(room_w)} of {where} at the site ({watts(usable)}): "
            f"it needs {watts(left / u)}.",
            subject=[x.line.id for x in room_units],
            value=left,
            limit=usable,
            unit="W",
        )


@rule(
    "thermal",
    cooling_mounting=(
        "Rack-mounted cooling is mounted as it can be: on a rack, one rear door, door units "
        "within the rack's doors",
        "vendor mounting; policy.door_units_per_rack_max",
    ),
)
def cooling_mounting(d: Derived) -> Iterator[Finding]:
    """Door-mounted air conditioners and rear-door heat exchangers need a rack, and a rack has
    only so many doors: one rear door, ``policy.door_units_per_rack_max`` door units."""
    door_max = d.policy.door_units_per_rack_max
    doors: dict[str, list[PlacedItem]] = {}
    rear: dict[str, list[PlacedItem]] = {}
    for unit in d.thermal.units:
        line = unit.line
        kind = unit.spec.cooling_type
        if not kind.rack_scoped:
            continue
        if line.rack_id is None:
            yield finding(
                "thermal.cooling_mounting",
                Severity.ERROR,
                f"{d.names.start(line.id)} is a {kind.value.replace('_', '-')} unit but sits in no "
                "rack: it "
                "cools only the rack it is mounted on.",
                subject=[line.id],
            )
            continue
        if kind is CoolingType.DOOR_MOUNTED:
            doors.setdefault(line.rack_id, []).append(line)
        elif kind is CoolingType.REAR_DOOR:
            rear.setdefault(line.rack_id, []).append(line)
    for rack_id, found in doors.items():
        count = sum(x.quantity for x in found)
        if count > door_max:
            yield finding(
                "thermal.cooling_mounting",
                Severity.ERROR,
                f"{d.names.start(rack_id)} carries {count} door-mounted cooling units; it takes at "
                "most "
                f"{door_max}.",
                subject=[rack_id, *(x.id for x in found)],
                value=float(count),
                limit=float(door_max),
                unit="units",
            )
    for rack_id, found in rear.items():
        count = sum(x.quantity for x in found)
        if count > 1:
            yield finding(
                "thermal.cooling_mounting",
                Severity.ERROR,
                f"{d.names.start(rack_id)} carries {count} rear-door heat exchangers; a rack has "
                "one rear "
                "door.",
                subject=[rack_id, *(x.id for x in found)],
                value=float(count),
                limit=1.0,
                unit="units",
            )


@rule(
    "thermal",
    cooling_ambient=(
        "Each cooling unit is rated for the site's ambient range",
        "manufacturer operating range; reference 7 (outdoor checks)",
    ),
)
def cooling_ambient(d: Derived) -> Iterator[Finding]:
    """The site's ambient range must lie inside each cooling unit's operating range."""
    site = d.site
    for line in d.thermal.cooling_lines:
        spec = cooling_spec(line)
        if spec is None:  # pragma: no cover - cooling_lines carry a spec
            continue
        too_hot, too_cold = ambient_outside(spec.ambient_min_c, spec.ambient_max_c, site)
        if too_hot:
            yield finding(
                "thermal.cooling_ambient",
                Severity.ERROR,
                f"Cooling unit {d.names(line.id)} runs up to {spec.ambient_max_c:g} °C ambient, "
                "but "
                f"the site reaches {site.ambient_max_c:g} °C.",
                subject=[line.id],
                value=site.ambient_max_c,
                limit=spec.ambient_max_c,
                unit="°C",
            )
        if too_cold:
            yield finding(
                "thermal.cooling_ambient",
                Severity.ERROR,
                f"Cooling unit {d.names(line.id)} runs down to {spec.ambient_min_c:g} °C ambient, "
                "but "
                f"the site falls to {site.ambient_min_c:g} °C.",
                subject=[line.id],
                value=site.ambient_min_c,
                limit=spec.ambient_min_c,
                unit="°C",
            )


@rule(
    "thermal",
    airflow=(
        "Cooling units move at least the air that carries the heat away at the design rise",
        "reference 2 (airflow, altitude); S8",
    ),
)
def airflow(d: Derived) -> Iterator[Finding]:
    """Required airflow for the total heat against the cooling units' airflow, at 100 %.

    The reference applies C4 to sensible capacity only, so installed airflow counts in full.
    The heat is the same total the sensible check uses (IT, room loads, UPS losses): all of it
    leaves in the cooling air. Builds without cooling units are covered by the capacity check.
    """
    thermal = d.thermal
    lines = thermal.cooling_lines
    if not lines or thermal.heat_w <= 0:
        return
    required = thermal.airflow_required_m3h
    installed = thermal.installed_airflow_m3h
    if installed < required:
        yield finding(
            "thermal.airflow",
            Severity.ERROR,
            f"Carrying the room heat of {watts(thermal.heat_w)} away at a "
            f"{d.policy.airflow_delta_t_k:g} K rise at {d.site.altitude_m:,.0f} m needs "
            f"{required:,.1f} m³/h of air (the cooling's basis: all the heat); the cooling "
            f"units move {installed:,.1f} m³/h.",
            subject=[c.id for c in lines],
            value=required,
            limit=installed,
            unit="m3/h",
        )


@rule(
    "thermal",
    airflow_unknown=(
        "Devices whose airflow is not known are said to be unjudged",
        "reference 2; catalogue data",
    ),
    mixed_airflow=(
        "All devices in a rack breathe the same way, so none takes in another's exhaust",
        "reference 2; ASHRAE TC 9.9 hot/cold aisle practice",
    ),
    side_airflow=(
        "Side-to-side devices in a front-to-back rack need baffles or ducts",
        "reference 2; ASHRAE TC 9.9 hot/cold aisle practice",
    ),
)
def airflow_direction(d: Derived) -> Iterator[Finding]:
    """Front-to-back and back-to-front devices in one rack (passive items ignored).

    A device's direction is given from its own front panel; mounted on the rear face it turns
    round, so a front-to-back switch on the rear rails blows towards the rack front. Cooling
    units are left out: an in-rack cooler returns the IT exhaust to the front by design.
    """
    for rack_id, flows in d.lines.rack_airflow.items():
        f2b, b2f = flows.front_to_back, flows.back_to_front
        side, unknown = flows.side_to_side, flows.unknown
        if f2b and b2f:
            yield finding(
                "thermal.mixed_airflow",
                Severity.WARNING,
                f"{d.names.start(rack_id)} mixes front-to-back airflow "
                f"({d.names.many(i.id for i in f2b)}) with back-to-front "
                f"airflow ({d.names.many(i.id for i in b2f)}) as mounted: one group takes in the "
                "other's exhaust.",
                subject=[rack_id, *(i.id for i in f2b), *(i.id for i in b2f)],
                value=float(len(b2f)),
                unit="items",
            )
        if unknown:
            yield finding(
                "thermal.airflow_unknown",
                Severity.WARNING,
                f"The airflow of {d.names.many(i.id for i in unknown)} in {d.names(rack_id)} is "
                "not known, so whether "
                "they take in another device's exhaust cannot be judged.",
                subject=[rack_id, *(i.id for i in unknown)],
            )
        if side:
            yield finding(
                "thermal.side_airflow",
                Severity.INFO,
                f"{d.names.start(rack_id)} holds side-to-side devices "
                f"({d.names.many(i.id for i in side)}): fit side baffles "
                "or air ducts so they draw cold air.",
                subject=[rack_id, *(i.id for i in side)],
            )


@rule(
    "thermal",
    ashrae_inlet=(
        "IT inlet air stays inside each device's allowable range, derated for altitude",
        "ASHRAE TC 9.9 2021 Table 2.1 and footnotes (S7); reference 2",
    ),
    ashrae_target=(
        "Inlet air meets the policy's target ASHRAE class",
        "ASHRAE TC 9.9 2021 (S7); policy.ashrae_class_target",
    ),
    altitude=(
        "The site is within the 3,050 m elevation of the ASHRAE allowable envelopes",
        "ASHRAE TC 9.9 2021 (S7); reference 2",
    ),
)
def inlet_conditions(d: Derived) -> Iterator[Finding]:
    """Site ambient against each IT device's allowable inlet range and the policy target."""
    thermal = d.thermal
    allowed = thermal.allowable_c
    if not allowed:
        return
    site = d.site
    altitude = site.altitude_m
    if altitude > ASHRAE_MAX_ELEVATION_M:
        yield finding(
            "thermal.altitude",
            Severity.ERROR,
            f"The site is at {altitude:,.0f} m, above the {ASHRAE_MAX_ELEVATION_M:,.0f} m "
            "maximum elevation of the ASHRAE allowable ranges: IT equipment is not rated there.",
            subject=[i.id for i in d.lines.items if isinstance(i.component.spec, ItSpec)],
            value=altitude,
            limit=ASHRAE_MAX_ELEVATION_M,
            unit="m",
        )
    low, high = thermal.inlet_min_c, thermal.inlet_max_c
    failing = any(
        (high is not None and high > a_high) or low < a_low for a_low, a_high in allowed.values()
    )
    target = d.policy.ashrae_class_target
    t_low, t_high = thermal.class_ranges_c[target]
    off_target = low < t_low or (high is not None and high > t_high)
    if not (failing or off_target):
        return
    within: list[PlacedItem] = []
    for item in d.lines.items:  # build order, as the findings name them
        found = allowed.get(id(item.component))
        if found is None:
            continue
        a_low, a_high = found
        too_hot = high is not None and high > a_high
        too_cold = low < a_low
        if too_hot and high is not None:
            yield finding(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"{d.names.start(item.id)} takes inlet air up to {celsius(a_high)} °C at "
                f"{altitude:,.0f} m, "
                f"but the site reaches {celsius(high)} °C.",
                subject=[item.id],
                value=high,
                limit=a_high,
                unit="°C",
            )
        if too_cold:
            yield finding(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"{d.names.start(item.id)} takes inlet air down to {celsius(a_low)} °C, but the "
                "site falls to "
                f"{celsius(low)} °C.",
                subject=[item.id],
                value=low,
                limit=a_low,
                unit="°C",
            )
        if not (too_hot or too_cold):
            within.append(item)
    if within and off_target:
        shown = (
            f"{celsius(low)} to {celsius(high)} °C"
            if high is not None
            else f"from {celsius(low)} °C (cooled)"
        )
        yield finding(
            "thermal.ashrae_target",
            Severity.WARNING,
            f"The site's inlet range ({shown}) is outside the target class "
            f"{target.value} ({celsius(t_low)} to {celsius(t_high)} °C at {altitude:,.0f} m), "
            f"though inside the allowable range of {d.names.many(i.id for i in within)}.",
            subject=[i.id for i in within],
            value=high if high is not None and high > t_high else low,
            limit=t_high if high is not None and high > t_high else t_low,
            unit="°C",
        )


@rule(
    "thermal",
    blanking_panels=(
        "Open rack units are closed so hot exhaust does not return to the inlets",
        "ASHRAE TC 9.9 airflow management; policy.blanking_panels_required",
    ),
)
def blanking_panels(d: Derived) -> Iterator[Finding]:
    """Free U in a rack holding IT equipment, when the policy requires blanking panels.

    Every mounted item closes the U it takes, blanking panels (accessory items) included, so
    the open U are the rack's U less the U its items occupy.
    """
    if not d.policy.blanking_panels_required:
        return
    for rack_id, items in d.lines.items_by_rack.items():
        if not any(i.component.kind.is_it for i in items):
            continue
        layout = d.layouts[rack_id]
        spec = layout.spec
        if spec is None:
            continue
        open_u = spec.u - occupied_u(layout, spec.u)
        if open_u > 0:
            yield finding(
                "thermal.blanking_panels",
                Severity.WARNING,
                f"{d.names.start(rack_id)} has {open_u:g} open U with no blanking panel: fit "
                "panels so "
                "hot exhaust cannot return to the front.",
                subject=[rack_id],
                value=open_u,
                limit=0.0,
                unit="U",
            )


@rule(
    "thermal",
    rack_airflow=(
        "Rack-mounted cooling moves at least the air its rack's IT pulls through",
        "reference 2 (airflow); ASHRAE TC 9.9 airflow management",
    ),
)
def rack_airflow(d: Derived) -> Iterator[Finding]:
    """In a rack cooled by its own units, the units' airflow against the air the IT moves at
    its own rise (the IT's basis: data-sheet airflow, else its heat at its rise); short of it,
    the servers draw their own hot exhaust back round."""
    thermal = d.thermal
    by_rack: dict[str, list[CoolingUnit]] = {}
    for unit in thermal.units:
        if unit.rack_id is not None:
            by_rack.setdefault(unit.rack_id, []).append(unit)
    for rack_id, units in by_rack.items():
        needed = thermal.rack_airflow_it_m3h.get(rack_id, 0.0)
        moved = sum(x.airflow_m3h for x in units)
        if needed > moved:
            yield finding(
                "thermal.rack_airflow",
                Severity.WARNING,
                f"The IT in {d.names(rack_id)} pulls {needed:,.1f} m³/h through it (the IT's "
                f"basis), but its cooling units move {moved:,.1f} m³/h: hot exhaust returns to "
                "the inlets.",
                subject=[rack_id, *(x.line.id for x in units)],
                value=needed,
                limit=moved,
                unit="m3/h",
            )


@rule(
    "thermal",
    humidity=(
        "The room air's humidity and dew point stay within each device's ASHRAE class",
        "ASHRAE TC 9.9 2021 Table 2.1 (S7); reference 2; reference 8 L3 (dew point)",
    ),
    humidity_unknown=(
        "A site without a humidity figure is said to be unjudged for humidity",
        "reference 2",
    ),
)
def humidity(d: Derived) -> Iterator[Finding]:
    """The site's highest dew point and relative humidity (at its highest ambient, by the Magnus
    formula, L3) against each IT device's class (reference 2 table). Only where the inlet air is
    the room's or the outside air's: closed-loop cooling in an outdoor enclosure controls it."""
    thermal = d.thermal
    if not thermal.allowable_c or thermal.inlet_max_c is None:
        return
    dew, rh = thermal.dew_point_max_c, thermal.relative_humidity_max_pct
    if dew is None or rh is None:
        yield finding(
            "thermal.humidity_unknown",
            Severity.INFO,
            "The site gives no humidity or dew point, so the ASHRAE humidity limits of its IT "
            "cannot be judged.",
        )
        return
    seen: set[int] = set()
    for item in d.lines.items:
        spec = item.component.spec
        if not isinstance(spec, ItSpec) or spec.ashrae_class is None:
            continue
        if id(item.component) in seen:
            continue
        seen.add(id(item.component))
        rh_max, dew_max = ASHRAE_HUMIDITY_MAX[spec.ashrae_class]
        lines = [i.id for i in d.lines.items if i.component is item.component]
        cls = spec.ashrae_class.value
        if dew > dew_max:
            yield finding(
                "thermal.humidity",
                Severity.ERROR,
                f"The room air reaches a {celsius(dew)} °C dew point, above the {dew_max:g} °C "
                f"that class {cls} allows for {item.component.name}.",
                subject=lines,
                value=dew,
                limit=dew_max,
                unit="°C",
            )
        elif rh > rh_max:
            yield finding(
                "thermal.humidity",
                Severity.ERROR,
                f"The room air reaches {rh:.0f} % relative humidity at "
                f"{d.site.ambient_max_c:g} °C, above the {rh_max:g} % that class {cls} allows "
                f"for {item.component.name}.",
                subject=lines,
                value=rh,
                limit=rh_max,
                unit="%",
            )
