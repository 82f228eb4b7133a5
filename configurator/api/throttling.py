"""Throttles of the builds API: anonymous callers by address, sessions by user, tokens by token.

Every token gets its own bucket (scope `token`), so one integration cannot starve its
user's other tokens or their browser session, and revoking a token resets nothing else.
"""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from configurator.tenancy.permissions import token_of

__all__ = ["THROTTLES", "CurrentAnonRateThrottle", "SessionUserRateThrottle", "TokenRateThrottle"]


class TokenRateThrottle(SimpleRateThrottle):
    """Scope `token`: one bucket per API token, at the `token` rate (else the `user` rate)."""

    scope = "token"

    def get_rate(self) -> str | None:
        # Read the rates per request, not at import, so settings overrides take effect;
        # fall back to the user rate while settings name no dedicated token rate.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope) or rates.get("user")

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = token_of(request.auth)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class SessionUserRateThrottle(UserRateThrottle):
    """The `user` rate for session requests only; token requests count per token instead."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if token_of(request.auth) is not None:
            return None
        return super().get_cache_key(request, view)


class CurrentAnonRateThrottle(AnonRateThrottle):
    """The `anon` rate, read per request."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


# Throttle classes of every sites/builds/validate view.
THROTTLES: list[type[SimpleRateThrottle]] = [
    CurrentAnonRateThrottle,
    SessionUserRateThrottle,
    TokenRateThrottle,
]
