"""Swap only what changed: the editor's regions, their digests and the out-of-band fragments.

Every region of the editor page (summary, header, validation, each rack card, the line panel,
each line row, the BOM, the add panel's options) carries ``data-digest``, a fingerprint of the
data it shows. editor.js sends the digests of what the page shows with every request
(``shown``: "region:digest,..."; ``rows``: the line rows in page order). The server computes
the digests of the new state and renders only the regions that differ, as htmx out-of-band
swaps; rows are replaced, appended or deleted one by one. A request without digests (no
script, a test, a stale page) gets every region.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from configurator.web.editor_context import EditorState

__all__ = ["MAX_SHOWN", "digest", "oob_fragments", "parse_shown"]

MAX_SHOWN = 5_000  # regions a page may claim to show; more is not a page of ours
T = "configurator/editor/"


def digest(*parts: object) -> str:
    """A short stable fingerprint of what a region shows (same data, same digest)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=6).hexdigest()


def parse_shown(raw: object) -> list[tuple[str, str]] | None:
    """("region", "digest") pairs from "a:1f2e,b:99aa"; None when the request sent none."""
    if not isinstance(raw, str) or not raw:
        return None
    pairs = []
    for part in raw.split(",")[:MAX_SHOWN]:
        region, _, value = part.partition(":")
        if region:
            pairs.append((region[:80], value[:40]))
    return pairs


def _render(name: str, state: EditorState, request: Any, **extra: Any) -> str:
    return render_to_string(T + name, state.context(oob=True, **extra), request=request)


def _rows(state: EditorState, request: Any, rows: list[tuple[str, str]] | None) -> list[str]:
    """The line rows that changed, were added (appended) or went (deleted); the whole list
    when the order changed otherwise or the page sent no rows."""
    lines = state.lines
    if rows is None:
        return [_render("line_list.html", state, request)]
    new_refs = [line.ref for line in lines]
    old = dict(rows)
    old_refs = [ref.removeprefix("row-") for ref, _ in rows]
    new_set, old_set = set(new_refs), set(old_refs)
    kept = [ref for ref in old_refs if ref in new_set]
    added = [ref for ref in new_refs if ref not in old_set]
    # Rows keep their order; new ones go at the end. Anything else redraws the list.
    if new_refs != kept + added:
        return [_render("line_list.html", state, request)]
    out = []
    gone = [ref for ref in old_refs if ref not in new_set]
    for ref in gone:
        out.append(f'<template><tr id="row-{ref}" hx-swap-oob="delete"></tr></template>')
    by_ref = {line.ref: line for line in lines}
    for ref in kept:
        line = by_ref[ref]
        if old.get(f"row-{ref}") != state.row_digest(line):
            out.append(_render("line_row.html", state, request, line=line, wrap="replace"))
    for ref in added:
        out.append(_render("line_row.html", state, request, line=by_ref[ref], wrap="append"))
    if gone or added:
        out.append(_render("line_count.html", state, request))
    return out


def oob_fragments(
    state: EditorState,
    request: Any,
    *,
    shown: list[tuple[str, str]] | None,
    rows: list[tuple[str, str]] | None,
    add_component: int | None = None,
    with_rows: bool = True,
) -> list[str]:
    """The out-of-band fragments that bring the page from what it `shown` to `state`."""
    full = shown is None
    have: Mapping[str, str] = dict(shown or ())
    out: list[str] = []

    def changed(region: str, new: str) -> bool:
        return full or have.get(region) != new

    if changed("editor-summary", state.summary_digest):
        out.append(_render("summary.html", state, request))
    if changed("editor-header", state.header_digest):
        out.append(_render("header.html", state, request))
    if changed("validation-panel", state.validation_digest):
        out.append(_render("validation.html", state, request))
    racks_shown = {key.removeprefix("rack-") for key in have if key.startswith("rack-")}
    if full or racks_shown != {rack.id for rack in state.spec.racks}:
        out.append(_render("elevations.html", state, request, racks=state.rack_cards()))
    else:
        stale = [
            rack.id
            for rack in state.spec.racks
            if have.get(f"rack-{rack.id}") not in ("lazy", None)
            and have[f"rack-{rack.id}"]
            != state.rack_digest(rack.id, state.faces.get(rack.id, "front"))
        ]
        for card in state.rack_cards(only=stale):
            out.append(_render("rack_card.html", state, request, card=card))
        if have.get("highlight-note") != state.highlight_digest:
            out.append(_render("highlight_note.html", state, request))
    if changed("line-panel", state.panel_digest):
        out.append(_render("line_panel.html", state, request))
    if with_rows:
        out.extend(_rows(state, request, None if full else rows))
    if changed("bom-section", state.bom_digest):
        bom, bom_error = state.bom
        out.append(_render("bom.html", state, request, bom=bom, bom_error=bom_error))
    if add_component is not None and "add-options" in have:
        panel = state.add_panel(add_component)
        if panel is not None and have["add-options"] != panel["options_digest"]:
            out.append(_render("add_options.html", state, request, add=panel))
    return out
