"""Selectors: the engine snapshot of a build, in a constant number of queries, and scoping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine
from configurator.builds.selectors import (
    build_get,
    build_list,
    build_report,
    build_snapshot,
    build_snapshots,
    effective_policy,
    line_id_from_ref,
    site_get,
    site_list,
)
from configurator.errors import NotFound
from rules.model import BuildSpec
from rules.specs import Kind, Redundancy
from tests.factories import BuildFactory, BuildLineFactory, ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _rack_build(**build_fields: Any) -> tuple[Build, BuildLine, BuildLine, BuildLine]:
    """A build with a rack, a UPS at U1, and a server at U3 fed by the UPS."""
    build = BuildFactory(**build_fields)
    rack = BuildLineFactory(
        build=build, component=ComponentFactory(kind=ComponentKind.RACK), note="Main rack"
    )
    ups = BuildLineFactory(
        build=build,
        component=ComponentFactory(kind=ComponentKind.UPS),
        rack=rack,
        position_u=Decimal(1),
    )
    server = BuildLineFactory(
        build=build,
        rack=rack,
        position_u=Decimal("3.5"),
        face=BuildLine.Face.REAR,
        feed_a=ups,
        phase=2,
        quantity=2,
        note="web",
    )
    return build, rack, ups, server


def test_build_snapshot_maps_lines_to_racks_and_items() -> None:
    """Rack lines become racks, others items; ids L<pk>; positions, faces, feeds carried."""
    build, rack, ups, server = _rack_build(name="Store 12")
    spec = build_snapshot(build)
    assert isinstance(spec, BuildSpec)
    assert spec.name == "Store 12"
    assert [(r.id, r.name, r.component.kind) for r in spec.racks] == [
        (f"L{rack.pk}", "Main rack", Kind.RACK)
    ]
    items = {item.id: item for item in spec.items}
    assert set(items) == {f"L{ups.pk}", f"L{server.pk}"}
    placed = items[f"L{server.pk}"]
    assert placed.rack_id == f"L{rack.pk}"
    assert placed.position_u == 3.5
    assert placed.face == "rear"
    assert placed.feed_a == f"L{ups.pk}"
    assert placed.feed_b is None
    assert (placed.quantity, placed.phase, placed.note) == (2, 2, "web")
    assert placed.component.ref == str(server.component_id)
    assert placed.component.u_height == 1.0
    assert items[f"L{ups.pk}"].position_u == 1.0
    assert line_id_from_ref(placed.id) == server.pk


def test_unknown_catalogue_figures_reach_the_engine_as_unknown() -> None:
    """A server without weight or airflow: the report says the rack load is a lower bound and
    that the airflow cannot be judged, rather than counting 0 kg or passive."""
    build, rack, _, server = _rack_build()
    server.component.weight_kg = None
    server.component.airflow = None
    server.component.save()
    spec = build_snapshot(build)
    (item,) = [i for i in spec.items if i.id == f"L{server.pk}"]
    assert (item.component.weight_kg, item.component.airflow) == (None, None)
    findings = {f.code: f for f in build_report(build).findings}
    assert findings["mechanical.mass_unknown"].subject[:2] == (f"L{rack.pk}", f"L{server.pk}")
    assert f"L{server.pk}" in findings["thermal.airflow_unknown"].subject


def test_build_snapshot_site_mirrors_the_site_row() -> None:
    """The engine site carries the row's environment, supply and prices as floats."""
    site = SiteFactory(
        name="Hut 4",
        environment="outdoor",
        supply_phases=3,
        supply_breaker_a=63,
        electricity_price_per_kwh=Decimal("0.1875"),
        country="NO",
    )
    spec = build_snapshot(BuildFactory(site=site))
    assert spec.site.name == "Hut 4"
    assert spec.site.environment == "outdoor"
    assert spec.site.supply_phases == 3
    assert spec.site.supply_breaker_a == 63
    assert spec.site.electricity_price_per_kwh == 0.1875
    assert spec.site.country == "NO"


def test_build_snapshot_policy_merges_organisation_and_override() -> None:
    """Build keys override the organisation's; the rest keep engine defaults."""
    site = SiteFactory()
    site.organisation.policy = {"utilisation_limit": 0.7, "ups_redundancy": "N+1"}
    site.organisation.save()
    build = BuildFactory(site=site, policy_override={"utilisation_limit": 0.9})
    policy = build_snapshot(build).policy
    assert policy.utilisation_limit == 0.9  # override wins
    assert policy.ups_redundancy is Redundancy.N_PLUS_1  # from the organisation
    assert policy.required_runtime_min == 10  # engine default
    assert effective_policy(build) == policy


@pytest.mark.parametrize("line_count", [10, 200])
def test_build_snapshot_query_count_is_constant(
    line_count: int, django_assert_num_queries: Any
) -> None:
    """Three queries whatever the size: build+site+organisation, lines, their components."""
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    components = [ComponentFactory() for _ in range(5)]  # shared: one spec per component
    BuildLine.objects.bulk_create(
        BuildLine(
            build=build,
            component=components[n % 5],
            rack=rack if n < 40 else None,
            position_u=Decimal(n + 1) if n < 40 else None,
            sort_order=n + 1,
        )
        for n in range(line_count - 1)
    )
    fresh = Build.objects.get(pk=build.pk)
    with django_assert_num_queries(3):
        spec = build_snapshot(fresh)
    assert len(spec.racks) + len(spec.items) == line_count


def test_build_snapshot_skips_the_build_query_when_site_is_loaded(
    django_assert_num_queries: Any,
) -> None:
    """A build fetched with select_related site__organisation costs two queries."""
    build, *_ = _rack_build()
    loaded = Build.objects.select_related("site__organisation").get(pk=build.pk)
    with django_assert_num_queries(2):
        build_snapshot(loaded)


@pytest.mark.parametrize("build_count", [1, 6])
def test_build_snapshots_of_many_builds_take_three_queries(
    build_count: int, django_assert_num_queries: Any
) -> None:
    """A list of builds costs what one build does: sites, all lines, their components; each
    spec is the one `build_snapshot` gives for that build alone."""
    builds = [_rack_build(name=f"Build {n}")[0] for n in range(build_count)]
    fresh = list(Build.objects.filter(pk__in=[b.pk for b in builds]).order_by("-pk"))
    with django_assert_num_queries(3):
        specs = build_snapshots(fresh)
    assert [spec.name for spec in specs] == [b.name for b in fresh]
    assert specs == [build_snapshot(b) for b in fresh]


def test_line_id_from_ref_rejects_other_ids() -> None:
    """Only L<digits> maps back to a line."""
    assert line_id_from_ref("L42") == 42
    assert line_id_from_ref("rack1") is None
    assert line_id_from_ref("L") is None
    assert line_id_from_ref("Lx1") is None


def test_build_report_evaluates_the_snapshot() -> None:
    """build_report runs the engine over the snapshot and names items by line ref."""
    build, rack, ups, server = _rack_build()
    report = build_report(build)
    assert report.metrics.ups_capacity_kw == pytest.approx(2.7)  # the factory UPS: 2.7 kW
    line_subjects = {
        line_id_from_ref(ref) for finding in report.findings for ref in finding.subject
    } - {None}
    assert line_subjects
    assert line_subjects <= {rack.pk, ups.pk, server.pk}


def test_site_and_build_lists_are_scoped(user_with_role: Any, org: Any, other_org: Any) -> None:
    """A user sees the sites and builds of their organisations only; others are NotFound."""
    mine = BuildFactory(site=SiteFactory(organisation=org))
    theirs = BuildFactory(site=SiteFactory(organisation=other_org))
    user = user_with_role("sales_engineer", org)
    assert list(site_list(user=user)) == [mine.site]
    assert list(build_list(user=user)) == [mine]
    assert build_get(pk=mine.pk, user=user) == mine
    assert site_get(pk=mine.site.pk, user=user) == mine.site
    with pytest.raises(NotFound):
        build_get(pk=theirs.pk, user=user)
    with pytest.raises(NotFound):
        site_get(pk=theirs.site.pk, user=user)
