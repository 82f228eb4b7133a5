"""Fixtures of the editor's tests: a demo-like build and clients for its roles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from catalog.choices import ComponentKind
from catalog.models import Component
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services
from configurator.tenancy.models import Organisation
from tests.factories import BuildFactory, ComponentFactory, ManufacturerFactory, SiteFactory


@dataclass
class Demo:
    """A demo-like build of contoso (served by acme): rack, UPS, PDU, a 2U server at U10."""

    build: Build
    rack: BuildLine
    ups: BuildLine
    pdu: BuildLine
    server: BuildLine
    switch: Component


@pytest.fixture
def demo(org: Organisation, customer_org: Organisation) -> Demo:
    helix = ManufacturerFactory(name="Helix")
    site = SiteFactory(organisation=customer_org, name="Lyon back office")
    build = BuildFactory(
        site=site, name="Lyon rack", policy_override={"require_fire_suppression": True}
    )
    rack = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind=ComponentKind.RACK, model_name="EdgeRack 42U"),
        note="Main rack",
    )
    ups = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind=ComponentKind.UPS, model_name="OL3000 RT"),
        rack=rack,
        position_u=1,
    )
    pdu = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind=ComponentKind.PDU, model_name="Strip 16A"),
        rack=rack,
        feed_a=ups,
    )
    server = line_services.build_line_add(
        build=build,
        component=ComponentFactory(
            manufacturer=helix,
            kind=ComponentKind.SERVER,
            model_name="R20",
            sku="HX-R20",
            u_height=Decimal(2),
            cost_price=Decimal("3111.00"),
        ),
        rack=rack,
        position_u=10,
        feed_a=pdu,
    )
    switch = ComponentFactory(
        manufacturer=ManufacturerFactory(name="Lumenpath"),
        kind=ComponentKind.SWITCH,
        model_name="S24G",
        sku="LP-S24G",
        cost_price=Decimal("777.00"),
    )
    build.refresh_from_db()
    return Demo(build=build, rack=rack, ups=ups, pdu=pdu, server=server, switch=switch)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sales(demo: Demo, org: Organisation, user_with_role: Any) -> Client:
    """A sales engineer of acme, which serves contoso."""
    return client_for(user_with_role("sales_engineer", org))


@pytest.fixture
def customer(demo: Demo, customer_org: Organisation, user_with_role: Any) -> Client:
    """A customer of contoso, the build's own organisation."""
    return client_for(user_with_role("customer", customer_org))
