"""seed_catalog: all-or-nothing, idempotent upserts from a catalogue JSON file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Component, Manufacturer

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parent / "fixtures" / "small_catalog.json"


def seed(path: Path) -> str:
    out = StringIO()
    call_command("seed_catalog", "--file", str(path), stdout=out)
    return out.getvalue()


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    # Same file name as the fixture: source_ref records it, so a rename is a change.
    path = tmp_path / SMALL.name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_seed_loads_everything_and_is_idempotent() -> None:
    """The first run creates every row; the second creates and updates nothing."""
    first = seed(SMALL)
    assert "Components: 4 created, 0 updated, 0 unchanged" in first
    assert "Manufacturers: 2 created" in first
    assert Component.objects.count() == 4
    bundle = Component.objects.get(sku="EDGE-KIT-1")
    assert bundle.source == "seed"
    assert bundle.spec["members"][1] == {
        "manufacturer": "Globex Compute",
        "sku": "SRV-1U",
        "quantity": 2,
    }
    assert Manufacturer.objects.get(name="Acme Power").website.startswith("https://")

    second = seed(SMALL)
    assert "Components: 0 created, 0 updated, 4 unchanged" in second
    assert "Manufacturers: 0 created, 0 updated, 2 unchanged" in second


def test_seed_updates_changed_rows_only(tmp_path: Path) -> None:
    """A changed price updates that row and leaves the others alone."""
    seed(SMALL)
    data = json.loads(SMALL.read_text())
    data["components"][1]["list_price"] = "1750.00"
    output = seed(write(tmp_path, data))
    assert "Components: 0 created, 1 updated, 3 unchanged" in output
    assert str(Component.objects.get(sku="UPS-3K").list_price) == "1750.00"


def test_seed_keeps_unknown_power_unknown() -> None:
    """A null power figure stays null (unknown), never 0."""
    seed(SMALL)
    rack = Component.objects.get(sku="RACK-42")
    assert rack.nameplate_w is None
    assert rack.typical_w is None


def test_invalid_row_aborts_everything_and_names_row_and_field(tmp_path: Path) -> None:
    """One bad row rolls back the whole load; the error names the row, SKU and field."""
    data = json.loads(SMALL.read_text())
    data["components"][2]["spec"]["psu_count"] = -1
    with pytest.raises(CommandError) as info:
        seed(write(tmp_path, data))
    message = str(info.value)
    assert "components[2]" in message
    assert "SRV-1U" in message
    assert "spec.psu_count" in message
    assert not Component.objects.exists()
    assert not Manufacturer.objects.exists()


def test_bundle_with_missing_member_aborts(tmp_path: Path) -> None:
    """Bundles are loaded last and their members must exist."""
    data = json.loads(SMALL.read_text())
    data["components"][0]["spec"]["members"][0]["sku"] = "NOPE"
    with pytest.raises(CommandError) as info:
        seed(write(tmp_path, data))
    assert "components[0]" in str(info.value)
    assert "spec.members.0" in str(info.value)
    assert not Component.objects.exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("not json", "not valid JSON"),
        ('{"version": 2}', "version"),
        ('{"version": 1, "components": {}}', "must be a list"),
        (
            '{"version": 1, "components": [{"manufacturer": "A", "sku": "B", "colour": 1}]}',
            "unknown key(s) colour",
        ),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, content: str, fragment: str) -> None:
    """A file in the wrong shape fails with a readable message."""
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=None) as info:
        seed(path)
    assert fragment in str(info.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A missing file says which path it looked for."""
    with pytest.raises(CommandError, match="not found"):
        seed(tmp_path / "nope.json")
