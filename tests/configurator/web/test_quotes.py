"""Quote pages: who sees which quote, the PDF panel's polling, prepare and download."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import World, make_world, member

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build served by acme."""
    return make_world()


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def quote(world: World, *, issue: bool = True) -> Quote:
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(build=world.build, user=user, **CONTACT)
    return quote_services.quote_issue(quote=draft, user=user) if issue else draft


def test_quote_list_shows_customers_their_issued_quotes_only(world: World) -> None:
    """A customer lists the issued quote, not the seller's draft; another org sees neither."""
    issued, draft = quote(world), quote(world, issue=False)
    page = login(member("customer", world.contoso)).get("/quotes/").content.decode()
    assert issued.label in page
    assert draft.label not in page
    other = login(member("customer", world.initech)).get("/quotes/").content.decode()
    assert issued.label not in other


def test_quote_page_is_404_outside_the_organisation(world: World) -> None:
    """Quotes of other organisations do not exist for the user."""
    issued = quote(world)
    assert login(member("customer", world.initech)).get(f"/quotes/{issued.pk}/").status_code == 404


def test_pdf_panel_polls_while_rendering_then_offers_download(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Prepare queues the render; the panel polls every second until the download appears."""
    issued = quote(world)
    client = login(member("customer", world.contoso))
    page = client.get(f"/quotes/{issued.pk}/").content.decode()
    assert "Prepare PDF" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        panel = client.post(f"/quotes/{issued.pk}/pdf/prepare/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "Rendering the PDF" in html
    callbacks[0]()
    html = client.get(f"/quotes/{issued.pk}/pdf/panel/").content.decode()
    assert "every 1s" not in html
    assert "Download PDF" in html
    download = client.get(f"/quotes/{issued.pk}/pdf/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_seller_sees_cost_and_customer_does_not(world: World) -> None:
    """The cost line is the seller's only."""
    issued = quote(world)
    seller_page = login(member("sales_engineer", world.acme)).get(f"/quotes/{issued.pk}/")
    customer_page = login(member("customer", world.contoso)).get(f"/quotes/{issued.pk}/")
    assert "Cost (seller only)" in seller_page.content.decode()
    assert "Cost (seller only)" not in customer_page.content.decode()
