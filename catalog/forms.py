"""Admin form of a component: the spec as readable JSON, errors pinned to the spec sub-field."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.bounds import COMPONENT_FIGURES, bound_form_fields
from catalog.models import COMPONENT_FIELDS, Component


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, so a spec can be read and edited."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False, cls=self.encoder)


class ComponentAdminForm(forms.ModelForm):
    """Component form whose spec errors read ``spec.kva: Input should be greater than 0``."""

    spec = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 80, "style": "font-family: monospace"}),
        help_text=(
            "Kind-specific figures as JSON (validated by the spec model of the kind; "
            "defaults are filled in on save)."
        ),
    )

    # Explicit so the form opts into Django 6's https default instead of warning about it.
    datasheet_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Component
        # Everything a catalogue manager edits; timestamps are read-only in the admin.
        fields = [*COMPONENT_FIELDS, "source", "source_ref"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same ranges as the API and the engine (rules.specs.ComponentSpec).
        for name, model in COMPONENT_FIGURES.items():
            bound_form_fields(self.fields, model, [name])

    def clean_spec(self) -> Any:
        # An emptied textarea means "all defaults", which the model validator fills in.
        spec = self.cleaned_data.get("spec")
        return {} if spec in (None, "") else spec

    def _update_errors(self, errors: ValidationError) -> None:
        # The shared validator keys spec errors by path ("spec.kva"), which is no form field:
        # show them on the spec textarea with the path in front so the user knows which key.
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list[Any]] = {}
            for field, field_errors in errors.error_dict.items():
                if field.startswith("spec."):
                    remapped.setdefault("spec", []).extend(
                        f"{field}: {message}"
                        for error in field_errors
                        for message in error.messages
                    )
                else:
                    remapped.setdefault(field, []).extend(field_errors)
            errors = ValidationError(remapped)
        super()._update_errors(errors)
