"""Report comparison for the golden tests: floats may differ in their last bits only."""

from __future__ import annotations

import math
from typing import Any


def differences(path: str, got: Any, want: Any) -> list[str]:
    """Where ``got`` differs from ``want``: exact, but floats to a relative 1e-9."""
    out: list[str] = []
    _walk(path, got, want, out)
    return out


def _walk(path: str, got: Any, want: Any, out: list[str]) -> None:
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9):
            out.append(f"{path}: {got!r} != {want!r}")
    elif isinstance(want, dict) and isinstance(got, dict):
        for key in sorted(set(want) | set(got)):
            if key not in got or key not in want:
                out.append(f"{path}.{key}: only in {'expected' if key in want else 'actual'}")
            else:
                _walk(f"{path}.{key}", got[key], want[key], out)
    elif isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            out.append(f"{path}: {len(got)} entries != {len(want)}")
        for n, (g, w) in enumerate(zip(got, want, strict=False)):
            _walk(f"{path}[{n}]", g, w, out)
    elif got != want:
        out.append(f"{path}: {got!r} != {want!r}")
