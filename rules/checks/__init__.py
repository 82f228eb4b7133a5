"""Rule families; importing this package registers every check in ``rules.registry``."""

from rules.checks import (
    environment,
    fire,
    power,
    redundancy,
    space,
    sustainability,
    thermal,
)

__all__ = ["environment", "fire", "power", "redundancy", "space", "sustainability", "thermal"]
