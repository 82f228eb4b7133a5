"""/healthz: is the database reachable, is the broker reachable (when one is configured)."""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# A probe must answer well inside a load balancer's timeout even when Redis is gone.
REDIS_TIMEOUT_S = 2.0


def check_database() -> dict[str, Any]:
    """Run a trivial query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("Health check: database unreachable", exc_info=True)
        # The class name tells an operator enough; the message may name hosts and users.
        return {"ok": False, "detail": f"{type(exc).__name__}"}
    return {"ok": True, "detail": f"{connection.vendor} ok"}


def ping_redis(url: str) -> bool:
    """PING the Redis server at `url`."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def check_broker() -> dict[str, Any]:
    """Ping the Celery broker; without one, tasks run eagerly and there is nothing to reach."""
    url = settings.REDIS_URL
    if not url:
        return {"ok": True, "detail": "eager (no broker configured)"}
    try:
        ping_redis(url)
    except Exception as exc:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return {"ok": False, "detail": f"redis ping failed: {type(exc).__name__}"}
    return {"ok": True, "detail": "redis ping: PONG"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report each dependency; 200 when all are up, 503 when any configured one is down."""
    database = check_database()
    broker = check_broker()
    healthy = database["ok"] and broker["ok"]
    body = {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}
    return JsonResponse(body, status=200 if healthy else 503)
