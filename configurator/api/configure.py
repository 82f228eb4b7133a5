"""The auto-configurator: POST /configure/, GET /configure/{id}/, POST /configure/{id}/save/.

A small request (one rack, few IT units) is solved in the request and answers 200 with the
result; a larger one answers 202 with a status URL and runs on a worker, whose stage and
progress the status shows until it is done (the pattern of the PDF renders). Bad requirements
answer 400 with `details` keyed by the dotted path of each field. Configurations of other
organisations answer 404; cost figures only for callers who may see cost.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from pydantic import BaseModel, Field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.schema import (
    BAD_INPUT,
    NOT_FOUND,
    EnvelopeAutoSchema,
    PydanticSchema,
    SafeJSONParser,
    error_response,
)
from configurator.api.serializers.builds import BuildSerializer
from configurator.api.serializers.common import MAX_ID
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors as build_selectors
from configurator.configure import selectors, services
from configurator.configure.models import ConfigureJob
from configurator.configure.requirements import SYNC_MAX_IT_UNITS, ConfigureRequest
from configurator.configure.results import ConfigurationResult
from configurator.errors import NotFound

__all__ = ["ConfigureJobView", "ConfigureSaveView", "ConfigureView"]


class ConfigureJobOut(BaseModel):
    """Where a configuration stands, and its answer once done."""

    id: int
    status: Literal["queued", "running", "done", "failed"]
    stage: str = Field(description="solving, alternatives, pareto, kits, explaining or done.")
    progress_pct: int = Field(ge=0, le=100)
    site: int | None
    organisation: str
    status_url: str
    save_url: str = Field(description="POST here to save an option as a build.")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    error: str = ""
    result: ConfigurationResult | None = Field(
        description="The proof, the builds (option 0 the optimum), the kits or the conflict."
    )


class ConfigureRequestSchema(PydanticSchema):
    """Request of POST configure/."""

    pydantic_model = ConfigureRequest
    schema_name = "Configure"
    mode = "validation"


class ConfigureJobSchema(PydanticSchema):
    """A configuration's status and answer."""

    pydantic_model = ConfigureJobOut
    schema_name = "ConfigureJob"
    component_prefix = "Configure"


class ConfigureSaveSerializer(serializers.Serializer[Any]):
    """Which option to save as a build, and where."""

    option = serializers.IntegerField(
        min_value=0, max_value=100, default=0, help_text="0: the optimum."
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=False)
    site = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Needed when the configuration had an inline site.",
    )


REQUEST_EXAMPLE = {
    "site": 3,
    "requirements": {
        "name": "Store 0217 rack",
        "workload": {
            "classes": [{"it_class": "server", "count": 2}, {"it_class": "switch", "count": 1}]
        },
        "redundancy": {"ups": "N", "cooling": "N"},
        "constraints": {"runtime_min": 10, "max_rack_u": 24, "fire_suppression": False},
        "objective": {"terms": ["list_price"]},
    },
}
QUEUED_EXAMPLE = {
    "id": 12,
    "status": "queued",
    "stage": "",
    "progress_pct": 0,
    "site": 3,
    "organisation": "contoso",
    "status_url": "https://mdc.example/api/v1/configure/12/",
    "save_url": "https://mdc.example/api/v1/configure/12/save/",
    "created_at": "2026-01-10T09:00:00Z",
    "finished_at": None,
    "error": "",
    "result": None,
}
BAD_REQUIREMENTS = error_response(
    "Invalid requirements; `details` names each field by its dotted path.",
    OpenApiExample(
        "Runtime out of range",
        value={
            "code": "validation_error",
            "message": "Invalid input: requirements.constraints.runtime_min.",
            "details": {
                "requirements.constraints.runtime_min": [
                    "Input should be less than or equal to 480"
                ]
            },
        },
        status_codes=["400"],
        response_only=True,
    ),
)


def _job_body(job: ConfigureJob, request: Request) -> dict[str, Any]:
    kwargs = {"version": request.version, "pk": job.pk}
    result = selectors.configure_job_result(job, user=request.user, auth=request.auth)
    body = ConfigureJobOut(
        id=job.pk,
        status=job.status,
        stage=job.stage,
        progress_pct=job.progress_pct,
        site=job.site_id,
        organisation=job.organisation.slug,
        status_url=request.build_absolute_uri(reverse("configure-job", kwargs=kwargs)),
        save_url=request.build_absolute_uri(reverse("configure-save", kwargs=kwargs)),
        created_at=job.created_at,
        finished_at=job.finished_at,
        error=job.error,
        result=ConfigurationResult.model_validate(result) if result else None,
    )
    return body.model_dump(mode="json")


def _answer(job: ConfigureJob, request: Request) -> Response:
    """200 with the answer once done (or failed), 202 with the status while it runs."""
    body = _job_body(job, request)
    if job.status in (ConfigureJob.Status.QUEUED, ConfigureJob.Status.RUNNING):
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": body["status_url"], "Retry-After": "1"},
        )
    return Response(body, status=status.HTTP_200_OK)


class _ConfigureBase(APIView):
    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()


class ConfigureView(_ConfigureBase):
    """Configure: the cheapest valid build for a workload, proven optimal."""

    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="Configure a build for a workload",
        description=(
            "The cheapest valid build for the requirements over the active catalogue: racks, "
            "UPS, PDUs, cooling, fire suppression and IT chosen together by a CP-SAT model, the "
            "optimum proven (`result.status` OPTIMAL with `objective` = `bound`), every "
            "proposal judged by the rules engine. With `extras`: up to five alternatives (best "
            "build per power-chain vendor, a price/energy Pareto front) and the pre-integrated "
            "kits compared facility only. When nothing fits: `result.conflict`, a minimal set "
            "of conflicting requirements with the cheapest relaxation of each.\n\n"
            "`requirements.cooling` is `air`, `liquid` (cold-plate nodes on an in-rack CDU and a "
            "facility water source, leak detection, the rest by air) or `auto` (the default): "
            "whichever valid design is cheaper, liquid when a rack would pass the policy's air "
            "density limit. `result.cooling` says what the optimum does and why, with the "
            "figures compared; each option says its `cooling`.\n\n"
            f"Small requests (one rack, at most {SYNC_MAX_IT_UNITS} IT units) are solved in "
            "the request: 200 with the result. Larger ones (or `run: async`) answer 202 with "
            "`status_url`; poll it (stage and progress) until `status` is done. Save an option "
            "as a build with POST `save_url`. The cost-price objective is for sellers; cost "
            "figures are shown only to them."
        ),
        request=ConfigureRequestSchema,
        examples=[OpenApiExample("A retail rack", value=REQUEST_EXAMPLE, request_only=True)],
        responses={
            200: OpenApiResponse(ConfigureJobSchema, description="Solved in the request."),
            202: OpenApiResponse(
                ConfigureJobSchema,
                description="Queued: poll `status_url`.",
                examples=[OpenApiExample("Queued", value=QUEUED_EXAMPLE, status_codes=["202"])],
            ),
            400: BAD_REQUIREMENTS,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        job = services.configure_job_create(
            request=request.data, user=request.user, auth=request.auth
        )
        return _answer(job, request)


class ConfigureJobView(_ConfigureBase):
    """A configuration's status, and its answer once done."""

    @extend_schema(
        summary="Configuration status and result",
        description="Status, stage and progress of a configuration; with the result once done.",
        responses={
            200: OpenApiResponse(ConfigureJobSchema, description="Done (or failed)."),
            202: OpenApiResponse(ConfigureJobSchema, description="Still queued or running."),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        job = selectors.configure_job_get(pk=pk, user=request.user, auth=request.auth)
        return _answer(job, request)


class ConfigureSaveView(_ConfigureBase):
    """Save one of a configuration's builds as a draft build."""

    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="Save a configured build",
        description=(
            "Write option `option` of a done configuration (0: the optimum) as a new draft "
            "build at the configuration's site (or `site`, for an inline site), with the "
            "policy it was configured for; it is judged as the solver judged it."
        ),
        request=ConfigureSaveSerializer,
        responses={
            201: BuildSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: error_response("The configuration is not done yet (`not_ready`)."),
        },
    )
    def post(self, request: Request, pk: int, **kwargs: Any) -> Response:
        job = selectors.configure_job_get(pk=pk, user=request.user, auth=request.auth)
        options = ConfigureSaveSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        data = options.validated_data
        site = None
        if data.get("site") is not None:
            try:
                site = build_selectors.site_get(
                    pk=data["site"], user=request.user, auth=request.auth
                )
            except NotFound as exc:
                raise ValidationError({"site": ["Unknown site."]}) from exc
        build = services.configure_option_save(
            job=job,
            option=data["option"],
            name=data.get("name"),
            user=request.user,
            auth=request.auth,
            site=site,
        )
        body = BuildSerializer(build, context={"request": request}).data
        location = reverse("build-detail", kwargs={"version": request.version, "pk": build.pk})
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )
