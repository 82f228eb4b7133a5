"""Services: placement checks, optimistic concurrency, clone, auto-place, approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from catalog.choices import ComponentKind
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.selectors import build_report
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import placement as placement_services
from configurator.builds.services import sites as site_services
from configurator.errors import BlockedByRules, Conflict, NotFound, PreconditionFailed
from tests.factories import (
    BuildFactory,
    BuildLineFactory,
    ComponentFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def liquid_node() -> Any:
    """A 4U cold-plate GPU node: 80 % of its heat into liquid at 13 L/min (reference 8, L5)."""
    return ComponentFactory(
        kind="gpu_server",
        spec={
            "psu_count": 2,
            "redundant_psus": True,
            "ashrae_class": "A2",
            "liquid_fraction": 0.8,
            "coolant_flow_lpm": 13,
            "max_coolant_inlet_c": 45,
        },
    )


def rack_component(u: int = 42) -> Any:
    return ComponentFactory(
        kind=ComponentKind.RACK,
        model_name="EdgeRack",
        spec={"u": u, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 1000},
    )


@pytest.fixture
def build() -> Build:
    return BuildFactory()


@pytest.fixture
def rack(build: Build) -> BuildLine:
    return line_services.build_line_add(build=build, component=rack_component())


def server(**fields: Any) -> Any:
    return ComponentFactory(model_name="Helix R20", **fields)


def field_errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --------------------------------------------------------------------------- sites


def test_site_create_validates_through_the_engine(org: Any) -> None:
    """site_create saves a valid site and refuses engine-invalid values by field."""
    site = site_services.site_create(organisation=org, name="Lyon", supply_phases=3, country="FR")
    assert Site.objects.get(pk=site.pk).supply_phases == 3
    with pytest.raises(ValidationError) as excinfo:
        site_services.site_create(organisation=org, name="High", altitude_m=7000)
    assert "altitude_m" in field_errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        site_services.site_create(organisation=org, name="X", colour="red")
    assert "colour" in field_errors(excinfo)


def test_site_update_and_delete_refused_while_builds_exist(org: Any) -> None:
    """A site with builds cannot be deleted (Conflict); an empty one can."""
    site = site_services.site_create(organisation=org, name="Depot")
    site_services.site_update(site=site, humid=True)
    assert Site.objects.get(pk=site.pk).humid
    build = BuildFactory(site=site)
    with pytest.raises(Conflict):
        site_services.site_delete(site=site)
    build.delete()
    site_services.site_delete(site=site)
    assert not Site.objects.filter(pk=site.pk).exists()


# --------------------------------------------------------------------------- builds


def test_build_create_refuses_unknown_policy_key() -> None:
    """An override with an unknown key is refused naming the key; nothing is created."""
    site = SiteFactory()
    with pytest.raises(ValidationError) as excinfo:
        build_services.build_create(site=site, name="A", policy_override={"colour": 1}, user=None)
    assert "policy_override.colour" in field_errors(excinfo)
    assert not Build.objects.exists()
    build = build_services.build_create(
        site=site, name="A", policy_override={"required_runtime_min": 15}, user=UserFactory()
    )
    assert build.policy_override == {"required_runtime_min": 15.0}
    assert build.created_by is not None


def test_build_update_bumps_revision(build: Build) -> None:
    """Each write moves the revision on by one."""
    build_services.build_update(build=build, expected_revision=1, name="Renamed")
    build.refresh_from_db()
    assert (build.name, build.revision) == ("Renamed", 2)


def test_build_update_stale_revision_changes_nothing(build: Build, rack: BuildLine) -> None:
    """A stale expected_revision raises PreconditionFailed and leaves the row as it was."""
    assert Build.objects.get(pk=build.pk).revision == 2  # created at 1, the rack bumped it
    with pytest.raises(PreconditionFailed) as excinfo:
        build_services.build_update(build=build, expected_revision=1, name="Lost update")
    assert excinfo.value.details == {"expected_revision": 1, "revision": 2}
    with pytest.raises(PreconditionFailed):
        line_services.build_line_add(build=build, component=server(), expected_revision=1)
    with pytest.raises(PreconditionFailed):
        line_services.build_line_update(line=rack, expected_revision=1, note="x")
    with pytest.raises(PreconditionFailed):
        line_services.build_line_remove(line=rack, expected_revision=1)
    fresh = Build.objects.get(pk=build.pk)
    assert (fresh.name, fresh.revision) == (build.name, 2)
    assert list(fresh.lines.values_list("pk", "note")) == [(rack.pk, "")]


def test_build_update_refuses_approval_and_bad_status(build: Build) -> None:
    """Status approved only through build_approve; unknown statuses refused."""
    with pytest.raises(ValidationError):
        build_services.build_update(build=build, expected_revision=None, status="approved")
    with pytest.raises(ValidationError):
        build_services.build_update(build=build, expected_revision=None, status="shipped")
    with pytest.raises(ValidationError):
        build_services.build_update(build=build, expected_revision=None, policy_override={"x": 1})
    assert Build.objects.get(pk=build.pk).revision == 1


# --------------------------------------------------------------------------- lines: placement


def test_line_add_places_a_server(build: Build, rack: BuildLine) -> None:
    """A server at U10 in a rack is saved with its position and bumps the revision."""
    line = line_services.build_line_add(build=build, component=server(), rack=rack, position_u=10)
    assert line.position_u == Decimal(10)
    assert Build.objects.get(pk=build.pk).revision == 3


def test_line_add_overlap_is_refused_naming_the_line(build: Build, rack: BuildLine) -> None:
    """Overlap on the same face names the field, the U span and the conflicting line."""
    big = server(u_height=Decimal(2))
    taken = line_services.build_line_add(build=build, component=big, rack=rack, position_u=10)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), rack=rack, position_u=11)
    assert field_errors(excinfo) == {
        "position_u": [f"U 10\u201311 is taken by line {taken.pk} (Helix R20 server)."]
    }
    assert build.lines.count() == 2  # rack + the first server, nothing saved
    assert Build.objects.get(pk=build.pk).revision == 3


def test_line_add_rear_face_shares_u_unless_too_deep(build: Build, rack: BuildLine) -> None:
    """Front and rear share a U while the two depths fit the usable depth (the engine's rule).

    The factory rack is 1,000 mm deep: 850 mm usable. 400 + 400 = 800 mm fit; 500 + 400 =
    900 mm do not; an item of unknown depth counts as the whole 850 mm.
    """
    shallow = server(depth_mm=400)
    line_services.build_line_add(build=build, component=shallow, rack=rack, position_u=5)
    line_services.build_line_add(
        build=build, component=shallow, rack=rack, position_u=5, face="rear"
    )
    deep = line_services.build_line_add(
        build=build, component=server(depth_mm=500), rack=rack, position_u=7
    )
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(
            build=build, component=shallow, rack=rack, position_u=7, face="rear"
        )
    assert f"line {deep.pk}" in field_errors(excinfo)["position_u"][0]
    unknown = line_services.build_line_add(build=build, component=server(), rack=rack, position_u=9)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(
            build=build, component=shallow, rack=rack, position_u=9, face="rear"
        )
    assert f"line {unknown.pk}" in field_errors(excinfo)["position_u"][0]


def test_line_add_half_u_positions(build: Build, rack: BuildLine) -> None:
    """Half-U items stack at .5 positions; a 1U item over a half-U one is refused."""
    half = server(u_height=Decimal("0.5"))
    low = line_services.build_line_add(build=build, component=half, rack=rack, position_u=1)
    line_services.build_line_add(build=build, component=half, rack=rack, position_u="1.5")
    line_services.build_line_add(build=build, component=server(), rack=rack, position_u=2)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), rack=rack, position_u="0.5")
    assert "position_u" in field_errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), rack=rack, position_u="1.25")
    assert field_errors(excinfo)["position_u"] == ["A position is a multiple of 0.5 U, from U 1."]
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=half, rack=rack, position_u=1)
    assert field_errors(excinfo) == {
        "position_u": [f"U 1 is taken by line {low.pk} (Helix R20 server)."]
    }


def test_line_add_zero_u_pdu_takes_a_rack_but_no_position(build: Build, rack: BuildLine) -> None:
    """A zero-U PDU goes in a rack without a position; giving it one is refused."""
    pdu = ComponentFactory(kind=ComponentKind.PDU)
    line = line_services.build_line_add(build=build, component=pdu, rack=rack)
    assert (line.rack_id, line.position_u) == (rack.pk, None)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=pdu, rack=rack, position_u=3)
    assert "position_u" in field_errors(excinfo)


def test_line_add_out_of_range_is_refused(build: Build, rack: BuildLine) -> None:
    """A 2U item at U42 of a 42U rack sticks out; at U41 it fits exactly."""
    big = server(u_height=Decimal(2))
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=big, rack=rack, position_u=42)
    assert field_errors(excinfo) == {
        "position_u": [
            f"U 42\u201343 is outside line {rack.pk} (EdgeRack rack / enclosure), "
            "which has U 1\u201342."
        ]
    }
    line_services.build_line_add(build=build, component=big, rack=rack, position_u=41)
    with pytest.raises(ValidationError):  # quantity 3 x 1U from U40 reaches U42 > taken
        line_services.build_line_add(
            build=build, component=server(), quantity=3, rack=rack, position_u=40
        )


def test_line_add_position_needs_a_rack(build: Build) -> None:
    """A position without a rack is refused."""
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), position_u=1)
    assert field_errors(excinfo) == {"position_u": ["A position needs a rack."]}


def test_line_add_rack_of_another_build_is_refused(build: Build) -> None:
    """A rack line of another build cannot hold this build's items."""
    foreign = line_services.build_line_add(build=BuildFactory(), component=rack_component())
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), rack=foreign, position_u=1)
    assert field_errors(excinfo) == {"rack": [f"Line {foreign.pk} is not a line of this build."]}


def test_line_add_rack_must_be_a_rack(build: Build) -> None:
    """A non-rack line named as rack is refused."""
    other = line_services.build_line_add(build=build, component=server())
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), rack=other)
    assert field_errors(excinfo)["rack"] == [f"Line {other.pk} (Helix R20 server) is not a rack."]


def test_line_add_rack_line_is_one_unmounted_rack(build: Build, rack: BuildLine) -> None:
    """A rack line has quantity 1 and sits in no other rack."""
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=rack_component(), quantity=2)
    assert "quantity" in field_errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=rack_component(), rack=rack)
    assert "rack" in field_errors(excinfo)


def test_line_add_feed_must_be_a_source(build: Build) -> None:
    """Feeds must be PDU, ATS or UPS lines of the same build, A and B distinct."""
    plain = line_services.build_line_add(build=build, component=server())
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), feed_a=plain)
    assert field_errors(excinfo) == {
        "feed_a": [f"Line {plain.pk} (Helix R20 server) is not a PDU, ATS or UPS."]
    }
    pdu = line_services.build_line_add(build=build, component=ComponentFactory(kind="pdu"))
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), feed_a=pdu, feed_b=pdu)
    assert "feed_b" in field_errors(excinfo)
    foreign_pdu = BuildLineFactory(component=ComponentFactory(kind="pdu"))
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), feed_b=foreign_pdu)
    assert "feed_b" in field_errors(excinfo)
    line = line_services.build_line_add(build=build, component=server(), feed_a=pdu.pk)
    assert line.feed_a_id == pdu.pk


def test_line_update_refuses_a_feed_loop(build: Build) -> None:
    """A PDU cannot feed the UPS that feeds it."""
    ups = line_services.build_line_add(build=build, component=ComponentFactory(kind="ups"))
    pdu = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="pdu"), feed_a=ups
    )
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_update(line=ups, feed_a=pdu)
    assert "feed_a" in field_errors(excinfo)


def test_line_ups_only_for_battery_packs(build: Build) -> None:
    """A battery pack extends a UPS line; other kinds cannot name a UPS."""
    ups = line_services.build_line_add(build=build, component=ComponentFactory(kind="ups"))
    battery = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="battery"), ups=ups
    )
    assert battery.ups_id == ups.pk
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_add(build=build, component=server(), ups=ups)
    assert "ups" in field_errors(excinfo)


def test_line_update_moves_with_the_same_checks(build: Build, rack: BuildLine) -> None:
    """Moving a line checks the target; moving onto itself (same spot) is fine."""
    a = line_services.build_line_add(build=build, component=server(), rack=rack, position_u=1)
    b = line_services.build_line_add(build=build, component=server(), rack=rack, position_u=2)
    with pytest.raises(ValidationError) as excinfo:
        line_services.build_line_update(line=b, position_u=1)
    assert str(a.pk) in field_errors(excinfo)["position_u"][0]
    moved = line_services.build_line_update(line=b, position_u="20.5", face="rear", note="moved")
    assert (moved.position_u, moved.face, moved.note) == (Decimal("20.5"), "rear", "moved")
    line_services.build_line_update(line=a, position_u=1, quantity=2)  # grows into U2, now free
    out = line_services.build_line_update(line=a, rack=None)
    assert (out.rack_id, out.position_u) == (None, None)
    with pytest.raises(ValidationError):
        line_services.build_line_update(line=a, component=server())


def test_line_remove_refused_while_referenced_unless_cascade(build: Build, rack: BuildLine) -> None:
    """Removing a rack with items is a Conflict naming them; cascade detaches them."""
    pdu = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="pdu"), rack=rack
    )
    item = line_services.build_line_add(
        build=build, component=server(), rack=rack, position_u=4, feed_a=pdu
    )
    with pytest.raises(Conflict) as excinfo:
        line_services.build_line_remove(line=rack)
    assert excinfo.value.details == {"lines": [pdu.pk, item.pk]}
    line_services.build_line_remove(line=rack, cascade=True)
    item.refresh_from_db()
    assert (item.rack_id, item.position_u, item.feed_a_id) == (None, None, pdu.pk)
    line_services.build_line_remove(line=pdu, cascade=True)
    item.refresh_from_db()
    assert item.feed_a_id is None
    assert list(build.lines.values_list("pk", flat=True)) == [item.pk]


# --------------------------------------------------------------------------- clone


def test_build_clone_remaps_references(build: Build, rack: BuildLine) -> None:
    """The copy's lines point at the copy's own rack, feeds, UPS and coolant sources, never the
    original's."""
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="ups"), rack=rack, position_u=1
    )
    line_services.build_line_add(build=build, component=ComponentFactory(kind="battery"), ups=ups)
    pdu = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="pdu"), rack=rack, feed_a=ups
    )
    line_services.build_line_add(
        build=build, component=server(), rack=rack, position_u=5, feed_a=pdu, quantity=2
    )
    water = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="facility_water")
    )
    cdu = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind="cdu"),
        rack=rack,
        position_u=10,
        feed_a=pdu,
        coolant_from=water,
    )
    line_services.build_line_add(
        build=build, component=liquid_node(), rack=rack, position_u=20, coolant_from=cdu
    )
    build.policy_override = {"utilisation_limit": 0.7}
    build.save()
    user = UserFactory()
    copy = build_services.build_clone(build=build, user=user)
    assert copy.name == f"{build.name} (copy)"
    assert (copy.status, copy.revision, copy.created_by) == ("draft", 1, user)
    assert copy.policy_override == {"utilisation_limit": 0.7}
    originals = list(build.lines.order_by("sort_order", "pk"))
    copies = list(copy.lines.order_by("sort_order", "pk"))
    assert len(copies) == len(originals) == 8
    copy_ids = {line.pk for line in copies}
    new_of = {o.pk: c.pk for o, c in zip(originals, copies, strict=True)}
    for original, clone in zip(originals, copies, strict=True):
        assert clone.component_id == original.component_id
        assert (clone.quantity, clone.position_u, clone.face) == (
            original.quantity,
            original.position_u,
            original.face,
        )
        for field in ("rack_id", "feed_a_id", "feed_b_id", "ups_id", "coolant_from_id"):
            old = getattr(original, field)
            assert getattr(clone, field) == (None if old is None else new_of[old])
            assert getattr(clone, field) is None or getattr(clone, field) in copy_ids


def test_build_apply_to_site_needs_a_visible_site(
    build: Build, org: Any, other_org: Any, user_with_role: Any
) -> None:
    """Applying to a site of an invisible organisation is NotFound; a visible one clones."""
    build.site.organisation = org
    build.site.save()
    user = user_with_role("sales_engineer", org)
    with pytest.raises(NotFound):
        build_services.build_apply_to_site(
            build=build, site=SiteFactory(organisation=other_org), user=user
        )
    target = SiteFactory(organisation=org)
    copy = build_services.build_apply_to_site(build=build, site=target, user=user)
    assert (copy.site, copy.name) == (target, build.name)


# --------------------------------------------------------------------------- auto-place


def test_auto_place_bottom_up_ups_first_then_heavy(build: Build, rack: BuildLine) -> None:
    """UPS and batteries go lowest, then heaviest first; taken U are skipped; PDUs get a rack."""
    fixed = line_services.build_line_add(build=build, component=server(), rack=rack, position_u=3)
    light = line_services.build_line_add(build=build, component=server(weight_kg=Decimal(5)))
    heavy = line_services.build_line_add(
        build=build, component=server(weight_kg=Decimal(40), u_height=Decimal(2))
    )
    battery = line_services.build_line_add(
        build=build,
        component=ComponentFactory(kind="battery", u_height=Decimal(2), weight_kg=Decimal(30)),
    )
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="ups", weight_kg=Decimal(20))
    )
    pdu = line_services.build_line_add(build=build, component=ComponentFactory(kind="pdu"))
    revision = Build.objects.get(pk=build.pk).revision
    placements = placement_services.build_auto_place(build=build, expected_revision=revision)
    where = {p.line_id: (p.rack_id, p.position_u) for p in placements}
    # Battery (30 kg) and UPS (20 kg) first, heavier first: battery U1-2, then the 2U UPS
    # cannot sit at U3 (fixed server) so it goes to U4-5; heavy server U6-7, light U8.
    assert where == {
        battery.pk: (rack.pk, Decimal(1)),
        ups.pk: (rack.pk, Decimal(4)),
        heavy.pk: (rack.pk, Decimal(6)),
        light.pk: (rack.pk, Decimal(8)),
        pdu.pk: (rack.pk, None),
    }
    assert fixed.pk not in where
    stored = dict(build.lines.values_list("pk", "position_u"))
    assert stored[ups.pk] == Decimal(4)
    assert Build.objects.get(pk=build.pk).revision == revision + 1


def test_auto_place_ranks_a_line_of_unknown_mass_as_the_lightest(
    build: Build, rack: BuildLine
) -> None:
    """Unknown mass is no reason to sit low (nor an error): it goes above the weighed lines."""
    unweighed = line_services.build_line_add(build=build, component=server(weight_kg=None))
    light = line_services.build_line_add(build=build, component=server(weight_kg=Decimal(5)))
    revision = Build.objects.get(pk=build.pk).revision
    placements = placement_services.build_auto_place(build=build, expected_revision=revision)
    where = {p.line_id: p.position_u for p in placements}
    assert where == {light.pk: Decimal(1), unweighed.pk: Decimal(2)}


def test_auto_place_lists_lines_that_do_not_fit(build: Build) -> None:
    """When a line does not fit, a ValidationError names it and nothing is placed."""
    small = line_services.build_line_add(build=build, component=rack_component(u=4))
    fits = line_services.build_line_add(build=build, component=server(u_height=Decimal(3)))
    too_big = line_services.build_line_add(build=build, component=server(u_height=Decimal(2)))
    with pytest.raises(ValidationError) as excinfo:
        placement_services.build_auto_place(build=build)
    messages = field_errors(excinfo)["lines"]
    assert messages == [f"Line {too_big.pk} (Helix R20 server) does not fit in the build's racks."]
    assert not build.lines.filter(position_u__isnull=False).exists()
    assert fits.pk > small.pk


def test_auto_place_nothing_to_do_keeps_the_revision(build: Build, rack: BuildLine) -> None:
    """No unplaced lines: no placements and no new revision."""
    revision = Build.objects.get(pk=build.pk).revision
    assert placement_services.build_auto_place(build=build) == []
    assert Build.objects.get(pk=build.pk).revision == revision


# --------------------------------------------------------------------------- approval


def _healthy(build: Build, rack: BuildLine, servers: int = 1) -> BuildLine:
    """A rack with a 2.7 kW UPS feeding a PDU feeding `servers` 500 W servers."""
    ups = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="ups"), rack=rack, position_u=1
    )
    pdu = line_services.build_line_add(
        build=build, component=ComponentFactory(kind="pdu"), rack=rack, feed_a=ups
    )
    return line_services.build_line_add(
        build=build, component=server(), quantity=servers, rack=rack, position_u=3, feed_a=pdu
    )


def test_approve_refused_while_errors_then_allowed(build: Build, rack: BuildLine) -> None:
    """Errors block approval with the findings as details; once clean the build is approved."""
    servers = _healthy(build, rack, servers=12)  # 12 x 500 W nameplate on a 2.7 kW UPS
    user = UserFactory()
    with pytest.raises(BlockedByRules) as excinfo:
        build_services.build_approve(build=build, user=user)
    details = excinfo.value.details
    assert details
    assert {d["severity"] for d in details} == {"error"}
    assert {d["code"] for d in details} == {f.code for f in build_report(build).errors}
    assert Build.objects.get(pk=build.pk).status == "draft"

    line_services.build_line_update(line=servers, quantity=1)
    assert build_report(build).ok
    build_services.build_approve(build=build, user=user)
    fresh = Build.objects.get(pk=build.pk)
    assert (fresh.status, fresh.approved_by) == ("approved", user)
    assert fresh.approved_at is not None


def test_approved_build_is_read_only_until_reopened(build: Build, rack: BuildLine) -> None:
    """Line writes on an approved build are Conflicts; back to draft they work again."""
    line = _healthy(build, rack)
    build_services.build_approve(build=build, user=None)
    with pytest.raises(Conflict) as excinfo:
        line_services.build_line_add(build=build, component=server())
    assert excinfo.value.message == (
        "Approved builds are read-only; clone it or set it back to draft."
    )
    with pytest.raises(Conflict):
        line_services.build_line_update(line=line, note="x")
    with pytest.raises(Conflict):
        line_services.build_line_remove(line=line)
    with pytest.raises(Conflict):
        placement_services.build_auto_place(build=build)
    with pytest.raises(Conflict):
        build_services.build_update(build=build, expected_revision=None, policy_override={})
    with pytest.raises(Conflict):
        build_services.build_approve(build=build, user=None)
    build_services.build_update(build=build, expected_revision=None, status="draft")
    fresh = Build.objects.get(pk=build.pk)
    assert (fresh.status, fresh.approved_at) == ("draft", None)
    line_services.build_line_update(line=line, note="reopened")


def test_build_delete_checks_revision_and_refuses_approved(build: Build, rack: BuildLine) -> None:
    """Delete removes the build and its lines; stale or approved builds are refused."""
    with pytest.raises(PreconditionFailed):
        build_services.build_delete(build=build, expected_revision=1)
    _healthy(build, rack)
    build_services.build_approve(build=build, user=None)
    with pytest.raises(Conflict):
        build_services.build_delete(build=build)
    build_services.build_update(build=build, expected_revision=None, status="draft")
    build_services.build_delete(build=build, expected_revision=build.revision)
    assert not Build.objects.filter(pk=build.pk).exists()
    assert not BuildLine.objects.filter(build_id=build.pk).exists()


def test_site_create_race_on_the_name_is_a_conflict(org: Any, monkeypatch: Any) -> None:
    """If another writer takes the name between validation and save, the answer is 409."""
    site_services.site_create(organisation=org, name="Lyon")
    # Simulate the race: validation sees the name free, the database refuses it.
    monkeypatch.setattr(Site, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(Site, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(Conflict):
        site_services.site_create(organisation=org, name="Lyon")
    assert Site.objects.filter(organisation=org, name="Lyon").count() == 1
