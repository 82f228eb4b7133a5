"""Web views of the NetBox hand-off: the build page's panel (dry run, push with progress,
import files) and the organisation's connections (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.errors import DomainError, NotFound
from configurator.handoff import selectors, services
from configurator.handoff.export import export_zip
from configurator.handoff.mapping import map_build
from configurator.handoff.models import NetBoxConnection
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to


def _build(request: HttpRequest, pk: int) -> Build:
    try:
        build = build_selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not services.can_hand_off(request.user, None, build):
        raise PermissionDenied("Only sales engineers and administrators hand builds off.")
    return build


def _connection(request: HttpRequest, build: Build) -> NetBoxConnection:
    raw = request.POST.get("connection") or request.GET.get("connection") or ""
    connection = (
        selectors.connections_for_build(build).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if connection is None:
        raise Http404("Choose a NetBox connection of this build's organisation.")
    return connection


def _message(exc: DomainError | ValidationError) -> str:
    return exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)


def _panel(request: HttpRequest, build: Build, **extra: object) -> HttpResponse:
    context = {
        "build": build,
        "connections": list(selectors.connections_for_build(build)),
        "pushes": list(selectors.push_list(build=build)[:5]),
        "approved": build.status == Build.Status.APPROVED,
        **extra,
    }
    return render(request, "configurator/handoff/panel.html", context)


@login_required
@require_GET
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The hand-off panel of the build page (lazy-loaded)."""
    return _panel(request, _build(request, pk))


@login_required
@require_POST
def dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    """What a push would do, per object, against the chosen NetBox."""
    build = _build(request, pk)
    connection = _connection(request, build)
    try:
        plan = services.handoff_dry_run(build=build, connection=connection)
    except (DomainError, ValidationError) as exc:
        return _panel(request, build, error=_message(exc))
    changed = [s for s in plan.steps if s.action not in ("unchanged", "from_template")]
    return _panel(request, build, plan=plan, changed=changed, chosen=connection)


@login_required
@require_POST
def push(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a push; the panel then polls its progress."""
    build = _build(request, pk)
    connection = _connection(request, build)
    try:
        services.push_request(build=build, connection=connection, user=request.user)
    except (DomainError, ValidationError) as exc:
        return _panel(request, build, error=_message(exc))
    return _panel(request, build)


@login_required
@require_GET
def push_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One push's progress and log (polled while it runs)."""
    try:
        found = selectors.push_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "configurator/handoff/push.html", {"push": found})


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The NetBox import files of an approved build (zip of YAML)."""
    build = _build(request, pk)
    if build.status != Build.Status.APPROVED:
        raise Http404("Only an approved build is handed off.")
    mapping = map_build(selectors.build_handoff_input(build, create_manufacturers=True))
    response = HttpResponse(
        export_zip(mapping, build_name=build.name, revision=build.revision),
        content_type="application/zip",
    )
    filename = f"build-{build.pk}-rev{build.revision}-netbox.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- connections


def _administered(request: HttpRequest) -> list[Organisation]:
    return [
        o
        for o in organisations_visible_to(request.user).order_by("name")
        if services.can_manage_connections(request.user, None, o)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def connections(request: HttpRequest) -> HttpResponse:
    """Connections of the organisations the user administers; create one."""
    organisations = _administered(request)
    if not organisations:
        raise PermissionDenied("Only administrators of an organisation manage its connections.")
    error = ""
    if request.method == "POST":
        slug = request.POST.get("organisation", "")
        organisation = next((o for o in organisations if o.slug == slug), None)
        try:
            if organisation is None:
                raise ValidationError({"organisation": ["Choose an organisation you administer."]})
            services.connection_create(
                organisation=organisation,
                name=request.POST.get("name", ""),
                url=request.POST.get("url", ""),
                token=request.POST.get("token", ""),
                user=request.user,
                verify_tls=request.POST.get("verify_tls") == "on",
                create_manufacturers=request.POST.get("create_manufacturers") == "on",
                use_branching=request.POST.get("use_branching") == "on",
            )
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            messages.success(request, "Connection saved. Its token will not be shown again.")
            return redirect("netbox:connections")
    rows = NetBoxConnection.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )
    return render(
        request,
        "configurator/handoff/connections.html",
        {"organisations": organisations, "connections": rows, "error": error},
    )


def _own_connection(request: HttpRequest, pk: int) -> NetBoxConnection:
    connection = (
        NetBoxConnection.objects.select_related("organisation")
        .filter(pk=pk, organisation__in=_administered(request))
        .first()
    )
    if connection is None:
        raise Http404("NetBox connection not found.")
    return connection


@login_required
@require_POST
def connection_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a connection's URL, options or token (blank keeps the token), or delete it."""
    connection = _own_connection(request, pk)
    if request.POST.get("delete"):
        services.connection_delete(connection=connection)
        messages.success(request, "Connection deleted.")
        return redirect("netbox:connections")
    try:
        services.connection_update(
            connection=connection,
            url=request.POST.get("url", connection.url),
            token=request.POST.get("token") or None,
            verify_tls=request.POST.get("verify_tls") == "on",
            create_manufacturers=request.POST.get("create_manufacturers") == "on",
            use_branching=request.POST.get("use_branching") == "on",
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, "Connection saved.")
    return redirect("netbox:connections")


@login_required
@require_POST
def connection_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Reach the NetBox with the stored token and say what happened."""
    connection = _own_connection(request, pk)
    result = services.connection_test(connection=connection)
    (messages.success if result.ok else messages.error)(
        request, f"{connection.name}: {result.message}"
    )
    return redirect("netbox:connections")
