"""Numbers on pages as each language writes them; the RDF keeps the exact values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaltim_kg.web.numbers import amount_in_words, format_amount, format_literal, format_number

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (307343, "307.343", "307,343"),
        (Decimal("80.75"), "80,75", "80.75"),
        (Decimal("428200000000"), "428.200.000.000", "428,200,000,000"),
        (Decimal("0.000001"), "0,000001", "0.000001"),  # every stated digit, never rounded
        (15, "15", "15"),
        (-5, "-5", "-5"),
    ],
)
def test_numbers(value, indonesian, english):
    assert format_number(value, "id") == indonesian
    assert format_number(value, "en") == english


@pytest.mark.parametrize(
    ("value", "currency", "indonesian", "english"),
    [
        (Decimal(428200000000), "IDR", "Rp428,2 miliar", "IDR 428.2 billion"),
        (Decimal(23050000000), "IDR", "Rp23,05 miliar", "IDR 23.05 billion"),
        (Decimal(2000000), "USD", "USD 2 juta", "USD 2 million"),
        (Decimal(1500000000000), "IDR", "Rp1,5 triliun", "IDR 1.5 trillion"),
        (Decimal(123456789012), "IDR", "Rp123,5 miliar", "IDR 123.5 billion"),
        (Decimal(750000), "IDR", "Rp750.000", "IDR 750,000"),
    ],
)
def test_amounts_in_words(value, currency, indonesian, english):
    assert amount_in_words(value, "id", currency) == indonesian
    assert amount_in_words(value, "en", currency) == english


def test_exact_amounts():
    assert format_amount(Decimal(428200000000), "id") == "Rp428.200.000.000"
    assert format_amount(Decimal(428200000000), "en") == "IDR 428,200,000,000"
    assert format_amount(Decimal(2000000), "id", "USD") == "USD 2.000.000"


def test_only_numeric_literals_are_formatted():
    assert format_literal("307343", XSD + "integer", "id") == "307.343"
    assert format_literal("80.75", XSD + "decimal", "id") == "80,75"
    assert format_literal("2020", XSD + "gYear", "id") is None  # a year, not a quantity
    assert format_literal("0306", XSD + "string", "en") is None  # a code keeps its digits
    assert format_literal("INF", XSD + "double", "en") is None
    assert format_literal("12abc", XSD + "integer", "en") is None
