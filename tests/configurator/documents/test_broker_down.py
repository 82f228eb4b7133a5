"""With the broker unreachable, a PDF request answers at once: 503 "rendering unavailable"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from configurator.documents.models import RenderedDocument
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import API, World, assert_envelope, make_world, member
from tests.faults.celery_app import celery_pointed_at

# Committed for real, so the render is queued when the request's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens on port 1: a real, refused connection.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_broker(settings: Any) -> Iterator[None]:
    """Tasks go to a Redis broker that cannot be reached, as in production with Redis down."""
    with celery_pointed_at(DEAD_REDIS):
        yield


def issued_quote(world: World) -> Quote:
    user = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=user, customer_name="Dana", customer_email="dana@example.test"
    )
    return quote_services.quote_issue(quote=draft, user=user)


def test_pdf_request_with_broker_down_answers_503_at_once(dead_broker: None) -> None:
    """No 19 s of publish retries: a quick 503 `rendering_unavailable`, then a retry works."""
    world = make_world()
    quote = issued_quote(world)
    client = world.client("customer")
    started = time.monotonic()
    response = client.get(f"{API}/quotes/{quote.pk}/pdf/")
    assert time.monotonic() - started < 5
    body = assert_envelope(response, 503, "rendering_unavailable")
    assert "try again" in body["message"]
    document = RenderedDocument.objects.get(quote=quote)
    assert document.status == RenderedDocument.Status.FAILED
    # The next request tries to queue the render again (still down: 503 again).
    assert client.get(f"{API}/quotes/{quote.pk}/pdf/").status_code == 503


def test_pdf_panel_says_unavailable_and_stops_polling(dead_broker: None) -> None:
    """The web panel shows the state and a "Try again" button, and polls no more."""
    world = make_world()
    quote = issued_quote(world)
    client = Client()
    client.force_login(member("sales_engineer", world.acme))
    response = client.post(f"/quotes/{quote.pk}/pdf/prepare/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "unavailable" in html
    assert "Try again" in html
    assert "every 1s" not in html
