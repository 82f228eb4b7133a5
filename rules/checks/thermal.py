"""Thermal checks: cooling capacity and operating range, airflow, airflow direction, IT inlet
class at altitude, and open rack units without blanking panels.

Heat is the room heat of the context (IT and other room loads plus UPS losses, S2; C5). Cooling
is sized on *sensible* capacity (S9) with the utilisation limit (C4); airflow at 100 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rules.checks.space import occupied_u, rack_layout, rack_spec
from rules.context import Context
from rules.model import Face, PlacedItem, Severity
from rules.registry import check
from rules.specs import AirflowDirection, AshraeClass, CoolingType, Environment, ItSpec, Kind

__all__ = [
    "ASHRAE_ALLOWABLE",
    "ASHRAE_DERATE_ABOVE_M",
    "ASHRAE_MAX_ELEVATION_M",
    "AshraeRange",
    "air_pressure_ratio",
    "airflow_installed_m3h",
    "airflow_required_m3h",
    "allowable_inlet_c",
    "cooling_installed_sensible_w",
]

# Reference 2, SI airflow form: m3/h = 3600 * P / (rho * cp * dT) with rho = 1.2 kg/m3 and
# cp = 1005 J/(kg K) at sea level (~2.99 * P / dT).
AIR_DENSITY_KG_M3 = 1.2
AIR_CP_J_KG_K = 1005.0
SECONDS_PER_HOUR = 3600.0
BTU_H_PER_W = 3.412  # reference 2 [S2]

# Reference 2 "Altitude" (ISA): ratio = (1 - 2.25577e-5 * h[m]) ^ 5.25588. The reference calls it
# the density ratio; strictly it is the ISA *pressure* ratio, which equals the density ratio of
# air held at the same temperature, as IT inlet air is. Reference 4 uses the same ratio as the
# approximation of the NFPA 2001 altitude correction factor.
ISA_LAPSE_PER_M = 2.25577e-5
ISA_EXPONENT = 5.25588

# ASHRAE TC 9.9 (2021) Thermal Guidelines, Table 2.1 and its footnotes [S7]; reference 2.
ASHRAE_DERATE_ABOVE_M = 900.0  # the allowable maximum is derated above this elevation
ASHRAE_MAX_ELEVATION_M = 3050.0  # maximum elevation of the allowable envelopes


@dataclass(frozen=True, slots=True)
class AshraeRange:
    """Allowable inlet dry bulb of one class and the metres of elevation per 1 degC of derating."""

    min_c: float
    max_c: float
    metres_per_degc: float


ASHRAE_ALLOWABLE: dict[AshraeClass, AshraeRange] = {
    # A1..A4 dry bulb: reference 2 table. Derating above 900 m (2021 footnotes): A1/A2 1 degC per
    # 300 m (reference 2), A3 1 degC per 175 m, A4 1 degC per 125 m ("derate more steeply").
    AshraeClass.A1: AshraeRange(15.0, 32.0, 300.0),
    AshraeClass.A2: AshraeRange(10.0, 35.0, 300.0),
    AshraeClass.A3: AshraeRange(5.0, 40.0, 175.0),
    AshraeClass.A4: AshraeRange(5.0, 45.0, 125.0),
    # H1 (high density, 2021): allowable 5-25 degC, derated 1 degC per 500 m above 900 m
    # (ASHRAE 2021 Table 2.1 footnotes). The reference lists only its recommended 18-22 degC.
    AshraeClass.H1: AshraeRange(5.0, 25.0, 500.0),
}
# A device that gives its own inlet range but no class is derated like A1/A2, the usual vendor
# footnote (e.g. Dell R760, S7).
DEFAULT_METRES_PER_DEGC = 300.0

_REVERSED = {
    AirflowDirection.FRONT_TO_BACK: AirflowDirection.BACK_TO_FRONT,
    AirflowDirection.BACK_TO_FRONT: AirflowDirection.FRONT_TO_BACK,
}


# --------------------------------------------------------------------------- shared figures


def air_pressure_ratio(altitude_m: float) -> float:
    """ISA pressure ratio p/p0 at ``altitude_m`` (reference 2 "Altitude"; reference 4)."""
    return math.pow(1.0 - ISA_LAPSE_PER_M * altitude_m, ISA_EXPONENT)


def airflow_required_m3h(heat_w: float, delta_t_k: float, altitude_m: float) -> float:
    """Air volume that carries ``heat_w`` away at a ``delta_t_k`` rise (reference 2).

    m3/h = 3600 * P / (1.2 * 1005 * dT) at sea level, scaled by 1 / density ratio at altitude.
    """
    sea_level = SECONDS_PER_HOUR * heat_w / (AIR_DENSITY_KG_M3 * AIR_CP_J_KG_K * delta_t_k)
    return sea_level / air_pressure_ratio(altitude_m)


def cooling_lines(ctx: Context) -> list[PlacedItem]:
    """Cooling lines that carry a cooling spec."""
    return [c for c in ctx.by_kind.get(Kind.COOLING, []) if ctx.cooling_spec(c) is not None]


def cooling_installed_sensible_w(ctx: Context) -> float:
    """Installed sensible capacity, all units (S9)."""
    total = 0.0
    for line in ctx.by_kind.get(Kind.COOLING, []):
        spec = ctx.cooling_spec(line)
        if spec is not None:
            total += spec.sensible_capacity_w * line.quantity
    return total


def airflow_installed_m3h(ctx: Context) -> float:
    """Installed cooling airflow, all units."""
    total = 0.0
    for line in ctx.by_kind.get(Kind.COOLING, []):
        spec = ctx.cooling_spec(line)
        if spec is not None:
            total += spec.airflow_m3h * line.quantity
    return total


def allowable_inlet_c(spec: ItSpec, altitude_m: float) -> tuple[float, float]:
    """Allowable inlet range of a device at ``altitude_m``: its own range, else its class's.

    The maximum is derated above 900 m by the class's rate (ASHRAE 2021 footnotes, S7).
    """
    band = ASHRAE_ALLOWABLE[spec.ashrae_class] if spec.ashrae_class is not None else None
    if spec.inlet_min_c is not None and spec.inlet_max_c is not None:
        low, high = spec.inlet_min_c, spec.inlet_max_c
    elif band is not None:
        low, high = band.min_c, band.max_c
    else:  # pragma: no cover - ItSpec requires a class or a range
        return float("-inf"), float("inf")
    rate = band.metres_per_degc if band is not None else DEFAULT_METRES_PER_DEGC
    return low, high - max(0.0, altitude_m - ASHRAE_DERATE_ABOVE_M) / rate


def _class_range(cls: AshraeClass, altitude_m: float) -> tuple[float, float]:
    band = ASHRAE_ALLOWABLE[cls]
    derating = max(0.0, altitude_m - ASHRAE_DERATE_ABOVE_M) / band.metres_per_degc
    return band.min_c, band.max_c - derating


def _w(value: float) -> str:
    return f"{value:,.1f} W"


def _c(value: float) -> str:
    """A temperature to 0.1 degC, without a trailing .0."""
    return f"{round(value, 1):g}"


def _ids(items: list[PlacedItem]) -> str:
    return ", ".join(f"'{i.id}'" for i in items)


# --------------------------------------------------------------------------- cooling


@check(
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
def cooling_capacity(ctx: Context) -> None:
    """Total heat (IT, room loads, UPS losses) against installed sensible capacity at u (C4).

    Required sensible = heat / u, so the build passes when heat <= u * installed sensible. The
    redundancy count of the cooling units is the redundancy family's job.
    """
    heat = ctx.heat_w  # S2: power becomes heat 1:1, UPS losses added (C5)
    if heat <= 0:
        return
    lines = cooling_lines(ctx)
    u = ctx.policy.utilisation_limit
    if not lines:
        if ctx.site.environment is Environment.OUTDOOR:
            ctx.add(
                "thermal.cooling_capacity",
                Severity.ERROR,
                f"The outdoor build gives off {_w(heat)} of heat but has no cooling unit to "
                f"remove it: it needs {_w(heat / u)} of sensible cooling at "
                f"{u * 100:g} % utilisation.",
                value=heat,
                limit=0.0,
                unit="W",
            )
        else:
            ctx.add(
                "thermal.cooling_absent",
                Severity.WARNING,
                f"The build has no cooling unit: the room's own air conditioning must remove "
                f"{_w(heat)} ({heat * BTU_H_PER_W:,.0f} BTU/h) of sensible heat.",
                value=heat,
                unit="W",
            )
        return
    installed = cooling_installed_sensible_w(ctx)
    usable = u * installed  # C4: PASS when demand <= u * capacity
    if heat > usable:
        ctx.add(
            "thermal.cooling_capacity",
            Severity.ERROR,
            f"The build gives off {_w(heat)} of heat (IT, other loads and UPS losses), above "
            f"{u * 100:g} % of the {_w(installed)} of installed sensible cooling "
            f"({_w(usable)}); it needs {_w(heat / u)} of sensible capacity.",
            subject=[c.id for c in lines],
            value=heat,
            limit=usable,
            unit="W",
        )


@check(
    "thermal",
    cooling_ambient=(
        "Each cooling unit is rated for the site's ambient range",
        "manufacturer operating range; reference 7 (outdoor checks)",
    ),
)
def cooling_ambient(ctx: Context) -> None:
    """The site's ambient range must lie inside each cooling unit's operating range."""
    site = ctx.site
    for line in cooling_lines(ctx):
        spec = ctx.cooling_spec(line)
        if spec is None:  # pragma: no cover - filtered by cooling_lines
            continue
        if site.ambient_max_c > spec.ambient_max_c:
            ctx.add(
                "thermal.cooling_ambient",
                Severity.ERROR,
                f"Cooling unit '{line.id}' runs up to {spec.ambient_max_c:g} °C ambient, but "
                f"the site reaches {site.ambient_max_c:g} °C.",
                subject=[line.id],
                value=site.ambient_max_c,
                limit=spec.ambient_max_c,
                unit="°C",
            )
        if site.ambient_min_c < spec.ambient_min_c:
            ctx.add(
                "thermal.cooling_ambient",
                Severity.ERROR,
                f"Cooling unit '{line.id}' runs down to {spec.ambient_min_c:g} °C ambient, but "
                f"the site falls to {site.ambient_min_c:g} °C.",
                subject=[line.id],
                value=site.ambient_min_c,
                limit=spec.ambient_min_c,
                unit="°C",
            )


@check(
    "thermal",
    airflow=(
        "Cooling units move at least the air that carries the heat away at the design rise",
        "reference 2 (airflow, altitude); S8",
    ),
)
def airflow(ctx: Context) -> None:
    """Required airflow for the total heat against the cooling units' airflow, at 100 %.

    The reference applies C4 to sensible capacity only, so installed airflow counts in full.
    The heat is the same total the sensible check uses (IT, room loads, UPS losses): all of it
    leaves in the cooling air. Builds without cooling units are covered by the capacity check.
    """
    lines = cooling_lines(ctx)
    if not lines or ctx.heat_w <= 0:
        return
    required = airflow_required_m3h(ctx.heat_w, ctx.policy.airflow_delta_t_k, ctx.site.altitude_m)
    installed = airflow_installed_m3h(ctx)
    if installed < required:
        ctx.add(
            "thermal.airflow",
            Severity.ERROR,
            f"Carrying {_w(ctx.heat_w)} away at a {ctx.policy.airflow_delta_t_k:g} K rise "
            f"at {ctx.site.altitude_m:,.0f} m needs {required:,.1f} m³/h of air; the cooling "
            f"units move {installed:,.1f} m³/h.",
            subject=[c.id for c in lines],
            value=required,
            limit=installed,
            unit="m3/h",
        )


# --------------------------------------------------------------------------- airflow direction


@check(
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
def airflow_direction(ctx: Context) -> None:
    """Front-to-back and back-to-front devices in one rack (passive items ignored).

    A device's direction is given from its own front panel; mounted on the rear face it turns
    round, so a front-to-back switch on the rear rails blows towards the rack front. Cooling
    units are left out: an in-rack cooler returns the IT exhaust to the front by design.
    """
    directions: dict[tuple[int, Face], AirflowDirection | None] = {}  # per component and face
    for rack_id, items in ctx.items_by_rack.items():
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
            ctx.add(
                "thermal.mixed_airflow",
                Severity.WARNING,
                f"Rack '{rack_id}' mixes front-to-back airflow ({_ids(f2b)}) with back-to-front "
                f"airflow ({_ids(b2f)}) as mounted: one group takes in the other's exhaust.",
                subject=[rack_id, *(i.id for i in f2b), *(i.id for i in b2f)],
                value=float(len(b2f)),
                unit="items",
            )
        if side:
            ctx.add(
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


# --------------------------------------------------------------------------- inlet conditions


def inlet_range_c(ctx: Context) -> tuple[float, float | None]:
    """Assumed IT inlet range (min, max); max is None when cooling controls it.

    Indoor sites: the site's ambient range is the room's conditioned range, i.e. the inlet.
    Outdoor sites: the enclosure's inside. With a closed-loop cooling unit (anything but free
    air) the cooling holds the upper end, which the capacity checks cover; the lower end is still
    the outside minimum, as the vocabulary has no heater to keep a stopped enclosure warm.
    Without cooling, or with free-air cooling only, the inlet follows outside air.
    """
    site = ctx.site
    if site.environment is Environment.OUTDOOR:
        for line in cooling_lines(ctx):
            spec = ctx.cooling_spec(line)
            if spec is not None and spec.cooling_type is not CoolingType.FREE_AIR:
                return site.ambient_min_c, None
    return site.ambient_min_c, site.ambient_max_c


@check(
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
def inlet_conditions(ctx: Context) -> None:
    """Site ambient against each IT device's allowable inlet range and the policy target."""
    it_lines = [
        (items, items[0].component.spec)
        for items in ctx.items_by_component
        if isinstance(items[0].component.spec, ItSpec)
    ]
    if not it_lines:
        return
    site = ctx.site
    altitude = site.altitude_m
    if altitude > ASHRAE_MAX_ELEVATION_M:
        ctx.add(
            "thermal.altitude",
            Severity.ERROR,
            f"The site is at {altitude:,.0f} m, above the {ASHRAE_MAX_ELEVATION_M:,.0f} m "
            "maximum elevation of the ASHRAE allowable ranges: IT equipment is not rated there.",
            subject=[i.id for i in ctx.items if isinstance(i.component.spec, ItSpec)],
            value=altitude,
            limit=ASHRAE_MAX_ELEVATION_M,
            unit="m",
        )
    low, high = inlet_range_c(ctx)
    class_ranges = {cls: _class_range(cls, altitude) for cls in ASHRAE_ALLOWABLE}
    # A device's allowable range depends on its component alone: judge each component once.
    allowed: dict[int, tuple[float, float]] = {}
    failing = False
    for items, spec in it_lines:
        if spec.inlet_min_c is not None or spec.ashrae_class is None:
            a_low, a_high = allowable_inlet_c(spec, altitude)
        else:
            a_low, a_high = class_ranges[spec.ashrae_class]
        allowed[id(items[0].component)] = (a_low, a_high)
        failing = failing or (high is not None and high > a_high) or low < a_low
    target = ctx.policy.ashrae_class_target
    t_low, t_high = class_ranges[target]
    off_target = low < t_low or (high is not None and high > t_high)
    if not (failing or off_target):
        return
    within: list[PlacedItem] = []
    for item in ctx.items:  # build order, as the findings name them
        found = allowed.get(id(item.component))
        if found is None:
            continue
        a_low, a_high = found
        too_hot = high is not None and high > a_high
        too_cold = low < a_low
        if too_hot and high is not None:
            ctx.add(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"'{item.id}' takes inlet air up to {_c(a_high)} °C at {altitude:,.0f} m, but the "
                f"site reaches {_c(high)} °C.",
                subject=[item.id],
                value=high,
                limit=a_high,
                unit="°C",
            )
        if too_cold:
            ctx.add(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"'{item.id}' takes inlet air down to {_c(a_low)} °C, but the site falls to "
                f"{_c(low)} °C.",
                subject=[item.id],
                value=low,
                limit=a_low,
                unit="°C",
            )
        if not (too_hot or too_cold):
            within.append(item)
    if within and off_target:
        shown = f"{_c(low)} to {_c(high)} °C" if high is not None else f"from {_c(low)} °C (cooled)"
        ctx.add(
            "thermal.ashrae_target",
            Severity.WARNING,
            f"The site's inlet range ({shown}) is outside the target class "
            f"{target.value} ({_c(t_low)} to {_c(t_high)} °C at {altitude:,.0f} m), though inside "
            f"the allowable range of {_ids(within)}.",
            subject=[i.id for i in within],
            value=high if high is not None and high > t_high else low,
            limit=t_high if high is not None and high > t_high else t_low,
            unit="°C",
        )


# --------------------------------------------------------------------------- blanking


@check(
    "thermal",
    blanking_panels=(
        "Open rack units are closed so hot exhaust does not return to the inlets",
        "ASHRAE TC 9.9 airflow management; policy.blanking_panels_required",
    ),
)
def blanking_panels(ctx: Context) -> None:
    """Free U in a rack holding IT equipment, when the policy requires blanking panels.

    Every mounted item closes the U it takes, blanking panels (accessory items) included, so
    the open U are the rack's U less the U its items occupy.
    """
    if not ctx.policy.blanking_panels_required:
        return
    layouts = rack_layout(ctx)
    for rack_id, items in ctx.items_by_rack.items():
        if not any(i.component.kind.is_it for i in items):
            continue
        spec = rack_spec(ctx.racks[rack_id])
        if spec is None:
            continue
        open_u = spec.u - occupied_u(layouts[rack_id], spec.u)
        if open_u > 0:
            ctx.add(
                "thermal.blanking_panels",
                Severity.WARNING,
                f"Rack '{rack_id}' has {open_u:g} open U with no blanking panel: fit panels so "
                "hot exhaust cannot return to the front.",
                subject=[rack_id],
                value=open_u,
                limit=0.0,
                unit="U",
            )
