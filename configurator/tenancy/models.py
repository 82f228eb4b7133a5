"""Tenancy: organisations, the memberships that give users a role in them, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files import File

LOGO_MAX_BYTES = 512 * 1024
# The first bytes of the formats a letterhead logo may be: WeasyPrint prints both.
_LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def validate_logo(file: File) -> None:
    """A logo is a PNG or JPEG of at most 512 KB, judged by its bytes, not only its name."""
    if getattr(file, "_committed", False):
        return  # stored earlier and judged then: a re-save never re-reads the storage
    size = getattr(file, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise ValidationError(
            "The logo is %(size)s KB; a logo may be at most %(limit)s KB.",
            code="logo_too_large",
            params={"size": -(-size // 1024), "limit": LOGO_MAX_BYTES // 1024},
        )
    position = file.tell() if hasattr(file, "tell") else None
    file.seek(0)
    head = file.read(8)
    if position is not None:
        file.seek(position)
    if not any(head.startswith(signature) for signature in _LOGO_SIGNATURES):
        raise ValidationError(
            "The logo must be a PNG or JPEG image; this file is neither.", code="logo_type"
        )


class Organisation(models.Model):
    """A tenant: a seller/integrator team or a customer it serves."""

    class Kind(models.TextChoices):
        SELLER = "seller", "Seller / integrator"
        CUSTOMER = "customer", "Customer"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOMER)
    served_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="served_organisations",
        help_text="Seller organisation whose sales engineers may act on this organisation.",
    )
    address = models.TextField(
        blank=True,
        max_length=500,
        help_text="Postal address, one line per row; printed on the quotes this organisation "
        "issues (letterhead) and receives.",
    )
    vat_number = models.CharField(
        "VAT number",
        max_length=32,
        blank=True,
        help_text="VAT or tax identification number, printed on quotes.",
    )
    logo = models.FileField(
        upload_to="organisations/logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_logo],
        help_text="Letterhead logo on quotes: PNG or JPEG, at most 512 KB.",
    )
    policy = models.JSONField(
        default=dict,
        blank=True,
        help_text="Default engineering policy of this organisation's builds: a partial rules "
        "Policy (only the keys that differ from the engine defaults).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(served_by=F("pk")),
                name="organisation_not_served_by_itself",
                violation_error_message="An organisation cannot serve itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def selling_organisation_id(self) -> int | None:
        """The seller whose price book prices this organisation's builds (no query).

        A seller sells for itself; a customer is sold to by the organisation serving it.
        """
        if self.kind == self.Kind.SELLER:
            return self.pk
        return self.served_by_id


class Membership(models.Model):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        CATALOGUE_MANAGER = "catalogue_manager", "Catalogue manager"
        SALES_ENGINEER = "sales_engineer", "Sales engineer"
        CUSTOMER = "customer", "Customer"
        INTEGRATOR = "integrator", "Integrator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"


class ApiTokenManager(models.Manager["ApiToken"]):
    """Issues tokens; the clear key exists only in the return value of `issue`."""

    def issue(self, *, user: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its clear key, which is never stored."""
        key = ApiToken.KEY_PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            organisation=organisation,
            name=name,
            prefix=key[: ApiToken.PREFIX_LENGTH],
            key_hash=ApiToken.hash_key(key),
        )
        return token, key


class ApiToken(models.Model):
    """A revocable API credential of one user, scoped to one organisation."""

    KEY_PREFIX = "mdc_"
    # Enough of the key to tell tokens apart in a list, far too little to guess the rest.
    PREFIX_LENGTH = 12

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        """Hash a clear key; keys are high-entropy, so a fast unsalted hash is sufficient."""
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        """Revoke the token now; revoking twice keeps the first date."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
