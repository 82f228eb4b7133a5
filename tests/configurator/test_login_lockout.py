"""Login throttling (django-axes): repeated failures lock a user out per user and address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-2026"


@pytest.fixture
def user() -> Any:
    user = UserFactory(username="dana", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client, path: str, password: str, address: str = "10.1.1.1") -> Any:
    return client.post(path, {"username": "dana", "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_sixty_wrong_passwords_then_the_right_one_is_refused(
    user: Any, path: str, settings: Any
) -> None:
    """After the failure limit even the right password is refused, web sign-in and admin."""
    client = Client()
    for _ in range(60):
        sign_in(client, path, "wrong")
    response = sign_in(client, path, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(user: Any, settings: Any) -> None:
    """The same user from another address still signs in; below the limit nothing locks."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/accounts/login/", "wrong")
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 429
    other = Client()
    assert sign_in(other, "/accounts/login/", PASSWORD, address="10.2.2.2").status_code == 302


def test_a_few_failures_then_success_resets_the_count(user: Any, settings: Any) -> None:
    """Fewer failures than the limit, then the right password: signed in, count reset."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "wrong")
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "wrong")
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
