"""DRF permission of the catalogue endpoints, answered by the plugged-in access policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from catalog.access import can_edit_catalogue

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsCatalogueManagerOrReadOnly(BasePermission):
    """Reads for any authenticated request; writes for those the policy lets edit."""

    message = "Only catalogue managers may change the catalogue."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_edit_catalogue(request.user, request.auth)
