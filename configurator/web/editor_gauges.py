"""The editor's gauges: each figure against its limit, with a sentence that says both."""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import BuildSpec, Report

__all__ = ["Gauge", "gauges_of", "headroom_text"]

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
            )
        )
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
        gauges.append(
            Gauge(
                label=f"Weight \u2013 {name}",
                value=rack.weight_kg,
                maximum=max(limit, rack.weight_kg, 1),
                high=limit or None,
                optimum=0,
                over=bool(limit) and rack.weight_kg > limit,
                text=f"{_fmt(rack.weight_kg)} kg of {_fmt(limit)} kg static rating",
            )
        )
    return gauges


def headroom_text(report: Report) -> str:
    """How much more typical IT load fits, and which constraint binds first."""
    headroom = report.headroom
    binding = CONSTRAINT_TEXT.get(headroom.binding_constraint, headroom.binding_constraint)
    extra = headroom.typical_load_w
    if extra <= 0:
        return f"No headroom: {binding or 'a constraint'} is already at its limit."
    return f"{_fmt(extra)} W more typical IT load fits; {binding} binds first."
