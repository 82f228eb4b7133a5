"""NetBox rack types, issue 12: defaults come from the form factor and are listed as assumed.

The 680 kg EIA rating is a floor rack's; a wall cabinet gets the low end of its usual
50-100 kg (engineering reference 3). Checked on synthetic YAML and on the shared subset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.importers.netbox import parse_library
from catalog.importers.netbox_racks import FLOOR_RACK, WALL_CABINET, rack_defaults
from tests.catalog.netbox_samples import LIBRARY, needs_library, subset_drafts, write_yaml


def _rack(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"manufacturer": "Acme", "model": "Cab", "slug": "acme-cab"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _draft(tmp_path: Path, data: dict[str, Any]) -> Any:
    write_yaml(tmp_path, "rack-types/Acme/cab.yaml", data)
    (draft,) = parse_library([tmp_path]).drafts
    return draft


def _assumed(draft: Any) -> dict[str, Any]:
    return {entry["field"]: entry["value"] for entry in draft.fields["assumed"]}


@pytest.mark.parametrize(
    ("form_factor", "defaults"),
    [
        ("wall-cabinet", WALL_CABINET),
        ("wall-frame", WALL_CABINET),
        ("wall-cabinet-vertical", WALL_CABINET),
        ("4-post-cabinet", FLOOR_RACK),
        ("4-post-frame", FLOOR_RACK),
        ("2-post-frame", FLOOR_RACK),
        ("", FLOOR_RACK),
    ],
)
def test_rack_defaults_come_from_the_form_factor(form_factor: str, defaults: Any) -> None:
    """wall-* are wall cabinets; frames, cabinets and an unstated form factor stand on a floor."""
    assert rack_defaults(form_factor) is defaults


def test_wall_cabinet_without_a_rating_gets_50_kg_not_680(tmp_path: Path) -> None:
    """680 kg would overstate a wall cabinet by an order of magnitude."""
    draft = _draft(tmp_path, _rack(form_factor="wall-cabinet", u_height=12, outer_depth=450))
    spec = draft.fields["spec"]
    assert (spec["static_load_kg"], spec["wall_mount"]) == (50.0, True)
    assert _assumed(draft)["spec.static_load_kg"] == 50.0
    assert (
        "static load rating not in source; 50 kg assumed (wall-mount cabinet, low end of the "
        "usual 50-100 kg)" in draft.fields["comments"]
    )


def test_floor_rack_without_a_rating_keeps_the_eia_680_kg_listed_as_assumed(
    tmp_path: Path,
) -> None:
    """The historic 680 kg is the lower of a floor rack's two usual ratings (680 / 1,360 kg)."""
    draft = _draft(tmp_path, _rack(form_factor="4-post-cabinet", u_height=42))
    assert draft.fields["spec"]["static_load_kg"] == 680.0
    assert "wall_mount" not in draft.fields["spec"]
    (entry,) = [e for e in draft.fields["assumed"] if e["field"] == "spec.static_load_kg"]
    assert "lower of 680 / 1,360 kg" in entry["why"]


@pytest.mark.parametrize(
    ("form_factor", "u", "width", "depth"),
    [("wall-cabinet", 6, 600.0, 400.0), ("4-post-cabinet", 42, 600.0, 600.0)],
)
def test_missing_size_takes_the_form_factor_s_smallest_usual_figures(
    tmp_path: Path, form_factor: str, u: int, width: float, depth: float
) -> None:
    """Units, width and depth default to the side that never overstates the rack."""
    draft = _draft(tmp_path, _rack(form_factor=form_factor, max_weight=80, weight_unit="kg"))
    spec = draft.fields["spec"]
    assert (spec["u"], spec["width_mm"], spec["depth_mm"]) == (u, width, depth)
    assert draft.fields["depth_mm"] == depth
    assert _assumed(draft) == {"spec.u": u, "spec.width_mm": width, "spec.depth_mm": depth}


def test_rack_with_every_figure_stated_assumes_nothing(tmp_path: Path) -> None:
    """Nothing is listed when the file states it all (a description load counts as stated)."""
    draft = _draft(
        tmp_path,
        _rack(
            form_factor="4-post-cabinet", u_height=42, outer_width=600, outer_depth=1000,
            outer_unit="mm", description="42U cabinet, load rating 800 kg",
        ),
    )  # fmt: skip
    assert draft.fields["spec"]["static_load_kg"] == 800
    assert draft.fields["assumed"] == []


@pytest.mark.parametrize(
    ("description", "assumed"),
    [
        ("Outdoor enclosure", {"spec.ip_rating", "spec.ambient_min_c", "spec.ambient_max_c"}),
        ("Outdoor enclosure IP55", {"spec.ambient_min_c", "spec.ambient_max_c"}),
        ("Indoor cabinet", set()),
    ],
)
def test_outdoor_enclosure_lists_its_unstated_protection_and_climate(
    tmp_path: Path, description: str, assumed: set[str]
) -> None:
    """NetBox carries no IP rating or ambient range: for an outdoor enclosure they are said to
    be assumed (IP20 by default, so the engine refuses it outdoors until it is set)."""
    draft = _draft(
        tmp_path,
        _rack(
            form_factor="4-post-cabinet", u_height=12, outer_width=600, outer_depth=600,
            max_weight=300, weight_unit="kg", description=description,
        ),
    )  # fmt: skip
    assert set(_assumed(draft)) == assumed


@needs_library
def test_subset_wall_cabinets_are_wall_mounted_with_their_own_ratings() -> None:
    """The three wall cabinets of the subset state 60-100 kg; none carries an assumed load."""
    drafts = subset_drafts()
    walls = {
        path: draft.fields["spec"]["static_load_kg"]
        for path, draft in drafts.items()
        if draft.kind == "rack" and draft.fields["spec"].get("wall_mount")
    }
    assert walls == {
        "rack-types/Cabeus/SH-05F-18U60-45-BK.yaml": 60.0,
        "rack-types/Digitus/DN-19-07-U.yml": 100.0,
        "rack-types/Digitus/DN-19-12-U.yml": 100.0,
    }
    racks = [d for d in drafts.values() if d.kind == "rack"]
    assert not [d.path for d in racks if "spec.static_load_kg" in _assumed(d)]
    outdoor = drafts["rack-types/CMO/SHTV-1-12.7.6-43AA-T1.yaml"]
    assert set(_assumed(outdoor)) == {"spec.ambient_min_c", "spec.ambient_max_c"}


@needs_library
def test_subset_wall_cabinet_without_its_rating_falls_back_to_50_kg(tmp_path: Path) -> None:
    """Digitus DN-19-07-U with max_weight removed: 50 kg, where the old rule said 680 kg."""
    data = yaml.safe_load((LIBRARY / "rack-types/Digitus/DN-19-07-U.yml").read_text("utf-8"))
    del data["max_weight"]
    draft = _draft(tmp_path, data)
    assert draft.fields["spec"]["static_load_kg"] == 50.0
    assert _assumed(draft)["spec.static_load_kg"] == 50.0
