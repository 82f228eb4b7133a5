"""What the site asks of each part, worked out by the engine's own functions: IT inlet air and
humidity by class, the fire agent's mass per m3, the battery capacity runtime is judged on."""

from __future__ import annotations

from rules.derive.fire import INERT_OCCUPIED_MAX_PCT, NOAEL_PCT, required_agent_kg
from rules.derive.runtime import battery_temperature_factor
from rules.derive.thermal import (
    ASHRAE_HUMIDITY_MAX,
    allowable_inlet_c,
    class_range_c,
    dew_point_c,
    relative_humidity_pct,
)
from rules.specs import Agent, ComponentSpec, FireSuppressionSpec, ItSpec, Policy, Site

__all__ = [
    "battery_capacity_factor",
    "fire_kg_per_m3",
    "humidity_ok",
    "inlet_ok",
    "room_dew_point",
]


def room_dew_point(site: Site) -> tuple[float, float] | None:
    """The room air's highest (dew point, relative humidity) as the engine derives them
    (``rules.derive.thermal``: at the highest ambient, Magnus formula, L3); None when the site
    gives neither figure."""
    if site.relative_humidity_max_pct is not None:
        rh = site.relative_humidity_max_pct
        return dew_point_c(site.ambient_max_c, rh), rh
    if site.dew_point_max_c is not None:
        dew = site.dew_point_max_c
        return dew, relative_humidity_pct(site.ambient_max_c, dew)
    return None


def humidity_ok(component: ComponentSpec, site: Site) -> bool:
    """The site's highest dew point and humidity within the IT's class (the engine's
    ``thermal.humidity``, Magnus formula); true when the site gives neither figure."""
    spec = component.spec
    if not isinstance(spec, ItSpec) or spec.ashrae_class is None:
        return True
    found = room_dew_point(site)
    if found is None:
        return True
    dew, rh = found
    rh_max, dew_max = ASHRAE_HUMIDITY_MAX[spec.ashrae_class]
    return dew <= dew_max and rh <= rh_max


def inlet_ok(component: ComponentSpec, site: Site, *, high: float | None) -> bool:
    """The site's inlet range within the IT's allowable range at its altitude (the engine's
    ``thermal.ashrae_inlet``); ``high`` None: closed-loop cooling holds the upper end."""
    spec = component.spec
    if not isinstance(spec, ItSpec):
        return True
    low_ok, high_ok = allowable_inlet_c(spec, site.altitude_m)
    if spec.inlet_min_c is None and spec.ashrae_class is not None:
        low_ok, high_ok = class_range_c(spec.ashrae_class, site.altitude_m)
    if site.ambient_min_c < low_ok:
        return False
    return high is None or high <= high_ok


def battery_capacity_factor(site: Site, policy: Policy) -> float:
    """Share of rated battery capacity the engine judges runtime on: cold at the site's lowest
    ambient (``battery_temperature_factor``), times the end-of-life share when the policy
    judges batteries at end of life (``rules.derive.runtime.derive_ups``)."""
    factor = battery_temperature_factor(site.ambient_min_c, policy)
    if policy.battery_end_of_life:
        factor *= policy.battery_end_of_life_fraction
    return factor


def fire_kg_per_m3(spec: FireSuppressionSpec, site: Site, policy: Policy) -> float | None:
    """Agent mass per m3 at the site (reference 4), None when the agent cannot be used."""
    if spec.agent is Agent.AEROSOL:
        pct = 0.0
    else:
        found = policy.design_concentration_pct.get(spec.agent)
        if found is None:
            return None
        pct = found
        if site.occupied:
            noael = NOAEL_PCT.get(spec.agent, INERT_OCCUPIED_MAX_PCT)
            if pct > noael:
                return None
    return required_agent_kg(
        spec.agent,
        1.0,
        temperature_c=site.ambient_min_c,
        concentration_pct=pct,
        altitude_m=site.altitude_m,
        design_density_g_m3=spec.design_density_g_m3 or 0.0,
    )
