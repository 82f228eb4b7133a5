"""Standards endpoint: /standards/ and its versions, variants, roll-out and re-apply.

A standard belongs to the organisation of the build it was made from; other organisations'
standards answer 404. Roll-outs are all or nothing: a refused site or build is named in a 400.
"""

from __future__ import annotations

from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from configurator.api.schema import (
    BAD_INPUT,
    NOT_FOUND,
    PARSERS,
    EnvelopeAutoSchema,
    error_response,
)
from configurator.api.serializers.builds import BuildSerializer
from configurator.api.serializers.standards import (
    ApplySerializer,
    PublishSerializer,
    ReapplySerializer,
    StandardCreateSerializer,
    StandardSerializer,
    StandardSiteSerializer,
    StandardUpdateSerializer,
    StandardVariantSerializer,
    StandardVersionSerializer,
)
from configurator.api.throttling import THROTTLES
from configurator.builds import selectors as build_selectors
from configurator.builds.models import Build
from configurator.errors import NotFound
from configurator.fleet import selectors
from configurator.fleet.models import Standard, StandardBuild, StandardVariant, StandardVersion
from configurator.fleet.services import standards as services

__all__ = ["StandardViewSet"]

STANDARD_EXAMPLE = {
    "id": 4,
    "organisation": "northwind",
    "name": "Northwind store rack",
    "description": "The back-office rack of every store.",
    "current_version": 2,
    "source_build": 31,
    "build_count": 200,
    "created_at": "2026-01-10T09:00:00Z",
    "updated_at": "2026-02-01T08:00:00Z",
}


@overload
def _visible_build(request: Request, pk: int, field: str = "build") -> Build: ...
@overload
def _visible_build(request: Request, pk: None, field: str = "build") -> None: ...
def _visible_build(request: Request, pk: int | None, field: str = "build") -> Build | None:
    """A build the caller sees, or a 400 naming `field` (never a hint that it exists)."""
    if pk is None:
        return None
    try:
        return build_selectors.build_get(pk=pk, user=request.user, auth=request.auth)
    except NotFound as exc:
        raise ValidationError({field: ["Unknown build."]}) from exc


@extend_schema_view(
    list=extend_schema(
        summary="List standards",
        description="Standards of the organisations the caller may act on, by name.",
    ),
    retrieve=extend_schema(summary="Get a standard", responses={200: StandardSerializer}),
)
class StandardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Standard]
):
    """Standard builds; other organisations' answer 404."""

    serializer_class = StandardSerializer
    throttle_classes = THROTTLES
    parser_classes = PARSERS
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    schema = EnvelopeAutoSchema()

    def get_queryset(self) -> QuerySet[Standard]:
        return selectors.standard_list(user=self.request.user, auth=self.request.auth)

    def _standard(self, standard: Standard, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=standard.pk)
        return Response(StandardSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Make a standard of a build",
        description=(
            "Version 1 freezes the build's lines as they are now (components, placements, "
            "feeds) and its policy override. The standard belongs to the build's organisation."
        ),
        request=StandardCreateSerializer,
        examples=[
            OpenApiExample(
                "Store rack",
                value={"build": 31, "name": "Northwind store rack"},
                request_only=True,
            ),
            OpenApiExample("Created", value=STANDARD_EXAMPLE, response_only=True),
        ],
        responses={
            201: StandardSerializer,
            400: BAD_INPUT,
            409: error_response("The organisation has a standard of this name."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = StandardCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        build = _visible_build(request, body.validated_data["build"])
        standard = services.standard_create(
            build=build,
            name=body.validated_data["name"],
            description=body.validated_data["description"],
            user=request.user,
        )
        return self._standard(standard, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a standard",
        description="Rename it or change its description; versions are published apart.",
        request=StandardUpdateSerializer,
        responses={200: StandardSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        standard = self.get_object()
        body = StandardUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.standard_update(standard=standard, **body.validated_data)
        return self._standard(standard)

    @extend_schema(
        summary="Delete a standard",
        description="409 `standard_in_use` while builds follow it.",
        responses={204: None, 404: NOT_FOUND, 409: error_response("Builds follow it.")},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.standard_delete(standard=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ------------------------------------------------------------ versions and variants

    @extend_schema(
        methods=["GET"],
        summary="Versions of a standard",
        responses={200: StandardVersionSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Publish a new version",
        description=(
            "Freezes a build (default: the standard's source build) as the next version. "
            "409 `nothing_changed` when its layout equals the current version's. Builds "
            "already rolled out stay on their version until re-applied."
        ),
        request=PublishSerializer,
        responses={
            201: StandardVersionSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: error_response("The design equals the current version."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List or publish versions."""
        standard = self.get_object()
        if request.method == "GET":
            versions = StandardVersion.objects.filter(standard=standard).order_by("number")
            return Response(StandardVersionSerializer(versions, many=True).data)
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.standard_publish(
            standard=standard,
            build=_visible_build(request, body.validated_data.get("build")),
            notes=body.validated_data["notes"],
            user=request.user,
        )
        return Response(StandardVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Variants of a standard",
        responses={200: StandardVariantSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a local variant",
        description=(
            "A named set of swaps (`replace` a component the standard uses `with` one of the "
            "same kind), applied at the sites that take the variant."
        ),
        request=StandardVariantSerializer,
        examples=[
            OpenApiExample(
                "Outdoor kiosk",
                value={
                    "name": "Outdoor kiosk",
                    "description": "Sealed IP55 cabinet with a split unit.",
                    "substitutions": [{"replace": 12, "with": 57}, {"replace": 30, "with": 41}],
                },
                request_only=True,
            )
        ],
        responses={
            201: StandardVariantSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: error_response("The standard has a variant of this name."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def variants(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List or record variants."""
        standard = self.get_object()
        if request.method == "GET":
            variants = StandardVariant.objects.filter(standard=standard).order_by("name", "pk")
            return Response(StandardVariantSerializer(variants, many=True).data)
        body = StandardVariantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        variant = services.variant_create(
            standard=standard,
            name=body.validated_data["name"],
            description=body.validated_data.get("description", ""),
            substitutions=[
                {"replace": s["replace"], "with": s["with"]}
                for s in body.validated_data["substitutions"]
            ],
        )
        return Response(StandardVariantSerializer(variant).data, status=status.HTTP_201_CREATED)

    # ------------------------------------------------------------ roll-out

    @extend_schema(
        summary="Roll the standard out to sites",
        description=(
            "Each site gets a new draft build of the version (default: current), with the "
            "variant's swaps when one is named. All or nothing: sites of other organisations "
            "and sites that already have a build of this standard are named in a 400."
        ),
        request=ApplySerializer,
        examples=[OpenApiExample("Three stores", value={"sites": [3, 4, 5]}, request_only=True)],
        responses={201: BuildSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give each site a build of the standard."""
        standard = self.get_object()
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["sites"]
        sites = list(
            build_selectors.site_list(user=request.user, auth=request.auth).filter(pk__in=wanted)
        )
        unknown = sorted(set(wanted) - {site.pk for site in sites})
        if unknown:
            raise ValidationError({"sites": [f"Unknown site {pk}." for pk in unknown]})
        variant = None
        if "variant" in body.validated_data:
            variant = StandardVariant.objects.filter(
                standard=standard, pk=body.validated_data["variant"]
            ).first()
            if variant is None:
                raise ValidationError({"variant": ["Unknown variant of this standard."]})
        builds = services.standard_apply(
            standard=standard,
            sites=sites,
            variant=variant,
            version=body.validated_data.get("version"),
            user=request.user,
        )
        created = (
            build_selectors.build_list(user=request.user, auth=request.auth)
            .filter(pk__in=[b.pk for b in builds])
            .order_by("site__name", "pk")
        )
        return Response(
            BuildSerializer(created, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Sites of the standard and what they lack",
        description=(
            "Every build of the standard by site name: its version and variant, whether it "
            "is behind the current version (and the difference: components whose units change, "
            "lines moved or rewired, policy) and whether it was edited after its roll-out. "
            "`?behind=true` lists only those behind."
        ),
        responses={200: StandardSiteSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def sites(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The standard's builds with their versions and differences."""
        rows = selectors.standard_site_rows(standard=self.get_object())
        if request.query_params.get("behind") in ("true", "1"):
            rows = [row for row in rows if row.behind]
        # DRF pages lists too, and many=True makes a ListSerializer of the rows; the stubs type
        # the view's own queryset and a plain Serializer's single instance.
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        data = StandardSiteSerializer(page if page is not None else rows, many=True).data  # type: ignore[arg-type]
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="Re-apply the standard to builds",
        description=(
            "Replaces each build's lines with the version (default: current) and its "
            "variant's swaps: a new revision, back to draft (an approval was of the old "
            "design). `behind: true` takes every build on an older version. All or nothing."
        ),
        request=ReapplySerializer,
        examples=[OpenApiExample("All behind", value={"behind": True}, request_only=True)],
        responses={200: BuildSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def reapply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move builds to a version of the standard."""
        standard = self.get_object()
        body = ReapplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visible = build_selectors.build_list(user=request.user, auth=request.auth)
        if body.validated_data.get("behind"):
            links = StandardBuild.objects.filter(
                standard=standard, version__lt=standard.current_version
            )
            builds = list(visible.filter(pk__in=links.values("build_id")))
            if not builds:
                raise ValidationError({"builds": ["No build of this standard is behind."]})
        else:
            wanted = body.validated_data["builds"]
            builds = list(visible.filter(pk__in=wanted))
            unknown = sorted(set(wanted) - {b.pk for b in builds})
            if unknown:
                raise ValidationError({"builds": [f"Unknown build {pk}." for pk in unknown]})
        moved = services.standard_reapply(
            standard=standard,
            builds=builds,
            version=body.validated_data.get("version"),
            user=request.user,
        )
        fresh = visible.filter(pk__in=[b.pk for b in moved]).order_by("site__name", "pk")
        return Response(BuildSerializer(fresh, many=True, context={"request": request}).data)
