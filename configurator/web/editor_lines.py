"""The editor's lines: how the list and the panel show each line, and where it may go."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog.choices import ComponentKind
from configurator.builds import selectors
from configurator.builds.models import BuildLine
from configurator.documents.elevation import free_positions, u_span_text
from configurator.web.editor_regions import digest
from rules.coolant import COOLANT_SOURCE_KINDS, coolant_problem, takes_coolant
from rules.derive.geometry import gives_way
from rules.derive.names import NOTE_AS_LABEL_MAX, Names
from rules.feeds import POWER_SOURCE_KINDS, supply_count
from rules.model import BuildSpec, PlacedItem, Report
from rules.specs import ComponentSpec, Kind

__all__ = [
    "LineView",
    "coolant_options",
    "line_name",
    "line_views",
    "position_groups",
    "short_label",
    "source_options",
    "where_text",
]


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
    supplies: int = 1
    feed_a_label: str = ""
    feed_b_label: str = ""
    coolant_from: str | None = None
    takes_coolant: bool = False  # a cold-plate node, a CDU or a rear door (rules.coolant)
    position_groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    feed_options: list[tuple[str, str]] = field(default_factory=list)
    ups_options: list[tuple[str, str]] = field(default_factory=list)
    coolant_options: list[tuple[str, str]] = field(default_factory=list)

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
    def row_key(self) -> tuple[object, ...]:
        """What the line list's row shows (its digest)."""
        return (
            self.ref,
            self.name,
            self.kind,
            self.quantity,
            self.where,
            self.feed_a_label,
            self.feed_b_label,
            self.coolant_from,
            self.note,
            self.has_error,
        )

    @property
    def digest(self) -> str:
        """The row's digest (editor_regions): what it shows, fingerprinted."""
        return digest(self.row_key)

    @property
    def position_options(self) -> SafeString:
        """The position select's option groups as HTML, the current position selected.

        Rendered here rather than by a template loop: a select lists every U of every rack,
        and looping over them in the template cost more than the rest of the panel.
        """
        current = self.position_value
        parts = []
        for group, options in self.position_groups:
            if group:
                parts.append(f'<optgroup label="{escape(group)}">')
            for value, label in options:
                selected = " selected" if value == current else ""
                parts.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
            if group:
                parts.append("</optgroup>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above

    @property
    def position_value(self) -> str:
        if self.rack is None:
            return "none"
        if self.position is None:
            return self.rack
        return f"{self.rack}@{self.position:g}"


def source_options(spec: BuildSpec, names: Names) -> list[tuple[str, str]]:
    """Options of a feed select: every PDU, ATS and UPS of the build, in people's words."""
    return [
        (item.id, names(item.id))
        for item in spec.items
        if item.component.kind in POWER_SOURCE_KINDS
    ]


def coolant_options(
    spec: BuildSpec, names: Names, component: ComponentSpec, exclude: str | None = None
) -> list[tuple[str, str]]:
    """Options of a "Coolant from" select: the CDU and facility water lines the engine lets
    this component take coolant from (rules.coolant), never the line itself."""
    return [
        (item.id, names(item.id))
        for item in spec.items
        if item.id != exclude
        and item.component.kind in COOLANT_SOURCE_KINDS
        and coolant_problem(component, item.component) is None
    ]


def short_label(item: PlacedItem) -> str:
    """A source as a list row names it: its note when that is a label ("PDU A"), else its
    component; then its id."""
    note = item.note.strip()
    name = note if note and len(note) <= NOTE_AS_LABEL_MAX else item.component.name
    return f"{name} ({item.id})"


def position_groups(
    spec: BuildSpec,
    *,
    u_height: float,
    kind: str,
    face: str = "front",
    depth_mm: float | None = None,
    ignore: Collection[str] = (),
    auto: bool = True,
    panels_give_way: bool = True,
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of a placement select: auto / not in a rack, then each rack's free U, and the U
    that blanking panels give way to (marked: placement cuts the panels back)."""
    if kind == Kind.RACK:
        return [("", [("none", "Standalone rack")])]
    general = [("auto", "Auto-place (lowest free U)")] if auto else []
    general.append(("none", "Not in a rack (room level)"))
    groups = [("", general)]
    panels = (
        {item.id for item in spec.items if gives_way(item.component)} if panels_give_way else set()
    )
    for rack in spec.racks:
        name = rack.name or rack.component.name
        options = [(rack.id, f"{name}: zero-U (side)" if u_height == 0 else f"{name}: unplaced")]
        if u_height > 0:
            free = free_positions(
                spec, rack.id, u_height=u_height, face=face, depth_mm=depth_mm, ignore=ignore
            )
            over_panels: set[int] = set()
            if panels:
                wider = free_positions(
                    spec,
                    rack.id,
                    u_height=u_height,
                    face=face,
                    depth_mm=depth_mm,
                    ignore={*ignore, *panels},
                )
                over_panels = set(wider) - set(free)
                free = sorted({*free, *over_panels})
            options.extend(
                (
                    f"{rack.id}@{u}",
                    f"{name}: U{u}" + (" (over blanking panels)" if u in over_panels else ""),
                )
                for u in free
            )
        groups.append((name, options))
    return groups


def line_views(
    spec: BuildSpec, report: Report, names: Names, selected: str | None
) -> tuple[list[LineView], LineView | None]:
    """Every line (racks first) as the list shows it, and the selected one with its options."""
    errors = {ref for f in report.errors for ref in f.subject}
    sources = source_options(spec, names)
    ups_options = [(i.id, names(i.id)) for i in spec.items if i.component.kind is Kind.UPS]
    labels = {i.id: short_label(i) for i in spec.items if i.component.kind in POWER_SOURCE_KINDS}
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
    rack_names = {rack.id: rack.name or rack.component.name for rack in spec.racks}
    for item in spec.items:
        view = _item_view(item, rack_names, errors, labels)
        views.append(view)
        if item.id == selected:
            view.position_groups = position_groups(
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
            view.coolant_options = coolant_options(spec, names, item.component, exclude=item.id)
            chosen = view
    return views, chosen


def _item_view(
    item: PlacedItem, rack_names: dict[str, str], errors: set[str], labels: dict[str, str]
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
        rack_name=rack_names.get(item.rack_id, item.rack_id) if item.rack_id else "",
        position=item.position_u,
        face=item.face.value,
        feed_a=item.feed_a,
        feed_b=item.feed_b,
        ups=item.ups_id,
        phase=item.phase,
        note=item.note,
        has_error=item.id in errors,
        supplies=supply_count(item.component),
        feed_a_label=labels.get(item.feed_a, "") if item.feed_a else "",
        feed_b_label=labels.get(item.feed_b, "") if item.feed_b else "",
        coolant_from=item.coolant_from,
        takes_coolant=takes_coolant(item.component),
    )
