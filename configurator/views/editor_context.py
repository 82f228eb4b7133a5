"""What the editor's templates show, computed from one snapshot and one engine report.

Presentation only: names, spans, select options and gauge figures derived from the
`BuildSpec` and `Report`; every decision about what is allowed stays in the services and rules.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from catalog.choices import ComponentKind
from catalog.selectors import component_list
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine
from configurator.documents.elevation import (
    free_positions,
    kind_legend,
    rack_elevation_svg,
    u_span_text,
)
from configurator.errors import Conflict
from configurator.tenancy.permissions import SERVING_ROLES, can_see_cost, user_role
from rules.model import POWER_SOURCE_KINDS, BuildSpec, Finding, PlacedItem, Report, Severity
from rules.specs import Kind

PICKER_LIMIT = 20
SEVERITY_TEXT = {
    Severity.ERROR: ("error", "errors", "\u2716"),
    Severity.WARNING: ("warning", "warnings", "\u25b2"),
    Severity.INFO: ("info", "info", "\u2139"),
}
CONSTRAINT_TEXT = {
    "ups_kw": "UPS real power (kW)",
    "ups_kva": "UPS apparent power (kVA)",
    "cooling_sensible": "cooling capacity",
    "site_supply": "site supply",
    "pdu_current": "PDU current",
    "runtime": "battery runtime",
}


def evaluate(spec: BuildSpec) -> Report:
    """The engine's report on a snapshot (imported late: importing registers every check)."""
    from rules.engine import evaluate as engine_evaluate

    return engine_evaluate(spec)


def faces_from(data: Mapping[str, Any]) -> dict[str, str]:
    """The face each rack card shows, from the cards' `face_<rack pk>` hidden inputs."""
    faces = {}
    for key in data:
        if key.startswith("face_") and key[5:].isdigit():
            faces[selectors.line_ref(int(key[5:]))] = "rear" if data.get(key) == "rear" else "front"
    return faces


def highlight_from(data: Mapping[str, Any]) -> list[str]:
    """Engine ids to highlight, from `highlight=L1,L2`; anything else is ignored."""
    raw = str(data.get("highlight") or "")
    return [ref for ref in raw.split(",") if selectors.line_id_from_ref(ref) is not None][:50]


def line_name(line: BuildLine) -> str:
    """How the editor names a line: manufacturer and model."""
    return f"{line.component.manufacturer.name} {line.component.model_name}"


def where_text(line: BuildLine) -> str:
    """Where a line now sits, as the end of a sentence."""
    if line.rack_id is None:
        return " (not in a rack)"
    if line.position_u is None:
        return f" in rack {selectors.line_ref(line.rack_id)}, without a U position"
    height = float(line.component.u_height) * line.quantity
    return f" at {u_span_text(float(line.position_u), height)}, {line.face}"


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "\u2013"
    return f"{value:,.{digits}f}"


def picker_components(query: Any) -> list[Any]:
    """Components matching the picker's kind and text, in catalogue order, at most a page."""
    components = component_list()
    kind = query.get("kind") or ""
    if kind in ComponentKind.values:
        components = components.filter(kind=kind)
    for word in (query.get("q") or "").split()[:5]:
        components = components.filter(
            Q(model_name__icontains=word)
            | Q(sku__icontains=word)
            | Q(manufacturer__name__icontains=word)
        )
    return list(components[:PICKER_LIMIT])


# --------------------------------------------------------------------------- views of the data


@dataclass
class FindingView:
    """One finding with the names of the items it involves and the ids to highlight."""

    finding: Finding
    subjects: list[tuple[str, str]]
    icon: str
    word: str

    @property
    def highlight(self) -> str:
        return ",".join(ref for ref, _ in self.subjects)


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


@dataclass
class LineView:
    """One line as the list and the panel show it."""

    ref: str
    pk: int
    name: str
    kind: str
    kind_label: str
    quantity: int
    u_height: float
    rack: str | None
    rack_name: str
    position: float | None
    face: str
    feed_a: str | None
    feed_b: str | None
    ups: str | None
    phase: int | None
    note: str
    has_error: bool
    is_rack: bool = False
    position_groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    feed_options: list[tuple[str, str]] = field(default_factory=list)
    ups_options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        if self.is_rack:
            return "Rack"
        if self.rack is None:
            return "Not in a rack"
        if self.position is None:
            return (
                f"{self.rack_name}, zero-U" if self.u_height == 0 else f"{self.rack_name}, unplaced"
            )
        span = u_span_text(self.position, self.u_height * self.quantity)
        return f"{self.rack_name}, {span}, {self.face}"

    @property
    def position_value(self) -> str:
        if self.rack is None:
            return "none"
        if self.position is None:
            return self.rack
        return f"{self.rack}@{self.position:g}"


# --------------------------------------------------------------------------- builders


def _names(spec: BuildSpec) -> dict[str, str]:
    names = {rack.id: rack.name or rack.component.name for rack in spec.racks}
    names.update({item.id: item.component.name for item in spec.items})
    return names


def _severity_groups(report: Report, names: dict[str, str]) -> list[dict[str, Any]]:
    groups = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        one, many, icon = SEVERITY_TEXT[severity]
        findings = [f for f in report.findings if f.severity is severity]
        groups.append(
            {
                "severity": severity.value,
                "count": len(findings),
                "label": f"{len(findings)} {one if len(findings) == 1 else many}",
                "icon": icon,
                "findings": [
                    FindingView(
                        finding=f,
                        subjects=[(ref, names.get(ref, ref)) for ref in f.subject],
                        icon=icon,
                        word=one.capitalize(),
                    )
                    for f in findings
                ],
            }
        )
    return groups


def _gauges(spec: BuildSpec, report: Report, names: dict[str, str]) -> list[Gauge]:
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
        gauges.append(
            Gauge(
                label="Battery runtime",
                value=runtime,
                maximum=max(runtime, required * 2, 1),
                low=required,
                optimum=max(runtime, required * 2, 1),
                over=runtime < required,
                text=f"{_fmt(runtime, 1)} min (required {required:g} min)",
            )
        )
    needed = metrics.cooling_required_sensible_w
    installed = metrics.cooling_installed_sensible_w
    gauges.append(
        Gauge(
            label="Cooling (sensible)",
            value=needed,
            maximum=max(needed, installed, 1),
            high=installed if installed > 0 else None,
            optimum=0,
            over=installed > 0 and needed > installed,
            text=(
                f"{_fmt(needed)} W needed of {_fmt(installed)} W installed"
                if installed > 0
                else f"{_fmt(needed)} W needed; no cooling unit (the room carries it)"
            ),
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


def _headroom_text(report: Report) -> str:
    headroom = report.headroom
    binding = CONSTRAINT_TEXT.get(headroom.binding_constraint, headroom.binding_constraint)
    extra = headroom.typical_load_w
    if extra <= 0:
        return f"No headroom: {binding or 'a constraint'} is already at its limit."
    return f"{_fmt(extra)} W more typical IT load fits; {binding} binds first."


def _sources(spec: BuildSpec, names: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (item.id, f"{item.id} \u00b7 {names[item.id]}")
        for item in spec.items
        if item.component.kind in POWER_SOURCE_KINDS
    ]


def _position_groups(
    spec: BuildSpec,
    *,
    u_height: float,
    kind: str,
    face: str = "front",
    depth_mm: float | None = None,
    ignore: Collection[str] = (),
    auto: bool = True,
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of a placement select: auto / not in a rack, then each rack's free U."""
    if kind == Kind.RACK:
        return [("", [("none", "Standalone rack")])]
    general = [("auto", "Auto-place (lowest free U)")] if auto else []
    general.append(("none", "Not in a rack (room level)"))
    groups = [("", general)]
    for rack in spec.racks:
        name = rack.name or rack.component.name
        options = [(rack.id, f"{name}: zero-U (side)" if u_height == 0 else f"{name}: unplaced")]
        if u_height > 0:
            options.extend(
                (f"{rack.id}@{u}", f"{name}: U{u}")
                for u in free_positions(
                    spec,
                    rack.id,
                    u_height=u_height,
                    face=face,
                    depth_mm=depth_mm,
                    ignore=ignore,
                )
            )
        groups.append((name, options))
    return groups


def _line_views(
    spec: BuildSpec, report: Report, names: dict[str, str], selected: str | None
) -> tuple[list[LineView], LineView | None]:
    errors = {ref for f in report.errors for ref in f.subject}
    sources = _sources(spec, names)
    ups_options = [
        (i.id, f"{i.id} \u00b7 {names[i.id]}") for i in spec.items if i.component.kind is Kind.UPS
    ]
    racks = {rack.id: rack for rack in spec.racks}
    views: list[LineView] = []
    chosen: LineView | None = None
    for rack in spec.racks:
        view = LineView(
            ref=rack.id,
            pk=selectors.line_id_from_ref(rack.id) or 0,
            name=rack.component.name,
            kind=Kind.RACK.value,
            kind_label="Rack",
            quantity=1,
            u_height=0,
            rack=None,
            rack_name="",
            position=None,
            face="front",
            feed_a=None,
            feed_b=None,
            ups=None,
            phase=None,
            note=rack.name,
            has_error=rack.id in errors,
            is_rack=True,
        )
        views.append(view)
        if rack.id == selected:
            chosen = view
    for item in spec.items:
        view = _item_view(item, names, errors, racks)
        views.append(view)
        if item.id == selected:
            view.position_groups = _position_groups(
                spec,
                u_height=item.component.u_height * item.quantity,
                kind=item.component.kind.value,
                face=item.face.value,
                depth_mm=item.component.depth_mm,
                ignore={item.id},
                auto=False,
            )
            view.feed_options = [s for s in sources if s[0] != item.id]
            view.ups_options = ups_options
            chosen = view
    return views, chosen


def _item_view(
    item: PlacedItem, names: dict[str, str], errors: set[str], racks: dict[str, Any]
) -> LineView:
    kind = item.component.kind
    return LineView(
        ref=item.id,
        pk=selectors.line_id_from_ref(item.id) or 0,
        name=item.component.name,
        kind=kind.value,
        kind_label=ComponentKind(kind.value).label,
        quantity=item.quantity,
        u_height=item.component.u_height,
        rack=item.rack_id,
        rack_name=names.get(item.rack_id, item.rack_id) if item.rack_id else "",
        position=item.position_u,
        face=item.face.value,
        feed_a=item.feed_a,
        feed_b=item.feed_b,
        ups=item.ups_id,
        phase=item.phase,
        note=item.note,
        has_error=item.id in errors,
    )


def elevations_context(
    build: Build,
    spec: BuildSpec,
    *,
    report: Report | None = None,
    faces: Mapping[str, str] | None = None,
    highlight: Iterable[str] = (),
    only: str | None = None,
    lazy: bool = False,
) -> dict[str, Any]:
    """The rack cards: each rack's SVG on its chosen face (or a lazy-load placeholder)."""
    faces = faces or {}
    highlight = list(highlight)
    if report is None and not lazy:
        report = evaluate(spec)
    interactive = not build.is_read_only
    cards = []
    for rack in spec.racks:
        if only is not None and rack.id != only:
            continue
        pk = selectors.line_id_from_ref(rack.id) or 0
        face = faces.get(rack.id, "front")
        url = reverse("editor:elevation", kwargs={"pk": build.pk, "rack": pk})
        svg = None
        if not lazy and report is not None:
            svg = rack_elevation_svg(
                spec,
                rack.id,
                face="rear" if face == "rear" else "front",
                highlight=highlight,
                findings=report.findings,
                interactive=interactive,
            )
        cards.append(
            {
                "ref": rack.id,
                "pk": pk,
                "name": rack.name or rack.component.name,
                "face": face,
                "svg": svg,
                "url": url,
                "highlight": ",".join(highlight),
                "build": build,
            }
        )
    return {
        "racks": cards,
        "legend": kind_legend(),
        "highlight": ",".join(highlight),
        "build": build,
        "line_url": reverse("editor:detail", kwargs={"pk": build.pk}) + "lines/",
    }


def _picker(spec: BuildSpec, query: Mapping[str, Any], *, show_cost: bool) -> dict[str, Any]:
    results = []
    for component in picker_components(query):
        u_height = float(component.u_height)
        power = component.typical_w if component.typical_w is not None else component.nameplate_w
        results.append(
            {
                "pk": component.pk,
                "name": f"{component.manufacturer.name} {component.model_name}",
                "sku": component.sku,
                "kind": component.kind,
                "kind_label": component.get_kind_display(),
                "u_height": u_height,
                "power_w": None if power is None else float(power),
                "list_price": component.list_price,
                "cost_price": component.cost_price if show_cost else None,
                "currency": component.currency,
                "is_rack": component.kind == ComponentKind.RACK,
                "position_groups": _position_groups(
                    spec,
                    u_height=u_height,
                    kind=component.kind,
                    depth_mm=float(component.depth_mm) if component.depth_mm else None,
                ),
            }
        )
    return {
        "q": str(query.get("q") or "")[:100],
        "kind": str(query.get("kind") or ""),
        "kinds": ComponentKind.choices,
        "results": results,
    }


def editor_context(
    request: HttpRequest,
    build: Build,
    *,
    lazy: bool = False,
    faces: Mapping[str, str] | None = None,
    selected: str | None = None,
    query: Mapping[str, Any] | None = None,
    parts: Collection[str] | None = None,
) -> dict[str, Any]:
    """Everything the editor page (or the requested `parts` of it) renders."""
    spec = selectors.build_snapshot(build)
    report = evaluate(spec)
    names = _names(spec)
    show_cost = can_see_cost(request.user)
    wanted = set(parts) if parts is not None else {"all"}

    def want(part: str) -> bool:
        return "all" in wanted or part in wanted

    lines, selected_line = _line_views(spec, report, names, selected or None)
    context: dict[str, Any] = {
        "build": build,
        "site": build.site,
        "spec": spec,
        "report": report,
        "read_only": build.is_read_only,
        "can_approve": user_role(request.user, build.site.organisation) in SERVING_ROLES,
        "show_cost": show_cost,
        "lines": lines,
        "selected_line": selected_line,
        "sources": _sources(spec, names),
        "ups_options": [
            (i.id, f"{i.id} \u00b7 {names[i.id]}")
            for i in spec.items
            if i.component.kind is Kind.UPS
        ],
        "racks_spec": spec.racks,
        "severity_groups": _severity_groups(report, names),
        "gauges": _gauges(spec, report, names),
        "headroom_text": _headroom_text(report),
        "include": "#picker-search, .view-state",
    }
    if want("elevations"):
        context.update(
            elevations_context(
                build,
                spec,
                report=report,
                faces=faces,
                highlight=[selected] if selected else [],
                lazy=lazy,
            )
        )
    if want("picker"):
        context["picker"] = _picker(spec, query or {}, show_cost=show_cost)
    if want("bom"):
        try:
            context["bom"] = selectors.build_bom(build, show_cost=show_cost)
        except Conflict as exc:
            context["bom_error"] = exc.message
    return context
