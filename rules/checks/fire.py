"""Fire suppression checks: total-flooding agent mass, protected volume, design concentration
against the hazard minimum and the occupied-space limits, and the policy requirement.

Reference 4: NFPA 2001 / EN 15004 halocarbon and inert gas flooding formulas (S11, S13), NFPA
2010 condensed aerosol (S14). The masses are rules.derive.fire; each agent present is judged on
its own: one agent's cylinders do not make up for another's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from rules.checks.base import finding, rule
from rules.derive import Derived
from rules.derive.fire import (
    CLASS_A_MIN_DESIGN_PCT,
    INERT_NO_EFFECT_PCT,
    INERT_OCCUPIED_MAX_PCT,
    NOAEL_PCT,
)
from rules.model import Finding, Severity
from rules.specs import Agent

__all__ = ["agent_mass", "design_concentration", "fire_required", "occupied_space"]

_HUMAN = {
    Agent.HFC_227EA: "HFC-227ea",
    Agent.FK_5_1_12: "FK-5-1-12",
    Agent.IG_541: "IG-541",
    Agent.IG_55: "IG-55",
    Agent.IG_100: "IG-100",
    Agent.AEROSOL: "condensed aerosol",
}


def _kg_up(value: float) -> str:
    """A required mass to 0.01 kg (C8), rounded up so that the figure shown is enough."""
    return f"{math.ceil(round(value * 100, 6)) / 100:,.2f} kg"


@rule(
    "fire",
    required=(
        "A build whose policy asks for fire suppression has a suppression unit",
        "policy.require_fire_suppression",
    ),
)
def fire_required(d: Derived) -> Iterator[Finding]:
    """The policy requires suppression and the build has no suppression unit."""
    if d.policy.require_fire_suppression and not d.fire.groups:
        yield finding(
            "fire.required",
            Severity.ERROR,
            "The policy requires fire suppression, but the build has no suppression unit.",
        )


@rule(
    "fire",
    agent_mass=(
        "Installed agent reaches the design concentration in the protected volume",
        "reference 4; S11 (NFPA 2001 / EN 15004); S13; S14",
    ),
    protected_volume=(
        "The protected volume is within the units' listed maximum volume",
        "reference 4; manufacturer listing",
    ),
)
def agent_mass(d: Derived) -> Iterator[Finding]:
    """Required agent mass per agent against the mass installed, and the listed volume limit."""
    fire = d.fire
    groups = fire.groups
    if not groups:
        return
    volume, where = fire.volume_m3, fire.volume_source
    if volume is None:
        yield finding(
            "fire.protected_volume",
            Severity.WARNING,
            "The protected volume is unknown (no room volume and no rack dimensions): the agent "
            "mass cannot be checked.",
            subject=[i for g in groups.values() for i in g.ids],
        )
        return
    site = d.site
    for group in groups.values():
        name = _HUMAN[group.agent]
        if volume > group.max_volume_m3:
            yield finding(
                "fire.protected_volume",
                Severity.ERROR,
                f"The {name} units are listed for {group.max_volume_m3:,.2f} m³ together, but "
                f"{where} is {volume:,.2f} m³.",
                subject=group.ids,
                value=volume,
                limit=group.max_volume_m3,
                unit="m3",
            )
        required = fire.required_kg.get(group.agent)
        if required is None:
            continue  # no design concentration: reported by design_concentration
        if group.agent is Agent.AEROSOL:
            basis = f"{group.design_density_g_m3:g} g/m³"
        else:
            pct = d.policy.design_concentration_pct[group.agent]
            basis = f"{pct:g} % at {site.ambient_min_c:g} °C and {site.altitude_m:,.0f} m"
        if group.installed_kg < required:
            yield finding(
                "fire.agent_mass",
                Severity.ERROR,
                f"Protecting {volume:,.2f} m³ ({where}) with {name} at {basis} needs "
                f"{_kg_up(required)} of agent; the units hold {group.installed_kg:,.2f} kg.",
                subject=group.ids,
                value=group.installed_kg,
                limit=required,
                unit="kg",
            )


@rule(
    "fire",
    design_concentration=(
        "The design concentration is at least the agent's Class A minimum",
        "reference 4; S11; S12; S13",
    ),
)
def design_concentration(d: Derived) -> Iterator[Finding]:
    """Policy design concentration of each agent present against its hazard-class minimum."""
    for group in d.fire.groups.values():
        if group.agent is Agent.AEROSOL:
            continue  # designed by listed density, not concentration (S14)
        name = _HUMAN[group.agent]
        pct = d.policy.design_concentration_pct.get(group.agent)
        if pct is None:
            yield finding(
                "fire.design_concentration",
                Severity.WARNING,
                f"The policy gives no design concentration for {name}: its agent mass is not "
                "checked.",
                subject=group.ids,
            )
            continue
        minimum = CLASS_A_MIN_DESIGN_PCT.get(group.agent)
        if minimum is not None and pct < minimum:
            yield finding(
                "fire.design_concentration",
                Severity.WARNING,
                f"The {name} design concentration of {pct:g} % is below the {minimum:g} % "
                "minimum for Class A surface fires.",
                subject=group.ids,
                value=pct,
                limit=minimum,
                unit="%",
            )


@rule(
    "fire",
    noael=(
        "Agent concentration in a normally occupied space stays within its exposure limit",
        "reference 4 (NOAEL); NFPA 2001 1.5.1.2; NFPA 2010",
    ),
    occupied_exposure=(
        "Agents allowed in occupied spaces only with fast egress, or not at all, are flagged",
        "NFPA 2001 (2018) 1.5.1.2.2; NFPA 2010",
    ),
)
def occupied_space(d: Derived) -> Iterator[Finding]:
    """Design concentration against NOAEL (halocarbons) or the O2-based limits (inert gases)."""
    if not d.site.occupied:
        return
    for group in d.fire.groups.values():
        agent = group.agent
        name = _HUMAN[agent]
        if agent is Agent.AEROSOL:
            yield finding(
                "fire.occupied_exposure",
                Severity.WARNING,
                "Condensed aerosol is not for normally occupied spaces (NFPA 2010): keep people "
                "out of the protected space or choose a clean agent.",
                subject=group.ids,
            )
            continue
        pct = d.policy.design_concentration_pct.get(agent)
        if pct is None:
            continue
        noael = NOAEL_PCT.get(agent)
        if noael is not None:
            if pct > noael:
                yield finding(
                    "fire.noael",
                    Severity.ERROR,
                    f"The {name} design concentration of {pct:g} % is above its {noael:g} % "
                    "NOAEL, but the protected space is normally occupied.",
                    subject=group.ids,
                    value=pct,
                    limit=noael,
                    unit="%",
                )
            continue
        if pct > INERT_OCCUPIED_MAX_PCT:
            yield finding(
                "fire.noael",
                Severity.ERROR,
                f"The {name} design concentration of {pct:g} % is above "
                f"{INERT_OCCUPIED_MAX_PCT:g} % (oxygen below 10 %), not allowed in a normally "
                "occupied space.",
                subject=group.ids,
                value=pct,
                limit=INERT_OCCUPIED_MAX_PCT,
                unit="%",
            )
        elif pct > INERT_NO_EFFECT_PCT:
            yield finding(
                "fire.occupied_exposure",
                Severity.WARNING,
                f"The {name} design concentration of {pct:g} % is above "
                f"{INERT_NO_EFFECT_PCT:g} % (oxygen below 12 %): occupants must be able to leave "
                "within 3 minutes.",
                subject=group.ids,
                value=pct,
                limit=INERT_NO_EFFECT_PCT,
                unit="%",
            )
