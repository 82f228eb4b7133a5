"""Serializers of sites: the engine fields of a site, and its organisation by slug."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rest_framework import serializers

from catalog.api.bounds import bound_fields
from configurator.builds.models import Site
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import organisations_visible_to, token_of
from rules import specs as engine_specs

__all__ = ["OrganisationSlugField", "SiteSerializer"]


class OrganisationSlugField(serializers.SlugRelatedField):
    """An organisation by slug; text PostgreSQL cannot compare is refused, not a crash."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class SiteSerializer(serializers.ModelSerializer[Site]):
    """A site; `organisation` (slug) is fixed at creation and defaults to a token's own."""

    organisation = OrganisationSlugField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        required=False,
        help_text=(
            "Slug of an organisation the caller may act on; optional for token clients "
            "(the token's organisation) and callers of one organisation. Fixed after creation."
        ),
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            *Site.ENGINE_FIELDS,
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The (organisation, name) rule is checked in validate(): DRF's generated validator
        # would make `organisation` required even where it has a default.
        validators: ClassVar[list[Any]] = []
        # Each figure's range is the one `rules.specs.Site` states (see get_fields).

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = bound_fields(super().get_fields(), engine_specs.Site, Site.BOUNDED_FIELDS)
        request = self.context.get("request")
        organisation = cast(OrganisationSlugField, fields["organisation"])
        if self.instance is not None:
            organisation.read_only = True
        elif request is not None:
            organisation.queryset = organisations_visible_to(request.user, request.auth)
        return fields

    def _default_organisation(self) -> Organisation:
        request = self.context["request"]
        token = token_of(request.auth)
        if token is not None:
            return token.organisation
        # A caller acting for exactly one organisation needs not name it.
        candidates = list(organisations_visible_to(request.user, request.auth)[:2])
        if len(candidates) == 1:
            return candidates[0]
        raise serializers.ValidationError(
            {"organisation": ["Name the organisation (slug): you act for several."]}
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and "organisation" not in attrs:
            attrs["organisation"] = self._default_organisation()
        organisation = attrs.get("organisation") or getattr(self.instance, "organisation", None)
        name = attrs.get("name")
        if organisation is not None and name is not None:
            clash = Site.objects.filter(organisation=organisation, name=name)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    {"name": ["This organisation already has a site with this name."]}
                )
        return attrs
