"""Sites in bulk: upsert many sites from JSON, or import the sites sheet (CSV or XLSX)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.fleet import caller_organisation
from configurator.api.schema import (
    BAD_INPUT,
    EnvelopeAutoSchema,
    SafeJSONParser,
)
from configurator.api.serializers.fleet import (
    SitesBulkSerializer,
    SitesImportResultSerializer,
    SitesImportSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.fleet.services.sites_import import SitesImport, sites_bulk_upsert, sites_import

__all__ = [
    "SitesBulkView",
    "SitesImportView",
]


def _import_response(result: SitesImport, *, key: str) -> Response:
    """200 with what was done, or 400 naming each bad row and field (nothing written)."""
    if result.errors:
        details: dict[str, list[str]] = {}
        for error in result.errors:
            path = f"{key}.{error.row}" + (f".{error.field}" if error.field else "")
            details.setdefault(path, []).append(error.message)
        raise ValidationError(details)
    return Response(
        SitesImportResultSerializer(
            {
                "dry_run": result.dry_run,
                "written": result.written,
                "created": result.count("created"),
                "updated": result.count("updated"),
                "unchanged": result.count("unchanged"),
                "rows": result.rows,
            }
        ).data
    )


BULK_EXAMPLE = {
    "organisation": "northwind",
    "sites": [
        {
            "name": "Store 0217 back office, Lyon",
            "country": "FR",
            "altitude_m": 170,
            "ambient_min_c": 18,
            "ambient_max_c": 27,
            "supply_breaker_a": 16,
            "grid_carbon_g_per_kwh": 56,
        },
        {"name": "Pickup kiosk 0218, Lyon", "environment": "outdoor", "ambient_min_c": -12},
    ],
}


class SitesBulkView(APIView):
    """Create and update sites by name, all or nothing."""

    throttle_classes = THROTTLES
    parser_classes = [SafeJSONParser]
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Create or update sites in bulk",
        description=(
            "Each object is a site of the organisation named by `name`: a new name creates "
            "it, a known one updates the fields given (others untouched). Every object is "
            "validated by the rules engine's Site model; any error answers 400 with "
            "`details` keyed `sites.<index>.<field>` and nothing is written. `dry_run` says "
            "what would be done."
        ),
        request=SitesBulkSerializer,
        examples=[OpenApiExample("Two sites", value=BULK_EXAMPLE, request_only=True)],
        responses={200: SitesImportResultSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SitesBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = caller_organisation(request, body.validated_data.get("organisation"))
        result = sites_bulk_upsert(
            organisation=organisation,
            sites=body.validated_data["sites"],
            dry_run=body.validated_data["dry_run"],
        )
        return _import_response(result, key="sites")


class SitesImportView(APIView):
    """Import a CSV or XLSX sheet of sites, all or nothing."""

    throttle_classes = THROTTLES
    parser_classes = [MultiPartParser, FormParser]
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Import sites from CSV or XLSX",
        description=(
            "A sheet whose header names site fields (`name` required; see README, 'Sites "
            "in bulk'). The format follows the file name (.csv or .xlsx). All or nothing: "
            "any bad row answers 400 with `details` keyed `rows.<row>.<field>` (the header "
            "is row 1) and nothing is written."
        ),
        request={"multipart/form-data": SitesImportSerializer},
        responses={200: SitesImportResultSerializer, 400: BAD_INPUT},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SitesImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = caller_organisation(request, body.validated_data.get("organisation"))
        upload = body.validated_data["file"]
        name = str(getattr(upload, "name", "")).lower()
        fmt = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
        if not fmt:
            raise ValidationError({"file": ["Send a .csv or .xlsx file."]})
        result = sites_import(
            organisation=organisation,
            fileobj=upload,
            fmt=fmt,
            dry_run=body.validated_data["dry_run"],
        )
        return _import_response(result, key="rows")
