"""Quotes endpoint (/quotes/) and the PDF documents: quote PDFs and build spec sheets.

PDFs are rendered by a worker. `GET .../pdf/` answers 200 with the file when it is stored,
202 with a status body (and queues the render if nobody did) while it is being made, and 409
`render_failed` once every retry failed; `POST .../pdf/` retries a failed render. Quotes of
other organisations answer 404; customers see their organisation's issued quotes, never the
seller's drafts, cost or margin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.builds import REPORT_EXAMPLE
from configurator.api.serializers import MAX_ID
from configurator.api.throttling import THROTTLES
from configurator.api.views import BAD_INPUT, NOT_FOUND, EnvelopeAutoSchema, error_response
from configurator.builds import selectors
from configurator.builds.bom import money
from configurator.builds.models import Build
from configurator.documents import services as document_services
from configurator.documents.models import RenderedDocument
from configurator.documents.pdf import PDF_CONTENT_TYPE
from configurator.errors import Conflict, NotFound
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from configurator.quotes.selectors import quote_list
from configurator.tenancy.permissions import can_see_cost

__all__ = ["QuoteViewSet", "SpecSheetStatusView", "SpecSheetView"]

MAX_TEXT = 10_000

# ------------------------------------------------------------------ documentation

QUOTE_EXAMPLE = {
    "id": 41,
    "label": "Q-2026-0007 rev 2",
    "number": "Q-2026-0007",
    "revision": 2,
    "status": "issued",
    "organisation": "contoso",
    "seller": "acme",
    "build": 7,
    "build_revision": 12,
    "currency": "EUR",
    "valid_until": "2026-03-31",
    "customer_name": "Dana Smith",
    "customer_email": "dana@contoso.example",
    "line_discounts": {"12": "5.00"},
    "discount_pct": "3.00",
    "tax_rate_pct": "20.00",
    "terms": "Payment 30 days net.",
    "override_reason": "",
    "overridden_by": None,
    "subtotal": "6740.00",
    "line_discount_total": "165.00",
    "discount_total": "197.25",
    "net_total": "6377.75",
    "tax_total": "1275.55",
    "total": "7653.30",
    "issued_by": "alice",
    "issued_at": "2026-03-01T10:00:00Z",
    "created_by": "alice",
    "created_at": "2026-03-01T09:40:00Z",
    "updated_at": "2026-03-01T10:00:00Z",
    "pdf_url": "https://mdc.example/api/v1/quotes/41/pdf/",
}
RENDERING_EXAMPLE = {
    "status": "rendering",
    "stage": "pending",
    "status_url": "https://mdc.example/api/v1/quotes/41/pdf/status/",
    "download_url": "https://mdc.example/api/v1/quotes/41/pdf/",
    "filename": "Q-2026-0007-rev2.pdf",
    "attempts": 0,
    "error": "",
    "size_bytes": 0,
    "sha256": "",
}
READY_EXAMPLE = {
    **RENDERING_EXAMPLE,
    "status": "ready",
    "stage": "ready",
    "attempts": 1,
    "size_bytes": 48213,
    "sha256": "9f2c4be0c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5",
}
FAILED_EXAMPLE = {
    "code": "render_failed",
    "message": "Rendering the PDF failed; POST to the same URL to try again.",
    "details": {
        **RENDERING_EXAMPLE,
        "status": "failed",
        "stage": "failed",
        "attempts": 4,
        "error": "OSError: cannot load font",
    },
}
BLOCKED_EXAMPLE = {
    "code": "blocked_by_rules",
    "message": "The build has 1 blocking finding(s); fix them, or issue with an "
    "override_reason recording why.",
    "details": REPORT_EXAMPLE["findings"],
}
FORBIDDEN = error_response(
    "Customers and integrators cannot write or issue quotes.",
    OpenApiExample(
        "Customer",
        value={
            "code": "permission_denied",
            "message": "Only the seller's sales engineers and admins write and issue quotes.",
            "details": {"role": "customer"},
        },
        status_codes=["403"],
        response_only=True,
    ),
)
NOT_DRAFT = error_response("Only a draft can be changed or issued (`quote_frozen`, …).")


# ------------------------------------------------------------------ serializers


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


class QuoteSerializer(serializers.ModelSerializer[Quote]):
    """A quote revision; cost and margin only for roles that may see cost."""

    label = serializers.CharField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    seller = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    overridden_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
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
            "created_by",
            "created_at",
            "updated_at",
            "pdf_url",
        ]
        read_only_fields = fields

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
        if not self.context.get("show_cost", False):
            # Customers never see what the seller pays or earns.
            data.pop("cost_total", None)
            data.pop("margin_pct", None)
        return data


class QuoteDetailSerializer(QuoteSerializer):
    """A quote with its frozen BOM (priced, with line discounts) and the engine's findings."""

    bom = serializers.JSONField(source="bom_json", read_only=True, allow_null=True)
    findings = serializers.SerializerMethodField()

    class Meta(QuoteSerializer.Meta):
        fields = [*QuoteSerializer.Meta.fields, "bom", "findings"]
        read_only_fields = fields

    def get_findings(self, quote: Quote) -> list[dict[str, Any]]:
        """The findings of the report frozen at issue (empty for a draft)."""
        return list((quote.report_json or {}).get("findings", []))


class DocumentStatusSerializer(serializers.Serializer[Any]):
    """Where a PDF render stands, and where to fetch the file."""

    status = serializers.ChoiceField(
        choices=["rendering", "ready", "failed"],
        help_text="rendering (queued or in progress), ready, failed.",
    )
    stage = serializers.ChoiceField(choices=RenderedDocument.Status.choices)
    status_url = serializers.URLField()
    download_url = serializers.URLField()
    filename = serializers.CharField()
    attempts = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField(allow_blank=True)


# What asking to render a document again answers: stored (200) or queued (202).
RETRY_RESPONSES: dict[Any, Any] = {
    200: OpenApiResponse(
        DocumentStatusSerializer,
        examples=[OpenApiExample("Ready", value=READY_EXAMPLE, status_codes=["200"])],
    ),
    202: OpenApiResponse(
        DocumentStatusSerializer,
        examples=[OpenApiExample("Queued", value=RENDERING_EXAMPLE, status_codes=["202"])],
    ),
}
PDF_RESPONSES: dict[Any, Any] = {
    (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    (202, "application/json"): OpenApiResponse(
        DocumentStatusSerializer,
        description="Being rendered: poll `status_url` (or this URL) until it is ready.",
        examples=[OpenApiExample("Rendering", value=RENDERING_EXAMPLE, status_codes=["202"])],
    ),
    404: NOT_FOUND,
    409: error_response(
        "Not renderable (a draft) or every render attempt failed (`render_failed`).",
        OpenApiExample("Failed", value=FAILED_EXAMPLE, status_codes=["409"], response_only=True),
    ),
}


def _public_status(document: RenderedDocument) -> str:
    if document.status == RenderedDocument.Status.READY:
        return "ready"
    if document.status == RenderedDocument.Status.FAILED:
        return "failed"
    return "rendering"


def _status_body(document: RenderedDocument, *, status_url: str, download_url: str) -> dict:
    return {
        "status": _public_status(document),
        "stage": document.status,
        "status_url": status_url,
        "download_url": download_url,
        "filename": document.filename,
        "attempts": document.attempts,
        "error": document.error,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
    }


def _document_response(
    document: RenderedDocument, *, status_url: str, download_url: str, serve_file: bool
) -> HttpResponse | Response:
    """The file (200), the status (202 while rendering, 200 when ready) or 409 when failed."""
    body = _status_body(document, status_url=status_url, download_url=download_url)
    if document.status == RenderedDocument.Status.FAILED:
        raise Conflict(
            "Rendering the PDF failed; POST to the same URL to try again.",
            code="render_failed",
            details=body,
        )
    if document.status != RenderedDocument.Status.READY:
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Retry-After": "1"})
    if not serve_file:
        return Response(body)
    response = HttpResponse(bytes(document.content), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Content-Length"] = str(document.size_bytes)
    # The bytes of a stored document never change: its digest is a strong validator.
    response["ETag"] = f'"{document.sha256}"'
    return response


# ------------------------------------------------------------------ quotes


def _answer_schema(summary: str, description: str, status: Quote.Status) -> Any:
    """The OpenAPI of a customer's answer to an issued quote (accept, reject)."""
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={
            200: OpenApiResponse(
                QuoteDetailSerializer,
                examples=[
                    OpenApiExample(status.label, value={**QUOTE_EXAMPLE, "status": status.value})
                ],
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response("Not an issued quote, or it expired."),
        },
    )


@extend_schema_view(
    list=extend_schema(
        summary="List quotes",
        description=(
            "Quote revisions of the organisations the caller may act on, newest first. "
            "Customers and integrators see issued (and later) revisions only; sellers also "
            "see drafts. `status` filters by status."
        ),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Quote.Status.values),
            OpenApiParameter("number", OpenApiTypes.STR, description="All revisions of it."),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a quote",
        description="One revision with its frozen BOM and findings.",
        responses={200: QuoteDetailSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("Issued", value=QUOTE_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Create a draft quote",
        description=(
            "A draft of a build the caller sees, for the build's organisation. Sales "
            "engineers and admins of the serving seller only (403 otherwise). Discounts "
            "above the role's limit (QUOTE_DISCOUNT_LIMITS) answer 400."
        ),
        request=QuoteCreateSerializer,
        examples=[
            OpenApiExample(
                "New draft",
                value={
                    "build": 7,
                    "customer_name": "Dana Smith",
                    "customer_email": "dana@contoso.example",
                    "line_discounts": {"12": "5"},
                    "discount_pct": "3",
                    "tax_rate_pct": "20",
                },
                request_only=True,
            ),
        ],
        responses={201: QuoteDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a draft quote",
        description="Contact, validity, discounts, tax or terms of a draft; issued ones: 409.",
        request=QuoteFieldsSerializer,
        examples=[OpenApiExample("More discount", value={"discount_pct": "5"}, request_only=True)],
        responses={
            200: QuoteDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: NOT_DRAFT,
        },
    ),
)
class QuoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Quote],
):
    """Quotes: drafts, issue, revise, answers and PDFs; other organisations' answer 404."""

    serializer_class = QuoteSerializer
    throttle_classes = THROTTLES
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Quote]:
        queryset = quote_list(user=self.request.user, auth=self.request.auth)
        wanted = self.request.query_params.get("status")
        if self.action == "list" and wanted in Quote.Status.values:
            queryset = queryset.filter(status=wanted)
        number = self.request.query_params.get("number")
        if self.action == "list" and number:
            queryset = queryset.filter(number=number[:20])
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return QuoteSerializer if self.action == "list" else QuoteDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["show_cost"] = can_see_cost(self.request.user, self.request.auth)
        return context

    def _quote_response(self, quote: Quote, code: int = status.HTTP_200_OK) -> Response:
        data = QuoteDetailSerializer(quote, context=self.get_serializer_context()).data
        headers = {}
        if code == status.HTTP_201_CREATED:
            path = reverse("quote-detail", kwargs={"version": self.request.version, "pk": quote.pk})
            headers["Location"] = self.request.build_absolute_uri(path)
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = QuoteCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        build = fields.pop("build")
        quote = quote_services.quote_create(build=build, user=request.user, **fields)
        return self._quote_response(quote, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        quote = self.get_object()
        body = QuoteFieldsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = quote_services.quote_update(quote=quote, user=request.user, **body.validated_data)
        return self._quote_response(quote)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    # ------------------------------------------------------------ commands

    @extend_schema(
        summary="Issue a quote",
        description=(
            "Freeze the build's snapshot, the priced BOM (list prices of today), the engine's "
            "report and the totals, and take the next number of the year (Q-2026-0001). "
            "Later edits of the build or the catalogue never change an issued quote. While "
            "the build has error findings: 422 `blocked_by_rules` with the findings, unless "
            "`override_reason` records why it is quoted anyway."
        ),
        request=QuoteIssueSerializer,
        examples=[
            OpenApiExample("Plain", value={}, request_only=True),
            OpenApiExample(
                "With exceptions",
                value={"override_reason": "Customer adds a second UPS on site."},
                request_only=True,
            ),
        ],
        responses={
            200: OpenApiResponse(
                QuoteDetailSerializer,
                examples=[OpenApiExample("Issued", value=QUOTE_EXAMPLE)],
            ),
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: NOT_DRAFT,
            422: error_response(
                "The build has error findings and no override_reason was given.",
                OpenApiExample(
                    "Blocked", value=BLOCKED_EXAMPLE, status_codes=["422"], response_only=True
                ),
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Issue the draft."""
        quote = self.get_object()
        body = QuoteIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = quote_services.quote_issue(
            quote=quote,
            user=request.user,
            override_reason=body.validated_data.get("override_reason", ""),
        )
        return self._quote_response(quote)

    @extend_schema(
        summary="Revise a quote",
        description=(
            "Issue a new revision (same number, revision + 1) from the build as it is now, "
            "with the fields given changed; the revised one becomes `superseded`. Issued, "
            "rejected and expired quotes can be revised. Same rules as issuing (422 on "
            "error findings without `override_reason`)."
        ),
        request=QuoteReviseSerializer,
        examples=[
            OpenApiExample(
                "Better price", value={"discount_pct": "8", "valid_until": None}, request_only=True
            ),
            OpenApiExample(
                "New revision", value=QUOTE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
        responses={
            201: QuoteDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response("This quote cannot be revised (draft, accepted, superseded)."),
            422: error_response("The build has error findings and no override_reason."),
        },
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make and issue the next revision."""
        quote = self.get_object()
        body = QuoteReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        reason = fields.pop("override_reason", "")
        revised = quote_services.quote_revise(
            quote=quote, user=request.user, override_reason=reason, **fields
        )
        return self._quote_response(revised, status.HTTP_201_CREATED)

    def _answer(self, request: Request, answer: str) -> Response:
        quote = quote_services.quote_set_status(
            quote=self.get_object(), user=request.user, status=answer
        )
        return self._quote_response(quote)

    @_answer_schema(
        "Accept a quote",
        "Record that the customer accepts this issued revision (customer or seller).",
        Quote.Status.ACCEPTED,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Accept the quote."""
        return self._answer(request, Quote.Status.ACCEPTED)

    @_answer_schema(
        "Reject a quote",
        "Record that the customer turns this revision down; it can be revised.",
        Quote.Status.REJECTED,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Reject the quote."""
        return self._answer(request, Quote.Status.REJECTED)

    # ------------------------------------------------------------ PDF

    def _urls(self, quote: Quote) -> dict[str, str]:
        kwargs = {"version": self.request.version, "pk": quote.pk}
        return {
            "status_url": self.request.build_absolute_uri(
                reverse("quote-pdf-status", kwargs=kwargs)
            ),
            "download_url": self.request.build_absolute_uri(reverse("quote-pdf", kwargs=kwargs)),
        }

    @extend_schema(
        methods=["GET"],
        summary="Quote PDF",
        description=(
            "200 with the PDF of this revision once stored; 202 with the render's status "
            "while it is queued or rendering (the first request queues it); 409 "
            "`render_failed` with the error after the last retry, 409 `quote_not_issued` "
            "for a draft."
        ),
        responses=PDF_RESPONSES,
    )
    @extend_schema(
        methods=["POST"],
        summary="Render the quote PDF again after a failure",
        description=(
            "Queue the render of a failed PDF again (202), or report the status of one that "
            "is queued (202) or stored (200). A stored PDF is never rendered again."
        ),
        request=None,
        responses={
            **RETRY_RESPONSES,
            404: NOT_FOUND,
            409: error_response("A draft has no PDF."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def pdf(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse | Response:
        """The quote's PDF, or the status of its render."""
        quote = self.get_object()
        retry = request.method == "POST"
        document = document_services.quote_pdf_request(quote=quote, retry=retry)
        return _document_response(document, serve_file=not retry, **self._urls(quote))

    @extend_schema(
        summary="Quote PDF status",
        description="Where the render of this revision's PDF stands (200 whatever the stage).",
        responses={
            200: OpenApiResponse(
                DocumentStatusSerializer,
                examples=[
                    OpenApiExample("Rendering", value=RENDERING_EXAMPLE),
                    OpenApiExample("Ready", value=READY_EXAMPLE),
                ],
            ),
            404: NOT_FOUND,
            409: error_response("A draft has no PDF."),
        },
    )
    @action(detail=True, methods=["get"], url_path="pdf/status", url_name="pdf-status")
    def pdf_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Status of the PDF render; a GET here never queues anything."""
        quote = self.get_object()
        if quote.status == Quote.Status.DRAFT:
            raise Conflict("A draft has no PDF: issue the quote first.", code="quote_not_issued")
        document = RenderedDocument.objects.defer("content").filter(quote=quote).first()
        if document is None:
            raise NotFound("No render of this PDF was requested yet: GET the PDF URL.")
        return Response(_status_body(document, **self._urls(quote)))


# ------------------------------------------------------------------ spec sheets


class SpecSheetQuerySerializer(serializers.Serializer[Any]):
    """Query of the spec sheet: which build revision (default: the current one)."""

    revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


REVISION = OpenApiParameter(
    "revision",
    OpenApiTypes.INT,
    description="Build revision; default the current one. Older revisions exist only if "
    "their sheet was requested while they were current.",
)


class _SpecSheetBase(APIView):
    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    def _build(self, pk: int) -> Build:
        return selectors.build_get(pk=pk, user=self.request.user, auth=self.request.auth)

    def _revision(self) -> int | None:
        query = SpecSheetQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("revision")

    def _urls(self, build: Build, revision: int) -> dict[str, str]:
        kwargs = {"version": self.request.version, "pk": build.pk}
        query = f"?revision={revision}"
        return {
            "status_url": self.request.build_absolute_uri(
                reverse("build-spec-sheet-status", kwargs=kwargs) + query
            ),
            "download_url": self.request.build_absolute_uri(
                reverse("build-spec-sheet", kwargs=kwargs) + query
            ),
        }


class SpecSheetView(_SpecSheetBase):
    """A build's spec sheet PDF: site, elevations, power chain, thermal, findings."""

    @extend_schema(
        summary="Build spec sheet PDF",
        description=(
            "The spec sheet of a build revision (default: the current one): site summary, "
            "rack elevations, power chain with loads, thermal, redundancy, findings and "
            "sustainability figures. Same pattern as the quote PDF: 200 PDF when stored, 202 "
            "while rendering (the first request queues it), 409 `render_failed`. The current "
            "revision's sheet is the build as it evaluates now: when a site or catalogue edit "
            "changes what it says, a new sheet of the same revision is made. An older revision "
            "gives its latest sheet."
        ),
        parameters=[REVISION],
        responses={**PDF_RESPONSES, 400: BAD_INPUT},
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> HttpResponse | Response:
        build = self._build(pk)
        document = document_services.spec_sheet_request(build=build, revision=self._revision())
        return _document_response(
            document, serve_file=True, **self._urls(build, document.build_revision or 0)
        )

    @extend_schema(
        summary="Render a spec sheet again after a failure",
        description="Queue a failed spec sheet again (202); report a queued (202) or stored "
        "(200) one.",
        parameters=[REVISION],
        request=None,
        responses={
            **RETRY_RESPONSES,
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int, **kwargs: Any) -> HttpResponse | Response:
        build = self._build(pk)
        document = document_services.spec_sheet_request(
            build=build, revision=self._revision(), retry=True
        )
        return _document_response(
            document, serve_file=False, **self._urls(build, document.build_revision or 0)
        )


class SpecSheetStatusView(_SpecSheetBase):
    """Where the render of a build revision's spec sheet stands."""

    @extend_schema(
        summary="Spec sheet status",
        description="Status of the spec sheet of a build revision; a GET here queues nothing.",
        parameters=[REVISION],
        responses={
            200: OpenApiResponse(
                DocumentStatusSerializer,
                examples=[OpenApiExample("Rendering", value=RENDERING_EXAMPLE)],
            ),
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        build = self._build(pk)
        revision = self._revision() or build.revision
        document = (  # the latest sheet of the revision (see spec_sheet_request)
            RenderedDocument.objects.defer("content")
            .filter(build=build, build_revision=revision)
            .order_by("-created_at", "-pk")
            .first()
        )
        if document is None:
            raise NotFound("No spec sheet of this revision was requested yet: GET its URL.")
        return Response(_status_body(document, **self._urls(build, revision)))
