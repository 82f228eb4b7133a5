"""NetBox hand-off endpoints: connections, and a build's dry run, pushes and import files.

- /netbox-connections/ (CRUD; writes for admins of the organisation), .../{id}/test/
- /builds/{id}/netbox/dry-run/?connection=<id>      GET, the plan per object
- /builds/{id}/netbox/pushes/                       GET list, POST {connection} -> 202
- /builds/{id}/netbox/export/                       GET, zip of NetBox import files (YAML)
- /netbox-pushes/{id}/                              GET, status, progress, counts, log

Hand-off is for approved builds only (409 `build_not_approved`); pushing and dry runs take
the approver's roles (admins, sales engineers). Another organisation's objects answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.api.schema import (
    BAD_INPUT,
    NOT_FOUND,
    PARSERS,
    EnvelopeAutoSchema,
    error_response,
)
from configurator.api.serializers.handoff import (
    ConnectionChoiceSerializer,
    ConnectionTestSerializer,
    NetBoxConnectionSerializer,
    NetBoxPushSerializer,
    PlanSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.errors import Conflict
from configurator.handoff import selectors, services
from configurator.handoff.export import export_zip
from configurator.handoff.mapping import map_build
from configurator.handoff.models import NetBoxConnection
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to

__all__ = [
    "BuildNetBoxExportView",
    "BuildNetBoxPlanView",
    "BuildNetBoxPushesView",
    "NetBoxConnectionViewSet",
    "NetBoxPushView",
]

ADMINS_ONLY = error_response("Only administrators of the organisation manage its connections.")
NOT_APPROVED = error_response("Only an approved build is handed off (`build_not_approved`).")
UNREACHABLE = error_response(
    "NetBox cannot be reached, or refused the token (`netbox_unavailable`, "
    "`netbox_unreachable`, `netbox_forbidden`); nothing was written."
)
PUSH_FORBIDDEN = error_response("Only sales engineers and administrators hand builds off.")


@extend_schema_view(
    list=extend_schema(summary="List NetBox connections"),
    retrieve=extend_schema(
        summary="Get a NetBox connection",
        responses={200: NetBoxConnectionSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a NetBox connection",
        description="URL and API token of an organisation's NetBox. The token is encrypted at "
        "rest and never returned. Administrators of the organisation only.",
        responses={201: NetBoxConnectionSerializer, 400: BAD_INPUT, 403: ADMINS_ONLY},
    ),
    partial_update=extend_schema(
        summary="Change a NetBox connection",
        description="Omit `token` to keep the stored one.",
        responses={
            200: NetBoxConnectionSerializer,
            400: BAD_INPUT,
            403: ADMINS_ONLY,
            404: NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary="Delete a NetBox connection",
        responses={204: None, 403: ADMINS_ONLY, 404: NOT_FOUND},
    ),
)
class NetBoxConnectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[NetBoxConnection],
):
    """NetBox connections of the caller's organisations."""

    serializer_class = NetBoxConnectionSerializer
    throttle_classes = THROTTLES
    parser_classes = PARSERS
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[NetBoxConnection]:
        return selectors.connection_list(user=self.request.user, auth=self.request.auth)

    def _require_admin(self, organisation: Organisation) -> None:
        if not services.can_manage_connections(self.request.user, self.request.auth, organisation):
            raise PermissionDenied(
                "Only administrators of the organisation manage its connections."
            )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("organisation_slug", None)
        visible = organisations_visible_to(request.user, request.auth)
        organisation = visible.filter(slug=slug).first() if slug else None
        if organisation is None:
            raise ValidationError({"organisation_slug": ["Unknown organisation."]})
        self._require_admin(organisation)
        if not data.get("token"):
            raise ValidationError({"token": ["A NetBox API token is required."]})
        connection = services.connection_create(
            organisation=organisation, user=request.user, **data
        )
        return Response(self.get_serializer(connection).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        connection = self.get_object()
        self._require_admin(connection.organisation)
        serializer = self.get_serializer(connection, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("organisation_slug", None)
        connection = services.connection_update(connection=connection, **data)
        return Response(self.get_serializer(connection).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        connection = self.get_object()
        self._require_admin(connection.organisation)
        services.connection_delete(connection=connection)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Test a NetBox connection",
        description="Reach the NetBox with the stored token: 200 with `ok` true or false and "
        "the reason (bad token, unreachable URL). Administrators of the organisation only.",
        request=None,
        responses={200: ConnectionTestSerializer, 403: ADMINS_ONLY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Reach NetBox with the stored token."""
        connection = self.get_object()
        self._require_admin(connection.organisation)
        result = services.connection_test(connection=connection)
        return Response(
            ConnectionTestSerializer(
                {
                    "ok": result.ok,
                    "message": result.message,
                    "netbox_version": result.netbox_version,
                    "branching": result.branching,
                    "seconds": round(result.seconds, 3),
                }
            ).data
        )


class _BuildHandoffView(APIView):
    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    def _build(self, pk: int) -> Build:
        return build_selectors.build_get(pk=pk, user=self.request.user, auth=self.request.auth)

    def _check(self, build: Build) -> None:
        if not services.can_hand_off(self.request.user, self.request.auth, build):
            raise PermissionDenied("Only sales engineers and administrators hand builds off.")

    def _connection(self, build: Build, data: Any) -> NetBoxConnection:
        choice = ConnectionChoiceSerializer(data=data)
        choice.is_valid(raise_exception=True)
        connection = (
            selectors.connections_for_build(build)
            .filter(pk=choice.validated_data["connection"])
            .first()
        )
        if connection is None:
            raise ValidationError(
                {"connection": ["No such connection of the build's organisation or its seller."]}
            )
        return connection


CONNECTION = OpenApiParameter(
    "connection", OpenApiTypes.INT, required=True, description="NetBox connection id."
)


class BuildNetBoxPlanView(_BuildHandoffView):
    """The dry run of a build's hand-off."""

    @extend_schema(
        summary="NetBox dry run",
        description="What a push of the build's current revision would create, update, "
        "delete or leave alone in the target NetBox, per object, with the changed fields; "
        "`problems` block a push (a missing manufacturer, a name taken by another object); "
        "`notes` say what NetBox cannot hold. Reads NetBox, writes nothing.",
        parameters=[CONNECTION],
        responses={
            200: PlanSerializer,
            400: BAD_INPUT,
            403: PUSH_FORBIDDEN,
            404: NOT_FOUND,
            409: NOT_APPROVED,
            502: UNREACHABLE,
        },
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        build = self._build(pk)
        self._check(build)
        connection = self._connection(build, request.query_params)
        plan = services.handoff_dry_run(build=build, connection=connection)
        return Response(plan.as_dict())


class BuildNetBoxPushesView(_BuildHandoffView):
    """A build's NetBox pushes: list them, or queue one."""

    parser_classes = PARSERS

    @extend_schema(
        summary="List NetBox pushes of a build",
        responses={200: NetBoxPushSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        build = self._build(pk)
        pushes = selectors.push_list(build=build)[:50]
        return Response(NetBoxPushSerializer(pushes, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Push a build into NetBox",
        description="Queue a push of the build's current revision (a Celery job): 202 with the "
        "push; poll its `status_url` for progress, counts and the log. Idempotent: a second "
        "push of the same revision changes nothing; a later revision changes only what "
        "changed. A failed push lists what it wrote and what to retry or clean.",
        request=ConnectionChoiceSerializer,
        responses={
            202: NetBoxPushSerializer,
            400: BAD_INPUT,
            403: PUSH_FORBIDDEN,
            404: NOT_FOUND,
            409: error_response("The build is not approved, or a push of it is still running."),
        },
    )
    def post(self, request: Request, pk: int, **kwargs: Any) -> Response:
        build = self._build(pk)
        self._check(build)
        connection = self._connection(build, request.data)
        push = services.push_request(build=build, connection=connection, user=request.user)
        push.refresh_from_db()
        data = NetBoxPushSerializer(push, context={"request": request}).data
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": data["status_url"], "Retry-After": "1"},
        )


class BuildNetBoxExportView(_BuildHandoffView):
    """The hand-off as NetBox import files."""

    @extend_schema(
        summary="NetBox import files",
        description="The objects a push writes, as NetBox bulk-import YAML files numbered in "
        "dependency order, with a README, in a zip. Needs no connection.",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            403: PUSH_FORBIDDEN,
            404: NOT_FOUND,
            409: NOT_APPROVED,
        },
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> HttpResponse:
        build = self._build(pk)
        self._check(build)
        if build.status != Build.Status.APPROVED:
            raise Conflict(
                "Only an approved build is handed off to NetBox; approve it first.",
                code="build_not_approved",
            )
        mapping = map_build(selectors.build_handoff_input(build, create_manufacturers=True))
        content = export_zip(mapping, build_name=build.name, revision=build.revision)
        response = HttpResponse(content, content_type="application/zip")
        filename = f"build-{build.pk}-rev{build.revision}-netbox.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class NetBoxPushView(APIView):
    """One NetBox push: where it stands."""

    throttle_classes = THROTTLES
    schema = EnvelopeAutoSchema()

    @extend_schema(
        summary="NetBox push status",
        description="Status, progress, counts, every write NetBox accepted, the log, and after "
        "a failure the error and what to retry or clean.",
        responses={200: NetBoxPushSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int, **kwargs: Any) -> Response:
        push = selectors.push_get(pk=pk, user=request.user, auth=request.auth)
        return Response(NetBoxPushSerializer(push, context={"request": request}).data)
