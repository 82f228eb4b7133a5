"""POST /validate/: evaluate an inline build (BuildSpec JSON) without storing anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.examples import REPORT_EXAMPLE
from configurator.api.schema import (
    EnvelopeAutoSchema,
    InlineBuildSpecSchema,
    ReportSchema,
    SafeJSONParser,
)
from configurator.api.serializers.common import ErrorSerializer
from configurator.api.throttling import THROTTLES
from configurator.builds.inline import inline_build_evaluate
from configurator.tenancy.permissions import private_component_owners

_EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "rules" / "examples"


def _example(name: str) -> dict[str, Any]:
    """One of the engine's example builds, shown as a request example (empty if missing)."""
    try:
        return json.loads((_EXAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


BY_REFERENCE = {
    "name": "Two servers on a UPS, from the catalogue",
    "racks": [
        {"id": "rack1", "component": {"manufacturer": "northwind-racks", "sku": "ER-24-6010"}}
    ],
    "items": [
        {"id": "ups1", "rack_id": "rack1", "position_u": 1, "component": {"id": 12}},
        {
            "id": "srv",
            "rack_id": "rack1",
            "position_u": 3,
            "quantity": 2,
            "feed_a": "ups1",
            "component": {"manufacturer": "Helix", "sku": "R20"},
        },
    ],
}


class ValidateView(APIView):
    """Evaluate an inline build; components inline or by catalogue reference."""

    parser_classes = [SafeJSONParser]
    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="Validate an inline build",
        description=(
            "The same JSON as `python -m rules check` (see `python -m rules schema`), except "
            "that a rack's or item's `component` may also be a catalogue reference: "
            '`{"id": <component id>}` or `{"manufacturer": <slug or name>, "sku": ...}`. '
            "Answers the engine's report (200, errors included); stores nothing. Bad input "
            "answers 400 with `details` keyed by the dotted path of the field, e.g. "
            "`items.2.component.sku`."
        ),
        request=InlineBuildSpecSchema,
        examples=[
            OpenApiExample("By catalogue reference", value=BY_REFERENCE, request_only=True),
            OpenApiExample(
                "Retail store rack (inline components)",
                value=_example("retail_store_rack"),
                request_only=True,
            ),
        ],
        responses={
            200: OpenApiResponse(
                ReportSchema, examples=[OpenApiExample("Report", value=REPORT_EXAMPLE)]
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="The build is not valid; `details` names each field.",
                examples=[
                    OpenApiExample(
                        "Unknown SKU",
                        value={
                            "code": "validation_error",
                            "message": "Invalid input: items.1.component.sku.",
                            "details": {
                                "items.1.component.sku": [
                                    "no component with SKU 'R20' of manufacturer 'Helix' in "
                                    "the catalogue"
                                ]
                            },
                        },
                        status_codes=["400"],
                        response_only=True,
                    )
                ],
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = inline_build_evaluate(
            request.data, owners=private_component_owners(request.user, request.auth)
        )
        return Response(report.model_dump(mode="json"))
