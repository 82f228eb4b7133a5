"""Quotes endpoint (/quotes/): drafts, issue, revise, the customer's answer, and the PDF.

PDFs are rendered by a worker. `GET .../pdf/` answers 200 with the file when it is stored,
202 with a status body (and queues the render if nobody did) while it is being made, and 409
`render_failed` once every retry failed; `POST .../pdf/` retries a failed render (responses
shared with the spec sheet: configurator.api.documents). Quotes of other organisations answer
404; customers see their organisation's issued quotes, never the seller's drafts, cost or
margin.
"""

from __future__ import annotations

from typing import Any

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

from configurator.api.documents import (
    PDF_RESPONSES,
    READY_EXAMPLE,
    RENDERING_EXAMPLE,
    RETRY_RESPONSES,
    document_response,
    status_body,
)
from configurator.api.examples import BOM_EXAMPLE, REPORT_EXAMPLE
from configurator.api.schema import BAD_INPUT, NOT_FOUND, EnvelopeAutoSchema, error_response
from configurator.api.serializers.documents import DocumentStatusSerializer
from configurator.api.serializers.quotes import (
    QuoteAnswerSerializer,
    QuoteCreateSerializer,
    QuoteDetailSerializer,
    QuoteFieldsSerializer,
    QuoteIssueSerializer,
    QuoteReviseSerializer,
    QuoteSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.documents import selectors as document_selectors
from configurator.documents import services as document_services
from configurator.errors import Conflict, NotFound
from configurator.quotes import services as quote_services
from configurator.quotes.models import Quote
from configurator.quotes.selectors import quote_list
from configurator.tenancy.permissions import cost_visibility

__all__ = ["QuoteViewSet"]

# ------------------------------------------------------------------ documentation

QUOTE_EXAMPLE = {
    "id": 41,
    "label": "Q-2026-0007 rev 2",
    "number": "Q-2026-0007",
    "revision": 2,
    "status": "issued",
    "organisation": "contoso",
    "customer_organisation": None,
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
    "answered_by": None,
    "answered_at": None,
    "answer_note": "",
    "created_by": "alice",
    "created_at": "2026-03-01T09:40:00Z",
    "updated_at": "2026-03-01T10:00:00Z",
    "pdf_url": "https://mdc.example/api/v1/quotes/41/pdf/",
}
# A revision with its frozen BOM and findings, as every single-quote answer gives it.
QUOTE_DETAIL_EXAMPLE = {**QUOTE_EXAMPLE, "bom": BOM_EXAMPLE, "findings": []}
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


# ------------------------------------------------------------------ quotes


def _answer_schema(summary: str, description: str, status: Quote.Status) -> Any:
    """The OpenAPI of a customer's answer to an issued quote (accept, reject)."""
    answered = {
        **QUOTE_DETAIL_EXAMPLE,
        "status": status.value,
        "answered_by": "dana",
        "answered_at": "2026-03-04T15:20:00Z",
        "answer_note": "" if status == Quote.Status.ACCEPTED else "Over our budget this year.",
    }
    return extend_schema(
        summary=summary,
        description=description,
        request=QuoteAnswerSerializer,
        examples=[
            OpenApiExample("No note", value={}, request_only=True),
            OpenApiExample(
                "With a note", value={"note": answered["answer_note"]}, request_only=True
            ),
        ],
        responses={
            200: OpenApiResponse(
                QuoteDetailSerializer,
                examples=[OpenApiExample(status.label, value=answered)],
            ),
            400: BAD_INPUT,
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
        examples=[OpenApiExample("Issued", value=QUOTE_DETAIL_EXAMPLE, response_only=True)],
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
        if self.action == "list" and wanted is not None:
            # An unknown status is a mistake to report, not a filter that matches nothing.
            if wanted not in Quote.Status.values:
                raise serializers.ValidationError(
                    {"status": [f"Unknown status; one of: {', '.join(Quote.Status.values)}."]}
                )
            queryset = queryset.filter(status=wanted)
        number = self.request.query_params.get("number")
        if self.action == "list" and number:
            queryset = queryset.filter(number=number[:20])
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return QuoteSerializer if self.action == "list" else QuoteDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["show_cost"] = cost_visibility(self.request.user, self.request.auth)
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
        body = QuoteFieldsSerializer(data=request.data, context=self.get_serializer_context())
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
                examples=[OpenApiExample("Issued", value=QUOTE_DETAIL_EXAMPLE)],
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
                "New revision", value=QUOTE_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]
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
        quote = self.get_object()
        body = QuoteAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = quote_services.quote_set_status(
            quote=quote,
            user=request.user,
            status=answer,
            note=body.validated_data.get("note", ""),
        )
        return self._quote_response(quote)

    @_answer_schema(
        "Accept a quote",
        "Record that the customer accepts this issued revision (a member of the buying "
        "organisation, or the seller recording an answer given by mail or phone): who, when "
        "and the note are kept (`answered_by`, `answered_at`, `answer_note`).",
        Quote.Status.ACCEPTED,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Accept the quote."""
        return self._answer(request, Quote.Status.ACCEPTED)

    @_answer_schema(
        "Reject (decline) a quote",
        "Record that the customer declines this revision, with who, when and the note; the "
        "seller can revise it.",
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
        return document_response(document, serve_file=not retry, **self._urls(quote))

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
        document = document_selectors.quote_pdf_get(quote=quote)
        if document is None:
            raise NotFound("No render of this PDF was requested yet: GET the PDF URL.")
        return Response(status_body(document, **self._urls(quote)))
