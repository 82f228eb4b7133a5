"""Read endpoints of tenancy: the caller (`/me/`) and the organisations it may act on."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.tenancy.models import Membership, Organisation
from configurator.tenancy.permissions import (
    OrganisationScopedMixin,
    can_see_cost,
    organisations_visible_to,
    token_of,
)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    served_by = serializers.SlugRelatedField[Organisation](
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the seller serving this organisation; null when none does.",
    )

    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "kind", "served_by"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organisation = serializers.SlugRelatedField[Organisation](slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "role"]


@extend_schema_view(
    list=extend_schema(
        summary="List organisations",
        description="The organisations the caller belongs to, and those its organisations serve.",
    ),
    retrieve=extend_schema(
        summary="Get an organisation", description="By slug; any other answers 404."
    ),
)
class OrganisationViewSet(OrganisationScopedMixin, viewsets.ReadOnlyModelViewSet[Organisation]):
    """Organisations the caller may act on; others answer 404."""

    queryset = Organisation.objects.select_related("served_by").order_by("name", "pk")
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    organisation_field = "pk"
    filterset_fields = ["kind"]
    ordering_fields = ["name", "slug"]


class MeView(APIView):
    """Who the caller is, in which organisations, and through which token."""

    @extend_schema(
        summary="Who am I",
        description=(
            "The caller's username, memberships (organisation and role), the organisations it "
            "may act on, whether it may see cost, and the API token it authenticated with "
            "(null for a session)."
        ),
        responses=inline_serializer(
            name="Me",
            fields={
                "username": serializers.CharField(),
                "memberships": MembershipSerializer(many=True),
                "organisations": serializers.ListField(child=serializers.SlugField()),
                "can_see_cost": serializers.BooleanField(),
                "token": inline_serializer(
                    name="MeToken",
                    fields={
                        "name": serializers.CharField(),
                        "prefix": serializers.CharField(),
                        "organisation": serializers.SlugField(),
                    },
                    allow_null=True,
                ),
            },
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Signed in: IsAuthenticated, the default permission, has let no one else through.
        user = cast(User, request.user)
        token = token_of(request.auth)
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        return Response(
            {
                "username": user.get_username(),
                "memberships": MembershipSerializer(memberships, many=True).data,
                "organisations": list(
                    organisations_visible_to(user, request.auth)
                    .order_by("slug")
                    .values_list("slug", flat=True)
                ),
                "can_see_cost": can_see_cost(user, request.auth),
                "token": (
                    {
                        "name": token.name,
                        "prefix": token.prefix,
                        "organisation": token.organisation.slug,
                    }
                    if token
                    else None
                ),
            }
        )
