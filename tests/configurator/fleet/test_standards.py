"""Standards: one design, versioned, rolled out to many sites, varied, re-applied."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from configurator.builds.models import Build, BuildLine
from configurator.builds.services.reports import build_reports_get
from configurator.errors import Conflict
from configurator.fleet.models import StandardBuild, StandardVersion
from configurator.fleet.selectors import standard_site_rows
from configurator.fleet.services import standards as services
from tests.configurator.fleet.conftest import Fleet, lines_of, make_fleet
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def standard_of(fleet: Fleet) -> Any:
    return services.standard_create(build=fleet.reference, name="Store rack", user=None)


def test_standard_version_one_is_the_build_as_it_is(fleet: Fleet) -> None:
    """Version 1 freezes the build's lines; references name other lines by key."""
    standard = standard_of(fleet)
    version = StandardVersion.objects.get(standard=standard)
    assert (standard.current_version, version.number) == (1, 1)
    design = version.design
    assert [line["component"] for line in design["lines"]] == [
        fleet.parts[k].pk for k in ("rack", "ups", "pdu", "server")
    ]
    server = design["lines"][3]
    assert server["quantity"] == 2
    assert server["position_u"] == "3.0"
    assert server["rack"] == f"L{fleet.line('rack').pk}"
    assert server["feed_a"] == f"L{fleet.line('pdu').pk}"


def test_apply_gives_each_site_the_same_design(fleet: Fleet) -> None:
    """Each site gets a draft build linked to the standard and version, lines as designed."""
    standard = standard_of(fleet)
    builds = services.standard_apply(standard=standard, sites=fleet.sites, user=None)
    assert len(builds) == len(fleet.sites)
    expected = lines_of(fleet.reference)
    for build in builds:
        assert lines_of(build) == expected
        link = StandardBuild.objects.get(build=build)
        assert (link.standard_id, link.version, link.variant_id) == (standard.pk, 1, None)
        assert link.applied_revision == build.revision
        assert build.status == Build.Status.DRAFT


def test_site_differences_change_verdicts_not_the_design(fleet: Fleet) -> None:
    """The underpowered site fails on its supply; the others do not; the lines are the same."""
    builds = services.standard_apply(standard=standard_of(fleet), sites=fleet.sites, user=None)
    stored = build_reports_get(builds=builds)
    codes = [{f["code"] for f in [s.worst] if f} for s in stored]
    assert stored[-1].verdict == "fail"
    assert all(s.verdict != "fail" for s in stored[:-1]), codes
    assert len({tuple(lines_of(b)) for b in builds}) == 1


def test_apply_is_all_or_nothing_and_names_each_refused_site(fleet: Fleet) -> None:
    """A site of another organisation and a site that already has the standard are named;
    nothing is written."""
    standard = standard_of(fleet)
    services.standard_apply(standard=standard, sites=fleet.sites[:1], user=None)
    foreign = SiteFactory(name="Elsewhere")
    builds_before = Build.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.standard_apply(
            standard=standard, sites=[fleet.sites[0], fleet.sites[1], foreign], user=None
        )
    messages = caught.value.message_dict["sites"]
    assert any("Store 001" in m and "already has" in m for m in messages)
    assert any("Elsewhere" in m and "another organisation" in m for m in messages)
    assert len(messages) == 2
    assert Build.objects.count() == builds_before


def test_variant_swaps_parts_of_one_kind(fleet: Fleet) -> None:
    """An outdoor variant swaps the rack for an enclosure at the sites that take it."""
    standard = standard_of(fleet)
    variant = services.variant_create(
        standard=standard,
        name="Outdoor",
        substitutions=[{"replace": fleet.parts["rack"].pk, "with": fleet.parts["enclosure"].pk}],
    )
    (build,) = services.standard_apply(
        standard=standard, sites=fleet.sites[:1], variant=variant, user=None
    )
    components = set(BuildLine.objects.filter(build=build).values_list("component_id", flat=True))
    assert fleet.parts["enclosure"].pk in components
    assert fleet.parts["rack"].pk not in components
    assert StandardBuild.objects.get(build=build).variant == variant
    with pytest.raises(ValidationError) as caught:
        services.variant_create(
            standard=standard,
            name="Wrong",
            substitutions=[{"replace": fleet.parts["rack"].pk, "with": fleet.parts["ups"].pk}],
        )
    assert "substitutions.0" in caught.value.message_dict


def test_publish_refuses_an_unchanged_design(fleet: Fleet) -> None:
    """Publishing the same layout again is a conflict: nothing changed."""
    standard = standard_of(fleet)
    with pytest.raises(Conflict) as caught:
        services.standard_publish(standard=standard, user=None)
    assert caught.value.code == "nothing_changed"


def test_new_version_lists_sites_behind_with_the_difference_and_reapplies(fleet: Fleet) -> None:
    """After v2 adds a switch, sites on v1 are listed with that difference; re-applying a
    selection moves only those builds to v2, as new draft revisions with the new lines."""
    standard = standard_of(fleet)
    builds = services.standard_apply(standard=standard, sites=fleet.sites, user=None)
    BuildLine.objects.create(
        build=fleet.reference, component=fleet.parts["switch"], quantity=1, sort_order=9
    )
    version = services.standard_publish(standard=standard, notes="Add a switch", user=None)
    assert version.number == 2
    standard.refresh_from_db()
    rows = standard_site_rows(standard=standard)
    assert len(rows) == len(fleet.sites)
    assert all(row.behind for row in rows)
    assert rows[0].difference == {
        "components": [{"component": fleet.parts["switch"].pk, "before": 0, "after": 1}],
        "lines_changed": 1,
        "policy_changed": False,
    }
    Build.objects.filter(pk=builds[0].pk).update(status=Build.Status.APPROVED)
    moved = services.standard_reapply(standard=standard, builds=builds[:2], user=None)
    assert [b.pk for b in moved] == [b.pk for b in builds[:2]]
    for build in moved:
        build.refresh_from_db()
        assert build.revision == 2
        assert build.status == Build.Status.DRAFT
        assert lines_of(build) == lines_of(fleet.reference)
    rows = {row.link.build_id: row for row in standard_site_rows(standard=standard)}
    assert not rows[builds[0].pk].behind
    assert rows[builds[0].pk].difference is None
    assert rows[builds[2].pk].behind


def test_reapply_refuses_builds_of_other_standards(fleet: Fleet) -> None:
    """A build that does not follow the standard is named and nothing changes."""
    standard = standard_of(fleet)
    with pytest.raises(ValidationError) as caught:
        services.standard_reapply(standard=standard, builds=[fleet.reference], user=None)
    assert "does not follow this standard" in caught.value.message_dict["builds"][0]


def test_local_edit_after_rollout_is_flagged(fleet: Fleet) -> None:
    """A build edited after its roll-out says so in the standard's site list."""
    standard = standard_of(fleet)
    (build,) = services.standard_apply(standard=standard, sites=fleet.sites[:1], user=None)
    Build.objects.filter(pk=build.pk).update(revision=5)
    (row,) = standard_site_rows(standard=standard)
    assert row.modified


def test_apply_costs_the_same_queries_for_two_or_eight_sites() -> None:
    """Apply writes builds, lines by reference round, and links: not per site."""
    fleet = make_fleet(site_count=10)
    standard = standard_of(fleet)
    counts = []
    for sites in (fleet.sites[:2], fleet.sites[2:]):
        with CaptureQueriesContext(connection) as queries:
            services.standard_apply(standard=standard, sites=sites, user=None)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
