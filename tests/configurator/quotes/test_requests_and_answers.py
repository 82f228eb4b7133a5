"""Quote requests, answers recorded with who and when, and the buying organisation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from configurator.errors import Conflict
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote, QuoteRequest
from configurator.quotes.selectors import quote_list, quote_requests_to_answer
from configurator.quotes.validation import QuoteForbidden
from tests.api import World, add_line, make_world, member
from tests.factories import BuildFactory, SiteFactory

pytestmark = pytest.mark.django_db

CONTACT = {"customer_name": "Dana Smith", "customer_email": "dana@contoso.example"}


@pytest.fixture
def world(db: None) -> World:
    """Contoso's build served by acme."""
    return make_world()


@pytest.fixture
def seller(world: World) -> Any:
    return member("sales_engineer", world.acme)


def issued(world: World, user: Any, **fields: Any) -> Quote:
    draft = quote_services.quote_create(build=world.build, user=user, **{**CONTACT, **fields})
    return quote_services.quote_issue(quote=draft, user=user)


def sellers_own_build(world: World) -> Any:
    """A build on a site of acme itself (the seller), with a rack, a UPS and a server."""
    build = BuildFactory(site=SiteFactory(organisation=world.acme, name="Acme demo room"))
    rack = add_line(build, world.components["rack"])
    ups = add_line(build, world.components["ups"], rack=rack, position_u=1)
    add_line(build, world.components["server"], rack=rack, position_u=3, feed_a=ups)
    return build


# --------------------------------------------------------------------------- requests


def test_customer_requests_a_quote_and_the_sellers_first_quote_answers_it(
    world: World, seller: Any
) -> None:
    """The request waits on the seller's list; creating a quote links it and takes the
    requester as the contact."""
    customer = member("customer", world.contoso)
    customer.first_name, customer.last_name, customer.email = "Dana", "Smith", "dana@c.example"
    customer.save()
    request = quote_services.quote_request_create(
        build=world.build, user=customer, message="  Before June, please. "
    )
    assert request.status == QuoteRequest.Status.OPEN
    assert request.message == "Before June, please."
    assert list(quote_requests_to_answer(user=seller)) == [request]
    assert list(quote_requests_to_answer(user=customer)) == []

    quote = quote_services.quote_create(build=world.build, user=seller)
    request.refresh_from_db()
    assert request.status == QuoteRequest.Status.QUOTED
    assert request.quote == quote
    assert request.quoted_at is not None
    assert (quote.customer_name, quote.customer_email) == ("Dana Smith", "dana@c.example")
    assert list(quote_requests_to_answer(user=seller)) == []


def test_one_open_request_per_build(world: World) -> None:
    """A second request of the same build is a conflict until the first is quoted."""
    customer = member("customer", world.contoso)
    quote_services.quote_request_create(build=world.build, user=customer)
    with pytest.raises(Conflict) as caught:
        quote_services.quote_request_create(build=world.build, user=customer)
    assert caught.value.code == "quote_request_open"
    assert QuoteRequest.objects.count() == 1


@pytest.mark.parametrize("role", ["sales_engineer", "admin", "catalogue_manager"])
def test_sellers_do_not_request_quotes(world: World, role: str) -> None:
    """The seller's people quote directly; a request from them is refused and nothing stored."""
    with pytest.raises(QuoteForbidden):
        quote_services.quote_request_create(build=world.build, user=member(role, world.acme))
    assert not QuoteRequest.objects.exists()


def test_request_of_an_organisation_nobody_serves_is_refused(world: World) -> None:
    """Without a seller nobody could answer: the customer is told so."""
    world.contoso.served_by = None
    world.contoso.save()
    with pytest.raises(Conflict) as caught:
        quote_services.quote_request_create(
            build=world.build, user=member("customer", world.contoso)
        )
    assert caught.value.code == "no_seller"


def test_request_message_is_bounded(world: World) -> None:
    """An over-long message names the field."""
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_request_create(
            build=world.build, user=member("customer", world.contoso), message="x" * 2001
        )
    assert "message" in caught.value.message_dict


# --------------------------------------------------------------------------- answers


def test_acceptance_records_who_when_and_note(world: World, seller: Any) -> None:
    """Who answered, when, and what they said are kept with the status."""
    quote = issued(world, seller)
    customer = member("customer", world.contoso)
    when = timezone.now()
    answered = quote_services.quote_set_status(
        quote=quote, user=customer, status=Quote.Status.ACCEPTED, note=" Go ahead. ", now=when
    )
    answered.refresh_from_db()
    assert answered.status == Quote.Status.ACCEPTED
    assert answered.answered_by == customer
    assert answered.answered_at == when
    assert answered.answer_note == "Go ahead."


def test_decline_records_the_reason_and_can_be_revised(world: World, seller: Any) -> None:
    """A declined quote keeps the customer's reason; the seller may revise it."""
    quote = issued(world, seller)
    customer = member("customer", world.contoso)
    quote_services.quote_set_status(
        quote=quote, user=customer, status=Quote.Status.REJECTED, note="Over budget."
    )
    quote.refresh_from_db()
    assert (quote.status, quote.answer_note, quote.answered_by) == (
        Quote.Status.REJECTED,
        "Over budget.",
        customer,
    )
    revised = quote_services.quote_revise(quote=quote, user=seller, discount_pct="5")
    assert revised.revision == 2
    assert revised.answered_at is None


def test_answer_note_is_bounded_and_nothing_changes(world: World, seller: Any) -> None:
    """A note over 2000 characters is refused naming the field; the quote stays issued."""
    quote = issued(world, seller)
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_set_status(
            quote=quote,
            user=member("customer", world.contoso),
            status=Quote.Status.ACCEPTED,
            note="x" * 2001,
        )
    assert "note" in caught.value.message_dict
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ISSUED
    assert quote.answered_at is None


# --------------------------------------------------------------------------- the buyer


def test_sellers_own_build_needs_a_named_customer_before_issue(world: World, seller: Any) -> None:
    """A quote of a build on the seller's own site would be addressed to the seller itself."""
    build = sellers_own_build(world)
    draft = quote_services.quote_create(build=build, user=seller, **CONTACT)
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_issue(quote=draft, user=seller)
    assert "customer_organisation" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Quote.Status.DRAFT

    draft = quote_services.quote_update(quote=draft, user=seller, customer_organisation="contoso")
    quote = quote_services.quote_issue(quote=draft, user=seller)
    assert quote.buyer == world.contoso
    assert quote.parties_json["customer_organisation"] == "Contoso Shops"
    assert quote.parties_json["seller"] == "Acme Integrations"


def test_named_customer_sees_and_answers_the_sellers_quote(world: World, seller: Any) -> None:
    """The buying organisation's members list the issued quote and may accept it."""
    build = sellers_own_build(world)
    draft = quote_services.quote_create(
        build=build, user=seller, customer_organisation=world.contoso, **CONTACT
    )
    customer = member("customer", world.contoso)
    assert draft not in quote_list(user=customer)  # a draft stays the seller's
    quote = quote_services.quote_issue(quote=draft, user=seller)
    assert quote in quote_list(user=customer)
    assert quote not in quote_list(user=member("customer", world.initech))
    quote_services.quote_set_status(quote=quote, user=customer, status=Quote.Status.ACCEPTED)


@pytest.mark.parametrize("slug", ["initech", "globex", "nobody"])
def test_customer_organisation_must_be_served_by_the_seller(
    world: World, seller: Any, slug: str
) -> None:
    """Another seller's customer, another seller, or an unknown slug: refused by name."""
    build = sellers_own_build(world)
    with pytest.raises(ValidationError) as caught:
        quote_services.quote_create(build=build, user=seller, customer_organisation=slug)
    assert "customer_organisation" in caught.value.message_dict


def test_a_customers_build_is_never_quoted_to_another_customer(world: World, seller: Any) -> None:
    """Contoso's build named for another acme customer would show it contoso's build."""
    other = world.contoso.__class__.objects.create(
        name="Fabrikam", slug="fabrikam", kind="customer", served_by=world.acme
    )
    with pytest.raises(ValidationError):
        quote_services.quote_create(build=world.build, user=seller, customer_organisation=other)
    same = quote_services.quote_create(
        build=world.build, user=seller, customer_organisation="contoso"
    )
    assert same.customer_organisation is None
    assert same.buyer == world.contoso


def test_revision_keeps_the_named_customer(world: World, seller: Any) -> None:
    """The buying organisation carries over to the next revision."""
    build = sellers_own_build(world)
    draft = quote_services.quote_create(
        build=build, user=seller, customer_organisation="contoso", **CONTACT
    )
    quote = quote_services.quote_issue(quote=draft, user=seller)
    revised = quote_services.quote_revise(
        quote=quote, user=seller, valid_until=timezone.localdate() + datetime.timedelta(days=9)
    )
    assert revised.customer_organisation == world.contoso
