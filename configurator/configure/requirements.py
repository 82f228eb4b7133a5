"""From what a caller sends (a form, the API) to the solver's requirements.

The site comes from the organisation's site when one is named (the engine's view of it, as
every build at that site is judged), else inline; the policy is the organisation's, with the
caller's keys on top. Bad input is a Django ``ValidationError`` whose keys are the dotted
paths of the fields (``requirements.constraints.runtime_min``), which the API answers as 400.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pydantic
from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field

from catalog.models import Component
from configurator.builds.models import Site
from configurator.tenancy.models import Organisation
from rules.solver.requirements import ObjectiveTerm, Requirements
from rules.specs import Kind

__all__ = [
    "SYNC_MAX_IT_UNITS",
    "ConfigureOptions",
    "ConfigureRequest",
    "is_small",
    "pydantic_details",
    "requirements_for_site",
]

# A request runs in the caller's request when it is this small: one rack and at most this
# many IT units; larger ones go to a worker.
SYNC_MAX_IT_UNITS = 24
_PATH_PREFIX = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.+)$", re.S)


class ConfigureOptions(BaseModel):
    """Where and how to configure: everything POST /configure/ takes but the requirements."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    site: int | None = Field(
        default=None, description="A site of the caller's organisation to configure for."
    )
    organisation: int | None = Field(
        default=None,
        description="Whose configuration it is, without a site (default: the caller's only "
        "organisation).",
    )
    extras: bool = Field(
        default=True, description="Also the alternatives, the Pareto front and the kits compared."
    )
    time_limit_s: float = Field(
        default=10, gt=0, le=60, description="Time for the main solve (the extras get a share)."
    )
    run: Literal["auto", "sync", "async"] = Field(
        default="auto",
        description=f"`auto`: in the request when it is small (one rack, at most "
        f"{SYNC_MAX_IT_UNITS} IT units), else on a worker; or force either.",
    )


class ConfigureRequest(ConfigureOptions):
    """What POST /configure/ takes: the requirements, where, and how to run."""

    requirements: Requirements = Field(
        description="What the build must do. With `site`, its own `site` is the named site's; "
        "its `policy` goes on top of the organisation's. `workload.items[].ref` is a catalogue "
        "component id."
    )


def pydantic_details(exc: pydantic.ValidationError, prefix: str = "") -> dict[str, list[str]]:
    """Messages keyed by the dotted path of the field they are about.

    A check across fields (a model validator) names its field first in its message
    (``site.room_cooling_w: ...``); that name is appended to the location.
    """
    details: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        parts = [str(part) for part in error["loc"]]
        message = str(error["msg"])
        named = _PATH_PREFIX.match(message)
        if named is not None:
            parts.append(named.group(1))
            message = named.group(2)
        else:
            message = message.removeprefix("Value error, ")
        field = ".".join(p for p in (prefix, *parts) if p) or "__all__"
        details.setdefault(field, []).append(message)
    return details


def requirements_for_site(
    data: dict[str, Any],
    *,
    site: Site | None,
    organisation: Organisation,
    with_cost: bool,
    prefix: str = "requirements",
) -> Requirements:
    """The solver's requirements from ``data`` (the ``Requirements`` JSON), at ``site`` when
    given, under the organisation's policy with ``data["policy"]`` on top.

    The cost-price objective is for callers who may see cost (``with_cost``).
    """
    if not isinstance(data, dict):
        raise ValidationError({prefix: ["Give the requirements as an object."]})
    merged = dict(data)
    if site is not None:
        if "site" in data:
            raise ValidationError(
                {f"{prefix}.site": ["Give a site id or an inline site, not both."]}
            )
        merged["site"] = site.engine_values()
    given = data.get("policy") or {}
    if not isinstance(given, dict):
        raise ValidationError({f"{prefix}.policy": ["Give the policy as an object."]})
    merged["policy"] = {**(organisation.policy or {}), **given}
    try:
        requirements = Requirements.model_validate(merged)
    except pydantic.ValidationError as exc:
        raise ValidationError(pydantic_details(exc, prefix)) from exc
    if ObjectiveTerm.COST_PRICE in requirements.objective.terms and not with_cost:
        raise ValidationError(
            {f"{prefix}.objective.terms": ["The cost-price objective is for sellers."]}
        )
    _check_refs(requirements, prefix)
    return requirements


def _check_refs(requirements: Requirements, prefix: str) -> None:
    """Each workload item names an IT component of the catalogue by its id (one query)."""
    items = requirements.workload.items
    ids = {item.ref: int(item.ref) for item in items if item.ref.isdigit()}
    it_kinds = [kind.value for kind in Kind if kind.is_it]
    known = set(
        Component.objects.filter(pk__in=ids.values(), kind__in=it_kinds).values_list(
            "pk", flat=True
        )
    )
    errors = {
        f"{prefix}.workload.items.{n}.ref": [
            f"{item.ref!r} is not the id of an IT component of the catalogue."
        ]
        for n, item in enumerate(items)
        if ids.get(item.ref) not in known
    }
    if errors:
        raise ValidationError(errors)


def it_units(requirements: Requirements) -> int:
    """IT units the requirements ask for at most (items, class counts or bounds, devices)."""
    work = requirements.workload
    units = sum(item.quantity for item in work.items)
    units += sum(demand.count or demand.max_count for demand in work.classes)
    if work.customer_load is not None:
        units += work.customer_load.devices
    return units


def is_small(requirements: Requirements) -> bool:
    """Small enough to answer in the request: one rack and few IT units."""
    return requirements.constraints.max_racks == 1 and it_units(requirements) <= SYNC_MAX_IT_UNITS
