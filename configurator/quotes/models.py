"""Quotes: one row per revision of a priced offer, and the per-year counter of their numbers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from configurator.builds.models import Build
from configurator.tenancy.models import Organisation


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
    customer_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes_received",
        help_text=(
            "The buying organisation when it is not the build's own: a seller's build quoted "
            "to one of the organisations it serves. Empty: the build's organisation."
        ),
    )
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
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="quotes_answered",
        help_text="Who recorded the customer's acceptance or decline.",
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the answer was recorded."
    )
    answer_note = models.TextField(
        blank=True, editable=False, help_text="What the customer said with the answer."
    )
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
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "rejected"]) | Q(answered_at__isnull=False),
                name="quote_answer_has_time",
                violation_error_message="An accepted or declined quote records when.",
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

    @property
    def buyer(self) -> Organisation:
        """The organisation the offer is made to: the named customer, else the build's."""
        return self.customer_organisation or self.organisation


class QuoteRequest(models.Model):
    """A customer's request for a quote of one of its builds; the seller answers with a quote.

    At most one request per build is open; the seller's first quote of the build answers it.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        QUOTED = "quoted", "Quoted"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quote_requests",
        help_text="The requesting organisation: the build's.",
    )
    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="quote_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quote_requests",
    )
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    quote = models.ForeignKey(
        Quote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        help_text="The quote that answered the request.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    quoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["build"],
                condition=Q(status="open"),
                name="quote_request_one_open_per_build",
                violation_error_message="This build already has an open quote request.",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="quote_request_org_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Quote request {self.pk} for build {self.build_id} ({self.status})"


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
QuoteStatus = Quote.Status
QuoteRequestStatus = QuoteRequest.Status
