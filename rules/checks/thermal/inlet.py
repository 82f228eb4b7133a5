"""Inlet air checks: the site's ambient against each IT device's ASHRAE class at altitude, and
the room air's humidity and dew point."""

from __future__ import annotations

from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.thermal import (
    ASHRAE_HUMIDITY_MAX,
    ASHRAE_MAX_ELEVATION_M,
)
from rules.model import Finding, PlacedItem, Severity
from rules.specs import ItSpec
from rules.text import celsius

__all__ = ["humidity", "inlet_conditions"]


@rule(
    "thermal",
    ashrae_inlet=(
        "IT inlet air stays inside each device's allowable range, derated for altitude",
        "ASHRAE TC 9.9 2021 Table 2.1 and footnotes (S7); reference 2",
    ),
    ashrae_target=(
        "Inlet air meets the policy's target ASHRAE class",
        "ASHRAE TC 9.9 2021 (S7); policy.ashrae_class_target",
    ),
    altitude=(
        "The site is within the 3,050 m elevation of the ASHRAE allowable envelopes",
        "ASHRAE TC 9.9 2021 (S7); reference 2",
    ),
)
def inlet_conditions(d: Derived) -> Iterator[Finding]:
    """Site ambient against each IT device's allowable inlet range and the policy target."""
    thermal = d.thermal
    allowed = thermal.allowable_c
    if not allowed:
        return
    site = d.site
    altitude = site.altitude_m
    if altitude > ASHRAE_MAX_ELEVATION_M:
        yield finding(
            "thermal.altitude",
            Severity.ERROR,
            f"The site is at {altitude:,.0f} m, above the {ASHRAE_MAX_ELEVATION_M:,.0f} m "
            "maximum elevation of the ASHRAE allowable ranges: IT equipment is not rated there.",
            subject=[i.id for i in d.lines.items if isinstance(i.component.spec, ItSpec)],
            value=altitude,
            limit=ASHRAE_MAX_ELEVATION_M,
            unit="m",
        )
    low, high = thermal.inlet_min_c, thermal.inlet_max_c
    failing = any(
        (high is not None and high > a_high) or low < a_low for a_low, a_high in allowed.values()
    )
    target = d.policy.ashrae_class_target
    t_low, t_high = thermal.class_ranges_c[target]
    off_target = low < t_low or (high is not None and high > t_high)
    if not (failing or off_target):
        return
    within: list[PlacedItem] = []
    for item in d.lines.items:  # build order, as the findings name them
        found = allowed.get(id(item.component))
        if found is None:
            continue
        a_low, a_high = found
        too_hot = high is not None and high > a_high
        too_cold = low < a_low
        if too_hot and high is not None:
            yield finding(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"{d.names.start(item.id)} takes inlet air up to {celsius(a_high)} °C at "
                f"{altitude:,.0f} m, "
                f"but the site reaches {celsius(high)} °C.",
                subject=[item.id],
                value=high,
                limit=a_high,
                unit="°C",
            )
        if too_cold:
            yield finding(
                "thermal.ashrae_inlet",
                Severity.ERROR,
                f"{d.names.start(item.id)} takes inlet air down to {celsius(a_low)} °C, but the "
                "site falls to "
                f"{celsius(low)} °C.",
                subject=[item.id],
                value=low,
                limit=a_low,
                unit="°C",
            )
        if not (too_hot or too_cold):
            within.append(item)
    if within and off_target:
        shown = (
            f"{celsius(low)} to {celsius(high)} °C"
            if high is not None
            else f"from {celsius(low)} °C (cooled)"
        )
        yield finding(
            "thermal.ashrae_target",
            Severity.WARNING,
            f"The site's inlet range ({shown}) is outside the target class "
            f"{target.value} ({celsius(t_low)} to {celsius(t_high)} °C at {altitude:,.0f} m), "
            f"though inside the allowable range of {d.names.many(i.id for i in within)}.",
            subject=[i.id for i in within],
            value=high if high is not None and high > t_high else low,
            limit=t_high if high is not None and high > t_high else t_low,
            unit="°C",
        )


@rule(
    "thermal",
    humidity=(
        "The room air's humidity and dew point stay within each device's ASHRAE class",
        "ASHRAE TC 9.9 2021 Table 2.1 (S7); reference 2; reference 8 L3 (dew point)",
    ),
    humidity_unknown=(
        "A site without a humidity figure is said to be unjudged for humidity",
        "reference 2",
    ),
)
def humidity(d: Derived) -> Iterator[Finding]:
    """The site's highest dew point and relative humidity (at its highest ambient, by the Magnus
    formula, L3) against each IT device's class (reference 2 table). Only where the inlet air is
    the room's or the outside air's: closed-loop cooling in an outdoor enclosure controls it."""
    thermal = d.thermal
    if not thermal.allowable_c or thermal.inlet_max_c is None:
        return
    dew, rh = thermal.dew_point_max_c, thermal.relative_humidity_max_pct
    if dew is None or rh is None:
        yield finding(
            "thermal.humidity_unknown",
            Severity.INFO,
            "The site gives no humidity or dew point, so the ASHRAE humidity limits of its IT "
            "cannot be judged.",
        )
        return
    seen: set[int] = set()
    for item in d.lines.items:
        spec = item.component.spec
        if not isinstance(spec, ItSpec) or spec.ashrae_class is None:
            continue
        if id(item.component) in seen:
            continue
        seen.add(id(item.component))
        rh_max, dew_max = ASHRAE_HUMIDITY_MAX[spec.ashrae_class]
        lines = [i.id for i in d.lines.items if i.component is item.component]
        cls = spec.ashrae_class.value
        if dew > dew_max:
            yield finding(
                "thermal.humidity",
                Severity.ERROR,
                f"The room air reaches a {celsius(dew)} °C dew point, above the {dew_max:g} °C "
                f"that class {cls} allows for {item.component.name}.",
                subject=lines,
                value=dew,
                limit=dew_max,
                unit="°C",
            )
        elif rh > rh_max:
            yield finding(
                "thermal.humidity",
                Severity.ERROR,
                f"The room air reaches {rh:.0f} % relative humidity at "
                f"{d.site.ambient_max_c:g} °C, above the {rh_max:g} % that class {cls} allows "
                f"for {item.component.name}.",
                subject=lines,
                value=rh,
                limit=rh_max,
                unit="%",
            )
