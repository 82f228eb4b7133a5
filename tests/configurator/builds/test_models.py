"""Site, Build and BuildLine: single-row validation, constraints and the partial policy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine, Site, validate_partial_policy
from tests.factories import (
    BuildFactory,
    BuildLineFactory,
    ComponentFactory,
    OrganisationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def test_site_defaults_mirror_the_engine_site() -> None:
    """A site with only a name carries the engine's defaults, field for field."""
    from rules.specs import Site as EngineSite

    site = Site(organisation=OrganisationFactory(), name="Depot")
    engine = EngineSite(**site.engine_values())
    assert engine == EngineSite(name="Depot")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("altitude_m", 6001),
        ("country", "de"),
        ("currency", "EURO"),
        ("ambient_min_c", 40),  # above ambient_max_c (27)
        ("supply_voltage_v", 0),
        ("room_volume_m3", -1),
    ],
)
def test_site_clean_refuses_what_the_engine_refuses(field: str, value: object) -> None:
    """clean() validates through rules.specs.Site and names the field."""
    site = SiteFactory.build(organisation=OrganisationFactory(), **{field: value})
    with pytest.raises(ValidationError) as excinfo:
        site.full_clean()
    assert field in excinfo.value.message_dict or "__all__" in excinfo.value.message_dict


def test_site_name_is_unique_per_organisation() -> None:
    """Two sites of one organisation cannot share a name; another organisation may."""
    site = SiteFactory(name="Lyon")
    SiteFactory(name="Lyon")  # another organisation
    with transaction.atomic(), pytest.raises(IntegrityError):
        SiteFactory(name="Lyon", organisation=site.organisation)


def test_build_defaults_to_draft_at_revision_1() -> None:
    """A new build is a draft at revision 1 with an empty override."""
    build = BuildFactory()
    assert (build.status, build.revision, build.policy_override) == (Build.Status.DRAFT, 1, {})


def test_partial_policy_unknown_key_is_refused_by_name() -> None:
    """An unknown policy key is refused naming the key."""
    with pytest.raises(ValidationError) as excinfo:
        validate_partial_policy({"utilisation_limit": 0.7, "utilisation_lmit": 0.5})
    assert excinfo.value.message_dict == {
        "policy_override.utilisation_lmit": ["Unknown policy key 'utilisation_lmit'."]
    }


def test_partial_policy_bad_value_is_refused_and_good_one_normalised() -> None:
    """Values are validated by rules.specs.Policy; only the given keys are stored."""
    with pytest.raises(ValidationError) as excinfo:
        validate_partial_policy({"utilisation_limit": 1.5})
    assert "policy_override.utilisation_limit" in excinfo.value.message_dict
    assert validate_partial_policy({"ups_redundancy": "N+1"}) == {"ups_redundancy": "N+1"}


def test_build_clean_validates_the_override() -> None:
    """Build.clean() refuses a bad override."""
    build = BuildFactory.build(site=SiteFactory(), policy_override={"nope": 1})
    with pytest.raises(ValidationError):
        build.full_clean()


def test_line_position_must_be_a_half_u_multiple_with_a_rack() -> None:
    """clean(): a position needs a rack and is a multiple of 0.5 U."""
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    line = BuildLine(build=build, component=ComponentFactory(), position_u=Decimal("3.3"))
    with pytest.raises(ValidationError) as excinfo:
        line.clean()
    assert "position_u" in excinfo.value.message_dict
    line.rack = rack
    line.position_u = Decimal("3.5")
    line.clean()


def test_line_constraints_back_up_the_services() -> None:
    """The database refuses a quantity of 0 and a position without a rack."""
    line = BuildLineFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        BuildLine.objects.filter(pk=line.pk).update(quantity=0)
    with transaction.atomic(), pytest.raises(IntegrityError):
        BuildLine.objects.filter(pk=line.pk).update(position_u=Decimal(5))


def test_deleting_a_build_deletes_its_interlinked_lines() -> None:
    """Lines referencing each other never block deleting their build."""
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    pdu = BuildLineFactory(
        build=build, component=ComponentFactory(kind=ComponentKind.PDU), rack=rack
    )
    BuildLineFactory(build=build, rack=rack, position_u=Decimal(1), feed_a=pdu)
    build.delete()
    assert not BuildLine.objects.exists()


def test_line_ref_is_L_and_pk() -> None:
    """A line's engine id is L<pk>."""
    line = BuildLineFactory()
    assert line.ref == f"L{line.pk}"
