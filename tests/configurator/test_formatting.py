"""One way to print figures, shared by web pages and PDFs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from configurator.formatting import money_text, number_text, percent_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567.5"), "1,234,567.50"),
        ("890.00", "890.00"),
        (0, "0.00"),
        (Decimal("-420"), "-420.00"),
        (None, ""),
        ("not a number", ""),
        (float("nan"), ""),
    ],
)
def test_money_text_has_thousands_separators_and_cents(value: object, text: str) -> None:
    assert money_text(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(12345, 0, "12,345"), (1234.56, 1, "1,234.6"), (None, 0, "\u2013")],
)
def test_number_text_rounds_and_separates(value: object, digits: int, text: str) -> None:
    assert number_text(value, digits) == text


@pytest.mark.parametrize(
    ("value", "text"), [("5.00", "5"), ("12.50", "12.5"), ("100", "100"), (None, "")]
)
def test_percent_text_drops_trailing_zeros(value: object, text: str) -> None:
    assert percent_text(value) == text


def test_template_filters_print_what_the_functions_print() -> None:
    """`{% load formatting %}` gives pages the very same text as the PDFs."""
    html = Template("{% load formatting %}{{ a|money }}|{{ b|number:1 }}|{{ c|percent }}").render(
        Context({"a": Decimal("7752"), "b": 1234.56, "c": Decimal("20.00")})
    )
    assert html == "7,752.00|1,234.6|20"
