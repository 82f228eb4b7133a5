"""``evaluate(spec) -> Report``: derive the build once, run every check over it, then read the
metrics and the headroom from the same derived build."""

from __future__ import annotations

from rules.checks import CHECKS
from rules.derive import derive
from rules.headroom import build_headroom
from rules.metrics import build_metrics
from rules.model import BuildSpec, Finding, Report, Severity

__all__ = ["evaluate"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _order(f: Finding) -> tuple[int, str]:
    return _SEVERITY_ORDER[f.severity], f.code


def evaluate(spec: BuildSpec) -> Report:
    """Evaluate every check over ``spec`` and return all findings, metrics and headroom."""
    derived = derive(spec)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check.fn(derived))
    findings.sort(key=_order)
    return Report.trusted(
        ok=not any(f.severity is Severity.ERROR for f in findings),
        metrics=build_metrics(derived),
        findings=tuple(findings),
        headroom=build_headroom(derived),
    )
