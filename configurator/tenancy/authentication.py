"""`Authorization: Token <key>` authentication against hashed, organisation-scoped tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from configurator.tenancy.models import ApiToken, Membership

# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell a live integration from a dead one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate an API token; `request.auth` is the `ApiToken`, carrying its organisation."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: expected 'Token <key>'.", code="invalid_token"
            )
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: the key must be ASCII.", code="invalid_token"
            ) from exc
        return self.authenticate_key(key)

    def authenticate_key(self, key: str) -> tuple[Any, ApiToken]:
        """Resolve a clear key to (user, token), or fail with 401."""
        is_member = Membership.objects.filter(
            user=OuterRef("user_id"), organisation=OuterRef("organisation_id")
        )
        token = (
            ApiToken.objects.select_related("user", "organisation")
            .annotate(user_is_member=Exists(is_member))
            .filter(key_hash=ApiToken.hash_key(key))
            .first()
        )
        # One message for every failure: a caller must not learn which tokens exist.
        if (
            token is None
            or token.is_revoked
            or not token.user.is_active
            or not getattr(token, "user_is_member", False)
        ):
            raise exceptions.AuthenticationFailed("Invalid or revoked token.", code="invalid_token")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describe the token scheme in the OpenAPI document."""

    target_class = "configurator.tenancy.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create keys with `manage.py create_api_token`.",
        }
