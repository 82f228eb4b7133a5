"""Reads of the hand-off: connections a build may use, pushes, and a build's hand-off input."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from catalog.models import Component
from configurator.builds.models import Build
from configurator.builds.selectors import build_snapshot
from configurator.errors import NotFound
from configurator.handoff.mapping import CatalogueRow, HandoffInput, slugify
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to

__all__ = [
    "build_handoff_input",
    "connection_get",
    "connection_list",
    "connections_for_build",
    "push_get",
    "push_list",
]


def connection_list(*, user: Any, auth: Any = None) -> QuerySet[NetBoxConnection]:
    """Connections of the organisations the request may act on, by organisation and name."""
    return (
        NetBoxConnection.objects.filter(organisation__in=organisations_visible_to(user, auth))
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def connection_get(*, pk: int, user: Any, auth: Any = None) -> NetBoxConnection:
    """One visible connection; NotFound outside the caller's organisations."""
    connection = connection_list(user=user, auth=auth).filter(pk=pk).first()
    if connection is None:
        raise NotFound("NetBox connection not found.")
    return connection


def connections_for_build(build: Build) -> QuerySet[NetBoxConnection]:
    """Connections a build may be pushed to: its organisation's, and its seller's."""
    organisation: Organisation = build.site.organisation
    return (
        NetBoxConnection.objects.filter(
            Q(organisation_id=organisation.pk) | Q(organisation_id=organisation.served_by_id)
        )
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def push_list(*, build: Build) -> QuerySet[NetBoxPush]:
    """A build's pushes, newest first, with their connection."""
    return (
        NetBoxPush.objects.filter(build=build)
        .select_related("connection")
        .order_by("-created_at", "-pk")
    )


def push_get(*, pk: int, user: Any, auth: Any = None) -> NetBoxPush:
    """One push of a visible build; NotFound otherwise."""
    push = (
        NetBoxPush.objects.filter(
            pk=pk, build__site__organisation__in=organisations_visible_to(user, auth)
        )
        .select_related("build__site__organisation", "connection")
        .first()
    )
    if push is None:
        raise NotFound("NetBox push not found.")
    return push


def build_handoff_input(build: Build, *, create_manufacturers: bool = False) -> HandoffInput:
    """The build's snapshot with the catalogue rows behind it (four queries in all)."""
    spec = build_snapshot(build)
    refs = {r.component.ref for r in spec.racks} | {i.component.ref for i in spec.items}
    components = Component.objects.select_related("manufacturer").filter(
        pk__in=[int(ref) for ref in refs if ref.isdigit()]
    )
    rows = {
        str(c.pk): CatalogueRow(
            component_id=c.pk,
            manufacturer=c.manufacturer.name,
            manufacturer_slug=slugify(c.manufacturer.slug or c.manufacturer.name),
            model_name=c.model_name,
            sku=c.sku,
            description=c.description,
            is_full_depth=c.is_full_depth,
            netbox_type=c.netbox_type,
        )
        for c in components
    }
    return HandoffInput(
        build_id=build.pk,
        build_name=build.name,
        revision=build.revision,
        site_name=build.site.name,
        site_slug=slugify(build.site.name),
        spec=spec,
        rows=rows,
        create_manufacturers=create_manufacturers,
    )
