"""`map_build`: a build's NetBox objects, family by family, in dependency order."""

from __future__ import annotations

from collections.abc import Mapping

from configurator.handoff.mapping.devices import device_types, devices, rack_object
from configurator.handoff.mapping.objects import ENDPOINT_ORDER, HandoffInput, HandoffMapping
from configurator.handoff.mapping.power import power_objects
from configurator.handoff.mapping.reference import reference_objects, site_object
from rules.specs import Kind


def map_build(data: HandoffInput, *, keep: Mapping[str, str] | None = None) -> HandoffMapping:
    """The NetBox objects of a build in dependency order, and the notes on what is lost.

    ``keep`` maps a cable key to the outlet (or feed) name it ends on in NetBox today, so a
    later revision leaves existing cables where they are and only new cords take free outlets.
    """
    out = HandoffMapping()
    out.objects.extend(reference_objects(data))
    site = site_object(data)
    out.objects.append(site)
    out.objects.extend(rack_object(data, rack, site.key) for rack in data.spec.racks)
    type_objects, type_ports = device_types(data)
    out.objects.extend(type_objects)
    device_objects, units, missing = devices(data, site.key, type_ports)
    out.objects.extend(device_objects)
    out.notes.extend(missing)
    cabling, uncabled = power_objects(data, units, site.key, keep or {})
    out.objects.extend(cabling)
    out.notes.extend(uncabled)
    out.notes.extend(_losses(data))
    order = {endpoint: n for n, endpoint in enumerate(ENDPOINT_ORDER)}
    out.objects.sort(key=lambda o: order[o.endpoint])  # stable: build order within a type
    return out


def _losses(data: HandoffInput) -> list[str]:
    """What the build says that NetBox has no place for (docs/netbox-handoff.md)."""
    notes = []
    spec = data.spec
    if spec.site.supply_phases == 3:
        notes.append(
            "three-phase feeds carry the line-to-line voltage (NetBox's convention); the "
            "site's line-to-neutral figure is in the power panel's description"
        )
    if any(i.component.kind is Kind.BATTERY for i in spec.items):
        notes.append("battery packs are devices; the UPS whose string they extend is in comments")
    if any(i.component.kind in (Kind.COOLING, Kind.FIRE_SUPPRESSION) for i in spec.items):
        notes.append(
            "cooling and fire suppression are devices: their capacities (sensible W, airflow, "
            "agent mass, protected volume) have no NetBox field"
        )
    if any(i.coolant_from for i in spec.items):
        notes.append(
            "liquid loops (which CDU or facility water source each part takes coolant from) "
            "have no NetBox cable type: they are in each device's comments, and CDU and "
            "facility water capacities, flows and temperatures have no NetBox field"
        )
    notes.append(
        "every feed carries the site breaker's rating: the shared upstream breaker and the "
        "engine's failover scenarios are not NetBox concepts"
    )
    return notes
