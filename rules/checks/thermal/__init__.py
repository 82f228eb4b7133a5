"""Thermal checks (``thermal.*``): cooling units (``cooling``), air management (``air``) and the
inlet air the IT breathes (``inlet``).

Heat is the room heat (IT and other room loads plus UPS losses, S2; C5), worked out in
rules.derive.thermal. Cooling is sized on *sensible* capacity (S9) with the utilisation limit
(C4); airflow at 100 %.
"""

from rules.checks.thermal.air import airflow, airflow_direction, blanking_panels, rack_airflow
from rules.checks.thermal.cooling import cooling_ambient, cooling_capacity, cooling_mounting
from rules.checks.thermal.inlet import humidity, inlet_conditions

__all__ = [
    "airflow",
    "airflow_direction",
    "blanking_panels",
    "cooling_ambient",
    "cooling_capacity",
    "cooling_mounting",
    "humidity",
    "inlet_conditions",
    "rack_airflow",
]
