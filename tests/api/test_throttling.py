"""Throttles: an atomic count, and an API that keeps serving when the cache is down."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIRequestFactory

from configurator.api.throttling import SessionUserRateThrottle
from tests.api import API, World, make_world, member, token_client

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once, a real outage.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def dead_cache(settings: Any) -> None:
    """The default cache is a Redis that cannot be reached."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_token_requests_are_served_while_the_cache_is_down(
    world: World, dead_cache: None, caplog: Any
) -> None:
    """Throttling degrades open with a log line; the API answers 200, not 500."""
    client = token_client(member("integrator", world.contoso), world.contoso)
    started = time.monotonic()
    statuses = [client.get(f"{API}/sites/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert time.monotonic() - started < 5
    assert "cache unreachable" in caplog.text


def test_validation_is_served_while_the_cache_is_down(world: World, dead_cache: None) -> None:
    """The validate endpoint, throttled too, keeps answering."""
    response = world.client("customer").get(f"{API}/me/")
    assert response.status_code == 200


def test_throttle_counts_atomically_under_concurrency(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    """32 concurrent requests against a limit of 10 let exactly 10 through."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10/min", "user": "10/min", "token": "10/min"},
    }
    user = member("customer", world.contoso)
    factory = APIRequestFactory()
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def hit() -> None:
        barrier.wait()
        for _ in range(4):
            request = factory.get(f"{API}/me/")
            request.user = user
            request.auth = None
            allowed.append(SessionUserRateThrottle().allow_request(request, None))

    # A slow cache makes the read-modify-write window of a non-atomic throttle wide open
    # (each thread has its own cache object: patch the class they share).
    real_get = LocMemCache.get

    def slow_get(self: Any, *args: Any, **kwargs: Any) -> Any:
        value = real_get(self, *args, **kwargs)
        time.sleep(0.002)
        return value

    monkeypatch.setattr(LocMemCache, "get", slow_get)
    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 10
