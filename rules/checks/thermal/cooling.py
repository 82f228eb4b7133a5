"""Cooling unit checks: sensible capacity against the heat, unit by unit scope, how rack
cooling is mounted, and each unit's ambient range.

Heat is the room heat (IT and other room loads plus UPS losses, S2; C5), worked out in
rules.derive.thermal. Cooling is sized on *sensible* capacity (S9) with the utilisation limit
(C4).
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.environment import ambient_outside
from rules.derive.lines import cooling_spec
from rules.derive.thermal import (
    CoolingUnit,
)
from rules.model import Finding, PlacedItem, Severity
from rules.specs import CoolingType, Environment
from rules.text import watts
from rules.units import btu_h

__all__ = ["cooling_ambient", "cooling_capacity", "cooling_mounting"]


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
