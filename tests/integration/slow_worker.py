"""Celery app of a worker whose first PDF render hangs, so a test can SIGKILL it mid-render.

`celery -A tests.integration.slow_worker worker -Q <queue>` runs the project's tasks with
`html_to_pdf` replaced: the first call (across processes: a flag file named by
SLOW_RENDER_FLAG marks it) writes the flag and sleeps far longer than the test waits; every
later call, in this process or a restarted one, renders normally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

from configurator.celery import app

# The renderer's module imports models: the app registry must be ready first (the worker
# itself sets Django up only after it has imported this module).
django.setup()

from configurator.documents import pdf  # noqa: E402

__all__ = ["app"]

_original = pdf.html_to_pdf


def _hang_first(html: str, base_url: str | None = None) -> bytes:
    """Hang on the very first render (the test kills this worker then); render otherwise."""
    flag = Path(os.environ["SLOW_RENDER_FLAG"])
    if not flag.exists():
        flag.write_text(str(os.getpid()))
        time.sleep(3600)
    return _original(html, base_url)


pdf.html_to_pdf = _hang_first
