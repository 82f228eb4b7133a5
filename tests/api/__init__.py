"""Shared pieces of the sites/builds API tests: the actors of the permission matrix, a world.

The objects under test belong to `contoso`, a customer organisation served by the seller
`acme`; `globex` serves `initech`, which never sees contoso. Test modules import the
`make_world()` from a `world` fixture of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.choices import ComponentKind
from catalog.models import Component
from configurator.builds.models import Build, BuildLine, Site
from configurator.tenancy.models import ApiToken, Membership, Organisation
from tests.factories import (
    BuildFactory,
    ComponentFactory,
    CustomerOrganisationFactory,
    ManufacturerFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

API = "/api/v1"

# Who calls, and what each may do with contoso's objects.
ROLES = [
    "anonymous",
    "other_customer",  # customer of initech: contoso is invisible -> 404
    "customer",  # customer of contoso
    "sales_engineer",  # sales engineer of acme, which serves contoso
    "catalogue_manager",  # of acme: not a serving role, so contoso is invisible -> 404
    "admin",  # admin of acme, serves contoso
    "integrator",  # integrator of contoso, with a contoso token
    "acme_token",  # sales engineer of acme through an acme token: the token's scope only
]
# Roles that see contoso (and so manage its sites and builds).
MANAGERS = frozenset({"customer", "sales_engineer", "admin", "integrator"})
# Roles that may see cost prices in a BOM.
COST_ROLES = frozenset({"sales_engineer", "admin", "catalogue_manager", "acme_token"})


@dataclass
class World:
    """The organisations, catalogue and one build of contoso the API tests work on."""

    acme: Organisation
    contoso: Organisation
    globex: Organisation
    initech: Organisation
    site: Site
    other_site: Site  # a second contoso site, target of apply-to-site
    foreign_site: Site  # initech's
    build: Build
    rack: BuildLine
    ups: BuildLine
    server: BuildLine
    components: dict[str, Component] = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        """An API client acting as `role` (see ROLES)."""
        client = APIClient()
        if role == "anonymous":
            return client
        if role == "superuser":
            client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
            return client
        if role == "other_customer":
            client.force_authenticate(member("customer", self.initech))
            return client
        if role == "customer":
            client.force_authenticate(member("customer", self.contoso))
            return client
        if role == "integrator":
            return token_client(member("integrator", self.contoso), self.contoso)
        if role == "acme_token":
            return token_client(member("sales_engineer", self.acme), self.acme)
        client.force_authenticate(member(role, self.acme))
        return client


def member(role: str, organisation: Organisation) -> Any:
    """A new user holding `role` in `organisation`."""
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role(role))
    return user


def token_client(user: Any, organisation: Organisation) -> APIClient:
    """A client authenticating with a fresh token of `user` for `organisation`."""
    _, key = ApiToken.objects.issue(user=user, organisation=organisation, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_components() -> dict[str, Component]:
    """A small catalogue: a 42U rack, a UPS, a PDU, a battery, a server, a bundle."""
    voltaris = ManufacturerFactory(name="Voltaris", slug="voltaris")
    helix = ManufacturerFactory(name="Helix", slug="helix")
    racks = ManufacturerFactory(name="Northwind Racks", slug="northwind-racks")
    return {
        "rack": ComponentFactory(
            manufacturer=racks,
            sku="ER-42",
            model_name="EdgeRack 42U",
            kind=ComponentKind.RACK,
            list_price=Decimal("890.00"),
            cost_price=Decimal("600.00"),
            lead_time_days=10,
        ),
        "ups": ComponentFactory(
            manufacturer=voltaris,
            sku="OL3000RT",
            model_name="OL3000 RT",
            kind=ComponentKind.UPS,
            list_price=Decimal("1650.00"),
            cost_price=Decimal("1200.00"),
            lead_time_days=7,
            weight_kg=Decimal("29"),
        ),
        "pdu": ComponentFactory(
            manufacturer=voltaris,
            sku="PDU-16",
            model_name="Basic PDU 16A",
            kind=ComponentKind.PDU,
            list_price=Decimal("240.00"),
        ),
        "battery": ComponentFactory(
            manufacturer=voltaris,
            sku="EBM-72",
            model_name="Battery pack 72V",
            kind=ComponentKind.BATTERY,
            list_price=Decimal("700.00"),
        ),
        "server": ComponentFactory(
            manufacturer=helix,
            sku="R20",
            model_name="Helix R20",
            kind=ComponentKind.SERVER,
            list_price=Decimal("4200.00"),
            cost_price=Decimal("3000.00"),
            lead_time_days=21,
        ),
        "bundle": ComponentFactory(
            manufacturer=voltaris,
            sku="KIT-EDGE",
            model_name="Edge kit",
            kind=ComponentKind.BUNDLE,
            list_price=Decimal("9000.00"),
            spec={
                "kind": "bundle",
                "members": [{"manufacturer": "Voltaris", "sku": "OL3000RT"}],
                "it_capacity_w": 2000,
                "rack_units": 24,
            },
        ),
    }


def add_line(build: Build, component: Component, **fields: Any) -> BuildLine:
    """A line written straight to the database (the services are not under test here)."""
    order = BuildLine.objects.filter(build=build).count()
    return BuildLine.objects.create(build=build, component=component, sort_order=order, **fields)


def make_world() -> World:
    """Create the organisations, the catalogue and contoso's build: rack, UPS, server."""
    acme = OrganisationFactory(name="Acme Integrations", slug="acme")
    contoso = CustomerOrganisationFactory(name="Contoso Shops", slug="contoso", served_by=acme)
    globex = OrganisationFactory(name="Globex Systems", slug="globex")
    initech = CustomerOrganisationFactory(name="Initech", slug="initech", served_by=globex)
    components = make_components()
    site = SiteFactory(organisation=contoso, name="Lyon back office")
    build = BuildFactory(site=site, name="Lyon rack")
    rack = add_line(build, components["rack"])
    ups = add_line(build, components["ups"], rack=rack, position_u=Decimal(1))
    server = add_line(build, components["server"], rack=rack, position_u=Decimal(3), feed_a=ups)
    return World(
        acme=acme,
        contoso=contoso,
        globex=globex,
        initech=initech,
        site=site,
        other_site=SiteFactory(organisation=contoso, name="Marseille store"),
        foreign_site=SiteFactory(organisation=initech, name="Initech HQ"),
        build=build,
        rack=rack,
        ups=ups,
        server=server,
        components=components,
    )


def grow(build: Build, rack: BuildLine, server: Component, total: int) -> None:
    """Add unplaced server lines until the build has `total` lines."""
    existing = BuildLine.objects.filter(build=build).count()
    BuildLine.objects.bulk_create(
        BuildLine(build=build, component=server, sort_order=existing + n, note=f"n{n}")
        for n in range(total - existing)
    )


def count_queries(call: Callable[[], Any]) -> tuple[int, Any]:
    """Run `call`, returning how many SQL queries it ran and its result."""
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries.captured_queries), result


def assert_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an error of `status` in the envelope (with `code` when given)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    if code is not None:
        assert body["code"] == code, body
    return body


def etag(response: Any) -> str:
    """The ETag header of a response."""
    return response["ETag"]


__all__ = [
    "API",
    "COST_ROLES",
    "MANAGERS",
    "ROLES",
    "World",
    "add_line",
    "assert_envelope",
    "count_queries",
    "etag",
    "grow",
    "make_components",
    "make_world",
    "member",
    "token_client",
]
