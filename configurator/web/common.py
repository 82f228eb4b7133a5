"""What several pages share: htmx detection, paging, and list rows with their worst finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from configurator.builds import selectors
from configurator.builds.models import Build
from rules.model import Finding, Report, Severity

__all__ = ["BuildRow", "build_rows", "is_htmx", "paginate", "worst_finding"]

_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then swaps a partial, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def _overshoot(finding: Finding) -> float:
    """How far past its limit a finding's measured value is (value / limit), 0 if unknown."""
    if finding.value is None or not finding.limit:
        return 0.0
    return finding.value / finding.limit


def worst_finding(report: Report) -> Finding | None:
    """The most severe finding of a report; among equals, the one furthest past its limit."""
    if not report.findings:
        return None
    return min(report.findings, key=lambda f: (_SEVERITY_RANK[f.severity], -_overshoot(f)))


@dataclass(frozen=True)
class BuildRow:
    """A build with the counts and the worst finding of its report, for lists."""

    build: Build
    worst: Finding | None
    errors: int
    warnings: int


def build_rows(builds: Any) -> list[BuildRow]:
    """Evaluate each build for a list: three queries for all of them (`build_reports`) and one
    engine run per build (about a millisecond each); callers page or cap the list."""
    builds = list(builds)
    return [
        BuildRow(
            build=build,
            worst=worst_finding(report),
            errors=sum(f.severity is Severity.ERROR for f in report.findings),
            warnings=sum(f.severity is Severity.WARNING for f in report.findings),
        )
        for build, report in zip(builds, selectors.build_reports(builds), strict=True)
    ]


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    """The requested page of `items`; a bad or out-of-range page number gives the last/first."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
