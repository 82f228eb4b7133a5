"""Air checks: the cooling's airflow against the heat and against each rack's IT, airflow
direction in a rack, and open rack units without blanking panels (airflow at 100 %)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.geometry import occupied_u
from rules.derive.thermal import (
    CoolingUnit,
)
from rules.model import Finding, Severity
from rules.text import watts

__all__ = ["airflow", "airflow_direction", "blanking_panels", "rack_airflow"]


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
