"""Rack elevation as a standalone SVG string, drawn from the engine's snapshot of a build.

Pure: a `rules.model.BuildSpec` (and optionally the report's findings) in, text out. No Django,
no database, no template engine, so the editor, the PDF quote and the API can all embed it.
One EIA unit is `U_PX` pixels high; U 1 is at the bottom. Colours are SVG presentation
attributes, never `style`, so the markup passes a strict Content-Security-Policy when inlined.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from html import escape
from typing import Literal, NamedTuple

from rules.derive.geometry import free_positions as geometry_free_positions
from rules.derive.geometry import item_u, occupants, rack_spec
from rules.model import BuildSpec, Finding, PlacedItem, RackInstance, Severity
from rules.specs import Kind

__all__ = [
    "KIND_LABELS",
    "U_PX",
    "LegendEntry",
    "build_elevations_svg",
    "free_positions",
    "is_full_depth",
    "kind_legend",
    "rack_elevation_svg",
    "u_span_text",
]

Face = Literal["front", "rear"]

U_PX = 22  # one EIA unit (44.45 mm) on screen
TOP = 30  # title band above the rack
BOTTOM = 12
U_LABEL_W = 30  # column of U numbers left of the rack
RAIL_W = 10
INNER_W = 250  # mounting width between the rails
STRIP_W = 18  # a zero-U item (vertical PDU) drawn as a strip beside the rack
STRIP_GAP = 4
CHAR_W = 0.58  # average glyph width as a share of the font size, for truncation
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

ERROR_STROKE = "#c81e1e"
HIGHLIGHT_STROKE = "#f59e0b"  # amber: visible on every kind colour


class LegendEntry(NamedTuple):
    """One colour of the elevation: the kind, its label, the fill and the text colour on it."""

    kind: str
    label: str
    fill: str
    text: str


KIND_LABELS: dict[Kind, str] = {
    Kind.RACK: "Rack",
    Kind.UPS: "UPS",
    Kind.BATTERY: "Battery pack",
    Kind.PDU: "PDU",
    Kind.ATS: "ATS",
    Kind.COOLING: "Cooling",
    Kind.FIRE_SUPPRESSION: "Fire suppression",
    Kind.SERVER: "Server",
    Kind.GPU_SERVER: "GPU server",
    Kind.SWITCH: "Switch",
    Kind.ROUTER: "Router / firewall",
    Kind.STORAGE: "Storage",
    Kind.MONITORING: "Monitoring / security",
    Kind.ACCESSORY: "Accessory / blanking",
    Kind.BUNDLE: "Bundle",
    Kind.CDU: "CDU (liquid)",
    Kind.FACILITY_WATER: "Facility water",
}

# Fill and text colour per kind; every pair keeps text contrast at 4.5:1 or better.
_PALETTE: dict[Kind, tuple[str, str]] = {
    Kind.RACK: ("#3f4754", "#ffffff"),
    Kind.UPS: ("#8a3b12", "#ffffff"),
    Kind.BATTERY: ("#b45309", "#ffffff"),
    Kind.PDU: ("#6b21a8", "#ffffff"),
    Kind.ATS: ("#86198f", "#ffffff"),
    Kind.COOLING: ("#0e7490", "#ffffff"),
    Kind.FIRE_SUPPRESSION: ("#b91c1c", "#ffffff"),
    Kind.SERVER: ("#1d4ed8", "#ffffff"),
    Kind.GPU_SERVER: ("#312e81", "#ffffff"),
    Kind.SWITCH: ("#15803d", "#ffffff"),
    Kind.ROUTER: ("#166534", "#ffffff"),
    Kind.STORAGE: ("#0f766e", "#ffffff"),
    Kind.MONITORING: ("#4d7c0f", "#ffffff"),
    Kind.ACCESSORY: ("#cbd2dc", "#1d2330"),
    Kind.BUNDLE: ("#64748b", "#ffffff"),
    Kind.CDU: ("#0369a1", "#ffffff"),
    Kind.FACILITY_WATER: ("#164e63", "#ffffff"),
}


def kind_legend() -> tuple[LegendEntry, ...]:
    """The colour of every kind, in catalogue order, for a legend next to the elevations."""
    return tuple(LegendEntry(kind.value, KIND_LABELS[kind], *_PALETTE[kind]) for kind in Kind)


# --------------------------------------------------------------------------- geometry


def _number(value: float) -> str:
    """10.0 -> "10", 10.5 -> "10.5"."""
    return f"{value:g}"


def u_span_text(position: float, height: float) -> str:
    """The units a span covers as a person reads them: "U10", "U10.5", or first and last U."""
    last = position + height - 1 if height >= 1 else position
    if last <= position:
        return f"U{_number(position)}"
    return f"U{_number(position)}\u2013{_number(last)}"


def is_full_depth(item: PlacedItem, rack: RackInstance) -> bool:
    """Whether an item is deep enough to block the other face: at least half the usable depth."""
    depth = item.component.depth_mm
    spec = rack_spec(rack)
    if depth is None or spec is None or spec.usable_depth_mm <= 0:
        return False
    return depth >= spec.usable_depth_mm / 2


def free_positions(
    spec: BuildSpec,
    rack_id: str,
    *,
    u_height: float,
    quantity: int = 1,
    face: str = "front",
    depth_mm: float | None = None,
    ignore: Collection[str] = (),
) -> list[int]:
    """Whole-U start positions in a rack where `quantity` units of `u_height` fit on `face`:
    the engine's geometry (`rules.derive.geometry.free_positions`), with the lines named in
    `ignore` (the line being moved) counted as absent."""
    rack = next((r for r in spec.racks if r.id == rack_id), None)
    found = rack_spec(rack) if rack is not None else None
    if found is None:
        return []
    in_rack = (item for item in spec.items if item.rack_id == rack_id)
    return geometry_free_positions(
        found.u,
        found.usable_depth_mm,
        occupants(in_rack, ignore=ignore),
        height_u=u_height * max(quantity, 1),
        face=face,
        depth_mm=depth_mm,
    )


# --------------------------------------------------------------------------- drawing


def _truncate(text: str, width_px: float, font_px: float) -> str:
    limit = max(int(width_px / (font_px * CHAR_W)), 1)
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "\u2026"


def _ident(value: str) -> str:
    """A fragment safe inside an XML id (ids of patterns must be unique per page)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)


def _errors_by_item(findings: Iterable[Finding]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.severity is Severity.ERROR:
            for subject in finding.subject:
                errors.setdefault(subject, []).append(finding.message)
    return errors


def _item_name(item: PlacedItem) -> str:
    return item.component.name


def _aria_label(item: PlacedItem, face: str) -> str:
    name = _item_name(item)
    if item.quantity > 1:
        name = f"{name} \u00d7{item.quantity}"
    if item.position_u is None:
        return f"{name}, zero-U beside the rack"
    return f"{name} at {u_span_text(*_position_and_height(item))}, {face}"


def _position_and_height(item: PlacedItem) -> tuple[float, float]:
    return item.position_u or 0.0, item_u(item)


def rack_elevation_svg(
    spec: BuildSpec,
    rack_id: str,
    *,
    face: Face = "front",
    highlight: Collection[str] = (),
    findings: Sequence[Finding] = (),
    interactive: bool = False,
) -> str:
    """One face of one rack of the build as a standalone SVG document (a string).

    Items sit at their U (multi-quantity lines stack upwards), coloured by kind and labelled;
    free U are hatched; full-depth items of the other face show faintly; zero-U items are
    strips beside the rack; items with error findings get a red outline and a "!" marker;
    items named in `highlight` a thick outline. With `interactive`, every item of this face is
    a focusable button (tabindex, role, aria-label) for the editor's script.
    """
    rack = next((r for r in spec.racks if r.id == rack_id), None)
    if rack is None:
        raise KeyError(f"no rack {rack_id!r} in this build")
    found = rack_spec(rack)
    rack_u = found.u if found is not None else 0
    other_face = "rear" if face == "front" else "front"
    errors = _errors_by_item(findings)
    highlighted = frozenset(highlight)

    in_rack = [item for item in spec.items if item.rack_id == rack_id]
    zero_u = [i for i in in_rack if i.component.u_height == 0]
    own = [i for i in in_rack if i.position_u is not None and i.component.u_height > 0]
    shown = [i for i in own if i.face == face]
    ghosts = [i for i in own if i.face != face and is_full_depth(i, rack)]

    frame_x = U_LABEL_W
    inner_x = frame_x + RAIL_W
    frame_w = INNER_W + 2 * RAIL_W
    rack_h = rack_u * U_PX
    strips_x = frame_x + frame_w + STRIP_GAP
    width = strips_x + len(zero_u) * (STRIP_W + STRIP_GAP) + 4
    height = TOP + rack_h + BOTTOM
    uid = _ident(f"{rack_id}-{face}")

    occupied = [False] * (rack_u + 2)
    for item in (*shown, *ghosts):
        start = item.position_u or 0.0
        end = start + item_u(item)
        for n in range(max(int(start), 1), min(int(-(-end // 1)), rack_u + 1)):
            occupied[n] = True
    free = [n for n in range(1, rack_u + 1) if not occupied[n]]

    title = rack.name or rack.component.name
    summary = (
        f"{title}, {face} elevation: {rack_u} U, {len(shown)} item(s) on this face, "
        f"{len(free)} U free"
    )
    rack_highlight = rack_id in highlighted
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="elevation" '
        f'role="{"group" if interactive else "img"}" aria-label="{escape(summary)}" '
        f'data-rack="{escape(rack_id)}" data-face="{face}" data-rack-u="{rack_u}" '
        f'data-u-px="{U_PX}" data-top="{TOP}" font-family="{FONT}" font-size="11">',
        f"<title>{escape(summary)}</title>",
        f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#d6dbe3" '
        'stroke-width="2"/></pattern></defs>',
        f'<text class="rack-title" x="{frame_x}" y="18" font-size="13" font-weight="600" '
        f'fill="#1d2330">{escape(_truncate(title, frame_w - 70, 13))}</text>',
        f'<text x="{frame_x + frame_w}" y="18" text-anchor="end" fill="#5b6477">'
        f"{face.capitalize()} \u00b7 {rack_u}U</text>",
        f'<rect class="rack-frame" x="{frame_x}" y="{TOP - 2}" width="{frame_w}" '
        f'height="{rack_h + 4}" rx="3" fill="#3f4754" '
        f'stroke="{HIGHLIGHT_STROKE if rack_highlight else "#3f4754"}" '
        f'stroke-width="{4 if rack_highlight else 1}"/>',
        f'<rect class="rack-inner" x="{inner_x}" y="{TOP}" width="{INNER_W}" height="{rack_h}" '
        'fill="#f7f9fb"/>',
    ]
    # U numbers and the free-slot hatching; each slot is also a drop target for the editor.
    for n in range(1, rack_u + 1):
        y = TOP + (rack_u - n) * U_PX
        out.append(
            f'<text class="u-label" x="{U_LABEL_W - 5}" y="{y + U_PX / 2 + 4:g}" '
            f'text-anchor="end" fill="#5b6477" font-size="10">{n}</text>'
        )
    for n in free:
        y = TOP + (rack_u - n) * U_PX
        out.append(
            f'<rect class="slot empty" data-u="{n}" x="{inner_x}" y="{y}" width="{INNER_W}" '
            f'height="{U_PX}" fill="url(#hatch-{uid})" stroke="#e3e7ee" stroke-width="0.5"/>'
        )
    for item in ghosts:
        out.append(_item_svg(item, rack_u, other_face, errors, highlighted, ghost=True))
    for item in shown:
        out.append(_item_svg(item, rack_u, face, errors, highlighted, interactive=interactive))
    for index, item in enumerate(zero_u):
        x = strips_x + index * (STRIP_W + STRIP_GAP)
        out.append(_strip_svg(item, x, rack_u, face, errors, highlighted, interactive))
    out.append("</svg>")
    return "".join(out)


def _outline(
    item: PlacedItem, errors: dict[str, list[str]], highlighted: Collection[str]
) -> tuple[str, float, str]:
    """Stroke colour, width and extra classes of an item from its errors and highlight."""
    classes = ""
    stroke, stroke_width = "#ffffff", 0.75
    if item.id in errors:
        classes += " has-error"
        stroke, stroke_width = ERROR_STROKE, 2.5
    if item.id in highlighted:
        classes += " highlighted"
        stroke_width = 4
        if item.id not in errors:
            stroke = HIGHLIGHT_STROKE
    return stroke, stroke_width, classes


def _tooltip(item: PlacedItem, label: str, errors: dict[str, list[str]]) -> str:
    lines = [label]
    if item.note:
        lines.append(item.note)
    lines.extend(f"Error: {message}" for message in errors.get(item.id, ()))
    return escape("\n".join(lines))


def _item_svg(
    item: PlacedItem,
    rack_u: int,
    face: str,
    errors: dict[str, list[str]],
    highlighted: Collection[str],
    *,
    interactive: bool = False,
    ghost: bool = False,
) -> str:
    position, total = _position_and_height(item)
    unit_h = item.component.u_height
    kind = item.component.kind
    fill, text_fill = _PALETTE.get(kind, ("#64748b", "#ffffff"))
    stroke, stroke_width, classes = _outline(item, errors, highlighted)
    inner_x = U_LABEL_W + RAIL_W
    if ghost:
        classes += " other-face"
    attributes = (
        f'class="item kind-{kind.value}{classes}" data-item="{escape(item.id)}" '
        f'data-u="{_number(position)}" data-height="{_number(total)}" data-face="{face}"'
    )
    aria = _aria_label(item, face)
    if ghost:
        attributes += ' opacity="0.35"'
    elif interactive:
        attributes += f' tabindex="0" role="button" aria-label="{escape(aria)}"'
    parts = [f"<g {attributes}><title>{_tooltip(item, aria, errors)}</title>"]
    name = _item_name(item)
    has_error = item.id in errors
    # Positions are multiples of 0.5 U and U_PX is even, so every coordinate is a whole pixel.
    h = int(unit_h * U_PX)
    font = 11 if h >= 18 else 8
    baseline = h // 2 + (4 if font == 11 else 3)
    room = INNER_W - 16 - (20 if has_error else 0)
    suffix = f" ({face})" if ghost else ""
    single = escape(_truncate(name + suffix, room, font))
    rect_tail = (
        f'" width="{INNER_W - 2}" height="{h - 1}" rx="2" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width:g}"/><text x="{inner_x + 8}" y="'
    )
    text_attrs = f'" fill="{text_fill}" font-size="{font}">'
    radius = min(8, h // 2 - 1)
    marker_x = inner_x + INNER_W - 12
    for n in range(item.quantity):
        start = position + n * unit_h
        if start > rack_u:
            break  # a line overflowing the rack: the space check reports it
        y = TOP + int((rack_u + 1 - start - unit_h) * U_PX)
        if item.quantity == 1:
            label = single
        else:
            label = escape(_truncate(f"{name} ({n + 1}/{item.quantity}){suffix}", room, font))
        parts.append(
            f'<rect class="unit" x="{inner_x + 1}" y="{y}{rect_tail}{y + baseline}'
            f"{text_attrs}{label}</text>"
        )
        if has_error:
            cy = y + h // 2
            parts.append(
                f'<circle cx="{marker_x}" cy="{cy}" r="{radius}" fill="{ERROR_STROKE}" '
                f'stroke="#ffffff" stroke-width="1"/><text class="error-marker" x="{marker_x}" '
                f'y="{cy + 4}" text-anchor="middle" fill="#ffffff" font-weight="700" '
                f'font-size="{font}">!</text>'
            )
    parts.append("</g>")
    return "".join(parts)


def _strip_svg(
    item: PlacedItem,
    x: float,
    rack_u: int,
    face: str,
    errors: dict[str, list[str]],
    highlighted: Collection[str],
    interactive: bool,
) -> str:
    kind = item.component.kind
    fill, text_fill = _PALETTE.get(kind, ("#64748b", "#ffffff"))
    stroke, stroke_width, classes = _outline(item, errors, highlighted)
    height = rack_u * U_PX
    attributes = (
        f'class="item kind-{kind.value} zero-u{classes}" data-item="{escape(item.id)}" '
        f'data-u="0" data-height="0" data-face="{face}"'
    )
    aria = _aria_label(item, face)
    if interactive:
        attributes += f' tabindex="0" role="button" aria-label="{escape(aria)}"'
    cx, cy = x + STRIP_W / 2, TOP + height / 2
    name = _item_name(item)
    parts = [
        f"<g {attributes}><title>{_tooltip(item, aria, errors)}</title>",
        f'<rect class="unit" x="{x}" y="{TOP}" width="{STRIP_W}" height="{height}" rx="3" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width:g}"/>',
        f'<text x="{cx:g}" y="{cy + 4:g}" text-anchor="middle" fill="{text_fill}" '
        f'font-size="10" transform="rotate(-90 {cx:g} {cy:g})">'
        f"{escape(_truncate(name, height - 30, 10))}</text>",
    ]
    if item.id in errors:
        parts.append(
            f'<text class="error-marker" x="{cx:g}" y="{TOP + 14}" text-anchor="middle" '
            f'fill="#ffffff" font-weight="700">!</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def build_elevations_svg(
    spec: BuildSpec,
    *,
    face: Face = "front",
    highlight: Collection[str] = (),
    findings: Sequence[Finding] = (),
    interactive: bool = False,
) -> list[tuple[str, str]]:
    """(rack id, SVG) for every rack of the build, in build order."""
    return [
        (
            rack.id,
            rack_elevation_svg(
                spec,
                rack.id,
                face=face,
                highlight=highlight,
                findings=findings,
                interactive=interactive,
            ),
        )
        for rack in spec.racks
    ]
