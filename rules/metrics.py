"""``build_metrics(ctx) -> Metrics``: every figure of a build, from the shared context.

Figures already computed by a check (currents, runtime, redundancy, energy) are read from the
context's memo, never recomputed. Values are unrounded (C8: rounding is the renderer's job).
"""

from __future__ import annotations

from typing import Literal

from rules.checks.power import ups_lines_with_spec
from rules.checks.redundancy import cooling_redundancy, ups_redundancy
from rules.checks.space import rack_layout, rack_spec
from rules.checks.sustainability import bill_total, energy, lead_time
from rules.checks.thermal import (
    airflow_installed_m3h,
    airflow_required_m3h,
    cooling_installed_sensible_w,
)
from rules.context import Context
from rules.model import Metrics, PhaseLoad, RackMetrics
from rules.power_calc import (
    SITE,
    apparent_va,
    every_source_currents,
    load_pf,
    site_capacity_va,
    site_demand_w,
    ups_load_w,
    ups_worst_load_w,
)
from rules.runtime import ups_runtime
from rules.specs import Kind

__all__ = ["BTU_H_PER_W", "CFM_PER_M3H", "build_metrics"]

BTU_H_PER_W = 3.412  # reference 2: 1 W = 3.412 BTU/h
M3H_PER_CFM = 1.699  # reference 2: 1 CFM = 1.699 m3/h
CFM_PER_M3H = 1 / M3H_PER_CFM


def _rack_metrics(ctx: Context) -> tuple[RackMetrics, ...]:
    fill = rack_layout(ctx)
    out = []
    for rack_id, rack in ctx.racks.items():
        spec = rack_spec(rack)
        u_used = fill[rack_id].u_used
        u_total = float(spec.u) if spec is not None else 0.0
        weight = rack.component.weight_kg + fill[rack_id].contents_kg
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
            )
        )
    return tuple(out)


def _phase_loads(ctx: Context) -> tuple[PhaseLoad, ...]:
    """Current per phase of every source, worst scenario, and of the site supply."""
    out = [
        PhaseLoad.trusted(
            source=source_id, phase=n + 1, current_a=current, limit_a=c.normal.limit_a
        )
        for source_id, c in every_source_currents(ctx).items()
        for n, current in enumerate(c.worst_by_phase)
    ]
    site = ctx.site
    # Site supply: the demand of the site check, balanced over its phases.
    per_phase_va = site_demand_w(ctx) / load_pf(ctx, SITE, nameplate=True) / site.supply_phases
    for n in range(site.supply_phases):
        out.append(
            PhaseLoad.trusted(
                source=SITE,
                phase=n + 1,
                current_a=per_phase_va / site.supply_voltage_v,
                limit_a=ctx.policy.utilisation_limit * site.supply_breaker_a,
            )
        )
    return tuple(out)


def build_metrics(ctx: Context) -> Metrics:
    """Every Metrics field of the build evaluated in ``ctx``."""
    policy = ctx.policy
    u = policy.utilisation_limit
    lines = ups_lines_with_spec(ctx)
    cap_kw = sum(ctx.ups_spec(x).rated_kw * x.quantity for x in lines)
    cap_kva = sum(ctx.ups_spec(x).kva * x.quantity for x in lines)
    kw_pct: float | None = None
    kva_pct: float | None = None
    worst_kw_pct: float | None = None
    runtime: float | None = None
    method: Literal["table", "vendor_point", "peukert", "none"] = "none"
    for ups in lines:
        spec = ctx.ups_spec(ups)
        load = ups_load_w(ctx, ups)
        # The most loaded line (C4 applies per system).
        line_kw = load / (spec.rated_kw * 1000 * ups.quantity) * 100
        line_kva = apparent_va(ctx, ups.id, load) / (spec.kva * 1000 * ups.quantity) * 100
        kw_pct = line_kw if kw_pct is None else max(kw_pct, line_kw)
        kva_pct = line_kva if kva_pct is None else max(kva_pct, line_kva)
        # The same line after the worst single loss (C4 applies there too, as feed_failover).
        line_worst = ups_worst_load_w(ctx, ups) / (spec.rated_kw * 1000 * ups.quantity) * 100
        worst_kw_pct = line_worst if worst_kw_pct is None else max(worst_kw_pct, line_worst)
        if load > 0:
            found = ups_runtime(ctx, ups)
            if found.minutes is not None and (runtime is None or found.minutes < runtime):
                runtime, method = found.minutes, found.method
    cooling_power = sum(
        ctx.line_typical_w.get(line.id, 0.0) for line in ctx.by_kind.get(Kind.COOLING, [])
    )
    airflow = airflow_required_m3h(ctx.heat_w, policy.airflow_delta_t_k, ctx.site.altitude_m)
    e = energy(ctx)
    days, _ = lead_time(ctx)
    pf_site = load_pf(ctx, SITE, nameplate=True)
    agent_required = getattr(ctx, "agent_required_kg", None)
    agent_installed = getattr(ctx, "agent_installed_kg", None)
    return Metrics.trusted(
        it_load_typical_w=ctx.it_typical_w,
        it_load_nameplate_w=ctx.it_nameplate_w,
        power_unknown_items=tuple(ctx.power_unknown),
        ups_capacity_kw=cap_kw,
        ups_capacity_kva=cap_kva,
        ups_load_kw_pct=kw_pct,
        ups_load_kva_pct=kva_pct,
        ups_worst_load_kw_pct=worst_kw_pct,
        runtime_min=runtime,
        runtime_method=method,
        ups_loss_w=ctx.ups_loss_w,
        heat_w=ctx.heat_w,
        heat_btu_h=ctx.heat_w * BTU_H_PER_W,  # reference 2
        cooling_required_sensible_w=ctx.heat_w / u,  # C4
        cooling_installed_sensible_w=cooling_installed_sensible_w(ctx),
        cooling_power_w=cooling_power,
        airflow_required_m3h=airflow,  # reference 2 (altitude-corrected, as the check)
        airflow_required_cfm=airflow * CFM_PER_M3H,
        airflow_installed_m3h=airflow_installed_m3h(ctx),
        racks=_rack_metrics(ctx),
        phase_loads=_phase_loads(ctx),
        agent_required_kg=float(agent_required) if agent_required is not None else None,
        agent_installed_kg=float(agent_installed) if agent_installed is not None else None,
        ups_redundancy=ups_redundancy(ctx).level,
        cooling_redundancy=cooling_redundancy(ctx).level,
        site_load_w=site_demand_w(ctx),
        site_capacity_w=site_capacity_va(ctx) * pf_site,
        pue_estimate=e.pue,
        annual_kwh=e.annual_kwh,
        co2_kg_per_year=e.co2_kg,
        energy_cost_per_year=e.cost,
        currency=ctx.site.currency,
        bill_total=bill_total(ctx),
        lead_time_days=days,
    )
