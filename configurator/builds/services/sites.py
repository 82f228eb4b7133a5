"""Writes of sites: create, change and delete, each validated through the engine's Site."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from configurator.builds.models import Site
from configurator.builds.services import guards
from configurator.errors import Conflict
from configurator.tenancy.models import Organisation

__all__ = ["SITE_FIELDS", "site_create", "site_delete", "site_update"]

SITE_FIELDS = frozenset({"name", "description", *Site.ENGINE_FIELDS})


def site_create(*, organisation: Organisation, name: str, **fields: Any) -> Site:
    """Create a site of `organisation`, validated through the engine's Site model."""
    guards.refuse_unknown(fields, SITE_FIELDS)
    site = Site(organisation=organisation, name=name, **fields)
    site.full_clean()
    _save_site(site)
    return site


def site_update(*, site: Site, **fields: Any) -> Site:
    """Change a site's fields; the whole row is revalidated before saving."""
    guards.refuse_unknown(fields, SITE_FIELDS)
    for field, value in fields.items():
        setattr(site, field, value)
    site.full_clean()
    _save_site(site)
    return site


def _save_site(site: Site) -> None:
    # full_clean checked the name is free; a concurrent writer can still take it first.
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError as exc:
        raise Conflict(
            f"A site named {site.name!r} already exists in this organisation.",
            code="site_name_taken",
        ) from exc


@transaction.atomic
def site_delete(*, site: Site) -> None:
    """Delete a site; refused with Conflict while it has builds."""
    count = site.builds.count()
    if count:
        raise Conflict(
            f"Site {site.name!r} still has {count} build(s); delete or move them first.",
            code="site_has_builds",
            details={"builds": count},
        )
    site.delete()
