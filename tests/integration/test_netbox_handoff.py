"""The hand-off against a real NetBox (scripts/netbox.sh up; run by .ci/run's NetBox stage).

Reads NETBOX_URL and NETBOX_TOKEN (a superuser's token); skipped with a reason when they are
unset. Every push goes through the Celery task (eager in tests) and the real NetBox API; what
NetBox holds is then read back through that API and compared with the build: placement,
faces, rack elevations, and each device's power traced cord by cord to a power feed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pynetbox
import pytest
from django.core.management import call_command
from django.db import transaction

from catalog.models import Component
from catalog.services import component_create, manufacturer_get_or_create
from configurator.builds.models import Build, BuildLine
from configurator.builds.selectors import build_snapshot
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.handoff import services
from configurator.handoff.mapping import TAG_SLUG
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.tenancy.models import Organisation
from rules.model import BuildSpec

NETBOX_URL = os.environ.get("NETBOX_URL", "")
NETBOX_TOKEN = os.environ.get("NETBOX_TOKEN", "")

pytestmark = [
    pytest.mark.skipif(
        not (NETBOX_URL and NETBOX_TOKEN),
        reason="needs a running NetBox: NETBOX_URL and NETBOX_TOKEN (scripts/netbox.sh up)",
    ),
    pytest.mark.django_db,
]

RETAIL = "Retail store rack (back office, Lyon)"
HOSPITAL = "Hospital edge room, 2N power"
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def nb() -> pynetbox.api:
    return pynetbox.api(NETBOX_URL, token=NETBOX_TOKEN)


def _wipe(nb: pynetbox.api) -> None:
    """Remove what earlier runs pushed (objects carrying the hand-off's tag), cables first."""
    if nb.extras.tags.get(slug=TAG_SLUG) is None:
        return  # a fresh NetBox: nothing was pushed yet
    for endpoint in (
        nb.dcim.cables,
        nb.dcim.power_feeds,
        nb.dcim.power_panels,
        nb.dcim.devices,
        nb.dcim.racks,
        nb.dcim.device_types,
    ):
        ids = [record.id for record in endpoint.filter(tag=TAG_SLUG)]
        if ids:
            endpoint.delete(ids)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, nb: pynetbox.api) -> Iterator[Organisation]:
    """The demo data, with the retail and hospital builds approved, rolled back at the end.

    seed_demo leaves its builds as drafts: approving is an engineer's sign-off that the rules
    engine checks at that moment, so the test approves them through the service, as a sales
    engineer would. Only these two are pushed here: the liquid demo builds' mapping has its own
    test, and the GPU and tower builds are refused by the rules.
    """
    _wipe(nb)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        from django.contrib.auth import get_user_model

        sales = get_user_model().objects.get(username="sales")
        for build in Build.objects.filter(name__in=(RETAIL, HOSPITAL)):
            build_services.build_approve(build=build, user=sales)
        yield Organisation.objects.get(slug="demo")
        transaction.set_rollback(True)


def _forget(nb: pynetbox.api, build: Build) -> None:
    """Delete what NetBox holds of this build id: on SQLite a rolled-back test's ids come back."""
    for endpoint in (
        nb.dcim.cables,
        nb.dcim.power_feeds,
        nb.dcim.power_panels,
        nb.dcim.devices,
        nb.dcim.racks,
    ):
        if not nb.extras.custom_fields.filter(name="mdc_build_id"):
            return  # NetBox would ignore the filter below and list everything
        ids = [
            record.id
            for record in endpoint.filter(cf_mdc_build_id=build.pk)
            if record.custom_fields.get("mdc_build_id") == build.pk
        ]
        if ids:
            endpoint.delete(ids)


def _connection(organisation: Organisation, name: str, **fields: Any) -> NetBoxConnection:
    # Direct writes by default (the faster path); the branch test turns branching on.
    values = {
        "url": NETBOX_URL,
        "token": NETBOX_TOKEN,
        "create_manufacturers": True,
        "use_branching": False,
    } | fields
    return services.connection_create(organisation=organisation, name=name, **values)


def _push(build: Build, connection: NetBoxConnection, capture: Any) -> NetBoxPush:
    with capture(execute=True):
        push = services.push_request(build=build, connection=connection)
    push.refresh_from_db()
    return push


# --------------------------------------------------------------------------- reading back


def _expected_chain(spec: BuildSpec, item_id: str, unit: int, port: int) -> list[str]:
    """Build line ids a cord's power passes through, from the device to the site supply."""
    by_id = {i.id: i for i in spec.items}
    chain = []
    item = by_id[item_id]
    on_b = port % 2 == 1 and item.feed_b is not None
    source = item.feed_b if on_b else item.feed_a
    while source is not None:
        chain.append(source)
        source = by_id[source].feed_a  # a PDU's or UPS's own inlet is its feed A
    return chain


def _line_of(device_key: str) -> str:
    return device_key.rsplit("/", 1)[-1].split(".")[0]


def _differences(nb: pynetbox.api, build: Build) -> list[str]:
    """Everything NetBox says of the build that disagrees with the build: empty when equal."""
    spec = build_snapshot(build)
    problems: list[str] = []
    devices = {
        d.custom_fields["mdc_key"]: d for d in nb.dcim.devices.filter(cf_mdc_build_id=build.pk)
    }
    racks = {r.custom_fields["mdc_key"]: r for r in nb.dcim.racks.filter(cf_mdc_build_id=build.pk)}
    for rack in spec.racks:
        found = racks.get(f"b{build.pk}/rack/{rack.id}")
        if found is None:
            problems.append(f"rack {rack.id} missing")
            continue
        rack_spec = rack.component.spec
        if found.u_height != rack_spec.u or found.max_weight != round(rack_spec.static_load_kg):
            problems.append(f"rack {rack.id}: {found.u_height} U, {found.max_weight} kg")
    expected_units = 0
    for item in spec.items:
        for index in range(1, item.quantity + 1):
            expected_units += 1
            suffix = item.id if item.quantity == 1 else f"{item.id}.{index}"
            device = devices.get(f"b{build.pk}/device/{suffix}")
            if device is None:
                problems.append(f"device {suffix} missing")
                continue
            if device.device_type.part_number != item.component.sku:
                problems.append(f"{suffix}: type {device.device_type.part_number}")
            if str(device.status) != "Planned" and device.status.value != "planned":
                problems.append(f"{suffix}: status {device.status}")
            wanted_rack = f"b{build.pk}/rack/{item.rack_id}" if item.rack_id else None
            rack_key = (
                racks_by_id(racks).get(device.rack.id).custom_fields["mdc_key"]
                if device.rack
                else None
            )
            if rack_key != wanted_rack:
                problems.append(f"{suffix}: rack {rack_key} != {wanted_rack}")
            position = None
            if item.position_u is not None and item.component.u_height > 0:
                position = item.position_u + (index - 1) * item.component.u_height
            got = None if device.position is None else float(device.position)
            if got != position:
                problems.append(f"{suffix}: position {got} != {position}")
            face = device.face.value if device.face else None
            if position is not None and face != item.face.value:
                problems.append(f"{suffix}: face {face} != {item.face.value}")
    if len(devices) != expected_units:
        problems.append(f"{len(devices)} devices in NetBox, {expected_units} units in the build")
    problems += _elevation_differences(nb, racks, devices, spec, build)
    problems += _power_differences(nb, devices, spec, build)
    return problems


def racks_by_id(racks: dict[str, Any]) -> dict[int, Any]:
    return {r.id: r for r in racks.values()}


def _elevation_differences(
    nb: pynetbox.api, racks: dict[str, Any], devices: dict[str, Any], spec: BuildSpec, build: Build
) -> list[str]:
    """Each U of each rack face holds the device the build puts there (NetBox's elevation)."""
    problems = []
    names = {d.id: key for key, d in devices.items()}
    for rack in spec.racks:
        netbox_rack = racks.get(f"b{build.pk}/rack/{rack.id}")
        if netbox_rack is None:
            continue
        for face in ("front", "rear"):
            # pynetbox's rack.units is a 404 on NetBox 4: read the elevation endpoint itself.
            response = nb.http_session.get(
                f"{NETBOX_URL}/api/dcim/racks/{netbox_rack.id}/elevation/",
                params={"face": face, "limit": 500},
                headers={"Authorization": f"Token {NETBOX_TOKEN}", "Accept": "application/json"},
                timeout=30,
            )
            response.raise_for_status()
            got = {
                float(unit["id"]): names.get(unit["device"]["id"])
                for unit in response.json()["results"]
                if unit.get("device")
            }
            wanted: dict[float, str] = {}
            for item in spec.items:
                if item.rack_id != rack.id or item.position_u is None:
                    continue
                height = item.component.u_height
                if height == 0:
                    continue
                # A full-depth device shows on both faces of the elevation.
                full_depth = Component.objects.get(pk=int(item.component.ref)).is_full_depth
                if item.face.value != face and not full_depth:
                    continue
                for index in range(item.quantity):
                    suffix = item.id if item.quantity == 1 else f"{item.id}.{index + 1}"
                    bottom = item.position_u + index * height
                    # The elevation lists every half unit a device covers.
                    for n in range(int(height * 2)):
                        wanted[bottom + n / 2] = f"b{build.pk}/device/{suffix}"
            if got != wanted:
                diff = {u for u in set(got) | set(wanted) if got.get(u) != wanted.get(u)}
                problems.append(f"rack {rack.id} {face}: units {sorted(diff)} differ")
    return problems


def _get(nb: pynetbox.api, path: str) -> Any:
    response = nb.http_session.get(
        f"{NETBOX_URL}/api/{path}",
        headers={"Authorization": f"Token {NETBOX_TOKEN}", "Accept": "application/json"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def _trace_to_feed(
    nb: pynetbox.api, port_id: int, key_of: dict[int, str]
) -> tuple[list[str], dict[str, Any] | None]:
    """Follow a cord to its power feed: NetBox's cable path stops at an outlet (a path end),
    so each outlet's own inlet (its power_port) is traced in turn, as power flows."""
    hops: list[str] = []
    for _ in range(10):
        trace = _get(nb, f"dcim/power-ports/{port_id}/trace/")
        if not trace or trace[-1][1] is None or not trace[-1][2]:
            return hops, None
        end = trace[-1][2][0]
        if "/power-feeds/" in end.get("url", ""):
            return hops, end
        hops.append(_line_of(key_of.get(end["device"]["id"], "?/?")))
        outlet = _get(nb, f"dcim/power-outlets/{end['id']}/")
        if not outlet.get("power_port"):
            return hops, None
        port_id = outlet["power_port"]["id"]
    return hops, None


def _power_differences(
    nb: pynetbox.api, devices: dict[str, Any], spec: BuildSpec, build: Build
) -> list[str]:
    """Trace every cord through NetBox's cable paths and compare with feed_a/feed_b."""
    problems = []
    key_of = {d.id: key for key, d in devices.items()}
    ports = list(nb.dcim.power_ports.filter(device_id=[d.id for d in devices.values()]))
    by_device: dict[int, list[Any]] = {}
    for port in ports:
        by_device.setdefault(port.device.id, []).append(port)
    for key, device in devices.items():
        item_id = _line_of(key)
        unit = 1 if "." not in key.rsplit("/", 1)[-1] else int(key.rsplit(".", 1)[-1])
        for n, port in enumerate(sorted(by_device.get(device.id, []), key=lambda p: p.id)):
            chain = _expected_chain(spec, item_id, unit, n)
            hops, feed = _trace_to_feed(nb, port.id, key_of)
            if hops != chain:
                problems.append(f"{key} {port.name}: traced {hops}, build says {chain}")
            if feed is None:
                problems.append(f"{key} {port.name}: the trace ends before a power feed")
    return problems


# --------------------------------------------------------------------------- the tests


def test_push_each_approved_demo_build_then_again_then_a_revision(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """Push, read back with 0 differences; push again: nothing changes; a revision changes
    only what changed (and keeps the revision custom field of everything else)."""
    connection = _connection(demo, "ci")
    result = services.connection_test(connection=connection)
    assert result.ok, result.message
    # Operations' own rack, there before the first push: never taken for the build's.
    site = nb.dcim.sites.get(slug="ops-hq") or nb.dcim.sites.create(name="Ops HQ", slug="ops-hq")
    foreign = nb.dcim.racks.create(site=site.id, name=f"Ops rack {time.time():.0f}")
    approved = list(Build.objects.filter(status=Build.Status.APPROVED).order_by("pk"))
    assert {b.name for b in approved} == {RETAIL, HOSPITAL}
    for build in approved:
        started = time.perf_counter()
        push = _push(build, connection, django_capture_on_commit_callbacks)
        TIMINGS[f"push {build.name}"] = time.perf_counter() - started
        assert push.status == NetBoxPush.Status.SUCCEEDED, push.error
        assert push.counts["create"] > 0
        assert push.progress_done == push.progress_total == len(push.written)
        differences = _differences(nb, build)
        assert differences == [], differences

        started = time.perf_counter()
        again = _push(build, connection, django_capture_on_commit_callbacks)
        TIMINGS[f"push again {build.name}"] = time.perf_counter() - started
        assert again.status == NetBoxPush.Status.SUCCEEDED, again.error
        assert again.written == []
        assert (again.counts["create"], again.counts["update"], again.counts["delete"]) == (0, 0, 0)

    # A revision: the switch gets a name, one blanking panel goes.
    retail = next(b for b in approved if b.name == RETAIL)
    first_revision = retail.revision
    from django.contrib.auth import get_user_model

    sales = get_user_model().objects.get(username="sales")
    build_services.build_update(build=retail, expected_revision=None, status="draft")
    switch = BuildLine.objects.get(build=retail, component__sku="LP-S24G")
    line_services.build_line_update(line=switch, expected_revision=None, note="Core switch")
    blanks = BuildLine.objects.get(build=retail, quantity=13)
    line_services.build_line_update(line=blanks, expected_revision=None, quantity=12)
    retail.refresh_from_db()
    build_services.build_approve(build=retail, user=sales)
    retail.refresh_from_db()
    plan = services.handoff_dry_run(build=retail, connection=connection)
    assert {(s.action, s.key) for s in plan.steps if s.action != "unchanged"} == {
        ("update", f"b{retail.pk}/device/L{switch.pk}"),
        ("delete", f"b{retail.pk}/device/L{blanks.pk}.13"),
    }
    revised = _push(retail, connection, django_capture_on_commit_callbacks)
    assert revised.status == NetBoxPush.Status.SUCCEEDED, revised.error
    assert {(w["action"], w["key"]) for w in revised.written} == {
        ("update", f"b{retail.pk}/device/L{switch.pk}"),
        ("delete", f"b{retail.pk}/device/L{blanks.pk}.13"),
    }
    assert _differences(nb, retail) == []
    revisions = {
        d.custom_fields["mdc_key"]: d.custom_fields["mdc_build_revision"]
        for d in nb.dcim.devices.filter(cf_mdc_build_id=retail.pk)
    }
    assert revisions.pop(f"b{retail.pk}/device/L{switch.pk}") == retail.revision
    assert set(revisions.values()) == {first_revision}, "unchanged devices keep their revision"
    assert nb.dcim.racks.get(foreign.id) is not None, "a rack that is not ours was deleted"
    for name, seconds in TIMINGS.items():
        print(f"TIMING {name}: {seconds:.1f} s")


def test_bad_token_fails_clearly_and_writes_nothing(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """A token NetBox does not know: the push fails before any write and says why."""
    connection = _connection(demo, "bad token", token="f" * 40)
    assert not services.connection_test(connection=connection).ok
    build = Build.objects.get(name=HOSPITAL)
    push = _push(build, connection, django_capture_on_commit_callbacks)
    assert push.status == NetBoxPush.Status.FAILED
    assert "refused the API token" in push.error
    assert push.written == []
    assert push.advice.startswith("Nothing was written")


def test_unreachable_netbox_fails_clearly_and_writes_nothing(
    demo: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    """Nothing listens at the URL: a clear error, nothing written."""
    connection = _connection(demo, "nowhere", url="http://127.0.0.1:9")
    result = services.connection_test(connection=connection)
    assert not result.ok
    assert "cannot be reached" in result.message
    push = _push(Build.objects.get(name=RETAIL), connection, django_capture_on_commit_callbacks)
    assert push.status == NetBoxPush.Status.FAILED
    assert "cannot be reached" in push.error
    assert push.written == []


def test_missing_manufacturer_blocks_the_push_before_any_write(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """A manufacturer NetBox lacks (and the connection may not create): the dry run names it,
    the push writes nothing and says what to do."""
    retail = Build.objects.get(name=RETAIL)
    copy = build_services.build_clone(build=retail, name="Retail with a stranger", user=None)
    maker, _ = manufacturer_get_or_create(name="Nowhere Panels Ltd")
    panel = component_create(
        manufacturer=maker,
        sku="NP-1U",
        model_name="Nowhere blank 1U",
        kind="accessory",
        list_price=1,
        u_height=1,
        weight_kg=1,
        spec={"kind": "accessory", "accessory_type": "blanking_panel"},
    )
    line_services.build_line_add(build=copy, component=panel)
    Build.objects.filter(pk=copy.pk).update(status=Build.Status.APPROVED)
    copy.refresh_from_db()
    _forget(nb, copy)
    connection = _connection(demo, "strict", create_manufacturers=False)
    plan = services.handoff_dry_run(build=copy, connection=connection)
    assert any("Nowhere Panels Ltd" in problem for problem in plan.problems)
    push = _push(copy, connection, django_capture_on_commit_callbacks)
    assert push.status == NetBoxPush.Status.FAILED
    assert "Nowhere Panels Ltd" in push.error
    assert push.error.startswith("Nothing was written")
    assert push.written == []
    assert list(nb.dcim.devices.filter(cf_mdc_build_id=copy.pk)) == []


def test_a_refusal_mid_push_reports_what_was_written_and_a_retry_resumes(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """A token whose user may not add cables: the push fails at the cables, lists every object
    it wrote with its NetBox id; once allowed, pushing again writes only the cables."""
    suffix = str(int(time.time()))
    user = nb.users.users.create(username=f"mdc-partial-{suffix}", password="Partial-pass-12345!")
    token = nb.users.tokens.create(user=user.id, version=1, write_enabled=True)
    secret = token.token
    everything = [
        "dcim.site",
        "dcim.rack",
        "dcim.manufacturer",
        "dcim.devicerole",
        "dcim.devicetype",
        "dcim.powerporttemplate",
        "dcim.poweroutlettemplate",
        "dcim.device",
        "dcim.powerport",
        "dcim.poweroutlet",
        "dcim.powerpanel",
        "dcim.powerfeed",
        "extras.tag",
        "extras.customfield",
    ]
    nb.users.permissions.create(
        name=f"mdc-partial-{suffix}",
        object_types=everything,
        actions=["view", "add", "change", "delete"],
        users=[user.id],
    )
    cables = nb.users.permissions.create(
        name=f"mdc-partial-cables-view-{suffix}",
        object_types=["dcim.cable"],
        actions=["view"],
        users=[user.id],
    )
    retail = Build.objects.get(name=RETAIL)
    copy = build_services.build_clone(build=retail, name="Retail, partial rights", user=None)
    Build.objects.filter(pk=copy.pk).update(status=Build.Status.APPROVED)
    copy.refresh_from_db()
    _forget(nb, copy)
    connection = _connection(demo, "partial", token=secret)
    push = _push(copy, connection, django_capture_on_commit_callbacks)
    assert push.status == NetBoxPush.Status.FAILED
    assert "refused the API token" in push.error
    assert "cables" in push.error
    written = {w["object_type"] for w in push.written}
    assert "dcim.devices" in written
    assert "dcim.cables" not in written
    assert all(w["netbox_id"] for w in push.written)
    assert f"{len(push.written)} write(s) reached NetBox" in push.advice
    assert len(list(nb.dcim.devices.filter(cf_mdc_build_id=copy.pk))) == len(
        [w for w in push.written if w["object_type"] == "dcim.devices"]
    )

    cables.actions = ["view", "add", "change", "delete"]
    cables.save()
    retry = _push(copy, connection, django_capture_on_commit_callbacks)
    assert retry.status == NetBoxPush.Status.SUCCEEDED, retry.error
    assert {w["object_type"] for w in retry.written} == {"dcim.cables"}
    assert _differences(nb, copy) == []


def test_push_goes_through_a_branch_merged_at_the_end_where_netbox_has_branching(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """With the NetBox Branching plugin, the writes go into a branch that is merged once all
    succeeded: main then holds the build, with the ids the push recorded."""
    if "netbox_branching" not in (nb.status().get("plugins") or {}):
        pytest.skip("this NetBox has no NetBox Branching plugin (NETBOX_BRANCHING=0)")
    retail = Build.objects.get(name=RETAIL)
    copy = build_services.build_clone(build=retail, name="Retail, through a branch", user=None)
    Build.objects.filter(pk=copy.pk).update(status=Build.Status.APPROVED)
    copy.refresh_from_db()
    _forget(nb, copy)
    connection = _connection(demo, "branching", use_branching=True)
    started = time.perf_counter()
    push = _push(copy, connection, django_capture_on_commit_callbacks)
    print(f"TIMING push through a branch: {time.perf_counter() - started:.1f} s")
    assert push.status == NetBoxPush.Status.SUCCEEDED, push.error
    assert push.branch == f"mdc build {copy.pk} rev {copy.revision} push {push.pk}"
    assert "merged" in push.log[-1]["message"]
    branches = nb.plugins.branching.branches.filter(name=push.branch)
    assert [str(b.status.value if hasattr(b.status, "value") else b.status) for b in branches] == [
        "merged"
    ]
    for write in push.written:
        if write["object_type"] == "dcim.devices":
            assert nb.dcim.devices.get(write["netbox_id"]).custom_fields["mdc_key"] == write["key"]
    assert _differences(nb, copy) == []
    again = services.handoff_dry_run(build=copy, connection=connection)
    assert again.writes == 0


def _import(session: Any, path: str, text: str) -> None:
    """Import one YAML file through NetBox's own bulk import (the Import button of a list)."""
    page = session.get(f"{NETBOX_URL}{path}", timeout=60)
    page.raise_for_status()
    response = session.post(
        f"{NETBOX_URL}{path}",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "data": text,
            "format": "yaml",
            "import_method": "direct",
        },
        headers={"Referer": f"{NETBOX_URL}{path}"},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 302, (
        f"{path}: NetBox refused the import: "
        + " ".join(line.strip() for line in response.text.splitlines() if "error" in line.lower())[
            :2000
        ]
    )


def test_import_files_give_what_a_push_gives(
    demo: Organisation, nb: pynetbox.api, django_capture_on_commit_callbacks: Any
) -> None:
    """The export imported by hand through NetBox's import pages: 0 differences with the build.

    Shared objects (tag, custom fields, manufacturers, roles, site, device types) are in
    NetBox already from the pushes, as the README tells a person to leave them out.
    """
    import requests

    from configurator.handoff.export import export_files
    from configurator.handoff.mapping import map_build
    from configurator.handoff.selectors import build_handoff_input

    retail = Build.objects.get(name=RETAIL)
    copy = build_services.build_clone(build=retail, name="Retail, imported by hand", user=None)
    Build.objects.filter(pk=copy.pk).update(status=Build.Status.APPROVED)
    copy.refresh_from_db()
    _forget(nb, copy)
    connection = _connection(demo, "import check")
    # The shared objects, as a team that imports by hand has them already (a no-op when the
    # first test pushed this build).
    assert _push(retail, connection, django_capture_on_commit_callbacks).status == "succeeded"
    files = export_files(map_build(build_handoff_input(copy, create_manufacturers=True)))
    session = requests.Session()
    session.get(f"{NETBOX_URL}/login/", timeout=60)
    login = session.post(
        f"{NETBOX_URL}/login/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": os.environ.get("NETBOX_USER", "mdc-ci"),
            "password": os.environ.get("NETBOX_PASSWORD", "mdc-ci-password-loopback"),
        },
        headers={"Referer": f"{NETBOX_URL}/login/"},
        allow_redirects=False,
        timeout=60,
    )
    assert login.status_code == 302, "cannot sign in to NetBox's web UI"
    pages = {
        "racks": "/dcim/racks/import/",
        "devices": "/dcim/devices/import/",
        "power-outlets": "/dcim/power-outlets/import/",
        "power-panels": "/dcim/power-panels/import/",
        "power-feeds": "/dcim/power-feeds/import/",
        "cables": "/dcim/cables/import/",
    }
    for filename, text in files.items():
        stem = filename[3:].removesuffix(".yaml")
        if stem in pages:
            _import(session, pages[stem], text)
    assert _differences(nb, copy) == []
    again = services.handoff_dry_run(build=copy, connection=connection)
    assert again.counts["create"] == 0, [s.label for s in again.steps if s.action == "create"]
