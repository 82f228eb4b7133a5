"""Unit factors and conversions: the one place each factor is stated (reference 2, 3).

The engine computes in SI; imperial figures (BTU/h, CFM, lb, °F) are converted at the edges,
for people who read them, with these factors and no others.
"""

from __future__ import annotations

__all__ = [
    "BTU_H_PER_W",
    "CFM_PER_M3H",
    "FT3_PER_M3",
    "HOURS_PER_YEAR",
    "KG_PER_LB",
    "LB_PER_KG",
    "L_PER_US_GAL",
    "M3H_PER_CFM",
    "MM_PER_IN",
    "MM_PER_U",
    "W_PER_TON_REFRIGERATION",
    "btu_h",
    "c_to_f",
    "cfm",
    "gpm",
    "lb",
]

BTU_H_PER_W = 3.412  # reference 2: 1 W = 3.412 BTU/h
W_PER_TON_REFRIGERATION = 3517.0  # reference 2: 1 TR = 12,000 BTU/h = 3.517 kW
M3H_PER_CFM = 1.699  # reference 2: 1 CFM = 1.699 m3/h
CFM_PER_M3H = 1 / M3H_PER_CFM
LB_PER_KG = 2.20462  # 1 lb = 0.45359237 kg (international avoirdupois pound)
KG_PER_LB = 0.45359237
MM_PER_U = 44.45  # reference 3: 1U = 1.75 in = 44.45 mm (EIA-310)
MM_PER_IN = 25.4  # international inch
FT3_PER_M3 = 35.3147  # (1 / 0.3048 m)^3
L_PER_US_GAL = 3.785411784  # the US liquid gallon: coolant flows in gpm
HOURS_PER_YEAR = 8760  # reference 6: E_year = P_IT[kW] * PUE * 8760


def btu_h(watts: float) -> float:
    """Heat in BTU/h of ``watts`` of power (reference 2)."""
    return watts * BTU_H_PER_W


def cfm(m3h: float) -> float:
    """Airflow in CFM of ``m3h`` cubic metres an hour (reference 2)."""
    return m3h * CFM_PER_M3H


def gpm(lpm: float) -> float:
    """Coolant flow in US gallons a minute of ``lpm`` litres a minute."""
    return lpm / L_PER_US_GAL


def lb(kg: float) -> float:
    """Mass in pounds of ``kg`` kilograms."""
    return kg * LB_PER_KG


def c_to_f(celsius: float) -> float:
    """A temperature in °F."""
    return celsius * 9 / 5 + 32
