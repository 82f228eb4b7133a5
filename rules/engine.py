"""``evaluate(spec) -> Report``: run every registered check over one pre-computed context."""

from __future__ import annotations

from rules import checks as _checks  # noqa: F401  (importing registers every check)
from rules.context import Context
from rules.headroom import build_headroom
from rules.metrics import build_metrics
from rules.model import BuildSpec, Report, Severity
from rules.registry import CHECKS

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def evaluate(spec: BuildSpec) -> Report:
    """Evaluate every check over ``spec`` and return all findings, metrics and headroom."""
    ctx = Context(spec)
    for registered in CHECKS:
        registered.fn(ctx)
    findings = sorted(ctx.findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.code))
    return Report.trusted(
        ok=not any(f.severity is Severity.ERROR for f in findings),
        metrics=build_metrics(ctx),
        findings=tuple(findings),
        headroom=build_headroom(ctx),
    )
