"""Liquid loop diagram as a standalone SVG string: facility water -> CDUs -> cold plates and rear
doors, with the heat, flow and temperatures the engine derives (reference 8, L1-L6).

Pure, like `elevation.py`: a `rules.model.BuildSpec` (and optionally the report's findings) in,
text out; every figure comes from `rules.derive.derive`, nothing is computed here. Colours are
SVG presentation attributes, never `style`, so the markup passes a strict Content-Security-Policy
when inlined in a page or a PDF.

Three columns, one row per cold-plate line or rear door: each facility water source spans the
rows of the CDUs (and the nodes) on it, each CDU the rows of its nodes. A blue line carries the
supply to the right, a red one the return to the left; the supply temperature is written on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from rules.derive import Derived, derive
from rules.derive.liquid import Node, RearDoor
from rules.model import BuildSpec, Finding, Severity

__all__ = ["loop_diagram_svg"]

ROW_H = 52  # one cold-plate line or rear door: three lines of text
TOP = 46  # title and column headings
BOTTOM = 10
BOX_GAP = 6  # between stacked boxes of a column
COLUMNS = ((8, 214), (278, 226), (568, 226))  # (x, width): facility water, CDU, takers
WIDTH = 802
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
CHAR_W = 0.58  # average glyph width as a share of the font size, for truncation

SUPPLY = "#1d4ed8"
RETURN = "#b91c1c"
ERROR_STROKE = "#c81e1e"
# Fill and text of each column's boxes: text contrast 4.5:1 or better on the fill.
PLANT_FILL, CDU_FILL, TAKER_FILL = "#164e63", "#0369a1", "#eef2f7"
LIGHT_TEXT, DARK_TEXT = "#ffffff", "#1d2330"


@dataclass
class _Cdu:
    line_id: str
    takers: list[Node | RearDoor] = field(default_factory=list)


@dataclass
class _Plant:
    line_id: str | None  # None: CDUs with no facility water source
    cdus: list[_Cdu] = field(default_factory=list)
    takers: list[Node | RearDoor] = field(default_factory=list)  # straight on facility water

    @property
    def rows(self) -> int:
        return sum(max(1, len(c.takers)) for c in self.cdus) + len(self.takers) or 1


def _truncate(text: str, width_px: float, font_px: float) -> str:
    limit = max(int(width_px / (font_px * CHAR_W)), 1)
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "\u2026"


def _kw(watts: float) -> str:
    return f"{watts / 1000:,.1f} kW"


def _c(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1f} \u00b0C"


def _groups(d: Derived) -> tuple[list[_Plant], list[Node]]:
    """The loops as plants holding CDUs holding their takers; and the nodes on no loop."""
    liquid = d.liquid
    plants = {pid: _Plant(pid) for pid in liquid.plants}
    orphan = _Plant(None)
    cdus: dict[str, _Cdu] = {}
    for cdu_id, loop in liquid.loops.items():
        cdu = _Cdu(cdu_id)
        cdus[cdu_id] = cdu
        plants.get(loop.facility or "", orphan).cdus.append(cdu)
    loose: list[Node] = []
    takers: list[Node | RearDoor] = [*liquid.nodes, *liquid.doors.values()]
    for taker in takers:
        source = taker.loop if isinstance(taker, Node) else taker.water_from
        if source in cdus:
            cdus[source].takers.append(taker)
        elif source in plants:
            plants[source].takers.append(taker)
        elif isinstance(taker, Node):
            loose.append(taker)
    groups = list(plants.values()) + ([orphan] if orphan.cdus else [])
    return groups, loose


def _box(
    x: float,
    y: float,
    width: float,
    height: float,
    lines: Sequence[str],
    *,
    fill: str,
    text: str,
    item_id: str | None,
    error: bool,
) -> str:
    stroke, stroke_width = (ERROR_STROKE, 2.5) if error else ("#ffffff", 0.75)
    data = f' data-item="{escape(item_id)}"' if item_id else ""
    out = [
        f'<g class="loop-box{" has-error" if error else ""}"{data}>',
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="4" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{stroke_width}"/>',
    ]
    for n, line in enumerate(lines):
        weight = ' font-weight="600"' if n == 0 else ""
        out.append(
            f'<text x="{x + 7}" y="{y + 15 + n * 13}" fill="{text}"{weight}>'
            f"{escape(_truncate(line, width - 12, 11))}</text>"
        )
    out.append("</g>")
    return "".join(out)


def _pipes(x1: float, x2: float, y: float, supply_c: float | None, uid: str) -> str:
    """A supply line to the right (its temperature on it) and a return line to the left."""
    mid = (x1 + x2) / 2
    return (
        f'<line class="supply" x1="{x1}" y1="{y - 5}" x2="{x2 - 2}" y2="{y - 5}" '
        f'stroke="{SUPPLY}" stroke-width="2" marker-end="url(#arrow-supply-{uid})"/>'
        f'<line class="return" x1="{x2}" y1="{y + 5}" x2="{x1 + 2}" y2="{y + 5}" '
        f'stroke="{RETURN}" stroke-width="2" marker-end="url(#arrow-return-{uid})"/>'
        f'<text x="{mid}" y="{y - 9}" text-anchor="middle" fill="{SUPPLY}" font-size="10">'
        f"{escape(_c(supply_c))}</text>"
    )


def _taker_lines(taker: Node | RearDoor, d: Derived) -> tuple[str, list[str]]:
    line = taker.line
    name = line.component.name + (f" \u00d7{line.quantity}" if line.quantity > 1 else "")
    if isinstance(taker, Node):
        return line.id, [
            f"{line.id} \u00b7 {name}",
            f"{_kw(taker.liquid_w)} into liquid, {taker.flow_lpm:,.1f} L/min",
            f"{_kw(taker.air_w)} to the air",
        ]
    taken = d.thermal.door_heat_w.get(line.id, 0.0)
    capacity = "not judged" if taker.capacity_w is None else _kw(taker.capacity_w)
    return line.id, [
        f"{line.id} \u00b7 {name}",
        f"rear door: {_kw(taken)} from the air",
        f"capacity {capacity} at {_c(taker.water_c)}",
    ]


def loop_diagram_svg(
    spec: BuildSpec, *, findings: Sequence[Finding] = (), uid: str = "loops"
) -> str | None:
    """The build's liquid loops as one SVG document, or None for a build without liquid
    cooling. Items with error findings get a red outline; `uid` keeps ids unique per page."""
    d = derive(spec)
    if not d.liquid.present:
        return None
    uid = re.sub(r"[^A-Za-z0-9_-]", "_", uid)
    errors = {
        ref for f in findings if f.severity is Severity.ERROR for ref in f.subject
    }  # fmt: skip
    groups, loose = _groups(d)
    liquid, heat = d.liquid, d.liquid_heat_w
    u = d.policy.utilisation_limit
    rows = sum(group.rows for group in groups)
    height = TOP + rows * ROW_H + (18 if loose else 0) + BOTTOM
    (px, pw), (cx, cw), (tx, tw) = COLUMNS
    summary = (
        f"Liquid loops: {len(liquid.plants)} facility water source(s), {len(liquid.loops)} "
        f"CDU(s), {len(liquid.nodes)} cold-plate line(s), {len(liquid.doors)} rear door(s); "
        f"{_kw(liquid.liquid_w)} into liquid"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" class="loop-diagram" role="img" '
        f'aria-label="{escape(summary)}" font-family="{FONT}" font-size="11">',
        f"<title>{escape(summary)}</title>",
        "<defs>",
        *(
            f'<marker id="arrow-{kind}-{uid}" viewBox="0 0 8 8" refX="7" refY="4" '
            f'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" '
            f'fill="{colour}"/></marker>'
            for kind, colour in (("supply", SUPPLY), ("return", RETURN))
        ),
        "</defs>",
        f'<text x="{px}" y="16" font-size="13" font-weight="600" fill="{DARK_TEXT}">'
        f"Liquid loops \u00b7 {escape(_kw(liquid.liquid_w))} into liquid</text>",
    ]
    for (x, _), heading in zip(
        COLUMNS,
        ("Facility water", "CDU (secondary loop)", "Cold plates and rear doors"),
        strict=True,
    ):
        out.append(f'<text x="{x}" y="36" fill="#5b6477">{heading}</text>')
    row = 0
    for group in groups:
        top = TOP + row * ROW_H
        span = group.rows * ROW_H - BOX_GAP
        if group.line_id is None:
            out.append(
                _box(px, top, pw, span, ["No facility water", "these CDUs have no source"],
                     fill="#ffffff", text=ERROR_STROKE, item_id=None, error=True)
            )  # fmt: skip
        else:
            plant = liquid.plants[group.line_id]
            line = plant.line
            name = line.component.name + (f" \u00d7{line.quantity}" if line.quantity > 1 else "")
            out.append(
                _box(
                    px,
                    top,
                    pw,
                    span,
                    [
                        f"{line.id} \u00b7 {name}",
                        f"supplies {_c(plant.supply_c)} ({plant.water_class.value})",
                        f"{_kw(heat.get(line.id, 0.0))} of {_kw(u * plant.capacity_w)} at "
                        f"{u * 100:g} %",
                    ],
                    fill=PLANT_FILL,
                    text=LIGHT_TEXT,
                    item_id=line.id,
                    error=line.id in errors,
                )
            )
        supply = None if group.line_id is None else liquid.plants[group.line_id].supply_c
        for cdu in group.cdus:
            loop = liquid.loops[cdu.line_id]
            line = loop.line
            cdu_rows = max(1, len(cdu.takers))
            ctop = TOP + row * ROW_H
            cspan = cdu_rows * ROW_H - BOX_GAP
            if group.line_id is not None:
                out.append(_pipes(px + pw, cx, ctop + cspan / 2, supply, uid))
            name = line.component.name + (f" \u00d7{line.quantity}" if line.quantity > 1 else "")
            out.append(
                _box(
                    cx,
                    ctop,
                    cw,
                    cspan,
                    [
                        f"{line.id} \u00b7 {name}",
                        f"supply {_c(loop.supply_c)}, return {_c(loop.return_c)}",
                        f"{loop.flow_lpm:,.1f} L/min (heat needs {loop.flow_needed_lpm:,.1f})",
                        f"{_kw(heat.get(line.id, 0.0))} of {_kw(u * loop.capacity_w)} at "
                        f"{u * 100:g} %",
                    ][: 4 if cspan >= 56 else 3],
                    fill=CDU_FILL,
                    text=LIGHT_TEXT,
                    item_id=line.id,
                    error=line.id in errors,
                )
            )
            for n, taker in enumerate(cdu.takers):
                ttop = TOP + (row + n) * ROW_H
                item_id, lines = _taker_lines(taker, d)
                out.append(_pipes(cx + cw, tx, ttop + (ROW_H - BOX_GAP) / 2, loop.supply_c, uid))
                out.append(
                    _box(tx, ttop, tw, ROW_H - BOX_GAP, lines, fill=TAKER_FILL, text=DARK_TEXT,
                         item_id=item_id, error=item_id in errors)
                )  # fmt: skip
            row += cdu_rows
        for taker in group.takers:
            ttop = TOP + row * ROW_H
            item_id, lines = _taker_lines(taker, d)
            # Straight on facility water: the pipe runs past the CDU column.
            out.append(_pipes(px + pw, tx, ttop + (ROW_H - BOX_GAP) / 2, supply, uid))
            out.append(
                _box(tx, ttop, tw, ROW_H - BOX_GAP, lines, fill=TAKER_FILL, text=DARK_TEXT,
                     item_id=item_id, error=item_id in errors)
            )  # fmt: skip
            row += 1
        if not group.cdus and not group.takers:
            row += 1
    if loose:
        names = ", ".join(n.line.id for n in loose)
        out.append(
            f'<text x="{px}" y="{TOP + rows * ROW_H + 10}" fill="{ERROR_STROKE}">'
            f"{escape(_truncate(f'On no loop: {names}', WIDTH - 16, 11))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
