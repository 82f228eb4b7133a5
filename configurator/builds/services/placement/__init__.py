"""Where a line may sit (checks) and where the services put lines left to them (auto).

`check_line` is every check of a line's rack, U position, face, feeds, UPS and coolant source
against the rest of its build, run by the line services before anything is saved;
`build_auto_place` places every unplaced rack-mount line.

Blanking panels give way (`rules.derive.geometry.gives_way`): equipment placed over them takes
their U, and `make_way` cuts the panel lines back to what is left below and above. Auto-place
uses truly free U first and takes panels over only when nothing else fits.
"""

from configurator.builds.services.placement.auto import (
    Placement,
    build_auto_place,
    default_feeds,
    place_one,
)
from configurator.builds.services.placement.checks import (
    AUTO,
    Candidate,
    LineRef,
    check_line,
    decimal_or_none,
    describe_line,
    gives_way_line,
    lines_of,
    make_way,
    resolve_line,
)

__all__ = [
    "AUTO",
    "Candidate",
    "LineRef",
    "Placement",
    "build_auto_place",
    "check_line",
    "decimal_or_none",
    "default_feeds",
    "describe_line",
    "gives_way_line",
    "lines_of",
    "make_way",
    "place_one",
    "resolve_line",
]
