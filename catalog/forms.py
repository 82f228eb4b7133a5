"""Admin form of a component: the spec and the assumed figures as readable JSON, errors pinned
to the sub-field."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import COMPONENT_FIELDS, Component


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, so a spec can be read and edited."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False, cls=self.encoder)


class ComponentAdminForm(forms.ModelForm):
    """Component form whose spec errors read ``spec.kva: Input should be greater than 0``.

    An empty weight or airflow is saved as unknown (None), never as 0 kg or passive.
    """

    spec = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 80, "style": "font-family: monospace"}),
        help_text=(
            "Kind-specific figures as JSON (validated by the spec model of the kind; "
            "defaults are filled in on save)."
        ),
    )

    assumed = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"}),
        help_text=(
            'Figures the source did not state, as [{"field": "spec.kw", "value": 2.1, "why": '
            '"..."}]. An entry goes by itself when its figure is changed; delete one to confirm '
            "an assumed figure as right."
        ),
    )

    # Explicit so the form opts into Django 6's https default instead of warning about it.
    datasheet_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Component
        # Everything a catalogue manager edits; timestamps are read-only in the admin.
        fields = [*COMPONENT_FIELDS, "source", "source_ref"]

    def clean_spec(self) -> Any:
        # An emptied textarea means "all defaults", which the model validator fills in.
        spec = self.cleaned_data.get("spec")
        return {} if spec in (None, "") else spec

    def clean_assumed(self) -> Any:
        # An emptied textarea means "nothing assumed".
        assumed = self.cleaned_data.get("assumed")
        return [] if assumed in (None, "") else assumed

    def _update_errors(self, errors: ValidationError) -> None:
        # The shared validator keys spec errors by path ("spec.kva", "assumed.0.why"), which is
        # no form field: show them on the textarea with the path in front so the user knows
        # which key.
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list[Any]] = {}
            for field, field_errors in errors.error_dict.items():
                textarea = field.split(".", 1)[0]
                if "." in field and textarea in ("spec", "assumed"):
                    remapped.setdefault(textarea, []).extend(
                        f"{field}: {message}"
                        for error in field_errors
                        for message in error.messages
                    )
                else:
                    remapped.setdefault(field, []).extend(field_errors)
            errors = ValidationError(remapped)
        super()._update_errors(errors)
