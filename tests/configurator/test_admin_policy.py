"""The admin refuses out-of-range policies (organisation defaults, build overrides)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api import make_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_refuses_an_organisation_policy_out_of_range() -> None:
    """A policy of "Infinity" minutes is refused with its key and range; nothing is stored."""
    world = make_world()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    organisation = world.contoso
    response = client.post(
        f"/admin/configurator/organisation/{organisation.pk}/change/",
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "kind": organisation.kind,
            "served_by": organisation.served_by_id,
            "policy": json.dumps({"required_runtime_min": "Infinity"}),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "policy.required_runtime_min: Must be from 0 to 1440." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.policy == {}
