"""The editor for everyone: keyboard only, a 390 px phone, and axe-core on the main pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from catalog.choices import ComponentKind
from configurator.builds.models import Build
from configurator.builds.services import lines as line_services
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, ConsoleLog, sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    BuildFactory,
    ComponentFactory,
    ManufacturerFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 390, "height": 844}
# The tab stops from the top of the page to the first item in a rack: the site's navigation,
# the editor's skip links and actions, the search form and one link per picker result (20),
# not a form of six fields per result; "Skip to the racks" gets there in one.
MAX_TAB_STOPS_TO_RACK = 50


@pytest.fixture
def world() -> dict[str, Any]:
    """A sales engineer and a small build: rack, UPS, two PDUs, a server, a panel."""
    seller = OrganisationFactory(name="Demo Integrations Ltd", slug="demo")
    user = UserFactory(username="sam")
    MembershipFactory(user=user, organisation=seller, role="sales_engineer")
    site = SiteFactory(organisation=seller, name="Lyon back office")
    build = BuildFactory(site=site, name="Lyon rack")
    helix = ManufacturerFactory(name="Helix Compute", slug="helix")
    rack = line_services.build_line_add(
        build=build,
        component=ComponentFactory(
            kind=ComponentKind.RACK,
            model_name="Skarv 42U",
            spec={"u": 42, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 1200},
        ),
        note="Rack 1",
    )
    ups = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind=ComponentKind.UPS, model_name="Meridian OX 3000"),
        rack=rack,
        position_u=1,
    )
    pdu = ComponentFactory(kind=ComponentKind.PDU, model_name="Railpoint V32")
    pdu_a = line_services.build_line_add(
        build=build, component=pdu, rack=rack, feed_a=ups, note="A"
    )
    pdu_b = line_services.build_line_add(
        build=build, component=pdu, rack=rack, feed_a=ups, note="B"
    )
    line_services.build_line_add(
        build=build,
        component=ComponentFactory(manufacturer=helix, model_name="R150", sku="HX-R150"),
        rack=rack,
        position_u=10,
        feed_a=pdu_a,
        feed_b=pdu_b,
    )
    line_services.build_line_add(
        build=build,
        component=ComponentFactory(
            kind=ComponentKind.ACCESSORY,
            model_name="BP1",
            u_height=Decimal(1),
            spec={"accessory_type": "blanking_panel"},
        ),
        rack=rack,
        position_u=20,
        quantity=4,
    )
    ComponentFactory(manufacturer=helix, model_name="E110", sku="HX-E110")
    for n in range(25):  # a long picker: the results must not crowd out the rack
        ComponentFactory(manufacturer=helix, model_name=f"Filler {n}", sku=f"HX-F{n:02}")
    return {"build": Build.objects.get(pk=build.pk)}


def editor_url(world: dict[str, Any]) -> str:
    return f"/builds/{world['build'].pk}/"


def test_keyboard_only_line_add(page: Any, world: dict[str, Any], console: ConsoleLog) -> None:
    """Tab, type and Enter only: search, choose, set a quantity, add; focus lands on the message;
    the rack is reached in few tab stops."""
    sign_in(page, "sam", DEFAULT_PASSWORD)
    page.goto(editor_url(world))
    page.locator("#elevations svg .item").first.wait_for()

    # From the top of the page, Tab reaches a rack item in a bounded number of stops.
    page.locator("body").focus()
    for stops in range(1, 200):  # noqa: B007 - the count is the result
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg.elevation') !== null"):
            break
    assert stops <= MAX_TAB_STOPS_TO_RACK, f"{stops} tab stops before the rack"

    # "Skip to the racks" (the editor's first stop) goes there at once; so does the validation.
    page.get_by_role("link", name="Skip to the racks").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#elevations")).to_be_focused()
    page.get_by_role("link", name="Skip to the validation").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#validation-panel")).to_be_focused()

    page.get_by_label("Search the catalogue").focus()
    page.keyboard.type("HX-E110")
    result = page.locator("#picker-results a", has_text="E110")
    result.wait_for()
    # The typed search does not re-run when focus leaves the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().endswith("E110")
    page.keyboard.press("Enter")
    page.locator("#add-title").wait_for()
    expect(page.locator("#add-title")).to_be_focused()
    page.keyboard.press("Tab")  # the component page link
    assert page.evaluate("document.activeElement.textContent") == "Component page"
    page.keyboard.press("Tab")  # the quantity
    assert page.evaluate("document.activeElement.id") == "add-quantity"
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    before = page.locator("#editor-summary").get_attribute("data-revision")
    # Tab to the Add button: quantity, position, face, feed A, feed B, Add.
    for _ in range(5):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add"
    page.keyboard.press("Enter")
    page.locator("#editor-message", has_text="Added 2 \u00d7 Helix Compute E110").wait_for()
    page.locator(f"#editor-summary:not([data-revision='{before}'])").wait_for()
    expect(page.locator("#editor-message")).to_be_focused()
    # The new line is fed from the rack's PDUs, not the site supply.
    assert "without passing a UPS" not in (page.text_content("#validation-panel") or "")
    # The typed quantity is still there for the next add.
    assert page.get_by_label("Quantity", exact=True).first.input_value() == "2"
    assert console.csp_violations == []


def test_phone_width_scrolls_no_page_sideways(
    browser: Any, live_server: Any, world: dict[str, Any], console: ConsoleLog
) -> None:
    """At 390 px the main pages fit the width; the editor folds its picker and shows the
    summary first; no drag hint on a touch screen."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, "sam", DEFAULT_PASSWORD)
        for path in ("/", "/sites/", "/builds/", "/catalogue/", "/quotes/", editor_url(world)):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls {overflow} px sideways"
        summary = page.locator("#editor-summary").bounding_box()
        picker = page.locator("#picker").bounding_box()
        assert summary["y"] < picker["y"]
        assert page.locator("#picker").get_attribute("open") is None  # folded
        assert not page.locator(".drag-hint").first.is_visible()
        svg = page.locator("#elevations svg").first.bounding_box()
        assert svg["width"] <= PHONE["width"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "editor-phone.png"), full_page=True)
    finally:
        context.close()
    assert console.csp_violations == []


def test_axe_finds_no_violations_on_the_main_pages(
    page: Any, world: dict[str, Any], console: ConsoleLog
) -> None:
    """axe-core (WCAG 2 A/AA rules) on the dashboard, lists, catalogue and the editor."""
    sync = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = sync.Axe()
    sign_in(page, "sam", DEFAULT_PASSWORD)
    site = world["build"].site
    for path in (
        "/",
        "/sites/",
        f"/sites/{site.pk}/",
        "/builds/",
        "/catalogue/",
        "/quotes/",
        editor_url(world),
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        results = axe.run(page)
        problems = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]
        ]
        assert problems == [], f"{path}: {problems}"
    # The editor with a line selected and an add panel open.
    page.goto(editor_url(world) + "?q=HX-E110")
    page.locator("#picker-results a", has_text="E110").click()
    page.locator("#add-title").wait_for()
    page.locator("#line-rows button", has_text="Select").first.click()
    page.locator("#line-panel-title:not(.visually-hidden)").wait_for()
    results = axe.run(page)
    assert [v["id"] for v in results.response["violations"]] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor.png"), full_page=True)
    assert (SCREENSHOTS / "editor.png").stat().st_size > 10_000
    assert console.csp_violations == []
