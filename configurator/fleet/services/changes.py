"""Catalogue changes: record what changed on a component that builds use, and judge it.

Signatures (keyword-only):

- component_change_record(*, component, before) -> CatalogueChange | None
- catalogue_change_revalidate(*, change_id) -> list[FleetValidation]   (a Celery task's body)

The catalogue app knows nothing of builds (it must not import the configurator): the
configurator listens to its saves instead (configurator.fleet.signals). A save that changes a
component's spec, price, lead time or lifecycle while builds use it records a CatalogueChange
with the figures before, and at commit queues its re-validation: one fleet job per
organisation whose builds use the component, comparing each build before and after.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import transaction

from catalog.models import Component
from configurator.builds.models import Build, BuildLine
from configurator.fleet.models import CatalogueChange, FleetValidation
from configurator.fleet.services.validations import fleet_validation_start
from configurator.tenancy.models import Organisation

__all__ = [
    "BEFORE_FIELDS",
    "CATALOGUE_CHANGE_REVALIDATE_TASK",
    "TRACKED_FIELDS",
    "catalogue_change_revalidate",
    "component_before",
    "component_change_record",
]

logger = logging.getLogger(__name__)

CATALOGUE_CHANGE_REVALIDATE_TASK = "configurator.tasks.catalogue_change_revalidate"
# A change of any of these is judged: what the engine reads, what a quote prices, and
# whether the part can still be bought.
TRACKED_FIELDS = (
    "kind",
    "spec",
    "u_height",
    "weight_kg",
    "depth_mm",
    "is_full_depth",
    "airflow",
    "nameplate_w",
    "typical_w",
    "list_price",
    "cost_price",
    "currency",
    "lead_time_days",
    "lifecycle",
)
# What is kept of the component before a change: enough to rebuild its engine spec.
BEFORE_FIELDS = (*TRACKED_FIELDS, "sku", "model_name")


def _plain(value: Any) -> Any:
    """A field value as JSON keeps it (Decimal as text, exact)."""
    return str(value) if isinstance(value, Decimal) else value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return bool(old == new)


def component_before(pk: int) -> dict[str, Any] | None:
    """The stored figures of a component, before a save changes them (one query)."""
    return Component.objects.filter(pk=pk).values(*BEFORE_FIELDS).first()


def component_change_record(
    *, component: Component, before: dict[str, Any]
) -> CatalogueChange | None:
    """Record a change of `component` from `before`, if a tracked field changed and builds
    use it; its re-validation is queued when the transaction commits."""
    changes = {
        name: [_plain(before[name]), _plain(getattr(component, name))]
        for name in TRACKED_FIELDS
        if not _same(before[name], getattr(component, name))
    }
    if not changes:
        return None
    if not BuildLine.objects.filter(component_id=component.pk).exists():
        return None
    change = CatalogueChange.objects.create(
        component=component,
        changes=changes,
        before={name: _plain(value) for name, value in before.items()},
    )
    change_id = change.pk
    transaction.on_commit(
        lambda: current_app.tasks[CATALOGUE_CHANGE_REVALIDATE_TASK].delay(change_id),
        robust=True,
    )
    return change


def catalogue_change_revalidate(*, change_id: int) -> list[FleetValidation]:
    """Start one fleet job per organisation whose builds use the changed component."""
    change = CatalogueChange.objects.filter(pk=change_id).first()
    if change is None:
        return []
    affected = Build.objects.filter(
        pk__in=BuildLine.objects.filter(component_id=change.component_id).values("build_id")
    ).exclude(status=Build.Status.ARCHIVED)
    organisations = Organisation.objects.filter(
        pk__in=affected.values("site__organisation_id")
    ).order_by("pk")
    jobs = []
    for organisation in organisations:
        job, _ = fleet_validation_start(
            organisation=organisation,
            builds=affected,
            selection={"component": change.component_id, "change": change.pk},
            reason=FleetValidation.Reason.CATALOGUE_CHANGE,
            change=change,
        )
        jobs.append(job)
    logger.info("Catalogue change %s: %d fleet job(s)", change.pk, len(jobs))
    return jobs
