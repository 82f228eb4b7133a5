"""catalog.demo: the demo catalogue's YAML data files read into one catalogue, or refused."""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog import demo
from catalog.demo import DEMO_DIR, DemoCatalogError, load_demo_catalog

ROOT = Path(__file__).resolve().parents[2]
MAKERS = "manufacturers:\n  - {name: Acme Power, website: https://acme.example}\n"
UPS = """\
defaults:
  kind: ups
  currency: EUR
  spec: {kind: ups, input_voltage_v: 230}
components:
  - manufacturer: Acme Power
    sku: UPS-3K
    list_price: 1790.5
    cost_price: 1200
    weight_kg: 31.5
    u_height: 2
    nameplate_w: 450
    spec: {kw: 2.7, input_voltage_v: 120}
"""


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_entries_take_their_file_defaults_and_merge_the_spec(tmp_path: Path) -> None:
    """An entry gets its file's defaults; the spec merges key by key, the entry winning."""
    catalogue = load_demo_catalog(write(tmp_path, manufacturers=MAKERS, ups=UPS))
    (row,) = catalogue["components"]
    assert catalogue["version"] == 1
    assert catalogue["manufacturers"] == [{"name": "Acme Power", "website": "https://acme.example"}]
    assert row["kind"] == "ups"
    assert row["currency"] == "EUR"
    assert row["spec"] == {"kind": "ups", "input_voltage_v": 120, "kw": 2.7}
    assert list(row)[:3] == ["manufacturer", "sku", "kind"], "rows keep the file format's order"


def test_decimal_columns_come_out_in_fixed_point(tmp_path: Path) -> None:
    """Money and kg get two decimals, watts one, rack units no trailing zeros."""
    (row,) = load_demo_catalog(write(tmp_path, manufacturers=MAKERS, ups=UPS))["components"]
    assert row["list_price"] == "1790.50"
    assert row["cost_price"] == "1200.00"
    assert row["weight_kg"] == "31.50"
    assert row["nameplate_w"] == "450.0"
    assert row["u_height"] == "2"


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("list_price: 1790.5", "list_price: 1790.505", "list_price: 1790.505 has more than 2"),
        ("nameplate_w: 450", "nameplate_w: 450.25", "nameplate_w: 450.25 has more than 1"),
        ("weight_kg: 31.5", "weight_kg: heavy", "weight_kg: 'heavy' is not a number"),
        ("weight_kg: 31.5", "weight_kg: .nan", "is not a finite number"),
        ("u_height: 2", "u_height: true", "u_height: True is not a number"),
        ("manufacturer: Acme Power", "manufacturer: Acme Powr", "'Acme Powr' is not listed"),
        ("spec: {kw: 2.7, input_voltage_v: 120}", "spec: [1]", "spec must be a mapping"),
    ],
)
def test_bad_entries_are_refused_with_file_and_entry(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    """A figure that would be rounded or misread is refused, naming file, entry and field."""
    text = UPS.replace(old, new)
    assert text != UPS
    with pytest.raises(DemoCatalogError) as info:
        load_demo_catalog(write(tmp_path, manufacturers=MAKERS, ups=text))
    assert "ups.yaml: components[0]" in str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ({"ups": UPS, "ups_more": UPS}, "UPS-3K' of 'Acme Power' is already defined in ups.yaml"),
        ({"ups": UPS + "comments: []\n"}, "ups.yaml: unknown key(s) comments"),
        ({"ups": "components: {sku: X}\n"}, "ups.yaml: components must be a list"),
        ({"ups": "- just a list\n"}, "ups.yaml: expected a mapping"),
        ({"ups": "components: [\n"}, "ups.yaml is not valid YAML"),
        ({"ups": "defaults: [1]\n"}, "ups.yaml: defaults must be a mapping"),
        ({"more": MAKERS}, "'Acme Power' is listed twice"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, files: dict[str, str], fragment: str) -> None:
    """Duplicates, unknown keys and broken YAML fail with a message naming the file."""
    with pytest.raises(DemoCatalogError) as info:
        load_demo_catalog(write(tmp_path, manufacturers=MAKERS, **files))
    assert fragment in str(info.value)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    """A folder without data files is an error, not an empty catalogue."""
    with pytest.raises(DemoCatalogError, match=r"no \*\.yaml data files"):
        load_demo_catalog(tmp_path)


def test_each_data_file_holds_one_kind() -> None:
    """Each file holds the components of one kind (network.yaml: switches and routers)."""
    for path in sorted(DEMO_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "manufacturers.yaml":
            assert set(data) == {"manufacturers"}
            continue
        default = data.get("defaults", {}).get("kind")
        kinds = {entry.get("kind", default) for entry in data["components"]}
        expected = {"switch", "router"} if path.name == "network.yaml" else {default}
        assert kinds == expected, path.name


def test_loader_imports_no_django() -> None:
    """catalog.demo is plain Python, so the data tests and scripts read it without Django."""
    tree = ast.parse(Path(demo.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert not imported & {"django", "rest_framework", "configurator"}


def test_data_files_are_packaged() -> None:
    """pyproject ships catalog/fixtures/demo/*.yaml: the folder is found and *.yaml included."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert any(
        fnmatch.fnmatch("catalog.fixtures.demo", pattern)
        for pattern in setuptools["packages"]["find"]["include"]
    )
    assert setuptools["packages"]["find"].get("namespaces", True), "folders without __init__"
    patterns = [
        pattern
        for package in ("*", "catalog", "catalog.fixtures.demo")
        for pattern in setuptools["package-data"].get(package, [])
    ]
    assert "*.yaml" in patterns
