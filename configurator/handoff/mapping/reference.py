"""Reference data and the site: the objects a build's racks and devices point at.

The hand-off's tag and custom fields, the manufacturers of its parts, a device role per kind
of part, and the site. Operations may hold all of them already, so they are matched first and
created only when missing (manufacturers only when the connection allows it).
"""

from __future__ import annotations

from configurator.handoff.mapping.objects import (
    CUSTOM_FIELDS,
    OWNED_TYPES,
    TAG_NAME,
    TAG_SLUG,
    HandoffInput,
    NetBoxObject,
    label,
    slugify,
)
from rules.specs import Kind

# kind -> (role name, slug, colour)
ROLES: dict[Kind, tuple[str, str, str]] = {
    Kind.SERVER: ("Server", "server", "2196f3"),
    Kind.GPU_SERVER: ("GPU server", "gpu-server", "673ab7"),
    Kind.SWITCH: ("Network switch", "network-switch", "4caf50"),
    Kind.ROUTER: ("Router / firewall", "router-firewall", "ff9800"),
    Kind.STORAGE: ("Storage", "storage", "795548"),
    Kind.MONITORING: ("Monitoring / security", "monitoring", "00bcd4"),
    Kind.UPS: ("UPS", "ups", "f44336"),
    Kind.PDU: ("PDU", "pdu", "9e9e9e"),
    Kind.ATS: ("ATS", "ats", "607d8b"),
    Kind.BATTERY: ("Battery pack", "battery-pack", "ffc107"),
    Kind.COOLING: ("Cooling", "cooling", "03a9f4"),
    Kind.CDU: ("Coolant distribution unit", "cdu", "0097a7"),
    Kind.FACILITY_WATER: ("Facility water source", "facility-water", "006064"),
    Kind.FIRE_SUPPRESSION: ("Fire suppression", "fire-suppression", "e91e63"),
    Kind.ACCESSORY: ("Rack accessory", "rack-accessory", "bdbdbd"),
    Kind.BUNDLE: ("Bundle", "bundle", "bdbdbd"),
}


def reference_objects(data: HandoffInput) -> list[NetBoxObject]:
    """The tag, the custom fields, the manufacturers and the device roles the build needs."""
    objects = [
        NetBoxObject(
            f"tag/{TAG_SLUG}",
            "extras.tags",
            f"tag {TAG_NAME}",
            {
                "name": TAG_NAME,
                "slug": TAG_SLUG,
                "color": "3f51b5",
                "description": "Pushed by the micro data center configurator",
            },
            match=({"slug": TAG_SLUG},),
            policy="create_only",
        )
    ]
    owned_types = list(OWNED_TYPES)
    for name, (cf_type, cf_label, description) in CUSTOM_FIELDS.items():
        objects.append(
            NetBoxObject(
                f"cf/{name}",
                "extras.custom_fields",
                f"custom field {name}",
                {
                    "name": name,
                    "label": cf_label,
                    "type": cf_type,
                    "object_types": owned_types,
                    "group_name": "MDC configurator",
                    "description": description,
                },
                match=({"name": name},),
            )
        )

    spec = data.spec
    makers: dict[str, str] = {}
    kinds: list[Kind] = []
    for component in [r.component for r in spec.racks] + [i.component for i in spec.items]:
        row = data.rows.get(component.ref)
        if row is not None:
            makers.setdefault(row.manufacturer_slug, row.manufacturer)
        if component.kind is not Kind.RACK and component.kind not in kinds:
            kinds.append(component.kind)
    for slug, name in makers.items():
        objects.append(
            NetBoxObject(
                f"manufacturer/{slug}",
                "dcim.manufacturers",
                f"manufacturer {name}",
                {"name": name, "slug": slug},
                match=({"slug": slug}, {"name": name}),
                policy="create_only" if data.create_manufacturers else "must_exist",
            )
        )
    for kind in kinds:
        role_name, role_slug, colour = ROLES[kind]
        objects.append(
            NetBoxObject(
                f"role/{role_slug}",
                "dcim.device_roles",
                f"device role {role_name}",
                {"name": role_name, "slug": role_slug, "color": colour, "vm_role": False},
                match=({"slug": role_slug}, {"name": role_name}),
                policy="create_only",
            )
        )
    return objects


def site_object(data: HandoffInput) -> NetBoxObject:
    """The site: matched by slug (operations may have it already), else created."""
    site_slug = data.site_slug or slugify(data.site_name)
    return NetBoxObject(
        f"site/{site_slug}",
        "dcim.sites",
        f"site {data.site_name}",
        {
            "name": label(data.site_name, 100),
            "slug": site_slug,
            "status": "planned",
            "description": label(f"Edge site of build {data.build_name}", 200),
        },
        match=({"slug": site_slug}, {"name": label(data.site_name, 100)}),
        policy="create_only",
    )
