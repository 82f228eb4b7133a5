"""Who may write the catalogue, its price books, and see cost prices: a pluggable policy.

The technical library (manufacturers, shared components) is written by platform staff;
each seller's price book and private components by that seller's catalogue managers.

The catalogue is global, but roles belong to the tenancy layer, which depends on the
catalogue and not the reverse. So the catalogue names the two questions it needs answered
and the project names the object answering them in ``settings.CATALOG_ACCESS_POLICY``, the
way ``AUTH_USER_MODEL`` works. Without that setting Django's model permissions answer.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class CatalogueAccessPolicy(Protocol):
    """The two questions the catalogue asks about a request's user and credential."""

    def can_edit_catalogue(self, user: Any, auth: Any = None) -> bool: ...

    def can_see_cost(self, user: Any, auth: Any = None) -> bool: ...

    def can_edit_library(self, user: Any, auth: Any = None) -> bool: ...

    def price_book_owners(self, user: Any, auth: Any = None, *, write: bool = False) -> Any: ...

    def private_component_owners(self, user: Any, auth: Any = None) -> Any: ...


class ModelPermissionAccess:
    """Fallback policy: Django model permissions, cost prices for superusers only."""

    @staticmethod
    def can_edit_catalogue(user: Any, auth: Any = None) -> bool:
        return bool(user and user.is_authenticated and user.has_perm("catalog.change_component"))

    @staticmethod
    def can_see_cost(user: Any, auth: Any = None) -> bool:
        return bool(user and user.is_authenticated and user.is_superuser)

    @staticmethod
    def can_edit_library(user: Any, auth: Any = None) -> bool:
        return bool(user and user.is_authenticated and user.has_perm("catalog.change_component"))

    @staticmethod
    def price_book_owners(user: Any, auth: Any = None, *, write: bool = False) -> Any:
        return []

    @staticmethod
    def private_component_owners(user: Any, auth: Any = None) -> Any:
        return []


@cache
def _load(path: str) -> CatalogueAccessPolicy:
    policy: CatalogueAccessPolicy = import_string(path)
    return policy


def access_policy() -> CatalogueAccessPolicy:
    """The configured policy, resolved at call time so settings overrides apply."""
    path = getattr(settings, "CATALOG_ACCESS_POLICY", None)
    return _load(path) if path else ModelPermissionAccess()


def can_edit_catalogue(user: Any, auth: Any = None) -> bool:
    """Whether the request may write manufacturers and components."""
    return access_policy().can_edit_catalogue(user, auth)


def can_see_cost(user: Any, auth: Any = None) -> bool:
    """Whether cost prices and margins may be shown to this request."""
    return access_policy().can_see_cost(user, auth)


def can_edit_library(user: Any, auth: Any = None) -> bool:
    """Whether the request may write the shared technical library (platform staff)."""
    return access_policy().can_edit_library(user, auth)


def price_book_owners(user: Any, auth: Any = None, *, write: bool = False) -> Any:
    """Organisations whose price book the request may read (or, with `write`, edit).

    A queryset (or list) of organisations, usable in ``seller__in=``.
    """
    return access_policy().price_book_owners(user, auth, write=write)


def private_component_owners(user: Any, auth: Any = None) -> Any:
    """Organisations whose private components the request may see (its own)."""
    return access_policy().private_component_owners(user, auth)
