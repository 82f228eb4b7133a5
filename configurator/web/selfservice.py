"""Customer self-service: (1) site, (2) workload, (3) a proposed build, then the editor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from catalog.choices import ComponentKind
from configurator.builds import selectors
from configurator.builds.services import sites as site_services
from configurator.configure.proposer import Workload, active_components, build_propose
from configurator.errors import NotFound
from configurator.tenancy.permissions import organisations_visible_to
from configurator.web.common import worst_finding
from configurator.web.forms import SiteForm, SitePickForm, WorkloadForm, add_service_errors
from rules.specs import Redundancy

# The proposal's reasoning is not stored with the build; the session keeps it for step 3.
SESSION_KEY = "selfservice.proposals"
SESSION_KEEP = 10
STEPS = ("Site", "Workload", "Proposed build")


def _workload_form(data: Any = None) -> WorkloadForm:
    return WorkloadForm(
        data,
        servers=active_components(ComponentKind.SERVER),
        gpu_servers=active_components(ComponentKind.GPU_SERVER),
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
    """Step 2: servers, expected IT load, runtime and redundancy; then propose a build."""
    try:
        site = selectors.site_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = _workload_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = build_propose(
                site=site,
                name=data["name"],
                workload=Workload(
                    servers=data["servers"],
                    server=data["server_model"],
                    gpu_servers=data["gpu_servers"],
                    gpu_server=data["gpu_model"],
                    it_kw=float(data["it_kw"]) if data["it_kw"] is not None else None,
                    runtime_min=float(data["runtime_min"]),
                    redundancy=Redundancy(data["redundancy"]),
                ),
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            kept = request.session.get(SESSION_KEY, {})
            kept[str(proposal.build.pk)] = {
                "picks": [
                    {
                        "role": pick.role,
                        "component": pick.component.pk,
                        "name": str(pick.component),
                        "quantity": pick.quantity,
                        "reason": pick.reason,
                    }
                    for pick in proposal.picks
                ],
                "notes": list(proposal.notes),
                "design_load_w": proposal.design_load_w,
            }
            # Keep the newest few only: the session is not an archive.
            request.session[SESSION_KEY] = dict(list(kept.items())[-SESSION_KEEP:])
            messages.success(request, f"Build “{proposal.build.name}” proposed.")
            return redirect("selfservice:result", pk=proposal.build.pk)
    return render(
        request,
        "configurator/selfservice_workload.html",
        {"steps": STEPS, "step": 2, "site": site, "form": form},
    )


@login_required
@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the proposed build, why each part was chosen, and the engine's findings."""
    try:
        build = selectors.build_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    report = selectors.build_report(build)
    return render(
        request,
        "configurator/selfservice_result.html",
        {
            "steps": STEPS,
            "step": 3,
            "build": build,
            "report": report,
            "worst": worst_finding(report),
            "proposal": request.session.get(SESSION_KEY, {}).get(str(build.pk)),
        },
    )
