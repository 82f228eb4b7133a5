"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from configurator.builds.selectors import component_specs_forget
from configurator.tenancy.models import ApiToken, Membership, Organisation
from tests.factories import (
    CustomerOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `integration` tests unless a real Redis (and so a worker) is configured."""
    if os.environ.get("REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="integration test: needs REDIS_URL (run by .ci/run)")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Start each test with empty caches, so throttle counters and the components the
    snapshots know never leak between tests."""
    cache.clear()
    component_specs_forget()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous DRF test client; use `force_authenticate` or `credentials` on it."""
    return APIClient()


@pytest.fixture
def org(db: None) -> Organisation:
    """A seller organisation (the sales team's)."""
    return OrganisationFactory(name="Acme Integrations", slug="acme")


@pytest.fixture
def customer_org(org: Organisation) -> Organisation:
    """A customer organisation served by `org`."""
    return CustomerOrganisationFactory(name="Contoso Shops", slug="contoso", served_by=org)


@pytest.fixture
def other_org(db: None) -> Organisation:
    """An unrelated seller organisation with a customer of its own: never visible to `org`."""
    other = OrganisationFactory(name="Globex Systems", slug="globex")
    CustomerOrganisationFactory(name="Initech", slug="initech", served_by=other)
    return other


@pytest.fixture
def user_with_role(db: None) -> Callable[..., Any]:
    """Factory: `user_with_role(role, org, **user_fields)` -> a user with that membership."""

    def make(role: str, organisation: Organisation, **user_fields: Any) -> Any:
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, organisation=organisation, role=Membership.Role(role))
        return user

    return make


@pytest.fixture
def api_token(db: None) -> Callable[..., str]:
    """Factory: `api_token(user, org, name="test")` -> the clear key of a new token."""

    def make(user: Any, organisation: Organisation, name: str = "test") -> str:
        _, key = ApiToken.objects.issue(user=user, organisation=organisation, name=name)
        return key

    return make
