"""The checks, as an explicit ordered list: each a small function from the derived build to
findings, with no shared state. A code's family names the module that holds it."""

from __future__ import annotations

from rules.checks import (
    cost,
    environment,
    fire,
    liquid,
    mechanical,
    redundancy,
    space,
    sustainability,
)
from rules.checks import thermal as thermal_checks
from rules.checks.base import Check, CheckFn, RuleInfo, finding, rule
from rules.checks.power import distribution, failover, supply, ups

__all__ = ["CHECKS", "RULES", "Check", "CheckFn", "RuleInfo", "finding", "rule"]

CHECKS: tuple[Check, ...] = (
    # power: UPSs, then the site, then distribution and failover
    ups.ups_capacity,
    ups.ups_phase_current,
    ups.ups_inlet,
    ups.ups_runtime,
    ups.battery_packs,
    supply.site_supply_capacity,
    supply.power_unknown,
    supply.feeds_assumed,
    supply.unprotected_load,
    distribution.pdu_current,
    distribution.phase_imbalance,
    distribution.pdu_outlets,
    distribution.source_mismatch,
    failover.feed_failover,
    failover.psu_redundancy,
    failover.single_corded_needs_ats,
    redundancy.ups_redundancy,
    redundancy.cooling_redundancy,
    thermal_checks.cooling_capacity,
    thermal_checks.cooling_mounting,
    thermal_checks.cooling_ambient,
    thermal_checks.airflow,
    thermal_checks.rack_airflow,
    thermal_checks.airflow_direction,
    thermal_checks.inlet_conditions,
    thermal_checks.humidity,
    thermal_checks.blanking_panels,
    liquid.loop_connections,
    liquid.cdu_capacity,
    liquid.loop_flow,
    liquid.loop_temperatures,
    liquid.facility_water,
    liquid.condensation,
    liquid.leak_detection,
    liquid.air_density,
    space.u_capacity,
    space.u_positions,
    space.depth_fit,
    space.unplaced,
    mechanical.rack_load,
    mechanical.floor_load,
    mechanical.mass_unknown,
    fire.fire_required,
    fire.agent_mass,
    fire.design_concentration,
    fire.occupied_space,
    environment.ip_rating,
    environment.enclosure_environment,
    environment.condensation,
    environment.physical_security,
    environment.remote_monitoring,
    environment.battery_temperature,
    sustainability.annual_energy,
    cost.cost,
)


def _rules(checks: tuple[Check, ...]) -> dict[str, RuleInfo]:
    out: dict[str, RuleInfo] = {}
    for check in checks:
        for info in check.rules:
            if info.code in out:
                raise ValueError(f"rule code {info.code} declared twice")
            out[info.code] = info
    return out


RULES: dict[str, RuleInfo] = _rules(CHECKS)
