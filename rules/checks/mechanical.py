"""Mechanical checks: rack load ratings and floor load.

Reference 3 (S16 UL 2416): load ratings are checked at 100 %, never with the utilisation limit
(C4). UL 2416 ratings are the equipment load the cabinet carries, so the rack's own mass counts
for the floor load only.
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.model import Finding, Severity
from rules.text import kilograms

__all__ = ["floor_load", "mass_unknown", "rack_load"]


@rule(
    "mechanical",
    rack_static_load=(
        "Equipment in a rack stays within its static load rating",
        "reference 3; S16 (UL 2416)",
    ),
    rack_dynamic_load=(
        "A rack shipped loaded stays within its dynamic (rolling) load rating",
        "reference 3; S16 (UL 2416); policy.rack_ship_loaded",
    ),
)
def rack_load(d: Derived) -> Iterator[Finding]:
    """Equipment mass against the rack's UL 2416 ratings (100 %, no C4)."""
    ship_loaded = d.policy.rack_ship_loaded
    for rack_id in d.lines.items_by_rack:
        layout = d.layouts[rack_id]
        spec = layout.spec
        if spec is None:
            continue
        mass = layout.contents_kg
        if mass > spec.static_load_kg:
            yield finding(
                "mechanical.rack_static_load",
                Severity.ERROR,
                f"{d.names.start(rack_id)} carries {kilograms(mass)} of equipment, above its "
                "static load "
                f"rating of {kilograms(spec.static_load_kg)}.",
                subject=[rack_id],
                value=mass,
                limit=spec.static_load_kg,
                unit="kg",
            )
        if not ship_loaded or mass <= 0:
            continue
        if spec.dynamic_load_kg is None:
            yield finding(
                "mechanical.rack_dynamic_load",
                Severity.ERROR,
                f"{d.names.start(rack_id)} is to ship loaded with {kilograms(mass)} of equipment "
                "but has "
                "no dynamic (rolling) load rating: ship it empty or choose a rack rated for it.",
                subject=[rack_id],
                value=mass,
                unit="kg",
            )
        elif mass > spec.dynamic_load_kg:
            yield finding(
                "mechanical.rack_dynamic_load",
                Severity.ERROR,
                f"{d.names.start(rack_id)} is to ship loaded with {kilograms(mass)} of equipment, "
                "above "
                f"its dynamic load rating of {kilograms(spec.dynamic_load_kg)}.",
                subject=[rack_id],
                value=mass,
                limit=spec.dynamic_load_kg,
                unit="kg",
            )


@rule(
    "mechanical",
    floor_load=(
        "Each floor-standing rack stays within the floor's rated load per area",
        "reference 3 (floor load)",
    ),
)
def floor_load(d: Derived) -> Iterator[Finding]:
    """(Rack + contents) / footprint against the site's floor rating; wall-mount racks skip."""
    rating = d.site.floor_rating_kg_m2
    if rating is None:
        return
    for rack_id, layout in d.layouts.items():
        spec = layout.spec
        if spec is None or spec.wall_mount:
            continue
        mass = layout.mass_kg
        load = mass / spec.footprint_m2  # reference 3: kg / footprint
        if load > rating:
            least = "" if layout.mass_known else " at least"
            yield finding(
                "mechanical.floor_load",
                Severity.ERROR,
                f"{d.names.start(rack_id)} puts{least} {kilograms(mass)} on {spec.footprint_m2:g} "
                "m², "
                f"{load:,.2f} kg/m², above the floor's {rating:,.2f} kg/m² rating.",
                subject=[rack_id],
                value=load,
                limit=rating,
                unit="kg/m2",
            )


@rule(
    "mechanical",
    mass_unknown=(
        "Rack and floor loads are said to be lower bounds when a mass is unknown",
        "reference 3; catalogue data",
    ),
)
def mass_unknown(d: Derived) -> Iterator[Finding]:
    """Racks holding lines (or themselves) of unknown mass: their loads are lower bounds."""
    for rack_id, layout in d.layouts.items():
        if layout.mass_known or (not layout.unknown_mass and layout.spec is None):
            continue
        lines = list(layout.unknown_mass)
        rack_unknown = layout.rack.component.weight_kg is None
        what = f"{len(lines)} line(s) ({', '.join(repr(i) for i in lines)})" if lines else ""
        if rack_unknown:
            what = f"the rack itself{' and ' + what if what else ''}"
        yield finding(
            "mechanical.mass_unknown",
            Severity.WARNING,
            f"{d.names.start(rack_id)}: the mass of {what} is unknown, so its load of "
            f"{kilograms(layout.contents_kg)} is a lower bound.",
            subject=[rack_id, *lines],
            value=layout.contents_kg,
            unit="kg",
        )
