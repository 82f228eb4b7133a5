"""The hand-off as NetBox import files, for teams that import by hand (pure: no network).

`export_files(mapping)` gives one YAML file per object type, numbered in dependency order, in
the shape NetBox's bulk import (Import button of each list view) reads: references by name,
custom fields as ``cf_<name>``, tags by slug. Device types are devicetype-library documents
with their power ports and outlets, so device components come from the templates as in a
push. `export_zip` packs them with a README that lists the order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import yaml

from configurator.handoff.mapping import ENDPOINT_ORDER, HandoffMapping, NetBoxObject, Ref

__all__ = ["export_files", "export_zip"]

FILES = {
    "extras.tags": ("tags", "Customization > Tags"),
    "extras.custom_fields": ("custom-fields", "Customization > Custom Fields"),
    "dcim.manufacturers": ("manufacturers", "Devices > Manufacturers"),
    "dcim.device_roles": ("device-roles", "Devices > Device Roles"),
    "dcim.sites": ("sites", "Organization > Sites"),
    "dcim.racks": ("racks", "Racks > Racks"),
    "dcim.device_types": ("device-types", "Devices > Device Types"),
    "dcim.devices": ("devices", "Devices > Devices"),
    "dcim.power_outlets": ("power-outlets", "Devices > Power Outlets"),
    "dcim.power_panels": ("power-panels", "Power > Power Panels"),
    "dcim.power_feeds": ("power-feeds", "Power > Power Feeds"),
    "dcim.cables": ("cables", "Connections > Cables"),
}
TERMINATION_TYPES = {"dcim.powerport", "dcim.poweroutlet", "dcim.powerfeed"}


class _Names:
    """What an import file writes for a reference: the object's name (model, slug)."""

    def __init__(self, mapping: HandoffMapping) -> None:
        self.objects = {o.key: o for o in mapping.objects}

    def name(self, ref: Ref) -> str:
        obj = self.objects[ref.key]
        fields = obj.fields
        if obj.endpoint == "extras.tags":
            return str(fields["slug"])
        return str(fields.get("name") or fields.get("model") or ref.key)

    def obj(self, ref: Ref) -> NetBoxObject:
        return self.objects[ref.key]


def _row(obj: NetBoxObject, names: _Names) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in obj.fields.items():
        if value is None or value == "":
            continue
        if name == "custom_fields":
            row.update({f"cf_{k}": v for k, v in value.items()})
        elif name == "tags":
            row["tags"] = [names.name(tag) for tag in value]
        elif name in ("a_terminations", "b_terminations"):
            continue
        elif isinstance(value, Ref):
            row[name] = names.name(value)
        else:
            row[name] = value
    return row


def _cable_row(obj: NetBoxObject, names: _Names) -> dict[str, Any]:
    row = _row(obj, names)
    for side, field in (("a", "a_terminations"), ("b", "b_terminations")):
        end = obj.fields[field][0]
        target = names.obj(end["object_id"])
        row[f"side_{side}_type"] = end["object_type"]
        row[f"side_{side}_name"] = target.fields["name"]
        if end["object_type"] == "dcim.powerfeed":
            panel = names.obj(target.fields["power_panel"])
            row[f"side_{side}_power_panel"] = panel.fields["name"]
            row[f"side_{side}_site"] = names.name(panel.fields["site"])
        else:
            device = names.obj(target.fields["device"])
            row[f"side_{side}_device"] = device.fields["name"]
            row[f"side_{side}_site"] = names.name(device.fields["site"])
    return row


def _device_row(obj: NetBoxObject, names: _Names) -> dict[str, Any]:
    """A device names its type's manufacturer: NetBox looks the type's model up within it."""
    row = _row(obj, names)
    device_type = names.obj(obj.fields["device_type"])
    return {"manufacturer": names.name(device_type.fields["manufacturer"]), **row}


def _feed_row(obj: NetBoxObject, names: _Names) -> dict[str, Any]:
    """A power feed names its panel's site: NetBox looks the panel up within it."""
    row = _row(obj, names)
    panel = names.obj(obj.fields["power_panel"])
    return {"site": names.name(panel.fields["site"]), **row}


def _device_type_document(
    obj: NetBoxObject, mapping: HandoffMapping, names: _Names
) -> dict[str, Any]:
    document = _row(obj, names)
    ports = [
        {k: v for k, v in _row(t, names).items() if k != "device_type"}
        for t in mapping.by_endpoint("dcim.power_port_templates")
        if t.fields["device_type"] == Ref(obj.key)
    ]
    outlets = [
        {k: v for k, v in _row(t, names).items() if k != "device_type"}
        for t in mapping.by_endpoint("dcim.power_outlet_templates")
        if t.fields["device_type"] == Ref(obj.key)
    ]
    if ports:
        document["power-ports"] = ports
    if outlets:
        document["power-outlets"] = outlets
    return document


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def export_files(mapping: HandoffMapping) -> dict[str, str]:
    """File name -> YAML text, in import order (the names sort in that order)."""
    names = _Names(mapping)
    files: dict[str, str] = {}
    number = 0
    for endpoint in ENDPOINT_ORDER:
        if endpoint not in FILES:
            continue
        objects = mapping.by_endpoint(endpoint)
        if endpoint == "dcim.power_outlets":
            # Outlets come from the device types' templates; only extra (hardwired) ones here.
            objects = [o for o in objects if o.note]
        if not objects:
            continue
        number += 1
        stem = FILES[endpoint][0]
        filename = f"{number:02d}-{stem}.yaml"
        if endpoint == "dcim.device_types":
            text = "".join(
                "---\n" + _dump(_device_type_document(o, mapping, names)) for o in objects
            )
        elif endpoint == "dcim.cables":
            text = _dump([_cable_row(o, names) for o in objects])
        elif endpoint == "dcim.devices":
            text = _dump([_device_row(o, names) for o in objects])
        elif endpoint == "dcim.power_feeds":
            text = _dump([_feed_row(o, names) for o in objects])
        else:
            text = _dump([_row(o, names) for o in objects])
        files[filename] = text
    return files


def export_zip(
    mapping: HandoffMapping,
    *,
    build_name: str,
    revision: int,
    notes: Mapping[str, str] | None = None,
) -> bytes:
    """The import files in a zip, with a README naming the order and the NetBox menu of each."""
    files = export_files(mapping)
    stems = {stem: menu for stem, menu in FILES.values()}
    lines = [
        f"NetBox import files of build {build_name!r}, revision {revision}.",
        "",
        "Import them in this order, each through the Import button of its list view in NetBox",
        "(format YAML). Objects that exist already (a site, a manufacturer, a device type)",
        "are refused as duplicates: leave them out of the file, the rest refer to them by name.",
        "Power ports and outlets of devices come from their device types' templates.",
        "",
    ]
    for filename in files:
        stem = filename[3:].removesuffix(".yaml")
        lines.append(f"  {filename:28s} {stems.get(stem, '')}")
    if mapping.notes:
        lines += ["", "What NetBox cannot hold of this build:"]
        lines += [f"  - {note}" for note in mapping.notes]
    for name, text in (notes or {}).items():
        lines += ["", f"{name}: {text}"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "\n".join(lines) + "\n")
        for filename, text in files.items():
            archive.writestr(filename, text)
    return buffer.getvalue()
