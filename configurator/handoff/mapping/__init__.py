"""A build as NetBox objects, in dependency order (pure: no Django, no network).

`map_build(HandoffInput)` turns the engine's snapshot of a build (`rules.BuildSpec`) and the
catalogue rows behind it into `NetBoxObject` descriptions: tag and custom fields, manufacturers,
device roles, the site, racks, device types with their power-port and power-outlet templates,
devices (status planned, rack, position, face), their power ports and outlets, a power panel
with one power feed per cord the site supply feeds, and one power cable per cord. Field
values name other objects with `Ref(key)`; the plan resolves them to NetBox ids.

One module per family of objects:

- objects.py: the object descriptions, the input and output, the hand-off's tag and custom
  fields, the write order;
- reference.py: tag, custom fields, manufacturers, device roles and the site;
- ports.py: the power ports and outlets of a unit;
- devices.py: racks, device types with their templates, devices with their power ports;
- power.py: outlets, the site supply's panel and feeds, power cables;
- build.py: `map_build`, which puts them together, and what NetBox cannot hold.

docs/netbox-handoff.md is the long form, with what NetBox cannot hold.
"""

from configurator.handoff.mapping.build import map_build
from configurator.handoff.mapping.objects import (
    CF_BUILD,
    CF_KEY,
    CF_REVISION,
    CUSTOM_FIELDS,
    ENDPOINT_ORDER,
    OWNED_TYPES,
    TAG_NAME,
    TAG_SLUG,
    CatalogueRow,
    HandoffInput,
    HandoffMapping,
    NetBoxObject,
    Ref,
    slugify,
)
from configurator.handoff.mapping.ports import Outlet, Port, ports_of

__all__ = [
    "CF_BUILD",
    "CF_KEY",
    "CF_REVISION",
    "CUSTOM_FIELDS",
    "ENDPOINT_ORDER",
    "OWNED_TYPES",
    "TAG_NAME",
    "TAG_SLUG",
    "CatalogueRow",
    "HandoffInput",
    "HandoffMapping",
    "NetBoxObject",
    "Outlet",
    "Port",
    "Ref",
    "map_build",
    "ports_of",
    "slugify",
]
