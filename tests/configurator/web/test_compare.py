"""The compare page: two builds' metrics side by side, findings and BOM totals, in scope only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.choices import ComponentKind
from configurator.builds.models import Build
from configurator.builds.services import lines as line_services
from configurator.tenancy.models import Organisation
from tests.factories import BuildFactory, ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db

COMPARE = reverse("editor:compare")


def small_build(organisation: Organisation, name: str, servers: int, **fields: Any) -> Build:
    """A rack with a UPS and `servers` 1U servers fed from it."""
    build = BuildFactory(site=SiteFactory(organisation=organisation), name=name, **fields)
    rack = line_services.build_line_add(
        build=build, component=ComponentFactory(kind=ComponentKind.RACK)
    )
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind=ComponentKind.UPS), rack=rack, position_u=1
    )
    line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind=ComponentKind.SERVER, list_price=Decimal("1000.00")),
        quantity=servers,
        rack=rack,
        position_u=5,
        feed_a=ups,
    )
    return build


@pytest.fixture
def builds(customer_org: Organisation) -> tuple[Build, Build]:
    first = small_build(customer_org, "Two servers", 2)
    second = small_build(
        customer_org, "Five servers", 5, policy_override={"require_fire_suppression": True}
    )
    return first, second


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_compare_shows_both_builds_metrics_findings_and_totals(
    builds: tuple[Build, Build], org: Organisation, user_with_role: Any
) -> None:
    """Metrics of A and B with B - A, counts per severity with codes, and BOM totals."""
    first, second = builds
    client = signed_in(user_with_role("sales_engineer", org))
    response = client.get(f"{COMPARE}?a={first.pk}&b={second.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A: Two servers" in html
    assert "B: Five servers" in html
    # IT load typical: 2 x 300 W against 5 x 300 W (factory typical draw), B - A = +900.
    row = html[html.index("IT load, typical") :]
    row = row[: row.index("</tr>")]
    assert ">600<" in row
    assert ">1,500<" in row
    assert ">+900<" in row
    assert "fire.required" in html  # only B requires fire suppression
    assert "List price" in html
    # List totals: rack, UPS and servers at 1,000.00 each: 4,000.00 against 7,000.00.
    totals = html[html.index("List price") :]
    totals = totals[: totals.index("</tr>")]
    assert ">4,000.00<" in totals
    assert ">7,000.00<" in totals
    assert ">+3,000.00<" in totals
    assert "Cost" in html  # sales engineers see cost totals


def test_compare_hides_cost_from_customers(
    builds: tuple[Build, Build], customer_org: Organisation, user_with_role: Any
) -> None:
    """Customers compare their builds by list price only."""
    first, second = builds
    client = signed_in(user_with_role("customer", customer_org))
    html = client.get(f"{COMPARE}?a={first.pk}&b={second.pk}").content.decode()
    assert "List price" in html
    assert "Cost" not in html
    assert "Margin" not in html


def test_compare_of_another_organisations_build_is_not_found(
    builds: tuple[Build, Build], other_org: Organisation, user_with_role: Any
) -> None:
    """One build out of scope makes the whole comparison a 404."""
    first, second = builds
    client = signed_in(user_with_role("customer", Organisation.objects.get(slug="initech")))
    assert client.get(f"{COMPARE}?a={first.pk}&b={second.pk}").status_code == 404


def test_compare_without_choice_offers_the_visible_builds(
    builds: tuple[Build, Build], customer_org: Organisation, user_with_role: Any
) -> None:
    """Without both ids, or with garbage, the page offers a chooser, never an error page."""
    first, _ = builds
    client = signed_in(user_with_role("customer", customer_org))
    response = client.get(f"{COMPARE}?a={first.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="b"' in html
    assert f'<option value="{first.pk}" selected>' in html
    assert "Five servers" in html
    garbage = client.get(f"{COMPARE}?a=xyz&b=1%27")
    assert garbage.status_code == 200
    assert "Choose the builds from the lists." in garbage.content.decode()


def test_compare_lists_the_bom_line_by_line(
    customer_org: Organisation, user_with_role: Any
) -> None:
    """Per component: added in B, removed from A, another quantity; the same ones counted."""
    rack = ComponentFactory(kind=ComponentKind.RACK, sku="RK-42", list_price=Decimal("900.00"))
    ups = ComponentFactory(kind=ComponentKind.UPS, sku="UP-3K", list_price=Decimal("1500.00"))
    server = ComponentFactory(sku="SV-1", model_name="Server one", list_price=Decimal("1000.00"))
    switch = ComponentFactory(kind=ComponentKind.SWITCH, sku="SW-24")
    pdu = ComponentFactory(kind=ComponentKind.PDU, sku="PD-16", list_price=Decimal("240.00"))
    builds = []
    for name, servers, extra in (("A", 2, switch), ("B", 5, pdu)):
        build = BuildFactory(site=SiteFactory(organisation=customer_org), name=name)
        frame = line_services.build_line_add(build=build, component=rack)
        line_services.build_line_add(build=build, component=ups, rack=frame, position_u=1)
        line_services.build_line_add(
            build=build, component=server, quantity=servers, rack=frame, position_u=5
        )
        line_services.build_line_add(build=build, component=extra)
        builds.append(build)
    client = signed_in(user_with_role("customer", customer_org))
    html = client.get(f"{COMPARE}?a={builds[0].pk}&b={builds[1].pk}").content.decode()
    table = html[html.index('class="data compare-table compare-lines"') :]
    table = table[: table.index("</table>")]
    rows = {
        sku: table[
            table.rindex("<tr", 0, table.index(sku)) : table.index("</tr>", table.index(sku))
        ]
        for sku in ("SV-1", "PD-16", "SW-24")
    }
    assert ">Quantity<" in rows["SV-1"]
    assert ">2<" in rows["SV-1"]
    assert ">5<" in rows["SV-1"]
    assert ">+3,000.00<" in rows["SV-1"]
    assert ">Added<" in rows["PD-16"]
    assert ">+240.00<" in rows["PD-16"]
    assert ">Removed<" in rows["SW-24"]
    assert "RK-42" not in table  # unchanged: counted, not listed
    assert "2 other components are the same in both." in html
    # Headers of figures are right-aligned like their figures.
    assert '<th scope="col" class="num">Qty A</th>' in table
