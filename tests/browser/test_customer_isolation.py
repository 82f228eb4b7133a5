"""A customer in a real browser: other organisations' builds are a 404, cost is never shown."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.choices import ComponentKind
from tests.browser.conftest import ConsoleLog, sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    BuildFactory,
    ComponentFactory,
    CustomerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world() -> dict[str, Any]:
    """A customer of a seller, an unrelated organisation with a build, and a priced part."""
    seller = OrganisationFactory(name="Acme Integrations", slug="acme")
    customer_org = CustomerOrganisationFactory(
        name="Contoso Shops", slug="contoso", served_by=seller
    )
    other = OrganisationFactory(name="Globex Systems", slug="globex")
    user = UserFactory(username="carol")
    MembershipFactory(user=user, organisation=customer_org, role="customer")
    return {
        "own": BuildFactory(site=SiteFactory(organisation=customer_org), name="Contoso rack"),
        "foreign": BuildFactory(site=SiteFactory(organisation=other), name="Globex secret rack"),
        "ups": ComponentFactory(
            kind=ComponentKind.UPS, model_name="Meridian 3000", sku="NB-3K", cost_price="1234.56"
        ),
        "server": ComponentFactory(model_name="R150", cost_price="777.77"),
    }


def test_customer_cannot_open_another_organisations_build(
    page: Any, world: dict[str, Any], console: ConsoleLog
) -> None:
    """The customer's own build opens; another organisation's answers the 404 page."""
    sign_in(page, "carol", DEFAULT_PASSWORD)
    assert "Globex secret rack" not in page.content()
    own = page.goto(f"/builds/{world['own'].pk}/")
    assert own is not None
    assert own.status == 200
    assert page.get_by_role("heading", name="Contoso rack").is_visible()
    foreign = page.goto(f"/builds/{world['foreign'].pk}/")
    assert foreign is not None
    assert foreign.status == 404
    text = page.text_content("body") or ""
    assert "Not Found" in text
    assert "Globex secret rack" not in text
    assert console.csp_violations == []


def test_customer_sees_no_cost_in_the_catalogue(
    page: Any, world: dict[str, Any], console: ConsoleLog
) -> None:
    """List prices only: no cost column, no cost price or margin on the detail page."""
    sign_in(page, "carol", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("heading", name="Catalogue").wait_for()
    results = page.locator("#catalogue-results").text_content() or ""
    assert "2 components" in results
    assert "List price" in results
    assert "Cost" not in results
    assert "1234.56" not in page.content()
    assert "777.77" not in page.content()
    # Search as you type swaps the results in place (htmx), still without cost.
    page.get_by_label("Search").press_sequentially("Meridian", delay=20)
    page.locator("#catalogue-results", has_text="1 component").wait_for()
    page.get_by_role("link", name="Meridian 3000").click()
    page.get_by_role("heading", name="Price").wait_for()
    body = page.text_content("body") or ""
    assert "1000.00 EUR" in body
    assert "Cost price" not in body
    assert "Margin" not in body
    assert "1234.56" not in body
    assert console.csp_violations == []
