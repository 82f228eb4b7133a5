"""The build editor: the page and its htmx partials (reads); the writes are editor_writes.

The page shows the summary, picker, lazy rack elevations, line panel, validation and BOM of
one build; each partial answers one region (a rack card, the picker's results, a line's panel,
the validation panel) from the same editor state (editor_context). The URL conf names every
editor view through this module, the writes included.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from configurator.builds import selectors
from configurator.documents.bom_export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.documents.elevation import rack_elevation_svg
from configurator.errors import Conflict
from configurator.tenancy.permissions import can_see_cost
from configurator.web import editor_context as ctx
from configurator.web.editor_http import build_or_404, editor_state, int_or_none
from configurator.web.editor_regions import oob_fragments, parse_shown
from configurator.web.editor_writes import (
    approve,
    auto_place,
    clone,
    line_add,
    line_remove,
    line_restore,
    line_update,
    reopen,
)

__all__ = [
    "add_panel",
    "approve",
    "auto_place",
    "bom_download",
    "build_editor",
    "clone",
    "elevations",
    "line_add",
    "line_panel",
    "line_remove",
    "line_restore",
    "line_update",
    "picker",
    "rack_elevation",
    "reopen",
    "validation",
]


@login_required
@require_GET
def build_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor page: summary, picker, lazy rack elevations, line panel, validation, BOM."""
    build = build_or_404(request, pk)
    state = editor_state(request, build, request.GET)
    add = state.add_panel(int_or_none(request.GET.get("add", "")))
    context = state.context(
        oob=False,
        racks=state.rack_cards(lazy=True),
        picker=state.picker(),
        add=add,
        bom=state.bom[0],
        bom_error=state.bom[1],
    )
    return render(request, "configurator/editor/page.html", context)


@login_required
@require_GET
def rack_elevation(request: HttpRequest, pk: int, rack: int) -> HttpResponse:
    """One rack's card with its SVG (lazy load, front/rear toggle); ?download=1 the bare SVG."""
    build = build_or_404(request, pk)
    face: Literal["front", "rear"] = "rear" if request.GET.get("face") == "rear" else "front"
    rack_id = selectors.line_ref(rack)
    state = editor_state(
        request, build, {f"face_{rack}": face}, highlight=ctx.highlight_from(request.GET)
    )
    if rack_id not in {r.id for r in state.spec.racks}:
        raise Http404("Rack not found.")
    if request.GET.get("download"):
        svg = rack_elevation_svg(state.spec, rack_id, face=face, findings=state.report.findings)
        response = HttpResponse(svg, content_type="image/svg+xml")
        filename = f"build-{build.pk}-rack-{rack}-{face}.svg"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    (card,) = state.rack_cards(only=[rack_id])
    return render(
        request, "configurator/editor/rack_card.html", state.context(card=card, oob=False)
    )


@login_required
@require_GET
def elevations(request: HttpRequest, pk: int) -> HttpResponse:
    """Every rack's card, faces as the page shows them, with items highlighted (findings)."""
    build = build_or_404(request, pk)
    state = editor_state(request, build, request.GET, highlight=ctx.highlight_from(request.GET))
    context = state.context(racks=state.rack_cards(), oob=False)
    return render(request, "configurator/editor/elevations.html", context)


@login_required
@require_GET
def picker(request: HttpRequest, pk: int) -> HttpResponse:
    """Catalogue search results, one link each to the add panel of that component."""
    build = build_or_404(request, pk)
    context = {
        "build": build,
        "picker": ctx.picker(
            request.GET, seller_id=build.site.organisation.selling_organisation_id
        ),
        "read_only": build.is_read_only,
        "show_cost": can_see_cost(request.user, None, build.site.organisation),
    }
    return render(request, "configurator/editor/picker_results.html", context)


@login_required
@require_GET
def add_panel(request: HttpRequest, pk: int, component: int) -> HttpResponse:
    """The add panel of one component: figures, position, face, feeds (feed B if it has two)."""
    build = build_or_404(request, pk)
    state = editor_state(request, build, request.GET)
    add = state.add_panel(component)
    if add is None:
        raise Http404("Component not found.")
    return render(request, "configurator/editor/add_panel.html", state.context(add=add, oob=False))


@login_required
@require_GET
def line_panel(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """The panel of one line (move, feeds, quantity, note, remove), its item highlighted."""
    build = build_or_404(request, pk)
    ref = selectors.line_ref(line)
    state = editor_state(request, build, request.GET, selected=ref)
    if state.selected_line is None:
        raise Http404("Build line not found.")
    shown = parse_shown(request.GET.get("shown"))
    if shown is None:
        fragments: list[str] = [
            render_to_string(
                "configurator/editor/elevations.html",
                state.context(racks=state.rack_cards(), oob=True),
                request=request,
            )
        ]
    else:
        # The highlight moved: only the rack cards (and note) that draw it change.
        shown = [(k, v) for k, v in shown if k.startswith(("rack-", "highlight-note"))]
        fragments = oob_fragments(
            state,
            request,
            shown=[*shown, *_all_but_racks(state)],
            rows=None,
            with_rows=False,
        )
    return render(
        request,
        "configurator/editor/line_select.html",
        state.context(fragments=fragments, oob=False),
    )


def _all_but_racks(state: ctx.EditorState) -> list[tuple[str, str]]:
    """Digests that claim the page is current everywhere but the racks (a read moves nothing
    else; the panel is the target, not an out-of-band swap)."""
    return [
        ("editor-summary", state.summary_digest),
        ("editor-header", state.header_digest),
        ("validation-panel", state.validation_digest),
        ("line-panel", state.panel_digest),
        ("bom-section", state.bom_digest),
    ]


@login_required
@require_GET
def validation(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation panel alone (findings and gauges)."""
    build = build_or_404(request, pk)
    state = editor_state(request, build, request.GET)
    return render(request, "configurator/editor/validation.html", state.context(oob=False))


@login_required
@require_GET
def bom_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The BOM as CSV or XLSX; cost columns only for the roles that may see cost."""
    build = build_or_404(request, pk)
    try:
        bom = selectors.build_bom(
            build, show_cost=can_see_cost(request.user, None, build.site.organisation)
        )
    except Conflict as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    if file_format == "xlsx":
        content, content_type = bom_xlsx(bom, title=build.name), XLSX_CONTENT_TYPE
    else:
        content, content_type = bom_csv(bom, title=build.name), CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="build-{build.pk}-bom.{file_format}"'
    return response
