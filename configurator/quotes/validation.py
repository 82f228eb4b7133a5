"""Checks of a quote before it is saved: its fields, the issuer's role and discount limit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from configurator.builds.models import Build
from configurator.errors import DomainError
from configurator.quotes.models import Quote
from configurator.quotes.pricing import QuoteTotals, effective_discount_pct
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import quote_discount_limit_pct, quote_issuer_role

__all__ = ["QUOTE_FIELDS", "QuoteForbidden", "check_discount_limit", "clean_fields", "issuer_role"]

QUOTE_FIELDS = frozenset(
    {
        "customer_organisation",
        "customer_name",
        "customer_email",
        "valid_until",
        "line_discounts",
        "discount_pct",
        "tax_rate_pct",
        "terms",
    }
)
MAX_LINE_DISCOUNTS = 1000
PCT_STEP = Decimal("0.01")


class QuoteForbidden(DomainError):
    """The caller's role does not allow this quote operation (customers never issue quotes)."""

    status_code = 403
    default_code = "permission_denied"
    default_message = "Your role does not allow this quote operation."


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - QUOTE_FIELDS)
    if unknown:
        raise ValidationError({field: ["This field cannot be set here."] for field in unknown})


def _percent(value: Any, field: str) -> Decimal:
    """A percentage 0-100 with at most two decimals, or a ValidationError naming `field`."""
    try:
        pct = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: ["Enter a percentage."]}) from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ValidationError({field: ["A percentage lies between 0 and 100."]})
    if pct != pct.quantize(PCT_STEP):
        raise ValidationError({field: ["At most two decimals."]})
    return pct.quantize(PCT_STEP)


def _line_discounts(value: Any, build: Build | None) -> dict[str, str]:
    """Normalise {component id: percent}; every key must be a component of the build."""
    if not isinstance(value, dict):
        raise ValidationError({"line_discounts": ["An object of component id to percent."]})
    if len(value) > MAX_LINE_DISCOUNTS:
        raise ValidationError({"line_discounts": ["Too many line discounts."]})
    quoted = set()
    if build is not None:
        quoted = {str(pk) for pk in build.lines.values_list("component_id", flat=True)}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in value.items():
        key = str(key)
        field = f"line_discounts.{key}"
        if key not in quoted:
            errors[field] = ["No line of the build uses this component."]
            continue
        try:
            pct = _percent(raw, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if pct:
            cleaned[key] = f"{pct:f}"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _customer_organisation(value: Any, quote: Quote) -> Organisation | None:
    """The buying organisation: None or the build's own; for a build on the seller's own site,
    one of the organisations the seller serves (never another customer's: it would see the
    build of the customer that owns it)."""
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        organisation: Organisation | None = value
    else:
        organisation = Organisation.objects.filter(slug=str(value)[:80]).first()
    sellers_own_site = quote.organisation_id == quote.seller_id
    if organisation is None or not (
        organisation.pk == quote.organisation_id
        or (sellers_own_site and organisation.served_by_id == quote.seller_id)
    ):
        raise ValidationError(
            {
                "customer_organisation": [
                    "Choose the build's organisation, or for a build on the seller's own site "
                    "an organisation the seller serves."
                ]
            }
        )
    # The build's own organisation is the default: store None, so both mean the same.
    return None if organisation.pk == quote.organisation_id else organisation


def clean_fields(quote: Quote, fields: dict[str, Any]) -> None:
    """Validate `fields` and set them on the (unsaved) draft."""
    _refuse_unknown(fields)
    if "customer_organisation" in fields:
        quote.customer_organisation = _customer_organisation(fields["customer_organisation"], quote)
    if "line_discounts" in fields:
        quote.line_discounts = _line_discounts(fields["line_discounts"] or {}, quote.build)
    for name in ("discount_pct", "tax_rate_pct"):
        if name in fields:
            setattr(quote, name, _percent(fields[name], name))
    for name in ("customer_name", "customer_email", "terms"):
        if name in fields:
            setattr(quote, name, str(fields[name] or "").strip())
    if "valid_until" in fields:
        quote.valid_until = fields["valid_until"]
        if quote.valid_until is not None and quote.valid_until < timezone.localdate():
            raise ValidationError({"valid_until": ["A quote cannot be valid until a past date."]})
    quote.full_clean(
        exclude=[
            "organisation",
            "customer_organisation",
            "seller",
            "build",
            "created_by",
            "issued_by",
            "overridden_by",
            "number",
        ],
        validate_unique=False,
        validate_constraints=False,
    )


def issuer_role(user: Any, quote: Quote) -> str:
    role = quote_issuer_role(user, quote.organisation)
    if role is None or quote_discount_limit_pct(role) is None:
        raise QuoteForbidden(
            "Only the seller's sales engineers and admins write and issue quotes.",
            details={"role": role},
        )
    return role


def check_discount_limit(role: str, quote: Quote, totals: QuoteTotals | None = None) -> None:
    """Refuse discounts above the role's limit: per line, on the quote, and both together."""
    limit = quote_discount_limit_pct(role)
    if limit is None:  # pragma: no cover - _issuer_role already refused such a role
        raise QuoteForbidden()
    message = f"Over the {limit} % discount limit of a {role}."
    errors: dict[str, list[str]] = {}
    for key, pct in quote.line_discounts.items():
        if Decimal(pct) > limit:
            errors[f"line_discounts.{key}"] = [message]
    if quote.discount_pct > limit:
        errors["discount_pct"] = [message]
    if not errors and totals is not None and effective_discount_pct(totals) > limit:
        errors["discount_pct"] = [
            f"Line and quote discounts together come to {effective_discount_pct(totals)} % "
            f"of the list price, over the {limit} % limit of a {role}."
        ]
    if errors:
        raise ValidationError(errors)
