"""Catalogue changes: recorded on save when builds use the part, judged before and after."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import Lifecycle
from configurator.builds.models import Build
from configurator.fleet.models import CatalogueChange, FleetValidation
from configurator.fleet.selectors import affected_builds, change_impact
from configurator.fleet.services import standards
from configurator.fleet.services.validations import fleet_validation_start
from configurator.quotes import services as quote_services
from tests.api import member
from tests.configurator.fleet.conftest import Fleet, make_fleet
from tests.factories import ComponentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def validated(db: None, django_capture_on_commit_callbacks: Callable[..., Any]) -> Fleet:
    """Ten sites rolled out from the reference (the last underpowered), all validated."""
    fleet = make_fleet(site_count=10)
    standard = standards.standard_create(build=fleet.reference, name="Store rack", user=None)
    builds = standards.standard_apply(standard=standard, sites=fleet.sites, user=None)
    with django_capture_on_commit_callbacks(execute=True):
        fleet_validation_start(
            organisation=fleet.contoso, builds=Build.objects.filter(pk__in=[b.pk for b in builds])
        )
    return fleet


def superuser() -> Any:
    return UserFactory(is_superuser=True, is_staff=True)


def test_spec_change_is_judged_before_and_after(
    validated: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Shrinking the UPS makes the fleet fail: the change is recorded, a job re-validates the
    builds that use the part, and the impact says how many fail, how many newly, and why."""
    ups = validated.parts["ups"]
    with django_capture_on_commit_callbacks(execute=True):
        ups.spec = {**ups.spec, "kw": 0.3, "kva": 0.4}
        ups.full_clean()
        ups.save()
    change = CatalogueChange.objects.get(component=ups)
    assert set(change.changes) == {"spec"}
    assert change.before["spec"]["kw"] == 2.7
    job = FleetValidation.objects.get(change=change)
    assert (job.reason, job.status, job.total) == ("catalogue_change", "done", 11)
    impact = change_impact(change=change, user=superuser())
    assert impact["affected_builds"] == 11  # ten sites and the reference build
    assert impact["failing"] == 11
    assert impact["newly_failing"] == 10  # the underpowered site failed already
    codes = {f["code"] for f in impact["new_findings"]}
    assert any(code.startswith("power.") for code in codes), codes
    assert all(f["builds"] >= 1 and f["example"] for f in impact["new_findings"])


def test_unchanged_save_and_unused_part_record_nothing(validated: Fleet) -> None:
    """Saving the same figures, or changing a part no build uses, is no catalogue change."""
    server = validated.parts["server"]
    server.save()
    unused = ComponentFactory()
    unused.list_price = Decimal("1.00")
    unused.save()
    assert not CatalogueChange.objects.exists()


def test_price_change_shows_on_drafts_and_issued_quotes(
    validated: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """A draft sees the price delta times its units; an issued quote would differ on revision."""
    sales = member("sales_engineer", validated.acme)
    builds = list(Build.objects.filter(standard_link__isnull=False).order_by("pk"))
    draft = quote_services.quote_create(build=builds[0], user=sales)
    issued = quote_services.quote_issue(
        quote=quote_services.quote_create(
            build=builds[1], user=sales, customer_name="Dana", customer_email="dana@example.test"
        ),
        user=sales,
    )
    server = validated.parts["server"]
    with django_capture_on_commit_callbacks(execute=True):
        server.list_price = Decimal("4500.00")
        server.save()
    change = CatalogueChange.objects.get(component=server)
    assert change.changes == {"list_price": ["4000.00", "4500.00"]}
    impact = change_impact(change=change, user=superuser())
    (draft_row,) = impact["draft_quotes"]
    assert draft_row["quote"] == draft
    assert (draft_row["units"], draft_row["change"]) == (2, Decimal("1000.00"))
    (issued_row,) = impact["issued_quotes"]
    assert issued_row["quote"] == issued
    assert "unit price 4000.00" in issued_row["reasons"][0]
    assert impact["failing"] == 1  # a price does not change engineering verdicts


def test_affected_builds_are_scoped_to_the_caller(validated: Fleet) -> None:
    """Another organisation's sales engineer sees none of contoso's builds."""
    outsider = member("sales_engineer", OrganisationFactory(name="Globex", slug="globex"))
    server = validated.parts["server"]
    assert affected_builds(component=server, user=superuser()).count() == 11
    assert affected_builds(component=server, user=outsider).count() == 0
    insider = member("sales_engineer", validated.acme)
    assert affected_builds(component=server, user=insider).count() == 11


def test_end_of_life_is_recorded_and_named_on_issued_quotes(
    validated: Fleet, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """A part going end of life while builds use it is a catalogue change: the impact says so,
    and an issued quote that lists it would change on revision for that reason, while the
    engineering verdicts stay as they were (a lifecycle is no physics)."""
    sales = member("sales_engineer", validated.acme)
    build = Build.objects.filter(standard_link__isnull=False).order_by("pk").first()
    assert build is not None
    issued = quote_services.quote_issue(
        quote=quote_services.quote_create(
            build=build, user=sales, customer_name="Dana", customer_email="dana@example.test"
        ),
        user=sales,
    )
    server = validated.parts["server"]
    with django_capture_on_commit_callbacks(execute=True):
        server.lifecycle = Lifecycle.END_OF_LIFE
        server.save()
    change = CatalogueChange.objects.get(component=server)
    assert change.changes == {"lifecycle": ["active", "end_of_life"]}
    impact = change_impact(change=change, user=superuser())
    assert impact["end_of_life"] is True
    assert impact["affected_builds"] == 11
    (issued_row,) = impact["issued_quotes"]
    assert issued_row["quote"] == issued
    assert issued_row["reasons"] == ["the part is now end of life"]
    assert impact["failing"] == 1  # only the underpowered site, as before
