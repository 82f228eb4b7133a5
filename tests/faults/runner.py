"""Run a probe module in a fresh interpreter with a faulty environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_probe(module: str, **env: str) -> dict[str, Any]:
    """Run `python -m module` from the project root with `env` added; parse its JSON output."""
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "fault-probe-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_LOG_LEVEL": "CRITICAL",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        **env,
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))
