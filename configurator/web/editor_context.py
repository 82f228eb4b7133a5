"""What the editor's templates show, computed from one snapshot and one engine report.

Presentation only: names, spans, select options and gauge figures derived from the
`BuildSpec` and `Report`; every decision about what is allowed stays in the services and rules.
The lines, the gauges and the picker have their own modules (editor_lines, editor_gauges,
editor_picker); this one puts them together with the findings and the rack elevations.

`EditorState` is one request's view of the build. Each region of the page it can render (the
summary, the validation panel, a rack card, a line row...) has a digest of the data it shows;
after a write the editor sends the digests of what it shows, and only the regions whose digest
changed come back (editor_regions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from configurator.builds import selectors
from configurator.builds.bom import Bom
from configurator.builds.models import Build
from configurator.builds.services.reports import build_report_with_spec
from configurator.documents.elevation import kind_legend, rack_elevation_svg
from configurator.errors import Conflict
from configurator.tenancy.permissions import SERVING_ROLES, can_see_cost, roles_around, user_role
from configurator.web.editor_gauges import (
    HEADROOM_BASIS,
    Gauge,
    gauges_of,
    headroom_rows,
    headroom_text,
    site_figures,
)
from configurator.web.editor_lines import LineView, line_views, source_options
from configurator.web.editor_picker import add_panel, picker
from configurator.web.editor_regions import digest
from rules.derive.names import Names
from rules.model import BuildSpec, Finding, Report, Severity
from rules.specs import Kind

SEVERITY_TEXT = {
    Severity.ERROR: ("error", "errors", "\u2716"),
    Severity.WARNING: ("warning", "warnings", "\u25b2"),
    Severity.INFO: ("info", "info", "\u2139"),
}
# The gauges the sticky summary repeats: IT against the UPS, the cooling, the site supply.
SUMMARY_GAUGES = ("it", "cooling", "source:site")


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


@dataclass
class FindingView:
    """One finding and the ids to highlight."""

    finding: Finding
    icon: str
    word: str

    @property
    def highlight(self) -> str:
        return ",".join(ref for ref in self.finding.subject if ref.startswith("L"))


def _severity_groups(report: Report) -> list[dict[str, Any]]:
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
                    FindingView(finding=f, icon=icon, word=one.capitalize()) for f in findings
                ],
            }
        )
    return groups


@dataclass
class RackCard:
    """One rack's card: its SVG on the chosen face (None while lazy) and what drew it."""

    ref: str
    pk: int
    name: str
    face: str
    svg: str | None
    url: str
    highlight: str
    digest: str

    @property
    def region(self) -> str:
        return f"rack-{self.ref}"


class EditorState:
    """One request's view of a build: snapshot, report and everything the regions show.

    Built once per request; each part is computed on first use, so a write that re-renders
    three regions pays for those three.
    """

    def __init__(
        self,
        request: HttpRequest,
        build: Build,
        *,
        roles: dict[int, str] | None = None,
        faces: Mapping[str, str] | None = None,
        selected: str | None = None,
        highlight: Iterable[str] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> None:
        self.request = request
        self.build = build
        # The snapshot always (the page draws it); the report from the cache when current.
        self.spec, stored = build_report_with_spec(build=build)
        self.report = stored.report
        self.names = Names(self.spec)
        self.faces = dict(faces or {})
        self.selected = selected or None
        self.highlight = list(highlight) if highlight is not None else self._default_highlight()
        self.query = query or {}
        self.read_only = build.is_read_only
        self._given_roles = roles

    def _default_highlight(self) -> list[str]:
        return [self.selected] if self.selected else []

    # ------------------------------------------------------------------ shared pieces

    @cached_property
    def _roles(self) -> dict[int, str]:
        # The user's roles around the build's organisation (`roles_around`), read once for
        # both questions unless the caller read them with the build.
        if self._given_roles is not None:
            return self._given_roles
        return roles_around(self.request.user, self.build.site.organisation)

    @cached_property
    def show_cost(self) -> bool:
        # Only a cost role in the seller of this build's organisation counts.
        return can_see_cost(
            self.request.user, None, self.build.site.organisation, roles=self._roles
        )

    @cached_property
    def seller_id(self) -> int | None:
        """The seller whose price book and private parts the picker offers."""
        return self.build.site.organisation.selling_organisation_id

    @cached_property
    def can_approve(self) -> bool:
        role = user_role(self.request.user, self.build.site.organisation, roles=self._roles)
        return role in SERVING_ROLES

    @cached_property
    def _lines(self) -> tuple[list[LineView], LineView | None]:
        return line_views(self.spec, self.report, self.names, self.selected)

    @property
    def lines(self) -> list[LineView]:
        return self._lines[0]

    @property
    def selected_line(self) -> LineView | None:
        return self._lines[1]

    @cached_property
    def severity_groups(self) -> list[dict[str, Any]]:
        return _severity_groups(self.report)

    @cached_property
    def gauges(self) -> list[Gauge]:
        rack_names = {rack.id: rack.name or rack.component.name for rack in self.spec.racks}
        source_names = {
            i.id: self.names(i.id) for i in self.spec.items if i.component.kind is not Kind.RACK
        }
        return gauges_of(self.spec, self.report, {**source_names, **rack_names})

    @cached_property
    def summary_gauges(self) -> list[Gauge]:
        by_key = {g.key: g for g in self.gauges if g.key}
        return [by_key[key] for key in SUMMARY_GAUGES if key in by_key]

    @cached_property
    def headroom_text(self) -> str:
        return headroom_text(self.report)

    @cached_property
    def sources(self) -> list[tuple[str, str]]:
        return source_options(self.spec, self.names)

    @cached_property
    def ups_options(self) -> list[tuple[str, str]]:
        return [(i.id, self.names(i.id)) for i in self.spec.items if i.component.kind is Kind.UPS]

    @cached_property
    def bom(self) -> tuple[Bom | None, str | None]:
        try:
            return selectors.build_bom(self.build, show_cost=self.show_cost), None
        except Conflict as exc:
            return None, exc.message

    # ------------------------------------------------------------------ digests

    @cached_property
    def summary_digest(self) -> str:
        return digest(
            self.build.revision,
            [(g["severity"], g["count"]) for g in self.severity_groups],
            [(g.label, g.text, g.over) for g in self.summary_gauges],
            self.headroom_text,
        )

    @property
    def highlight_digest(self) -> str:
        return digest(self.highlight)

    @cached_property
    def header_digest(self) -> str:
        return digest(self.build.name, self.build.status, self.read_only, self.can_approve)

    @cached_property
    def validation_digest(self) -> str:
        return digest(
            [(f.code, f.severity.value, f.message, f.subject) for f in self.report.findings],
            [(g.label, g.text, g.over, g.value, g.maximum) for g in self.gauges],
            self.headroom_text,
        )

    @cached_property
    def panel_digest(self) -> str:
        line = self.selected_line
        if line is None:
            return digest(None, self.read_only)
        return digest(
            line.row_key,
            line.face,
            line.phase,
            line.ups,
            line.position_value,
            line.position_groups,
            line.feed_options,
            line.ups_options,
            self.read_only,
        )

    @cached_property
    def bom_digest(self) -> str:
        counts: dict[str, int] = {}
        for rack in self.spec.racks:
            counts[rack.component.ref] = counts.get(rack.component.ref, 0) + 1
        for item in self.spec.items:
            counts[item.component.ref] = counts.get(item.component.ref, 0) + item.quantity
        return digest(sorted(counts.items()), self.show_cost, self.build.site.currency)

    def row_digest(self, line: LineView) -> str:
        return line.digest

    @cached_property
    def _errors_by_subject(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for finding in self.report.errors:
            for subject in finding.subject:
                errors.setdefault(subject, []).append(finding.message)
        return errors

    def rack_digest(self, rack_id: str, face: str) -> str:
        """What one rack card draws: its items, their errors, the face and the highlight."""
        rack = next(r for r in self.spec.racks if r.id == rack_id)
        items = [
            (i.id, i.component.ref, i.component.name, i.quantity, i.position_u, i.face, i.note)
            for i in self.spec.items
            if i.rack_id == rack_id
        ]
        errors = self._errors_by_subject
        marks = sorted(
            (ref, tuple(errors[ref])) for ref in {rack_id, *(i[0] for i in items)} if ref in errors
        )
        return digest(
            rack.id,
            rack.name,
            rack.component.ref,
            face,
            items,
            marks,
            sorted(set(self.highlight) & {rack_id, *(i[0] for i in items)}),
            self.read_only,
        )

    # ------------------------------------------------------------------ rack cards

    def rack_cards(
        self, *, lazy: bool = False, only: Iterable[str] | None = None
    ) -> list[RackCard]:
        """The rack cards (all, or `only` these racks): SVG on the chosen face, or lazy."""
        wanted = set(only) if only is not None else None
        interactive = not self.read_only
        highlight = ",".join(self.highlight)
        cards = []
        for rack in self.spec.racks:
            if wanted is not None and rack.id not in wanted:
                continue
            face = self.faces.get(rack.id, "front")
            svg = None
            if not lazy:
                svg = rack_elevation_svg(
                    self.spec,
                    rack.id,
                    face="rear" if face == "rear" else "front",
                    highlight=self.highlight,
                    findings=self.report.findings,
                    interactive=interactive,
                )
            pk = selectors.line_id_from_ref(rack.id) or 0
            cards.append(
                RackCard(
                    ref=rack.id,
                    pk=pk,
                    name=rack.name or rack.component.name,
                    face=face,
                    svg=svg,
                    url=reverse("editor:elevation", kwargs={"pk": self.build.pk, "rack": pk}),
                    highlight=highlight,
                    digest="lazy" if lazy else self.rack_digest(rack.id, face),
                )
            )
        return cards

    # ------------------------------------------------------------------ template context

    def context(self, **extra: Any) -> dict[str, Any]:
        """The names every editor template reads, with `extra` (a fresh dict each call)."""
        return {**self._base_context, **extra}

    @cached_property
    def _base_context(self) -> dict[str, Any]:
        # Callables are called by the template engine when a template reads them: a region
        # pays only for what it shows (the header's role query, the gauges, the lines...).
        return {
            "state": self,
            "build": self.build,
            "site": self.build.site,
            "spec": self.spec,
            "report": self.report,
            "read_only": self.read_only,
            "can_approve": lambda: self.can_approve,
            "show_cost": lambda: self.show_cost,
            "lines": lambda: self.lines,
            "selected_line": lambda: self.selected_line,
            "severity_groups": lambda: self.severity_groups,
            "gauges": lambda: self.gauges,
            "summary_gauges": lambda: self.summary_gauges,
            "headroom_text": lambda: self.headroom_text,
            "headroom_rows": lambda: headroom_rows(self.report),
            "site_figures": lambda: site_figures(self.report),
            "headroom_basis": HEADROOM_BASIS,
            "binding": self.report.headroom.binding_constraint,
            "legend": kind_legend,
            "highlight": ",".join(self.highlight),
            "line_url": reverse("editor:detail", kwargs={"pk": self.build.pk}) + "lines/",
            "include": ".view-state",
        }

    def picker(self) -> dict[str, Any]:
        return picker(self.query, seller_id=self.seller_id)

    def add_panel(self, component_pk: int | None) -> dict[str, Any] | None:
        if component_pk is None:
            return None
        return add_panel(self, component_pk)
