"""The report cache: a stored report answers while every input is as it was, never after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import rules
from catalog.choices import ComponentKind
from configurator.builds import fingerprints
from configurator.builds.models import Build, BuildLine, BuildReport, Site
from configurator.builds.selectors import build_snapshot
from configurator.builds.services import lines as line_services
from configurator.builds.services import sites as site_services
from configurator.builds.services.reports import (
    build_report_get,
    build_report_with_spec,
    build_reports_get,
    build_reports_refresh,
)
from rules.model import Report
from tests.factories import BuildFactory, BuildLineFactory, ComponentFactory

pytestmark = pytest.mark.django_db


class EngineRuns:
    """Counts the engine's evaluations (the cache calls `rules.evaluate` at call time)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = rules.evaluate

        def counting(spec: Any) -> Report:
            self.count += 1
            return real(spec)

        monkeypatch.setattr(rules, "evaluate", counting)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> EngineRuns:
    return EngineRuns(monkeypatch)


def rack_build() -> Build:
    """A build with a rack, a UPS at U1 and a server at U3 fed by the UPS."""
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    ups = BuildLineFactory(
        build=build,
        component=ComponentFactory(kind=ComponentKind.UPS),
        rack=rack,
        position_u=Decimal(1),
    )
    BuildLineFactory(build=build, rack=rack, position_u=Decimal(3), feed_a=ups)
    return build


def fresh(build: Build) -> Build:
    """The build re-read as a view would read it (site and organisation joined)."""
    return Build.objects.select_related("site__organisation").get(pk=build.pk)


def test_report_is_the_engine_report_and_is_stored() -> None:
    """The answer is evaluate(build_snapshot(build)); its summary lands in the build's row."""
    build = rack_build()
    stored = build_report_get(build=fresh(build))
    expected = rules.evaluate(build_snapshot(build))
    assert stored.evaluated
    assert stored.data == expected.model_dump(mode="json")
    assert stored.report == expected
    row = BuildReport.objects.get(build=build)
    assert row.fingerprint == stored.fingerprint
    warnings = [f for f in expected.findings if f.severity == "warning"]
    assert (row.errors, row.warnings) == (len(expected.errors), len(warnings))
    assert row.figures["annual_kwh"] == expected.metrics.annual_kwh
    assert row.annual_kwh == expected.metrics.annual_kwh
    assert row.verdict in {"pass", "warning", "fail"}


def test_repeat_request_does_not_run_the_engine(
    engine: EngineRuns, django_assert_num_queries: Any
) -> None:
    """A second read with nothing changed is the stored report: two queries, no engine run."""
    build = rack_build()
    first = build_report_get(build=fresh(build))
    assert engine.count == 1
    loaded = fresh(build)
    with django_assert_num_queries(2):  # the lines (with catalogue versions), the stored row
        again = build_report_get(build=loaded)
    assert engine.count == 1
    assert not again.evaluated
    assert again.data == first.data
    assert again.report == first.report  # parsed back from the stored JSON, equal


def _add_line_through_service(build: Build) -> None:
    line_services.build_line_add(build=build, component=ComponentFactory())


def _add_line_behind_the_services(build: Build) -> None:
    # The admin and scripts write lines without bumping the revision: the lines count anyway.
    BuildLine.objects.create(build=build, component=ComponentFactory(), sort_order=99)


def _move_a_line_behind_the_services(build: Build) -> None:
    line = BuildLine.objects.filter(build=build, position_u=Decimal(3)).get()
    BuildLine.objects.filter(pk=line.pk).update(position_u=Decimal(5))


def _rename_build(build: Build) -> None:
    Build.objects.filter(pk=build.pk).update(name="Renamed")


def _bump_revision(build: Build) -> None:
    Build.objects.filter(pk=build.pk).update(revision=build.revision + 1)


def _change_site_through_service(build: Build) -> None:
    site_services.site_update(site=build.site, ambient_max_c=35)


def _change_site_behind_the_services(build: Build) -> None:
    Site.objects.filter(pk=build.site_id).update(altitude_m=2400)


def _change_build_policy(build: Build) -> None:
    Build.objects.filter(pk=build.pk).update(policy_override={"require_fire_suppression": True})


def _change_organisation_policy(build: Build) -> None:
    organisation = build.site.organisation
    organisation.policy = {"required_runtime_min": 30}
    organisation.save()


def _change_component_spec(build: Build) -> None:
    ups = BuildLine.objects.get(build=build, component__kind=ComponentKind.UPS).component
    ups.spec = {**ups.spec, "kw": 1.2, "kva": 1.5}
    ups.save()


def _change_component_price(build: Build) -> None:
    server = BuildLine.objects.get(build=build, component__kind=ComponentKind.SERVER).component
    server.list_price = Decimal("99999.00")
    server.save()


def _rename_manufacturer(build: Build) -> None:
    server = BuildLine.objects.get(build=build, component__kind=ComponentKind.SERVER).component
    manufacturer = server.manufacturer
    manufacturer.name = "Renamed Vendor"
    manufacturer.save()


INPUT_CHANGES: dict[str, Callable[[Build], None]] = {
    "line added (service)": _add_line_through_service,
    "line added (no revision bump)": _add_line_behind_the_services,
    "line moved (no revision bump)": _move_a_line_behind_the_services,
    "build renamed": _rename_build,
    "build revision": _bump_revision,
    "site (service)": _change_site_through_service,
    "site (queryset update)": _change_site_behind_the_services,
    "build policy override": _change_build_policy,
    "organisation policy": _change_organisation_policy,
    "component spec": _change_component_spec,
    "component price": _change_component_price,
    "manufacturer": _rename_manufacturer,
}


@pytest.mark.parametrize("change", INPUT_CHANGES.values(), ids=INPUT_CHANGES.keys())
def test_any_input_change_is_seen(change: Callable[[Build], None], engine: EngineRuns) -> None:
    """After a change to any input the stored report is not served: the engine runs again and
    the answer is the engine's report on the build as it is now."""
    build = rack_build()
    before = build_report_get(build=fresh(build))
    change(fresh(build))
    after = build_report_get(build=fresh(build))
    assert after.fingerprint != before.fingerprint
    assert after.evaluated
    assert engine.count == 2
    assert after.report == rules.evaluate(build_snapshot(fresh(build)))


@pytest.fixture
def other_engine() -> Iterator[None]:
    fingerprints.engine_version.cache_clear()
    yield
    fingerprints.engine_version.cache_clear()


def test_engine_version_change_is_seen(
    engine: EngineRuns, monkeypatch: pytest.MonkeyPatch, other_engine: None
) -> None:
    """Reports of another engine version (other rules deployed) are not served."""
    build = rack_build()
    before = build_report_get(build=fresh(build))
    monkeypatch.setattr(fingerprints, "ENGINE_SOURCES", ("rules",))
    fingerprints.engine_version.cache_clear()
    after = build_report_get(build=fresh(build))
    assert after.fingerprint != before.fingerprint
    assert engine.count == 2


def test_engine_version_digests_the_engine_sources(other_engine: None) -> None:
    """The engine version is a SHA-256 over the engine package and the snapshot code."""
    version = fingerprints.engine_version()
    assert len(version) == 64
    assert fingerprints.engine_version() == version  # computed once per process


def test_lists_read_summaries_and_evaluate_only_stale_builds(
    engine: EngineRuns, django_assert_num_queries: Any
) -> None:
    """Lists get summaries: current ones cost two queries for all builds; only changed builds
    run the engine again."""
    builds = [rack_build() for _ in range(3)]
    build_reports_get(builds=[fresh(b) for b in builds])
    assert engine.count == 3
    loaded = [fresh(b) for b in builds]
    with django_assert_num_queries(2):
        summaries = build_reports_get(builds=loaded)
    assert [s.build_id for s in summaries] == [b.pk for b in builds]
    assert all(s.data is None for s in summaries)  # the report itself is not read
    _rename_build(builds[1])
    build_reports_get(builds=[fresh(b) for b in builds])
    assert engine.count == 4


def test_editor_gets_spec_and_cached_report(engine: EngineRuns) -> None:
    """The editor's read: the snapshot always, the report from the cache when current."""
    build = rack_build()
    spec, stored = build_report_with_spec(build=fresh(build))
    assert spec == build_snapshot(build)
    spec_again, stored_again = build_report_with_spec(build=fresh(build))
    assert engine.count == 1
    assert spec_again == spec
    assert stored_again.report == stored.report


@pytest.mark.parametrize("size", [2, 12])
def test_refresh_costs_constant_queries(size: int, django_assert_num_queries: Any) -> None:
    """A fleet refresh of N builds: rows created, rows locked, lines, components, stored."""
    builds = [fresh(rack_build()) for _ in range(size)]
    with django_assert_num_queries(5):
        results = build_reports_refresh(builds=builds)
    assert [r.build.pk for r in results] == sorted(b.pk for b in builds)
    assert all(r.stored is not None and r.stored.evaluated for r in results)
    reloaded = [fresh(b) for b in builds]
    with django_assert_num_queries(3):  # nothing stale: no components, no write
        again = build_reports_refresh(builds=reloaded)
    assert not any(r.stored is not None and r.stored.evaluated for r in again)


def test_refresh_with_before_returns_the_report_before_a_change(engine: EngineRuns) -> None:
    """`before` maps a spec to the one before a change: its report comes back, unstored."""
    build = rack_build()
    build_reports_refresh(builds=[fresh(build)])
    engine.count = 0
    results = build_reports_refresh(
        builds=[fresh(build)],
        before=lambda spec: spec.model_copy(update={"items": ()}),
    )
    (result,) = results
    assert engine.count == 1  # only the "before" spec: the current report was stored
    assert result.before is not None
    assert result.before.metrics.it_load_typical_w == 0
    assert result.stored is not None
    assert not result.stored.evaluated
    assert result.stored.report.metrics.it_load_typical_w > 0  # read in full


def test_refresh_isolates_a_build_the_engine_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """One build whose evaluation raises gets an error; the others still get reports."""
    good, bad = rack_build(), rack_build()
    real = rules.evaluate

    def failing(spec: Any) -> Report:
        if spec.name == bad.name:
            raise ValueError("engine refused")
        return real(spec)

    monkeypatch.setattr(rules, "evaluate", failing)
    results = {r.build.pk: r for r in build_reports_refresh(builds=[fresh(good), fresh(bad)])}
    assert results[good.pk].stored is not None
    assert results[bad.pk].stored is None
    assert "engine refused" in results[bad.pk].error
    assert BuildReport.objects.get(build=bad).fingerprint == ""


def test_row_loaded_with_the_build_costs_one_query(django_assert_num_queries: Any) -> None:
    """A build read with select_related("stored_report") needs only its lines read."""
    build = rack_build()
    build_report_get(build=fresh(build))
    loaded = Build.objects.select_related("site__organisation", "stored_report").get(pk=build.pk)
    with django_assert_num_queries(1):
        stored = build_report_get(build=loaded)
    assert not stored.evaluated
    never = Build.objects.select_related("site__organisation", "stored_report").get(
        pk=rack_build().pk
    )
    assert build_report_get(build=never).evaluated  # no row yet: computed, not an error
