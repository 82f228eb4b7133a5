"""Optimistic concurrency over HTTP: a build's revision is the ETag of the build and its lines.

Reads answer `ETag: "<revision>"`; writes may send it back in `If-Match`. A stale tag answers
412 and changes nothing. Without `If-Match` a write proceeds (last writer wins), so clients
that care send it; the services re-check the revision atomically, which closes the gap
between this early check and the write itself.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from configurator.errors import PreconditionFailed

__all__ = ["etag_for", "expected_revision", "with_etag"]

# One entity-tag of RFC 9110 §8.8.3, weak (`W/"4"`) or strong (`"4"`).
_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
# A revision fits a PositiveIntegerField; longer digit strings can never match one.
_MAX_REVISION_DIGITS = 10


def etag_for(revision: int) -> str:
    """The strong ETag of a build revision."""
    return f'"{revision}"'


def with_etag(response: Response, revision: int) -> Response:
    """Set the ETag of a build revision on a response and return it."""
    response["ETag"] = etag_for(revision)
    return response


def _tags(header: str) -> list[tuple[bool, str]] | None:
    """(weak, opaque value) of each tag of an If-Match list; None when the header is malformed."""
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(header):
        match = _TAG.match(header, position)
        if match is None:
            return None
        tags.append((match.group(1) is not None, match.group(2)))
        position = match.end()
    return tags


def _revisions(tags: list[str]) -> set[int]:
    return {
        int(tag)
        for tag in tags
        if tag.isascii() and tag.isdigit() and len(tag) <= _MAX_REVISION_DIGITS
    }


def expected_revision(request: Request, current: int) -> int | None:
    """The revision a write may proceed from, per the request's `If-Match`.

    None when the header is absent or `*` (no precondition). The current revision when one
    of the listed strong tags names it; the service then re-checks it atomically. Otherwise
    the client edited a stale copy (or sent a tag we never issued) and the write is refused.
    If-Match compares strongly (RFC 9110 §13.1.1): a weak tag such as `W/"4"` never matches,
    and the refusal says so.
    """
    header: Any = request.headers.get("If-Match")
    if header is None:
        return None
    header = header.strip()
    if header == "*":
        return None
    tags = _tags(header)
    if tags and current in _revisions([value for weak, value in tags if not weak]):
        return current
    if tags and all(weak for weak, _ in tags):
        raise PreconditionFailed(
            'If-Match compares strongly: send the ETag as read ("<revision>"), never a weak '
            'tag (W/"<revision>").',
            details={"current_revision": current, "if_match": header[:200], "weak": True},
        )
    raise PreconditionFailed(
        "The build changed since you read it: reload it and apply your change again.",
        details={"current_revision": current, "if_match": header[:200]},
    )
