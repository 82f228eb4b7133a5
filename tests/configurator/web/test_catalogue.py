"""Catalogue browser: filters narrow the list, htmx gets the partial, units and prices per role."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from catalog.choices import ComponentKind, Lifecycle
from tests.factories import ComponentFactory, ManufacturerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, Any]:
    """A small catalogue: two UPSs, a rack, a cooling unit, two servers of two vendors."""
    north = ManufacturerFactory(name="Northbeam Power", slug="northbeam")
    helix = ManufacturerFactory(name="Helix Compute", slug="helix")
    return {
        "ups_small": ComponentFactory(
            manufacturer=north, kind=ComponentKind.UPS, model_name="Meridian 3000", sku="NB-3K"
        ),
        "ups_old": ComponentFactory(
            manufacturer=north,
            kind=ComponentKind.UPS,
            model_name="Meridian 1000 legacy",
            sku="NB-1K",
            lifecycle=Lifecycle.END_OF_LIFE,
        ),
        "rack": ComponentFactory(
            manufacturer=north,
            kind=ComponentKind.RACK,
            model_name="Skarv 42U",
            spec={"u": 42, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 1000},
        ),
        "cooling": ComponentFactory(
            manufacturer=north, kind=ComponentKind.COOLING, model_name="Glacis IR 3.5"
        ),
        "server_small": ComponentFactory(
            manufacturer=helix, model_name="R150", sku="HX-R150", nameplate_w=Decimal(450)
        ),
        "server_big": ComponentFactory(
            manufacturer=helix,
            kind=ComponentKind.GPU_SERVER,
            model_name="G480",
            sku="HX-G480",
            nameplate_w=Decimal(6000),
            typical_w=Decimal(4800),
            weight_kg=Decimal("80"),
            u_height=Decimal(4),
        ),
    }


@pytest.fixture
def sales(client: Client, org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("sales_engineer", org))
    return client


@pytest.fixture
def customer(client: Client, customer_org: Any, user_with_role: Any) -> Client:
    client.force_login(user_with_role("customer", customer_org))
    return client


def listed(response: Any) -> set[str]:
    """Model names on the current results page."""
    return {component.model_name for component in response.context["page"].object_list}


def test_catalogue_needs_a_signed_in_user(client: Client) -> None:
    """Anonymous visitors are sent to sign in."""
    response = client.get("/catalogue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_catalogue_lists_everything_without_filters(sales: Client, catalogue: Any) -> None:
    """No filter: every component, with links to their detail pages."""
    response = sales.get("/catalogue/")
    assert listed(response) == {c.model_name for c in catalogue.values()}
    assert f'href="/catalogue/{catalogue["rack"].pk}/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=ups", {"Meridian 3000", "Meridian 1000 legacy"}),
        ("manufacturer=helix", {"R150", "G480"}),
        ("lifecycle=end_of_life", {"Meridian 1000 legacy"}),
        ("power_min=1000", {"G480"}),
        ("power_max=500&kind=server", {"R150"}),
        ("u_height_min=4", {"G480"}),
        ("u_height_max=0", {"Skarv 42U"}),
        ("q=meridian", {"Meridian 3000", "Meridian 1000 legacy"}),
        ("q=HX-G480", {"G480"}),
        ("q=helix r150", {"R150"}),
        ("kind=ups&lifecycle=active", {"Meridian 3000"}),
    ],
)
def test_catalogue_filters_narrow_the_list(
    sales: Client, catalogue: Any, query: str, expected: set[str]
) -> None:
    """Kind, manufacturer, lifecycle, power and U ranges, and search words all narrow."""
    assert listed(sales.get(f"/catalogue/?{query}")) == expected


def test_catalogue_search_as_you_type_swaps_the_results_partial(
    sales: Client, catalogue: Any
) -> None:
    """htmx requests get the results only; the page wires the search input to them."""
    page = sales.get("/catalogue/").content.decode()
    assert 'hx-trigger="keyup changed delay:250ms, search"' in page
    assert 'hx-target="#catalogue-results"' in page
    partial = sales.get("/catalogue/?q=G480", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    assert "G480" in html
    assert "R150" not in html


def test_catalogue_bad_range_shows_field_error(sales: Client, catalogue: Any) -> None:
    """A lower bound above the upper one is an error on the field, not a 500."""
    response = sales.get("/catalogue/?power_min=900&power_max=100")
    assert response.status_code == 200
    assert response.context["form"].errors["power_max"]
    assert "Must not be below the lower bound." in response.content.decode()


def test_catalogue_paginates(sales: Client) -> None:
    """Pages of 25, with page links that keep the filters."""
    ComponentFactory.create_batch(30, kind=ComponentKind.SWITCH)
    response = sales.get("/catalogue/?kind=switch")
    assert len(response.context["page"].object_list) == 25
    assert "kind=switch&amp;page=2" in response.content.decode()
    assert len(sales.get("/catalogue/?kind=switch&page=2").context["page"].object_list) == 5


def test_component_detail_shows_btu_and_imperial_on_request(sales: Client, catalogue: Any) -> None:
    """Power always in W and BTU/h; weight in lb and temperatures in °F only on request."""
    url = f"/catalogue/{catalogue['server_big'].pk}/"
    html = sales.get(url).content.decode()
    assert "6,000 W (20,472 BTU/h)" in html
    assert "4,800 W (16,378 BTU/h)" in html
    assert "80 kg" in html
    assert " lb)" not in html
    imperial = sales.get(url + "?units=imperial").content.decode()
    assert "80 kg (176.4 lb)" in imperial


def test_component_detail_says_unknown_and_lists_assumed_figures(
    sales: Client, catalogue: Any
) -> None:
    """Unknown weight and airflow read "unknown"; assumed figures are listed with why."""
    ups = catalogue["ups_small"]
    ups.weight_kg = None
    ups.airflow = None
    ups.assumed = [{"field": "spec.kva", "value": ups.spec["kva"], "why": "from the model name"}]
    ups.save()
    html = sales.get(f"/catalogue/{ups.pk}/").content.decode()
    assert "<dt>Weight</dt><dd>unknown</dd>" in html
    assert "<dt>Airflow</dt><dd>unknown</dd>" in html
    assert "Assumed figures" in html
    assert f"<code>spec.kva</code> = {ups.spec['kva']}: from the model name" in html


def test_component_detail_shows_kind_spec_in_units(sales: Client, catalogue: Any) -> None:
    """A UPS shows kVA/kW and its runtime table; cooling its capacity and airflow (CFM)."""
    html = sales.get(f"/catalogue/{catalogue['ups_small'].pk}/").content.decode()
    assert "3 kVA" in html
    assert "2.7 kW" in html
    assert "Runtime on internal batteries" in html
    assert "1,350 W (4,606 BTU/h)" in html
    assert "Outlets C13" in html
    cooling = sales.get(f"/catalogue/{catalogue['cooling'].pk}/?units=imperial").content.decode()
    assert "3,500 W (11,942 BTU/h)" in cooling
    assert "900 m³/h (530 CFM)" in cooling
    assert "45 °C (113 °F)" in cooling


def test_component_detail_shows_liquid_figures_in_units(sales: Client) -> None:
    """A CDU shows its approach in K, flows in L/min (US gpm on request) and its classes; a
    cold-plate node its liquid share in % (reference 8)."""
    maker = ManufacturerFactory(name="Tidewell Liquid Systems", slug="tidewell")
    cdu = ComponentFactory(
        manufacturer=maker,
        kind=ComponentKind.CDU,
        model_name="CDU 50",
        nameplate_w=Decimal(600),
        typical_w=Decimal(600),
        spec={
            "capacity_w": 50_000,
            "approach_k": 3,
            "secondary_flow_min_lpm": 20,
            "secondary_flow_max_lpm": 80,
            "pumps": 2,
            "facility_classes": ["W17", "W27", "W32"],
            "coolant": "pg25",
            "connectors": ["UQD04", "UQD08"],
            "power_draw_w": 600,
        },
    )
    html = sales.get(f"/catalogue/{cdu.pk}/").content.decode()
    assert "Approach (secondary above facility supply)" in html
    assert "3 K" in html
    assert "80 L/min" in html
    assert "W17, W27, W32" in html
    assert "UQD04, UQD08" in html
    assert "Propylene glycol 25 %" in html
    # 80 L/min / 3.785411784 L per US gallon = 21.1 gpm
    assert (
        "80 L/min (21.1 US gpm)"
        in sales.get(f"/catalogue/{cdu.pk}/?units=imperial").content.decode()
    )
    node = ComponentFactory(
        manufacturer=maker,
        kind=ComponentKind.GPU_SERVER,
        model_name="G8L",
        nameplate_w=Decimal(10_800),
        typical_w=Decimal(9_100),
        spec={
            "psu_count": 6,
            "psu_rating_w": 3600,
            "redundant_psus": True,
            "ashrae_class": "A2",
            "liquid_fraction": 0.8,
            "coolant_flow_lpm": 13,
            "max_coolant_inlet_c": 45,
            "coolant_connector": "UQD04",
        },
    )
    html = sales.get(f"/catalogue/{node.pk}/").content.decode()
    assert "Heat into liquid" in html
    assert "80 %" in html
    assert "13 L/min" in html


def test_component_detail_unknown_answers_404(sales: Client) -> None:
    """A missing component is a 404 page."""
    assert sales.get("/catalogue/999999/").status_code == 404


def test_cost_and_margin_shown_to_sales(sales: Client, catalogue: Any) -> None:
    """Sales engineers see cost and margin next to the list price."""
    html = sales.get(f"/catalogue/{catalogue['rack'].pk}/").content.decode()
    assert "1000.00 EUR" in html
    assert "700.00 EUR" in html
    assert "Margin" in html
    assert "30.0 %" in html
    assert "Cost" in sales.get("/catalogue/").content.decode()


def test_cost_hidden_from_customers(customer: Client, catalogue: Any) -> None:
    """Customers see list prices only: no cost price, no margin, in list or detail."""
    detail = customer.get(f"/catalogue/{catalogue['rack'].pk}/").content.decode()
    assert "1000.00 EUR" in detail
    assert "700.00" not in detail
    assert "Margin" not in detail
    assert "Cost price" not in detail
    listing = customer.get("/catalogue/").content.decode()
    assert "700.00" not in listing
    assert ">Cost<" not in listing
