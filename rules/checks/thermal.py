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
from rules.derive.thermal import ASHRAE_MAX_ELEVATION_M
from rules.model import Face, Finding, PlacedItem, Severity
from rules.specs import AirflowDirection, Environment, ItSpec, Kind
from rules.text import celsius, watts
from rules.units import btu_h

__all__ = [
    "airflow",
    "airflow_direction",
    "blanking_panels",
    "cooling_ambient",
    "cooling_capacity",
    "inlet_conditions",
]

_REVERSED = {
    AirflowDirection.FRONT_TO_BACK: AirflowDirection.BACK_TO_FRONT,
    AirflowDirection.BACK_TO_FRONT: AirflowDirection.FRONT_TO_BACK,
}


def _ids(items: list[PlacedItem]) -> str:
    return ", ".join(f"'{i.id}'" for i in items)


@rule(
    "thermal",
    cooling_capacity=(
        "Installed sensible cooling removes the total heat within the utilisation limit",
        "reference 2; S2 (WP25); S9; C4; C5",
    ),
    cooling_absent=(
        "Heat of a build without cooling units is left to the room's own air conditioning",
        "reference 2; S2 (WP25)",
    ),
)
def cooling_capacity(d: Derived) -> Iterator[Finding]:
    """Total heat (IT, room loads, UPS losses) against installed sensible capacity at u (C4).

    Required sensible = heat / u, so the build passes when heat <= u * installed sensible. The
    redundancy count of the cooling units is the redundancy family's job.
    """
    thermal = d.thermal
    heat = thermal.heat_w  # S2: power becomes heat 1:1, UPS losses added (C5)
    if heat <= 0:
        return
    lines = thermal.cooling_lines
    u = d.policy.utilisation_limit
    if not lines:
        if d.site.environment is Environment.OUTDOOR:
            yield finding(
                "thermal.cooling_capacity",
                Severity.ERROR,
                f"The outdoor build gives off {watts(heat)} of heat but has no cooling unit to "
                f"remove it: it needs {watts(heat / u)} of sensible cooling at "
                f"{u * 100:g} % utilisation.",
                value=heat,
                limit=0.0,
                unit="W",
            )
        else:
            yield finding(
                "thermal.cooling_absent",
                Severity.WARNING,
                f"The build has no cooling unit: the room's own air conditioning must remove "
                f"{watts(heat)} ({btu_h(heat):,.0f} BTU/h) of sensible heat.",
                value=heat,
                unit="W",
            )
        return
    installed = thermal.installed_sensible_w
    usable = u * installed  # C4: PASS when demand <= u * capacity
    if heat > usable:
        yield finding(
            "thermal.cooling_capacity",
            Severity.ERROR,
            f"The build gives off {watts(heat)} of heat (IT, other loads and UPS losses), above "
            f"{u * 100:g} % of the {watts(installed)} of installed sensible cooling "
            f"({watts(usable)}); it needs {watts(heat / u)} of sensible capacity.",
            subject=[c.id for c in lines],
            value=heat,
            limit=usable,
            unit="W",
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
                f"Cooling unit '{line.id}' runs up to {spec.ambient_max_c:g} °C ambient, but "
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
                f"Cooling unit '{line.id}' runs down to {spec.ambient_min_c:g} °C ambient, but "
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
            f"Carrying {watts(thermal.heat_w)} away at a {d.policy.airflow_delta_t_k:g} K rise "
            f"at {d.site.altitude_m:,.0f} m needs {required:,.1f} m³/h of air; the cooling "
            f"units move {installed:,.1f} m³/h.",
            subject=[c.id for c in lines],
            value=required,
            limit=installed,
            unit="m3/h",
        )


@rule(
    "thermal",
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
    directions: dict[tuple[int, Face], AirflowDirection | None] = {}  # per component and face
    for rack_id, items in d.lines.items_by_rack.items():
        f2b: list[PlacedItem] = []
        b2f: list[PlacedItem] = []
        side: list[PlacedItem] = []
        for item in items:
            key = (id(item.component), item.face)
            if key in directions:
                direction = directions[key]
            else:
                direction = directions[key] = _mounted_direction(item)
            if direction is None:
                continue
            if direction is AirflowDirection.FRONT_TO_BACK:
                f2b.append(item)
            elif direction is AirflowDirection.BACK_TO_FRONT:
                b2f.append(item)
            else:
                side.append(item)
        if f2b and b2f:
            yield finding(
                "thermal.mixed_airflow",
                Severity.WARNING,
                f"Rack '{rack_id}' mixes front-to-back airflow ({_ids(f2b)}) with back-to-front "
                f"airflow ({_ids(b2f)}) as mounted: one group takes in the other's exhaust.",
                subject=[rack_id, *(i.id for i in f2b), *(i.id for i in b2f)],
                value=float(len(b2f)),
                unit="items",
            )
        if side:
            yield finding(
                "thermal.side_airflow",
                Severity.INFO,
                f"Rack '{rack_id}' holds side-to-side devices ({_ids(side)}): fit side baffles "
                "or air ducts so they draw cold air.",
                subject=[rack_id, *(i.id for i in side)],
            )


def _mounted_direction(item: PlacedItem) -> AirflowDirection | None:
    """Airflow of a line as mounted, or None when it does not count (passive, cooling)."""
    direction = item.component.airflow
    if direction is AirflowDirection.PASSIVE or item.component.kind is Kind.COOLING:
        return None
    if item.face is Face.REAR:
        direction = _REVERSED.get(direction, direction)
    return direction


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
                f"'{item.id}' takes inlet air up to {celsius(a_high)} °C at {altitude:,.0f} m, "
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
                f"'{item.id}' takes inlet air down to {celsius(a_low)} °C, but the site falls to "
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
            f"though inside the allowable range of {_ids(within)}.",
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
                f"Rack '{rack_id}' has {open_u:g} open U with no blanking panel: fit panels so "
                "hot exhaust cannot return to the front.",
                subject=[rack_id],
                value=open_u,
                limit=0.0,
                unit="U",
            )
