"""HTML forms of quotes: they parse and label input; the quote services validate and write.

Labels carry units and words a buyer uses; a service's ValidationError lands on the field it
names (`line_discounts.<component id>` on that line's discount field).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from configurator.builds.bom import Bom
from configurator.quotes.models import Quote
from configurator.tenancy.models import Organisation

__all__ = [
    "AnswerForm",
    "IssueForm",
    "QuoteForm",
    "RequestForm",
    "add_quote_errors",
]

LINE_PREFIX = "line_"
PERCENT_HELP = "Percent, 0 to 100, at most two decimals."


def _percent_field(label: str, *, help_text: str = PERCENT_HELP) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class QuoteForm(forms.Form):
    """A draft's contact, buyer, validity, discounts (per line and overall), tax and terms.

    A build on the seller's own site (`sellers_own`) is quoted to one of `buyers`, the
    organisations the seller serves; any other build to its own organisation. `bom` gives one
    discount field per BOM row.
    """

    customer_organisation = forms.ChoiceField(label="Customer organisation", required=False)
    customer_name = forms.CharField(label="Contact name", max_length=200, required=False)
    customer_email = forms.EmailField(label="Contact e-mail", required=False)
    valid_until = forms.DateField(
        label="Valid until",
        required=False,
        help_text="Empty: 30 days from the day it is issued.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    discount_pct = _percent_field(
        "Overall discount (%)",
        help_text="On the whole quote, after the line discounts. " + PERCENT_HELP,
    )
    tax_rate_pct = _percent_field("Tax rate (%)")
    terms = forms.CharField(
        label="Terms", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        buyers: list[Organisation],
        own_organisation: Organisation,
        sellers_own: bool,
        bom: Bom | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["customer_organisation"])
        choices = [(o.slug, o.name) for o in buyers]
        if sellers_own:
            field.choices = [("", "Choose the customer"), *choices]
            field.help_text = (
                f"The site belongs to {own_organisation.name}, the seller: name the customer "
                "the quote is for."
            )
        else:
            field.choices = [("", own_organisation.name)]
            field.help_text = "The build's organisation buys."
        self.line_fields: list[tuple[str, Any]] = []
        for row in bom.rows if bom is not None else ():
            name = f"{LINE_PREFIX}{row.component_id}"
            self.fields[name] = _percent_field(
                f"Discount on {row.manufacturer} {row.sku} (%)", help_text=""
            )
            self.line_fields.append((name, row))

    @property
    def line_discount_fields(self) -> list[forms.BoundField]:
        """The bound discount field of each BOM row, in BOM order."""
        return [self[name] for name, _ in self.line_fields]

    @classmethod
    def initial_of(cls, quote: Quote) -> dict[str, Any]:
        """The form's initial values from a quote (a draft, or the revision being revised)."""
        initial: dict[str, Any] = {
            "customer_organisation": quote.customer_organisation.slug
            if quote.customer_organisation
            else "",
            "customer_name": quote.customer_name,
            "customer_email": quote.customer_email,
            "valid_until": quote.valid_until,
            "discount_pct": quote.discount_pct,
            "tax_rate_pct": quote.tax_rate_pct,
            "terms": quote.terms,
        }
        for key, pct in quote.line_discounts.items():
            initial[f"{LINE_PREFIX}{key}"] = Decimal(pct)
        return initial

    def quote_fields(self) -> dict[str, Any]:
        """The cleaned values as the quote services' keyword arguments."""
        data = self.cleaned_data
        return {
            "customer_organisation": data["customer_organisation"] or None,
            "customer_name": data["customer_name"],
            "customer_email": data["customer_email"],
            "valid_until": data["valid_until"],
            "discount_pct": data["discount_pct"] or Decimal(0),
            "tax_rate_pct": data["tax_rate_pct"] or Decimal(0),
            "terms": data["terms"],
            "line_discounts": {
                name.removeprefix(LINE_PREFIX): f"{data[name]:f}"
                for name, _ in self.line_fields
                if data.get(name)
            },
        }


class IssueForm(forms.Form):
    """Issuing (or revising) despite error findings needs the reason, printed on the PDF."""

    override_reason = forms.CharField(
        label="Reason to issue despite the errors",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only needed while the build has error findings; printed on the PDF.",
    )


class AnswerForm(forms.Form):
    """The customer's answer: accept or decline, with an optional note."""

    note = forms.CharField(
        label="Note to the seller (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestForm(forms.Form):
    """A customer's request for a quote of a build."""

    message = forms.CharField(
        label="Message to the seller (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dates, options or budget the seller should know.",
    )


def add_quote_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a quote service's ValidationError on the form's fields, by the names it uses."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = key
        if key.startswith("line_discounts."):
            name = LINE_PREFIX + key.split(".", 1)[1]
        if name in form.fields:
            form.add_error(name, messages)
        elif key == "__all__":
            form.add_error(None, messages)
        else:
            label = key.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {message}" for message in messages])
