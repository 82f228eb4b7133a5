"""Quote numbers are per seller: a number tells nothing about the platform's volume."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from configurator.builds.services import builds as build_services
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.api import add_line, make_world, member
from tests.factories import BuildFactory, SiteFactory

pytestmark = pytest.mark.django_db


def issue(build: Any, seller: Any) -> Quote:
    draft = quote_services.quote_create(
        build=build, user=seller, customer_name="Dana", customer_email="d@example.test"
    )
    # Numbering is under test, not the build: a lone rack is issued with a recorded reason.
    return quote_services.quote_issue(quote=draft, user=seller, override_reason="numbering test")


def test_each_seller_numbers_its_quotes_from_one() -> None:
    """Acme's third quote is 0003 while Globex's first is still 0001; revisions keep theirs."""
    world = make_world()
    year = timezone.localdate().year
    acme_seller = member("sales_engineer", world.acme)
    globex_seller = member("sales_engineer", world.globex)
    acme_numbers = [
        issue(build_services.build_clone(build=world.build, user=acme_seller), acme_seller).number
        for _ in range(3)
    ]
    initech_build = BuildFactory(site=SiteFactory(organisation=world.initech, name="HQ"))
    add_line(initech_build, world.components["rack"])
    globex_quote = issue(initech_build, globex_seller)
    assert acme_numbers == [f"Q-{year}-0001", f"Q-{year}-0002", f"Q-{year}-0003"]
    assert globex_quote.number == f"Q-{year}-0001"
    revised = quote_services.quote_revise(
        quote=globex_quote, user=globex_seller, override_reason="numbering test"
    )
    assert (revised.number, revised.revision) == (globex_quote.number, 2)
