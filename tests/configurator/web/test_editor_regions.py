"""The editor answers a write with the regions that changed, its feeds default to the rack's
PDU, blanking panels give way with a message, and a removal can be undone."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine
from configurator.builds.services import lines as line_services
from tests.configurator.web.conftest import Demo
from tests.configurator.web.test_editor import HTMX, add, post, url
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db

DIGEST = re.compile(r'<[^>]*\bid="([^"]+)"[^>]*\bdata-digest="([^"]*)"')


def shown_by(client: Client, demo: Demo, **query: Any) -> dict[str, str]:
    """What a page shows, as editor.js sends it: region and row digests."""
    html = client.get(url("detail", demo), query).content.decode()
    pairs = DIGEST.findall(html)
    regions = [(k, v) for k, v in pairs if not k.startswith("row-")]
    # The page lazy-loads its racks (their hx-get); editor.js then holds each card's digest.
    for rack, lazy in re.findall(r'id="rack-(L\d+)"[^>]*hx-get="([^"]+)"', html, re.S):
        card = client.get(lazy.replace("&amp;", "&"), **HTMX).content.decode()
        regions = [(k, v) for k, v in regions if k != f"rack-{rack}"]
        regions += [(k, v) for k, v in DIGEST.findall(card) if k == f"rack-{rack}"]
    rows = [(k, v) for k, v in pairs if k.startswith("row-")]
    return {
        "shown": ",".join(f"{k}:{v}" for k, v in regions),
        "rows": ",".join(f"{k}:{v}" for k, v in rows),
    }


def test_a_line_edit_answers_only_the_regions_that_changed(sales: Client, demo: Demo) -> None:
    """A new note changes the revision, the line's row, its panel and its rack's drawing (the
    note is in the item's tooltip): nothing else comes back."""
    page = shown_by(sales, demo, selected=demo.server.ref)
    response = post(
        sales,
        url("line_update", demo, line=demo.server.pk),
        {"revision": demo.build.revision, "note": "web tier", "selected": demo.server.ref, **page},
    )
    html = response.content.decode()
    assert "Saved Helix R20" in html
    assert 'id="editor-summary"' in html  # the revision moved
    assert f'id="row-{demo.server.ref}"' in html
    for unchanged in ("editor-header", "validation-panel", "bom-section", "line-list"):
        assert f'id="{unchanged}"' not in html, unchanged
    assert f'id="row-{demo.ups.ref}"' not in html
    assert len(response.content) < 30_000


def test_an_add_appends_its_row_and_redraws_only_its_rack(sales: Client, demo: Demo) -> None:
    """A new line arrives as one appended row and its rack's card; the list is not redrawn."""
    response = add(sales, demo, **shown_by(sales, demo))
    html = response.content.decode()
    line = BuildLine.objects.get(build=demo.build, component=demo.switch)
    assert 'hx-swap-oob="beforeend:#line-rows"' in html
    assert f'id="row-{line.ref}"' in html
    assert f'id="rack-{demo.rack.ref}"' in html
    assert 'id="line-list"' not in html
    assert 'id="line-count"' in html


def test_a_new_line_is_fed_from_its_racks_pdus(sales: Client, demo: Demo) -> None:
    """Feeds left to the editor: A and B from the rack's PDUs (B only with two supplies)."""
    second = line_services.build_line_add(
        build=demo.build, component=demo.pdu.component, rack=demo.rack, feed_a=demo.ups
    )
    demo.build.refresh_from_db()
    add(sales, demo, position="auto", feed_a="auto", feed_b="auto")
    line = BuildLine.objects.get(build=demo.build, component=demo.switch)
    assert (line.feed_a_id, line.feed_b_id) == (demo.pdu.pk, second.pk)
    single = ComponentFactory(kind=ComponentKind.MONITORING, spec={"psu_count": 1})
    demo.build.refresh_from_db()
    add(sales, demo, component=single.pk, position="auto", feed_a="auto", feed_b="auto")
    monitor = BuildLine.objects.get(build=demo.build, component=single)
    assert (monitor.feed_a_id, monitor.feed_b_id) == (demo.pdu.pk, None)


def test_an_auto_placed_zero_u_pdu_goes_to_a_rack_fed_from_its_ups(
    sales: Client, demo: Demo
) -> None:
    """A zero-U PDU left to auto-place gets the rack, and the rack's UPS as its feed."""
    response = add(sales, demo, component=demo.pdu.component.pk, position="auto", feed_a="auto")
    assert response.status_code == 200
    line = BuildLine.objects.filter(component=demo.pdu.component).exclude(pk=demo.pdu.pk).get()
    assert (line.rack_id, line.position_u, line.feed_a_id) == (demo.rack.pk, None, demo.ups.pk)


def test_placing_over_blanking_panels_says_it_takes_them_over(sales: Client, demo: Demo) -> None:
    """The message names the panels the new line took the place of."""
    panel = ComponentFactory(
        kind=ComponentKind.ACCESSORY,
        model_name="BP1",
        u_height=Decimal(1),
        spec={"accessory_type": "blanking_panel"},
    )
    line_services.build_line_add(
        build=demo.build, component=panel, quantity=5, rack=demo.rack, position_u=18
    )
    demo.build.refresh_from_db()
    html = add(sales, demo).content.decode()  # at U20
    assert "Added 1 \u00d7 Lumenpath S24G at U20, front." in html
    assert "It takes over blanking panels: 1 U of line" in html
    assert sorted(
        BuildLine.objects.filter(component=panel).values_list("position_u", "quantity")
    ) == [(Decimal(18), 2), (Decimal(21), 2)]


def test_a_removal_can_be_undone(sales: Client, demo: Demo) -> None:
    """Remove answers an Undo; undoing puts the line back with its feeds and place."""
    removed = post(
        sales,
        url("line_remove", demo, line=demo.server.pk),
        {"revision": demo.build.revision},
    ).content.decode()
    assert "Removed Helix R20." in removed
    token = re.search(r'name="token" value="([^"]+)"', removed).group(1)
    assert not BuildLine.objects.filter(pk=demo.server.pk).exists()
    revision = Build.objects.get(pk=demo.build.pk).revision
    restored = post(sales, url("line_restore", demo), {"revision": revision, "token": token})
    assert "Restored Helix R20 at U10\u201311, front." in restored.content.decode()
    line = BuildLine.objects.get(build=demo.build, component=demo.server.component)
    assert (line.position_u, line.feed_a_id) == (10, demo.pdu.pk)
    forged = post(
        sales,
        url("line_restore", demo),
        {"revision": revision + 1, "token": token + "x"},
    ).content.decode()
    assert "This undo has expired" in forged


def test_removing_a_pdu_with_detach_restores_its_dependants(sales: Client, demo: Demo) -> None:
    """Undo of a cascaded removal feeds the server from the restored PDU again."""
    removed = post(
        sales,
        url("line_remove", demo, line=demo.pdu.pk),
        {"revision": demo.build.revision, "cascade": "1"},
    ).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', removed).group(1)
    revision = Build.objects.get(pk=demo.build.pk).revision
    restored = post(sales, url("line_restore", demo), {"revision": revision, "token": token})
    stored = Build.objects.get(pk=demo.build.pk).revision
    assert f'data-revision="{stored}"' in restored.content.decode()  # the page can write on
    demo.server.refresh_from_db()
    pdu = BuildLine.objects.get(build=demo.build, component=demo.pdu.component)
    assert demo.server.feed_a_id == pdu.pk
    assert pdu.feed_a_id == demo.ups.pk


# A line edit's queries: session and user (2); the build and the user's roles around it (2);
# the line (1); the write: lock, lines, components, the update, the revision bump (5, and the
# two savepoints of its transaction); the report: lines with their prices, stored row (2), then
# its store (1, and two savepoints). Components the snapshot knows at their versions are not
# read again. (19 before: the visibility subquery, then one query per permission asked.)
LINE_EDIT_QUERIES = 17


def _edit_queries(client: Client, demo: Demo, position: int) -> tuple[int, str]:
    demo.build.refresh_from_db()
    page = shown_by(client, demo, selected=demo.server.ref)
    data = {
        "revision": demo.build.revision,
        "position": f"L{demo.rack.pk}@{position}",
        "face": "front",
        "selected": demo.server.ref,
        **page,
    }
    with CaptureQueriesContext(connection) as queries:
        response = post(client, url("line_update", demo, line=demo.server.pk), data)
    return len(queries), response.content.decode()


def test_a_line_edit_costs_a_bounded_number_of_queries(sales: Client, demo: Demo) -> None:
    """Moving a line costs the same queries on a build of 5 lines as on one of 65, and no
    more than the baseline: nothing is read per line, per rack or per region."""
    counts = {}
    for size, position in ((5, 20), (65, 22)):
        while BuildLine.objects.filter(build=demo.build).count() < size:
            line_services.build_line_add(
                build=demo.build, component=demo.server.component, rack=demo.rack
            )
        counts[size], html = _edit_queries(sales, demo, position)
        assert f"Saved Helix R20 at U{position}" in html
    assert counts[5] == counts[65], counts
    assert counts[5] <= LINE_EDIT_QUERIES, counts
