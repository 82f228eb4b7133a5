"""Helpers of the NetBox importer tests: the shared subset, and synthetic YAML written to disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.importers.netbox import ComponentDraft, parse_library

# The repository sits next to a `shared/` folder (also in CI, where the clone has it beside).
LIBRARY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "devicetype-library"
needs_library = pytest.mark.skipif(
    not (LIBRARY / "device-types").is_dir(),
    reason=f"shared devicetype-library subset not found at {LIBRARY.resolve()}",
)


def subset_drafts() -> dict[str, ComponentDraft]:
    """Every draft of the shared subset, by its path in the library."""
    return {draft.path: draft for draft in parse_library([LIBRARY]).drafts}


def write_yaml(root: Path, rel: str, data: dict[str, Any] | str) -> Path:
    """A library file at ``root/rel``: a mapping dumped as YAML, or YAML text as given."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def device(model: str, **fields: Any) -> dict[str, Any]:
    """A device type of Acme with one data interface, overridden by ``fields``."""
    data: dict[str, Any] = {
        "manufacturer": "Acme",
        "model": model,
        "slug": "acme-" + model.lower().replace(" ", "-"),
        "u_height": 1,
        "interfaces": [{"name": "eth0", "type": "1000base-t"}],
    }
    data.update(fields)
    return data


def interfaces(count: int, kind: str = "1000base-t") -> list[dict[str, str]]:
    return [{"name": f"port{i}", "type": kind} for i in range(count)]


def inlets(*names: str, kind: str = "iec-60320-c14", draw: float | None = None) -> list[Any]:
    ports: list[dict[str, Any]] = []
    for name in names:
        port: dict[str, Any] = {"name": name, "type": kind}
        if draw is not None:
            port["maximum_draw"] = draw
        ports.append(port)
    return ports


def outlets(count: int, kind: str = "iec-60320-c13") -> list[dict[str, str]]:
    return [{"name": str(i + 1), "type": kind} for i in range(count)]


def parse_one(tmp_path: Path, data: dict[str, Any] | str, rel: str = "") -> ComponentDraft:
    """Write one device-type file and map it through the importer, as a library would."""
    name = rel or "device-types/Acme/sample.yaml"
    write_yaml(tmp_path, name, data)
    (draft,) = parse_library([tmp_path]).drafts
    return draft
