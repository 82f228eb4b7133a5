"""Writes of standards: create from a build, publish versions, variants, apply and re-apply.

Signatures (keyword-only):

- standard_create(*, build, name, description="", user) -> Standard       version 1 = the build
- standard_update(*, standard, **fields) -> Standard                      name, description
- standard_delete(*, standard) -> None                     Conflict while builds follow it
- standard_publish(*, standard, build=None, notes="", user) -> StandardVersion
- variant_create(*, standard, name, description="", substitutions) -> StandardVariant
- variant_delete(*, variant) -> None                       Conflict while builds use it
- standard_apply(*, standard, sites, variant=None, version=None, user) -> list[Build]
- standard_reapply(*, standard, builds, version=None, user) -> list[Build]

Apply and re-apply are all or nothing: every refused site or build is named in one
ValidationError and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Component
from configurator.builds.models import Build, BuildLine, Site, validate_partial_policy
from configurator.errors import Conflict
from configurator.fleet.designs import (
    REFERENCES,
    design_of,
    design_with_substitutions,
    lines_create,
    missing_components,
)
from configurator.fleet.models import Standard, StandardBuild, StandardVariant, StandardVersion

__all__ = [
    "MAX_SITES_PER_APPLY",
    "standard_apply",
    "standard_create",
    "standard_delete",
    "standard_publish",
    "standard_reapply",
    "standard_update",
    "variant_create",
    "variant_delete",
]

# One roll-out writes a build and its lines per site in a single transaction; beyond this,
# split the selection (the API and the UI say so).
MAX_SITES_PER_APPLY = 10_000
STANDARD_UPDATE_FIELDS = frozenset({"name", "description"})


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _save_standard(standard: Standard) -> Standard:
    standard.full_clean(exclude=["organisation", "source_build", "created_by"])
    try:
        with transaction.atomic():
            standard.save()
    except IntegrityError as exc:
        raise Conflict(
            f"A standard named {standard.name!r} already exists in this organisation.",
            code="standard_name_taken",
        ) from exc
    return standard


@transaction.atomic
def standard_create(*, build: Build, name: str, description: str = "", user: Any) -> Standard:
    """Make a standard of `build`'s organisation whose version 1 is the build as it is now."""
    design = design_of(build)
    if not design["lines"]:
        raise ValidationError({"build": ["The build has no lines: nothing to standardise."]})
    standard = _save_standard(
        Standard(
            organisation=build.site.organisation,
            name=name.strip(),
            description=description,
            source_build=build,
            current_version=1,
            created_by=_user_or_none(user),
        )
    )
    StandardVersion.objects.create(
        standard=standard,
        number=1,
        design=design,
        notes="First version.",
        source_build=build,
        source_build_revision=build.revision,
        created_by=_user_or_none(user),
    )
    return standard


def standard_update(*, standard: Standard, **fields: Any) -> Standard:
    """Rename a standard or change its description."""
    unknown = sorted(set(fields) - STANDARD_UPDATE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in unknown})
    for name, value in fields.items():
        setattr(standard, name, value.strip() if name == "name" else value)
    return _save_standard(standard)


@transaction.atomic
def standard_delete(*, standard: Standard) -> None:
    """Delete a standard and its versions; refused while builds follow it."""
    count = StandardBuild.objects.filter(standard=standard).count()
    if count:
        raise Conflict(
            f"{count} build(s) follow this standard; delete them or keep the standard.",
            code="standard_in_use",
            details={"builds": count},
        )
    standard.delete()


@transaction.atomic
def standard_publish(
    *, standard: Standard, build: Build | None = None, notes: str = "", user: Any
) -> StandardVersion:
    """Publish the next version of a standard from `build` (default: its source build).

    Refused (409 `nothing_changed`) when the design equals the current version's.
    """
    locked = Standard.objects.select_for_update().get(pk=standard.pk)
    source = build or locked.source_build
    if source is None:
        raise ValidationError({"build": ["Name the build to publish from."]})
    if source.site.organisation_id != locked.organisation_id:
        raise ValidationError({"build": ["The build belongs to another organisation."]})
    design = design_of(source)
    if not design["lines"]:
        raise ValidationError({"build": ["The build has no lines: nothing to publish."]})
    latest = StandardVersion.objects.get(standard=locked, number=locked.current_version)
    if _comparable(latest.design) == _comparable(design):
        raise Conflict(
            f"The build is the same as version {latest.number}: nothing to publish.",
            code="nothing_changed",
        )
    number = locked.current_version + 1
    version = StandardVersion.objects.create(
        standard=locked,
        number=number,
        design=design,
        notes=notes,
        source_build=source,
        source_build_revision=source.revision,
        created_by=_user_or_none(user),
    )
    Standard.objects.filter(pk=locked.pk).update(
        current_version=number, source_build=source, updated_at=timezone.now()
    )
    standard.current_version = number
    standard.source_build = source
    return version


def _comparable(design: Mapping[str, Any]) -> tuple[Any, ...]:
    """A design without its name and line keys: two builds laid out alike compare equal."""
    where = {line["key"]: n for n, line in enumerate(design["lines"])}
    return (
        tuple(
            (
                line["component"],
                line["quantity"],
                line["position_u"],
                line["face"],
                line["phase"],
                line["note"],
                *(where.get(line[ref]) if line[ref] else None for ref in REFERENCES),
            )
            for line in design["lines"]
        ),
        tuple(sorted((design.get("policy_override") or {}).items())),
    )


def _clean_substitutions(
    standard: Standard, substitutions: Sequence[Mapping[str, Any]]
) -> list[dict[str, int]]:
    """Check each swap (both components exist, one kind, each replaced once); as ids."""
    errors: dict[str, list[str]] = {}
    pairs: list[tuple[int, int]] = []
    for index, pair in enumerate(substitutions):
        try:
            pairs.append((_component_id(pair["replace"]), _component_id(pair["with"])))
        except (KeyError, TypeError, ValueError):
            errors[f"substitutions.{index}"] = [
                'Give {"replace": <component id>, "with": <component id>}.'
            ]
    if not pairs and not errors:
        errors["substitutions"] = ["A variant swaps at least one component."]
    components = Component.objects.in_bulk({pk for pair in pairs for pk in pair})
    seen: set[int] = set()
    for index, (old, new) in enumerate(pairs):
        key = f"substitutions.{index}"
        if old not in components or new not in components:
            errors[key] = ["Unknown component."]
        elif components[old].kind != components[new].kind:
            errors[key] = [
                f"{components[old]} is a {components[old].kind}, "
                f"{components[new]} a {components[new].kind}: swap parts of one kind."
            ]
        elif old == new:
            errors[key] = ["A component cannot replace itself."]
        elif old in seen:
            errors[key] = ["This component is already replaced."]
        seen.add(old)
    if errors:
        raise ValidationError(errors)
    return [{"replace": old, "with": new} for old, new in pairs]


def _component_id(value: Any) -> int:
    if isinstance(value, Component):
        return int(value.pk)
    if isinstance(value, bool):
        raise TypeError("not an id")
    return int(value)


def variant_create(
    *,
    standard: Standard,
    name: str,
    description: str = "",
    substitutions: Sequence[Mapping[str, Any]],
) -> StandardVariant:
    """Record a local variant of a standard: the components it swaps at its sites."""
    variant = StandardVariant(
        standard=standard,
        name=name.strip(),
        description=description,
        substitutions=_clean_substitutions(standard, substitutions),
    )
    variant.full_clean(exclude=["standard"])
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:
        raise Conflict(
            f"This standard already has a variant named {variant.name!r}.",
            code="variant_name_taken",
        ) from exc
    return variant


@transaction.atomic
def variant_delete(*, variant: StandardVariant) -> None:
    """Delete a variant; refused while builds use it."""
    count = StandardBuild.objects.filter(variant=variant).count()
    if count:
        raise Conflict(
            f"{count} build(s) use this variant.", code="variant_in_use", details={"builds": count}
        )
    variant.delete()


def _version(standard: Standard, number: int | None) -> StandardVersion:
    number = number or standard.current_version
    version = StandardVersion.objects.filter(standard=standard, number=number).first()
    if version is None:
        raise ValidationError({"version": [f"The standard has no version {number}."]})
    return version


def _design_for(version: StandardVersion, variant: StandardVariant | None) -> dict[str, Any]:
    design = version.design
    if variant is not None:
        design = design_with_substitutions(design, variant.substitutions)
    missing = missing_components(design)
    if missing:
        raise ValidationError(
            {"version": [f"Components {missing} of this design left the catalogue."]}
        )
    return design


@transaction.atomic
def standard_apply(
    *,
    standard: Standard,
    sites: Sequence[Site],
    variant: StandardVariant | None = None,
    version: int | None = None,
    user: Any,
) -> list[Build]:
    """Give each site a new draft build of the standard's version (default: current).

    Every site must belong to the standard's organisation and have no build of this standard
    yet; otherwise nothing is written and each refused site is named.
    """
    sites = list({site.pk: site for site in sites}.values())
    if not sites:
        raise ValidationError({"sites": ["Choose at least one site."]})
    if len(sites) > MAX_SITES_PER_APPLY:
        raise ValidationError({"sites": [f"At most {MAX_SITES_PER_APPLY} sites at once."]})
    if variant is not None and variant.standard_id != standard.pk:
        raise ValidationError({"variant": ["This variant belongs to another standard."]})
    frozen = _version(standard, version)
    design = _design_for(frozen, variant)
    errors = [
        f"{site.name}: belongs to another organisation."
        for site in sites
        if site.organisation_id != standard.organisation_id
    ]
    taken = dict(
        StandardBuild.objects.filter(standard=standard, site__in=sites).values_list(
            "site_id", "build__name"
        )
    )
    errors += [
        f"{site.name}: already has build {taken[site.pk]!r} of this standard; re-apply instead."
        for site in sites
        if site.pk in taken
    ]
    if errors:
        raise ValidationError({"sites": errors})
    policy = validate_partial_policy(design.get("policy_override") or {})
    now = timezone.now()
    builds = Build.objects.bulk_create(
        [
            Build(
                site=site,
                name=standard.name,
                policy_override=policy,
                created_by=_user_or_none(user),
            )
            for site in sites
        ],
        batch_size=2000,
    )
    lines_create([(build, design) for build in builds])
    StandardBuild.objects.bulk_create(
        [
            StandardBuild(
                build=build,
                standard=standard,
                site_id=build.site_id,
                version=frozen.number,
                variant=variant,
                applied_revision=build.revision,
                applied_at=now,
                applied_by=_user_or_none(user),
            )
            for build in builds
        ],
        batch_size=2000,
    )
    return builds


@transaction.atomic
def standard_reapply(
    *, standard: Standard, builds: Sequence[Build], version: int | None = None, user: Any
) -> list[Build]:
    """Replace each build's lines with the standard's version (default: current) and variant.

    The builds keep their ids and sites, move to the next revision and go back to draft (an
    approval was of the old design). Refused, naming each, for builds that do not follow this
    standard or are archived.
    """
    ids = sorted({build.pk for build in builds})
    if not ids:
        raise ValidationError({"builds": ["Choose at least one build."]})
    frozen = _version(standard, version)
    locked = list(
        Build.objects.select_for_update(of=("self",))
        .select_related("site", "standard_link__variant")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    errors = [f"Build {pk}: not found." for pk in sorted(set(ids) - {b.pk for b in locked})]
    for build in locked:
        link = getattr(build, "standard_link", None)
        if link is None or link.standard_id != standard.pk:
            errors.append(f"{build.name} ({build.site.name}): does not follow this standard.")
        elif build.status == Build.Status.ARCHIVED:
            errors.append(f"{build.name} ({build.site.name}): archived; reopen it first.")
    if errors:
        raise ValidationError({"builds": errors})
    designs = {build.pk: _design_for(frozen, build.standard_link.variant) for build in locked}
    # Lines refer to each other (RESTRICT): drop the references, then the lines.
    old_lines = BuildLine.objects.filter(build_id__in=ids)
    old_lines.update(**{ref: None for ref in REFERENCES}, position_u=None)
    old_lines.delete()
    lines_create([(build, designs[build.pk]) for build in locked])
    now = timezone.now()
    policy = validate_partial_policy(frozen.design.get("policy_override") or {})
    Build.objects.filter(pk__in=ids).update(
        revision=F("revision") + 1,
        status=Build.Status.DRAFT,
        approved_by=None,
        approved_at=None,
        policy_override=policy,
        updated_at=now,
    )
    revisions = dict(Build.objects.filter(pk__in=ids).values_list("pk", "revision"))
    links = []
    for build in locked:
        link = build.standard_link
        link.version = frozen.number
        link.applied_revision = revisions[build.pk]
        link.applied_at = now
        link.applied_by = _user_or_none(user)
        links.append(link)
        build.revision = revisions[build.pk]
        build.status = Build.Status.DRAFT
    StandardBuild.objects.bulk_update(
        links, ["version", "applied_revision", "applied_at", "applied_by"], batch_size=2000
    )
    return locked
