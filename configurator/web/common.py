"""What several pages share: htmx detection, paging, and list rows with their worst finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from configurator.builds.models import Build
from configurator.builds.services.reports import build_reports_get, worst_finding
from rules.model import Finding

__all__ = ["BuildRow", "build_rows", "is_htmx", "paginate", "worst_finding"]


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then swaps a partial, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


@dataclass(frozen=True)
class BuildRow:
    """A build with the counts and the worst finding of its report, for lists."""

    build: Build
    worst: Finding | None
    errors: int
    warnings: int


def build_rows(builds: Any) -> list[BuildRow]:
    """Each build with its report's summary, from the report cache: two queries for all of
    them when their reports are current; stale ones are evaluated and stored (one engine run
    each, about a millisecond). Callers page or cap the list."""
    builds = list(builds)
    return [
        BuildRow(
            build=build, worst=stored.worst_finding, errors=stored.errors, warnings=stored.warnings
        )
        for build, stored in zip(builds, build_reports_get(builds=builds), strict=True)
    ]


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    """The requested page of `items`; a bad or out-of-range page number gives the last/first."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
