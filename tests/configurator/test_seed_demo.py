"""seed_demo creates the demo tenancy once and leaves it alone afterwards."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from configurator.management.commands.seed_demo import demo_password
from configurator.tenancy.models import ApiToken, Membership, Organisation
from configurator.tenancy.permissions import organisations_visible_to

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_user_per_role() -> None:
    """Two organisations, five users with their roles, passwords printed, a working token."""
    output = seed()
    demo = Organisation.objects.get(slug="demo")
    northwind = Organisation.objects.get(slug="northwind")
    assert demo.name == "Demo Integrations Ltd"
    assert northwind.served_by == demo
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "admin": "admin",
        "catalogue": "catalogue_manager",
        "sales": "sales_engineer",
        "customer": "customer",
        "integrator": "integrator",
    }
    for username in roles:
        assert demo_password(username) in output
        assert authenticate(username=username, password=demo_password(username)) is not None
    assert get_user_model().objects.get(username="admin").is_superuser
    assert ApiToken.objects.filter(user__username="integrator", organisation=demo).count() == 1
    customer = get_user_model().objects.get(username="customer")
    assert set(organisations_visible_to(customer).values_list("slug", flat=True)) == {"northwind"}


def test_seed_demo_twice_changes_nothing() -> None:
    """A second run creates nothing, prints no secret and says the users exist."""
    seed()
    counts = (
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
    )
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    output = seed()
    assert counts == (
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
    )
    assert passwords == dict(get_user_model().objects.values_list("username", "password"))
    assert "exists (unchanged)" in output
    assert "password:" not in output
    assert "mdc_" not in output


def test_seed_demo_token_authenticates(api_client) -> None:
    """The printed integrator token opens the API, scoped to the demo organisation."""
    output = seed()
    key = next(word for word in output.split() if word.startswith("mdc_"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["organisations"] == ["demo"]
