"""The build editor's writes: add, change, remove and restore lines, auto-place, approve,
reopen, clone (all through the services).

Every write carries the build revision the page shows (editor.js sends the newest one); the
services compare it (`expected_revision`) and a stale one answers "someone else changed this
build" with the current state re-rendered, never an overwrite. An htmx write answers a message
for `#editor-message` and out-of-band swaps of the regions whose data changed (editor_regions:
the page sends the digests of what it shows), so validation is live and a line edit stays
small. Without htmx, writes redirect back to the page with the message (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.selectors import component_list
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import placement as placement_services
from configurator.errors import BlockedByRules, Conflict, NotFound, PreconditionFailed
from configurator.tenancy.permissions import can_approve_build
from configurator.web.editor_http import (
    build_or_404,
    editor_state,
    int_or_none,
    is_htmx,
    line_or_404,
)
from configurator.web.editor_lines import line_name, where_text
from configurator.web.editor_regions import oob_fragments, parse_shown
from configurator.web.forms import LineAddForm, LineForm, form_errors

__all__ = [
    "approve",
    "auto_place",
    "clone",
    "line_add",
    "line_remove",
    "line_restore",
    "line_update",
    "reopen",
]

UNDO_SALT = "editor.line-undo"
UNDO_MAX_AGE_S = 24 * 3600
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


def _may_approve(request: HttpRequest, build: Build) -> bool:
    """Approving (and reopening) is for the serving roles: admins and sales engineers."""
    return can_approve_build(request.user, None, build.site.organisation)


def _error_lines(exc: ValidationError) -> list[str]:
    """A service's field errors as sentences naming the field."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out: list[str] = []
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
    everything: bool = False,
    focus: str = "",
    undo: str = "",
) -> HttpResponse:
    """Answer a write: htmx gets the message plus the regions that changed, others a redirect.

    `everything` redraws every region whatever the page shows (after a stale revision or a
    refused write, the page may be out of date); `reload_all=False` sends the message alone.
    """
    if not is_htmx(request):
        text = message + ("" if not details else " " + " ".join(details))
        messages.add_message(request, messages.ERROR if level == "error" else messages.INFO, text)
        return redirect("editor:detail", pk=build.pk)
    if everything or level == "error":
        # What is stored now, whatever this request believed; the site loaded with it stays.
        build.refresh_from_db(fields=["name", "status", "revision", "updated_at"])
    # (After a successful write the services moved this very object's revision already.)
    data = request.POST
    state = editor_state(request, build, data, selected=selected)
    fragments: list[str] = []
    if reload_all:
        fragments = oob_fragments(
            state,
            request,
            shown=None if everything else parse_shown(data.get("shown")),
            rows=parse_shown(data.get("rows")),
            add_component=int_or_none(data.get("add_component")),
        )
    context = state.context(
        message=message,
        level=level,
        details=details or [],
        fragments=fragments,
        focus=focus or ("message" if level == "error" else ""),
        undo=undo,
    )
    return render(request, "configurator/editor/write_response.html", context)


def _run_write(
    request: HttpRequest,
    build: Build,
    write: Callable[[int], str],
    *,
    selected: str | Callable[[], str | None] | None = None,
    focus: str = "",
    undo: Callable[[], str] | None = None,
) -> HttpResponse:
    """Parse the revision, run one service call and answer with its outcome.

    `write(expected_revision)` returns the success message. Validation errors leave the state
    untouched (only the message is swapped, the form keeps its input); a stale revision, a
    read-only build or a conflict re-render everything so the person sees what is true now.
    """
    expected = int_or_none(request.POST.get("revision", ""))
    if expected is None:
        return _respond(
            request,
            build,
            message="This form is out of date. The editor has been reloaded; try again.",
            level="error",
            everything=True,
        )
    try:
        text = write(expected)
    except PreconditionFailed as exc:
        return _respond(
            request, build, message=_stale_message(exc, expected), level="error", everything=True
        )
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
        return _respond(request, build, message=exc.message, level="error", everything=True)
    chosen = selected() if callable(selected) else selected
    return _respond(
        request,
        build,
        message=text,
        selected=chosen,
        focus=focus,
        undo=undo() if undo is not None else "",
    )


def _made_way_text(made_way: list[str] | tuple[str, ...]) -> str:
    """What a placement took over, as a sentence ("" when nothing)."""
    if not made_way:
        return ""
    return " It takes over blanking panels: " + "; ".join(made_way) + "."


# --------------------------------------------------------------------------- writes


@login_required
@require_POST
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a catalogue component to the build, placed where chosen (or auto-placed), fed from
    the rack's PDU or UPS unless another feed is chosen."""
    build = build_or_404(request, pk)
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
        line = line_services.build_line_add_auto(
            build=build,
            component=component,
            quantity=data["quantity"] or 1,
            rack=rack,
            position_u=position,
            auto_place=mode == "auto",
            face=data["face"] or BuildLine.Face.FRONT,
            feed_a=form.feed_ref("feed_a"),
            feed_b=form.feed_ref("feed_b"),
            ups=form.line_ref("ups"),
            coolant_from=form.line_ref("coolant_from"),
            phase=data["phase"],
            note=data["note"],
            expected_revision=expected,
        )
        added["ref"] = line.ref
        made_way = line.made_way
        line.refresh_from_db()
        return (
            f"Added {line.quantity} \u00d7 {component.manufacturer} {component.model_name}"
            f"{where_text(line)}.{_made_way_text(made_way)}"
        )

    # The new line is selected, so its panel opens next to the elevation.
    return _run_write(request, build, write, selected=lambda: added.get("ref"), focus="message")


@login_required
@require_POST
def line_update(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Move or change a line; only the fields the form posted change (drag and drop posts two)."""
    build = build_or_404(request, pk)
    target = line_or_404(build, line, with_component=False)
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
        return (
            f"Saved {line_name(updated)}{where_text(updated)}."
            f"{_made_way_text(getattr(updated, 'made_way', []))}"
        )

    # Focus stays on the changed line: its panel's heading.
    return _run_write(request, build, write, selected=target.ref, focus="#line-panel-title")


@login_required
@require_POST
def line_remove(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Remove a line (with "detach", the lines using it are detached first); it can be undone."""
    build = build_or_404(request, pk)
    target = line_or_404(build, line)
    name = line_name(target)
    removed: dict[str, Any] = {}

    def write(expected: int) -> str:
        removed.update(
            line_services.build_line_remove(
                line=target, cascade=request.POST.get("cascade") == "1", expected_revision=expected
            )
        )
        return f"Removed {name}."

    def undo() -> str:
        return signing.dumps({"build": build.pk, "line": removed}, salt=UNDO_SALT, compress=True)

    return _run_write(request, build, write, selected="", focus="message", undo=undo)


@login_required
@require_POST
def line_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a removal: the line comes back as it was, reattached where still possible."""
    build = build_or_404(request, pk)

    def write(expected: int) -> str:
        try:
            token = signing.loads(
                request.POST.get("token", ""), salt=UNDO_SALT, max_age=UNDO_MAX_AGE_S
            )
        except signing.BadSignature as exc:
            raise ValidationError("This undo has expired; add the line again instead.") from exc
        if not isinstance(token, dict) or token.get("build") != build.pk:
            raise ValidationError("This undo belongs to another build.")
        line = line_services.build_line_restore(
            build=build, removed=token.get("line") or {}, expected_revision=expected
        )
        restored["ref"] = line.ref
        return f"Restored {line_name(line)}{where_text(line)}."

    restored: dict[str, str] = {}
    return _run_write(
        request, build, write, selected=lambda: restored.get("ref"), focus="#line-panel-title"
    )


@login_required
@require_POST
def auto_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place every unplaced rack-mount line (placement_services.build_auto_place)."""
    build = build_or_404(request, pk)

    def write(expected: int) -> str:
        placements = placement_services.build_auto_place(build=build, expected_revision=expected)
        if not placements:
            return "Nothing to place: every rack-mount line already has a position."
        made_way = [text for p in placements for text in p.made_way]
        return f"Placed {len(placements)} line(s).{_made_way_text(made_way)}"

    return _run_write(request, build, write, focus="message")


def _reload(request: HttpRequest, build: Build, write: Callable[[int], str]) -> HttpResponse:
    """Run a write that changes what the whole page may do (approve, reopen); on success htmx
    reloads the page, which shows the message."""
    done: list[str] = []

    def run(expected: int) -> str:
        done.append(write(expected))
        return done[-1]

    response = _run_write(request, build, run)
    if done and is_htmx(request):
        messages.info(request, done[-1])
        reloaded = HttpResponse(status=204)
        reloaded["HX-Redirect"] = reverse("editor:detail", kwargs={"pk": build.pk})
        return reloaded
    return response


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the build (sales engineers and admins); blocked while errors remain."""
    build = build_or_404(request, pk)
    if not _may_approve(request, build):
        raise PermissionDenied("Only sales engineers and administrators approve builds.")

    def write(expected: int) -> str:
        build_services.build_approve(build=build, user=request.user, expected_revision=expected)
        return "Approved. The build is now read-only."

    return _reload(request, build, write)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an approved build back to draft (sales engineers and admins)."""
    build = build_or_404(request, pk)
    if not _may_approve(request, build):
        raise PermissionDenied("Only sales engineers and administrators reopen builds.")

    def write(expected: int) -> str:
        build_services.build_update(
            build=build, expected_revision=expected, status=Build.Status.DRAFT
        )
        return "Back to draft: the build can be edited again."

    return _reload(request, build, write)


@login_required
@require_POST
def clone(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the build into a new draft and open it."""
    build = build_or_404(request, pk)
    name = (request.POST.get("name") or "").strip()[:200] or None
    copy = build_services.build_clone(build=build, name=name, user=request.user)
    url = reverse("editor:detail", kwargs={"pk": copy.pk})
    messages.info(request, f"This is a copy of {build.name}.")
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
