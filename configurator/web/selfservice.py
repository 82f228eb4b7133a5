"""Customer self-service: (1) site, (2) workload, (3) the configured build, then the editor.

Step 2 runs the auto-configurator (``configurator.configure``): the cheapest valid build for
the workload, proven optimal, written as a draft build; its alternatives and the kits compared
are shown in step 3, each alternative savable as a build of its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from catalog.choices import ComponentKind, Lifecycle
from catalog.models import Component
from catalog.selectors import component_list
from configurator.builds import selectors
from configurator.builds.services import sites as site_services
from configurator.configure import selectors as configure_selectors
from configurator.configure import services as configure_services
from configurator.configure.requirements import requirements_for_site
from configurator.errors import NotFound
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to
from configurator.web.common import worst_finding
from configurator.web.configure_forms import WorkloadForm
from configurator.web.forms import SiteForm, SitePickForm, add_service_errors

STEPS = ("Site", "Workload", "Configured build")


def _active(kind: str) -> QuerySet[Component]:
    return (
        component_list().filter(kind=kind, lifecycle=Lifecycle.ACTIVE).order_by("list_price", "pk")
    )


def _workload_form(request: HttpRequest, data: Any = None) -> WorkloadForm:
    return WorkloadForm(
        data,
        servers=_active(ComponentKind.SERVER),
        gpu_servers=_active(ComponentKind.GPU_SERVER),
        with_cost=can_see_cost(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: pick one of the organisation's sites, or describe a new one."""
    sites = selectors.site_list(user=request.user)
    organisations = organisations_visible_to(request.user).order_by("name", "pk")
    pick_form = SitePickForm(sites=sites)
    site_form = SiteForm(organisations=organisations, prefix="new")
    if request.method == "POST":
        if request.POST.get("action") == "pick":
            pick_form = SitePickForm(request.POST, sites=sites)
            if pick_form.is_valid():
                return redirect("selfservice:workload", pk=pick_form.cleaned_data["site"].pk)
        else:
            site_form = SiteForm(request.POST, organisations=organisations, prefix="new")
            if site_form.is_valid():
                try:
                    site = site_services.site_create(
                        organisation=site_form.cleaned_data["organisation"],
                        **site_form.site_values(),
                    )
                except ValidationError as exc:
                    add_service_errors(site_form, exc)
                else:
                    return redirect("selfservice:workload", pk=site.pk)
    return render(
        request,
        "configurator/selfservice_site.html",
        {
            "steps": STEPS,
            "step": 1,
            "pick_form": pick_form if sites.exists() else None,
            "site_form": site_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workload(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: the workload and what is asked of it; the configurator finds the cheapest valid
    build (proven optimal) and writes it, or says which requirements cannot hold together."""
    try:
        site = selectors.site_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = _workload_form(request, request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            requirements = requirements_for_site(
                form.requirements_data(),
                site=site,
                organisation=site.organisation,
                with_cost=can_see_cost(request.user),
            )
            job = configure_services.configure_for_site(
                site=site, requirements=requirements, user=request.user
            )
            result = configure_selectors.configure_job_result(job, user=request.user)
            if result.get("options"):
                build = configure_services.configure_option_save(
                    job=job, option=0, name=form.cleaned_data["name"], user=request.user
                )
                messages.success(request, f"Build “{build.name}” configured.")
                return redirect("selfservice:result", pk=build.pk)
        except ValidationError as exc:
            add_service_errors(form, _on_form_fields(exc))
    return render(
        request,
        "configurator/selfservice_workload.html",
        {"steps": STEPS, "step": 2, "site": site, "form": form, "result": result},
    )


# Requirements paths the workload form has a field for.
_FORM_FIELD = {
    "requirements.constraints.runtime_min": "runtime_min",
    "requirements.constraints.growth_pct": "growth_pct",
    "requirements.constraints.max_racks": "max_racks",
    "requirements.constraints.rack_form": "rack_form",
    "requirements.constraints.budget": "budget",
    "requirements.constraints.max_lead_time_days": "max_lead_time_days",
    "requirements.redundancy.ups": "ups_redundancy",
    "requirements.redundancy.cooling": "cooling_redundancy",
    "requirements.cooling": "cooling_medium",
    "requirements.objective.terms": "objective",
}


def _on_form_fields(exc: ValidationError) -> ValidationError:
    """The service's errors keyed by the form's fields where it has one."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {_FORM_FIELD.get(key, key): messages for key, messages in exc.message_dict.items()}
    )


@login_required
@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the configured build, its proof, the alternatives and kits, and the findings."""
    try:
        build = selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    report = selectors.build_report(build)
    job = configure_selectors.configure_job_for_build(build_id=build.pk)
    return render(
        request,
        "configurator/selfservice_result.html",
        {
            "steps": STEPS,
            "step": 3,
            "build": build,
            "report": report,
            "worst": worst_finding(report),
            "job": job,
            "result": configure_selectors.configure_job_result(job, user=request.user)
            if job is not None
            else None,
        },
    )
