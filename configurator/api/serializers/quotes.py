"""Serializers of quotes: the fields a seller sets, command bodies, and quote revisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework import serializers

from configurator.api.serializers.common import MAX_ID
from configurator.builds import selectors
from configurator.builds.bom import money
from configurator.builds.models import Build
from configurator.quotes.models import Quote, QuoteRequest
from configurator.tenancy.models import Organisation

__all__ = [
    "QuoteAnswerSerializer",
    "QuoteCreateSerializer",
    "QuoteDetailSerializer",
    "QuoteFieldsSerializer",
    "QuoteIssueSerializer",
    "QuoteRequestCreateSerializer",
    "QuoteRequestSerializer",
    "QuoteReviseSerializer",
    "QuoteSerializer",
]

MAX_TEXT = 10_000


def _percent_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        **kwargs,
    )


class QuoteFieldsSerializer(serializers.Serializer[Any]):
    """The fields a seller sets on a draft (and may change when revising)."""

    customer_organisation = serializers.SlugField(
        max_length=80,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Slug of the buying organisation. Empty: the build's organisation. A build on "
        "the seller's own site is quoted to one of the organisations the seller serves, and "
        "cannot be issued until one is named.",
    )
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    valid_until = serializers.DateField(
        required=False, allow_null=True, help_text="Empty: the issue date plus the default days."
    )
    line_discounts = serializers.DictField(
        child=_percent_field(),
        required=False,
        help_text="Discount percent per component id of the build's lines.",
    )
    discount_pct = _percent_field(required=False, help_text="Discount on the whole quote, %.")
    tax_rate_pct = _percent_field(required=False, help_text="Tax rate, %.")
    terms = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class QuoteCreateSerializer(QuoteFieldsSerializer):
    """A new draft quote of a build the caller sees."""

    build = serializers.PrimaryKeyRelatedField(
        queryset=Build.objects.none(), help_text="Id of the build to quote."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            build = cast(serializers.PrimaryKeyRelatedField, fields["build"])
            build.queryset = selectors.build_list(user=request.user, auth=request.auth)
        return fields

    def validate_build(self, build: Build) -> Build:
        if build.pk > MAX_ID:  # pragma: no cover - the queryset lookup already bounds it
            raise serializers.ValidationError("Unknown build.")
        return build


class QuoteIssueSerializer(serializers.Serializer[Any]):
    """Body of issue: an optional reason to issue despite error findings."""

    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Why the quote is issued although the build has error findings; printed "
        "on the PDF with the findings. Only needed when there are errors.",
    )


class QuoteReviseSerializer(QuoteFieldsSerializer, QuoteIssueSerializer):
    """Body of revise: what changes in the new revision, and an optional override reason."""


class QuoteAnswerSerializer(serializers.Serializer[Any]):
    """Body of accept and reject: what the customer said, recorded with the answer."""

    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The customer's words with the answer, e.g. why the quote is declined.",
    )


class FrozenBomField(serializers.JSONField):
    """A quote's frozen BOM (documented as the Bom component)."""


class FindingsField(serializers.Field):
    """The findings of a quote's frozen report (documented as EngineFinding items)."""

    def to_representation(self, quote: Quote) -> list[dict[str, Any]]:
        return list((quote.report_json or {}).get("findings", []))


def _document_frozen_fields() -> None:
    """Point the fields' OpenAPI schemas at the engine's components (imported late: no cycle)."""
    from drf_spectacular.utils import extend_schema_field

    from configurator.api.schema import FINDING_REF, BomSchema

    extend_schema_field(BomSchema)(FrozenBomField)
    extend_schema_field({"type": "array", "items": FINDING_REF})(FindingsField)


class QuoteSerializer(serializers.ModelSerializer[Quote]):
    """A quote revision; cost and margin only for roles that may see cost."""

    # The serializer metaclass moves declared fields off the class: no clash with Field.label.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    organisation = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)
    customer_organisation = serializers.SlugRelatedField[Organisation](
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the buying organisation when it is not the build's own; else null.",
    )
    seller = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)
    answered_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who recorded the answer; null until answered.",
    )
    overridden_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who issued despite error findings; null otherwise.",
    )
    issued_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the issuer; null for a draft.",
    )
    created_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who created the revision.",
    )
    line_discounts = serializers.DictField(child=serializers.CharField(), read_only=True)
    cost_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, required=False
    )
    margin_pct = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "label",
            "number",
            "revision",
            "status",
            "organisation",
            "customer_organisation",
            "seller",
            "build",
            "build_revision",
            "currency",
            "valid_until",
            "customer_name",
            "customer_email",
            "line_discounts",
            "discount_pct",
            "tax_rate_pct",
            "terms",
            "override_reason",
            "overridden_by",
            "subtotal",
            "line_discount_total",
            "discount_total",
            "net_total",
            "tax_total",
            "total",
            "cost_total",
            "margin_pct",
            "issued_by",
            "issued_at",
            "answered_by",
            "answered_at",
            "answer_note",
            "created_by",
            "created_at",
            "updated_at",
            "pdf_url",
        ]
        read_only_fields = fields
        # Only for roles that may see cost (to_representation drops them otherwise).
        conditional_fields = ("cost_total", "margin_pct")

    def get_margin_pct(self, quote: Quote) -> str | None:
        """Gross margin on the net total, percent (a decimal string); cost roles only."""
        if quote.cost_total is None or not quote.net_total:
            return None
        return f"{money((quote.net_total - quote.cost_total) / quote.net_total * 100):f}"

    def get_pdf_url(self, quote: Quote) -> str | None:
        """Where the PDF of an issued revision is fetched; None for a draft."""
        request = self.context.get("request")
        if quote.status == Quote.Status.DRAFT or request is None:
            return None
        path = reverse("quote-pdf", kwargs={"version": request.version, "pk": quote.pk})
        return request.build_absolute_uri(path)

    def to_representation(self, instance: Quote) -> dict[str, Any]:
        data = super().to_representation(instance)
        show_cost = self.context.get("show_cost", False)
        if callable(show_cost):
            # Decided in the quote's own seller: roles held elsewhere never count.
            show_cost = show_cost(instance.seller)
        if not show_cost:
            # Customers never see what the seller pays or earns.
            data.pop("cost_total", None)
            data.pop("margin_pct", None)
        return data


class QuoteDetailSerializer(QuoteSerializer):
    """A quote with its frozen BOM (priced, with line discounts) and the engine's findings."""

    bom = FrozenBomField(
        source="bom_json",
        read_only=True,
        allow_null=True,
        help_text="The BOM frozen at issue, priced with the line discounts; null for a draft.",
    )
    findings = FindingsField(
        source="*",
        read_only=True,
        help_text="The findings of the report frozen at issue (empty for a draft).",
    )

    class Meta(QuoteSerializer.Meta):
        fields = [*QuoteSerializer.Meta.fields, "bom", "findings"]
        read_only_fields = fields


class QuoteRequestSerializer(serializers.ModelSerializer[QuoteRequest]):
    """A customer's request for a quote of a build, and the quote that answered it."""

    organisation = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)
    requested_by = serializers.SlugRelatedField[User](
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the requester; null if the user was deleted.",
    )

    class Meta:
        model = QuoteRequest
        fields = [
            "id",
            "organisation",
            "build",
            "requested_by",
            "message",
            "status",
            "quote",
            "created_at",
            "quoted_at",
        ]
        read_only_fields = fields


class QuoteRequestCreateSerializer(serializers.Serializer[Any]):
    """A request for a quote of a build the caller's organisation owns."""

    build = serializers.PrimaryKeyRelatedField(
        queryset=Build.objects.none(), help_text="Id of the build to be quoted."
    )
    message = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Anything the seller should know: dates, options, budget.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            build = cast(serializers.PrimaryKeyRelatedField, fields["build"])
            build.queryset = selectors.build_list(user=request.user, auth=request.auth)
        return fields


_document_frozen_fields()
