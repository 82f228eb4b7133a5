"""The quote PDF's appendix: modular against pre-integrated kits, facility only, for the same
IT, site and requirements; worked out once and kept with the document."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind
from configurator.configure import services as configure_services
from configurator.documents import services as document_services
from configurator.documents.kits import quote_kit_appendix
from configurator.documents.models import RenderedDocument
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from tests.configurator.documents.test_pdf import CONTACT, pdf_pages
from tests.factories import (
    BuildFactory,
    BuildLineFactory,
    ComponentFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def _kit(parts: dict[str, Any], price: str) -> Any:
    members = [
        {"manufacturer": parts[key].manufacturer.name, "sku": parts[key].sku, "quantity": n}
        for key, n in (("rack", 1), ("ups_big", 1), ("pdu", 2), ("cooling", 2))
    ]
    return ComponentFactory(
        kind=ComponentKind.BUNDLE,
        model_name="EdgePod 10",
        list_price=Decimal(price),
        spec={"members": members, "it_capacity_w": 8000, "cooling_capacity_w": 7000},
    )


@pytest.fixture
def seller(org: Any, user_with_role: Any) -> Any:
    """A sales engineer of the organisation that serves the customer."""
    return user_with_role("sales_engineer", org)


def _issued_quote(customer_org: Any, parts: dict[str, Any], seller: Any) -> Quote:
    build = BuildFactory(site=SiteFactory(organisation=customer_org))
    BuildLineFactory(build=build, component=parts["server"], quantity=2)
    configure_services.build_configure(build=build, user=seller)
    quote = quote_services.quote_create(build=build, user=seller, **CONTACT)
    return quote_services.quote_issue(quote=quote, user=seller)


def test_kit_appendix_compares_facility_only_for_the_same_requirements(
    customer_org: Any, parts: dict[str, Any], seller: Any
) -> None:
    """The optimal modular facility against the kit (with its add-ons), the saving in %, and
    where it comes from; the quoted build's facility beside them."""
    _kit(parts, "30000.00")
    quote = _issued_quote(customer_org, parts, seller)
    appendix = quote_kit_appendix(quote)
    assert appendix["status"] == "OPTIMAL"
    [kit] = appendix["kits"]
    assert kit["feasible"]
    assert kit["kit_price"] >= 30000
    assert appendix["modular_price"] < kit["kit_price"]
    expected = (kit["kit_price"] - appendix["modular_price"]) / kit["kit_price"] * 100
    assert kit["saving_pct"] == pytest.approx(expected, abs=0.05)
    assert any(note.startswith("right-sizing") for note in kit["notes"])
    assert {role["role"] for role in kit["by_role"]} >= {"rack", "UPS", "cooling"}
    assert appendix["quoted_facility_price"] > 0


def test_quote_pdf_prints_the_appendix_and_keeps_its_figures(
    customer_org: Any,
    parts: dict[str, Any],
    seller: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The rendered PDF ends with the appendix; its figures are kept with the document."""
    _kit(parts, "30000.00")
    quote = _issued_quote(customer_org, parts, seller)
    with django_capture_on_commit_callbacks(execute=True):
        document_services.quote_pdf_request(quote=quote)
    document = RenderedDocument.objects.get(quote=quote)
    assert document.status == RenderedDocument.Status.READY
    text = " ".join(pdf_pages(bytes(document.content)))
    assert "Appendix: modular against pre-integrated kits" in text
    assert "EdgePod 10" in text
    kept = document.source_json["kits"]
    assert kept["kits"][0]["name"].endswith("EdgePod 10")


def test_quote_without_kits_has_no_appendix(
    customer_org: Any, parts: dict[str, Any], seller: Any
) -> None:
    """No kit in the catalogue: no appendix, and no solver run."""
    quote = _issued_quote(customer_org, parts, seller)
    assert quote_kit_appendix(quote) == {}
