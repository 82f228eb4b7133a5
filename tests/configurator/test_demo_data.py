"""seed_demo's data files are checked as they are read: a bad row names its file and row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from configurator.management.demo_data import (
    BUILDS_FILE,
    TENANCY_FILE,
    DemoDataError,
    load_demo_data,
)


def _write(tmp_path: Path, source: Path, change: Callable[[Any], None] | None) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _load(tmp_path: Path, *, builds: Any = None, tenancy: Any = None) -> Any:
    return load_demo_data(
        tenancy=_write(tmp_path, TENANCY_FILE, tenancy),
        builds=_write(tmp_path, BUILDS_FILE, builds),
    )


def test_shipped_demo_data_loads() -> None:
    """Two organisations, five users, seven builds whose lines name earlier lines only."""
    data = load_demo_data()
    assert [o.slug for o in data.organisations] == ["demo", "northwind"]
    assert len(data.users) == 5
    assert len(data.builds) == 7
    assert data.builds_organisation == "demo"


def test_rewritten_files_load_the_same(tmp_path: Path) -> None:
    """The helper's round trip through YAML changes nothing (the cases below rely on it)."""
    assert _load(tmp_path) == load_demo_data()


def _set(path: list[Any], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["builds", 0, "lines", 3, 3, "feed_a"], "nowhere"),
            "builds.yaml: builds[0] (retail_store_rack) lines[3] (nvr): feed_a names "
            "'nowhere', which no earlier line has.",
        ),
        (
            _set(["builds", 0, "lines", 1, 3, "rack"], "fan"),
            "lines[1] (ups): rack names 'fan', which no earlier line has.",
        ),
        (
            _set(["builds", 1, "lines", 2, 3, "shelf"], 3),
            "builds.yaml: builds[1] (gpu_inference_overloaded) lines[2] (pdu_a): unknown key(s) "
            "shelf.",
        ),
        (
            _set(["builds", 1, "lines", 2], ["pdu_a", "Northbeam Power"]),
            "builds[1] (gpu_inference_overloaded) lines[2]: must be [key, manufacturer, sku",
        ),
        (
            _set(["builds", 1, "lines", 3, 0], "pdu_a"),
            "lines[3] (pdu_a): key 'pdu_a' is used twice in this build.",
        ),
        (
            _set(["builds", 2, "site"], "moon"),
            "builds.yaml: builds[2] (telecom_tower_outdoor): site 'moon' is not under sites.",
        ),
        (
            _set(["builds", 3, "policy", "required_runtime_min"], -5),
            "builds.yaml: builds[3] (hospital_edge_2n): policy:",
        ),
        (
            _set(["sites", "lyon", "ceiling_m"], 3),
            "builds.yaml: sites.lyon: unknown key(s) ceiling_m.",
        ),
        (_set(["author"], "nobody"), "builds.yaml: author 'nobody' is not a user"),
    ],
)
def test_a_bad_build_row_is_named(tmp_path: Path, change: Any, message: str) -> None:
    """The error names the file, the build and the line or field at fault."""
    with pytest.raises(DemoDataError) as caught:
        _load(tmp_path, builds=change)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["users", 2, "role"], "janitor"),
            "tenancy.yaml: users[2] (sales): role: 'janitor' is not one of admin,",
        ),
        (
            _set(["users", 0, "organisation"], "acme"),
            "tenancy.yaml: users[0] (admin): organisation 'acme' is not listed above.",
        ),
        (
            _set(["users", 1, "staff"], "yes"),
            "tenancy.yaml: users[1] (catalogue): staff: must be true or false, not 'yes'.",
        ),
        (
            _set(["organisations", 1, "served_by"], "northwind"),
            "tenancy.yaml: organisations[1] (northwind): served_by 'northwind' is not a seller",
        ),
        (
            _set(["organisations", 0, "letterhead", "fax"], "none"),
            "tenancy.yaml: organisations[0] (demo): letterhead: unknown key(s) fax.",
        ),
    ],
)
def test_a_bad_tenancy_row_is_named(tmp_path: Path, change: Any, message: str) -> None:
    """The error names the file, the row and the field at fault."""
    with pytest.raises(DemoDataError) as caught:
        _load(tmp_path, tenancy=change)
    assert message in str(caught.value)
