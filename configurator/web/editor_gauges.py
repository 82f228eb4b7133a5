"""The editor's gauges: each figure against its limit, with a sentence that says both."""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import BuildSpec, Report
from rules.specs import CduSpec
from rules.units import cfm

__all__ = [
    "HEADROOM_BASIS",
    "Gauge",
    "gauges_of",
    "headroom_rows",
    "headroom_text",
    "liquid_gauges",
    "site_figures",
]

CONSTRAINT_TEXT = {
    "ups_kw": "UPS real power (kW)",
    "ups_kva": "UPS apparent power (kVA)",
    "cooling_sensible": "cooling capacity",
    "site_supply": "site supply",
    "pdu_current": "PDU current",
    "runtime": "battery runtime",
}


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "\u2013"
    return f"{value:,.{digits}f}"


@dataclass
class Gauge:
    """A bar with its limit and a sentence saying the figures (colour is never the only cue)."""

    label: str
    value: float
    maximum: float
    text: str
    high: float | None = None
    low: float | None = None
    optimum: float | None = None
    over: bool = False
    note: str = ""
    key: str = ""  # what it measures: "it", "cooling", "source:site", "space:L1"...


def gauges_of(spec: BuildSpec, report: Report, names: dict[str, str]) -> list[Gauge]:
    """Bars of IT load, UPS load, runtime, cooling, and each rack's space and weight."""
    metrics, policy = report.metrics, spec.policy
    u = policy.utilisation_limit
    pct = f"{u * 100:g} %"
    gauges: list[Gauge] = []
    ups_w = metrics.ups_capacity_kw * 1000
    it_w = metrics.it_load_typical_w
    if ups_w > 0:
        limit = ups_w * u
        gauges.append(
            Gauge(
                label=f"IT load vs UPS at {pct}",
                value=it_w,
                maximum=max(ups_w, it_w),
                high=limit,
                optimum=0,
                over=it_w > limit,
                text=f"{_fmt(it_w)} W typical of {_fmt(limit)} W ({pct} of {_fmt(ups_w)} W)",
                key="it",
            )
        )
        for label, value in (
            ("UPS load (kW)", metrics.ups_load_kw_pct),
            ("UPS load (kVA)", metrics.ups_load_kva_pct),
            ("UPS load, worst single loss (kW)", metrics.ups_worst_load_kw_pct),
        ):
            if value is not None:
                gauges.append(
                    Gauge(
                        label=label,
                        value=value,
                        maximum=max(100.0, value),
                        high=u * 100,
                        optimum=0,
                        over=value > u * 100,
                        text=f"{_fmt(value, 1)} % of rating (limit {pct})",
                    )
                )
    else:
        gauges.append(
            Gauge(
                label="IT load",
                value=it_w,
                maximum=max(it_w, 1),
                text=f"{_fmt(it_w)} W typical; no UPS",
                key="it",
            )
        )
    required = policy.required_runtime_min
    runtime = metrics.runtime_min
    if runtime is not None:
        basis = "at end of battery life" if metrics.runtime_basis == "end_of_life" else "new"
        other = (
            metrics.runtime_new_min
            if metrics.runtime_basis == "end_of_life"
            else metrics.runtime_end_of_life_min
        )
        other_text = "new" if metrics.runtime_basis == "end_of_life" else "at end of life"
        gauges.append(
            Gauge(
                label="Battery runtime",
                value=runtime,
                maximum=max(runtime, required * 2, 1),
                low=required,
                optimum=max(runtime, required * 2, 1),
                over=runtime < required,
                text=f"{_fmt(runtime, 1)} min {basis} (required {required:g} min); "
                f"{_fmt(other, 1)} min {other_text}",
            )
        )
    needed = metrics.cooling_required_sensible_w
    installed = metrics.cooling_effective_sensible_w or metrics.cooling_installed_sensible_w
    gauges.append(
        Gauge(
            label="Cooling (sensible, at the site)",
            value=needed,
            maximum=max(needed, installed, 1),
            high=installed if installed > 0 else None,
            optimum=0,
            over=installed > 0 and needed > installed,
            text=(
                f"{_fmt(needed)} W needed ({_fmt(metrics.heat_btu_h)} BTU/h of heat at {pct}) "
                f"of {_fmt(installed)} W at the site"
                if installed > 0
                else f"{_fmt(needed)} W needed; no cooling unit (the room must carry it)"
            ),
            key="cooling",
        )
    )
    # Two airflow bases (the engine's thermal.airflow says which check reads which): the air
    # the cooling must deliver for all the room heat, against what the units move; and the
    # air the IT itself pulls through the racks, said beside it.
    moved, carried = metrics.airflow_installed_m3h, metrics.airflow_required_m3h
    if moved > 0 and carried > 0:  # as the engine's check: only with cooling units and heat
        gauges.append(
            Gauge(
                label="Airflow (cooling's basis)",
                value=carried,
                maximum=max(carried, moved, 1),
                high=moved,
                optimum=0,
                over=carried > moved,
                text=(
                    f"{_fmt(carried)} m\u00b3/h ({_fmt(metrics.airflow_required_cfm)} CFM) to "
                    f"carry all the heat, of {_fmt(moved)} m\u00b3/h ({_fmt(cfm(moved))} CFM) "
                    "the cooling units move"
                ),
                note=(
                    f"the IT pulls {_fmt(metrics.airflow_it_m3h)} m\u00b3/h "
                    f"({_fmt(metrics.airflow_it_cfm)} CFM) through its racks"
                ),
                key="airflow",
            )
        )
    for source in metrics.sources:
        name = "Site supply" if source.source == "site" else names.get(source.source, source.source)
        worst = max(source.worst_a, default=0.0)
        phase = source.worst_a.index(worst) + 1 if source.worst_a else 1
        over = ", ".join(f"L{p}" for p in source.overloaded)
        on_phase = f" on L{phase}" if source.phases == 3 else ""
        gauges.append(
            Gauge(
                label=f"Current \u2013 {name}",
                value=worst,
                maximum=max(worst, source.limit_a / u if u else source.limit_a, 1),
                high=source.limit_a,
                optimum=0,
                over=bool(source.overloaded),
                text=f"{_fmt(source.load_w)} W used of {_fmt(source.usable_w)} W usable; "
                f"{_fmt(worst, 2)} A{on_phase} at worst of {_fmt(source.limit_a, 2)} A"
                + (f", {over} overloaded" if over else ""),
                key=f"source:{source.source}",
            )
        )
    # Racks whose load is a lower bound: some lines (or the rack) have no known mass.
    unweighed = {
        f.subject[0]: len(f.subject) - 1
        for f in report.findings
        if f.code == "mechanical.mass_unknown" and f.subject
    }
    for rack in metrics.racks:
        name = names.get(rack.rack_id, rack.rack_id)
        gauges.append(
            Gauge(
                label=f"Space \u2013 {name}",
                value=rack.u_used,
                maximum=max(rack.u_total, rack.u_used, 1),
                high=rack.u_total,
                optimum=0,
                over=rack.u_used > rack.u_total,
                text=f"{rack.u_used:g} of {rack.u_total:g} U used, {rack.u_free:g} U free",
            )
        )
        limit = rack.static_limit_kg
        lower_bound = rack.rack_id in unweighed
        lines = unweighed.get(rack.rack_id, 0)
        gauges.append(
            Gauge(
                label=f"Weight \u2013 {name}",
                value=rack.weight_kg,
                maximum=max(limit, rack.weight_kg, 1),
                high=limit or None,
                optimum=0,
                over=bool(limit) and rack.weight_kg > limit,
                text=(
                    f"{'at least ' if lower_bound else ''}{_fmt(rack.weight_kg)} kg of "
                    f"{_fmt(limit)} kg static rating"
                ),
                note=(
                    (
                        f"{lines} line{'s' if lines != 1 else ''} "
                        f"{'have' if lines != 1 else 'has'} no weight"
                        if lines
                        else "the rack's own mass is unknown"
                    )
                    + "; the load shown is a lower bound"
                    if lower_bound
                    else ""
                ),
            )
        )
    gauges.extend(liquid_gauges(spec, report, names))
    return gauges


def _temperatures(supply_c: float | None, return_c: float | None) -> str:
    if supply_c is None:
        return "supply unknown (no facility water source)"
    text = f"supply {_fmt(supply_c, 1)} \u00b0C"
    return text if return_c is None else f"{text}, return {_fmt(return_c, 1)} \u00b0C"


def liquid_gauges(spec: BuildSpec, report: Report, names: dict[str, str]) -> list[Gauge]:
    """Bars of the liquid side (reference 8), all the engine's figures: the heat split, each
    loop's heat against its capacity at u with its supply and return, each CDU's flow against
    its range and what its heat needs, and each rack's density, air against the L7 limit."""
    metrics, policy = report.metrics, spec.policy
    if not metrics.loops and metrics.liquid_w <= 0:
        return []
    u = policy.utilisation_limit
    pct = f"{u * 100:g} %"
    flow_findings = {
        ref for f in report.findings if f.code == "liquid.secondary_flow" for ref in f.subject
    }
    items = {item.id: item for item in spec.items}
    gauges = [
        Gauge(
            label="Heat into liquid / to the room air",
            value=metrics.liquid_w,
            maximum=max(metrics.liquid_w + metrics.heat_w, 1),
            text=f"{_fmt(metrics.liquid_w / 1000, 1)} kW into liquid (cold plates); "
            f"{_fmt(metrics.heat_w / 1000, 1)} kW to the room air (incl. UPS losses)",
        )
    ]
    for loop in metrics.loops:
        name = names.get(loop.source, loop.source)
        limit = loop.capacity_w * u
        what = "CDU" if loop.kind == "cdu" else "Facility water"
        gauges.append(
            Gauge(
                label=f"{what} \u2013 {name}",
                value=loop.heat_w,
                maximum=max(loop.capacity_w, loop.heat_w, 1),
                high=limit,
                optimum=0,
                over=loop.heat_w > limit,
                text=f"{_fmt(loop.heat_w)} W of {_fmt(limit)} W ({pct} of "
                f"{_fmt(loop.capacity_w)} W); {_temperatures(loop.supply_c, loop.return_c)}",
            )
        )
        cdu = items.get(loop.source)
        if loop.kind != "cdu" or loop.flow_lpm is None or cdu is None:
            continue
        cdu_spec = cdu.component.spec
        top = cdu_spec.secondary_flow_max_lpm * cdu.quantity if isinstance(cdu_spec, CduSpec) else 0
        needed = loop.flow_needed_lpm or 0.0
        gauges.append(
            Gauge(
                label=f"Flow \u2013 {name}",
                value=loop.flow_lpm,
                maximum=max(top, loop.flow_lpm, needed, 1),
                high=top or None,
                low=needed or None,
                over=loop.source in flow_findings,
                text=f"{_fmt(loop.flow_lpm, 1)} L/min to the nodes; the heat needs "
                f"{_fmt(needed, 1)} L/min at {policy.liquid_delta_t_k:g} K; the CDU moves up to "
                f"{_fmt(top, 1)} L/min",
            )
        )
    limit_kw = policy.air_density_limit_kw
    for rack in metrics.racks:
        if rack.heat_kw <= 0:
            continue
        name = names.get(rack.rack_id, rack.rack_id)
        gauges.append(
            Gauge(
                label=f"Density \u2013 {name}",
                value=rack.air_kw,
                maximum=max(limit_kw * 1.5, rack.air_kw, 1),
                high=limit_kw,
                optimum=0,
                over=rack.air_kw > limit_kw,
                text=f"{_fmt(rack.heat_kw, 1)} kW of heat in the rack, {_fmt(rack.air_kw, 1)} kW "
                f"of it to the air (air-cooled limit {limit_kw:g} kW)",
            )
        )
    return gauges


# Why the headroom falls faster than the watts one adds (issue: 119 W, then 76 W, then 5 W after
# two ~75 W servers): the engine (rules.headroom) grows every element in proportion to today's
# IT load, while one device lands on one PDU phase. Said beside the figure.
HEADROOM_BASIS = (
    "Headroom is the typical IT load that still fits if it spreads over the UPSs, PDUs and "
    "phases the way today's load does. One device plugs into one PDU phase: on the phase that "
    "binds, it uses the headroom up faster than its own watts (a phase carrying a quarter of "
    "the load loses four watts of headroom per watt added there); elsewhere more slowly. Add "
    "devices to the least loaded PDU and phase to keep it."
)


def headroom_text(report: Report) -> str:
    """How much more typical IT load fits, and which constraint binds first."""
    headroom = report.headroom
    binding = CONSTRAINT_TEXT.get(headroom.binding_constraint, headroom.binding_constraint)
    extra = headroom.typical_load_w
    if extra <= 0:
        return f"No headroom: {binding or 'a constraint'} is already at its limit."
    return f"{_fmt(extra)} W more typical IT load fits, spread like today's; {binding} binds first."


def headroom_rows(report: Report) -> list[tuple[str, str]]:
    """Each constraint's extra typical W, tightest first, as (constraint, figure)."""
    rows = sorted(report.headroom.by_constraint.items(), key=lambda kv: kv[1])
    return [(CONSTRAINT_TEXT.get(name, name), f"{_fmt(max(extra, 0.0))} W") for name, extra in rows]


def site_figures(report: Report) -> list[tuple[str, str]]:
    """The build's heat, air, humidity, energy and water figures that have no limit of their
    own, as (figure, value with units): what an engineer reads beside the gauges."""
    m = report.metrics
    rows = [
        (
            "Heat, IT alone",
            f"{_fmt(m.it_heat_w)} W ({_fmt(m.it_heat_btu_h)} BTU/h)",
        ),
        (
            "Heat, room (with UPS losses)",
            f"{_fmt(m.heat_w)} W ({_fmt(m.heat_btu_h)} BTU/h)",
        ),
        (
            "Airflow the IT pulls through",
            f"{_fmt(m.airflow_it_m3h)} m\u00b3/h ({_fmt(m.airflow_it_cfm)} CFM)",
        ),
        (
            "Airflow to carry all the heat",
            f"{_fmt(m.airflow_required_m3h)} m\u00b3/h ({_fmt(m.airflow_required_cfm)} CFM)",
        ),
    ]
    if m.liquid_w > 0:
        rows.append(("Heat into liquid", f"{_fmt(m.liquid_w)} W"))
    if m.relative_humidity_max_pct is not None and m.dew_point_max_c is not None:
        rows.append(
            (
                "Room humidity at its warmest",
                f"{_fmt(m.relative_humidity_max_pct)} % RH, dew point "
                f"{_fmt(m.dew_point_max_c, 1)} \u00b0C",
            )
        )
    else:
        rows.append(("Room humidity", "not stated by the site"))
    rows += [
        ("PUE (estimate)", f"{m.pue_estimate:.2f}"),
        ("Energy a year", f"{_fmt(m.annual_kwh)} kWh"),
        (
            "CO\u2082 a year",
            f"{_fmt(m.co2_kg_per_year)} kg (CUE {m.cue_kg_per_kwh:.3f} kg per IT kWh)",
        ),
        (
            "Water a year",
            f"{_fmt(m.annual_water_l)} L"
            + ("" if m.wue_l_per_kwh is None else f" (WUE {m.wue_l_per_kwh:.2f} L per IT kWh)"),
        ),
    ]
    return rows
