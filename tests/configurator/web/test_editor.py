"""The build editor: page, htmx partials and writes, concurrency, permissions, BOM downloads."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from configurator.builds.models import Build, BuildLine
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.documents.elevation import TOP, U_PX
from configurator.tenancy.models import Organisation
from tests.configurator.web.conftest import Demo, client_for

pytestmark = pytest.mark.django_db

NS = {"svg": "http://www.w3.org/2000/svg"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, demo: Demo, **kwargs: Any) -> str:
    return reverse(f"editor:{name}", kwargs={"pk": demo.build.pk, **kwargs})


def svg_in(html: str, rack: BuildLine) -> ET.Element:
    """The elevation SVG of `rack` inside an HTML fragment, parsed."""
    match = re.search(
        rf'<svg xmlns="http://www.w3.org/2000/svg"[^>]*data-rack="L{rack.pk}".*?</svg>',
        html,
        re.S,
    )
    assert match, "no elevation of that rack in the response"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own renderer's output


def item_top(svg: ET.Element, ref: str) -> float:
    group = svg.find(f".//svg:g[@data-item='{ref}']", NS)
    assert group is not None, f"{ref} not drawn"
    return float(group.find("svg:rect", NS).get("y"))


def post(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, data, **{**HTMX, **extra})


# --------------------------------------------------------------------------- page and partials


def test_editor_page_shows_the_build_its_lines_and_findings(sales: Client, demo: Demo) -> None:
    """The page names the build and site, lists its lines and the validation findings in words."""
    response = sales.get(url("detail", demo))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lyon rack" in html
    assert "Lyon back office" in html
    assert "Helix R20" in html
    assert "1 error" in html  # fire.required: the policy asks for fire suppression
    assert "fire.required" in html
    assert f'value="{demo.build.revision}"' in html
    # Elevations are lazy: a placeholder that htmx loads, front face first.
    assert url("elevation", demo, rack=demo.rack.pk) + "?face=front" in html
    assert 'hx-trigger="load"' in html
    assert "<meter" in html
    assert "Headroom" in html


def test_lazy_elevation_draws_items_at_their_u(sales: Client, demo: Demo) -> None:
    """The rack card partial holds an SVG with the 2U server over U10-11, and faces toggle."""
    response = sales.get(url("elevation", demo, rack=demo.rack.pk) + "?face=front", **HTMX)
    assert response.status_code == 200
    svg = svg_in(response.content.decode(), demo.rack)
    assert item_top(svg, demo.server.ref) == pytest.approx(TOP + (42 + 1 - 10 - 2) * U_PX, abs=1)
    server = svg.find(f".//svg:g[@data-item='{demo.server.ref}']", NS)
    assert server.get("aria-label") == "Helix R20 at U10\u201311, front"
    rear = sales.get(url("elevation", demo, rack=demo.rack.pk) + "?face=rear", **HTMX)
    assert svg_in(rear.content.decode(), demo.rack).get("data-face") == "rear"
    download = sales.get(url("elevation", demo, rack=demo.rack.pk) + "?download=1")
    assert download["Content-Type"] == "image/svg+xml"
    ET.fromstring(download.content)  # noqa: S314 - our own renderer's output


def test_finding_highlight_rerenders_elevations(sales: Client, demo: Demo) -> None:
    """?highlight= outlines the items a finding names and keeps each rack's face."""
    response = sales.get(
        url("elevations", demo) + f"?highlight={demo.server.ref}&face_{demo.rack.pk}=rear"
    )
    html = response.content.decode()
    svg = svg_in(html, demo.rack)
    assert svg.get("data-face") == "rear"
    assert f"Highlighted: {demo.server.ref}" in html


def test_picker_search_lists_components_with_their_key_figures(sales: Client, demo: Demo) -> None:
    """Search-as-you-type answers matching components: one link each, figures in words."""
    response = sales.get(url("picker", demo) + "?q=s24g&kind=switch", **HTMX)
    html = response.content.decode()
    assert "Lumenpath S24G" in html
    assert "Helix R20" not in html
    assert "2 power supplies" in html  # the supply count
    assert url("add_panel", demo, component=demo.switch.pk) in html
    assert "<select" not in html  # no form per result: few tab stops before the rack


def test_add_panel_offers_free_u_the_racks_feeds_and_a_component_link(
    sales: Client, demo: Demo
) -> None:
    """The chosen part's panel: free U, feeds from the rack's PDUs, feed B only with 2 supplies."""
    response = sales.get(url("add_panel", demo, component=demo.switch.pk), **HTMX)
    html = response.content.decode()
    assert f'value="L{demo.rack.pk}@3"' in html  # free
    assert f'value="L{demo.rack.pk}@10"' not in html  # the server's
    assert 'value="auto"' in html
    assert "The rack's PDU or UPS" in html
    assert 'name="feed_b"' in html  # the switch has two power supplies
    assert reverse("catalogue:detail", kwargs={"pk": demo.switch.pk}) in html
    one_supply = sales.get(url("add_panel", demo, component=demo.pdu.component.pk), **HTMX)
    assert 'name="feed_a"' in one_supply.content.decode()
    assert 'name="feed_b"' not in one_supply.content.decode()
    assert sales.get(url("add_panel", demo, component=999_999), **HTMX).status_code == 404


# --------------------------------------------------------------------------- writes


def add(client: Client, demo: Demo, **data: Any) -> Any:
    payload = {
        "revision": demo.build.revision,
        "component": demo.switch.pk,
        "quantity": 1,
        "position": f"L{demo.rack.pk}@20",
        "face": "front",
        "feed_a": f"L{demo.pdu.pk}",
        "feed_b": "",
        "q": "s24g",
        "kind": "",
        **data,
    }
    return post(client, url("line_add", demo), payload)


def test_add_line_via_picker_draws_it_at_the_chosen_u(sales: Client, demo: Demo) -> None:
    """Adding through the picker form writes the line and re-renders its elevation out of band."""
    response = add(sales, demo)
    assert response.status_code == 200
    html = response.content.decode()
    line = BuildLine.objects.get(build=demo.build, component=demo.switch)
    assert (line.position_u, line.feed_a_id) == (20, demo.pdu.pk)
    assert "Added 1 \u00d7 Lumenpath S24G at U20, front." in html
    svg = svg_in(html, demo.rack)
    assert item_top(svg, line.ref) == pytest.approx(TOP + (42 + 1 - 20 - 1) * U_PX, abs=1)
    # A page that sent no digests gets every region out of band, at the new revision.
    for region in (
        "editor-summary",
        "editor-header",
        "elevations",
        "validation-panel",
        "line-list",
        "bom-section",
    ):
        assert f'id="{region}"' in html
    assert 'id="picker-results"' not in html  # the search results do not depend on the build
    assert f'data-revision="{demo.build.revision + 1}"' in html
    assert "Lumenpath S24G (" in html  # its panel opens, selected
    assert Build.objects.get(pk=demo.build.pk).revision == demo.build.revision + 1


def test_add_with_auto_places_the_line(sales: Client, demo: Demo) -> None:
    """ "auto" adds the line and runs auto-place, which puts it at the lowest free U."""
    response = add(sales, demo, position="auto")
    assert response.status_code == 200
    line = BuildLine.objects.get(build=demo.build, component=demo.switch)
    assert (line.rack_id, line.position_u) == (demo.rack.pk, 3)


def test_overlap_is_refused_with_the_services_message(sales: Client, demo: Demo) -> None:
    """A taken U answers the service's message naming the conflicting line; nothing is added."""
    response = add(sales, demo, position=f"L{demo.rack.pk}@11")
    html = response.content.decode()
    assert "The change was not applied." in html
    assert f"is taken by line {demo.server.pk} (R20 server)" in html
    assert 'role="alert"' in html
    assert not BuildLine.objects.filter(component=demo.switch).exists()
    assert Build.objects.get(pk=demo.build.pk).revision == demo.build.revision


def test_bad_input_shows_field_errors_not_a_500(sales: Client, demo: Demo) -> None:
    """Garbage in a field is named back to the person; nothing changes."""
    response = add(sales, demo, quantity="lots", position="L0@@x")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quantity: Enter a whole number." in html
    assert not BuildLine.objects.filter(component=demo.switch).exists()


def test_stale_revision_reloads_and_applies_nothing(sales: Client, demo: Demo) -> None:
    """A form from an older revision is refused with who-changed-what and the current state."""
    stale = demo.build.revision
    line_services.build_line_update(line=demo.server, note="moved by a colleague")
    response = add(sales, demo, revision=stale)
    html = response.content.decode()
    assert (
        f"Someone else changed this build (revision {stale} \u2192 {stale + 1}). The editor has "
        "been reloaded with their changes; your change was not applied." in html
    )
    assert not BuildLine.objects.filter(component=demo.switch).exists()
    assert 'hx-swap-oob="true"' in html  # the current state replaces the stale one
    assert f'data-revision="{stale + 1}"' in html
    assert "moved by a colleague" in html


def test_move_posts_only_position_and_face(sales: Client, demo: Demo) -> None:
    """Drag and drop posts position and face; the rest of the line stays as it was."""
    response = post(
        sales,
        url("line_update", demo, line=demo.server.pk),
        {"revision": demo.build.revision, "position": f"L{demo.rack.pk}@30", "face": "front"},
    )
    assert "Saved Helix R20 at U30\u201331, front." in response.content.decode()
    demo.server.refresh_from_db()
    assert (demo.server.position_u, demo.server.feed_a_id) == (30, demo.pdu.pk)


def test_line_panel_opens_with_the_item_highlighted(sales: Client, demo: Demo) -> None:
    """Selecting a line answers its panel and, out of band, the elevation with it outlined."""
    response = sales.get(url("line", demo, line=demo.server.pk), **HTMX)
    html = response.content.decode()
    assert 'id="line-panel"' in html
    assert f'name="selected" value="{demo.server.ref}"' in html
    svg = svg_in(html, demo.rack)
    server = svg.find(f".//svg:g[@data-item='{demo.server.ref}']", NS)
    assert "highlighted" in server.get("class").split()
    assert f'value="L{demo.rack.pk}@10" selected' in html


def test_remove_in_use_line_is_refused_until_detached(sales: Client, demo: Demo) -> None:
    """Removing the PDU names the server using it; with detach, it goes and the server stays."""
    path = url("line_remove", demo, line=demo.pdu.pk)
    refused = post(sales, path, {"revision": demo.build.revision}).content.decode()
    assert f"line {demo.server.pk} (R20 server)" in refused
    assert BuildLine.objects.filter(pk=demo.pdu.pk).exists()
    revision = Build.objects.get(pk=demo.build.pk).revision
    done = post(sales, path, {"revision": revision, "cascade": "1"}).content.decode()
    assert "Removed" in done
    assert not BuildLine.objects.filter(pk=demo.pdu.pk).exists()
    demo.server.refresh_from_db()
    assert demo.server.feed_a_id is None


def test_without_htmx_writes_redirect_back_with_a_message(sales: Client, demo: Demo) -> None:
    """Plain form posts (no JavaScript) follow post/redirect/get and show the outcome."""
    response = sales.post(
        url("line_add", demo),
        {"revision": demo.build.revision, "component": demo.switch.pk, "position": "none"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("detail", demo)
    assert "Added 1 \u00d7 Lumenpath S24G (not in a rack)." in response.content.decode()


# --------------------------------------------------------------------------- approve, read-only


def test_approve_blocked_by_errors_lists_them(sales: Client, demo: Demo) -> None:
    """Approving a build with errors names each blocking finding; the build stays a draft."""
    response = post(sales, url("approve", demo), {"revision": demo.build.revision})
    html = response.content.decode()
    assert "The build has 1 blocking finding(s)." in html
    assert "(fire.required)" in html
    assert Build.objects.get(pk=demo.build.pk).status == "draft"


def test_customers_cannot_approve(customer: Client, demo: Demo) -> None:
    """Approval is for sales engineers and admins: customers get 403 and no button."""
    assert "Approve</button>" not in customer.get(url("detail", demo)).content.decode()
    response = post(customer, url("approve", demo), {"revision": demo.build.revision})
    assert response.status_code == 403


def test_approved_build_is_read_only_until_back_to_draft(sales: Client, demo: Demo) -> None:
    """An approved build shows a banner, disabled forms and no item buttons; reopening works."""
    Build.objects.filter(pk=demo.build.pk).update(policy_override={})
    build_services.build_approve(build=demo.build, user=None)
    html = sales.get(url("detail", demo) + f"?q=s24g&add={demo.switch.pk}").content.decode()
    assert "is approved and read-only" in html
    assert "<fieldset disabled>" in html
    assert "Back to draft" in html
    card = sales.get(url("elevation", demo, rack=demo.rack.pk), **HTMX).content.decode()
    assert 'tabindex="0"' not in card
    refused = add(sales, demo, revision=demo.build.revision).content.decode()
    assert "Approved builds are read-only" in refused
    reopened = post(sales, url("reopen", demo), {"revision": demo.build.revision})
    assert reopened["HX-Redirect"] == url("detail", demo)  # the whole page may edit again
    page = sales.get(reopened["HX-Redirect"]).content.decode()
    assert "Back to draft: the build can be edited again." in page
    assert Build.objects.get(pk=demo.build.pk).status == "draft"


def test_clone_opens_the_copy(sales: Client, demo: Demo) -> None:
    """Clone makes a draft copy and redirects to its editor."""
    response = sales.post(url("clone", demo))
    copy = Build.objects.exclude(pk=demo.build.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("editor:detail", kwargs={"pk": copy.pk})
    assert copy.lines.count() == 4


# --------------------------------------------------------------------------- scope and cost


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, demo: Demo) -> None:
    """Every editor page asks for a login first."""
    for path in (url("detail", demo), url("picker", demo), reverse("editor:compare")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_organisations_build_is_not_found(
    demo: Demo, other_org: Organisation, user_with_role: Any
) -> None:
    """A customer of another organisation gets 404 on every page and write of this build."""
    outsider = client_for(user_with_role("customer", Organisation.objects.get(slug="initech")))
    for path in (
        url("detail", demo),
        url("elevation", demo, rack=demo.rack.pk),
        url("line", demo, line=demo.server.pk),
        url("bom_csv", demo),
    ):
        assert outsider.get(path).status_code == 404
    assert add(outsider, demo).status_code == 404
    assert not BuildLine.objects.filter(component=demo.switch).exists()


def test_customer_edits_own_build_but_never_sees_cost(customer: Client, demo: Demo) -> None:
    """A customer may add lines to their build; picker and BOM show list prices only."""
    html = customer.get(url("detail", demo) + "?q=s24g").content.decode()
    assert "Lumenpath S24G" in html
    assert "777.00" not in html
    assert "3111.00" not in html
    assert "Cost" not in html
    assert "Margin" not in html
    assert add(customer, demo).status_code == 200
    assert BuildLine.objects.filter(component=demo.switch).exists()


def test_sales_engineer_sees_cost_and_margin(sales: Client, demo: Demo) -> None:
    """Sales engineers see cost in the picker and cost and margin in the BOM."""
    html = sales.get(url("detail", demo) + "?q=s24g").content.decode()
    assert "Cost 777.00 EUR" in html
    assert "3111.00" in html
    assert "Margin" in html


def test_bom_downloads_parse(sales: Client, customer: Client, demo: Demo) -> None:
    """CSV and XLSX downloads hold the rows; the customer's have no cost columns."""
    response = sales.get(url("bom_csv", demo))
    assert response["Content-Disposition"].endswith('bom.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert "Unit cost" in header
    assert any("HX-R20" in row for row in rows)
    mine = list(
        csv.reader(io.StringIO(customer.get(url("bom_csv", demo)).content.decode("utf-8-sig")))
    )
    assert "Unit cost" not in mine[0]
    book = openpyxl.load_workbook(io.BytesIO(sales.get(url("bom_xlsx", demo)).content))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "HX-R20" in values
    assert "Total" in values
