"""Fleet pages: the fleet, its BOM downloads, validation jobs with live progress, standards
(versions, variants, roll-out, re-apply), sites import and catalogue changes.

Thin views: parse, authorise through the scoped selectors, call one service, render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.documents.bom_export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, bom_csv, bom_xlsx
from configurator.errors import DomainError, NotFound
from configurator.fleet import selectors
from configurator.fleet.filters import VERDICT_CHOICES, FleetBuildFilterSet
from configurator.fleet.models import (
    FleetValidation,
    Standard,
    StandardBuild,
    StandardVariant,
    StandardVersion,
)
from configurator.fleet.services import standards as standard_services
from configurator.fleet.services import validations as validation_services
from configurator.fleet.services.sites_import import SITE_COLUMNS, sites_import
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to
from configurator.web.common import paginate
from configurator.web.fleet_forms import (
    ApplyForm,
    PublishForm,
    ReapplyForm,
    SitesImportForm,
    StandardCreateForm,
)

ROWS_PER_PAGE = 50
RESULTS_PER_PAGE = 50
FILTER_KEYS = ("standard", "version", "behind", "variant", "verdict", "country", "environment", "q")


def _error_text(exc: ValidationError | DomainError) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    return " ".join(exc.messages)


def _organisation(request: HttpRequest) -> tuple[Organisation | None, QuerySet[Organisation]]:
    """The fleet's organisation: `?organisation=<slug>`, else the visible one with most builds."""
    visible = organisations_visible_to(request.user).order_by("name", "pk")
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    if slug:
        return visible.filter(slug=slug).first(), visible
    with_standards = visible.filter(standards__isnull=False).distinct().first()
    return with_standards or visible.first(), visible


def _filtered(request: HttpRequest, organisation: Organisation | None) -> FleetBuildFilterSet:
    data = {key: request.GET.get(key, "") for key in FILTER_KEYS if request.GET.get(key)}
    if organisation is not None:
        data["organisation"] = organisation.slug
    return FleetBuildFilterSet(data, queryset=selectors.fleet_builds(user=request.user))


@login_required
@require_GET
def fleet_home(request: HttpRequest) -> HttpResponse:
    """Each site with its standard, verdict and key figures; filters, counts and totals."""
    organisation, organisations = _organisation(request)
    filterset = _filtered(request, organisation)
    builds = filterset.qs if filterset.is_valid() else Build.objects.none()
    page = paginate(request, builds, ROWS_PER_PAGE)
    query = {k: v for k, v in filterset.data.items() if v}
    latest = (
        FleetValidation.objects.filter(organisation=organisation).order_by("-created_at").first()
        if organisation
        else None
    )
    return render(
        request,
        "configurator/fleet/home.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filterset": filterset,
            "errors": None if filterset.is_valid() else filterset.errors,
            "summary": selectors.fleet_summary(builds),
            "page": page,
            "rows": selectors.fleet_rows(list(page.object_list)),
            "query": urlencode(query),
            "filters": query,
            "standards": Standard.objects.filter(organisation=organisation).order_by("name")
            if organisation
            else [],
            "verdicts": VERDICT_CHOICES,
            "latest": latest,
        },
    )


@login_required
@require_POST
def fleet_validate(request: HttpRequest) -> HttpResponse:
    """Start a fleet validation of the filtered builds of one organisation."""
    organisation, _ = _organisation(request)
    if organisation is None:
        raise Http404("Organisation not found.")
    data = {key: request.POST.get(key, "") for key in FILTER_KEYS if request.POST.get(key)}
    data["organisation"] = organisation.slug
    filterset = FleetBuildFilterSet(data, queryset=selectors.fleet_builds(user=request.user))
    if not filterset.is_valid():
        messages.error(request, "The filters are not valid; nothing was started.")
        return redirect("fleet:home")
    try:
        job, created = validation_services.fleet_validation_start(
            organisation=organisation, builds=filterset.qs, selection=data, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(f"{reverse('fleet:home')}?{urlencode(data)}")
    if created:
        messages.success(request, f"Validating {job.total} builds in {job.chunks} chunk(s).")
    else:
        messages.info(request, "These builds are being validated already: here is that job.")
    return redirect("fleet:validation", pk=job.pk)


@login_required
@require_GET
def fleet_bom_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered fleet's BOM as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown format.")
    organisation, _ = _organisation(request)
    filterset = _filtered(request, organisation)
    if not filterset.is_valid():
        raise Http404("Invalid filters.")
    try:
        bom = selectors.fleet_bom(filterset.qs, show_cost=can_see_cost(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("fleet:home")
    title = f"Fleet BOM {organisation.name if organisation else ''}".strip()
    content = (bom_csv if fmt == "csv" else bom_xlsx)(bom, title=title)
    response = HttpResponse(
        content, content_type=CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE
    )
    slug = organisation.slug if organisation else "all"
    response["Content-Disposition"] = f'attachment; filename="fleet-bom-{slug}.{fmt}"'
    return response


# --------------------------------------------------------------------------- validations


def _job_or_404(request: HttpRequest, pk: int) -> FleetValidation:
    try:
        return selectors.validation_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def validation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job: its progress (live while it runs) and the builds it judged."""
    job = _job_or_404(request, pk)
    items = selectors.validation_items(job)
    verdict = request.GET.get("verdict") or ""
    if verdict:
        items = items.filter(verdict=verdict)
    page = paginate(request, items, RESULTS_PER_PAGE)
    return render(
        request,
        "configurator/fleet/validation.html",
        {
            "job": job,
            "page": page,
            "verdict": verdict,
            "query": urlencode({"verdict": verdict}) if verdict else "",
        },
    )


@login_required
@require_GET
def validation_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial htmx polls while the job runs; a stalled job is resumed."""
    job = _job_or_404(request, pk)
    if job.is_active:
        validation_services.fleet_validations_resume(job=job)
    return render(request, "configurator/fleet/_progress.html", {"job": job})


@login_required
@require_POST
def validation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a running job."""
    job = validation_services.fleet_validation_cancel(job=_job_or_404(request, pk))
    messages.success(request, f"Cancelled: {job.done} of {job.total} builds were validated.")
    return redirect("fleet:validation", pk=job.pk)


# --------------------------------------------------------------------------- standards


def _standard_or_404(request: HttpRequest, pk: int) -> Standard:
    try:
        return selectors.standard_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def standard_list(request: HttpRequest) -> HttpResponse:
    """The standards the user may act on, and a form to make one of a build."""
    builds = build_selectors.build_list(user=request.user).filter(standard_link__isnull=True)
    form = StandardCreateForm(request.POST or None, builds=builds.order_by("name", "pk"))
    if request.method == "POST" and form.is_valid():
        try:
            standard = standard_services.standard_create(
                build=form.cleaned_data["build"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                user=request.user,
            )
        except (ValidationError, DomainError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Standard “{standard.name}” created (version 1).")
            return redirect("fleet:standard", pk=standard.pk)
    return render(
        request,
        "configurator/fleet/standard_list.html",
        {"standards": selectors.standard_list(user=request.user), "form": form},
    )


def _standard_context(request: HttpRequest, standard: Standard, **forms: Any) -> dict[str, Any]:
    links = StandardBuild.objects.filter(standard=standard)
    sites_without = (
        build_selectors.site_list(user=request.user, organisation=standard.organisation)
        .exclude(pk__in=links.values("site_id"))
        .order_by("name")
    )
    variants = StandardVariant.objects.filter(standard=standard).order_by("name")
    rows = selectors.standard_site_rows(standard=standard)
    behind = [row for row in rows if row.behind]
    page = paginate(request, rows, ROWS_PER_PAGE)
    return {
        "standard": standard,
        "versions": StandardVersion.objects.filter(standard=standard).order_by("-number"),
        "variants": variants,
        "page": page,
        "rows": page.object_list,
        "behind": len(behind),
        "modified": sum(row.modified for row in rows),
        "query": "",
        "apply_form": forms.get("apply_form") or ApplyForm(sites=sites_without, variants=variants),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "reapply_form": forms.get("reapply_form") or ReapplyForm(links=links),
        "sites_without": sites_without.count(),
    }


@login_required
@require_GET
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A standard: versions, variants, the sites behind it, roll-out and re-apply."""
    standard = _standard_or_404(request, pk)
    return render(
        request, "configurator/fleet/standard_detail.html", _standard_context(request, standard)
    )


@login_required
@require_POST
def standard_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Roll the standard out to the chosen sites (all or nothing)."""
    standard = _standard_or_404(request, pk)
    links = StandardBuild.objects.filter(standard=standard)
    sites = build_selectors.site_list(
        user=request.user, organisation=standard.organisation
    ).exclude(pk__in=links.values("site_id"))
    form = ApplyForm(
        request.POST,
        sites=sites,
        variants=StandardVariant.objects.filter(standard=standard),
    )
    if form.is_valid():
        try:
            builds = standard_services.standard_apply(
                standard=standard,
                sites=list(form.cleaned_data["sites"]),
                variant=form.cleaned_data["variant"],
                user=request.user,
            )
        except (ValidationError, DomainError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Rolled out to {len(builds)} site(s).")
            return redirect("fleet:standard", pk=standard.pk)
    context = _standard_context(request, standard, apply_form=form)
    return render(request, "configurator/fleet/standard_detail.html", context, status=400)


@login_required
@require_POST
def standard_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the next version from the standard's source build."""
    standard = _standard_or_404(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            version = standard_services.standard_publish(
                standard=standard, notes=form.cleaned_data["notes"], user=request.user
            )
        except (ValidationError, DomainError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"Version {version.number} published.")
    return redirect("fleet:standard", pk=standard.pk)


@login_required
@require_POST
def standard_reapply(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-apply the current version to the chosen builds, or to every build behind it."""
    standard = _standard_or_404(request, pk)
    links = StandardBuild.objects.filter(standard=standard)
    visible = build_selectors.build_list(user=request.user)
    if request.POST.get("behind"):
        builds = list(
            visible.filter(
                pk__in=links.filter(version__lt=standard.current_version).values("build_id")
            )
        )
    else:
        form = ReapplyForm(request.POST, links=links)
        builds = (
            list(visible.filter(pk__in=[b.pk for b in form.cleaned_data["builds"]]))
            if (form.is_valid())
            else []
        )
    if not builds:
        messages.error(request, "Choose the builds to re-apply.")
        return redirect("fleet:standard", pk=standard.pk)
    try:
        moved = standard_services.standard_reapply(
            standard=standard, builds=builds, user=request.user
        )
    except (ValidationError, DomainError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, f"{len(moved)} build(s) now on version {standard.current_version}."
        )
    return redirect("fleet:standard", pk=standard.pk)


# --------------------------------------------------------------------------- sites and changes


@login_required
@require_http_methods(["GET", "POST"])
def fleet_sites_import(request: HttpRequest) -> HttpResponse:
    """Import a sheet of sites for one organisation: all or nothing, bad rows named."""
    organisations = organisations_visible_to(request.user).order_by("name", "pk")
    form = SitesImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    result = None
    if request.method == "POST" and form.is_valid():
        result = sites_import(
            organisation=form.cleaned_data["organisation"],
            fileobj=form.cleaned_data["file"],
            fmt=form.file_format,
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.written:
            messages.success(
                request,
                f"{result.count('created')} site(s) created, {result.count('updated')} "
                f"updated, {result.count('unchanged')} unchanged.",
            )
    status = 400 if result is not None and result.errors else 200
    return render(
        request,
        "configurator/fleet/sites_import.html",
        {
            "form": form,
            "result": result,
            "columns": SITE_COLUMNS,
            "counts": {
                action: result.count(action) for action in ("created", "updated", "unchanged")
            }
            if result is not None
            else {},
        },
        status=status,
    )


@login_required
@require_GET
def change_list(request: HttpRequest) -> HttpResponse:
    """Catalogue changes that touched the user's builds."""
    page = paginate(request, selectors.change_list(user=request.user), ROWS_PER_PAGE)
    return render(request, "configurator/fleet/change_list.html", {"page": page, "query": ""})


@login_required
@require_GET
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a catalogue change does to the user's builds and quotes."""
    try:
        change = selectors.change_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    impact = selectors.change_impact(change=change, user=request.user)
    return render(request, "configurator/fleet/change_detail.html", {"impact": impact})


__all__ = [
    "change_detail",
    "change_list",
    "fleet_bom_download",
    "fleet_home",
    "fleet_sites_import",
    "fleet_validate",
    "standard_apply",
    "standard_detail",
    "standard_list",
    "standard_publish",
    "standard_reapply",
    "validation_cancel",
    "validation_detail",
    "validation_progress",
]
