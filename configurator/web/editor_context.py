"""What the editor's templates show, computed from one snapshot and one engine report.

Presentation only: names, spans, select options and gauge figures derived from the
`BuildSpec` and `Report`; every decision about what is allowed stays in the services and rules.
The lines, the gauges and the picker have their own modules (editor_lines, editor_gauges,
editor_picker); this one puts them together with the findings and the rack elevations.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from configurator.builds import selectors
from configurator.builds.models import Build
from configurator.builds.services.reports import build_report_with_spec
from configurator.documents.elevation import (
    kind_legend,
    rack_elevation_svg,
)
from configurator.errors import Conflict
from configurator.tenancy.permissions import SERVING_ROLES, can_see_cost, user_role
from configurator.web.editor_gauges import gauges_of, headroom_text
from configurator.web.editor_lines import line_views, source_options
from configurator.web.editor_picker import picker
from rules.model import BuildSpec, Finding, Report, Severity
from rules.specs import Kind

SEVERITY_TEXT = {
    Severity.ERROR: ("error", "errors", "\u2716"),
    Severity.WARNING: ("warning", "warnings", "\u25b2"),
    Severity.INFO: ("info", "info", "\u2139"),
}


def evaluate(spec: BuildSpec) -> Report:
    """The engine's report on a snapshot (imported late: importing registers every check)."""
    from rules import evaluate as engine_evaluate

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
    # The snapshot always (the page draws it); the report from the cache when current.
    spec, stored = build_report_with_spec(build=build)
    report = stored.report
    names = _names(spec)
    show_cost = can_see_cost(request.user)
    wanted = set(parts) if parts is not None else {"all"}

    def want(part: str) -> bool:
        return "all" in wanted or part in wanted

    lines, selected_line = line_views(spec, report, names, selected or None)
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
        "sources": source_options(spec, names),
        "ups_options": [
            (i.id, f"{i.id} \u00b7 {names[i.id]}")
            for i in spec.items
            if i.component.kind is Kind.UPS
        ],
        "racks_spec": spec.racks,
        "severity_groups": _severity_groups(report, names),
        "gauges": gauges_of(spec, report, names),
        "headroom_text": headroom_text(report),
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
        context["picker"] = picker(spec, query or {}, show_cost=show_cost)
    if want("bom"):
        try:
            context["bom"] = selectors.build_bom(build, show_cost=show_cost)
        except Conflict as exc:
            context["bom_error"] = exc.message
    return context
