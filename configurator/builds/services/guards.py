"""What every write of a site, build or line starts and ends with.

It starts by refusing fields it does not take and, for a build, by locking the build row and
comparing `expected_revision` (None = do not check) with the stored revision; it ends by
bumping the revision with ``UPDATE ... SET revision = revision + 1 WHERE revision = <read>``.
A mismatch raises PreconditionFailed and the transaction leaves nothing changed.

The write services call these through the module (``guards.lock(...)``), so a test can wrap
one of them for every caller at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from configurator.builds.models import Build
from configurator.errors import Conflict, NotFound, PreconditionFailed

__all__ = ["READ_ONLY_MESSAGE", "bump", "lock", "refuse_unknown", "writable"]

READ_ONLY_MESSAGE = "Approved builds are read-only; clone it or set it back to draft."


def refuse_unknown(fields: Iterable[str], allowed: frozenset[str]) -> None:
    """Refuse, naming each, the fields a write does not take."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({field: ["This field cannot be set here."] for field in unknown})


def lock(build: Build, expected_revision: int | None) -> Build:
    """Lock the build row (PostgreSQL), check the client's revision, refresh the instance."""
    current = (
        Build.objects.select_for_update().filter(pk=build.pk).values("revision", "status").first()
    )
    if current is None:
        raise NotFound("Build not found.")
    if expected_revision is not None and expected_revision != current["revision"]:
        raise PreconditionFailed(
            f"The build is at revision {current['revision']}, not {expected_revision}; "
            "reload it and try again.",
            details={"expected_revision": expected_revision, "revision": current["revision"]},
        )
    build.revision = current["revision"]
    build.status = current["status"]
    return build


def writable(build: Build, expected_revision: int | None) -> Build:
    """Lock the build and refuse line changes on an approved or archived build."""
    lock(build, expected_revision)
    if build.status != Build.Status.DRAFT:
        raise Conflict(READ_ONLY_MESSAGE, code="read_only")
    return build


def bump(build: Build, **changes: Any) -> None:
    """Save `changes` and move to the next revision, if nobody else did in between."""
    now = timezone.now()
    updated = Build.objects.filter(pk=build.pk, revision=build.revision).update(
        revision=F("revision") + 1, updated_at=now, **changes
    )
    if not updated:
        raise PreconditionFailed("The build changed while it was being edited; try again.")
    build.revision += 1
    build.updated_at = now
    for field, value in changes.items():
        setattr(build, field, value)
