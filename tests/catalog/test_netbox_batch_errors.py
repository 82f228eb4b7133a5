"""NetBox import errors, issue 12: a batch reports every bad file; duplicates name both files
and ``--prefer`` chooses between them; empty folders and non-YAML files are errors."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers.netbox import DeviceTypeErrors, parse_library
from catalog.models import Component
from tests.catalog.netbox_samples import LIBRARY, device, needs_library, write_yaml

pytestmark = pytest.mark.django_db


def _import(*args: str) -> str:
    out = StringIO()
    call_command("import_devicetypes", *args, stdout=out)
    return out.getvalue()


def _error(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        _import(*args)
    assert Component.objects.count() == 0, "a failed batch must write nothing"
    return str(info.value)


def test_every_bad_file_of_a_batch_is_reported(tmp_path: Path) -> None:
    """Two unreadable files and one the catalogue refuses: all three named, nothing written."""
    write_yaml(tmp_path, "device-types/Acme/good.yaml", device("Good"))
    write_yaml(tmp_path, "device-types/Acme/bad-u.yaml", device("Bad U", u_height="abc"))
    write_yaml(tmp_path, "device-types/Acme/broken.yaml", "model: [unclosed\n")
    write_yaml(
        tmp_path,
        "rack-types/Acme/deep.yaml",
        {"manufacturer": "Acme", "model": "Deep", "form_factor": "4-post-cabinet",
         "outer_depth": 800, "mounting_depth": 900, "max_weight": 500, "weight_unit": "kg"},
    )  # fmt: skip
    message = _error(str(tmp_path))
    lines = message.splitlines()
    assert lines[0] == "device-types/Acme/bad-u.yaml: u_height: could not convert 'abc'"
    assert lines[1].startswith("device-types/Acme/broken.yaml: invalid YAML")
    assert any(
        line.startswith("rack-types/Acme/deep.yaml: ")
        and "max_device_depth_mm cannot exceed depth_mm" in line
        for line in lines
    )
    assert lines[-1] == "3 files cannot be imported. Nothing was imported."
    assert len(lines) == 4  # one line per bad file, even for PyYAML's multi-line messages


def test_one_bad_file_keeps_the_single_line_message(tmp_path: Path) -> None:
    """With one bad file the message is that file's line, as before."""
    write_yaml(tmp_path, "device-types/Acme/bad-u.yaml", device("Bad U", u_height="abc"))
    assert _error(str(tmp_path)) == (
        "device-types/Acme/bad-u.yaml: u_height: could not convert 'abc'. Nothing was imported."
    )


def test_folder_without_yaml_is_an_error(tmp_path: Path) -> None:
    """An empty folder (or one of images only) imports nothing by mistake: say so."""
    good = tmp_path / "good"
    write_yaml(good, "device-types/Acme/good.yaml", device("Good"))
    empty = tmp_path / "empty"
    (empty / "images").mkdir(parents=True)
    (empty / "images" / "front.png").write_bytes(b"\x89PNG")
    message = _error(str(good), str(empty))
    assert (
        message == f"{empty}: no YAML files (*.yaml, *.yml) in this folder. Nothing was imported."
    )


@pytest.mark.parametrize("name", ["README.md", "device.json", "notes.txt"])
def test_non_yaml_file_passed_by_name_is_an_error(tmp_path: Path, name: str) -> None:
    """A file named on the command line must be YAML; in a folder others are skipped quietly."""
    path = tmp_path / name
    path.write_text("manufacturer: Acme\nmodel: X\n", encoding="utf-8")
    assert _error(str(path)) == (
        f"{path}: not a YAML file; expected *.yaml or *.yml. Nothing was imported."
    )


def test_missing_path_is_reported_with_the_others(tmp_path: Path) -> None:
    """A typo in one path is reported beside the other problems."""
    write_yaml(tmp_path, "device-types/Acme/bad-u.yaml", device("Bad U", u_height="abc"))
    message = _error(str(tmp_path), str(tmp_path / "nope"))
    assert f"{tmp_path / 'nope'}: no such file or directory" in message
    assert "device-types/Acme/bad-u.yaml: u_height" in message


# --------------------------------------------------------------------------- duplicates


def _duplicates(tmp_path: Path) -> tuple[Path, Path]:
    """The same part number of one maker in two files of one batch."""
    old = write_yaml(tmp_path, "old/device-types/Acme/box.yaml", device("Box", part_number="B-1"))
    new = write_yaml(
        tmp_path, "new/device-types/Acme/box-v2.yaml", device("Box v2", part_number="B-1")
    )
    return old, new


def test_duplicate_part_numbers_name_both_files_and_how_to_choose(tmp_path: Path) -> None:
    """Neither is imported silently: both files are named, and --prefer is suggested."""
    _duplicates(tmp_path)
    message = _error(str(tmp_path / "new"), str(tmp_path / "old"))
    assert message == (
        "device-types/Acme/box-v2.yaml: part_number: SKU 'B-1' of Acme is also in "
        "device-types/Acme/box.yaml; choose one with --prefer PATH (that file, or a folder "
        "holding it). Nothing was imported."
    )


@pytest.mark.parametrize("prefer", ["file", "folder"])
def test_prefer_chooses_between_duplicates(tmp_path: Path, prefer: str) -> None:
    """--prefer names the file to keep (or a folder holding it); the other is skipped."""
    _, new = _duplicates(tmp_path)
    chosen = str(new) if prefer == "file" else str(tmp_path / "new")
    out = _import(str(tmp_path / "old"), str(tmp_path / "new"), "--prefer", chosen)
    assert Component.objects.get(sku="B-1").model_name == "Box v2"
    assert (
        "skipped  Acme B-1  <- device-types/Acme/box.yaml "
        "(same SKU as device-types/Acme/box-v2.yaml, chosen by --prefer)" in out
    )


def test_prefer_matching_both_duplicates_is_still_an_error(tmp_path: Path) -> None:
    """A --prefer that holds both files does not choose."""
    _duplicates(tmp_path)
    message = _error(str(tmp_path), "--prefer", str(tmp_path))
    assert "and --prefer matches more than one of them" in message


def test_prefer_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    """A mistyped --prefer is reported, not ignored."""
    write_yaml(tmp_path, "device-types/Acme/good.yaml", device("Good"))
    message = _error(str(tmp_path), "--prefer", str(tmp_path / "nope"))
    assert message.startswith(f"{tmp_path / 'nope'}: --prefer: no such file or directory")


def test_parse_library_raises_every_error_at_once(tmp_path: Path) -> None:
    """The importer's API reports the same list, ordered by path."""
    write_yaml(tmp_path, "device-types/Acme/b.yaml", device("B", u_height="x"))
    write_yaml(tmp_path, "device-types/Acme/a.yaml", device("A", u_height=0.3))
    with pytest.raises(DeviceTypeErrors) as info:
        parse_library([tmp_path])
    assert [e.path for e in info.value.errors] == [
        "device-types/Acme/a.yaml",
        "device-types/Acme/b.yaml",
    ]
    parsed = parse_library([tmp_path], raise_errors=False)
    assert (parsed.drafts, len(parsed.errors)) == ([], 2)


@needs_library
def test_subset_file_copied_elsewhere_is_a_duplicate_until_one_is_preferred(
    tmp_path: Path,
) -> None:
    """The subset plus a copy of one of its files: reported; --prefer the library imports it."""
    copy = tmp_path / "device-types" / "Dell" / "PowerEdge-R640-copy.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy(LIBRARY / "device-types/Dell/PowerEdge-R640.yaml", copy)
    message = _error(str(LIBRARY), str(tmp_path))
    assert "SKU 'PowerEdge R640' of Dell is also in" in message
    assert "device-types/Dell/PowerEdge-R640.yaml" in message
    assert "device-types/Dell/PowerEdge-R640-copy.yaml" in message

    out = _import(str(LIBRARY), str(tmp_path), "--prefer", str(LIBRARY))
    assert "imported 229 components" in out
    r640 = Component.objects.get(sku="PowerEdge R640")
    assert r640.source_ref == "device-types/Dell/PowerEdge-R640.yaml"
