"""Writes of builds: create, change, delete, clone, apply to another site, approve."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from configurator.builds.models import Build, BuildLine, Site, validate_partial_policy
from configurator.builds.services import guards
from configurator.errors import BlockedByRules, Conflict, NotFound
from configurator.tenancy.permissions import organisations_visible_to

__all__ = [
    "build_apply_to_site",
    "build_approve",
    "build_clone",
    "build_create",
    "build_delete",
    "build_update",
]

BUILD_UPDATE_FIELDS = frozenset({"name", "policy_override", "status"})
LINE_REFERENCE_FIELDS = ("rack", "feed_a", "feed_b", "ups", "coolant_from")


def build_create(
    *, site: Site, name: str, policy_override: dict[str, Any] | None = None, user: Any
) -> Build:
    """Create an empty draft build for `site`; the policy override is validated by key."""
    build = Build(
        site=site,
        name=name,
        policy_override=validate_partial_policy(policy_override or {}),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    build.full_clean(exclude=["site", "created_by", "approved_by"])
    build.save()
    return build


@transaction.atomic
def build_update(*, build: Build, expected_revision: int | None, **fields: Any) -> Build:
    """Rename, change the policy override or the status of a build.

    Status: approving goes through `build_approve`; "draft" reopens an approved build (and
    forgets who approved it); "archived" retires it. The policy of an approved build is
    frozen unless the same call reopens it.
    """
    guards.refuse_unknown(fields, BUILD_UPDATE_FIELDS)
    guards.lock(build, expected_revision)
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    status = fields.get("status", build.status)
    if status not in Build.Status.values:
        errors["status"] = [f"Unknown status {status!r}."]
    elif status == Build.Status.APPROVED and build.status != Build.Status.APPROVED:
        errors["status"] = ["Approve a build with the approve command, which runs the rules."]
    elif status != build.status:
        changes["status"] = status
        if status == Build.Status.DRAFT:
            changes.update(approved_by=None, approved_at=None)
    if "name" in fields:
        name = str(fields["name"]).strip()
        if not name:
            errors["name"] = ["A build needs a name."]
        changes["name"] = name
    if "policy_override" in fields:
        if status != Build.Status.DRAFT:
            raise Conflict(guards.READ_ONLY_MESSAGE, code="read_only")
        try:
            changes["policy_override"] = validate_partial_policy(fields["policy_override"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    guards.bump(build, **changes)
    return build


@transaction.atomic
def build_delete(*, build: Build, expected_revision: int | None = None) -> None:
    """Delete a build and its lines; an approved build is refused until set back to draft."""
    guards.lock(build, expected_revision)
    if build.status == Build.Status.APPROVED:
        raise Conflict(guards.READ_ONLY_MESSAGE, code="read_only")
    build.delete()


@transaction.atomic
def build_clone(
    *, build: Build, name: str | None = None, site: Site | None = None, user: Any
) -> Build:
    """Copy a build and its lines into a new draft, with rack, feed, UPS and coolant references
    remapped."""
    clone = build_create(
        site=site or build.site,
        name=name or f"{build.name} (copy)",
        policy_override=build.policy_override,
        user=user,
    )
    originals = list(BuildLine.objects.filter(build_id=build.pk).order_by("sort_order", "pk"))
    copies = BuildLine.objects.bulk_create(
        [
            BuildLine(
                build=clone,
                component_id=line.component_id,
                quantity=line.quantity,
                position_u=None,  # set with the rack below: a position needs its rack
                face=line.face,
                phase=line.phase,
                note=line.note,
                sort_order=line.sort_order,
            )
            for line in originals
        ]
    )
    new_id = {old.pk: new.pk for old, new in zip(originals, copies, strict=True)}
    for old, new in zip(originals, copies, strict=True):
        for field in LINE_REFERENCE_FIELDS:
            old_target = getattr(old, f"{field}_id")
            setattr(new, f"{field}_id", None if old_target is None else new_id[old_target])
        new.position_u = old.position_u
    BuildLine.objects.bulk_update(copies, [*LINE_REFERENCE_FIELDS, "position_u"])
    return clone


def build_apply_to_site(*, build: Build, site: Site, user: Any, auth: Any = None) -> Build:
    """Clone a build onto another site of an organisation the caller may act on."""
    if not organisations_visible_to(user, auth).filter(pk=site.organisation_id).exists():
        raise NotFound("Site not found.")
    if site.pk == build.site_id:
        raise ValidationError({"site": ["Choose a different site than the build's own."]})
    return build_clone(build=build, name=build.name, site=site, user=user)


@transaction.atomic
def build_approve(*, build: Build, user: Any, expected_revision: int | None = None) -> Build:
    """Approve a draft build; refused with BlockedByRules while the report has errors."""
    from configurator.builds.selectors import build_report

    guards.lock(build, expected_revision)
    if build.status != Build.Status.DRAFT:
        raise Conflict(f"Only a draft build can be approved; this one is {build.status}.")
    report = build_report(build)
    if report.errors:
        raise BlockedByRules(
            f"The build has {len(report.errors)} blocking finding(s).",
            details=[finding.model_dump(mode="json") for finding in report.errors],
        )
    guards.bump(
        build,
        status=Build.Status.APPROVED,
        approved_by=user if getattr(user, "is_authenticated", False) else None,
        approved_at=timezone.now(),
    )
    return build
