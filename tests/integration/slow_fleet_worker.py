"""Celery app of a worker whose fleet chunks dawdle (started by test_fleet_worker).

`celery -A tests.integration.slow_fleet_worker worker -Q <queue>` runs the project's tasks
with each chunk holding its transaction open a while after its reports are computed, so a
test can kill the worker in the middle of a chunk.
"""

from __future__ import annotations

import os
import time
from typing import Any

import django

from configurator.celery import app

django.setup()  # the services import models: the app registry must be ready first

from configurator.fleet.services import validations  # noqa: E402

__all__ = ["app"]

_real = validations.build_reports_refresh
PAUSE_S = float(os.environ.get("FLEET_TEST_CHUNK_PAUSE_S", "0.5"))


def _slow(**kwargs: Any) -> Any:
    """The real refresh, then a pause inside the chunk's transaction."""
    result = _real(**kwargs)
    time.sleep(PAUSE_S)
    return result


validations.build_reports_refresh = _slow
