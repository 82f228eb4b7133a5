from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from configurator.builds.models import Build, BuildLine, Site, validate_partial_policy
from configurator.tenancy.models import ApiToken, Membership, Organisation

if TYPE_CHECKING:
    _ModelForm = forms.ModelForm[Any]  # what the mixin is mixed into, to mypy only
else:
    _ModelForm = object


class PolicyFormMixin(_ModelForm):
    """A partial Policy field validated by the engine's Policy: keys and ranges (issue 11.2)."""

    policy_field = "policy"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name = self.policy_field
        if name in cleaned:
            try:
                cleaned[name] = validate_partial_policy(cleaned[name] or {}, field=name)
            except forms.ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    self.add_error(None, [f"{key}: {m}" for m in messages])
        return cleaned


class OrganisationAdminForm(PolicyFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "served_by", "policy"]


class BuildAdminForm(PolicyFormMixin, forms.ModelForm):
    policy_field = "policy_override"

    class Meta:
        model = Build
        fields = ["site", "name", "status", "policy_override"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "slug", "kind", "served_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["served_by"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["served_by"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # Keys are shown once by `create_api_token`; the admin can only inspect and revoke.
    list_display = [
        "name",
        "prefix",
        "user",
        "organisation",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [
        "user",
        "organisation",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()


class BuildInline(admin.TabularInline):
    model = Build
    extra = 0
    fields = ["name", "status", "revision", "updated_at"]
    readonly_fields = ["name", "status", "revision", "updated_at"]
    show_change_link = True
    can_delete = False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "environment", "country", "supply_phases", "updated_at"]
    list_filter = ["environment", "country", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [BuildInline]


class BuildLineInline(admin.TabularInline):
    model = BuildLine
    # Lines of a build reference each other; the admin offers only ids, the services check.
    fk_name = "build"
    extra = 0
    fields = list(BuildLine.EDITABLE_FIELDS)
    autocomplete_fields = ["component"]
    raw_id_fields = ["rack", "feed_a", "feed_b", "ups", "coolant_from"]
    ordering = ["sort_order", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BuildLine]:
        return super().get_queryset(request).select_related("component__manufacturer")


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    form = BuildAdminForm
    list_display = ["name", "site", "status", "revision", "created_by", "updated_at"]
    list_filter = ["status", "site__organisation"]
    list_select_related = ["site__organisation", "created_by"]
    search_fields = ["name", "site__name", "site__organisation__name"]
    autocomplete_fields = ["site"]
    readonly_fields = ["revision", "created_by", "approved_by", "approved_at", "created_at"]
    inlines = [BuildLineInline]


@admin.register(BuildLine)
class BuildLineAdmin(admin.ModelAdmin):
    list_display = ["pk", "build", "component", "quantity", "rack", "position_u", "face"]
    list_filter = ["face", "component__kind"]
    list_select_related = ["build", "component__manufacturer", "rack"]
    search_fields = ["build__name", "component__sku", "component__model_name"]
    autocomplete_fields = ["build", "component"]
    raw_id_fields = ["rack", "feed_a", "feed_b", "ups", "coolant_from"]
