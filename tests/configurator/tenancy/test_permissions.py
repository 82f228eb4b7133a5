"""Who may act on which organisation, see costs, and write the catalogue."""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from catalog.api.permissions import IsCatalogueManagerOrReadOnly
from configurator.tenancy.models import ApiToken, Membership
from configurator.tenancy.permissions import (
    can_edit_catalogue,
    can_see_cost,
    organisation_visible,
    organisations_visible_to,
    roles_around,
    user_role,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("role", "member_of", "expected"),
    [
        (Role.ADMIN, "acme", {"acme", "contoso"}),
        (Role.SALES_ENGINEER, "acme", {"acme", "contoso"}),
        (Role.CATALOGUE_MANAGER, "acme", {"acme"}),
        (Role.INTEGRATOR, "acme", {"acme"}),
        (Role.CUSTOMER, "contoso", {"contoso"}),
        (Role.ADMIN, "contoso", {"contoso"}),
    ],
)
def test_organisations_visible_to_each_role(
    org, customer_org, other_org, user_with_role, role, member_of, expected
) -> None:
    """Serving roles reach the customers their organisation serves; others only their own."""
    user = user_with_role(role, org if member_of == "acme" else customer_org)
    assert slugs(organisations_visible_to(user, None)) == expected


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("member_of", ["acme", "contoso"])
def test_organisation_visible_agrees_with_organisations_visible_to(
    org, customer_org, other_org, user_with_role, role, member_of
) -> None:
    """The one-object check (the editor's) answers as the queryset, for every organisation,
    with the roles read by it or given; and the cost and role answers agree too."""
    user = user_with_role(role, org if member_of == "acme" else customer_org)
    visible = slugs(organisations_visible_to(user, None))
    for organisation in (org, customer_org, other_org):
        roles = roles_around(user, organisation)
        assert organisation_visible(user, None, organisation) == (organisation.slug in visible)
        assert organisation_visible(user, None, organisation, roles=roles) == (
            organisation.slug in visible
        )
        assert user_role(user, organisation, roles=roles) == user_role(user, organisation)
        assert can_see_cost(user, None, organisation, roles=roles) == can_see_cost(
            user, None, organisation
        )


def test_organisations_visible_to_superuser_is_everything(org, customer_org, other_org):
    """A superuser session acts on every organisation."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert slugs(organisations_visible_to(admin)) == {"acme", "contoso", "globex", "initech"}


def test_organisations_visible_to_anonymous_is_nothing(org) -> None:
    """An anonymous request acts on no organisation."""
    from django.contrib.auth.models import AnonymousUser

    assert not organisations_visible_to(AnonymousUser()).exists()


def test_organisations_visible_to_token_is_its_organisation_only(
    org, customer_org, user_with_role
) -> None:
    """A token narrows even a sales engineer to the token's one organisation."""
    user = user_with_role(Role.SALES_ENGINEER, org)
    token, _ = ApiToken.objects.issue(user=user, organisation=org, name="t")
    assert slugs(organisations_visible_to(user, token)) == {"acme"}


def test_organisations_visible_to_several_memberships_add_up(
    org, customer_org, other_org, user_with_role
) -> None:
    """A user in two organisations acts on both."""
    user = user_with_role(Role.CUSTOMER, customer_org)
    Membership.objects.create(user=user, organisation=other_org, role=Role.CATALOGUE_MANAGER)
    assert slugs(organisations_visible_to(user)) == {"contoso", "globex"}


def test_user_role_direct_served_and_none(org, customer_org, other_org, user_with_role):
    """Direct membership wins; serving roles carry to served organisations; else None."""
    sales = user_with_role(Role.SALES_ENGINEER, org)
    catalogue = user_with_role(Role.CATALOGUE_MANAGER, org)
    assert user_role(sales, org) == Role.SALES_ENGINEER
    assert user_role(sales, customer_org) == Role.SALES_ENGINEER
    assert user_role(sales, other_org) is None
    assert user_role(catalogue, customer_org) is None
    assert user_role(UserFactory(is_superuser=True), other_org) == Role.ADMIN


@pytest.mark.parametrize(
    ("role", "sees_cost", "edits_catalogue"),
    [
        (Role.ADMIN, True, True),
        (Role.CATALOGUE_MANAGER, True, True),
        (Role.SALES_ENGINEER, True, False),
        (Role.CUSTOMER, False, False),
        (Role.INTEGRATOR, False, False),
    ],
)
def test_cost_and_catalogue_rights_per_role(
    org, user_with_role, role, sees_cost, edits_catalogue
) -> None:
    """Costs are for the seller side only; the catalogue is written by its managers."""
    user = user_with_role(role, org)
    assert can_see_cost(user) is sees_cost
    assert can_edit_catalogue(user) is edits_catalogue


def test_customer_who_is_also_admin_sees_cost(org, customer_org, user_with_role) -> None:
    """A privileged membership elsewhere grants cost visibility to a session."""
    user = user_with_role(Role.CUSTOMER, customer_org)
    Membership.objects.create(user=user, organisation=org, role=Role.ADMIN)
    assert can_see_cost(user) is True


def test_token_rights_come_from_the_token_organisation(org, other_org, user_with_role):
    """Through a token, only the role in the token's organisation counts."""
    user = user_with_role(Role.INTEGRATOR, org)
    Membership.objects.create(user=user, organisation=other_org, role=Role.ADMIN)
    token, _ = ApiToken.objects.issue(user=user, organisation=org, name="t")
    assert can_see_cost(user) is True
    assert can_see_cost(user, token) is False
    assert can_edit_catalogue(user, token) is False


@pytest.mark.parametrize(
    ("role", "method", "allowed"),
    [
        (Role.CUSTOMER, "get", True),
        (Role.CUSTOMER, "post", False),
        (Role.INTEGRATOR, "delete", False),
        (Role.SALES_ENGINEER, "patch", False),
        # The shared library is written by platform staff only (issue 11.5).
        (Role.CATALOGUE_MANAGER, "post", False),
        (Role.ADMIN, "put", False),
        (None, "get", False),
    ],
)
def test_is_catalogue_manager_or_read_only(org, user_with_role, role, method, allowed) -> None:
    """Any authenticated user reads the shared library; only platform staff write it."""
    from django.contrib.auth.models import AnonymousUser

    request = getattr(APIRequestFactory(), method)("/api/v1/components/")
    request.user = user_with_role(role, org) if role else AnonymousUser()
    request.auth = None
    assert IsCatalogueManagerOrReadOnly().has_permission(request, view=None) is allowed


def test_organisations_endpoint_lists_only_visible(
    api_client, org, customer_org, other_org, user_with_role, django_assert_max_num_queries
):
    """The list is scoped, ordered and costs a bounded number of queries."""
    api_client.force_login(user_with_role(Role.SALES_ENGINEER, org))
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/organisations/")
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()["results"]] == ["acme", "contoso"]
    assert response.json()["results"][1]["served_by"] == "acme"


def test_organisations_endpoint_other_organisation_is_404(
    api_client, org, other_org, user_with_role
) -> None:
    """Another organisation's object answers 404, not 403: its existence is not disclosed."""
    api_client.force_login(user_with_role(Role.CUSTOMER, org))
    response = api_client.get(f"/api/v1/organisations/{other_org.slug}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get(f"/api/v1/organisations/{org.slug}/").status_code == 200
