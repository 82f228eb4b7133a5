"""Pages of the auto-configurator: a configuration's answer, saving its builds, and the build
editor's "configure for me" (sales engineers and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from configurator.builds import selectors as build_selectors
from configurator.configure import selectors, services
from configurator.configure.models import ConfigureJob
from configurator.errors import Conflict, NotFound
from configurator.tenancy.permissions import can_approve_build
from configurator.web.configure_forms import ConfigureForMeForm


def _job_or_404(request: HttpRequest, pk: int) -> ConfigureJob:
    try:
        return selectors.configure_job_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _messages_of(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [m for messages_ in exc.message_dict.values() for m in messages_]


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A configuration: its proof, builds, alternatives and kits, or why nothing fits."""
    job = _job_or_404(request, pk)
    return render(
        request,
        "configurator/configure/job.html",
        {
            "job": job,
            "result": selectors.configure_job_result(job, user=request.user),
            "saved_option": 0 if job.build_id is not None else None,
        },
    )


@login_required
@require_POST
def job_save(request: HttpRequest, pk: int, option: int) -> HttpResponse:
    """Save one of a configuration's builds as a draft build, then open it in the editor."""
    job = _job_or_404(request, pk)
    try:
        build = services.configure_option_save(job=job, option=option, name=None, user=request.user)
    except (ValidationError, Conflict) as exc:
        text = exc.message if isinstance(exc, Conflict) else "; ".join(_messages_of(exc))
        messages.error(request, text)
        return redirect("configure:detail", pk=job.pk)
    messages.success(request, f"Saved as the draft build “{build.name}”.")
    return redirect("editor:detail", pk=build.pk)


@login_required
@require_POST
def build_configure(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's "configure for me": the cheapest valid facility around the placed IT."""
    try:
        build = build_selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not can_approve_build(request.user, None, build.site.organisation):
        raise PermissionDenied("Configure for me is for sales engineers and administrators.")
    form = ConfigureForMeForm(request.POST)
    valid = form.is_valid()
    replace = valid and form.cleaned_data["replace"]
    cooling = (form.cleaned_data.get("cooling") if valid else None) or "auto"
    try:
        job = services.build_configure(
            build=build, user=request.user, replace=replace, cooling=cooling
        )
    except (ValidationError, Conflict) as exc:
        text = exc.message if isinstance(exc, Conflict) else "; ".join(_messages_of(exc))
        messages.error(request, text)
        return redirect("editor:detail", pk=build.pk)
    if job.build_id == build.pk:
        result = job.result_json or {}
        why = (result.get("cooling") or {}).get("reason")
        messages.success(
            request,
            f"Configured around the placed IT: {result.get('status', '')}, the cheapest valid "
            "facility for this site and policy." + (f" Cooling: {why}" if why else ""),
        )
        return redirect("editor:detail", pk=build.pk)
    messages.error(request, "Nothing fits around this IT: see why below.")
    return redirect("configure:detail", pk=job.pk)
