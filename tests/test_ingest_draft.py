"""Pieces of the draft writer: amounts written as stated, the first-format fallback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaltim_kg.facts.reference import load_reference
from kaltim_kg.ingest.draft import Draft, Known, stated_value
from kaltim_kg.ingest.legacy import to_first_format


@pytest.mark.parametrize(
    ("value", "precision", "written"),
    [
        (Decimal(428200000000), Decimal(100000000), ("428,2", "miliar")),
        (Decimal(28000000000), Decimal(1000000000), ("28", "miliar")),
        (Decimal(2000000), Decimal(1000000), ("2", "juta")),
        (Decimal(35030000000000), Decimal(10000000000), ("35,03", "triliun")),
        (Decimal(5000000), Decimal(1), ("5000000", None)),  # stated to the rupiah
    ],
)
def test_amounts_are_written_as_stated(value: Decimal, precision: Decimal, written: tuple) -> None:
    assert stated_value(value, precision) == written


def test_the_first_format_keeps_rupiah_and_lists_what_it_cannot_hold() -> None:
    sections = {
        "source": {"key": "k"},
        "sentences": {"a": "A.", "b": "B."},
        "cohorts": [
            {
                "key": "q1-exporters",
                "period": "2021-Q1",
                "label": {"id": "x", "en": "x"},
                "trade_type": "export",
                "member_count": {"value": 9, "qualifier": "at-least"},
                "amounts": [
                    {"currency": "USD", "value": "2", "scale": "juta"},
                    {"currency": "IDR", "value": "28", "scale": "miliar", "equivalent": True},
                ],
                "evidence": ["a"],
            }
        ],
        "flows": [
            {
                "period": "2021-Q1",
                "commodity": "shrimp",
                "destination": "JP",
                "exporter": "q1-exporters",
                "evidence": ["a"],
            },
            {
                "period": "2021-Q1",
                "commodity": "shrimp",
                "destination": "150",
                "exporter": "q1-exporters",
                "evidence": ["b"],
            },
        ],
        "products": [{"commodity": "pepper", "origin": "ID-KI", "evidence": ["b"]}],
    }
    first = to_first_format(Draft("k", sections, [], "k.txt"), load_reference(), Known())
    (cohort,) = first.sections["cohorts"]
    assert (cohort["year"], cohort["value_idr"], cohort["member_count"]) == (
        2021,
        28_000_000_000,
        9,
    )
    assert first.sections["flows"] == [
        {
            "year": 2021,
            "commodity": "shrimp",
            "destination": "JP",
            "exporter": "q1-exporters",
            "evidence": ["a"],
        }
    ]
    assert "products" not in first.sections
    reasons = " | ".join(f.reason for f in first.flags)
    for left_out in ("2021-Q1", "USD", "at-least", "150", "pepper"):
        assert left_out in reasons
