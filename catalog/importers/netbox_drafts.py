"""What every NetBox mapping produces: a component draft, its import notes and the figures it
had to assume.

Part of the NetBox importer (catalog.importers.netbox has the rules).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.assumed import AssumedFigure, assumed_entry
from catalog.importers.netbox_read import DeviceTypeError, text_field

SOURCE_NETBOX = "netbox"


@dataclass
class Assumptions:
    """Figures a draft had to assume: the structured list for ``Component.assumed`` and the
    short labels of the ``spec assumed from import: ...`` comment line."""

    entries: list[AssumedFigure] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def add(self, path: str, value: Any, why: str, label: str = "") -> None:
        self.entries.append(assumed_entry(path, value, why))
        if label:
            self.labels.append(label)


def assumed_note(labels: Sequence[str]) -> str:
    """The comment line that names the assumed figures."""
    return "spec assumed from import: " + ", ".join(labels)


@dataclass(frozen=True)
class ComponentDraft:
    """One catalogue row mapped from a library file, before it meets the database."""

    path: str
    manufacturer: str
    sku: str
    kind: str
    kind_rule: str
    fields: dict[str, Any]
    notes: tuple[str, ...] = ()
    # IT kinds: "stated" when the library's text says liquid-cooled, else "absent" (reference 8;
    # netbox_liquid). Other kinds: "" (not applicable).
    liquid: str = ""


def source_document(data: Mapping[str, Any]) -> dict[str, Any]:
    """The file's mapping as JSON values, kept on the component for the NetBox hand-off.

    YAML may hold dates or other scalars JSON lacks; they are kept as text, so a re-import of
    an unchanged file stores an equal value and leaves the row unchanged.
    """
    return json.loads(json.dumps(dict(data), default=str, sort_keys=True))


def comments_with_notes(original: str, notes: Sequence[str]) -> str:
    """The file's comments followed by the import notes."""
    if not notes:
        return original
    block = "Import notes (NetBox devicetype-library):\n" + "\n".join(f"- {n}" for n in notes)
    return f"{original}\n\n{block}" if original else block


def identity(data: Mapping[str, Any], ref: str) -> tuple[str, str, str]:
    """Manufacturer, model and SKU (part number, else model, else slug) of a file."""
    manufacturer = text_field(data, "manufacturer")
    model = text_field(data, "model")
    if not manufacturer:
        raise DeviceTypeError(ref, "manufacturer", "required")
    if not model:
        raise DeviceTypeError(ref, "model", "required")
    sku = text_field(data, "part_number") or model or text_field(data, "slug")
    if len(sku) > 100:
        raise DeviceTypeError(ref, "part_number", f"SKU longer than 100 characters: {sku!r}")
    return manufacturer, model, sku
