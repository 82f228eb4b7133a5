"""How the plan compares what it wants with what NetBox answers (no NetBox needed)."""

from __future__ import annotations

from configurator.handoff.compare import differences, plain
from configurator.handoff.plan import Plan, Step


def test_netbox_values_reduce_to_ids_and_choice_values() -> None:
    """Nested objects become ids, choices their value, terminations (type, id)."""
    assert plain({"id": 4, "name": "Lyon", "url": "x"}) == 4
    assert plain({"value": "planned", "label": "Planned"}) == "planned"
    assert plain([{"object_type": "dcim.powerport", "object_id": 9, "object": {}}]) == [
        ("dcim.powerport", 9)
    ]


def test_equal_objects_have_no_differences_whatever_netbox_adds() -> None:
    """Extra tags, another revision, numbers as floats and empty text count as equal."""
    wanted = {
        "name": "R250 (L5)",
        "position": 5.0,
        "comments": "",
        "tags": [1],
        "custom_fields": {"mdc_build_id": 7, "mdc_build_revision": 4, "mdc_key": "b7/device/L5"},
        "rack": 3,
    }
    record = {
        "name": "R250 (L5)",
        "position": 5,
        "comments": None,
        "tags": [{"id": 1, "slug": "mdc-configurator"}, {"id": 9, "slug": "ops"}],
        "custom_fields": {"mdc_build_id": 7, "mdc_build_revision": 2, "mdc_key": "b7/device/L5"},
        "rack": {"id": 3, "name": "Main rack (L1)"},
    }
    assert differences(wanted, record) == {}


def test_a_moved_device_and_a_re_plugged_cable_aredifferences() -> None:
    """A position, a face and a cable's far end are compared by value."""
    assert differences(
        {"position": 7.0, "face": "rear"},
        {"position": 5, "face": {"value": "front", "label": "Front"}},
    ) == {
        "position": (5, 7.0),
        "face": ("front", "rear"),
    }
    wanted = {"b_terminations": [{"object_type": "dcim.poweroutlet", "object_id": 12}]}
    record = {"b_terminations": [{"object_type": "dcim.poweroutlet", "object_id": 11}]}
    assert "b_terminations" in differences(wanted, record)


def test_plan_counts_and_writes() -> None:
    """Counts per action; writes are creates, updates and deletes."""
    plan = Plan(
        steps=[
            Step("a", "dcim.devices", "a", "create"),
            Step("b", "dcim.devices", "b", "unchanged"),
            Step("c", "dcim.cables", "c", "delete"),
            Step("d", "dcim.power_ports", "d", "from_template"),
        ]
    )
    assert plan.counts == {
        "create": 1,
        "update": 0,
        "delete": 1,
        "unchanged": 1,
        "from_template": 1,
    }
    assert plan.writes == 2
    assert plan.as_dict()["steps"][0]["action"] == "create"
