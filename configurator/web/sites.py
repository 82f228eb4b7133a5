"""Sites: list, create, edit, and a site's page with its builds, new build and apply build."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from configurator.builds import selectors
from configurator.builds.models import Site
from configurator.builds.services import builds as build_services
from configurator.builds.services import sites as site_services
from configurator.errors import DomainError, NotFound
from configurator.tenancy.permissions import organisations_visible_to
from configurator.web.common import build_rows
from configurator.web.forms import ApplyBuildForm, BuildCreateForm, SiteForm, add_service_errors


def _site_or_404(request: HttpRequest, pk: int) -> Site:
    """A site the user may act on; others do not exist for them (404, never 403)."""
    try:
        return selectors.site_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    """Sites of every organisation the user acts on, grouped by organisation."""
    return render(
        request, "configurator/site_list.html", {"sites": selectors.site_list(user=request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    """A new site; the engine's Site model validates it, errors land on their fields."""
    organisations = organisations_visible_to(request.user).order_by("name", "pk")
    form = SiteForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            site = site_services.site_create(
                organisation=form.cleaned_data["organisation"], **form.site_values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Site “{site.name}” created.")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "configurator/site_form.html", {"form": form, "site": None})


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a site's fields; nothing typed is lost when a value is refused."""
    site = _site_or_404(request, pk)
    initial = {name: getattr(site, name) for name in SiteForm.base_fields}
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site_services.site_update(site=site, **form.site_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Site “{site.name}” saved.")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "configurator/site_form.html", {"form": form, "site": site})


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A site, its builds with their worst finding, and the forms to add or apply a build."""
    site = _site_or_404(request, pk)
    builds = selectors.build_list(user=request.user, site=site)
    others = selectors.build_list(user=request.user).exclude(site=site)
    return render(
        request,
        "configurator/site_detail.html",
        {
            "site": site,
            "rows": build_rows(builds),
            "build_form": BuildCreateForm(
                initial={"site": site.pk}, sites=selectors.site_list(user=request.user)
            ),
            "apply_form": ApplyBuildForm(builds=others) if others.exists() else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def build_create(request: HttpRequest) -> HttpResponse:
    """A new empty draft build on a visible site; then straight to the editor."""
    sites = selectors.site_list(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = BuildCreateForm(data, initial={"site": request.GET.get("site")}, sites=sites)
    if data is not None and form.is_valid():
        try:
            build = build_services.build_create(
                site=form.cleaned_data["site"], name=form.cleaned_data["name"], user=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Build “{build.name}” created.")
            return redirect("editor:detail", build.pk)
    return render(request, "configurator/build_create.html", {"form": form})


@login_required
@require_POST
def build_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a chosen build (lines and placements) onto this site, then open the copy."""
    site = _site_or_404(request, pk)
    others = selectors.build_list(user=request.user).exclude(site=site)
    form = ApplyBuildForm(request.POST, builds=others)
    if form.is_valid():
        try:
            build = build_services.build_apply_to_site(
                build=form.cleaned_data["build"], site=site, user=request.user
            )
        except (ValidationError, DomainError) as exc:
            message = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
            messages.error(request, message)
        else:
            messages.success(request, f"Build “{build.name}” applied to {site.name}.")
            return redirect("editor:detail", build.pk)
    else:
        messages.error(request, "Choose one of the listed builds to apply.")
    return redirect("sites:detail", pk=site.pk)
