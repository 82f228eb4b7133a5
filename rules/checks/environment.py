"""Environment checks: enclosure ingress protection and operating range, indoor enclosures
outdoors, condensation, physical security, remote monitoring and VRLA batteries in heat.

Reference 7 [S21 IEC 60529, S25 ETSI / GR-487]; the figures are rules.derive.environment.
"""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.environment import (
    VRLA_RATED_C,
    ambient_outside,
    ip_digits,
    vrla_life_factor,
    water_digit_meets,
)
from rules.model import Finding, Severity
from rules.specs import BatteryChemistry, BatteryPackSpec, Environment, ItSpec, Kind, UpsSpec

__all__ = [
    "battery_temperature",
    "condensation",
    "enclosure_environment",
    "ip_rating",
    "physical_security",
    "remote_monitoring",
]


@rule(
    "environment",
    ip_rating=(
        "Enclosures keep out dust and water as the site demands",
        "reference 7; S21 (IEC 60529); policy.require_ip_outdoor / require_ip_solids_dusty",
    ),
)
def ip_rating(d: Derived) -> Iterator[Finding]:
    """Each rack's IP code digit by digit against the outdoor and dusty-site requirements."""
    site = d.site
    policy = d.policy
    outdoor = site.environment is Environment.OUTDOOR
    if not outdoor and not site.dusty:
        return
    need_solids, need_water = ip_digits(policy.require_ip_outdoor) if outdoor else (0, 0)
    reason = f"an outdoor site needs {policy.require_ip_outdoor}" if outdoor else ""
    if site.dusty and policy.require_ip_solids_dusty > need_solids:
        need_solids = policy.require_ip_solids_dusty
        reason = (
            f"a dusty site needs a first digit of {need_solids}"
            if not outdoor
            else f"{reason} and a dusty site a first digit of {need_solids}"
        )
    for rack_id, layout in d.layouts.items():
        spec = layout.spec
        if spec is None:
            continue
        solids, water = spec.ip_solids, spec.ip_water
        short_solids = solids < need_solids
        short_water = not water_digit_meets(water, need_water)
        if not (short_solids or short_water):
            continue
        missing = []
        if short_solids:
            missing.append(f"dust protection {solids} < {need_solids}")
        if short_water:
            missing.append(f"water protection {water} does not meet {need_water}")
        yield finding(
            "environment.ip_rating",
            Severity.ERROR,
            f"{d.names.start(rack_id)} is {spec.ip_rating}, but {reason} ({'; '.join(missing)}).",
            subject=[rack_id],
            value=float(solids if short_solids else water),
            limit=float(need_solids if short_solids else need_water),
            unit="IP digit",
        )


@rule(
    "environment",
    enclosure_ambient=(
        "Each enclosure is rated for the site's ambient range",
        "reference 7 (outdoor checks); S25",
    ),
    enclosure_indoor_outdoor=(
        "Enclosures at an outdoor site are built for outdoor use",
        "reference 7; S25 (ETSI EN 300 019-1-4, GR-487)",
    ),
)
def enclosure_environment(d: Derived) -> Iterator[Finding]:
    """The rack's rated ambient range must cover the site's; outdoor sites need outdoor racks."""
    site = d.site
    outdoor = site.environment is Environment.OUTDOOR
    for rack_id, layout in d.layouts.items():
        spec = layout.spec
        if spec is None:
            continue
        if outdoor and spec.environment is not Environment.OUTDOOR:
            yield finding(
                "environment.enclosure_indoor_outdoor",
                Severity.ERROR,
                f"{d.names.start(rack_id)} is an indoor enclosure, but the site is outdoors.",
                subject=[rack_id],
            )
        too_hot, too_cold = ambient_outside(spec.ambient_min_c, spec.ambient_max_c, site)
        if too_hot:
            yield finding(
                "environment.enclosure_ambient",
                Severity.ERROR,
                f"{d.names.start(rack_id)} is rated up to {spec.ambient_max_c:g} °C ambient, but "
                "the "
                f"site reaches {site.ambient_max_c:g} °C.",
                subject=[rack_id],
                value=site.ambient_max_c,
                limit=spec.ambient_max_c,
                unit="°C",
            )
        if too_cold:
            yield finding(
                "environment.enclosure_ambient",
                Severity.ERROR,
                f"{d.names.start(rack_id)} is rated down to {spec.ambient_min_c:g} °C ambient, but "
                "the "
                f"site falls to {site.ambient_min_c:g} °C.",
                subject=[rack_id],
                value=site.ambient_min_c,
                limit=spec.ambient_min_c,
                unit="°C",
            )


@rule(
    "environment",
    condensation=(
        "Outdoor enclosures at humid sites are protected against condensation",
        "reference 7 (add a heater against condensation)",
    ),
)
def condensation(d: Derived) -> Iterator[Finding]:
    """Humid outdoor site: remind that an anti-condensation heater is needed (no heater kind)."""
    site = d.site
    if site.environment is Environment.OUTDOOR and site.humid and d.layouts:
        yield finding(
            "environment.condensation",
            Severity.INFO,
            "The outdoor site is humid: fit an anti-condensation heater or dehumidifier in each "
            "enclosure (the build cannot show one yet).",
            subject=list(d.layouts),
        )


@rule(
    "environment",
    physical_security=(
        "A site whose policy asks for physical security has a security device and lockable racks",
        "policy.require_physical_security",
    ),
)
def physical_security(d: Derived) -> Iterator[Finding]:
    """Policy requires physical security: a device that provides it (camera, door or lock
    sensors) is required; racks that cannot be locked are a warning, as a lock alone does not
    tell anyone the door was opened."""
    if not d.policy.require_physical_security:
        return
    if not any(
        isinstance(spec := i.component.spec, ItSpec) and spec.physical_security
        for i in d.lines.items
    ):
        yield finding(
            "environment.physical_security",
            Severity.ERROR,
            "The policy requires physical security, but no device in the build provides it "
            "(camera, door or lock sensors).",
        )
    for rack_id, layout in d.layouts.items():
        spec = layout.spec
        if spec is not None and not spec.lockable:
            yield finding(
                "environment.physical_security",
                Severity.WARNING,
                f"{d.names.start(rack_id)} cannot be locked, though the policy requires physical "
                "security.",
                subject=[rack_id],
            )


@rule(
    "environment",
    remote_monitoring=(
        "A site whose policy asks for remote monitoring has a monitoring device",
        "policy.require_remote_monitoring",
    ),
)
def remote_monitoring(d: Derived) -> Iterator[Finding]:
    """Policy requires remote monitoring: a device with remote monitoring is needed. A metered
    PDU reports power only, not temperature, humidity or doors, so it does not count."""
    if not d.policy.require_remote_monitoring:
        return
    if not any(
        isinstance(spec := i.component.spec, ItSpec) and spec.remote_monitoring
        for i in d.lines.items
    ):
        yield finding(
            "environment.remote_monitoring",
            Severity.ERROR,
            "The policy requires remote monitoring, but no device in the build provides it "
            "(a metered PDU reports power only).",
        )


@rule(
    "environment",
    battery_temperature=(
        "VRLA batteries are not kept hot enough to shorten their life sharply",
        "reference 7 (VRLA life halves per +10 °C over 25 °C)",
    ),
)
def battery_temperature(d: Derived) -> Iterator[Finding]:
    """VRLA strings (UPS internal or battery packs) at a site hotter than 25 degC."""
    hot = d.site.ambient_max_c
    if hot <= VRLA_RATED_C:
        return
    vrla: list[str] = []
    for line in d.lines.kind(Kind.UPS):
        ups = line.component.spec
        if isinstance(ups, UpsSpec) and ups.battery_chemistry is BatteryChemistry.VRLA:
            vrla.append(line.id)
    for line in d.lines.kind(Kind.BATTERY):
        pack = line.component.spec
        if isinstance(pack, BatteryPackSpec) and pack.chemistry is BatteryChemistry.VRLA:
            vrla.append(line.id)
    if not vrla:
        return
    factor = vrla_life_factor(hot)
    names = d.names.many(vrla)
    yield finding(
        "environment.battery_temperature",
        Severity.WARNING,
        f"VRLA batteries ({names}) rated at {VRLA_RATED_C:g} °C would see up to {hot:g} °C: "
        f"kept there, they last about {factor * 100:.0f} % of their rated life.",
        subject=vrla,
        value=hot,
        limit=VRLA_RATED_C,
        unit="°C",
    )
