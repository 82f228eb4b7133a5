"""Reads of configuration jobs: scoped to the caller's organisations, cost only for sellers."""

from __future__ import annotations

from typing import Any

from configurator.configure.models import ConfigureJob
from configurator.configure.results import without_cost
from configurator.errors import NotFound
from configurator.tenancy.permissions import can_see_cost, organisations_visible_to
from rules.solver.requirements import ObjectiveTerm

__all__ = ["configure_job_for_build", "configure_job_get", "configure_job_result"]


def configure_job_get(*, pk: int, user: Any, auth: Any = None) -> ConfigureJob:
    """A job of one of the caller's organisations; another organisation's is NotFound."""
    job = (
        ConfigureJob.objects.select_related("organisation", "site", "build")
        .filter(pk=pk, organisation__in=organisations_visible_to(user, auth))
        .first()
    )
    if job is None:
        raise NotFound("Configuration not found.")
    return job


def configure_job_for_build(*, build_id: int) -> ConfigureJob | None:
    """The latest job whose optimum was written to this build, if any (the caller has read
    the build, so its organisation is the caller's)."""
    return ConfigureJob.objects.filter(build_id=build_id).order_by("-created_at", "-pk").first()


def configure_job_result(job: ConfigureJob, *, user: Any, auth: Any = None) -> dict[str, Any]:
    """The stored answer as this reader may see it: cost figures only for those who see cost."""
    result = job.result_json or {}
    if not result or (job.with_cost and can_see_cost(user, auth)):
        return result
    terms = job.requirements_json.get("objective", {}).get("terms", [])
    return without_cost(result, objective_is_cost=ObjectiveTerm.COST_PRICE.value in terms)
