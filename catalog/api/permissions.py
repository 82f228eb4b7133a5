"""DRF permission of the catalogue endpoints, answered by the plugged-in access policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from catalog.access import can_edit_library, price_book_owners

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsCatalogueManagerOrReadOnly(BasePermission):
    """Reads for any authenticated request; writes of the shared library for platform staff.

    Manufacturers and shared components are one vendor-neutral library: only platform staff
    (and the importers) change it. A seller's catalogue managers write their own private
    components (see `IsLibraryEditorOrOwner`) and their price book, never the library.
    """

    message = "Only platform staff may change the shared catalogue."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_edit_library(request.user, request.auth)


class IsLibraryEditorOrOwner(BasePermission):
    """Components: platform staff write the library; sellers' managers their own parts."""

    message = "Only platform staff may change the shared library; sellers their own parts."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_edit_library(request.user, request.auth) or bool(
            price_book_owners(request.user, request.auth, write=True)
        )

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if obj.owner_id is None:
            return can_edit_library(request.user, request.auth)
        owners = price_book_owners(request.user, request.auth, write=True)
        return any(owner.pk == obj.owner_id for owner in owners)
