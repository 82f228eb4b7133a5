"""Throttles of the builds API: anonymous callers by address, sessions by user, tokens by token.

Every token gets its own bucket (scope `token`), so one integration cannot starve its
user's other tokens or their browser session, and revoking a token resets nothing else.

The counting is DRF's sliding window (the requests let through in the last period), made
atomic: on Redis one Lua script trims, counts and records in a single step, so two server
workers cannot both let the last request through; on the in-process cache a lock does the
same. When the cache cannot be reached the throttles let requests through and log it: an
outage of Redis must not take the API down with it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache as default_cache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from configurator.tenancy.permissions import token_of

__all__ = [
    "THROTTLES",
    "AtomicRateMixin",
    "CurrentAnonRateThrottle",
    "SessionUserRateThrottle",
    "TokenRateThrottle",
]

logger = logging.getLogger(__name__)

# Trim the window, count, and record this request only when it is let through: one step.
# Returns {allowed (1/0), count after the call, score of the oldest request in the window}.
SLIDING_WINDOW_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return {1, count + 1, tostring(now), tostring(now)}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, oldest[2], tostring(now)}
"""

_local_lock = threading.Lock()


if TYPE_CHECKING:
    _Throttle = SimpleRateThrottle  # what the mixin is mixed into, to mypy only
else:
    _Throttle = object


class AtomicRateMixin(_Throttle):
    """DRF's sliding-window throttle, counted atomically, degrading open on cache errors."""

    cache = default_cache
    timer: Callable[[], float] = time.time
    num_requests: int | None
    duration: int | None
    rate: str | None
    key: str | None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history: list[float] = []
        self.now = self.timer()
        try:
            allowed = self._hit(self.key, self.num_requests, self.duration)
        except Exception:
            # Degrade open: the API keeps serving while the cache is down, and says so.
            logger.warning("Throttle %s not applied: cache unreachable", self.key, exc_info=True)
            return True
        return allowed

    def _hit(self, key: str, limit: int, window: int) -> bool:
        client = _redis_client(self.cache, key)
        if client is not None:
            member = f"{time.time_ns()}-{secrets.token_hex(4)}"
            allowed, count, oldest, now = client.eval(
                SLIDING_WINDOW_LUA, 1, self.cache.make_and_validate_key(key), window, limit, member
            )
            self.now = float(now)
            # `wait` reads the history: the oldest request in the window, `count` long.
            self.history = [float(oldest)] * int(count)
            return bool(allowed)
        with _local_lock:
            history = [t for t in self.cache.get(key, []) if t > self.now - window]
            self.history = history
            if len(history) >= limit:
                return False
            history.insert(0, self.now)
            self.cache.set(key, history, window)
            return True

    def wait(self) -> float | None:
        if not self.history or self.duration is None or self.num_requests is None:
            return self.duration
        remaining = self.duration - (self.now - self.history[-1])
        available = self.num_requests - len(self.history) + 1
        if available <= 0:
            return None
        return max(remaining, 0.001) / float(available)


def _rate(scope: str | None) -> str | None:
    """The scope's rate ("100/min"), read per request, not at import, so settings overrides
    take effect."""
    if scope is None:
        return None
    # The stubs type the rates as numbers; DRF's settings hold strings such as "100/min".
    rates = cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)
    return rates.get(scope)


def _redis_client(cache: Any, key: str) -> Any:
    """The raw redis-py client behind Django's RedisCache, or None for other backends."""
    # `cache` may be Django's proxy of the default cache: look at the client behind it.
    backend = getattr(cache, "_cache", None)
    if backend is None or type(backend).__name__ != "RedisCacheClient":
        return None
    return backend.get_client(key, write=True)


class TokenRateThrottle(AtomicRateMixin, SimpleRateThrottle):
    """Scope `token`: one bucket per API token, at the `token` rate (else the `user` rate)."""

    scope = "token"

    def get_rate(self) -> str | None:
        # Fall back to the user rate while settings name no dedicated token rate.
        return _rate(self.scope) or _rate("user")

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = token_of(request.auth)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class SessionUserRateThrottle(AtomicRateMixin, UserRateThrottle):
    """The `user` rate for session requests only; token requests count per token instead."""

    def get_rate(self) -> str | None:
        return _rate(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if token_of(request.auth) is not None:
            return None
        return super().get_cache_key(request, view)


class CurrentAnonRateThrottle(AtomicRateMixin, AnonRateThrottle):
    """The `anon` rate, read per request."""

    def get_rate(self) -> str | None:
        return _rate(self.scope)


# Throttle classes of every sites/builds/validate view.
THROTTLES: list[type[SimpleRateThrottle]] = [
    CurrentAnonRateThrottle,
    SessionUserRateThrottle,
    TokenRateThrottle,
]
