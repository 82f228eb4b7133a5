"""`Authorization: Token <key>` authentication and the create_api_token command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from configurator.tenancy.models import ApiToken, Membership

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_token_valid_authenticates_and_scopes_to_its_organisation(
    api_client, org, customer_org, user_with_role, api_token
) -> None:
    """A valid token logs its user in; request.auth carries the token's organisation."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, org, 'erp')}")
    response = api_client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["token"]["name"] == "erp"
    assert body["token"]["organisation"] == org.slug
    assert body["organisations"] == [org.slug]
    assert body["can_see_cost"] is False


def test_token_records_last_use(api_client, org, user_with_role, api_token) -> None:
    """Using a token stamps last_used_at, so dead integrations can be found."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, org)}")
    api_client.get(ME)
    assert ApiToken.objects.get().last_used_at is not None


def test_token_stored_hashed_never_in_clear(org, user_with_role, api_token) -> None:
    """Only the sha256 and a short prefix of the key reach the database."""
    key = api_token(user_with_role(Membership.Role.INTEGRATOR, org), org)
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(key)
    assert key.startswith(token.prefix)
    assert len(token.prefix) < len(key) // 3
    assert key not in {token.key_hash, token.prefix, token.name}


def _assert_invalid_token(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "code": "invalid_token",
        "message": "Invalid or revoked token.",
        "details": None,
    }


def test_token_revoked_is_refused(api_client, org, user_with_role, api_token) -> None:
    """A revoked token answers 401 with the envelope."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    key = api_token(user, org)
    ApiToken.objects.get().revoke()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    _assert_invalid_token(api_client.get(ME))


def test_token_wrong_key_is_refused(api_client, org, user_with_role, api_token) -> None:
    """An unknown key answers 401 with the envelope."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    key = api_token(user, org)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key[:-1]}X")
    _assert_invalid_token(api_client.get(ME))


def test_token_of_inactive_user_is_refused(api_client, org, user_with_role, api_token) -> None:
    """Deactivating a user disables its tokens."""
    user = user_with_role(Membership.Role.INTEGRATOR, org, is_active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, org)}")
    _assert_invalid_token(api_client.get(ME))


def test_token_without_membership_is_refused(api_client, org, user_with_role, api_token) -> None:
    """Removing the user from the organisation disables tokens scoped to it."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    key = api_token(user, org)
    Membership.objects.filter(user=user).delete()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    _assert_invalid_token(api_client.get(ME))


def test_token_malformed_header_is_refused(api_client) -> None:
    """'Token' with no key, or with spaces in it, is a 401, not a crash."""
    api_client.credentials(HTTP_AUTHORIZATION="Token")
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_anonymous_request_is_401_with_envelope(api_client) -> None:
    """No credentials at all: 401 and a Token challenge."""
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_session_authentication_still_works(api_client, org, user_with_role) -> None:
    """Web users reach the API with their session; request.auth is then None."""
    user = user_with_role(Membership.Role.SALES_ENGINEER, org)
    api_client.force_login(user)
    response = api_client.get(ME)
    assert response.status_code == 200
    assert response.json()["token"] is None
    assert response.json()["can_see_cost"] is True


def test_create_api_token_prints_a_working_key(org, user_with_role, api_client) -> None:
    """The command prints the key once; the key authenticates."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    out = StringIO()
    call_command(
        "create_api_token", user=user.username, organisation=org.slug, name="ci", stdout=out
    )
    key = next(line for line in out.getvalue().splitlines() if line.startswith("mdc_"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(ME).status_code == 200


def test_create_api_token_refuses_non_members(org, other_org, user_with_role) -> None:
    """A token cannot reach an organisation its user does not belong to."""
    user = user_with_role(Membership.Role.INTEGRATOR, org)
    with pytest.raises(CommandError, match="not a member"):
        call_command("create_api_token", user=user.username, organisation=other_org.slug, name="x")
    assert not ApiToken.objects.exists()
