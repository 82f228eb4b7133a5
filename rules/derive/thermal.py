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
from rules.derive.runtime import UpsFigures
from rules.model import PlacedItem
from rules.specs import AshraeClass, CoolingType, Environment, ItSpec, Kind, Site

__all__ = [
    "ASHRAE_ALLOWABLE",
    "ASHRAE_DERATE_ABOVE_M",
    "ASHRAE_MAX_ELEVATION_M",
    "AshraeRange",
    "Thermal",
    "air_pressure_ratio",
    "airflow_required_m3h",
    "allowable_inlet_c",
    "class_range_c",
    "derive_thermal",
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
    sea_level = SECONDS_PER_HOUR * heat_w / (AIR_DENSITY_KG_M3 * AIR_CP_J_KG_K * delta_t_k)
    return sea_level / air_pressure_ratio(altitude_m)


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


@dataclass(frozen=True, slots=True)
class Thermal:
    """The heat of a build and the cooling installed against it."""

    ups_loss_w: float
    heat_w: float  # the room's heat: room loads plus UPS losses (S2; C5)
    cooling_lines: Sequence[PlacedItem]  # cooling lines that carry a cooling spec
    cooling_power_w: float  # typical draw of every cooling line
    installed_sensible_w: float  # all units (S9)
    installed_airflow_m3h: float  # all units
    airflow_required_m3h: float  # for the heat at the policy rise, at altitude (reference 2)
    inlet_min_c: float
    inlet_max_c: float | None  # None: closed-loop cooling holds the upper end
    # Allowable inlet range at the site's altitude per distinct IT component (``id``) and per
    # class.
    allowable_c: Mapping[int, tuple[float, float]]
    class_ranges_c: Mapping[AshraeClass, tuple[float, float]]


def derive_thermal(lines: Lines, ups: Mapping[str, UpsFigures]) -> Thermal:
    """Heat, cooling and inlet figures of one build."""
    policy = lines.policy
    site = lines.site
    ups_loss = 0.0
    for figures in ups.values():
        eff = figures.spec.efficiency
        eff = eff if eff is not None else policy.ups_efficiency_default
        ups_loss += figures.load_w * (1 / eff - 1)  # C5, S26: P_out * (1/eta - 1)
    heat = lines.room_w + ups_loss
    cooling_all = lines.kind(Kind.COOLING)
    with_spec = [c for c in cooling_all if cooling_spec(c) is not None]
    sensible = airflow = 0.0
    for line in cooling_all:
        spec = cooling_spec(line)
        if spec is not None:
            sensible += spec.sensible_capacity_w * line.quantity
            airflow += spec.airflow_m3h * line.quantity
    low, high = inlet_range_c(site, with_spec)
    altitude = site.altitude_m
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
    return Thermal(
        ups_loss_w=ups_loss,
        heat_w=heat,
        cooling_lines=with_spec,
        cooling_power_w=sum(lines.line_typical_w.get(c.id, 0.0) for c in cooling_all),
        installed_sensible_w=sensible,
        installed_airflow_m3h=airflow,
        airflow_required_m3h=airflow_required_m3h(heat, policy.airflow_delta_t_k, altitude),
        inlet_min_c=low,
        inlet_max_c=high,
        allowable_c=allowed,
        class_ranges_c=classes,
    )
