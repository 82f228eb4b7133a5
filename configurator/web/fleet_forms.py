"""Forms of the fleet pages: new standard, publish, variants, roll-out, re-apply, sites import."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from configurator.builds.models import Build, Site
from configurator.fleet.models import StandardBuild, StandardVariant
from configurator.tenancy.models import Organisation

__all__ = [
    "ApplyForm",
    "PublishForm",
    "ReapplyForm",
    "SitesImportForm",
    "StandardCreateForm",
]


class _BuildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Build) -> str:
        return f"{obj.name} · {obj.site.name} ({obj.site.organisation})"


class StandardCreateForm(forms.Form):
    """Make a standard of one of the builds the user may act on."""

    build = _BuildChoiceField(queryset=Build.objects.none(), help_text="Its lines become v1.")
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, builds: QuerySet[Build], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(_BuildChoiceField, self.fields["build"]).queryset = builds


class PublishForm(forms.Form):
    """Publish the next version of a standard from its source build."""

    notes = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed, for the sites that will be re-applied.",
    )


class ApplyForm(forms.Form):
    """Roll the standard out to sites that do not have it yet."""

    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    variant = forms.ModelChoiceField(
        queryset=StandardVariant.objects.none(), required=False, empty_label="No variant"
    )

    def __init__(
        self,
        *args: Any,
        sites: QuerySet[Site],
        variants: QuerySet[StandardVariant],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
        self.fields["variant"].queryset = variants  # type: ignore[attr-defined]


class ReapplyForm(forms.Form):
    """Re-apply the current version to builds of the standard."""

    builds = forms.ModelMultipleChoiceField(
        queryset=Build.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, links: QuerySet[StandardBuild], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["builds"].queryset = Build.objects.filter(  # type: ignore[attr-defined]
            pk__in=links.values("build_id")
        )


class SitesImportForm(forms.Form):
    """A CSV or XLSX sheet of sites for one organisation."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    file = forms.FileField(help_text="CSV (UTF-8) or XLSX; the first row names the columns.")
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Check the file and show what would change."
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = str(getattr(upload, "name", "")).lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Send a .csv or .xlsx file.")
        return upload

    @property
    def file_format(self) -> str:
        return "xlsx" if str(self.cleaned_data["file"].name).lower().endswith(".xlsx") else "csv"
