"""One shared technical library, a price book per seller (issue 11.5).

Platform staff write the library; a seller's catalogue managers write its price book and its
private components and nothing else; BOMs and quotes of a build price from the build's
seller's book, so no seller can change the prices another one quotes with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from catalog.models import Component, PriceBookEntry
from configurator.quotes import services as quote_services
from tests.api import API, World, make_world, member, token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRICES = f"{API}/price-book-entries/"


@pytest.fixture
def world() -> World:
    return make_world()


def client_of(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_catalogue_manager_cannot_change_the_shared_library(world: World) -> None:
    """A seller's catalogue manager changing a library component (price or spec) is 403."""
    server = world.components["server"]
    client = client_of(member("catalogue_manager", world.globex))
    for body in ({"list_price": "1.00"}, {"model_name": "Renamed"}):
        response = client.patch(f"{API}/components/{server.pk}/", body, format="json")
        assert response.status_code == 403, response.content
    assert client.delete(f"{API}/components/{server.pk}/").status_code == 403
    server.refresh_from_db()
    assert (server.list_price, server.model_name) == (Decimal("4200.00"), "Helix R20")


def test_platform_staff_edit_the_library(world: World) -> None:
    """Members of the "Platform staff" group change the shared technical library."""
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Platform staff"))
    server = world.components["server"]
    response = client_of(staff).patch(
        f"{API}/components/{server.pk}/", {"model_name": "Helix R20 v2"}, format="json"
    )
    assert response.status_code == 200, response.content


def test_each_seller_prices_from_its_own_book(world: World) -> None:
    """Globex's manager prices the server for globex only; acme's BOM keeps acme's price."""
    server = world.components["server"]
    globex = client_of(member("catalogue_manager", world.globex))
    response = globex.post(
        PRICES,
        {"component": server.pk, "list_price": "1.00", "cost_price": "0.50", "lead_time_days": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["seller"] == "globex"
    # Globex cannot write into acme's book.
    response = globex.post(
        PRICES, {"seller": "acme", "component": server.pk, "list_price": "1.00"}, format="json"
    )
    assert response.status_code == 400
    acme = client_of(member("catalogue_manager", world.acme))
    response = acme.post(
        PRICES,
        {"component": server.pk, "list_price": "5000.00", "cost_price": "3500.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    # Contoso is served by acme: its BOM prices the server at acme's 5000, cost 3500.
    bom = world.client("sales_engineer").get(f"{API}/builds/{world.build.pk}/bom/").json()
    rows = {row["sku"]: row for c in bom["categories"] for row in c["rows"]}
    assert rows["R20"]["unit_list_price"] == "5000.00"
    assert rows["R20"]["unit_cost"] == "3500.00"
    # Components acme does not price keep the library's reference price.
    assert rows["ER-42"]["unit_list_price"] == "890.00"


def test_quotes_freeze_the_sellers_price(world: World) -> None:
    """An issued quote's totals come from the seller's price book."""
    PriceBookEntry.objects.create(
        seller=world.acme,
        component=world.components["server"],
        list_price=Decimal("5000.00"),
        cost_price=Decimal("3500.00"),
    )
    seller = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=seller, customer_name="Dana", customer_email="d@example.test"
    )
    quote = quote_services.quote_issue(quote=draft, user=seller)
    # 890 + 1650 + 5000 at the library's rack and UPS prices and acme's server price.
    assert quote.net_total == Decimal("7540.00")


def test_price_books_are_private_to_their_seller(world: World) -> None:
    """Sales engineers read their own book; customers and other sellers see nothing of it."""
    PriceBookEntry.objects.create(
        seller=world.acme, component=world.components["server"], list_price=Decimal("5000")
    )
    sales = client_of(member("sales_engineer", world.acme))
    assert [e["seller"] for e in sales.get(PRICES).json()["results"]] == ["acme"]
    entry = PriceBookEntry.objects.get()
    response = sales.patch(f"{PRICES}{entry.pk}/", {"list_price": "1.00"}, format="json")
    assert response.status_code == 403
    for client in (
        world.client("customer"),
        client_of(member("catalogue_manager", world.globex)),
        token_client(member("integrator", world.contoso), world.contoso),
    ):
        assert client.get(PRICES).json()["results"] == []
        assert client.get(f"{PRICES}{entry.pk}/").status_code == 404


def test_private_components_are_visible_to_their_seller_only(world: World) -> None:
    """A catalogue manager adds a private component for its seller; others never see it."""
    manager = client_of(member("catalogue_manager", world.acme))
    body = {
        "manufacturer": "helix",
        "sku": "ACME-CUSTOM-1",
        "model_name": "Acme custom server",
        "kind": "server",
        "list_price": "100.00",
        "owner": "acme",
    }
    response = manager.post(f"{API}/components/", body, format="json")
    assert response.status_code == 201, response.content
    private = Component.objects.get(sku="ACME-CUSTOM-1")
    assert private.owner == world.acme
    # Without an owner it would be a library component: refused.
    response = manager.post(f"{API}/components/", {**body, "sku": "X", "owner": None})
    assert response.status_code == 403
    assert manager.get(f"{API}/components/{private.pk}/").status_code == 200
    other = client_of(member("catalogue_manager", world.globex))
    assert other.get(f"{API}/components/{private.pk}/").status_code == 404
    skus = {c["sku"] for c in other.get(f"{API}/components/", {"limit": 500}).json()["results"]}
    assert "ACME-CUSTOM-1" not in skus
    response = other.patch(f"{API}/components/{private.pk}/", {"model_name": "Mine"}, format="json")
    assert response.status_code == 404


def test_editor_picker_and_catalogue_hide_other_sellers_private_components(
    world: World,
) -> None:
    """The picker offers the library and the build's seller's parts, never another's."""
    from django.test import Client

    from tests.factories import ComponentFactory

    ComponentFactory(sku="GLOBEX-ONLY", model_name="Globex secret", owner=world.globex)
    ComponentFactory(sku="ACME-ONLY", model_name="Acme special", owner=world.acme)
    client = Client()
    client.force_login(member("sales_engineer", world.acme))
    html = client.get(f"/builds/{world.build.pk}/picker/", {"q": "ONLY"}).content.decode()
    assert "ACME-ONLY" in html
    assert "GLOBEX-ONLY" not in html
    catalogue = client.get("/catalogue/", {"q": "ONLY"}).content.decode()
    assert "ACME-ONLY" in catalogue
    assert "GLOBEX-ONLY" not in catalogue


def test_another_sellers_private_component_cannot_be_used(world: World) -> None:
    """Lines and inline validation resolve only the library and the caller's own parts."""
    from tests.factories import ComponentFactory

    secret = ComponentFactory(sku="GLOBEX-ONLY", kind="server", owner=world.globex)
    client = world.client("sales_engineer")  # of acme, serving contoso
    response = client.post(
        f"{API}/builds/{world.build.pk}/lines/", {"component": secret.pk}, format="json"
    )
    assert response.status_code == 400
    assert "component" in response.json()["details"]
    inline = {
        "name": "Inline",
        "racks": [],
        "items": [{"id": "x", "component": {"id": secret.pk}}],
    }
    response = client.post(f"{API}/validate/", inline, format="json")
    assert response.status_code == 400


def test_editor_picker_shows_the_sellers_price(world: World) -> None:
    """The picker prices each result from the build's seller's book."""
    from django.test import Client

    PriceBookEntry.objects.create(
        seller=world.acme, component=world.components["server"], list_price=Decimal("4321.00")
    )
    client = Client()
    client.force_login(member("sales_engineer", world.acme))
    html = client.get(f"/builds/{world.build.pk}/picker/", {"q": "R20"}).content.decode()
    assert "4321" in html.replace(",", "").replace(" ", "")
