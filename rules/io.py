"""The engine's edge: read a build or a policy from JSON text, render a report as JSON or text.

This module never touches a file itself (the CLI reads and prints); it turns text into engine
models with errors a person can act on, and a ``Report`` into text. Figures are rounded for
display only, per C8 (W 0.1, A 0.01, kg 0.01, min 0.1); the report keeps them unrounded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rules.checks.base import RuleInfo
from rules.model import BuildSpec, Finding, Report, Severity
from rules.solver.catalog import Catalog, catalog_adapter
from rules.solver.requirements import Requirements
from rules.specs import Policy

__all__ = [
    "InputError",
    "dumps",
    "format_loc",
    "load_build",
    "load_catalog",
    "load_policy",
    "load_requirements",
    "render_json",
    "render_rules_json",
    "render_rules_text",
    "render_text",
    "validation_messages",
]

M = TypeVar("M", bound=BaseModel)


_SEVERITY_TITLES = (
    (Severity.ERROR, "Errors"),
    (Severity.WARNING, "Warnings"),
    (Severity.INFO, "Information"),
)


class InputError(ValueError):
    """Input that cannot become an engine model; ``messages`` are one line per problem."""

    def __init__(self, what: str, messages: Sequence[str]) -> None:
        self.what = what
        self.messages = tuple(messages)
        super().__init__(f"invalid {what}: " + "; ".join(self.messages))


# --------------------------------------------------------------------------- loading


def format_loc(loc: Iterable[int | str]) -> str:
    """Pydantic's error location as a dotted path (``items.3.quantity``)."""
    return ".".join(str(part) for part in loc)


def validation_messages(exc: ValidationError) -> list[str]:
    """One readable line per validation error, naming the field by its dotted path."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        loc = format_loc(error["loc"])
        msg = str(error["msg"])
        # Model-level validators raise "Value error, items.3.rack_id: ..." with an empty loc;
        # the prefix says nothing a reader needs.
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if error["type"] == "json_invalid":
            lines.append(f"not valid JSON: {error.get('ctx', {}).get('error', msg)}")
        elif loc:
            lines.append(f"{loc}: {msg}")
        else:
            lines.append(msg)
    return lines


def _load(model: type[M], text: str | bytes, what: str) -> M:
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(what, validation_messages(exc)) from None


def load_build(text: str | bytes) -> BuildSpec:
    """Parse and validate a build from JSON text; raise ``InputError`` with readable lines."""
    return _load(BuildSpec, text, "build")


def load_policy(text: str | bytes) -> Policy:
    """Parse and validate a policy from JSON text; raise ``InputError`` with readable lines."""
    return _load(Policy, text, "policy")


def load_requirements(text: str | bytes) -> Requirements:
    """Parse and validate solver requirements; ``InputError`` names each field and problem."""
    return _load(Requirements, text, "requirements")


def load_catalog(text: str | bytes) -> Catalog:
    """Parse and validate a ``--catalog`` file: a list of entries or ``{"entries": [...]}``."""
    try:
        found = catalog_adapter().validate_json(text)
    except ValidationError as exc:
        raise InputError("catalogue", validation_messages(exc)) from None
    if isinstance(found, Catalog):
        return found
    try:
        return Catalog(entries=tuple(found))
    except ValidationError as exc:
        raise InputError("catalogue", validation_messages(exc)) from None


# --------------------------------------------------------------------------- JSON output


def _finite_or_none(value: Any) -> Any:
    """Non-finite floats become ``None``, as pydantic's own JSON does: JSON has no infinity."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(v) for v in value]
    return value


def render_json(report: Report) -> str:
    """The report as indented JSON (``report.model_dump(mode="json")``), values unrounded."""
    data = _finite_or_none(report.model_dump(mode="json"))
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def render_rules_json(rules: Iterable[RuleInfo]) -> str:
    """Registered rule codes as a JSON list, sorted by code."""
    rows = [
        {"code": r.code, "family": r.family, "protects": r.protects, "source": r.source}
        for r in sorted(rules, key=lambda r: r.code)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


# --------------------------------------------------------------------------- text output


def _w(value: float) -> str:
    return f"{value:,.1f} W"  # C8: W to 0.1


def _kg(value: float) -> str:
    return f"{value:,.2f} kg"  # C8: kg to 0.01


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f} %"


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _u(value: float) -> str:
    return f"{value:g}"


def _table(rows: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in rows)
    return [f"  {label.ljust(width)}  {value}" for label, value in rows]


def _metric_rows(report: Report) -> list[tuple[str, str]]:
    m = report.metrics
    basis = "end of battery life" if m.runtime_basis == "end_of_life" else "new batteries"
    runtime = (
        "n/a (no UPS or no battery data)"
        if m.runtime_min is None
        else f"{m.runtime_min:,.1f} min judged, {basis} ({m.runtime_method.replace('_', ' ')})"
    )  # C8: min to 0.1
    rows: list[tuple[str, str]] = [
        ("IT load typical / nameplate", f"{_w(m.it_load_typical_w)} / {_w(m.it_load_nameplate_w)}"),
        (
            "UPS capacity",
            f"{_num(m.ups_capacity_kw, 2)} kW / {_num(m.ups_capacity_kva, 2)} kVA",
        ),
        ("UPS load kW / kVA", f"{_pct(m.ups_load_kw_pct)} / {_pct(m.ups_load_kva_pct)}"),
        ("UPS load kW, worst single loss", _pct(m.ups_worst_load_kw_pct)),
        ("Runtime", runtime),
        (
            "Runtime new / end of life",
            f"{_minutes(m.runtime_new_min)} / {_minutes(m.runtime_end_of_life_min)}",
        ),
        (
            "Heat, room (IT, other loads, UPS losses)",
            f"{_w(m.heat_w)} ({_num(m.heat_btu_h)} BTU/h)",
        ),
        ("Heat, IT alone", f"{_w(m.it_heat_w)} ({_num(m.it_heat_btu_h)} BTU/h)"),
        ("UPS losses", _w(m.ups_loss_w)),
        (
            "Cooling sensible required / installed / at the site",
            f"{_w(m.cooling_required_sensible_w)} / {_w(m.cooling_installed_sensible_w)}"
            f" / {_w(m.cooling_effective_sensible_w)}",
        ),
        (
            "Airflow for the room heat (cooling's basis) / installed",
            f"{_num(m.airflow_required_m3h)} m3/h ({_num(m.airflow_required_cfm)} CFM)"
            f" / {_num(m.airflow_installed_m3h)} m3/h",
        ),
        (
            "Airflow the IT pulls through (IT's basis)",
            f"{_num(m.airflow_it_m3h)} m3/h ({_num(m.airflow_it_cfm)} CFM)",
        ),
        ("UPS / cooling redundancy", f"{m.ups_redundancy.value} / {m.cooling_redundancy.value}"),
        ("Site load / capacity", f"{_w(m.site_load_w)} / {_w(m.site_capacity_w)}"),
    ]
    for rack in m.racks:
        rows.append(
            (f"Rack '{rack.rack_id}' U used / total", f"{_u(rack.u_used)} / {_u(rack.u_total)} U")
        )
        # The weight includes the rack itself (it loads the floor); the UL 2416 static rating
        # is for the equipment it carries (S16), so the two are shown side by side, not as a
        # ratio.
        rows.append(
            (
                f"Rack '{rack.rack_id}' weight",
                f"{_kg(rack.weight_kg)} incl. the rack ({_num(rack.floor_load_kg_m2)} kg/m2);"
                f" static rating {_kg(rack.static_limit_kg)} of equipment",
            )
        )
    if m.agent_required_kg is not None or m.agent_installed_kg is not None:
        required = "n/a" if m.agent_required_kg is None else _kg(m.agent_required_kg)
        installed = "n/a" if m.agent_installed_kg is None else _kg(m.agent_installed_kg)
        rows.append(("Agent required / installed", f"{required} / {installed}"))
    rows += [
        ("PUE (estimate)", _num(m.pue_estimate, 2)),
        ("Energy", f"{_num(m.annual_kwh)} kWh/yr"),
        ("CO2", f"{_num(m.co2_kg_per_year)} kg/yr (CUE {_num(m.cue_kg_per_kwh, 3)} kg/kWh)"),
        (
            "Water",
            f"{_num(m.annual_water_l, 0)} L/yr"
            + ("" if m.wue_l_per_kwh is None else f" (WUE {_num(m.wue_l_per_kwh, 2)} L/kWh)"),
        ),
        ("Energy cost", f"{_num(m.energy_cost_per_year, 2)} {m.currency}/yr"),
        ("Bill of materials", f"{_num(m.bill_total, 2)} {m.currency}"),
        ("Longest lead time", f"{m.lead_time_days} days"),
    ]
    if m.phase_loads:
        for load in m.phase_loads:
            rows.append(
                (
                    f"Phase L{load.phase} of '{load.source}'",
                    f"{load.current_a:,.2f} A / {load.limit_a:,.2f} A",  # C8: A to 0.01
                )
            )
    for source in m.sources:
        over = (
            f", L{', L'.join(str(p) for p in source.overloaded)} over" if source.overloaded else ""
        )
        rows.append(
            (
                f"Source '{source.source}'",
                f"{_w(source.load_w)} used of {_w(source.usable_w)} usable at "
                f"{source.limit_a:,.2f} A a phase{over}",
            )
        )
    if m.dew_point_max_c is not None and m.relative_humidity_max_pct is not None:
        rows.append(
            (
                "Room air, most humid",
                f"{_num(m.relative_humidity_max_pct, 0)} % RH, dew point "
                f"{_num(m.dew_point_max_c)} °C",
            )
        )
    rows += _liquid_rows(report)
    if m.power_unknown_items:
        rows.append(("Power unknown for", ", ".join(m.power_unknown_items)))
    return rows


def _liquid_rows(report: Report) -> list[tuple[str, str]]:
    """The liquid side (reference 8): heat into liquid, each loop, each rack's density; none
    for an air-cooled build."""
    m = report.metrics
    if m.liquid_w <= 0 and not m.loops:
        return []
    rows = [("Heat into liquid (cold plates, L5)", _w(m.liquid_w))]
    for loop in m.loops:
        what = "CDU" if loop.kind == "cdu" else "facility water"
        text = f"{_w(loop.heat_w)} of {_w(loop.capacity_w)}"
        if loop.flow_lpm is not None:
            needed = 0.0 if loop.flow_needed_lpm is None else loop.flow_needed_lpm
            text += f"; {_num(loop.flow_lpm)} L/min (heat needs {_num(needed)} L/min)"
        if loop.supply_c is not None:
            text += f"; supply {_num(loop.supply_c)} °C"
        if loop.return_c is not None:
            text += f", return {_num(loop.return_c)} °C"
        rows.append((f"Loop '{loop.source}' ({what})", text))
    for rack in m.racks:
        rows.append(
            (
                f"Rack '{rack.rack_id}' heat / to the air (L7)",
                f"{_num(rack.heat_kw, 2)} kW / {_num(rack.air_kw, 2)} kW",
            )
        )
    return rows


def _minutes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f} min"


def _finding_line(finding: Finding) -> str:
    subject = f" ({', '.join(finding.subject)})" if finding.subject else ""
    return f"  [{finding.code}]{subject} {finding.message}"


def render_text(report: Report, *, title: str = "Build") -> str:
    """A human-readable report: title, key metrics, findings by severity, then headroom."""
    verdict = "OK" if report.ok else "FAILS"
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s, _ in _SEVERITY_TITLES}
    heading = (
        f"{title}: {verdict} ({counts[Severity.ERROR]} errors, "
        f"{counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} infos)"
    )
    lines = [heading, "=" * len(heading), "", "Key metrics", *_table(_metric_rows(report))]

    for severity, name in _SEVERITY_TITLES:
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        lines += ["", f"{name} ({len(group)})"]
        lines += [_finding_line(f) for f in group]
    if not report.findings:
        lines += ["", "No findings."]

    h = report.headroom
    lines += [
        "",
        "Headroom",
        *_table(
            [
                ("Extra typical load", _w(h.typical_load_w)),
                ("Binding constraint", h.binding_constraint or "none"),
                ("Free rack units", f"{_u(h.u_free)} U"),
                ("Extra weight", _kg(h.weight_kg)),
                *((f"  by {name}", _w(value)) for name, value in sorted(h.by_constraint.items())),
            ]
        ),
    ]
    return "\n".join(lines) + "\n"


def render_rules_text(rules: Iterable[RuleInfo]) -> str:
    """Registered rule codes as text, grouped by family."""
    lines: list[str] = []
    family = None
    for rule in sorted(rules, key=lambda r: (r.family, r.code)):
        if rule.family != family:
            family = rule.family
            if lines:
                lines.append("")
            lines.append(family)
        lines.append(f"  {rule.code}")
        lines.append(f"      protects: {rule.protects}")
        lines.append(f"      source:   {rule.source}")
    return "\n".join(lines) + "\n"


def dumps(value: Any) -> str:
    """JSON text with the indentation the CLI uses."""
    return json.dumps(value, indent=2, ensure_ascii=False)
