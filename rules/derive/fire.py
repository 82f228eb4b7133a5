"""Fire suppression figures: agents installed, the protected volume, and the agent mass each
agent needs there.

Reference 4: NFPA 2001 / EN 15004 halocarbon and inert gas flooding formulas (S11, S13), NFPA
2010 condensed aerosol (S14). Each agent present is figured on its own: one agent's cylinders
do not make up for another's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.derive.geometry import rack_spec
from rules.derive.lines import Lines
from rules.derive.thermal import air_pressure_ratio
from rules.model import PlacedItem, RackInstance
from rules.specs import Agent, FireSuppressionSpec, Kind
from rules.units import MM_PER_U

__all__ = [
    "CLASS_A_MIN_DESIGN_PCT",
    "HALOCARBON_K",
    "INERT_K",
    "INERT_NO_EFFECT_PCT",
    "INERT_OCCUPIED_MAX_PCT",
    "NOAEL_PCT",
    "AgentGroup",
    "Fire",
    "agent_groups",
    "derive_fire",
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
RACK_FRAME_MM = 200.0


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


def protected_volume_m3(
    room_volume_m3: float | None, racks: Sequence[RackInstance]
) -> tuple[float | None, str]:
    """Net protected volume and where it comes from.

    The site's room volume when given (total flooding of the room); otherwise rack-level
    protection of the racks' internal volume (width x depth x (U x 44.45 + 200) mm); None when
    neither is known.
    """
    if room_volume_m3 is not None:
        return room_volume_m3, "the room"
    total = 0.0
    for rack in racks:
        spec = rack_spec(rack)
        if spec is None:
            continue
        height_mm = spec.u * MM_PER_U + RACK_FRAME_MM
        total += spec.width_mm * spec.depth_mm * height_mm / 1e9
    if total <= 0:
        return None, "unknown"
    return total, "the racks' internal volume"


def agent_groups(lines: Sequence[PlacedItem]) -> dict[Agent, AgentGroup]:
    """Suppression lines grouped by agent, in build order."""
    groups: dict[Agent, AgentGroup] = {}
    for line in lines:
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


@dataclass(frozen=True, slots=True)
class Fire:
    """Agents installed and the mass each needs in the protected volume."""

    groups: Mapping[Agent, AgentGroup]
    volume_m3: float | None
    volume_source: str  # "the room", "the racks' internal volume" or "unknown"
    # Per agent with a design basis (aerosol density, or a policy concentration): the mass
    # needed at the site's minimum temperature and altitude.
    required_kg: Mapping[Agent, float]
    installed_kg: float | None  # all agents; None without suppression
    required_total_kg: float | None  # None when nothing could be figured


def derive_fire(lines: Lines) -> Fire:
    """Suppression figures of one build."""
    groups = agent_groups(lines.kind(Kind.FIRE_SUPPRESSION))
    site = lines.site
    volume, where = protected_volume_m3(site.room_volume_m3, list(lines.racks.values()))
    required: dict[Agent, float] = {}
    if groups and volume is not None:
        for group in groups.values():
            if group.agent is Agent.AEROSOL:
                concentration = 0.0
            else:
                pct = lines.policy.design_concentration_pct.get(group.agent)
                if pct is None:
                    continue
                concentration = pct
            required[group.agent] = required_agent_kg(
                group.agent,
                volume,
                temperature_c=site.ambient_min_c,
                concentration_pct=concentration,
                altitude_m=site.altitude_m,
                design_density_g_m3=group.design_density_g_m3,
            )
    total: float | None = None
    for mass in required.values():
        total = (total or 0.0) + mass
    return Fire(
        groups=groups,
        volume_m3=volume,
        volume_source=where,
        required_kg=required,
        installed_kg=sum(g.installed_kg for g in groups.values()) if groups else None,
        required_total_kg=total,
    )
