"""What a build's spec sheet shows: its source frozen as JSON, and the template context.

`spec_sheet_source(build)` freezes the snapshot, the report, the names and the date when the
sheet is requested; everything after reads that JSON only, so the same sheet prints the same
text whatever happened to the build or the catalogue since. Figures are the engine's own
(metrics of the frozen report); nothing is recomputed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from configurator.documents import print_elevations
from configurator.documents.loops import loop_diagram_svg
from configurator.formatting import EN_DASH, number_text
from rules.feeds import POWER_SOURCE_KINDS
from rules.model import BuildSpec, Finding, PlacedItem

if TYPE_CHECKING:
    from configurator.builds.models import Build

__all__ = ["render_spec_sheet_html", "spec_sheet_context", "spec_sheet_source"]

TIMES = "\u00d7"
SITE_SOURCE = "site"  # rules.derive.electrical.SITE: the id of the utility supply in phase loads
_SOURCE_KINDS = {kind.value for kind in POWER_SOURCE_KINDS}
# Figures are printed by configurator.formatting, as on the web pages.
_num = number_text


def spec_sheet_source(build: Build) -> dict[str, Any]:
    """What a build's spec sheet shows, as JSON: snapshot, report, names, revision, date."""
    from configurator.builds.selectors import build_snapshot
    from rules import evaluate

    spec = build_snapshot(build)
    organisation = build.site.organisation
    return {
        "build": {
            "id": build.pk,
            "name": build.name,
            "revision": build.revision,
            "status": build.status,
        },
        "organisation": organisation.name,
        "seller": (organisation.served_by or organisation).name,
        "generated_at": timezone.now().isoformat(),
        "spec": spec.model_dump(mode="json"),
        "report": evaluate(spec).model_dump(mode="json"),
    }


def _positions(spec: BuildSpec) -> list[dict[str, Any]]:
    """Per rack, its placed items top down: the table shown instead of a drawing."""
    racks = []
    for rack in spec.racks:
        placed = sorted(
            (i for i in spec.items if i.rack_id == rack.id),
            key=lambda i: (i.position_u is None, -(i.position_u or 0), i.id),
        )
        rows = []
        for item in placed:
            height = item.component.u_height * item.quantity
            if item.position_u is None:
                where = "zero-U / unplaced"
            elif height > 1:
                where = f"U{item.position_u:g}{EN_DASH}{item.position_u + height - 1:g}"
            else:
                where = f"U{item.position_u:g}"
            rows.append(
                {
                    "where": where,
                    "name": item.component.name,
                    "manufacturer": item.component.manufacturer,
                    "sku": item.component.sku,
                    "quantity": item.quantity,
                    "face": item.face.value,
                }
            )
        racks.append({"id": rack.id, "name": rack.name or rack.component.name, "rows": rows})
    return racks


def _power_chain(spec: BuildSpec, report: dict[str, Any]) -> list[dict[str, Any]]:
    """UPSs, ATSs and PDUs with what feeds them, the load behind them and phase currents."""
    names = {item.id: item.component.name for item in spec.items}
    names[SITE_SOURCE] = "Site supply"
    phases: dict[str, list[dict[str, Any]]] = {}
    for load in report.get("metrics", {}).get("phase_loads", []):
        limit = load["limit_a"] or 0
        phases.setdefault(load["source"], []).append(
            {
                "phase": f"L{load['phase']}",
                "current_a": _num(load["current_a"], 1),
                "limit_a": _num(limit, 1),
                "pct": _num(load["current_a"] / limit * 100 if limit else None),
                "over": bool(limit) and load["current_a"] > limit,
            }
        )
    # The engine's own figures (rules.derive.electrical): nameplate load in normal operation
    # beside what the source carries at its limit (C2; C4). Reports frozen before they
    # existed show none.
    capacity = {s["source"]: s for s in report.get("metrics", {}).get("sources", [])}

    def load(source_id: str) -> dict[str, str]:
        found = capacity.get(source_id)
        if found is None:
            return {"load_w": EN_DASH, "usable_w": EN_DASH}
        return {"load_w": _num(found["load_w"]), "usable_w": _num(found["usable_w"])}

    chain = []
    sources: list[PlacedItem] = [i for i in spec.items if i.component.kind.value in _SOURCE_KINDS]
    kind_order = {"ups": 0, "ats": 1, "pdu": 2}
    for item in sorted(sources, key=lambda i: (kind_order.get(i.component.kind.value, 9), i.id)):
        fed_from = [names.get(f, f) for f in (item.feed_a, item.feed_b) if f] or ["Site supply"]
        chain.append(
            {
                "id": item.id,
                "name": item.component.name,
                "kind": item.component.kind.value.upper(),
                "fed_from": ", ".join(fed_from),
                **load(item.id),
                "phases": phases.get(item.id, []),
            }
        )
    chain.append(
        {
            "id": SITE_SOURCE,
            "name": "Site supply",
            "kind": "SUPPLY",
            "fed_from": "Utility",
            **load(SITE_SOURCE),
            "phases": phases.get(SITE_SOURCE, []),
        }
    )
    return chain


def _liquid_rows(spec: BuildSpec, metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """The engine's liquid figures (reference 8) as label/value rows; none without liquid.
    Reports frozen before liquid cooling existed carry none of them and show none."""
    loops = metrics.get("loops") or []
    liquid_w = metrics.get("liquid_w") or 0
    if not loops and not liquid_w:
        return []
    names = {item.id: item.component.name for item in spec.items}
    u = spec.policy.utilisation_limit
    rows = [
        (
            "Heat into liquid (cold plates) / to the room air",
            f"{_num(liquid_w)} W / {_num(metrics.get('heat_w'))} W",
        )
    ]
    for loop in loops:
        what = "CDU" if loop["kind"] == "cdu" else "Facility water"
        value = (
            f"{_num(loop['heat_w'])} W of {_num(loop['capacity_w'] * u)} W "
            f"({u * 100:g} % of {_num(loop['capacity_w'])} W); "
            f"supply {_num(loop['supply_c'], 1)} °C"
        )
        if loop.get("return_c") is not None:
            value += f", return {_num(loop['return_c'], 1)} °C"
        if loop.get("flow_lpm") is not None:
            value += (
                f"; {_num(loop['flow_lpm'], 1)} L/min to the nodes, "
                f"{_num(loop.get('flow_needed_lpm'), 1)} L/min needed at "
                f"{spec.policy.liquid_delta_t_k:g} K"
            )
        rows.append(
            (f"{what} {names.get(loop['source'], loop['source'])} ({loop['source']})", value)
        )
    for rack in metrics.get("racks", []):
        if rack.get("heat_kw"):
            rows.append(
                (
                    f"Rack {rack['rack_id']}: heat / to the air",
                    f"{_num(rack['heat_kw'], 1)} kW / {_num(rack.get('air_kw'), 1)} kW "
                    f"(air-cooled limit {spec.policy.air_density_limit_kw:g} kW)",
                )
            )
    return rows


def spec_sheet_context(source: dict[str, Any]) -> dict[str, Any]:
    """Template context of a spec sheet, from `spec_sheet_source` JSON."""
    spec = BuildSpec.model_validate(source["spec"])
    report = source["report"]
    metrics = report.get("metrics", {})
    site = spec.site
    findings = [Finding.model_validate(f) for f in report.get("findings", [])]
    elevations = print_elevations.elevations(spec, findings)
    build = source.get("build", {})
    organisation = source.get("organisation", "")
    seller = source.get("seller", "")
    ups_pct = metrics.get("ups_load_kw_pct")
    ups_worst_pct = metrics.get("ups_worst_load_kw_pct")
    return {
        "title": f"Spec sheet — {build.get('name', spec.name)} rev {build.get('revision', '')}",
        "build": build,
        "organisation": organisation,
        "seller": seller,
        # Named once: a seller's own build is not "for" itself.
        "for_organisation": organisation if organisation != seller else "",
        "generated_at": source.get("generated_at", "")[:10],
        "site": site,
        "site_rows": [
            ("Environment", site.environment.value),
            ("Ambient", f"{site.ambient_min_c:g}{EN_DASH}{site.ambient_max_c:g} °C"),
            (
                "Outdoor design",
                f"{site.outdoor_range_c[0]:g}{EN_DASH}{site.outdoor_range_c[1]:g} °C"
                if site.outdoor_range_c is not None
                else "not stated",
            ),
            ("Altitude", f"{site.altitude_m:g} m"),
            (
                "Supply",
                f"{site.supply_phases} {TIMES} {site.supply_voltage_v:g} V, "
                f"{site.supply_breaker_a:g} A breaker",
            ),
            ("Room volume", f"{site.room_volume_m3:g} m³" if site.room_volume_m3 else "unknown"),
            (
                "Room air conditioning",
                f"{site.room_cooling_w:,.0f} W sensible"
                if site.room_cooling_w is not None
                else "none stated",
            ),
            (
                "Humidity",
                f"up to {site.relative_humidity_max_pct:g} % RH"
                if site.relative_humidity_max_pct is not None
                else (
                    f"dew point up to {site.dew_point_max_c:g} °C"
                    if site.dew_point_max_c is not None
                    else "unknown"
                ),
            ),
            ("Country", site.country),
            ("Grid carbon", f"{site.grid_carbon_g_per_kwh:g} gCO₂e/kWh"),
        ],
        "summary_rows": [
            (
                "IT load typical / nameplate",
                f"{_num(metrics.get('it_load_typical_w'))} / "
                f"{_num(metrics.get('it_load_nameplate_w'))} W",
            ),
            (
                "UPS capacity",
                f"{_num(metrics.get('ups_capacity_kw'), 1)} kW / "
                f"{_num(metrics.get('ups_capacity_kva'), 1)} kVA",
            ),
            ("UPS load (most loaded)", f"{_num(ups_pct)} %" if ups_pct is not None else EN_DASH),
            (
                "UPS load, worst single loss",
                f"{_num(ups_worst_pct)} %" if ups_worst_pct is not None else EN_DASH,
            ),
            (
                "Runtime at load, new / end of life",
                f"{_num(metrics.get('runtime_new_min', metrics.get('runtime_min')), 1)} / "
                f"{_num(metrics.get('runtime_end_of_life_min'), 1)} min "
                f"({'end of life' if metrics.get('runtime_basis') == 'end_of_life' else 'new'}"
                " judged)",
            ),
            ("Racks / items", f"{len(spec.racks)} / {len(spec.items)}"),
        ],
        "elevations": elevations,
        "positions": None if elevations is not None else _positions(spec),
        "loop_diagram": loop_diagram_svg(spec, findings=findings, uid="sheet"),
        "liquid_rows": _liquid_rows(spec, metrics),
        "power_chain": _power_chain(spec, report),
        "thermal_rows": [
            (
                "Heat to remove (IT, other loads, UPS losses)",
                f"{_num(metrics.get('heat_w'))} W ({_num(metrics.get('heat_btu_h'))} BTU/h)",
            ),
            (
                "IT heat alone",
                f"{_num(metrics.get('it_heat_w'))} W ({_num(metrics.get('it_heat_btu_h'))} BTU/h)",
            ),
            (
                "Cooling required / installed / at the site (sensible)",
                f"{_num(metrics.get('cooling_required_sensible_w'))} / "
                f"{_num(metrics.get('cooling_installed_sensible_w'))} / "
                f"{_num(metrics.get('cooling_effective_sensible_w'))} W",
            ),
            (
                "Airflow for the room heat / installed",
                f"{_num(metrics.get('airflow_required_m3h'))} / "
                f"{_num(metrics.get('airflow_installed_m3h'))} m³/h",
            ),
            ("Airflow the IT pulls through", f"{_num(metrics.get('airflow_it_m3h'))} m³/h"),
            ("Cooling power draw", f"{_num(metrics.get('cooling_power_w'))} W"),
        ],
        "redundancy_rows": [
            ("UPS", metrics.get("ups_redundancy", "none")),
            ("Cooling", metrics.get("cooling_redundancy", "none")),
        ],
        "findings": list(report.get("findings", [])),
        "ok": report.get("ok", False),
        "sustainability_rows": [
            ("PUE estimate", _num(metrics.get("pue_estimate"), 2)),
            ("Energy per year", f"{_num(metrics.get('annual_kwh'))} kWh/yr"),
            ("CO₂ per year", f"{_num(metrics.get('co2_kg_per_year'))} kg CO₂e/yr"),
            ("CUE", f"{_num(metrics.get('cue_kg_per_kwh'), 3)} kg CO₂e per IT kWh"),
            (
                "Water per year / WUE",
                f"{_num(metrics.get('annual_water_l'))} L / "
                f"{_num(metrics.get('wue_l_per_kwh'), 2)} L per IT kWh",
            ),
            (
                "Energy cost per year",
                f"{_num(metrics.get('energy_cost_per_year'))} {metrics.get('currency', '')}",
            ),
        ],
    }


def render_spec_sheet_html(source: dict[str, Any] | Build) -> str:
    """The HTML of a spec sheet, from frozen `spec_sheet_source` JSON or from a build now."""
    if not isinstance(source, dict):
        source = spec_sheet_source(source)
    return render_to_string("pdf/spec_sheet.html", spec_sheet_context(source))
