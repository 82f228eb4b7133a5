"""The demo tenancy and builds that `seed_demo` creates, read from their data files.

``configurator/fixtures/demo/tenancy.yaml`` holds the organisations (with their letterheads)
and one user per role; ``builds.yaml`` holds the sites and the builds, a line per row. Both
are checked as they are read: a bad row raises `DemoDataError` naming the file, the row and
the field, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from configurator.builds.models import validate_partial_policy
from configurator.builds.services.sites import SITE_FIELDS
from configurator.tenancy.models import Membership, Organisation

__all__ = [
    "BUILDS_FILE",
    "LINE_REFERENCES",
    "PLACEMENT_FIELDS",
    "TENANCY_FILE",
    "DemoData",
    "DemoDataError",
    "DemoOrganisation",
    "DemoUser",
    "load_demo_data",
]

DEMO_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
TENANCY_FILE = DEMO_DIR / "tenancy.yaml"
BUILDS_FILE = DEMO_DIR / "builds.yaml"
# Where a line goes: the keyword arguments of build_line_add besides the build and the part.
PLACEMENT_FIELDS = frozenset(
    {
        "quantity",
        "rack",
        "position_u",
        "face",
        "feed_a",
        "feed_b",
        "ups",
        "coolant_from",
        "phase",
        "note",
    }
)
# Placement fields that name another line of the same build, by its key.
LINE_REFERENCES = ("rack", "feed_a", "feed_b", "ups", "coolant_from")
LETTERHEAD_FIELDS = frozenset({"address", "vat_number"})


class DemoDataError(ValueError):
    """A demo data file is malformed; the message names the file, the row and the field."""


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation of the demo tenancy, and the letterhead it starts with."""

    slug: str
    name: str
    kind: Organisation.Kind
    served_by: str | None
    letterhead: dict[str, str]


@dataclass(frozen=True)
class DemoUser:
    """A demo user: one per role, member of one organisation."""

    username: str
    organisation: str
    role: Membership.Role
    is_staff: bool
    is_superuser: bool


@dataclass(frozen=True)
class DemoData:
    """Everything seed_demo creates: organisations, users, and the builds of one of them.

    ``builds`` are ``{example, site, build, policy, lines}`` with the site's fields and each
    line as ``(key, manufacturer, sku, placement)``.
    """

    organisations: list[DemoOrganisation]
    users: list[DemoUser]
    builds_organisation: str
    builds_author: str
    builds: list[dict[str, Any]]


def load_demo_data(tenancy: Path = TENANCY_FILE, builds: Path = BUILDS_FILE) -> DemoData:
    """Read and check both files, and that the builds' organisation and author exist."""
    organisations, users = _tenancy(tenancy)
    owner, author, demo_builds = _builds(builds)
    if owner not in {o.slug for o in organisations}:
        raise DemoDataError(f"{builds.name}: organisation {owner!r} is not in {tenancy.name}.")
    if author not in {u.username for u in users}:
        raise DemoDataError(f"{builds.name}: author {author!r} is not a user of {tenancy.name}.")
    return DemoData(organisations, users, owner, author, demo_builds)


# --------------------------------------------------------------------------- reading


def _read(path: Path, keys: set[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path.name} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise DemoDataError(f"{path.name}: expected a mapping at the top level.")
    _known(data, keys, path.name, required=keys)
    return data


def _known(
    entry: Mapping[str, Any],
    allowed: set[str] | frozenset[str],
    where: str,
    required: tuple[str, ...] | set[str] = (),
) -> None:
    unknown = set(entry) - set(allowed)
    if unknown:
        raise DemoDataError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}.")
    missing = sorted(key for key in required if key not in entry)
    if missing:
        raise DemoDataError(f"{where}: missing {', '.join(missing)}.")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DemoDataError(f"{where}: must be non-empty text, not {value!r}.")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise DemoDataError(f"{where}: must be true or false, not {value!r}.")
    return value


def _choice(value: Any, choices: Any, where: str) -> Any:
    if value not in choices.values:
        raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(choices.values)}.")
    return choices(value)


def _rows(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    rows = data.get(key)
    if not isinstance(rows, list) or not rows:
        raise DemoDataError(f"{where}: {key} must be a non-empty list.")
    return rows


# --------------------------------------------------------------------------- tenancy


def _tenancy(path: Path) -> tuple[list[DemoOrganisation], list[DemoUser]]:
    data = _read(path, {"organisations", "users"})
    organisations: list[DemoOrganisation] = []
    for index, entry in enumerate(_rows(data, "organisations", path.name)):
        where = f"{path.name}: organisations[{index}]"
        if not isinstance(entry, dict):
            raise DemoDataError(f"{where}: must be a mapping.")
        _known(entry, {"slug", "name", "kind", "served_by", "letterhead"}, where, ("slug", "name"))
        slug = _text(entry["slug"], f"{where}: slug")
        where = f"{where} ({slug})"
        if slug in {o.slug for o in organisations}:
            raise DemoDataError(f"{where}: slug {slug!r} is listed twice.")
        served_by = entry.get("served_by")
        sellers = {o.slug for o in organisations if o.kind == Organisation.Kind.SELLER}
        if served_by is not None and served_by not in sellers:
            raise DemoDataError(f"{where}: served_by {served_by!r} is not a seller listed before.")
        letterhead = entry.get("letterhead") or {}
        if not isinstance(letterhead, dict):
            raise DemoDataError(f"{where}: letterhead must be a mapping.")
        _known(letterhead, LETTERHEAD_FIELDS, f"{where}: letterhead")
        organisations.append(
            DemoOrganisation(
                slug=slug,
                name=_text(entry["name"], f"{where}: name"),
                kind=_choice(entry.get("kind", "customer"), Organisation.Kind, f"{where}: kind"),
                served_by=served_by,
                letterhead={k: _text(v, f"{where}: letterhead.{k}") for k, v in letterhead.items()},
            )
        )
    users: list[DemoUser] = []
    slugs = {o.slug for o in organisations}
    for index, entry in enumerate(_rows(data, "users", path.name)):
        where = f"{path.name}: users[{index}]"
        if not isinstance(entry, dict):
            raise DemoDataError(f"{where}: must be a mapping.")
        fields = ("username", "organisation", "role", "staff", "superuser")
        _known(entry, set(fields), where, fields)
        username = _text(entry["username"], f"{where}: username")
        where = f"{where} ({username})"
        if username in {u.username for u in users}:
            raise DemoDataError(f"{where}: username {username!r} is listed twice.")
        if entry["organisation"] not in slugs:
            raise DemoDataError(
                f"{where}: organisation {entry['organisation']!r} is not listed above."
            )
        users.append(
            DemoUser(
                username=username,
                organisation=entry["organisation"],
                role=_choice(entry["role"], Membership.Role, f"{where}: role"),
                is_staff=_flag(entry["staff"], f"{where}: staff"),
                is_superuser=_flag(entry["superuser"], f"{where}: superuser"),
            )
        )
    return organisations, users


# --------------------------------------------------------------------------- builds


def _builds(path: Path) -> tuple[str, str, list[dict[str, Any]]]:
    data = _read(path, {"organisation", "author", "sites", "builds"})
    owner = _text(data["organisation"], f"{path.name}: organisation")
    author = _text(data["author"], f"{path.name}: author")
    sites = data["sites"]
    if not isinstance(sites, dict) or not sites:
        raise DemoDataError(f"{path.name}: sites must be a non-empty mapping of site ids.")
    for site_id, fields in sites.items():
        where = f"{path.name}: sites.{site_id}"
        if not isinstance(fields, dict):
            raise DemoDataError(f"{where}: must be a mapping of site fields.")
        _known(fields, SITE_FIELDS, where, ("name",))
        _text(fields["name"], f"{where}: name")
    builds: list[dict[str, Any]] = []
    for index, entry in enumerate(_rows(data, "builds", path.name)):
        where = f"{path.name}: builds[{index}]"
        if not isinstance(entry, dict):
            raise DemoDataError(f"{where}: must be a mapping.")
        _known(entry, {"example", "site", "build", "policy", "lines"}, where, ("example", "site"))
        where = f"{where} ({entry['example']})"
        name = _text(entry.get("build"), f"{where}: build")
        if name in {b["build"] for b in builds}:
            raise DemoDataError(f"{where}: build {name!r} is listed twice.")
        if entry["site"] not in sites:
            raise DemoDataError(f"{where}: site {entry['site']!r} is not under sites.")
        policy = entry.get("policy") or {}
        try:
            validate_partial_policy(policy)
        except ValidationError as exc:
            raise DemoDataError(f"{where}: policy: {' '.join(exc.messages)}") from exc
        builds.append(
            {
                "example": _text(entry["example"], f"{where}: example"),
                "site": dict(sites[entry["site"]]),
                "build": name,
                "policy": policy,
                "lines": _lines(_rows(entry, "lines", where), where),
            }
        )
    return owner, author, builds


def _lines(rows: list[Any], where: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Each row as (key, manufacturer, sku, placement), references to earlier keys only."""
    lines: list[tuple[str, str, str, dict[str, Any]]] = []
    for index, row in enumerate(rows):
        at = f"{where} lines[{index}]"
        if not isinstance(row, list) or len(row) not in (3, 4):
            raise DemoDataError(f"{at}: must be [key, manufacturer, sku, {{where}}], not {row!r}.")
        key, manufacturer, sku = (_text(value, at) for value in row[:3])
        at = f"{at} ({key})"
        placement = row[3] if len(row) == 4 else {}
        if not isinstance(placement, dict):
            raise DemoDataError(f"{at}: where it goes must be a mapping, not {placement!r}.")
        _known(placement, PLACEMENT_FIELDS, at)
        keys = [line[0] for line in lines]
        if key in keys:
            raise DemoDataError(f"{at}: key {key!r} is used twice in this build.")
        for field in LINE_REFERENCES:
            if field in placement and placement[field] not in keys:
                raise DemoDataError(
                    f"{at}: {field} names {placement[field]!r}, which no earlier line has."
                )
        lines.append((key, manufacturer, sku, placement))
    return lines
