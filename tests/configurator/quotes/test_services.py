"""Quote services: issue freezes a snapshot, numbering, discount limits, rules, revisions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from catalog.choices import ComponentKind
from configurator.errors import BlockedByRules, Conflict
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote, QuoteNumberSequence
from configurator.quotes.services import format_quote_number
from configurator.quotes.validation import QuoteForbidden
from tests.api import World, add_line, make_world, member
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build (rack 890, UPS 1650, server 4200 EUR) served by acme."""
    return make_world()


@pytest.fixture
def seller(world: World) -> Any:
    """A sales engineer of acme, the seller serving contoso."""
    return member("sales_engineer", world.acme)


@pytest.fixture
def admin(world: World) -> Any:
    """An admin of acme."""
    return member("admin", world.acme)


def draft(world: World, user: Any, **fields: Any) -> Quote:
    """A draft quote of contoso's build with a contact."""
    return quote_services.quote_create(build=world.build, user=user, **{**CONTACT, **fields})


def issued(world: World, user: Any, **fields: Any) -> Quote:
    """An issued quote of contoso's build."""
    return quote_services.quote_issue(quote=draft(world, user, **fields), user=user)


def overload(world: World) -> None:
    """Add 40 servers to the UPS: the build then has error findings (UPS over capacity)."""
    add_line(world.build, world.components["server"], quantity=40, feed_a=world.ups)


# --------------------------------------------------------------------------- issue and totals


def test_quote_issue_freezes_totals_computed_by_hand(world: World, seller: Any) -> None:
    """Totals: list subtotal, line discount, quote discount, tax, each rounded to cents."""
    server = world.components["server"]
    quote = issued(
        world,
        seller,
        line_discounts={str(server.pk): "10"},
        discount_pct="5",
        tax_rate_pct="20",
    )
    # 890 + 1650 + 4200 = 6740; server -10 % = -420; after lines 6320; -5 % = -316;
    # net 6004; tax 20 % = 1200.80; total 7204.80
    assert quote.subtotal == Decimal("6740.00")
    assert quote.line_discount_total == Decimal("420.00")
    assert quote.discount_total == Decimal("316.00")
    assert quote.net_total == Decimal("6004.00")
    assert quote.tax_total == Decimal("1200.80")
    assert quote.total == Decimal("7204.80")
    assert quote.status == Quote.Status.ISSUED
    assert quote.currency == "EUR"
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    rows = {r["sku"]: r for c in quote.bom_json["categories"] for r in c["rows"]}
    assert rows["R20"]["discount_pct"] == "10.00"
    assert rows["R20"]["extended_net_price"] == "3780.00"
    assert "unit_cost" not in rows["R20"]  # the frozen BOM is customer-safe
    assert quote.cost_total == Decimal("600.00") + Decimal("1200.00") + Decimal("3000.00")
    assert quote.spec_json["name"] == world.build.name
    assert quote.report_json["metrics"]["it_load_typical_w"] > 0
    assert quote.build_revision == world.build.revision


def test_issued_quote_never_changes_after_price_and_build_edits(world: World, seller: Any) -> None:
    """A later list price and an extra line leave the quote's JSON and totals as issued."""
    quote = issued(world, seller, tax_rate_pct="19")
    frozen = {
        field: getattr(quote, field)
        for field in ("spec_json", "bom_json", "report_json", "subtotal", "total", "tax_total")
    }
    server = world.components["server"]
    server.list_price = Decimal("9999.00")
    server.save()
    add_line(world.build, world.components["pdu"], rack=world.rack)
    quote.refresh_from_db()
    for field, value in frozen.items():
        assert getattr(quote, field) == value, field


def test_quote_numbers_are_sequential_per_year(world: World, seller: Any) -> None:
    """Two quotes of a year get 0001 and 0002; the next year starts again at 0001."""
    year = timezone.localdate().year
    first = issued(world, seller)
    second = issued(world, seller)
    assert first.number == f"Q-{year}-0001"
    assert second.number == f"Q-{year}-0002"
    new_year = datetime.datetime(year + 1, 1, 2, 9, tzinfo=datetime.UTC)
    third = quote_services.quote_issue(quote=draft(world, seller), user=seller, now=new_year)
    assert third.number == f"Q-{year + 1}-0001"
    assert QuoteNumberSequence.objects.get(year=year).last_number == 2


def test_format_quote_number_pads_to_four_digits() -> None:
    """Numbers read Q-<year>-<nnnn>; past 9999 they simply grow."""
    assert format_quote_number(2026, 7) == "Q-2026-0007"
    assert format_quote_number(2026, 12345) == "Q-2026-12345"


def test_draft_has_no_number_and_issued_one_cannot_be_issued_again(
    world: World, seller: Any
) -> None:
    """The number is taken at issue; a second issue of the same revision is a conflict."""
    quote = draft(world, seller)
    assert quote.number is None
    quote_services.quote_issue(quote=quote, user=seller)
    with pytest.raises(Conflict):
        quote_services.quote_issue(quote=quote, user=seller)


def test_issue_needs_a_customer_contact(world: World, seller: Any) -> None:
    """Name and e-mail of the customer contact are required at issue."""
    quote = quote_services.quote_create(build=world.build, user=seller)
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_issue(quote=quote, user=seller)
    assert set(caught.value.message_dict) == {"customer_name", "customer_email"}


# --------------------------------------------------------------------------- discount limits


@pytest.mark.parametrize(
    ("role", "pct", "allowed"),
    [
        ("sales_engineer", "15", True),
        ("sales_engineer", "15.01", False),
        ("admin", "30", True),
        ("admin", "30.01", False),
    ],
)
def test_quote_discount_limited_by_role(world: World, role: str, pct: str, allowed: bool) -> None:
    """Sales engineers discount up to 15 %, admins up to 30 % (settings defaults)."""
    user = member(role, world.acme)
    if allowed:
        assert issued(world, user, discount_pct=pct).discount_pct == Decimal(pct)
        return
    with pytest.raises(ValidationError) as caught:
        draft(world, user, discount_pct=pct)
    assert "discount_pct" in caught.value.message_dict


@pytest.mark.parametrize(
    ("role", "pct", "allowed"), [("sales_engineer", "16", False), ("admin", "16", True)]
)
def test_line_discount_limited_by_role(world: World, role: str, pct: str, allowed: bool) -> None:
    """A line discount obeys the same limit as the quote discount."""
    user = member(role, world.acme)
    discounts = {str(world.components["server"].pk): pct}
    if allowed:
        assert issued(world, user, line_discounts=discounts).line_discount_total > 0
        return
    with pytest.raises(ValidationError) as caught:
        draft(world, user, line_discounts=discounts)
    assert f"line_discounts.{world.components['server'].pk}" in caught.value.message_dict


def test_line_and_quote_discounts_together_are_limited(world: World, seller: Any) -> None:
    """15 % on every line and 15 % more on the quote come to 27.75 %: over 15 %, refused."""
    every_line = {str(world.components[k].pk): "15" for k in ("rack", "ups", "server")}
    quote = draft(world, seller, line_discounts=every_line, discount_pct="15")
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_issue(quote=quote, user=seller)
    assert "27.75" in str(caught.value.message_dict["discount_pct"])


@override_settings(QUOTE_DISCOUNT_LIMITS={"sales_engineer": "5", "admin": "30"})
def test_discount_limits_come_from_settings(world: World, seller: Any) -> None:
    """QUOTE_DISCOUNT_LIMITS sets each role's limit."""
    with pytest.raises(ValidationError):
        draft(world, seller, discount_pct="6")


@pytest.mark.parametrize(
    "who", ["customer of contoso", "admin of contoso", "integrator of contoso", "admin of globex"]
)
def test_quote_create_refused_to_non_sellers(world: World, who: str) -> None:
    """Customers (even a customer organisation's admin) and other sellers cannot quote."""
    role, _, org = who.split(" ")
    user = member(role, getattr(world, org))
    with pytest.raises(QuoteForbidden):
        draft(world, user)


def test_customer_cannot_issue_a_draft(world: World, seller: Any) -> None:
    """Issuing is the seller's act."""
    quote = draft(world, seller)
    with pytest.raises(QuoteForbidden):
        quote_services.quote_issue(quote=quote, user=member("customer", world.contoso))


def test_line_discount_for_a_component_not_in_the_build_is_refused(
    world: World, seller: Any
) -> None:
    """Discount keys name components of the build's lines."""
    stranger = ComponentFactory(kind=ComponentKind.SERVER)
    with pytest.raises(ValidationError) as caught:
        draft(world, seller, line_discounts={str(stranger.pk): "5"})
    assert f"line_discounts.{stranger.pk}" in caught.value.message_dict


# --------------------------------------------------------------------------- rules


def test_issue_blocked_by_error_findings_without_override(world: World, seller: Any) -> None:
    """Error findings refuse the issue with the findings as details; nothing is numbered."""
    overload(world)
    quote = draft(world, seller)
    with pytest.raises(BlockedByRules) as caught:
        quote_services.quote_issue(quote=quote, user=seller)
    details = caught.value.details
    assert details
    assert all(finding["severity"] == "error" for finding in details)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DRAFT
    assert quote.number is None
    assert not QuoteNumberSequence.objects.exists()


def test_issue_with_override_records_reason_and_user(world: World, seller: Any) -> None:
    """An override reason lets the seller issue; who and why are stored."""
    overload(world)
    quote = quote_services.quote_issue(
        quote=draft(world, seller), user=seller, override_reason="  Second UPS on site.  "
    )
    assert quote.status == Quote.Status.ISSUED
    assert quote.override_reason == "Second UPS on site."
    assert quote.overridden_by == seller
    assert any(f["severity"] == "error" for f in quote.report_json["findings"])


def test_override_reason_is_dropped_when_nothing_is_overridden(world: World, seller: Any) -> None:
    """Without error findings a reason would print a false warning: it is not stored."""
    quote = quote_services.quote_issue(
        quote=draft(world, seller), user=seller, override_reason="just in case"
    )
    assert quote.override_reason == ""
    assert quote.overridden_by is None


# --------------------------------------------------------------------------- revisions


def test_revise_supersedes_and_snapshots_the_build_again(world: World, seller: Any) -> None:
    """Same number, revision 2, today's prices; the first revision is superseded."""
    first = issued(world, seller, discount_pct="5")
    server = world.components["server"]
    server.list_price = Decimal("5000.00")
    server.save()
    second = quote_services.quote_revise(quote=first, user=seller, discount_pct="7")
    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED
    assert (second.number, second.revision, second.status) == (first.number, 2, "issued")
    assert second.subtotal == Decimal("7540.00")  # 890 + 1650 + 5000
    assert second.discount_pct == Decimal("7.00")
    assert first.subtotal == Decimal("6740.00")
    assert Quote.objects.filter(number=first.number).count() == 2


@pytest.mark.parametrize("status", ["draft", "accepted", "superseded"])
def test_revise_refused_from_final_or_draft_states(world: World, seller: Any, status: str) -> None:
    """Drafts are edited, accepted quotes are contracts, superseded ones have a successor."""
    quote = issued(world, seller) if status != "draft" else draft(world, seller)
    if status == "accepted":
        quote_services.quote_set_status(quote=quote, user=seller, status="accepted")
    if status == "superseded":
        quote_services.quote_revise(quote=quote, user=seller)
    with pytest.raises(Conflict):
        quote_services.quote_revise(quote=quote, user=seller)


def test_blocked_revision_leaves_the_old_one_live(world: World, seller: Any) -> None:
    """A revision refused by the rules rolls back: the old revision stays issued."""
    first = issued(world, seller)
    overload(world)
    with pytest.raises(BlockedByRules):
        quote_services.quote_revise(quote=first, user=seller)
    first.refresh_from_db()
    assert first.status == Quote.Status.ISSUED
    assert Quote.objects.filter(number=first.number).count() == 1


# --------------------------------------------------------------------------- answers, expiry


def test_customer_accepts_an_issued_quote(world: World, seller: Any) -> None:
    """A member of the customer organisation records acceptance."""
    quote = issued(world, seller)
    customer = member("customer", world.contoso)
    answered = quote_services.quote_set_status(quote=quote, user=customer, status="accepted")
    assert answered.status == Quote.Status.ACCEPTED


def test_other_organisation_cannot_answer(world: World, seller: Any) -> None:
    """Someone outside the customer and its seller cannot accept."""
    quote = issued(world, seller)
    with pytest.raises(QuoteForbidden):
        quote_services.quote_set_status(
            quote=quote, user=member("customer", world.initech), status="accepted"
        )


def test_expired_quote_cannot_be_accepted_and_expiry_marks_it(world: World, seller: Any) -> None:
    """Past its date a quote is refused, and quote_expire_due marks it expired (once)."""
    quote = issued(world, seller)
    later = quote.valid_until + datetime.timedelta(days=1)
    at_later = datetime.datetime.combine(later, datetime.time(12), tzinfo=datetime.UTC)
    with pytest.raises(Conflict):
        quote_services.quote_set_status(quote=quote, user=seller, status="rejected", now=at_later)
    assert quote_services.quote_expire_due(today=quote.valid_until) == 0
    assert quote_services.quote_expire_due(today=later) == 1
    assert quote_services.quote_expire_due(today=later) == 0
    quote.refresh_from_db()
    assert quote.status == Quote.Status.EXPIRED


def test_expired_quote_can_be_revised_with_a_fresh_validity(world: World, seller: Any) -> None:
    """Revising a lapsed offer gives the new revision a new default validity."""
    quote = issued(world, seller, valid_until=timezone.localdate())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    quote_services.quote_expire_due(today=tomorrow)
    quote.refresh_from_db()
    at = datetime.datetime.combine(tomorrow, datetime.time(12), tzinfo=datetime.UTC)
    revised = quote_services.quote_revise(quote=quote, user=seller, now=at)
    assert revised.valid_until == tomorrow + datetime.timedelta(days=30)


def test_update_changes_drafts_only(world: World, seller: Any) -> None:
    """Drafts take changes; an issued quote answers Conflict."""
    quote = draft(world, seller)
    quote_services.quote_update(quote=quote, user=seller, terms="Net 14 days.")
    quote.refresh_from_db()
    assert quote.terms == "Net 14 days."
    quote_services.quote_issue(quote=quote, user=seller)
    with pytest.raises(Conflict):
        quote_services.quote_update(quote=quote, user=seller, terms="Changed.")


def test_past_validity_is_refused(world: World, seller: Any) -> None:
    """valid_until cannot lie in the past."""
    with pytest.raises(ValidationError):
        draft(world, seller, valid_until=timezone.localdate() - datetime.timedelta(days=1))
