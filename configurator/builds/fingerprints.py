"""The fingerprint of everything a build's report depends on: the key of the report cache.

A report is a pure function of the engine's input (`build_snapshot`) and the engine's code.
Its fingerprint is the SHA-256 of:

- the engine version (`engine_version`: a digest of the engine's source and of the code that
  turns rows into its input), so a deployment with other rules never serves an old report;
- the build: pk, revision and name, and every line as stored (component, quantity,
  placement, feeds, phase, note), so a line written past the services still counts;
- the site's engineering values (`Site.engine_values`), by content;
- the effective policy: the organisation's policy overridden by the build's, by content;
- the catalogue versions of the components the lines use: each component's and its
  manufacturer's last-change time (`updated`, set on every save).

Everything comes from the build row (with site and organisation) and its `snapshot_rows`
(one query), so checking a stored report costs no snapshot and no evaluation.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from configurator.builds.models import Build

__all__ = ["ENGINE_SOURCES", "build_fingerprint", "engine_version"]

_ROOT = Path(__file__).resolve().parents[2]
# What turns stored rows into a report: the engine package (every file of it) and the
# modules that build its input from the database (the component and build snapshots).
ENGINE_SOURCES = ("rules", "catalog/selectors.py", "configurator/builds/selectors.py")
_SOURCE_SUFFIXES = frozenset({".py", ".json", ".yaml", ".yml", ".toml"})


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A digest of the engine's code as deployed: any change to it changes every fingerprint."""
    digest = hashlib.sha256()
    for source in ENGINE_SOURCES:
        path = _ROOT / source
        files = (
            sorted(
                p
                for p in path.rglob("*")
                if p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts
            )
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(_ROOT)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _canonical(value: Any) -> str:
    """Decimal, datetime and friends as text; keys sorted; no insignificant spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def build_fingerprint(build: Build, rows: list[tuple[Any, ...]]) -> str:
    """The fingerprint of `build` (site and organisation loaded) with its `snapshot_rows`."""
    site = build.site
    policy = {**(site.organisation.policy or {}), **(build.policy_override or {})}
    payload = [
        engine_version(),
        [build.pk, build.revision, build.name],
        [site.pk, site.engine_values()],
        policy,
        rows,
    ]
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()
