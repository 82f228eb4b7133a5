"""What every editor view starts with: the build (or a 404), its line, the editor's state.

The build is read with the user's roles around its organisation (`build_get_with_roles`); they
stay on the request, so the editor state answers "may approve" and "may see cost" without
asking the database again.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine
from configurator.errors import NotFound
from configurator.web import editor_context as ctx

__all__ = ["build_or_404", "editor_state", "int_or_none", "is_htmx", "line_or_404"]


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then swaps fragments instead of following a redirect)."""
    return request.headers.get("HX-Request") == "true"


# The user's roles around the build's organisation, read with the build, kept on the request
# for the editor state's permission questions (approve, see cost).
_ROLES = "_editor_roles"


def build_or_404(request: HttpRequest, pk: int) -> Build:
    """The build if the user's organisations include it; another organisation's is a 404."""
    try:
        build, roles = selectors.build_get_with_roles(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    setattr(request, _ROLES, roles)
    return build


def line_or_404(build: Build, line_pk: int, *, with_component: bool = True) -> BuildLine:
    """The build's line (with its component unless not needed: a write reads every line
    of the build again anyway), or a 404."""
    lines = selectors.build_line_list(build) if with_component else BuildLine.objects.only("pk")
    line = lines.filter(build_id=build.pk, pk=line_pk).first()
    if line is None:
        raise Http404("Build line not found.")
    line.build = build
    return line


def int_or_none(value: object) -> int | None:
    """A posted number, or None when it is not one."""
    try:
        return int(str(value))
    except ValueError:
        return None


def editor_state(
    request: HttpRequest,
    build: Build,
    data: Any,
    *,
    selected: str | None = None,
    highlight: list[str] | None = None,
) -> ctx.EditorState:
    """The editor's view of the build for this request: faces, selection and query from `data`."""
    return ctx.EditorState(
        request,
        build,
        roles=getattr(request, _ROLES, None),
        faces=ctx.faces_from(data),
        selected=selected if selected is not None else data.get("selected"),
        highlight=highlight,
        query=data,
    )
