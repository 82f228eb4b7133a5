"""Sites, builds and build lines, their stored reports, and the partial engineering policy a
build overrides.

One module per model family (site.py; build.py: Build and BuildLine; report.py:
BuildReport); the checks of engineering input they share live in
`configurator.builds.validation`, re-exported here for the code that imports them with the
models. The models keep the app label "configurator" and the landed migrations.
"""

from configurator.builds.models.build import Build, BuildLine, BuildStatus
from configurator.builds.models.report import BuildReport
from configurator.builds.models.site import Site
from configurator.builds.validation import (
    RANGE_ERRORS,
    plain_message,
    site_bounds,
    validate_partial_policy,
)

__all__ = [
    "RANGE_ERRORS",
    "Build",
    "BuildLine",
    "BuildReport",
    "BuildStatus",
    "Site",
    "plain_message",
    "site_bounds",
    "validate_partial_policy",
]
