"""/healthz reports the database and the broker, without authentication."""

from __future__ import annotations

import os

import pytest
from django.test import Client

from configurator import health

pytestmark = pytest.mark.django_db


def test_healthz_ok_in_embedded_mode(client, settings) -> None:
    """No broker configured: eager tasks count as healthy, answer 200."""
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "detail": response.json()["database"]["detail"]},
        "broker": {"ok": True, "detail": "eager (no broker configured)"},
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_degraded_when_broker_unreachable(client, settings, monkeypatch) -> None:
    """A configured Redis that does not answer: 503 and status degraded."""
    settings.REDIS_URL = "redis://127.0.0.1:6399/0"

    def refuse(url: str) -> bool:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "ping_redis", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False, "detail": "redis ping failed: ConnectionError"}


def test_healthz_degraded_with_real_unreachable_redis(client, settings) -> None:
    """Nothing listens on the port: the real client fails fast and the probe says 503."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_healthz_degraded_when_database_down(client, settings, monkeypatch) -> None:
    """A database error is reported as such, without leaking its message."""
    settings.REDIS_URL = ""
    monkeypatch.setattr(
        health, "check_database", lambda: {"ok": False, "detail": "OperationalError"}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}


def test_healthz_rejects_writes(client) -> None:
    """Only GET (and HEAD) are served."""
    assert client.post("/healthz").status_code == 405


@pytest.mark.integration
def test_healthz_pings_real_redis(client, settings) -> None:
    """With the CI Redis configured, the broker check really pings it."""

    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["broker"] == {"ok": True, "detail": "redis ping: PONG"}


def test_favicon_ico_redirects_to_the_static_icon(client: Client) -> None:
    """Pages that name no icon (the admin, the API pages) still find one: no 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
