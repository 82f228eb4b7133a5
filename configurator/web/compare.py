"""Two builds side by side: key metrics with their difference, findings, BOM totals and the
BOM line by line (added, removed, changed quantity or price per component)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from configurator.builds import selectors
from configurator.builds.bom import Bom, BomChange, bom_diff
from configurator.builds.models import Build
from configurator.errors import Conflict, NotFound
from configurator.tenancy.permissions import can_see_cost
from rules.model import Report, Severity

CHOICES_LIMIT = 200

# (label, unit, digits, figure of the report)
METRICS: list[tuple[str, str, int, Any]] = [
    ("IT load, typical", "W", 0, lambda r: r.metrics.it_load_typical_w),
    ("IT load, nameplate", "W", 0, lambda r: r.metrics.it_load_nameplate_w),
    ("UPS capacity", "kW", 2, lambda r: r.metrics.ups_capacity_kw),
    ("UPS load (kW)", "%", 1, lambda r: r.metrics.ups_load_kw_pct),
    ("UPS load (kVA)", "%", 1, lambda r: r.metrics.ups_load_kva_pct),
    ("UPS load, worst single loss (kW)", "%", 1, lambda r: r.metrics.ups_worst_load_kw_pct),
    ("Runtime", "min", 1, lambda r: r.metrics.runtime_min),
    ("Heat", "W", 0, lambda r: r.metrics.heat_w),
    ("Cooling needed (sensible)", "W", 0, lambda r: r.metrics.cooling_required_sensible_w),
    ("Cooling installed (sensible)", "W", 0, lambda r: r.metrics.cooling_installed_sensible_w),
    ("Rack units used", "U", 1, lambda r: sum(x.u_used for x in r.metrics.racks)),
    ("Rack units free", "U", 1, lambda r: sum(x.u_free for x in r.metrics.racks)),
    ("Weight in racks", "kg", 0, lambda r: sum(x.weight_kg for x in r.metrics.racks)),
    ("Site load", "W", 0, lambda r: r.metrics.site_load_w),
    ("PUE estimate", "", 2, lambda r: r.metrics.pue_estimate),
    ("Energy per year", "kWh", 0, lambda r: r.metrics.annual_kwh),
    ("CO\u2082 per year", "kg", 0, lambda r: r.metrics.co2_kg_per_year),
    ("Headroom (extra typical IT load)", "W", 0, lambda r: r.headroom.typical_load_w),
    ("Lead time", "days", 0, lambda r: r.metrics.lead_time_days),
]


@dataclass
class Row:
    """One figure of both builds and the difference B - A."""

    label: str
    unit: str
    a: str
    b: str
    difference: str


def _fmt(value: float | None, digits: int) -> str:
    return "\u2013" if value is None else f"{value:,.{digits}f}"


def _diff(a: float | None, b: float | None, digits: int) -> str:
    if a is None or b is None:
        return "\u2013"
    delta = round(b - a, digits)
    if delta == 0:
        return "="
    return f"{delta:+,.{digits}f}"


def _side(request: HttpRequest, build: Build) -> dict[str, Any]:
    report: Report = selectors.build_report(build)
    counts = {s.value: sum(f.severity is s for f in report.findings) for s in Severity}
    side: dict[str, Any] = {
        "build": build,
        "report": report,
        "counts": counts,
        "codes": sorted({f.code for f in report.findings if f.severity is not Severity.INFO}),
        "bom": None,
        "bom_error": "",
    }
    try:
        side["bom"] = selectors.build_bom(
            build, show_cost=can_see_cost(request.user, None, build.site.organisation)
        )
    except Conflict as exc:
        side["bom_error"] = exc.message
    return side


def _metric_rows(a: Report, b: Report) -> list[Row]:
    rows = [
        Row(label, unit, _fmt(get(a), digits), _fmt(get(b), digits), _diff(get(a), get(b), digits))
        for label, unit, digits, get in METRICS
    ]
    for label, attribute in (
        ("UPS redundancy", "ups_redundancy"),
        ("Cooling redundancy", "cooling_redundancy"),
    ):
        first, second = getattr(a.metrics, attribute).value, getattr(b.metrics, attribute).value
        rows.append(Row(label, "", first, second, "=" if first == second else "differs"))
    return rows


def _bom_rows(a: Bom | None, b: Bom | None, show_cost: bool) -> list[Row]:
    figures = [("List price", "list_price"), ("Net price", "net_price")]
    if show_cost:
        figures += [("Cost", "cost"), ("Margin %", "margin_pct")]
    rows = []
    either = a or b
    for label, attribute in figures:
        first = getattr(a.totals, attribute) if a else None
        second = getattr(b.totals, attribute) if b else None
        unit = "%" if attribute == "margin_pct" else either.currency if either else ""
        rows.append(
            Row(
                label,
                unit,
                _fmt(None if first is None else float(first), 2),
                _fmt(None if second is None else float(second), 2),
                _diff(
                    None if first is None else float(first),
                    None if second is None else float(second),
                    2,
                ),
            )
        )
    return rows


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_GET
def build_compare(request: HttpRequest) -> HttpResponse:
    """`?a=<id>&b=<id>`: both builds' metrics, findings and BOM totals; a chooser otherwise."""
    choices = list(selectors.build_list(user=request.user)[:CHOICES_LIMIT])
    a_pk, b_pk = _pk(request.GET.get("a")), _pk(request.GET.get("b"))
    context: dict[str, Any] = {"choices": choices, "a_pk": a_pk, "b_pk": b_pk}
    bad = [
        name for name in ("a", "b") if request.GET.get(name) and _pk(request.GET.get(name)) is None
    ]
    if bad:
        context["error"] = "Choose the builds from the lists."
    if a_pk is not None and b_pk is not None:
        try:
            build_a = selectors.build_get(pk=a_pk, user=request.user)
            build_b = selectors.build_get(pk=b_pk, user=request.user)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        side_a, side_b = _side(request, build_a), _side(request, build_b)
        show_cost = can_see_cost(request.user, None, build_a.site.organisation) and can_see_cost(
            request.user, None, build_b.site.organisation
        )
        lines = []
        if side_a["bom"] is not None and side_b["bom"] is not None:
            lines = bom_diff(side_a["bom"], side_b["bom"])
        context.update(
            bom_lines=[row for row in lines if row.change is not BomChange.SAME],
            unchanged_lines=sum(row.change is BomChange.SAME for row in lines),
            currency=(side_b["bom"] or side_a["bom"]).currency
            if (side_b["bom"] or side_a["bom"])
            else "",
            a=side_a,
            b=side_b,
            metric_rows=_metric_rows(side_a["report"], side_b["report"]),
            bom_rows=_bom_rows(side_a["bom"], side_b["bom"], show_cost),
            severities=[
                (s.value, side_a["counts"][s.value], side_b["counts"][s.value]) for s in Severity
            ],
            show_cost=show_cost,
        )
    return render(request, "configurator/editor/compare.html", context)


__all__ = ["build_compare"]
