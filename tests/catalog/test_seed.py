"""seed_catalog: all-or-nothing, idempotent upserts from the demo data files or a JSON file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.demo import load_demo_catalog
from catalog.models import Component, Manufacturer
from rules.specs import spec_model_for

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


def test_seed_loads_the_demo_data_files_by_default_and_is_idempotent() -> None:
    """With no --file it upserts every row of catalog/fixtures/demo/*.yaml, then nothing."""
    demo = load_demo_catalog()
    makers, rows = len(demo["manufacturers"]), len(demo["components"])
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    assert f"Manufacturers: {makers} created" in out.getvalue()
    assert f"Components: {rows} created, 0 updated, 0 unchanged" in out.getvalue()
    stored = {
        (c.manufacturer.name, c.sku): c for c in Component.objects.select_related("manufacturer")
    }
    for row in demo["components"]:
        component = stored[row["manufacturer"], row["sku"]]
        assert component.source_ref == "demo"
        model = spec_model_for(row["kind"])
        assert component.model_name == row["model_name"]
        assert (str(component.list_price), str(component.cost_price)) == (
            row["list_price"],
            row["cost_price"],
        )
        assert model.model_validate(component.spec) == model.model_validate(row["spec"])
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    assert f"Components: 0 created, 0 updated, {rows} unchanged" in out.getvalue()


def test_seed_reads_a_folder_of_yaml_data_files(tmp_path: Path) -> None:
    """--file may name a folder of data files; a malformed one changes nothing."""
    small = json.loads(SMALL.read_text())  # JSON is YAML too
    (tmp_path / "manufacturers.yaml").write_text(
        json.dumps({"manufacturers": small["manufacturers"]})
    )
    (tmp_path / "racks.yaml").write_text(json.dumps({"components": small["components"][3:]}))
    assert "Components: 1 created" in seed(tmp_path)
    assert Component.objects.get(sku="RACK-42").source_ref == tmp_path.name
    (tmp_path / "racks.yaml").write_text("components: [\n")
    with pytest.raises(CommandError, match=r"racks\.yaml is not valid YAML"):
        seed(tmp_path)


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
