"""What the mapping is made of: NetBox object descriptions, references, the input, the output.

Also the hand-off's own marks in NetBox (tag, custom fields), the order NetBox objects are
written in, and the small text helpers every object family uses (slugs, labels, numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from rules.model import BuildSpec

TAG_SLUG = "mdc-configurator"
TAG_NAME = "MDC configurator"
CF_BUILD = "mdc_build_id"
CF_REVISION = "mdc_build_revision"
CF_KEY = "mdc_key"
# Object types that carry the hand-off's custom fields (NetBox "app_label.model").
OWNED_TYPES = ("dcim.rack", "dcim.device", "dcim.powerpanel", "dcim.powerfeed", "dcim.cable")
CUSTOM_FIELDS = {
    CF_BUILD: ("integer", "MDC build", "Id of the configurator build this object comes from."),
    CF_REVISION: (
        "integer",
        "MDC build revision",
        "Build revision that last wrote this object (unchanged objects keep their revision).",
    ),
    CF_KEY: ("text", "MDC key", "The object's identity in the configurator: build/kind/line."),
}

# Dependency order of the writes; deletes go the other way.
ENDPOINT_ORDER = (
    "extras.tags",
    "extras.custom_fields",
    "dcim.manufacturers",
    "dcim.device_roles",
    "dcim.sites",
    "dcim.racks",
    "dcim.device_types",
    "dcim.power_port_templates",
    "dcim.power_outlet_templates",
    "dcim.devices",
    "dcim.power_ports",
    "dcim.power_outlets",
    "dcim.power_panels",
    "dcim.power_feeds",
    "dcim.cables",
)
NAME_MAX = 64


@dataclass(frozen=True)
class Ref:
    """Another object of the mapping, by key; the plan puts its NetBox id in its place."""

    key: str


@dataclass(frozen=True)
class NetBoxObject:
    """One NetBox object the hand-off wants to exist, and how to find it there.

    ``owned`` objects (racks, devices, power panel, feeds, cables) carry the tag and the custom
    fields; they are found by ``mdc_key`` and kept equal to ``fields``. Other objects are
    found by ``match`` (alternative filter sets, first hit wins): ``create_only`` ones are
    created when missing and otherwise left as operations keep them; ``must_exist`` ones
    (manufacturers, unless the connection may create them) stop the push when missing.
    """

    key: str
    endpoint: str
    label: str
    fields: dict[str, Any]
    match: tuple[dict[str, Any], ...] = ()
    policy: Literal["managed", "create_only", "must_exist"] = "managed"
    owned: bool = False
    note: str = ""


@dataclass(frozen=True)
class CatalogueRow:
    """What the hand-off needs of a catalogue component beyond the engine's view of it."""

    component_id: int
    manufacturer: str
    manufacturer_slug: str
    model_name: str
    sku: str
    description: str = ""
    is_full_depth: bool = False
    netbox_type: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class HandoffInput:
    """A build as the hand-off reads it: snapshot, identity, site and catalogue rows."""

    build_id: int
    build_name: str
    revision: int
    site_name: str
    spec: BuildSpec
    rows: Mapping[str, CatalogueRow]  # by ComponentSpec.ref (the component's pk as text)
    site_slug: str = ""
    create_manufacturers: bool = False


@dataclass
class HandoffMapping:
    """The objects in dependency order, and what NetBox cannot hold of this build."""

    objects: list[NetBoxObject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_endpoint(self, endpoint: str) -> list[NetBoxObject]:
        return [o for o in self.objects if o.endpoint == endpoint]

    def get(self, key: str) -> NetBoxObject | None:
        for obj in self.objects:
            if obj.key == key:
                return obj
        return None


def slugify(text: str, max_length: int = 100) -> str:
    """NetBox's slug alphabet: lower-case ASCII letters, digits, hyphens and underscores."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "x"


def whole(value: float | None) -> int | None:
    """A figure as NetBox's whole-number fields take it (watts, millimetres, kilograms)."""
    return None if value is None else round(value)


def decimal(value: float | None, places: int = 2) -> float | None:
    """A figure rounded as NetBox's decimal fields store it (weights)."""
    if value is None:
        return None
    return float(round(Decimal(str(value)), places))


def label(text: str, limit: int) -> str:
    """Text on one line within NetBox's length limit, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def owned_fields(data: HandoffInput, key: str) -> dict[str, Any]:
    """The tag and custom fields that mark an object as this build's."""
    return {
        "tags": [Ref(f"tag/{TAG_SLUG}")],
        "custom_fields": {CF_BUILD: data.build_id, CF_REVISION: data.revision, CF_KEY: key},
    }
