"""Auto-configuration use cases: requirements in, the solver's proof and builds out.

Signatures (keyword-only):

- configure_job_create(*, request, user, auth=None) -> ConfigureJob   API: runs now or queues
- configure_job_run(*, job_id) -> ConfigureJob                        the worker (and sync runs)
- configure_for_site(*, site, requirements, user, extras=True) -> ConfigureJob   web pages
- configure_option_save(*, job, option, name, user, auth=None, site=None) -> Build
- build_configure(*, build, user, replace=False) -> ConfigureJob      "configure for me"

The solver (``rules.solver``) reads the catalogue through ``catalog.selectors.solver_catalog``:
every component with its lifecycle, cost prices only when the caller may see cost. A job
queues its worker by the task's name, so this module never imports the tasks.
"""

from __future__ import annotations

import logging
from typing import Any

import pydantic
from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.selectors import solver_catalog
from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.services import builds as build_services
from configurator.builds.services import guards
from configurator.builds.services import lines as line_services
from configurator.configure.models import ConfigureJob
from configurator.configure.requirements import (
    ConfigureOptions,
    is_small,
    pydantic_details,
    requirements_for_site,
)
from configurator.configure.results import configuration_result
from configurator.configure.writer import spec_components, spec_lines_write
from configurator.errors import Conflict, NotFound
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to
from rules.model import BuildSpec
from rules.solver import Catalog, Requirements, configure, requirements_around
from rules.specs import Kind, Policy

__all__ = [
    "CONFIGURE_TASK",
    "build_configure",
    "configure_for_site",
    "configure_job_create",
    "configure_job_run",
    "configure_option_save",
]

logger = logging.getLogger(__name__)

# Name the worker task is registered under (configure/tasks.py); stable across moves.
CONFIGURE_TASK = "configurator.tasks.configure_run"
# The policy keys a proposal's requirements set (Requirements.build_policy): a saved build
# keeps them as its own override, so it is judged as the solver judged it.
POLICY_KEYS = (
    "required_runtime_min",
    "ups_redundancy",
    "cooling_redundancy",
    "require_fire_suppression",
    "liquid_redundancy",
)
MAX_ERROR_CHARS = 2000


# --------------------------------------------------------------------------- running


def _organisation(
    request: ConfigureOptions, site: Site | None, user: Any, auth: Any
) -> Organisation:
    if site is not None:
        return site.organisation
    visible = organisations_visible_to(user, auth).order_by("pk")
    if request.organisation is not None:
        found = visible.filter(pk=request.organisation).first()
        if found is None:
            raise ValidationError({"organisation": ["Unknown organisation."]})
        return found
    mine = list(visible[:2])
    if len(mine) != 1:
        raise ValidationError(
            {"organisation": ["Name the organisation (you act for several), or give a site."]}
        )
    return mine[0]


def configure_job_create(*, request: dict[str, Any], user: Any, auth: Any = None) -> ConfigureJob:
    """Check a configuration request, store it, and run it now (small, or ``run: sync``) or
    on a worker (large, or ``run: async``). Bad input raises a ValidationError keyed by the
    dotted path of each field."""
    if not isinstance(request, dict):
        raise ValidationError({"__all__": ["Send the request as a JSON object."]})
    raw = dict(request)
    data = raw.pop("requirements", None)
    try:
        envelope = ConfigureOptions.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise ValidationError(pydantic_details(exc)) from exc
    site = None
    if envelope.site is not None:
        try:
            site = build_selectors.site_get(pk=envelope.site, user=user, auth=auth)
        except NotFound as exc:
            raise ValidationError({"site": ["Unknown site."]}) from exc
    organisation = _organisation(envelope, site, user, auth)
    with_cost = can_see_cost(user, auth)
    if data is None:
        raise ValidationError({"requirements": ["This field is required."]})
    requirements = requirements_for_site(
        data, site=site, organisation=organisation, with_cost=with_cost
    )
    run_now = envelope.run == "sync" or (envelope.run == "auto" and is_small(requirements))
    job = ConfigureJob.objects.create(
        organisation=organisation,
        site=site,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        requirements_json=requirements.model_dump(mode="json"),
        extras=envelope.extras,
        time_limit_s=envelope.time_limit_s,
        with_cost=with_cost,
    )
    if run_now:
        return configure_job_run(job_id=job.pk)
    job_id = job.pk
    transaction.on_commit(lambda: current_app.tasks[CONFIGURE_TASK].delay(job_id), robust=True)
    return job


def _catalog(with_cost: bool, seller_id: int | None) -> Catalog:
    # The seller's catalogue: the shared library and its private parts, at its own prices.
    return solver_catalog(with_cost=with_cost, seller_id=seller_id)


def _progress(job: ConfigureJob) -> Any:
    def tell(stage: str, done: float) -> None:
        ConfigureJob.objects.filter(pk=job.pk).update(
            stage=stage, progress_pct=min(100, round(done * 100))
        )

    return tell


def configure_job_run(*, job_id: int) -> ConfigureJob:
    """Run a stored job: the solver over the catalogue, the answer stored (or the failure)."""
    job = ConfigureJob.objects.get(pk=job_id)
    if job.status == ConfigureJob.Status.DONE:
        return job
    job.status = ConfigureJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        requirements = Requirements.model_validate(job.requirements_json)
        catalog = _catalog(job.with_cost, job.organisation.selling_organisation_id)
        conf = configure(
            requirements,
            catalog,
            time_limit_s=job.time_limit_s,
            extras=job.extras,
            progress=_progress(job),
        )
        names = {e.ref: e.component.name for e in catalog.entries}
        result = configuration_result(conf, with_cost=job.with_cost, names=names)
    except Exception as exc:
        logger.exception("configuration %s failed", job.pk)
        job.status = ConfigureJob.Status.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = ConfigureJob.Status.DONE
    job.stage = "done"
    job.progress_pct = 100
    job.result_json = result.model_dump(mode="json")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "stage", "progress_pct", "result_json", "finished_at"])
    return job


def configure_for_site(
    *, site: Site, requirements: Requirements, user: Any, extras: bool = True
) -> ConfigureJob:
    """Configure for one of the organisation's sites, in the request (the web pages)."""
    job = ConfigureJob.objects.create(
        organisation=site.organisation,
        site=site,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        requirements_json=requirements.model_dump(mode="json"),
        extras=extras,
        with_cost=can_see_cost(user),
    )
    return configure_job_run(job_id=job.pk)


# --------------------------------------------------------------------------- saving


def _policy_override(requirements: Requirements, organisation: Organisation) -> dict[str, Any]:
    """What the proposal was judged by beyond the organisation's policy, key by key."""
    judged = requirements.build_policy().model_dump(mode="json")
    base = Policy(**(organisation.policy or {})).model_dump(mode="json")
    override = {key: judged[key] for key in POLICY_KEYS}
    override.update({k: v for k, v in judged.items() if base.get(k) != v})
    return override


def _option_spec(job: ConfigureJob, option: int) -> BuildSpec:
    if job.status != ConfigureJob.Status.DONE or not job.result_json:
        raise Conflict("The configuration has no result yet.", code="not_ready")
    for found in job.result_json.get("options", []):
        if found.get("option") == option:
            return BuildSpec.model_validate(found["build"])
    raise ValidationError({"option": [f"No option {option} in this configuration."]})


@transaction.atomic
def configure_option_save(
    *,
    job: ConfigureJob,
    option: int,
    name: str | None,
    user: Any,
    auth: Any = None,
    site: Site | None = None,
) -> Build:
    """Write one of a job's builds (0: the optimum) as a new draft build at the job's site
    (or ``site``, for a job with an inline site), judged by the policy it was proposed for."""
    target = site or job.site
    if target is None:
        raise ValidationError({"site": ["This configuration has an inline site: name a site."]})
    if target.organisation_id != job.organisation_id:
        raise ValidationError({"site": ["Choose a site of the configuration's organisation."]})
    spec = _option_spec(job, option)
    requirements = Requirements.model_validate(job.requirements_json)
    components = spec_components(spec)
    build = build_services.build_create(
        site=target,
        name=(name or spec.name).strip() or spec.name,
        policy_override=_policy_override(requirements, job.organisation),
        user=user,
    )
    spec_lines_write(build=build, spec=spec, components=components)
    if option == 0 and job.build_id is None:
        job.build = build
        job.save(update_fields=["build"])
    build.refresh_from_db()
    return build


# --------------------------------------------------------------------------- configure for me


def _facility_lines(build: Build) -> list[BuildLine]:
    return [
        line
        for line in build_selectors.build_line_list(build)
        if not Kind(line.component.kind).is_it
    ]


@transaction.atomic
def build_configure(
    *, build: Build, user: Any, replace: bool = False, cooling: str = "auto"
) -> ConfigureJob:
    """Fill in what a draft build lacks around the IT placed in it: the IT's models and counts
    become the fixed workload, the site and the build's policy the requirements; the cheapest
    valid facility is written around it (the IT lines moved into the proposal's racks,
    positions and feeds; cold-plate nodes onto their rack's CDU). ``cooling`` is the
    requirements' ``air``, ``liquid`` or ``auto``. Facility parts already in the build are
    replaced only with ``replace``. When nothing fits, the build is left as it was and the job
    says why."""
    guards.writable(build, None)
    spec = build_selectors.build_snapshot(build)
    it_lines = [i for i in spec.items if i.component.kind.is_it]
    if not it_lines:
        raise ValidationError({"__all__": ["Place the IT first: the build has none."]})
    facility = _facility_lines(build)
    if facility and not replace:
        raise ValidationError(
            {
                "replace": [
                    f"The build already has {len(facility)} facility line(s) (racks, power, "
                    "cooling...): tick replace to let the configurator redo them."
                ]
            }
        )
    try:
        requirements = requirements_around(spec, name=build.name, extra={"cooling": cooling})
    except pydantic.ValidationError as exc:
        raise ValidationError(pydantic_details(exc)) from exc
    job = configure_for_site(site=build.site, requirements=requirements, user=user, extras=False)
    result = job.result_json or {}
    options = result.get("options") or []
    if job.status != ConfigureJob.Status.DONE or not options:
        return job
    proposal = BuildSpec.model_validate(options[0]["build"])
    components = spec_components(proposal)
    for line in facility:
        line_services.build_line_remove(line=line, cascade=True)
    reuse: dict[str, list[BuildLine]] = {}
    for line in build_selectors.build_line_list(build):
        reuse.setdefault(str(line.component_id), []).append(line)
    spec_lines_write(build=build, spec=proposal, components=components, reuse=reuse)
    build_services.build_update(
        build=build,
        expected_revision=None,
        policy_override={
            **(build.policy_override or {}),
            **_policy_override(requirements, build.site.organisation),
        },
    )
    job.build = build
    job.save(update_fields=["build"])
    return job
