"""``build_metrics(derived) -> Metrics``: every figure of a build, read from the derived build.

Values are unrounded (C8: rounding is the renderer's job).
"""

from __future__ import annotations

from typing import Literal

from rules.derive import Derived
from rules.derive.electrical import SITE
from rules.model import LoopMetrics, Metrics, PhaseLoad, RackMetrics, SourceLoad
from rules.units import btu_h, cfm

__all__ = ["build_metrics"]


def _rack_metrics(d: Derived) -> tuple[RackMetrics, ...]:
    out = []
    thermal = d.thermal
    door_taken: dict[str, float] = {}
    for door_id, heat in thermal.door_heat_w.items():
        rack = d.lines.by_id[door_id].rack_id
        if rack is not None:
            door_taken[rack] = door_taken.get(rack, 0.0) + heat
    for rack_id, layout in d.layouts.items():
        air = thermal.rack_heat_w.get(rack_id, 0.0)
        liquid = d.liquid.rack_liquid_w.get(rack_id, 0.0) + door_taken.get(rack_id, 0.0)
        spec = layout.spec
        u_used = layout.u_used
        u_total = float(spec.u) if spec is not None else 0.0
        weight = layout.mass_kg
        footprint = spec.footprint_m2 if spec is not None else 0.0
        out.append(
            RackMetrics.trusted(
                rack_id=rack_id,
                u_total=u_total,
                u_used=u_used,
                u_free=u_total - u_used,
                weight_kg=weight,
                static_limit_kg=spec.static_load_kg if spec is not None else 0.0,
                dynamic_limit_kg=spec.dynamic_load_kg if spec is not None else None,
                floor_load_kg_m2=weight / footprint if footprint > 0 else 0.0,  # reference 3
                heat_kw=(air + d.liquid.rack_liquid_w.get(rack_id, 0.0)) / 1000,
                air_kw=(air - door_taken.get(rack_id, 0.0)) / 1000 if liquid else air / 1000,
            )
        )
    return tuple(out)


def _loops(d: Derived) -> tuple[LoopMetrics, ...]:
    out = []
    for cdu_id, loop in d.liquid.loops.items():
        out.append(
            LoopMetrics.trusted(
                source=cdu_id,
                kind="cdu",
                heat_w=d.liquid_heat_w.get(cdu_id, 0.0),
                capacity_w=loop.capacity_w,
                flow_lpm=loop.flow_lpm,
                flow_needed_lpm=loop.flow_needed_lpm,
                supply_c=loop.supply_c,
                return_c=loop.return_c,
            )
        )
    for plant_id, plant in d.liquid.plants.items():
        out.append(
            LoopMetrics.trusted(
                source=plant_id,
                kind="facility_water",
                heat_w=d.liquid_heat_w.get(plant_id, 0.0),
                capacity_w=plant.capacity_w,
                flow_lpm=None,
                flow_needed_lpm=None,
                supply_c=plant.supply_c,
                return_c=None,
            )
        )
    return tuple(out)


def _phase_loads(d: Derived) -> tuple[PhaseLoad, ...]:
    """Current per phase of every source, worst scenario, and of the site supply."""
    electrical = d.electrical
    out = [
        PhaseLoad.trusted(
            source=source_id, phase=n + 1, current_a=current, limit_a=c.normal.limit_a
        )
        for source_id, c in electrical.currents.items()
        for n, current in enumerate(c.worst_by_phase)
    ]
    site = d.site
    # Site supply: each phase as the loads land on it, in its worst scenario (C7).
    limit = d.policy.utilisation_limit * site.supply_breaker_a
    for n, current in enumerate(electrical.site_phase_worst_a):
        out.append(PhaseLoad.trusted(source=SITE, phase=n + 1, current_a=current, limit_a=limit))
    return tuple(out)


def _sources(d: Derived) -> tuple[SourceLoad, ...]:
    return tuple(
        SourceLoad.trusted(
            source=c.source,
            phases=c.phases,
            voltage_v=c.voltage_v,
            limit_a=c.limit_a,
            usable_w=c.usable_w,
            load_w=c.load_w,
            worst_a=c.worst_a,
            overloaded=c.overloaded,
        )
        for c in d.electrical.capacities.values()
    )


def build_metrics(d: Derived) -> Metrics:
    """Every Metrics field of the derived build."""
    electrical = d.electrical
    judged = d.judged_ups
    cap_kw = sum(x.spec.rated_kw * x.line.quantity for x in judged)
    cap_kva = sum(x.spec.kva * x.line.quantity for x in judged)
    kw_pct: float | None = None
    kva_pct: float | None = None
    worst_kw_pct: float | None = None
    runtime: float | None = None
    method: Literal["table", "vendor_point", "peukert", "none"] = "none"
    runtime_new: float | None = None
    runtime_eol: float | None = None
    for ups in judged:
        spec = ups.spec
        q = ups.line.quantity
        load = ups.load_w
        # The most loaded line (C4 applies per system).
        line_kw = load / (spec.rated_kw * 1000 * q) * 100
        line_kva = electrical.apparent_va(ups.line.id, load) / (spec.kva * 1000 * q) * 100
        kw_pct = line_kw if kw_pct is None else max(kw_pct, line_kw)
        kva_pct = line_kva if kva_pct is None else max(kva_pct, line_kva)
        # The same line after the worst single loss (C4 applies there too, as feed_failover).
        line_worst = ups.worst_load_w / (spec.rated_kw * 1000 * q) * 100
        worst_kw_pct = line_worst if worst_kw_pct is None else max(worst_kw_pct, line_worst)
        if load > 0:
            found = ups.runtime
            if found.minutes is not None and (runtime is None or found.minutes < runtime):
                runtime, method = found.minutes, found.method
            new, eol = ups.runtime_new.minutes, ups.runtime_end_of_life.minutes
            if new is not None and (runtime_new is None or new < runtime_new):
                runtime_new = new
            if eol is not None and (runtime_eol is None or eol < runtime_eol):
                runtime_eol = eol
    thermal = d.thermal
    e = d.energy
    fire = d.fire
    u = d.policy.utilisation_limit
    return Metrics.trusted(
        it_load_typical_w=d.lines.it_typical_w,
        it_load_nameplate_w=d.lines.it_nameplate_w,
        power_unknown_items=tuple(d.lines.power_unknown),
        ups_capacity_kw=cap_kw,
        ups_capacity_kva=cap_kva,
        ups_load_kw_pct=kw_pct,
        ups_load_kva_pct=kva_pct,
        ups_worst_load_kw_pct=worst_kw_pct,
        runtime_min=runtime,
        runtime_method=method,
        runtime_basis="end_of_life" if d.policy.battery_end_of_life else "new",
        runtime_new_min=runtime_new,
        runtime_end_of_life_min=runtime_eol,
        ups_loss_w=thermal.ups_loss_w,
        heat_w=thermal.heat_w,
        heat_btu_h=btu_h(thermal.heat_w),  # reference 2
        it_heat_w=thermal.it_heat_w,
        it_heat_btu_h=btu_h(thermal.it_heat_w),
        cooling_required_sensible_w=thermal.heat_w / u,  # C4
        cooling_installed_sensible_w=thermal.installed_sensible_w,
        cooling_effective_sensible_w=thermal.effective_sensible_w,
        cooling_power_w=thermal.cooling_power_w,
        airflow_required_m3h=thermal.airflow_required_m3h,  # reference 2, altitude-corrected
        airflow_required_cfm=cfm(thermal.airflow_required_m3h),
        airflow_installed_m3h=thermal.installed_airflow_m3h,
        airflow_it_m3h=thermal.airflow_it_m3h,
        airflow_it_cfm=cfm(thermal.airflow_it_m3h),
        dew_point_max_c=thermal.dew_point_max_c,
        relative_humidity_max_pct=thermal.relative_humidity_max_pct,
        liquid_w=d.liquid.liquid_w,
        loops=_loops(d),
        racks=_rack_metrics(d),
        phase_loads=_phase_loads(d),
        sources=_sources(d),
        agent_required_kg=fire.required_total_kg,
        agent_installed_kg=fire.installed_kg,
        ups_redundancy=d.ups_redundancy.level,
        cooling_redundancy=d.cooling_redundancy.level,
        site_load_w=electrical.site_demand_w,
        site_capacity_w=electrical.site_capacity_va * electrical.load_pf(SITE, nameplate=True),
        pue_estimate=e.pue,
        annual_kwh=e.annual_kwh,
        co2_kg_per_year=e.co2_kg,
        cue_kg_per_kwh=e.cue_kg_per_kwh,
        annual_water_l=e.annual_water_l,
        wue_l_per_kwh=e.wue_l_per_kwh,
        energy_cost_per_year=e.cost,
        currency=d.site.currency,
        bill_total=e.bill_total,
        lead_time_days=e.lead_time_days,
    )
