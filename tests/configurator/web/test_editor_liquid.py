"""The build editor on a liquid-cooled build: "Coolant from" in the line panel and the picker,
offered only where the engine allows it (rules.coolant), and the liquid gauges (reference 8)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.choices import ComponentKind
from catalog.models import Component
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services
from configurator.tenancy.models import Organisation
from tests.factories import (
    BuildFactory,
    ComponentFactory,
    SiteFactory,
    liquid_components,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Liquid:
    """A rack with a CDU at U1-4 on a dry cooler, two cold-plate nodes on the CDU at U5 and U9,
    a leak sensor, a PDU and an air-cooled server; the site 27 degC at 50 % RH."""

    build: Build
    rack: BuildLine
    fw: BuildLine
    cdu: BuildLine
    nodes: list[BuildLine]
    pdu: BuildLine
    server: BuildLine
    parts: dict[str, Component]


@pytest.fixture
def liquid(customer_org: Organisation) -> Liquid:
    parts = liquid_components()
    site = SiteFactory(
        organisation=customer_org,
        name="Hamburg edge",
        ambient_min_c=20,
        ambient_max_c=27,
        outdoor_min_c=-12,
        outdoor_max_c=27,
        relative_humidity_max_pct=50,
        supply_phases=3,
        supply_breaker_a=125,
        room_cooling_w=15_000,
    )
    build = BuildFactory(site=site, name="AI rack")
    add = line_services.build_line_add
    rack = add(build=build, component=ComponentFactory(kind=ComponentKind.RACK), note="AI rack")
    fw = add(build=build, component=parts["fw"])
    cdu = add(build=build, component=parts["cdu"], rack=rack, position_u=1, coolant_from=fw)
    nodes = [
        add(build=build, component=parts["node"], rack=rack, position_u=u, coolant_from=cdu)
        for u in (5, 9)
    ]
    add(build=build, component=parts["leak"], rack=rack)
    pdu = add(build=build, component=ComponentFactory(kind=ComponentKind.PDU), rack=rack)
    server = add(build=build, component=ComponentFactory(kind=ComponentKind.SERVER), rack=rack)
    build.refresh_from_db()
    return Liquid(build, rack, fw, cdu, nodes, pdu, server, parts)


@pytest.fixture
def sales(liquid: Liquid, org: Organisation, user_with_role: Any) -> Client:
    client = Client()
    client.force_login(user_with_role("sales_engineer", org))
    return client


def url(name: str, liquid: Liquid, **kwargs: Any) -> str:
    return reverse(f"editor:{name}", kwargs={"pk": liquid.build.pk, **kwargs})


def options_of(html: str, name: str) -> list[str]:
    """The option values of the select called `name` in an HTML fragment."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert match is not None, f"no {name} select"
    return re.findall(r'<option value="([^"]*)"', match.group(1))


def test_node_panel_offers_the_cdu_and_facility_water_only(sales: Client, liquid: Liquid) -> None:
    """A cold-plate node may sit on the facility water or the CDU (in line order); the PDU, the
    server and the node itself are not offered, and its CDU is selected."""
    node = liquid.nodes[0]
    html = sales.get(url("line", liquid, line=node.pk), **HTMX).content.decode()
    assert "Coolant from" in html
    assert options_of(html, "coolant_from") == ["", liquid.fw.ref, liquid.cdu.ref]
    assert f'<option value="{liquid.cdu.ref}" selected>' in html


def test_cdu_panel_offers_facility_water_only(sales: Client, liquid: Liquid) -> None:
    """A CDU takes its primary water from facility water: no CDU (not even itself) offered."""
    html = sales.get(url("line", liquid, line=liquid.cdu.pk), **HTMX).content.decode()
    assert options_of(html, "coolant_from") == ["", liquid.fw.ref]
    assert "The facility water source (dry cooler or chiller)" in html


def test_air_cooled_server_panel_has_no_coolant_select(sales: Client, liquid: Liquid) -> None:
    """A part that is not on a loop gets no "Coolant from" field."""
    html = sales.get(url("line", liquid, line=liquid.server.pk), **HTMX).content.decode()
    assert 'name="coolant_from"' not in html


def test_update_moves_a_node_onto_the_facility_water(sales: Client, liquid: Liquid) -> None:
    """Posting "Coolant from" re-plumbs the node; the rest of the line stays."""
    node = liquid.nodes[1]
    response = sales.post(
        url("line_update", liquid, line=node.pk),
        {"revision": liquid.build.revision, "coolant_from": liquid.fw.ref},
        **HTMX,
    )
    assert "Saved Tidewell Liquid Systems G8L liquid" in response.content.decode()
    node.refresh_from_db()
    assert (node.coolant_from_id, node.position_u) == (liquid.fw.pk, 9)


def test_update_with_a_pdu_as_coolant_source_names_the_field(sales: Client, liquid: Liquid) -> None:
    """A source the select never offers (a forged post) is refused, naming "Coolant from"."""
    node = liquid.nodes[1]
    response = sales.post(
        url("line_update", liquid, line=node.pk),
        {"revision": liquid.build.revision, "coolant_from": liquid.pdu.ref},
        **HTMX,
    )
    html = response.content.decode()
    assert "The change was not applied." in html
    assert "Coolant from: Line" in html
    assert "is not a CDU or a facility water source." in html
    node.refresh_from_db()
    assert node.coolant_from_id == liquid.cdu.pk


def test_add_panel_offers_coolant_sources_to_a_cold_plate_node(
    sales: Client, liquid: Liquid
) -> None:
    """The node's add panel shows "Coolant from" with the facility water and the CDU; a CDU's
    offers the facility water only; a switch's none."""
    node = url("add_panel", liquid, component=liquid.parts["node"].pk)
    html = sales.get(node, **HTMX).content.decode()
    assert options_of(html, "coolant_from") == ["", liquid.fw.ref, liquid.cdu.ref]
    cdu = url("add_panel", liquid, component=liquid.parts["cdu"].pk)
    html = sales.get(cdu, **HTMX).content.decode()
    assert options_of(html, "coolant_from") == ["", liquid.fw.ref]
    switch = ComponentFactory(kind=ComponentKind.SWITCH, sku="SW-48")
    html = sales.get(url("add_panel", liquid, component=switch.pk), **HTMX).content.decode()
    assert 'name="coolant_from"' not in html


def test_add_from_the_picker_puts_the_node_on_its_loop(sales: Client, liquid: Liquid) -> None:
    """The add form's "Coolant from" is saved with the new line."""
    response = sales.post(
        url("line_add", liquid),
        {
            "revision": liquid.build.revision,
            "component": liquid.parts["node"].pk,
            "position": f"{liquid.rack.ref}@13",
            "coolant_from": liquid.cdu.ref,
        },
        **HTMX,
    )
    assert "Added 1" in response.content.decode()
    added = BuildLine.objects.filter(build=liquid.build, position_u=13).get()
    assert added.coolant_from_id == liquid.cdu.pk


def test_validation_gauges_show_the_liquid_figures(sales: Client, liquid: Liquid) -> None:
    """The engine's liquid figures, worked by hand (reference 8):
    - 2 x 9,100 W x 0.8 = 14,560 W into liquid (L5);
    - the dry cooler at 27 degC supplies max(30, 27 + 5) = 32 degC; the CDU's secondary
      32 + 3 = 35 degC (L4); 2 x 13 = 26 L/min returns 35 + 14.56 x 60 / (1.02 x 3.90 x 26) =
      43.4 degC; the heat needs 14.56 x 60 / (1.02 x 3.90 x 10) = 22.0 L/min at 10 K (L1);
    - the CDU carries 14,560 W of 0.8 x 50,000 = 40,000 W; the rack 18.2 kW + 0.6 kW of pumps +
      the server's heat, of which the air takes all but the 14.56 kW in the cold plates (L7)."""
    html = sales.get(url("validation", liquid), **HTMX).content.decode()
    assert "14.6 kW into liquid (cold plates)" in html
    assert (
        "14,560 W of 40,000 W (80 % of 50,000 W); supply 35.0 \u00b0C, return 43.4 \u00b0C" in html
    )
    assert "26.0 L/min to the nodes; the heat needs 22.0 L/min at 10 K" in html
    assert "the CDU moves up to 80.0 L/min" in html
    assert "14,560 W of 48,000 W (80 % of 60,000 W); supply 32.0 \u00b0C" in html
    server = liquid.server.component
    server_kw = float(server.typical_w or server.nameplate_w or 0) / 1000
    heat_kw = 2 * 9.1 + 0.6 + server_kw
    air_kw = heat_kw - 14.56  # L7: what the cold plates do not carry
    assert f"{heat_kw:,.1f} kW of heat in the rack, {air_kw:,.1f} kW of it to the air" in html
    assert "(air-cooled limit 35 kW)" in html
