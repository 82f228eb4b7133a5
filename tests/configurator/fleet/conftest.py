"""A small fleet: contoso (served by acme) with a reference build and sites to roll it out to."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind
from catalog.models import Component
from configurator.builds.models import Build, BuildLine, Site
from configurator.tenancy.models import Organisation
from tests.factories import (
    BuildFactory,
    BuildLineFactory,
    ComponentFactory,
    CustomerOrganisationFactory,
    OrganisationFactory,
    SiteFactory,
)


@dataclass
class Fleet:
    """contoso's reference build, its parts and four bare sites (the last one underpowered)."""

    acme: Organisation
    contoso: Organisation
    reference: Build
    parts: dict[str, Component]
    sites: list[Site] = field(default_factory=list)

    def line(self, kind: str) -> BuildLine:
        return BuildLine.objects.get(build=self.reference, component=self.parts[kind])


def make_fleet(site_count: int = 4) -> Fleet:
    acme = OrganisationFactory(name="Acme Integrations", slug="acme")
    contoso = CustomerOrganisationFactory(name="Contoso Shops", slug="contoso", served_by=acme)
    parts = {
        "rack": ComponentFactory(kind=ComponentKind.RACK, model_name="Rack 42U"),
        "enclosure": ComponentFactory(kind=ComponentKind.RACK, model_name="Outdoor cabinet"),
        "ups": ComponentFactory(kind=ComponentKind.UPS, model_name="UPS 3 kVA"),
        "pdu": ComponentFactory(kind=ComponentKind.PDU, model_name="PDU 16 A"),
        "server": ComponentFactory(model_name="Server R1", list_price=Decimal("4000.00")),
        "switch": ComponentFactory(kind=ComponentKind.SWITCH, model_name="Switch 24"),
    }
    lab = SiteFactory(organisation=contoso, name="Reference lab")
    reference = BuildFactory(site=lab, name="Store rack")
    rack = BuildLineFactory(
        build=reference, component=parts["rack"], note="Store rack", sort_order=0
    )
    ups = BuildLineFactory(
        build=reference, component=parts["ups"], rack=rack, position_u=Decimal(1), sort_order=1
    )
    pdu = BuildLineFactory(
        build=reference, component=parts["pdu"], rack=rack, feed_a=ups, sort_order=2
    )
    BuildLineFactory(
        build=reference,
        component=parts["server"],
        rack=rack,
        position_u=Decimal(3),
        feed_a=pdu,
        quantity=2,
        sort_order=3,
    )
    fleet = Fleet(acme=acme, contoso=contoso, reference=reference, parts=parts)
    for n in range(site_count):
        underpowered = n == site_count - 1
        fleet.sites.append(
            SiteFactory(
                organisation=contoso,
                name=f"Store {n + 1:03d}",
                supply_breaker_a=2 if underpowered else 32,
            )
        )
    return fleet


@pytest.fixture
def fleet(db: None) -> Fleet:
    return make_fleet()


def lines_of(build: Build) -> list[tuple[Any, ...]]:
    """A build's lines as placed and wired, with references by the target's component."""
    lines = list(BuildLine.objects.filter(build=build).order_by("sort_order", "pk"))
    by_pk = {line.pk: line.component_id for line in lines}
    return [
        (
            line.component_id,
            line.quantity,
            line.position_u,
            line.face,
            *(by_pk.get(getattr(line, f"{ref}_id")) for ref in ("rack", "feed_a", "feed_b", "ups")),
        )
        for line in lines
    ]
