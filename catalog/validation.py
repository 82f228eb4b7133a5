"""The one validator of catalogue rows, shared by the model, the admin, the API and importers.

`validate_component_data` checks the single-row rules of a component (kind-specific spec,
money, physical figures, power, the list of assumed figures) and returns the values
normalised; an unknown weight or airflow is None, never 0 kg or passive. It raises one Django
`ValidationError` whose dict is keyed by field name, spec errors by their path inside the
spec (``spec.kva``, ``spec.runtime_table.1.minutes``), so every caller can point at the
exact sub-field that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pydantic
from django.core.exceptions import ValidationError

from catalog.assumed import clean_assumed
from catalog.choices import CURRENCIES, AirflowDirection, ComponentKind
from rules.specs import spec_model_for

__all__ = ["DECIMAL_FIELDS", "spec_errors", "validate_component_data", "validate_spec"]

# Columns stored as Decimal; importers hand them over as strings, floats or ints.
DECIMAL_FIELDS = ("list_price", "cost_price", "u_height", "weight_kg", "nameplate_w", "typical_w")
_NON_NEGATIVE = ("list_price", "cost_price", "weight_kg", "nameplate_w", "typical_w")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# The engine refuses taller devices (rules.specs.ComponentSpec.u_height); refuse them here first.
MAX_U_HEIGHT = Decimal(60)
# pydantic prefixes messages raised inside validators; the prefix tells a user nothing.
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def _message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    for prefix in _PYDANTIC_PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def spec_errors(exc: pydantic.ValidationError, *, prefix: str = "spec") -> dict[str, list[str]]:
    """Key pydantic errors by their dotted path under ``prefix`` (``spec.runtime_table.1``)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        key = ".".join([prefix, *(str(part) for part in error["loc"])])
        errors.setdefault(key, []).append(_message(error))
    return errors


def validate_spec(kind: str, spec: Any) -> dict[str, Any]:
    """Validate a kind-specific spec and return it normalised (defaults filled, ``kind`` set)."""
    if kind not in ComponentKind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}."]})
    if spec is None:
        spec = {}
    if not isinstance(spec, Mapping):
        raise ValidationError({"spec": ["Must be a JSON object."]})
    spec = dict(spec)
    # IT kinds share one spec whose discriminator is "it"; accept the component's own kind
    # too, because that is what a person writing a spec by hand naturally puts there.
    if spec.get("kind") == kind:
        spec.pop("kind")
    model = spec_model_for(kind)
    try:
        parsed = model.model_validate(spec)
    except pydantic.ValidationError as exc:
        raise ValidationError(spec_errors(exc)) from exc
    return parsed.model_dump(mode="json", exclude_defaults=False)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        # bool is an int subclass; True as a price is a bug upstream, not 1.00.
        raise InvalidOperation
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float | str):
        result = Decimal(str(value).strip())
    else:
        raise InvalidOperation
    if not result.is_finite():
        raise InvalidOperation
    return result


def validate_component_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the single-row rules of a component and return the values normalised.

    Only the keys present are checked, so a partial dict can be validated; cross-field
    rules run when both fields are present. The spec is validated whenever ``kind`` is
    given (a missing spec counts as ``{}``, so kinds whose spec is all defaults need none).
    ``assumed`` comes back without the entries whose figure has since been changed.
    """
    values = dict(data)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in DECIMAL_FIELDS:
        if field not in values or values[field] is None or values[field] == "":
            if field in values and values[field] == "":
                values[field] = None
            continue
        try:
            values[field] = _to_decimal(values[field])
        except (InvalidOperation, ValueError):
            add(field, "Enter a number.")
            continue
        if field in _NON_NEGATIVE and values[field] < 0:
            add(field, "Must be greater than or equal to 0.")

    for field in ("list_price", "u_height"):
        # Columns that are NOT NULL: "unknown" is not an option for them (an unknown
        # weight_kg is None, never 0).
        if field in values and values[field] is None:
            add(field, "This field cannot be empty.")

    u_height = values.get("u_height")
    if isinstance(u_height, Decimal) and "u_height" not in errors:
        if u_height < 0:
            add("u_height", "Must be greater than or equal to 0.")
        elif u_height > MAX_U_HEIGHT:
            add("u_height", f"Must be at most {MAX_U_HEIGHT} U.")
        elif (u_height * 2) % 1 != 0:
            add("u_height", "Must be a multiple of 0.5 U.")

    if "currency" in values:
        currency = values["currency"]
        if not isinstance(currency, str) or not _CURRENCY_RE.match(currency):
            add("currency", "Must be an ISO 4217 code of three upper-case letters, e.g. EUR.")
        elif currency not in CURRENCIES:
            add(
                "currency",
                f"Unsupported currency {currency!r}; use one of {', '.join(CURRENCIES)}.",
            )

    nameplate, typical = values.get("nameplate_w"), values.get("typical_w")
    if (
        isinstance(nameplate, Decimal)
        and isinstance(typical, Decimal)
        and "nameplate_w" not in errors
        and "typical_w" not in errors
        and typical > nameplate
    ):
        add("typical_w", "Typical draw cannot exceed the nameplate draw (nameplate_w).")

    if "airflow" in values:
        # Unknown airflow is None ("" from a form or a sheet), never passive.
        if values["airflow"] == "":
            values["airflow"] = None
        elif values["airflow"] is not None and values["airflow"] not in AirflowDirection.values:
            add(
                "airflow",
                f"Unknown airflow {values['airflow']!r}; use one of "
                f"{', '.join(AirflowDirection.values)}, or leave it empty when unknown.",
            )

    spec_fields: frozenset[str] | None = None
    if "kind" in values:
        kind = values["kind"]
        if kind not in ComponentKind.values:
            add("kind", f"Unknown kind {kind!r}; use one of {', '.join(ComponentKind.values)}.")
        else:
            spec_fields = frozenset(spec_model_for(str(kind)).model_fields)
            try:
                values["spec"] = validate_spec(str(kind), values.get("spec"))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        add(field, message)
    elif "spec" in values:
        add("kind", "The kind is needed to validate the spec.")

    if "assumed" in values:
        # Judged after the spec is normalised: an entry is kept while its figure still has
        # the assumed value (catalog.assumed). With other errors nothing is saved anyway.
        values["assumed"], assumed_errors = clean_assumed(
            values["assumed"], values, spec_fields=spec_fields
        )
        for field, messages in assumed_errors.items():
            for message in messages:
                add(field, message)

    if errors:
        raise ValidationError(errors)
    return values
