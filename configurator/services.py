"""Writes of sites and builds: every change to a build goes through these functions.

Signatures (keyword-only; line references accept a BuildLine or its pk):

- site_create(*, organisation, name, **fields) -> Site
- site_update(*, site, **fields) -> Site
- site_delete(*, site) -> None                      Conflict while builds exist
- build_create(*, site, name, policy_override=None, user) -> Build
- build_update(*, build, expected_revision, **fields) -> Build   (name, policy_override, status)
- build_delete(*, build, expected_revision=None) -> None   (added: Conflict when approved)
- build_clone(*, build, name=None, site=None, user) -> Build
- build_apply_to_site(*, build, site, user, auth=None) -> Build
- build_approve(*, build, user, expected_revision=None) -> Build
- build_line_add(*, build, component, quantity=1, rack=None, position_u=None, face="front",
  feed_a=None, feed_b=None, ups=None, phase=None, note="", expected_revision=None) -> BuildLine
- build_line_update(*, line, expected_revision=None, **fields) -> BuildLine
  (fields: quantity, rack, position_u, face, feed_a, feed_b, ups, phase, note, sort_order)
- build_line_remove(*, line, cascade=False, expected_revision=None) -> None
- build_auto_place(*, build, expected_revision=None) -> list[Placement]

Every build write locks the build row, compares `expected_revision` (None = do not check)
with the stored revision, and bumps the revision with
``UPDATE ... SET revision = revision + 1 WHERE revision = <read>``; a mismatch raises
PreconditionFailed and the transaction leaves nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Component
from configurator.builds.models import Build, BuildLine, Site, validate_partial_policy
from configurator.errors import BlockedByRules, Conflict, NotFound, PreconditionFailed
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to
from rules.checks.space import faces_collide
from rules.model import POWER_SOURCE_KINDS
from rules.specs import Kind, RackSpec

__all__ = [
    "READ_ONLY_MESSAGE",
    "Placement",
    "build_apply_to_site",
    "build_approve",
    "build_auto_place",
    "build_clone",
    "build_create",
    "build_delete",
    "build_line_add",
    "build_line_remove",
    "build_line_update",
    "build_update",
    "site_create",
    "site_delete",
    "site_update",
]

READ_ONLY_MESSAGE = "Approved builds are read-only; clone it or set it back to draft."

LineRef = BuildLine | int | None
HALF_U = Decimal("0.5")
SITE_FIELDS = frozenset({"name", "description", *Site.ENGINE_FIELDS})
BUILD_UPDATE_FIELDS = frozenset({"name", "policy_override", "status"})
LINE_UPDATE_FIELDS = frozenset(
    {"quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups", "phase", "note"}
    | {"sort_order"}
)
LINE_REFERENCE_FIELDS = ("rack", "feed_a", "feed_b", "ups")


# --------------------------------------------------------------------------- sites


def _refuse_unknown(fields: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({field: ["This field cannot be set here."] for field in unknown})


def site_create(*, organisation: Organisation, name: str, **fields: Any) -> Site:
    """Create a site of `organisation`, validated through the engine's Site model."""
    _refuse_unknown(fields, SITE_FIELDS)
    site = Site(organisation=organisation, name=name, **fields)
    site.full_clean()
    _save_site(site)
    return site


def site_update(*, site: Site, **fields: Any) -> Site:
    """Change a site's fields; the whole row is revalidated before saving."""
    _refuse_unknown(fields, SITE_FIELDS)
    for field, value in fields.items():
        setattr(site, field, value)
    site.full_clean()
    _save_site(site)
    return site


def _save_site(site: Site) -> None:
    # full_clean checked the name is free; a concurrent writer can still take it first.
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError as exc:
        raise Conflict(
            f"A site named {site.name!r} already exists in this organisation.",
            code="site_name_taken",
        ) from exc


@transaction.atomic
def site_delete(*, site: Site) -> None:
    """Delete a site; refused with Conflict while it has builds."""
    count = site.builds.count()
    if count:
        raise Conflict(
            f"Site {site.name!r} still has {count} build(s); delete or move them first.",
            code="site_has_builds",
            details={"builds": count},
        )
    site.delete()


# --------------------------------------------------------------------------- revisions


def _lock(build: Build, expected_revision: int | None) -> Build:
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


def _writable(build: Build, expected_revision: int | None) -> Build:
    """Lock the build and refuse line changes on an approved or archived build."""
    _lock(build, expected_revision)
    if build.status != Build.Status.DRAFT:
        raise Conflict(READ_ONLY_MESSAGE, code="read_only")
    return build


def _bump(build: Build, **changes: Any) -> None:
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


# --------------------------------------------------------------------------- builds


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
    _refuse_unknown(fields, BUILD_UPDATE_FIELDS)
    _lock(build, expected_revision)
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
            raise Conflict(READ_ONLY_MESSAGE, code="read_only")
        try:
            changes["policy_override"] = validate_partial_policy(fields["policy_override"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _bump(build, **changes)
    return build


@transaction.atomic
def build_delete(*, build: Build, expected_revision: int | None = None) -> None:
    """Delete a build and its lines; an approved build is refused until set back to draft."""
    _lock(build, expected_revision)
    if build.status == Build.Status.APPROVED:
        raise Conflict(READ_ONLY_MESSAGE, code="read_only")
    build.delete()


@transaction.atomic
def build_clone(
    *, build: Build, name: str | None = None, site: Site | None = None, user: Any
) -> Build:
    """Copy a build and its lines into a new draft, with rack/feed/UPS references remapped."""
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
    from configurator.selectors import build_report

    _lock(build, expected_revision)
    if build.status != Build.Status.DRAFT:
        raise Conflict(f"Only a draft build can be approved; this one is {build.status}.")
    report = build_report(build)
    if report.errors:
        raise BlockedByRules(
            f"The build has {len(report.errors)} blocking finding(s).",
            details=[finding.model_dump(mode="json") for finding in report.errors],
        )
    _bump(
        build,
        status=Build.Status.APPROVED,
        approved_by=user if getattr(user, "is_authenticated", False) else None,
        approved_at=timezone.now(),
    )
    return build


# --------------------------------------------------------------------------- placement checks


def _u_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _span_text(start: Decimal, end: Decimal) -> str:
    """Rack units from `start` up to (not including) `end` as a person reads them."""
    last = end - 1 if end - start >= 1 else start
    if last == start:
        return f"U {_u_text(start)}"
    return f"U {_u_text(start)}\u2013{_u_text(last)}"


def _describe(line: BuildLine, *, start: bool = False) -> str:
    """How messages name a line: "line 42 (Helix R20 server)"; `start` capitalises it."""
    component = line.component
    text = f"line {line.pk} ({component.model_name} {component.get_kind_display().lower()})"
    return text[0].upper() + text[1:] if start else text


def _decimal_or_none(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({field: ["Enter a number."]}) from exc


def _resolve(value: LineRef, field: str, lines: dict[int, BuildLine]) -> BuildLine | None:
    """The line of this build a reference names; another build's line is refused by name."""
    if value is None:
        return None
    pk = value.pk if isinstance(value, BuildLine) else int(value)
    line = lines.get(pk)
    if line is None:
        raise ValidationError({field: [f"Line {pk} is not a line of this build."]})
    return line


@dataclass
class _Candidate:
    """The values a line would have after the write, checked before anything is saved."""

    pk: int | None
    component: Component
    quantity: int
    rack: BuildLine | None
    position_u: Decimal | None
    face: str
    feed_a: BuildLine | None
    feed_b: BuildLine | None
    ups: BuildLine | None
    phase: int | None


def _occupied(
    line_component: Component, position: Decimal, quantity: int
) -> tuple[Decimal, Decimal]:
    return position, position + line_component.u_height * quantity


def _usable_depth_mm(rack: BuildLine) -> float:
    """Deepest device the rack's rails take (the engine's RackSpec rule)."""
    return RackSpec.model_validate(rack.component.spec).usable_depth_mm


def _depth_mm(component: Component) -> float | None:
    """Depth for the opposite-face rule; unknown (None) counts as the whole usable depth."""
    return float(component.depth_mm) if component.depth_mm is not None else None


def _check(candidate: _Candidate, lines: dict[int, BuildLine]) -> None:
    """Every check of a line against the others of its build; all errors at once."""
    errors: dict[str, list[str]] = {}
    kind = candidate.component.kind
    if candidate.quantity < 1:
        errors["quantity"] = ["Quantity must be at least 1."]
    if candidate.face not in BuildLine.Face.values:
        errors["face"] = [f"Unknown face {candidate.face!r}; use front or rear."]
    if candidate.phase is not None and candidate.phase not in (1, 2, 3):
        errors["phase"] = ["Phase must be 1, 2 or 3."]

    if kind == Kind.RACK:
        if candidate.quantity != 1:
            errors["quantity"] = ["A rack line holds one rack; add a line per rack."]
        for field in ("rack", "position_u", "feed_a", "feed_b", "ups"):
            if getattr(candidate, field) is not None:
                errors[field] = ["A rack is not mounted, fed or attached to anything."]
        if errors:
            raise ValidationError(errors)
        return

    rack = candidate.rack
    if rack is not None and rack.component.kind != Kind.RACK:
        errors["rack"] = [f"{_describe(rack, start=True)} is not a rack."]
        rack = None
    _check_position(candidate, rack, lines, errors)
    _check_feeds(candidate, lines, errors)
    if candidate.ups is not None:
        if kind != Kind.BATTERY:
            errors["ups"] = ["Only a battery pack extends a UPS."]
        elif candidate.ups.component.kind != Kind.UPS:
            errors["ups"] = [f"{_describe(candidate.ups, start=True)} is not a UPS."]
    if errors:
        raise ValidationError(errors)


def _check_position(
    candidate: _Candidate,
    rack: BuildLine | None,
    lines: dict[int, BuildLine],
    errors: dict[str, list[str]],
) -> None:
    position = candidate.position_u
    if position is None:
        return
    if rack is None:
        errors.setdefault("position_u", []).append("A position needs a rack.")
        return
    height = candidate.component.u_height
    if height == 0:
        errors["position_u"] = ["A zero-U component takes no U position; give only its rack."]
        return
    if position < 1 or position % HALF_U:
        errors["position_u"] = ["A position is a multiple of 0.5 U, from U 1."]
        return
    start, end = _occupied(candidate.component, position, candidate.quantity)
    rack_u = int(rack.component.spec.get("u", 0))
    if end > rack_u + 1:
        errors["position_u"] = [
            f"{_span_text(start, end)} is outside {_describe(rack)}, which has U 1\u2013{rack_u}."
        ]
        return
    usable = _usable_depth_mm(rack)
    depth = _depth_mm(candidate.component)
    for other in lines.values():
        if other.pk == candidate.pk or other.rack_id != rack.pk or other.position_u is None:
            continue
        other_start, other_end = _occupied(other.component, other.position_u, other.quantity)
        if (
            other_start < end
            and start < other_end
            and faces_collide(candidate.face, depth, other.face, _depth_mm(other.component), usable)
        ):
            errors["position_u"] = [
                f"{_span_text(other_start, other_end)} is taken by {_describe(other)}."
            ]
            return


def _check_feeds(
    candidate: _Candidate, lines: dict[int, BuildLine], errors: dict[str, list[str]]
) -> None:
    for field in ("feed_a", "feed_b"):
        source = getattr(candidate, field)
        if source is None:
            continue
        if source.component.kind not in POWER_SOURCE_KINDS:
            errors[field] = [f"{_describe(source, start=True)} is not a PDU, ATS or UPS."]
        elif candidate.pk is not None and _feeds_from(source, candidate.pk, lines):
            errors[field] = [f"{_describe(source, start=True)} is fed by this line: a loop."]
    if (
        candidate.feed_a is not None
        and candidate.feed_b is not None
        and candidate.feed_a.pk == candidate.feed_b.pk
    ):
        errors["feed_b"] = ["Feed A and feed B must be different sources."]


def _feeds_from(source: BuildLine, line_pk: int, lines: dict[int, BuildLine]) -> bool:
    """Whether walking upstream from `source` reaches `line_pk` (the write would make a loop)."""
    seen: set[int] = set()
    stack = [source.pk]
    while stack:
        pk = stack.pop()
        if pk == line_pk:
            return True
        if pk in seen or pk not in lines:
            continue
        seen.add(pk)
        stack.extend(p for p in (lines[pk].feed_a_id, lines[pk].feed_b_id) if p is not None)
    return False


def _lines_of(build: Build) -> dict[int, BuildLine]:
    """Every line of the build with its component, in one query."""
    return {
        line.pk: line
        for line in BuildLine.objects.filter(build_id=build.pk).select_related(
            "component__manufacturer"
        )
    }


# --------------------------------------------------------------------------- lines


@transaction.atomic
def build_line_add(
    *,
    build: Build,
    component: Component,
    quantity: int = 1,
    rack: LineRef = None,
    position_u: Decimal | float | str | None = None,
    face: str = BuildLine.Face.FRONT,
    feed_a: LineRef = None,
    feed_b: LineRef = None,
    ups: LineRef = None,
    phase: int | None = None,
    note: str = "",
    expected_revision: int | None = None,
) -> BuildLine:
    """Add a line after checking its placement and feeds against the rest of the build."""
    _writable(build, expected_revision)
    lines = _lines_of(build)
    candidate = _Candidate(
        pk=None,
        component=component,
        quantity=int(quantity),
        rack=_resolve(rack, "rack", lines),
        position_u=_decimal_or_none(position_u, "position_u"),
        face=str(face),
        feed_a=_resolve(feed_a, "feed_a", lines),
        feed_b=_resolve(feed_b, "feed_b", lines),
        ups=_resolve(ups, "ups", lines),
        phase=phase,
    )
    _check(candidate, lines)
    line = BuildLine.objects.create(
        build=build,
        component=component,
        quantity=candidate.quantity,
        rack=candidate.rack,
        position_u=candidate.position_u,
        face=candidate.face,
        feed_a=candidate.feed_a,
        feed_b=candidate.feed_b,
        ups=candidate.ups,
        phase=phase,
        note=note,
        sort_order=max((other.sort_order for other in lines.values()), default=0) + 1,
    )
    _bump(build)
    return line


@transaction.atomic
def build_line_update(
    *, line: BuildLine, expected_revision: int | None = None, **fields: Any
) -> BuildLine:
    """Move or change a line (rack, position, face, feeds, quantity, note) with the same checks."""
    _refuse_unknown(fields, LINE_UPDATE_FIELDS)
    build = _writable(line.build, expected_revision)
    lines = _lines_of(build)
    current = lines.get(line.pk)
    if current is None:
        raise NotFound("Build line not found.")

    def value(field: str) -> Any:
        return fields[field] if field in fields else getattr(current, f"{field}_id")

    if "rack" in fields and fields["rack"] is None and "position_u" not in fields:
        # Taking a line out of its rack takes it off its U position too.
        fields["position_u"] = None

    candidate = _Candidate(
        pk=current.pk,
        component=current.component,
        quantity=int(fields.get("quantity", current.quantity)),
        rack=_resolve(value("rack"), "rack", lines),
        position_u=_decimal_or_none(fields.get("position_u", current.position_u), "position_u"),
        face=str(fields.get("face", current.face)),
        feed_a=_resolve(value("feed_a"), "feed_a", lines),
        feed_b=_resolve(value("feed_b"), "feed_b", lines),
        ups=_resolve(value("ups"), "ups", lines),
        phase=fields.get("phase", current.phase),
    )
    for field in ("rack", "feed_a", "feed_b", "ups"):
        target = getattr(candidate, field)
        if target is not None and target.pk == current.pk:
            raise ValidationError({field: ["A line cannot reference itself."]})
    _check(candidate, lines)
    for field in ("quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups", "phase"):
        setattr(current, field, getattr(candidate, field))
    current.note = fields.get("note", current.note)
    current.sort_order = fields.get("sort_order", current.sort_order)
    current.save()
    _bump(build)
    return current


@transaction.atomic
def build_line_remove(
    *, line: BuildLine, cascade: bool = False, expected_revision: int | None = None
) -> None:
    """Remove a line; refused while others use it as rack/feed/UPS unless `cascade` detaches."""
    build = _writable(line.build, expected_revision)
    referencing = Q(rack=line) | Q(feed_a=line) | Q(feed_b=line) | Q(ups=line)
    dependants = list(
        BuildLine.objects.filter(referencing, build_id=build.pk)
        .exclude(pk=line.pk)
        .select_related("component")
        .order_by("pk")
    )
    if dependants and not cascade:
        raise Conflict(
            f"Line {line.pk} is used by {len(dependants)} other line(s): "
            + ", ".join(_describe(d) for d in dependants)
            + "; detach them first or remove with cascade.",
            code="line_in_use",
            details={"lines": [d.pk for d in dependants]},
        )
    # Detaching from a rack also drops the position, which means nothing outside the rack.
    BuildLine.objects.filter(build_id=build.pk, rack=line).update(rack=None, position_u=None)
    BuildLine.objects.filter(build_id=build.pk, feed_a=line).update(feed_a=None)
    BuildLine.objects.filter(build_id=build.pk, feed_b=line).update(feed_b=None)
    BuildLine.objects.filter(build_id=build.pk, ups=line).update(ups=None)
    BuildLine.objects.filter(pk=line.pk).delete()
    _bump(build)


# --------------------------------------------------------------------------- auto-place


@dataclass(frozen=True)
class Placement:
    """Where auto-place put one line: its rack and lowest U (None for zero-U parts)."""

    line_id: int
    rack_id: int
    position_u: Decimal | None


def _placement_priority(line: BuildLine) -> tuple[int, Decimal, int]:
    # UPS and batteries go lowest (heaviest per U, and their manuals ask for it), then the
    # heaviest lines, so the rack's centre of gravity stays low.
    heavy_kind = line.component.kind in (Kind.UPS, Kind.BATTERY)
    return (0 if heavy_kind else 1, -line.component.weight_kg * line.quantity, line.pk)


@transaction.atomic
def build_auto_place(*, build: Build, expected_revision: int | None = None) -> list[Placement]:
    """Place every unplaced rack-mount line bottom-up in the build's racks, heavy items low.

    Lines already in a rack stay in it; zero-U PDUs get a rack only. All or nothing: when a
    line does not fit, a ValidationError lists every such line and nothing is saved.
    """
    _writable(build, expected_revision)
    lines = _lines_of(build)
    racks = sorted(
        (line for line in lines.values() if line.component.kind == Kind.RACK),
        key=lambda r: (r.sort_order, r.pk),
    )
    # Taken spans per rack: (start, end, face, depth mm or None when unknown).
    taken: dict[int, list[tuple[Decimal, Decimal, str, float | None]]] = {r.pk: [] for r in racks}
    zero_u_count: dict[int, int] = {r.pk: 0 for r in racks}
    for line in lines.values():
        if line.rack_id in taken and line.position_u is not None:
            start, end = _occupied(line.component, line.position_u, line.quantity)
            taken[line.rack_id].append((start, end, line.face, _depth_mm(line.component)))
        elif line.rack_id in zero_u_count and line.component.u_height == 0:
            zero_u_count[line.rack_id] += 1

    to_place = sorted(
        (
            line
            for line in lines.values()
            if line.component.kind != Kind.RACK
            and line.position_u is None
            and (line.component.u_height > 0 or (_is_zero_u_pdu(line) and line.rack_id is None))
        ),
        key=_placement_priority,
    )
    placements: list[Placement] = []
    misfits: list[BuildLine] = []
    for line in to_place:
        if line.component.u_height == 0:
            if not racks:
                misfits.append(line)
                continue
            # Spread zero-U PDUs over the racks: each rack needs its own.
            rack = min(racks, key=lambda r: (zero_u_count[r.pk], r.sort_order, r.pk))
            zero_u_count[rack.pk] += 1
            line.rack_id = rack.pk
            placements.append(Placement(line_id=line.pk, rack_id=rack.pk, position_u=None))
            continue
        candidates = [lines[line.rack_id]] if line.rack_id in taken else racks
        spot = _lowest_free(line, candidates, taken)
        if spot is None:
            misfits.append(line)
            continue
        rack, position = spot
        start, end = _occupied(line.component, position, line.quantity)
        taken[rack.pk].append((start, end, line.face, _depth_mm(line.component)))
        line.rack_id, line.position_u = rack.pk, position
        placements.append(Placement(line_id=line.pk, rack_id=rack.pk, position_u=position))
    if misfits:
        raise ValidationError(
            {
                "lines": [
                    f"{_describe(line, start=True)} does not fit in the build's racks."
                    for line in misfits
                ]
            }
        )
    if placements:
        BuildLine.objects.bulk_update(
            [lines[p.line_id] for p in placements], ["rack", "position_u"]
        )
        _bump(build)
    return placements


def _is_zero_u_pdu(line: BuildLine) -> bool:
    return line.component.kind == Kind.PDU and line.component.u_height == 0


def _lowest_free(
    line: BuildLine,
    racks: list[BuildLine],
    taken: dict[int, list[tuple[Decimal, Decimal, str, float | None]]],
) -> tuple[BuildLine, Decimal] | None:
    """The first rack and lowest U where the line's units fit on its face, or None."""
    height = line.component.u_height * line.quantity
    depth = _depth_mm(line.component)
    for rack in racks:
        usable = _usable_depth_mm(rack)
        rack_u = int(rack.component.spec.get("u", 0))
        top = Decimal(rack_u + 1)
        # Whole-U positions first: half-U offsets only when the gaps leave nothing else.
        whole = [Decimal(u) for u in range(1, rack_u + 1)]
        halves = [u + HALF_U for u in whole]
        for position in (*whole, *halves):
            end = position + height
            if end > top:
                continue
            if not any(
                start < end
                and position < stop
                and faces_collide(line.face, depth, face, other_depth, usable)
                for start, stop, face, other_depth in taken[rack.pk]
            ):
                return rack, position
    return None
