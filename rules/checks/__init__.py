"""Rule families; importing this package registers every check in ``rules.registry``."""

from rules.checks import (
    distribution,
    environment,
    fire,
    power,
    redundancy,
    space,
    sustainability,
    thermal,
)

__all__ = [
    "distribution",
    "environment",
    "fire",
    "power",
    "redundancy",
    "space",
    "sustainability",
    "thermal",
]
