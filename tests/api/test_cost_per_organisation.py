"""Authorisation matrix with several memberships: cost is judged in the owner's seller.

A user who is a customer of contoso (served by acme) and also sales engineer or admin of
another seller (globex) must see contoso's builds and quotes as a customer does: no cost,
no margin, in the BOM (JSON, CSV, XLSX), the editor, the compare page and quotes (API, HTML).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from rest_framework.test import APIClient

from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from configurator.tenancy.models import Membership
from tests.api import API, World, make_world, member
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

COST_KEYS = {"unit_cost", "extended_cost", "margin_pct"}


@pytest.fixture
def world() -> World:
    return make_world()


def multi_member(world: World, memberships: list[tuple[str, str]]) -> Any:
    """A user with one membership per (organisation slug, role)."""
    user = UserFactory()
    organisations = {
        "acme": world.acme,
        "contoso": world.contoso,
        "globex": world.globex,
        "initech": world.initech,
    }
    for slug, role in memberships:
        MembershipFactory(user=user, organisation=organisations[slug], role=Membership.Role(role))
    return user


# (memberships, sees contoso's cost)
CASES = [
    ([("contoso", "customer"), ("globex", "sales_engineer")], False),
    ([("contoso", "customer"), ("globex", "admin")], False),
    ([("contoso", "customer"), ("globex", "catalogue_manager")], False),
    ([("contoso", "customer"), ("initech", "customer")], False),
    ([("contoso", "customer"), ("acme", "sales_engineer")], True),
    ([("acme", "sales_engineer"), ("globex", "customer")], True),
    ([("acme", "admin")], True),
    ([("contoso", "customer")], False),
]


def issued_quote(world: World) -> Quote:
    seller = member("sales_engineer", world.acme)
    draft = quote_services.quote_create(
        build=world.build, user=seller, customer_name="Dana", customer_email="d@example.test"
    )
    return quote_services.quote_issue(quote=draft, user=seller)


@pytest.mark.parametrize(("memberships", "sees_cost"), CASES)
def test_bom_cost_is_judged_in_the_builds_seller(
    world: World, memberships: list[tuple[str, str]], sees_cost: bool
) -> None:
    """BOM JSON, CSV and XLSX carry cost columns only for a cost role of contoso's seller."""
    client = APIClient()
    client.force_authenticate(multi_member(world, memberships))
    url = f"{API}/builds/{world.build.pk}/bom/"
    body = client.get(url).json()
    rows = [row for category in body["categories"] for row in category["rows"]]
    assert all((set(row) >= COST_KEYS) == sees_cost for row in rows)
    assert ("cost" in body["totals"]) == sees_cost
    lines = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert ("Unit cost" in lines[0]) == sees_cost  # the header row comes first
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    cells = {str(cell.value) for row in sheet.iter_rows(max_row=10) for cell in row}
    assert ("Unit cost" in cells) == sees_cost


@pytest.mark.parametrize(("memberships", "sees_cost"), CASES)
def test_editor_and_downloads_judge_cost_in_the_builds_seller(
    world: World, memberships: list[tuple[str, str]], sees_cost: bool
) -> None:
    """The editor's BOM and its CSV download show cost only to the seller's cost roles."""
    client = Client()
    client.force_login(multi_member(world, memberships))
    html = client.get(f"/builds/{world.build.pk}/").content.decode()
    assert ("Unit cost" in html) == sees_cost
    download = client.get(f"/builds/{world.build.pk}/bom.csv").content.decode()
    assert ("Unit cost" in download) == sees_cost


@pytest.mark.parametrize(("memberships", "sees_cost"), CASES)
def test_quotes_judge_cost_in_the_quotes_seller(
    world: World, memberships: list[tuple[str, str]], sees_cost: bool
) -> None:
    """Quotes in the API (list, detail) and in HTML show cost and margin to the seller only."""
    quote = issued_quote(world)
    user = multi_member(world, memberships)
    client = APIClient()
    client.force_authenticate(user)
    detail = client.get(f"{API}/quotes/{quote.pk}/").json()
    assert ("cost_total" in detail) == sees_cost
    assert ("margin_pct" in detail) == sees_cost
    listed = client.get(f"{API}/quotes/").json()["results"]
    assert [("cost_total" in q) for q in listed] == [sees_cost]
    web = Client()
    web.force_login(user)
    html = web.get(f"/quotes/{quote.pk}/").content.decode()
    assert ("Margin" in html or "margin" in html) == sees_cost
