"""The build editor: the page, its htmx partials and its writes (all through the services).

Every write form carries the build revision it was rendered from; the services compare it
(`expected_revision`) and a stale one answers "someone else changed this build" with the current
state re-rendered, never an overwrite. An htmx write answers a message for `#editor-message` and
out-of-band swaps of every region that depends on the build (header, picker results, elevations,
line panel and list, validation, BOM), so validation is live. Without htmx, writes redirect
back to the page with the message (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog.choices import ComponentKind
from catalog.selectors import component_list
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import placement as placement_services
from configurator.documents.bom_export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.documents.elevation import rack_elevation_svg
from configurator.errors import BlockedByRules, Conflict, NotFound, PreconditionFailed
from configurator.tenancy.permissions import can_approve_build, can_see_cost
from configurator.web import editor_context as ctx
from configurator.web.editor_lines import line_name, where_text
from configurator.web.forms import LineAddForm, LineForm, form_errors

PICKER_LIMIT = 20
FIELD_LABELS = {
    "position_u": "Position",
    "position": "Position",
    "rack": "Rack",
    "quantity": "Quantity",
    "face": "Face",
    "feed_a": "Feed A",
    "feed_b": "Feed B",
    "ups": "UPS",
    "coolant_from": "Coolant from",
    "phase": "Phase",
    "note": "Note",
    "lines": "Lines",
    "revision": "Revision",
    "component": "Component",
    "status": "Status",
}


# --------------------------------------------------------------------------- helpers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _build_or_404(request: HttpRequest, pk: int) -> Build:
    """The build if the user's organisations include it; another organisation's is a 404."""
    try:
        return selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _line_or_404(build: Build, line_pk: int) -> BuildLine:
    line = selectors.build_line_list(build).filter(pk=line_pk).first()
    if line is None:
        raise Http404("Build line not found.")
    line.build = build
    return line


def _may_approve(request: HttpRequest, build: Build) -> bool:
    """Approving (and reopening) is for the serving roles: admins and sales engineers."""
    return can_approve_build(request.user, None, build.site.organisation)


def _error_lines(exc: ValidationError) -> list[str]:
    """A service's field errors as sentences naming the field."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for field, errors in exc.message_dict.items():
        label = FIELD_LABELS.get(field, "" if field == "__all__" else field)
        out.extend(f"{label}: {error}" if label else error for error in errors)
    return out


def _stale_message(exc: PreconditionFailed, expected: int | None) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    before = details.get("expected_revision", expected)
    after = details.get("revision")
    if after is None:
        after = "a newer one"
    return (
        f"Someone else changed this build (revision {before} \u2192 {after}). The editor has "
        "been reloaded with their changes; your change was not applied."
    )


def _respond(
    request: HttpRequest,
    build: Build,
    *,
    message: str,
    level: str = "success",
    details: list[str] | None = None,
    selected: str | None = None,
    reload_all: bool = True,
) -> HttpResponse:
    """Answer a write: htmx gets the message plus out-of-band regions, others a redirect."""
    if not _is_htmx(request):
        text = message + ("" if not details else " " + " ".join(details))
        messages.add_message(request, messages.ERROR if level == "error" else messages.INFO, text)
        return redirect("editor:detail", pk=build.pk)
    build.refresh_from_db()
    context: dict[str, Any] = {
        "message": message,
        "level": level,
        "details": details or [],
        "oob": reload_all,
    }
    if reload_all:
        context.update(
            ctx.editor_context(
                request,
                build,
                faces=ctx.faces_from(request.POST),
                selected=selected if selected is not None else request.POST.get("selected"),
                query=request.POST,
            )
        )
    return render(request, "configurator/editor/write_response.html", context)


def _run_write(
    request: HttpRequest,
    build: Build,
    write: Callable[[int], str],
    *,
    selected: str | Callable[[], str | None] | None = None,
) -> HttpResponse:
    """Parse the revision, run one service call and answer with its outcome.

    `write(expected_revision)` returns the success message. Validation errors leave the state
    untouched (only the message is swapped, the form keeps its input); a stale revision, a
    read-only build or a conflict re-render everything so the person sees what is true now.
    """
    try:
        expected = int(request.POST.get("revision", ""))
    except ValueError:
        return _respond(
            request,
            build,
            message="This form is out of date. The editor has been reloaded; try again.",
            level="error",
        )
    try:
        text = write(expected)
    except PreconditionFailed as exc:
        return _respond(request, build, message=_stale_message(exc, expected), level="error")
    except ValidationError as exc:
        return _respond(
            request,
            build,
            message="The change was not applied.",
            level="error",
            details=_error_lines(exc),
            reload_all=False,
        )
    except BlockedByRules as exc:
        findings = exc.details if isinstance(exc.details, list) else []
        details = [f"{f.get('message', '')} ({f.get('code', '')})" for f in findings]
        return _respond(request, build, message=exc.message, level="error", details=details)
    except (Conflict, NotFound) as exc:
        return _respond(request, build, message=exc.message, level="error")
    chosen = selected() if callable(selected) else selected
    return _respond(request, build, message=text, selected=chosen)


# --------------------------------------------------------------------------- pages and reads


@login_required
@require_GET
def build_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor page: picker, lazy rack elevations, line panel, live validation, BOM."""
    build = _build_or_404(request, pk)
    context = ctx.editor_context(request, build, lazy=True, query=request.GET)
    return render(request, "configurator/editor/page.html", context)


@login_required
@require_GET
def rack_elevation(request: HttpRequest, pk: int, rack: int) -> HttpResponse:
    """One rack's card with its SVG (lazy load, front/rear toggle); ?download=1 the bare SVG."""
    build = _build_or_404(request, pk)
    face = "rear" if request.GET.get("face") == "rear" else "front"
    highlight = ctx.highlight_from(request.GET)
    spec = selectors.build_snapshot(build)
    rack_id = selectors.line_ref(rack)
    if rack_id not in {r.id for r in spec.racks}:
        raise Http404("Rack not found.")
    if request.GET.get("download"):
        report = ctx.evaluate(spec)
        svg = rack_elevation_svg(spec, rack_id, face=face, findings=report.findings)
        response = HttpResponse(svg, content_type="image/svg+xml")
        filename = f"build-{build.pk}-rack-{rack}-{face}.svg"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context = ctx.elevations_context(
        build, spec, faces={rack_id: face}, highlight=highlight, only=rack_id
    )
    return render(request, "configurator/editor/rack_card.html", {"card": context["racks"][0]})


@login_required
@require_GET
def elevations(request: HttpRequest, pk: int) -> HttpResponse:
    """Every rack's card, faces as the page shows them, with items highlighted (findings)."""
    build = _build_or_404(request, pk)
    spec = selectors.build_snapshot(build)
    context = ctx.elevations_context(
        build, spec, faces=ctx.faces_from(request.GET), highlight=ctx.highlight_from(request.GET)
    )
    return render(request, "configurator/editor/elevations.html", context)


@login_required
@require_GET
def picker(request: HttpRequest, pk: int) -> HttpResponse:
    """Catalogue search results, each with an add form placing it in the build."""
    build = _build_or_404(request, pk)
    context = ctx.editor_context(request, build, query=request.GET, parts={"picker"})
    return render(request, "configurator/editor/picker_results.html", context)


@login_required
@require_GET
def line_panel(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """The panel of one line (move, feeds, quantity, note, remove), its item highlighted."""
    build = _build_or_404(request, pk)
    ref = selectors.line_ref(line)
    context = ctx.editor_context(
        request,
        build,
        faces=ctx.faces_from(request.GET),
        selected=ref,
        parts={"panel", "elevations"},
    )
    if context["selected_line"] is None:
        raise Http404("Build line not found.")
    return render(request, "configurator/editor/line_select.html", context)


@login_required
@require_GET
def validation(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation panel alone (findings and gauges)."""
    build = _build_or_404(request, pk)
    context = ctx.editor_context(request, build, parts={"validation"})
    return render(request, "configurator/editor/validation.html", context)


@login_required
@require_GET
def bom_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The BOM as CSV or XLSX; cost columns only for the roles that may see cost."""
    build = _build_or_404(request, pk)
    try:
        bom = selectors.build_bom(build, show_cost=can_see_cost(request.user))
    except Conflict as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    if file_format == "xlsx":
        content, content_type = bom_xlsx(bom, title=build.name), XLSX_CONTENT_TYPE
    else:
        content, content_type = bom_csv(bom, title=build.name), CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="build-{build.pk}-bom.{file_format}"'
    return response


# --------------------------------------------------------------------------- writes


@login_required
@require_POST
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a catalogue component to the build, placed where chosen (or auto-placed)."""
    build = _build_or_404(request, pk)
    form = LineAddForm(request.POST)
    added: dict[str, str] = {}

    def write(expected: int) -> str:
        if not form.is_valid():
            raise form_errors(form)
        data = form.cleaned_data
        component = component_list().filter(pk=data["component"]).first()
        if component is None:
            raise ValidationError({"component": ["This component is no longer in the catalogue."]})
        mode, rack, position = data["position"]
        with transaction.atomic():
            # "auto": add unplaced, then auto-place; all or nothing, so a misfit adds nothing.
            line = line_services.build_line_add(
                build=build,
                component=component,
                quantity=data["quantity"] or 1,
                rack=rack,
                position_u=position,
                face=data["face"] or BuildLine.Face.FRONT,
                feed_a=form.line_ref("feed_a"),
                feed_b=form.line_ref("feed_b"),
                ups=form.line_ref("ups"),
                coolant_from=form.line_ref("coolant_from"),
                phase=data["phase"],
                note=data["note"],
                expected_revision=expected,
            )
            added["ref"] = line.ref
            if mode == "auto" and component.kind != ComponentKind.RACK:
                placement_services.build_auto_place(build=build, expected_revision=build.revision)
        line.refresh_from_db()
        where = where_text(line)
        return (
            f"Added {line.quantity} \u00d7 {component.manufacturer} {component.model_name}{where}."
        )

    # The new line is selected, so its panel opens next to the elevation.
    return _run_write(request, build, write, selected=lambda: added.get("ref"))


@login_required
@require_POST
def line_update(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Move or change a line; only the fields the form posted change (drag and drop posts two)."""
    build = _build_or_404(request, pk)
    target = _line_or_404(build, line)
    form = LineForm(request.POST)

    def write(expected: int) -> str:
        if not form.is_valid():
            raise form_errors(form)
        data = form.cleaned_data
        fields: dict[str, Any] = {}
        if "position" in request.POST:
            _, rack, position = data["position"]
            fields.update(rack=rack, position_u=position)
        for name in ("feed_a", "feed_b", "ups", "coolant_from"):
            if name in request.POST:
                fields[name] = form.line_ref(name)
        if "quantity" in request.POST and data["quantity"]:
            fields["quantity"] = data["quantity"]
        for name in ("face", "note", "phase"):
            if name in request.POST and (name != "face" or data[name]):
                fields[name] = data[name]
        updated = line_services.build_line_update(line=target, expected_revision=expected, **fields)
        return f"Saved {line_name(updated)}{where_text(updated)}."

    return _run_write(request, build, write, selected=target.ref)


@login_required
@require_POST
def line_remove(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Remove a line; with "detach" the lines using it as rack, feed, UPS or coolant source are
    detached first."""
    build = _build_or_404(request, pk)
    target = _line_or_404(build, line)
    name = line_name(target)

    def write(expected: int) -> str:
        line_services.build_line_remove(
            line=target, cascade=request.POST.get("cascade") == "1", expected_revision=expected
        )
        return f"Removed {name}."

    return _run_write(request, build, write, selected="")


@login_required
@require_POST
def auto_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place every unplaced rack-mount line (placement_services.build_auto_place)."""
    build = _build_or_404(request, pk)

    def write(expected: int) -> str:
        placements = placement_services.build_auto_place(build=build, expected_revision=expected)
        if not placements:
            return "Nothing to place: every rack-mount line already has a position."
        return f"Placed {len(placements)} line(s)."

    return _run_write(request, build, write)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the build (sales engineers and admins); blocked while errors remain."""
    build = _build_or_404(request, pk)
    if not _may_approve(request, build):
        raise PermissionDenied("Only sales engineers and administrators approve builds.")

    def write(expected: int) -> str:
        build_services.build_approve(build=build, user=request.user, expected_revision=expected)
        return "Approved. The build is now read-only."

    return _run_write(request, build, write)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an approved build back to draft (sales engineers and admins)."""
    build = _build_or_404(request, pk)
    if not _may_approve(request, build):
        raise PermissionDenied("Only sales engineers and administrators reopen builds.")

    def write(expected: int) -> str:
        build_services.build_update(
            build=build, expected_revision=expected, status=Build.Status.DRAFT
        )
        return "Back to draft: the build can be edited again."

    return _run_write(request, build, write)


@login_required
@require_POST
def clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the build into a new draft and open it."""
    build = _build_or_404(request, pk)
    name = (request.POST.get("name") or "").strip()[:200] or None
    copy = build_services.build_clone(build=build, name=name, user=request.user)
    url = reverse("editor:detail", kwargs={"pk": copy.pk})
    messages.info(request, f"This is a copy of {build.name}.")
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
