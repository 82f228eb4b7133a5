"""Thermal figures: room heat, the air that carries it, installed cooling, and the inlet air
the IT equipment sees against its ASHRAE class.

Heat (S2): IT and every other load drawn in the room become heat 1:1, plus UPS losses (C5);
cooling units are left out, as their compressor heat is rejected outside. Cooling is sized on
*sensible* capacity (S9).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.derive.lines import Lines, cooling_spec
from rules.derive.liquid import Liquid
from rules.derive.runtime import UpsFigures
from rules.model import PlacedItem
from rules.specs import AshraeClass, CoolingSpec, CoolingType, Environment, ItSpec, Kind, Site
from rules.units import HOURS_PER_YEAR

__all__ = [
    "ASHRAE_ALLOWABLE",
    "ASHRAE_DERATE_ABOVE_M",
    "ASHRAE_HUMIDITY_MAX",
    "ASHRAE_MAX_ELEVATION_M",
    "AshraeRange",
    "CoolingUnit",
    "Thermal",
    "air_pressure_ratio",
    "airflow_required_m3h",
    "allowable_inlet_c",
    "class_range_c",
    "derive_thermal",
    "device_airflow_m3h",
    "dew_point_c",
    "effective_sensible_w",
    "relative_humidity_pct",
]

# Reference 2, SI airflow form: m3/h = 3600 * P / (rho * cp * dT) with rho = 1.2 kg/m3 and
# cp = 1005 J/(kg K) at sea level (~2.99 * P / dT).
AIR_DENSITY_KG_M3 = 1.2
AIR_CP_J_KG_K = 1005.0
SECONDS_PER_HOUR = 3600.0

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


def air_pressure_ratio(altitude_m: float) -> float:
    """ISA pressure ratio p/p0 at ``altitude_m`` (reference 2 "Altitude"; reference 4)."""
    return math.pow(1.0 - ISA_LAPSE_PER_M * altitude_m, ISA_EXPONENT)


def airflow_required_m3h(heat_w: float, delta_t_k: float, altitude_m: float) -> float:
    """Air volume that carries ``heat_w`` away at a ``delta_t_k`` rise (reference 2).

    m3/h = 3600 * P / (1.2 * 1005 * dT) at sea level, scaled by 1 / density ratio at altitude.
    """
    return _airflow_m3h(heat_w, delta_t_k, air_pressure_ratio(altitude_m))


def _airflow_m3h(heat_w: float, delta_t_k: float, pressure_ratio: float) -> float:
    """``airflow_required_m3h`` at a known ISA ratio (a build works it out once)."""
    sea_level = SECONDS_PER_HOUR * heat_w / (AIR_DENSITY_KG_M3 * AIR_CP_J_KG_K * delta_t_k)
    return sea_level / pressure_ratio


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


def class_range_c(cls: AshraeClass, altitude_m: float) -> tuple[float, float]:
    """Allowable inlet range of an ASHRAE class at ``altitude_m`` (S7)."""
    band = ASHRAE_ALLOWABLE[cls]
    derating = max(0.0, altitude_m - ASHRAE_DERATE_ABOVE_M) / band.metres_per_degc
    return band.min_c, band.max_c - derating


# ASHRAE TC 9.9 (2021) allowable humidity per class [S7]; reference 2 table: highest relative
# humidity % and highest dew point degC. H1 shares A1's envelope (2021 Table 2.1).
ASHRAE_HUMIDITY_MAX: dict[AshraeClass, tuple[float, float]] = {
    AshraeClass.A1: (80.0, 17.0),
    AshraeClass.A2: (80.0, 21.0),
    AshraeClass.A3: (85.0, 24.0),
    AshraeClass.A4: (90.0, 24.0),
    AshraeClass.H1: (80.0, 17.0),
}
# Reference 8, L3: Magnus coefficients (Alduchov and Eskridge 1996, S30).
MAGNUS_A = 17.62
MAGNUS_B_C = 243.12


def dew_point_c(temperature_c: float, relative_humidity_pct: float) -> float:
    """Dew point of air at a temperature and relative humidity (Magnus formula, L3; S30).

    gamma = ln(RH / 100) + a T / (b + T); T_d = b gamma / (a - gamma).
    """
    gamma = math.log(relative_humidity_pct / 100) + MAGNUS_A * temperature_c / (
        MAGNUS_B_C + temperature_c
    )
    return MAGNUS_B_C * gamma / (MAGNUS_A - gamma)


def relative_humidity_pct(temperature_c: float, dew_point: float) -> float:
    """Relative humidity of air at a temperature with a given dew point (L3 inverted)."""
    return 100 * math.exp(
        MAGNUS_A * dew_point / (MAGNUS_B_C + dew_point)
        - MAGNUS_A * temperature_c / (MAGNUS_B_C + temperature_c)
    )


def inlet_range_c(site: Site, cooling: Sequence[PlacedItem]) -> tuple[float, float | None]:
    """Assumed IT inlet range (min, max); max is None when cooling controls it.

    Indoor sites: the site's ambient range is the room's conditioned range, i.e. the inlet.
    Outdoor sites: the enclosure's inside. With a closed-loop cooling unit (anything but free
    air) the cooling holds the upper end, which the capacity checks cover; the lower end is still
    the outside minimum, as the vocabulary has no heater to keep a stopped enclosure warm.
    Without cooling, or with free-air cooling only, the inlet follows outside air.
    """
    if site.environment is Environment.OUTDOOR:
        for line in cooling:
            spec = cooling_spec(line)
            if spec is not None and spec.cooling_type is not CoolingType.FREE_AIR:
                return site.ambient_min_c, None
    return site.ambient_min_c, site.ambient_max_c


@dataclass(slots=True)
class CoolingUnit:
    """One cooling line, all its units: what it is rated for and what it gives at the site.

    Read-only once derived; not frozen because the engine builds one per cooling line in its hot
    path, where a frozen dataclass pays an ``object.__setattr__`` per field.
    """

    line: PlacedItem
    spec: CoolingSpec
    rack_id: str | None  # the rack a rack-scoped unit cools; None for a room unit
    rated_sensible_w: float  # all units, as rated (S9)
    effective_sensible_w: float  # all units, derated for the site's return air and altitude
    airflow_m3h: float  # all units
    return_air_c: float  # the return air it is judged at


def return_air_c(spec: CoolingSpec, site: Site, delta_t_k: float) -> float:
    """Return air a unit sees: the hot exhaust of the IT (inlet + rise) for units at the rack
    or in the row, the room air for room units."""
    if spec.cooling_type.rack_scoped or spec.cooling_type is CoolingType.IN_ROW:
        return site.ambient_max_c + delta_t_k
    return site.ambient_max_c


def effective_sensible_w(spec: CoolingSpec, site: Site, delta_t_k: float) -> float:
    """Sensible capacity of one unit at the site (S9; reference 2).

    The rating holds at its stated return air; colder return air costs the vendor's
    ``capacity_change_pct_per_k`` per K (warmer return air is never credited), and an air-side
    unit at altitude loses capacity with the air's density (the ISA ratio, reference 2).
    """
    capacity = spec.sensible_w
    if spec.rated_return_air_c is not None and spec.capacity_change_pct_per_k > 0:
        shortfall_k = max(0.0, spec.rated_return_air_c - return_air_c(spec, site, delta_t_k))
        capacity *= max(0.0, 1 - spec.capacity_change_pct_per_k / 100 * shortfall_k)
    if spec.derate_for_altitude:
        capacity *= air_pressure_ratio(site.altitude_m)
    return capacity


def device_airflow_m3h(
    spec: ItSpec | None, heat_w: float, delta_t_k: float, altitude_m: float
) -> float:
    """Air one IT line moves: its data sheet's airflow, else the air that carries its heat at
    its own rise, else at the policy's rise (reference 2, airflow and altitude). A cold-plate
    node's air carries only the share its plates leave (1 - f, L5)."""
    if spec is not None and spec.airflow_m3h is not None:
        return spec.airflow_m3h
    rise = spec.delta_t_k if spec is not None and spec.delta_t_k is not None else delta_t_k
    air_share = 1 - (spec.liquid_fraction or 0.0) if spec is not None else 1.0
    return airflow_required_m3h(heat_w * air_share, rise, altitude_m)


@dataclass(frozen=True, slots=True)
class Thermal:
    """The heat of a build and the cooling installed against it."""

    ups_loss_w: float
    heat_w: float  # the room's heat: room loads plus UPS losses (S2; C5)
    it_heat_w: float  # the IT's own heat: its typical draw, 1:1 (S2)
    rack_heat_w: Mapping[str, float]  # heat given off inside each rack
    cooling_lines: Sequence[PlacedItem]  # cooling lines that carry a cooling spec
    units: Sequence[CoolingUnit]  # the same, with their figures
    cooling_power_w: float  # typical draw of every cooling line
    installed_sensible_w: float  # all units as rated (S9)
    effective_sensible_w: float  # all units at the site's conditions
    installed_airflow_m3h: float  # all units
    airflow_required_m3h: float  # the cooling's basis: the room heat at the policy rise
    airflow_it_m3h: float  # the IT's basis: what the IT pulls through at its own rise
    rack_airflow_it_m3h: Mapping[str, float]
    inlet_min_c: float
    inlet_max_c: float | None  # None: closed-loop cooling holds the upper end
    # Allowable inlet range at the site's altitude per distinct IT component (``id``) and per
    # class.
    allowable_c: Mapping[int, tuple[float, float]]
    class_ranges_c: Mapping[AshraeClass, tuple[float, float]]
    dew_point_max_c: float | None  # the room air's highest dew point, when the site gives it
    relative_humidity_max_pct: float | None  # at the highest ambient
    annual_water_l: float  # evaporated by evaporative or adiabatic units a year
    liquid_w: float  # carried out by liquid from cold plates (L5)
    door_heat_w: Mapping[str, float]  # air heat each water-fed rear door takes into its water


def derive_thermal(
    lines: Lines, ups: Mapping[str, UpsFigures], liquid: Liquid | None = None
) -> Thermal:
    """Heat, cooling and inlet figures of one build; with liquid cooling, the air carries what
    the cold plates do not (L5) and rear doors work at their water's temperature (L6)."""
    policy = lines.policy
    site = lines.site
    delta_t = policy.airflow_delta_t_k
    altitude = site.altitude_m
    rack_heat: dict[str, float] = dict.fromkeys(lines.items_by_rack, 0.0)
    ups_loss = 0.0
    for figures in ups.values():
        eff = figures.spec.efficiency
        eff = eff if eff is not None else policy.ups_efficiency_default
        loss = figures.load_w * (1 / eff - 1)  # C5, S26: P_out * (1/eta - 1)
        ups_loss += loss
        if figures.line.rack_id is not None:
            rack_heat[figures.line.rack_id] += loss
    liquid_w = liquid.liquid_w if liquid is not None else 0.0
    heat = lines.room_w + ups_loss - liquid_w  # the air's share (L5)
    it_heat = 0.0
    it_airflow = 0.0
    rack_airflow: dict[str, float] = {}
    cooling_all = lines.kind(Kind.COOLING)
    line_typical = lines.line_typical_w
    ratio = air_pressure_ratio(altitude)
    # What a line's heat and air depend on in its component alone, per component (``id``):
    # (a cooling unit, heats its rack, IT, data-sheet airflow of one unit, rise, the share of
    # its heat its own air carries: 1 - f for a cold-plate node, L5).
    facts: dict[int, tuple[bool, bool, bool, float | None, float, float]] = {}
    for item in lines.consumers:
        component = item.component
        fact = facts.get(id(component))
        if fact is None:
            kind = component.kind
            spec = component.spec
            it_spec = spec if isinstance(spec, ItSpec) else None
            fact = facts[id(component)] = (
                kind is Kind.COOLING,
                kind is not Kind.FACILITY_WATER,
                kind.is_it,
                it_spec.airflow_m3h if it_spec is not None else None,
                it_spec.delta_t_k
                if it_spec is not None and it_spec.delta_t_k is not None
                else delta_t,
                1 - (it_spec.liquid_fraction or 0.0) if it_spec is not None else 1.0,
            )
        is_cooling, heats_rack, is_it, datasheet_m3h, rise, air_share = fact
        if is_cooling:
            continue
        w = line_typical[item.id]
        rack_id = item.rack_id
        if rack_id is not None and heats_rack:
            rack_heat[rack_id] += w
        if is_it:
            it_heat += w
            # The data sheet's airflow per unit, else the air that carries its heat at its own
            # rise, else at the policy's (``device_airflow_m3h``). A cold plate takes its share
            # into liquid: the fans move air for the rest only (L5).
            if datasheet_m3h is not None:
                air = datasheet_m3h * item.quantity
            else:
                air = _airflow_m3h(w * air_share, rise, ratio)
            it_airflow += air
            if rack_id is not None:
                rack_airflow[rack_id] = rack_airflow.get(rack_id, 0.0) + air
    if liquid is not None:
        for rack_id, w in liquid.rack_liquid_w.items():
            rack_heat[rack_id] = rack_heat.get(rack_id, 0.0) - w
    units: list[CoolingUnit] = []
    door_heat: dict[str, float] = {}
    for line in cooling_all:
        spec = cooling_spec(line)
        if spec is None:
            continue
        q = line.quantity
        effective = effective_sensible_w(spec, site, delta_t) * q
        door = liquid.doors.get(line.id) if liquid is not None else None
        if door is not None and door.water_from is not None:
            effective = door.capacity_w or 0.0  # not judged beyond its data: nothing counted
            if line.rack_id is not None:
                door_heat[line.id] = min(max(rack_heat.get(line.rack_id, 0.0), 0.0), effective)
        units.append(
            CoolingUnit(
                line=line,
                spec=spec,
                rack_id=line.rack_id if spec.cooling_type.rack_scoped else None,
                rated_sensible_w=spec.sensible_w * q,
                effective_sensible_w=effective,
                airflow_m3h=spec.airflow_m3h * q,
                return_air_c=return_air_c(spec, site, delta_t),
            )
        )
    sensible = sum(u.rated_sensible_w for u in units)
    effective = sum(u.effective_sensible_w for u in units)
    with_spec = [u.line for u in units]
    low, high = inlet_range_c(site, with_spec)
    classes = {cls: class_range_c(cls, altitude) for cls in ASHRAE_ALLOWABLE}
    allowed: dict[int, tuple[float, float]] = {}
    for items in lines.items_by_component:
        it = items[0].component.spec
        if not isinstance(it, ItSpec):
            continue
        if it.inlet_min_c is not None or it.ashrae_class is None:
            allowed[id(items[0].component)] = allowable_inlet_c(it, altitude)
        else:
            allowed[id(items[0].component)] = classes[it.ashrae_class]
    dew: float | None = None
    humidity: float | None = None
    if site.relative_humidity_max_pct is not None:
        humidity = site.relative_humidity_max_pct
        dew = dew_point_c(site.ambient_max_c, humidity)
    elif site.dew_point_max_c is not None:
        dew = site.dew_point_max_c
        humidity = relative_humidity_pct(site.ambient_max_c, dew)
    water = 0.0
    if effective > 0:
        heat_kwh = heat * HOURS_PER_YEAR / 1000  # the heat removed, all year at typical load
        for unit in units:
            water += heat_kwh * unit.effective_sensible_w / effective * unit.spec.water_l_per_kwh
    return Thermal(
        ups_loss_w=ups_loss,
        heat_w=heat,
        it_heat_w=it_heat,
        rack_heat_w=rack_heat,
        cooling_lines=with_spec,
        units=units,
        cooling_power_w=sum(lines.line_typical_w.get(c.id, 0.0) for c in cooling_all),
        installed_sensible_w=sensible,
        effective_sensible_w=effective,
        installed_airflow_m3h=sum(u.airflow_m3h for u in units),
        airflow_required_m3h=_airflow_m3h(heat, delta_t, ratio),
        airflow_it_m3h=it_airflow,
        rack_airflow_it_m3h=rack_airflow,
        inlet_min_c=low,
        inlet_max_c=high,
        allowable_c=allowed,
        class_ranges_c=classes,
        dew_point_max_c=dew,
        relative_humidity_max_pct=humidity,
        annual_water_l=water,
        liquid_w=liquid_w,
        door_heat_w=door_heat,
    )
