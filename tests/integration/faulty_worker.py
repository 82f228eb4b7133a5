"""Celery app of a worker whose first PDF render fails (started by test_pdf_worker).

`celery -A tests.integration.faulty_worker worker -Q <queue>` runs the project's tasks with
`html_to_pdf` replaced, in the worker process, by one that raises on its first call: the
retry through the broker is then what makes the file.
"""

from __future__ import annotations

import django

from configurator.celery import app

# The renderer's module imports models: the app registry must be ready first (the worker
# itself sets Django up only after it has imported this module).
django.setup()

from configurator.documents import pdf  # noqa: E402

__all__ = ["app"]

_original = pdf.html_to_pdf
_calls: list[int] = []


def _fail_first(html: str, base_url: str | None = None) -> bytes:
    """Raise on the first render of this process, render normally afterwards."""
    _calls.append(1)
    if len(_calls) == 1:
        raise OSError("injected failure: the first render of this worker")
    return _original(html, base_url)


pdf.html_to_pdf = _fail_first
