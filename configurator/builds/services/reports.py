"""The report cache: every reader of a build's report goes through here.

Signatures (keyword-only):

- build_report_get(*, build) -> StoredReport                       the API's validation/
- build_reports_get(*, builds, full=False) -> list[StoredReport]   lists (summaries)
- build_report_with_spec(*, build) -> (BuildSpec, StoredReport)    the editor (needs the spec)
- build_reports_refresh(*, builds, before=None) -> list[Refreshed]  fleet jobs (rows locked)

A report is stored in the build's `BuildReport` row under the fingerprint of its inputs
(configurator.builds.fingerprints). A reader reads the build's lines (one query), computes
the fingerprint and reads the row (one query): when they agree, the stored report is the
answer and the engine does not run. Otherwise the lines already read become the snapshot
(one more query, for the components), the engine runs, and the row is replaced. The
fingerprint stored is the one of the rows the snapshot was made from, so a report is never
filed under inputs it was not computed from.

Storing is best effort for readers (a failed write is logged; the caller still gets the
report it asked for). Fleet jobs call `build_reports_refresh` inside their transaction: it
locks the builds' rows in pk order, so two jobs never validate the same build at once and
the second finds the first one's report current.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from configurator.builds.fingerprints import build_fingerprint
from configurator.builds.models import Build, BuildReport
from configurator.builds.selectors import (
    SnapshotRows,
    snapshot_rows,
    snapshots_from_rows,
    with_sites,
)
from rules.model import BuildSpec, Finding, Report, Severity

__all__ = [
    "KEY_FIGURES",
    "Refreshed",
    "StoredReport",
    "build_report_get",
    "build_report_with_spec",
    "build_reports_get",
    "build_reports_refresh",
    "verdict_of",
    "worst_finding",
]

logger = logging.getLogger(__name__)

Verdict = BuildReport.Verdict
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Metrics copied into the row for lists and fleets; the engine computed each of them.
KEY_FIGURES = (
    "it_load_typical_w",
    "it_load_nameplate_w",
    "ups_load_kw_pct",
    "runtime_min",
    "heat_w",
    "cooling_required_sensible_w",
    "cooling_installed_sensible_w",
    "site_load_w",
    "site_capacity_w",
    "pue_estimate",
    "annual_kwh",
    "co2_kg_per_year",
    "energy_cost_per_year",
    "currency",
    "bill_total",
    "lead_time_days",
)
_SUMMARY_FIELDS = (
    "fingerprint",
    "verdict",
    "errors",
    "warnings",
    "infos",
    "worst",
    "figures",
    "it_load_w",
    "annual_kwh",
    "co2_kg_per_year",
    "energy_cost_per_year",
    "bill_total",
    "currency",
    "evaluation_ms",
    "validated_at",
)


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


def verdict_of(report: Report) -> str:
    """Fail with an error finding, warning with a warning, else pass (infos do not count)."""
    severities = {finding.severity for finding in report.findings}
    if Severity.ERROR in severities:
        return Verdict.FAIL
    if Severity.WARNING in severities:
        return Verdict.WARNING
    return Verdict.PASS


@dataclass(frozen=True)
class StoredReport:
    """A build's report as the cache holds it: summary, key figures and (when asked) in full."""

    build_id: int
    fingerprint: str
    verdict: str
    errors: int
    warnings: int
    infos: int
    worst: dict[str, Any] | None
    figures: dict[str, Any]
    validated_at: Any
    evaluation_ms: float | None
    data: dict[str, Any] | None = None
    # True when the engine ran for this answer (a cache miss).
    evaluated: bool = False
    _report: Report | None = None

    @cached_property
    def report(self) -> Report:
        """The report as the engine's object (parsed from the stored JSON on a hit)."""
        if self._report is not None:
            return self._report
        if self.data is None:
            raise ValueError("This summary was read without its report; ask with full=True.")
        return Report.model_validate(self.data)

    @cached_property
    def worst_finding(self) -> Finding | None:
        """The worst finding as the engine's object, or None."""
        return None if self.worst is None else Finding.model_validate(self.worst)

    @classmethod
    def of_row(cls, row: BuildReport, *, full: bool) -> StoredReport:
        return cls(
            build_id=row.build_id,
            fingerprint=row.fingerprint,
            verdict=row.verdict,
            errors=row.errors,
            warnings=row.warnings,
            infos=row.infos,
            worst=row.worst,
            figures=row.figures or {},
            validated_at=row.validated_at,
            evaluation_ms=row.evaluation_ms,
            data=row.report if full else None,
        )


@dataclass(frozen=True)
class Refreshed:
    """What `build_reports_refresh` did for one build: its current report, or why none."""

    build: Build
    stored: StoredReport | None
    # Only when a `before` transform was given: the report of the transformed spec.
    before: Report | None = None
    # Why the build has no report (its snapshot or evaluation raised); empty otherwise.
    error: str = ""


def _evaluate(spec: BuildSpec) -> tuple[Report, float]:
    # Imported here: the engine registers every check on import, which only evaluation needs.
    from rules import evaluate

    start = time.perf_counter()
    report = evaluate(spec)
    return report, (time.perf_counter() - start) * 1e3


def _row_of(build: Build, fingerprint: str, report: Report, elapsed_ms: float) -> BuildReport:
    """The BuildReport row of a freshly computed report."""
    metrics = report.metrics
    figures: dict[str, Any] = {name: getattr(metrics, name) for name in KEY_FIGURES}
    figures["headroom_w"] = report.headroom.typical_load_w
    figures["binding_constraint"] = report.headroom.binding_constraint
    worst = worst_finding(report)
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
        counts[finding.severity] += 1
    return BuildReport(
        build_id=build.pk,
        fingerprint=fingerprint,
        verdict=verdict_of(report),
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
        worst=None if worst is None else worst.model_dump(mode="json"),
        figures=figures,
        it_load_w=metrics.it_load_typical_w,
        annual_kwh=metrics.annual_kwh,
        co2_kg_per_year=metrics.co2_kg_per_year,
        energy_cost_per_year=metrics.energy_cost_per_year,
        bill_total=metrics.bill_total,
        currency=metrics.currency,
        report=report.model_dump(mode="json"),
        evaluation_ms=round(elapsed_ms, 3),
        validated_at=timezone.now(),
    )


_STORED_FIELDS = [f for f in _SUMMARY_FIELDS if f != "fingerprint"] + ["fingerprint", "report"]


def _store(rows: list[BuildReport]) -> None:
    """Insert or replace the rows: one upsert statement, sent once per row in one batch.

    Not bulk_create(update_conflicts=True): on PostgreSQL it binds every column as an array
    (UNNEST), and quoting a hundred reports of several kB into array literals cost more than
    the engine's evaluations of the chunk. `executemany` pipelines plain upserts instead.
    """
    if not rows:
        return
    concrete = {field.name: field for field in BuildReport._meta.concrete_fields}
    fields = [concrete[name] for name in ("build", *_STORED_FIELDS)]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    # Every name comes from the model's own metadata, quoted; the values are parameters.
    sql = (
        f"INSERT INTO {quote(BuildReport._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({columns[0]}) DO UPDATE SET "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    )
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _store_best_effort(rows: list[BuildReport]) -> None:
    """Store for a reader: a failure (the build deleted meanwhile, a lock timeout) is logged."""
    if not rows:
        return
    try:
        with transaction.atomic():
            _store(rows)
    except DatabaseError:
        logger.warning("Could not store %d build report(s)", len(rows), exc_info=True)


def _fresh(row: BuildReport, report: Report, *, full: bool) -> StoredReport:
    """The answer for a report the engine just computed (no need to parse it back)."""
    return replace(
        StoredReport.of_row(row, full=full), data=row.report, evaluated=True, _report=report
    )


def _stored_rows(builds: Sequence[Build], *, full: bool) -> list[BuildReport]:
    """The builds' report rows: free when the caller loaded them with
    ``select_related("stored_report")``, else one query."""
    cache = Build.stored_report.related
    if all(cache.is_cached(build) for build in builds):
        return [
            build.stored_report for build in builds if cache.get_cached_value(build) is not None
        ]
    rows = BuildReport.objects.filter(build_id__in=[build.pk for build in builds])
    return list(rows if full else rows.defer("report"))


def _resolve(
    builds: Sequence[Build], *, full: bool, need_specs: bool
) -> tuple[list[StoredReport], list[BuildSpec]]:
    """Stored reports (computed and stored where missing or stale), and the specs if asked."""
    builds = with_sites(builds)
    rows = snapshot_rows(builds)
    fingerprints = {build.pk: build_fingerprint(build, rows[build.pk]) for build in builds}
    current = {
        row.build_id: row
        for row in _stored_rows(builds, full=full)
        if row.fingerprint == fingerprints[row.build_id]
    }
    misses = [build for build in builds if build.pk not in current]
    to_snapshot = builds if need_specs else misses
    specs = (
        dict(zip([b.pk for b in to_snapshot], snapshots_from_rows(to_snapshot, rows), strict=True))
        if to_snapshot
        else {}
    )
    fresh: dict[int, tuple[BuildReport, Report]] = {}
    for build in misses:
        report, elapsed = _evaluate(specs[build.pk])
        fresh[build.pk] = (_row_of(build, fingerprints[build.pk], report, elapsed), report)
    _store_best_effort([row for row, _ in fresh.values()])
    answers = []
    for build in builds:
        if build.pk in fresh:
            row, report = fresh[build.pk]
            answers.append(_fresh(row, report, full=full))
        else:
            answers.append(StoredReport.of_row(current[build.pk], full=full))
    return answers, [specs[b.pk] for b in builds] if need_specs else []


def build_report_get(*, build: Build) -> StoredReport:
    """The build's report in full: the stored one when current, else computed and stored.

    One query (the build's lines) when the build was read with
    ``select_related("stored_report")`` and its report is current; two otherwise.
    """
    return _resolve([build], full=True, need_specs=False)[0][0]


def build_reports_get(*, builds: Sequence[Build], full: bool = False) -> list[StoredReport]:
    """The report summary of each build (in full when `full`), computing only stale ones.

    Current reports cost two queries for all the builds (their lines, their stored rows);
    the stale ones add one (their components), one engine run each and one write.
    """
    return _resolve(builds, full=full, need_specs=False)[0]


def build_report_with_spec(*, build: Build) -> tuple[BuildSpec, StoredReport]:
    """The build's snapshot and its report (from the cache when current): for the editor."""
    answers, specs = _resolve([build], full=True, need_specs=True)
    return specs[0], answers[0]


def build_reports_refresh(
    *,
    builds: Sequence[Build],
    before: Callable[[BuildSpec], BuildSpec | None] | None = None,
) -> list[Refreshed]:
    """Make every build's stored report current; the caller's transaction holds the rows.

    For fleet jobs. Runs inside the caller's `transaction.atomic`: the builds' report rows
    are created when missing and locked in pk order (PostgreSQL) before the lines are read,
    so a concurrent job on an overlapping selection waits for this one and then finds these
    reports current. Only builds whose fingerprint changed are snapshotted and evaluated.
    Queries: missing rows (1), locked rows (1), lines (1), components (1, only when something
    is stale or `before` is given), stored reports (1, only when something was evaluated).

    `before`, when given, maps a build's current spec to the spec it had before a change (or
    None when the change does not touch it); its report is evaluated in memory and returned,
    never stored; every build is then snapshotted, and the answers carry their reports in
    full. A build whose snapshot or evaluation
    raises gets no report and the error, and does not stop the others.
    """
    builds = sorted(with_sites(builds), key=lambda b: b.pk)
    if not builds:
        return []
    ids = [build.pk for build in builds]
    BuildReport.objects.bulk_create([BuildReport(build_id=pk) for pk in ids], ignore_conflicts=True)
    # With `before` the caller compares findings, so current reports are read in full.
    full = before is not None
    locked_rows = BuildReport.objects.select_for_update().filter(build_id__in=ids)
    if not full:
        locked_rows = locked_rows.defer("report")
    locked = {row.build_id: row for row in locked_rows.order_by("build_id")}
    rows = snapshot_rows(builds)
    fingerprints = {build.pk: build_fingerprint(build, rows[build.pk]) for build in builds}
    misses = {b.pk for b in builds if locked[b.pk].fingerprint != fingerprints[b.pk]}
    to_snapshot = builds if before is not None else [b for b in builds if b.pk in misses]
    specs, errors = _snapshots_isolated(to_snapshot, rows)
    fresh: dict[int, tuple[BuildReport, Report]] = {}
    previous: dict[int, Report | None] = {}
    for build in builds:
        spec = specs.get(build.pk)
        if spec is None:
            continue
        try:
            if build.pk in misses:
                report, elapsed = _evaluate(spec)
                fresh[build.pk] = (_row_of(build, fingerprints[build.pk], report, elapsed), report)
            if before is not None:
                old_spec = before(spec)
                previous[build.pk] = None if old_spec is None else _evaluate(old_spec)[0]
        except Exception as exc:  # an engine failure on one build must not stop the job
            logger.exception("Evaluating build %s failed", build.pk)
            errors[build.pk] = f"{type(exc).__name__}: {exc}"
            fresh.pop(build.pk, None)
    _store([row for row, _ in fresh.values()])
    results = []
    for build in builds:
        if build.pk in errors:
            results.append(Refreshed(build=build, stored=None, error=errors[build.pk]))
            continue
        if build.pk in fresh:
            row, report = fresh[build.pk]
            stored = _fresh(row, report, full=full)
        else:
            stored = StoredReport.of_row(locked[build.pk], full=full)
        results.append(Refreshed(build=build, stored=stored, before=previous.get(build.pk)))
    return results


def _snapshots_isolated(
    builds: Sequence[Build], rows: SnapshotRows
) -> tuple[dict[int, BuildSpec], dict[int, str]]:
    """Snapshots of the builds in one query; if that fails, build by build to find the bad."""
    if not builds:
        return {}, {}
    try:
        specs = snapshots_from_rows(builds, rows)
    except Exception:  # one build's data the engine refuses; find which, keep the others
        logger.warning("A batched snapshot failed; snapshotting build by build", exc_info=True)
    else:
        return {b.pk: spec for b, spec in zip(builds, specs, strict=True)}, {}
    found: dict[int, BuildSpec] = {}
    errors: dict[int, str] = {}
    for build in builds:
        try:
            found[build.pk] = snapshots_from_rows([build], rows)[0]
        except Exception as exc:
            errors[build.pk] = f"{type(exc).__name__}: {exc}"
    return found, errors
