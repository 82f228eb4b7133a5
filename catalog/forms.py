"""Admin form of a component: a field per spec figure of its kind, errors on those fields.

The kind-specific spec is edited through fields generated from the kind's pydantic spec model
(`rules.specs.describe`): label and unit from the field's name, bounds from its constraints,
help from its description, the default shown. Lists (a UPS runtime table) stay a small JSON box.
Until a component has a kind there is no spec form: the catalogue manager picks the kind and
saves ("Save and continue editing") to get it. The assumed figures stay a JSON box, and an
empty weight or airflow is saved as unknown (None), never as 0 kg or passive.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.bounds import COMPONENT_FIGURES, bound_form_fields
from catalog.choices import ComponentKind
from catalog.models import COMPONENT_FIELDS, Component
from rules.specs import spec_model_for
from rules.specs.describe import SpecField, describe_fields

SPEC_PREFIX = "spec__"


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, so a list can be read and edited."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False, cls=self.encoder)


def in_words(message: str, labels: dict[str, str]) -> str:
    """A validator's message with the spec keys it names put in words ("kw" -> "kW")."""
    if not labels:
        return message
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(labels, key=len)[::-1])) + r")\b")
    return pattern.sub(lambda m: labels[m.group(1)], message)


def _help(spec: SpecField) -> str:
    parts = [spec.help.strip()] if spec.help.strip() else []
    if spec.minimum is not None or spec.maximum is not None:
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        parts.append(f"Range {low} to {high} {spec.unit}".rstrip() + ".")
    if spec.default not in (None, (), []):
        shown = "yes" if spec.default is True else "no" if spec.default is False else spec.default
        parts.append(f"Default: {shown}.")
    elif spec.required:
        parts.append("Required.")
    return " ".join(parts)


def spec_form_field(spec: SpecField) -> forms.Field:
    """The Django form field of one spec figure."""
    common: dict[str, Any] = {"label": spec.label, "help_text": _help(spec), "required": False}
    if spec.type == "bool":
        return forms.BooleanField(**common)
    if spec.type == "int":
        return forms.IntegerField(
            min_value=None if spec.minimum is None else int(spec.minimum),
            max_value=None if spec.maximum is None else int(spec.maximum),
            **common,
        )
    if spec.type == "float":
        return forms.FloatField(min_value=spec.minimum, max_value=spec.maximum, **common)
    if spec.type == "choice":
        choices = [("", "—"), *((str(value), label) for value, label in spec.choices)]
        return forms.ChoiceField(choices=choices, **common)
    if spec.type == "text":
        return forms.CharField(**common)
    return PrettyJSONField(widget=forms.Textarea(attrs={"rows": 4, "class": "spec-json"}), **common)


class ComponentAdminForm(forms.ModelForm):
    """Component form with one field per spec figure of the component's kind."""

    spec = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "spec-json"}),
        label="Kind-specific figures (JSON)",
        help_text=(
            "Choose the kind and save (Save and continue editing): a form for the kind's "
            "figures appears here. Empty means the kind's defaults."
        ),
    )

    assumed = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "spec-json"}),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same ranges as the API and the engine (rules.specs.ComponentSpec).
        for name, model in COMPONENT_FIGURES.items():
            bound_form_fields(self.fields, model, [name])
        self.spec_kind = self._kind()
        self.spec_fields: list[SpecField] = []
        if self.spec_kind is None:
            self.initial.setdefault("spec", {})
            if self.initial.get("spec") is None:
                self.initial["spec"] = {}
            return
        self.spec_fields = describe_fields(spec_model_for(self.spec_kind))
        current = self.instance.spec if self.instance.kind == self.spec_kind else {}
        current = current or {}
        self.fields["spec"].widget = forms.HiddenInput()
        for spec in self.spec_fields:
            field = spec_form_field(spec)
            value = current.get(spec.name, spec.default)
            if spec.type == "choice" and value is not None:
                value = str(value)
            field.initial = value
            self.fields[SPEC_PREFIX + spec.name] = field

    def _kind(self) -> str | None:
        kind = self.data.get("kind") if self.is_bound else None
        kind = kind or self.initial.get("kind") or self.instance.kind
        return kind if kind in ComponentKind.values else None

    @property
    def spec_field_names(self) -> list[str]:
        """The generated fields, in the spec model's order (for the admin's fieldsets)."""
        return [SPEC_PREFIX + spec.name for spec in self.spec_fields]

    def clean_spec(self) -> Any:
        # An emptied box means "all defaults", which the model validator fills in.
        spec = self.cleaned_data.get("spec")
        return {} if spec in (None, "") else spec

    def clean_assumed(self) -> Any:
        # An emptied box means "nothing assumed".
        assumed = self.cleaned_data.get("assumed")
        return [] if assumed in (None, "") else assumed

    def clean(self) -> dict[str, Any]:
        """Gather the spec from its fields; the model's validator judges it."""
        super().clean()
        data = self.cleaned_data
        if not self.spec_fields:
            return data
        spec: dict[str, Any] = {}
        for field in self.spec_fields:
            value = data.get(SPEC_PREFIX + field.name)
            if value in (None, ""):
                continue  # unknown or left to the default
            if field.type == "choice":
                value = next((v for v, _ in field.choices if str(v) == value), value)
            spec[field.name] = value
        data["spec"] = spec
        return data

    def _update_errors(self, errors: ValidationError) -> None:
        # The shared validator keys spec errors by path ("spec.kva", "spec.runtime_table.1"):
        # put each on its generated field, or on the spec box with the figure named in words.
        if hasattr(errors, "error_dict"):
            labels = {spec.name: spec.label for spec in self.spec_fields}
            remapped: dict[str, list[Any]] = {}
            for field, field_errors in errors.error_dict.items():
                messages = [in_words(m, labels) for error in field_errors for m in error.messages]
                if field == "spec" or field.startswith("spec."):
                    head = field.split(".")[1] if "." in field else ""
                    if SPEC_PREFIX + head in self.errors:  # set: this runs inside full_clean
                        continue  # the field's own check said it already
                    if head in labels and SPEC_PREFIX + head in self.fields:
                        remapped.setdefault(SPEC_PREFIX + head, []).extend(messages)
                    elif self.spec_fields:
                        words = labels.get(head, head.replace("_", " ") or "Figures")
                        remapped.setdefault("__all__", []).extend(f"{words}: {m}" for m in messages)
                    else:
                        remapped.setdefault("spec", []).extend(
                            f"{field.removeprefix('spec.') or 'spec'}: {m}" for m in messages
                        )
                elif field.startswith("assumed."):
                    # "assumed.0.why" is no form field: on the box, with the path in front.
                    remapped.setdefault("assumed", []).extend(f"{field}: {m}" for m in messages)
                else:
                    remapped.setdefault(field, []).extend(field_errors)
            errors = ValidationError(remapped)
        # A private hook of Django's forms, absent from django-stubs.
        super()._update_errors(errors)  # type: ignore[misc]
