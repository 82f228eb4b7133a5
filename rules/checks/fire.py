"""Fire suppression checks: total-flooding agent mass, protected volume, design concentration
against the hazard minimum and the occupied-space limits, and the policy requirement.

Reference 4: NFPA 2001 / EN 15004 halocarbon and inert gas flooding formulas (S11, S13), NFPA
2010 condensed aerosol (S14). Each agent present is checked on its own: one agent's cylinders
do not make up for another's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rules.checks.space import rack_spec
from rules.checks.thermal import air_pressure_ratio
from rules.context import Context
from rules.model import PlacedItem, Severity
from rules.registry import check
from rules.specs import Agent, FireSuppressionSpec, Kind

__all__ = [
    "CLASS_A_MIN_DESIGN_PCT",
    "HALOCARBON_K",
    "INERT_K",
    "NOAEL_PCT",
    "AgentGroup",
    "agent_groups",
    "protected_volume_m3",
    "required_agent_kg",
    "specific_volume_m3_kg",
]

# Reference 4 [S11]: S = k1 + k2 * T (m3/kg, T in degC) for the halocarbons.
HALOCARBON_K: dict[Agent, tuple[float, float]] = {
    Agent.HFC_227EA: (0.1269, 0.000513),
    Agent.FK_5_1_12: (0.0664, 0.0002741),
}
# Reference 4 [S13]: inert gases.
INERT_K: dict[Agent, tuple[float, float]] = {
    Agent.IG_541: (0.65799, 0.002239),
    Agent.IG_55: (0.6598, 0.00242),
    Agent.IG_100: (0.7997, 0.00293),
}
# Reference 4 [S11]: halocarbon NOAEL, vol %.
NOAEL_PCT: dict[Agent, float] = {Agent.HFC_227EA: 9.0, Agent.FK_5_1_12: 10.0}
# Inert gases in normally occupied spaces, NFPA 2001 (2018) 1.5.1.2.2 (cited with care): up to
# 43 % (12 % O2) with egress within 5 min; 43-52 % (10-12 % O2) only with egress within 3 min;
# above 52 % not in normally occupied spaces.
INERT_NO_EFFECT_PCT = 43.0
INERT_OCCUPIED_MAX_PCT = 52.0
# Minimum design concentration for Class A surface fires, vol %: HFC-227ea 6.7 % (FM Class A
# column of the Kidde ECS design tables, S11), FK-5-1-12 4.2 % (reference 4, S12), IG-541 39.9 %
# and IG-100 40.3 % (EN minimum design, reference 4, S13). The reference gives none for IG-55,
# which is therefore not checked.
CLASS_A_MIN_DESIGN_PCT: dict[Agent, float] = {
    Agent.HFC_227EA: 6.7,
    Agent.FK_5_1_12: 4.2,
    Agent.IG_541: 39.9,
    Agent.IG_100: 40.3,
}
# Rack-level protection when the site gives no room volume: the rack's internal volume is
# width x depth x (U x 44.45 mm + 200 mm of top and base frame) (reference 3: 1U = 44.45 mm;
# the 200 mm frame allowance is our convention).
U_MM = 44.45
RACK_FRAME_MM = 200.0

_HUMAN = {
    Agent.HFC_227EA: "HFC-227ea",
    Agent.FK_5_1_12: "FK-5-1-12",
    Agent.IG_541: "IG-541",
    Agent.IG_55: "IG-55",
    Agent.IG_100: "IG-100",
    Agent.AEROSOL: "condensed aerosol",
}


@dataclass(slots=True)
class AgentGroup:
    """The suppression units of one agent: what they hold and what they may protect."""

    agent: Agent
    lines: list[PlacedItem] = field(default_factory=list)
    installed_kg: float = 0.0
    max_volume_m3: float = 0.0
    design_density_g_m3: float = 0.0  # aerosol: the highest listed density among the units

    @property
    def ids(self) -> list[str]:
        """Ids of the lines of this agent."""
        return [line.id for line in self.lines]


# --------------------------------------------------------------------------- shared figures


def specific_volume_m3_kg(agent: Agent, temperature_c: float) -> float:
    """S = k1 + k2 * T, m3/kg (reference 4; S11, S13)."""
    k1, k2 = HALOCARBON_K.get(agent) or INERT_K[agent]
    return k1 + k2 * temperature_c


def required_agent_kg(
    agent: Agent,
    volume_m3: float,
    *,
    temperature_c: float,
    concentration_pct: float,
    altitude_m: float,
    design_density_g_m3: float = 0.0,
) -> float:
    """Agent mass a volume needs (reference 4).

    Halocarbon: W = (V/S) * C/(100 - C) (S11). Inert gas: m = (V/S) * ln(100/(100 - C)) (S13).
    S at the minimum design temperature. Both times the NFPA altitude correction factor,
    approximated by the ISA pressure ratio (about 0.89 at 900 m; below 1 above sea level, so
    less agent is needed at altitude). Condensed aerosol: M = q * V with the listed design
    density (S14), no altitude factor (the listing's own corrections apply).
    """
    if agent is Agent.AEROSOL:
        return design_density_g_m3 * volume_m3 / 1000.0
    s = specific_volume_m3_kg(agent, temperature_c)
    c = concentration_pct
    per_s = volume_m3 / s
    if agent in HALOCARBON_K:
        mass = per_s * (c / (100.0 - c))  # S11: W = (V/S) * C / (100 - C)
    else:
        mass = per_s * math.log(100.0 / (100.0 - c))  # S13: m = (V/S) * ln(100 / (100 - C))
    return mass * air_pressure_ratio(altitude_m)


def protected_volume_m3(ctx: Context) -> tuple[float | None, str]:
    """Net protected volume and where it comes from.

    The site's room volume when given (total flooding of the room); otherwise rack-level
    protection of the racks' internal volume (width x depth x (U x 44.45 + 200) mm); None when
    neither is known.
    """
    if ctx.site.room_volume_m3 is not None:
        return ctx.site.room_volume_m3, "the room"
    total = 0.0
    for rack in ctx.racks.values():
        spec = rack_spec(rack)
        if spec is None:
            continue
        height_mm = spec.u * U_MM + RACK_FRAME_MM
        total += spec.width_mm * spec.depth_mm * height_mm / 1e9
    if total <= 0:
        return None, "unknown"
    return total, "the racks' internal volume"


def agent_groups(ctx: Context) -> dict[Agent, AgentGroup]:
    """Suppression lines grouped by agent, in build order."""
    groups: dict[Agent, AgentGroup] = {}
    for line in ctx.by_kind.get(Kind.FIRE_SUPPRESSION, []):
        spec = line.component.spec
        if not isinstance(spec, FireSuppressionSpec):
            continue
        group = groups.get(spec.agent)
        if group is None:
            group = groups[spec.agent] = AgentGroup(spec.agent)
        group.lines.append(line)
        group.installed_kg += spec.agent_mass_kg * line.quantity
        group.max_volume_m3 += spec.max_volume_m3 * line.quantity
        if spec.design_density_g_m3 is not None:
            group.design_density_g_m3 = max(group.design_density_g_m3, spec.design_density_g_m3)
    return groups


def _design_pct(ctx: Context, agent: Agent) -> float | None:
    return ctx.policy.design_concentration_pct.get(agent)


def _kg_up(value: float) -> str:
    """A required mass to 0.01 kg (C8), rounded up so that the figure shown is enough."""
    return f"{math.ceil(round(value * 100, 6)) / 100:,.2f} kg"


# --------------------------------------------------------------------------- checks


@check(
    "fire",
    required=(
        "A build whose policy asks for fire suppression has a suppression unit",
        "policy.require_fire_suppression",
    ),
)
def fire_required(ctx: Context) -> None:
    """The policy requires suppression and the build has no suppression unit."""
    if ctx.policy.require_fire_suppression and not agent_groups(ctx):
        ctx.add(
            "fire.required",
            Severity.ERROR,
            "The policy requires fire suppression, but the build has no suppression unit.",
        )


@check(
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
def agent_mass(ctx: Context) -> None:
    """Required agent mass per agent against the mass installed, and the listed volume limit.

    Sets ``ctx.agent_required_kg`` / ``ctx.agent_installed_kg`` for the metrics (sums over the
    agents present; a build normally has one).
    """
    groups = agent_groups(ctx)
    if not groups:
        return
    volume, where = protected_volume_m3(ctx)
    ids = [i for g in groups.values() for i in g.ids]
    ctx.agent_installed_kg = sum(g.installed_kg for g in groups.values())
    if volume is None:
        ctx.add(
            "fire.protected_volume",
            Severity.WARNING,
            "The protected volume is unknown (no room volume and no rack dimensions): the agent "
            "mass cannot be checked.",
            subject=ids,
        )
        return
    site = ctx.site
    required_total: float | None = None
    for group in groups.values():
        name = _HUMAN[group.agent]
        if volume > group.max_volume_m3:
            ctx.add(
                "fire.protected_volume",
                Severity.ERROR,
                f"The {name} units are listed for {group.max_volume_m3:,.2f} m³ together, but "
                f"{where} is {volume:,.2f} m³.",
                subject=group.ids,
                value=volume,
                limit=group.max_volume_m3,
                unit="m3",
            )
        if group.agent is Agent.AEROSOL:
            concentration = 0.0
            basis = f"{group.design_density_g_m3:g} g/m³"
        else:
            pct = _design_pct(ctx, group.agent)
            if pct is None:
                continue  # reported by design_concentration
            concentration = pct
            basis = f"{pct:g} % at {site.ambient_min_c:g} °C and {site.altitude_m:,.0f} m"
        required = required_agent_kg(
            group.agent,
            volume,
            temperature_c=site.ambient_min_c,
            concentration_pct=concentration,
            altitude_m=site.altitude_m,
            design_density_g_m3=group.design_density_g_m3,
        )
        required_total = (required_total or 0.0) + required
        if group.installed_kg < required:
            ctx.add(
                "fire.agent_mass",
                Severity.ERROR,
                f"Protecting {volume:,.2f} m³ ({where}) with {name} at {basis} needs "
                f"{_kg_up(required)} of agent; the units hold {group.installed_kg:,.2f} kg.",
                subject=group.ids,
                value=group.installed_kg,
                limit=required,
                unit="kg",
            )
    ctx.agent_required_kg = required_total


@check(
    "fire",
    design_concentration=(
        "The design concentration is at least the agent's Class A minimum",
        "reference 4; S11; S12; S13",
    ),
)
def design_concentration(ctx: Context) -> None:
    """Policy design concentration of each agent present against its hazard-class minimum."""
    for group in agent_groups(ctx).values():
        if group.agent is Agent.AEROSOL:
            continue  # designed by listed density, not concentration (S14)
        name = _HUMAN[group.agent]
        pct = _design_pct(ctx, group.agent)
        if pct is None:
            ctx.add(
                "fire.design_concentration",
                Severity.WARNING,
                f"The policy gives no design concentration for {name}: its agent mass is not "
                "checked.",
                subject=group.ids,
            )
            continue
        minimum = CLASS_A_MIN_DESIGN_PCT.get(group.agent)
        if minimum is not None and pct < minimum:
            ctx.add(
                "fire.design_concentration",
                Severity.WARNING,
                f"The {name} design concentration of {pct:g} % is below the {minimum:g} % "
                "minimum for Class A surface fires.",
                subject=group.ids,
                value=pct,
                limit=minimum,
                unit="%",
            )


@check(
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
def occupied_space(ctx: Context) -> None:
    """Design concentration against NOAEL (halocarbons) or the O2-based limits (inert gases)."""
    if not ctx.site.occupied:
        return
    for group in agent_groups(ctx).values():
        agent = group.agent
        name = _HUMAN[agent]
        if agent is Agent.AEROSOL:
            ctx.add(
                "fire.occupied_exposure",
                Severity.WARNING,
                "Condensed aerosol is not for normally occupied spaces (NFPA 2010): keep people "
                "out of the protected space or choose a clean agent.",
                subject=group.ids,
            )
            continue
        pct = _design_pct(ctx, agent)
        if pct is None:
            continue
        noael = NOAEL_PCT.get(agent)
        if noael is not None:
            if pct > noael:
                ctx.add(
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
            ctx.add(
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
            ctx.add(
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
