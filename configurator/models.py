"""Tenancy (organisations, memberships, API tokens) and the builds domain (sites, builds, lines)."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from rules import specs as engine_specs

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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

    def issue(
        self, *, user: AbstractBaseUser, organisation: Organisation, name: str
    ) -> tuple[ApiToken, str]:
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


# --------------------------------------------------------------------------- sites and builds
# (appended for issue 4: sites, builds, build lines and the organisation's default policy)


def _pydantic_messages(exc: pydantic.ValidationError, field: str) -> dict[str, list[str]]:
    """Django-style errors keyed `<field>.<location>` from a pydantic error."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"])
        key = f"{field}.{location}" if location else field
        if error["type"] == "extra_forbidden":
            errors.setdefault(key, []).append(f"Unknown policy key {location!r}.")
        else:
            errors.setdefault(key, []).append(error["msg"])
    return errors


def validate_partial_policy(value: Any, *, field: str = "policy_override") -> dict[str, Any]:
    """Check a partial Policy (unknown keys refused by name) and return it as stored JSON."""
    if not isinstance(value, dict):
        raise ValidationError({field: ["A policy must be an object of policy keys."]})
    try:
        policy = engine_specs.Policy(**value)
    except pydantic.ValidationError as exc:
        raise ValidationError(_pydantic_messages(exc, field)) from exc
    # Store only the keys given, normalised (enums as values), so later engine defaults apply.
    return policy.model_dump(mode="json", include=set(value))


class Site(models.Model):
    """An edge site of an organisation: environment, room and utility supply.

    Field names, units and defaults mirror `rules.specs.Site`, which validates them.
    """

    class Environment(models.TextChoices):
        INDOOR = "indoor", "Indoor"
        OUTDOOR = "outdoor", "Outdoor"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    environment = models.CharField(
        max_length=16,
        choices=Environment.choices,
        default=Environment.INDOOR,
        help_text="Where the build stands: indoor room or outdoors (enclosure exposed).",
    )
    ambient_min_c = models.FloatField(default=18, help_text="Lowest ambient temperature, °C.")
    ambient_max_c = models.FloatField(default=27, help_text="Highest ambient temperature, °C.")
    altitude_m = models.FloatField(
        default=0, help_text="Altitude above sea level, m (-500 to 6000)."
    )
    dusty = models.BooleanField(default=False, help_text="Dusty environment (IP rating needed).")
    humid = models.BooleanField(default=False, help_text="Humid or condensing environment.")
    occupied = models.BooleanField(default=True, help_text="People work in the protected space.")
    room_volume_m3 = models.FloatField(
        null=True, blank=True, help_text="Net protected room volume, m³; empty = unknown."
    )
    floor_rating_kg_m2 = models.FloatField(
        null=True, blank=True, help_text="Floor load rating, kg/m²; empty = unknown."
    )
    supply_voltage_v = models.FloatField(
        default=230, help_text="Line-to-neutral voltage of the utility supply, V."
    )
    supply_phases = models.PositiveSmallIntegerField(
        choices=[(1, "Single phase"), (3, "Three phase")],
        default=1,
        help_text="Phases of the utility supply (1 or 3).",
    )
    supply_breaker_a = models.FloatField(
        default=32, help_text="Rating of the supply breaker per phase, A."
    )
    country = models.CharField(
        max_length=2, default="DE", help_text="ISO 3166-1 alpha-2 country code."
    )
    grid_carbon_g_per_kwh = models.FloatField(
        default=381, help_text="Carbon intensity of the grid, gCO₂e/kWh."
    )
    electricity_price_per_kwh = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.30"),
        help_text="Electricity price per kWh, in the site currency.",
    )
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217 currency code.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="site_unique_organisation_name",
                violation_error_message="This organisation already has a site with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # The fields `rules.specs.Site` takes, besides the name.
    ENGINE_FIELDS = (
        "environment",
        "ambient_min_c",
        "ambient_max_c",
        "altitude_m",
        "dusty",
        "humid",
        "occupied",
        "room_volume_m3",
        "floor_rating_kg_m2",
        "supply_voltage_v",
        "supply_phases",
        "supply_breaker_a",
        "country",
        "grid_carbon_g_per_kwh",
        "electricity_price_per_kwh",
        "currency",
    )

    def engine_values(self) -> dict[str, Any]:
        """The keyword arguments of `rules.specs.Site` for this row (floats, no Decimals)."""
        values: dict[str, Any] = {"name": self.name or "Site"}
        for field in self.ENGINE_FIELDS:
            value = getattr(self, field)
            values[field] = float(value) if isinstance(value, Decimal) else value
        return values

    def clean(self) -> None:
        """Validate the engineering fields through the engine's own Site model."""
        super().clean()
        try:
            engine_specs.Site(**self.engine_values())
        except pydantic.ValidationError as exc:
            errors: dict[str, list[str]] = {}
            for error in exc.errors(include_url=False, include_input=False):
                key = ".".join(str(part) for part in error["loc"]) or "__all__"
                errors.setdefault(key, []).append(error["msg"].removeprefix("Value error, "))
            raise ValidationError(errors) from exc


class Build(models.Model):
    """One configuration of racks and components for one site."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ARCHIVED = "archived", "Archived"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="builds")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    policy_override = models.JSONField(
        default=dict,
        blank=True,
        help_text="Policy keys that differ from the organisation's policy (partial Policy).",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every write; clients send it back to detect stale edits."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_created",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(revision__gte=1), name="build_revision_gte_1"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        """Approved and archived builds take no line changes."""
        return self.status != self.Status.DRAFT

    def clean(self) -> None:
        """Validate and normalise the partial policy override."""
        super().clean()
        self.policy_override = validate_partial_policy(self.policy_override)


class BuildLine(models.Model):
    """`quantity` units of one component in a build: where they sit and what feeds them."""

    class Face(models.TextChoices):
        FRONT = "front", "Front"
        REAR = "rear", "Rear"

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="lines")
    component = models.ForeignKey(
        "catalog.Component", on_delete=models.PROTECT, related_name="build_lines"
    )
    quantity = models.PositiveIntegerField(default=1)
    # RESTRICT between lines: deleting a whole build removes them together, while deleting
    # one referenced line (admin, shell) is refused; the services detach references first.
    rack = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="rack_lines",
        help_text="The rack line this line is mounted in.",
    )
    position_u = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Lowest rack unit taken (1-based, multiple of 0.5); empty = unplaced / zero-U.",
    )
    face = models.CharField(max_length=8, choices=Face.choices, default=Face.FRONT)
    feed_a = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_a_lines",
        help_text="PDU, ATS or UPS line the A cords plug into; empty = site supply.",
    )
    feed_b = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_b_lines",
        help_text="PDU, ATS or UPS line the B cords plug into.",
    )
    ups = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="battery_lines",
        help_text="For a battery pack: the UPS line whose string it extends.",
    )
    phase = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(1, "L1"), (2, "L2"), (3, "L3")],
        help_text="Phase of a three-phase source the cords use; empty = spread evenly.",
    )
    note = models.CharField(max_length=500, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # What a person sets on a line, in reading order: the admin inline and the API show these.
    EDITABLE_FIELDS = (
        "component",
        "quantity",
        "rack",
        "position_u",
        "face",
        "feed_a",
        "feed_b",
        "ups",
        "phase",
        "note",
        "sort_order",
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="buildline_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(position_u__gte=1),
                name="buildline_position_u_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(rack__isnull=False),
                name="buildline_position_needs_rack",
                violation_error_message="A position needs a rack.",
            ),
            models.CheckConstraint(
                condition=Q(phase__isnull=True) | Q(phase__gte=1, phase__lte=3),
                name="buildline_phase_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(feed_a__isnull=True) | ~Q(feed_a=F("feed_b")),
                name="buildline_feeds_differ",
                violation_error_message="Feed A and feed B must be different sources.",
            ),
        ]
        indexes = [models.Index(fields=["build", "sort_order"], name="buildline_build_order_idx")]

    def __str__(self) -> str:
        return f"line {self.pk}: {self.quantity} x {self.component_id}"

    @property
    def ref(self) -> str:
        """The id of this line in the engine's BuildSpec."""
        return f"L{self.pk}"

    def clean(self) -> None:
        """Single-row placement checks; checks against other lines live in the services."""
        super().clean()
        errors: dict[str, str] = {}
        if self.position_u is not None:
            if self.position_u * 2 != int(self.position_u * 2):
                errors["position_u"] = "A position must be a multiple of 0.5 U."
            if self.rack_id is None:
                errors["position_u"] = "A position needs a rack."
        if self.feed_a_id is not None and self.feed_a_id == self.feed_b_id:
            errors["feed_b"] = "Feed A and feed B must be different sources."
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------- quotes
# (appended for issue 6: quotes, their number sequence and rendered PDF documents)


class QuoteNumberSequence(models.Model):
    """The per-year counter of quote numbers; its row is locked while a number is taken."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Quote(models.Model):
    """One revision of a priced offer for a build; issuing freezes its snapshot and totals.

    A quote number (``Q-<year>-<nnnn>``) is taken when revision 1 is issued and shared by
    every later revision of the same offer; each revision is its own row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        SUPERSEDED = "superseded", "Superseded"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text="The customer organisation: the build's.",
    )
    seller = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quotes_sold",
        help_text="The organisation that issues the quote (the customer's serving one).",
    )
    # SET_NULL: the quote carries its own snapshot, so deleting the build loses nothing quoted.
    build = models.ForeignKey(
        Build, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    build_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The build's revision the snapshot was taken at."
    )
    # NULL, not "", until issued: unique constraints must not see every draft as one number.
    number = models.CharField(max_length=20, null=True, blank=True, editable=False)  # noqa: DJ001
    year = models.PositiveIntegerField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217 currency code.")
    valid_until = models.DateField(null=True, blank=True)
    line_discounts = models.JSONField(
        default=dict,
        blank=True,
        help_text='Discount in percent per component id, e.g. {"12": "5.00"}.',
    )
    discount_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Discount on the whole quote after line discounts, percent.",
    )
    tax_rate_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), help_text="Tax rate, percent."
    )
    terms = models.TextField(blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Why the quote was issued despite error findings."
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes_overridden",
    )
    # ---- frozen at issue: never written again for this revision
    spec_json = models.JSONField(null=True, blank=True, editable=False)
    bom_json = models.JSONField(null=True, blank=True, editable=False)
    report_json = models.JSONField(null=True, blank=True, editable=False)
    parties_json = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Names of seller, customer organisation, site and build at issue.",
    )
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    line_discount_total = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, editable=False
    )
    discount_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    net_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    cost_total = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        editable=False,
        help_text="Cost of the quoted components (sellers only); empty when a cost is unknown.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes_created",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes_issued",
    )
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "revision"],
                condition=Q(number__isnull=False),
                name="quote_unique_number_revision",
            ),
            # At most one live revision per number: a revision supersedes the one before it.
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(number__isnull=False) & ~Q(status="superseded"),
                name="quote_one_live_revision",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="quote_revision_gte_1"),
            models.CheckConstraint(
                condition=Q(discount_pct__gte=0, discount_pct__lte=100),
                name="quote_discount_pct_0_100",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate_pct__gte=0, tax_rate_pct__lte=100),
                name="quote_tax_rate_pct_0_100",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, total__isnull=False),
                name="quote_issued_has_number_and_total",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="quote_org_status_idx"),
            models.Index(fields=["status", "valid_until"], name="quote_status_valid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or 'draft'} rev {self.revision}"

    @property
    def label(self) -> str:
        """``Q-2026-0001 rev 2``, or ``Draft quote 7`` before a number is taken."""
        if self.number is None:
            return f"Draft quote {self.pk}"
        return f"{self.number} rev {self.revision}"

    @property
    def is_frozen(self) -> bool:
        """Issued (or later) revisions never change their snapshot and totals."""
        return self.status != self.Status.DRAFT


class RenderedDocument(models.Model):
    """A PDF rendered by a worker: one per quote revision, one per build revision's spec sheet.

    The bytes live in the row (BinaryField): stored in the same transaction as the status,
    backed up with the database, and never out of step with a file system.
    """

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        SPEC_SHEET = "spec_sheet", "Spec sheet"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    build = models.ForeignKey(
        Build, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    build_revision = models.PositiveIntegerField(null=True, blank=True)
    source_json = models.JSONField(
        null=True,
        blank=True,
        help_text="What a spec sheet is rendered from (spec and report), frozen at request.",
    )
    source_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=(
            "SHA-256 of a spec sheet's source without its date: a site or catalogue edit that "
            "changes the build's figures makes a new sheet of the same revision."
        ),
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(null=True, blank=True, editable=False)
    content_type = models.CharField(max_length=100, default="application/pdf")
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # NULLs are distinct: spec sheets (quote NULL) never collide on the first, quotes
            # (build NULL) never on the second.
            models.UniqueConstraint(fields=["quote"], name="document_one_per_quote"),
            models.UniqueConstraint(
                fields=["build", "build_revision", "source_sha256"],
                name="document_one_per_build_revision_source",
            ),
            models.CheckConstraint(
                condition=(Q(kind="quote") & Q(quote__isnull=False) & Q(build__isnull=True))
                | (
                    Q(kind="spec_sheet")
                    & Q(quote__isnull=True)
                    & Q(build__isnull=False)
                    & Q(build_revision__isnull=False)
                ),
                name="document_kind_matches_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(content__isnull=False),
                name="document_ready_has_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename or self.pk} ({self.status})"
