"""Sentences, numbers, amounts, counts, percentages, dates and periods of Indonesian text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaltim_kg.ingest.numbers import parse_digits, parse_words, scaled
from kaltim_kg.ingest.periods import find_bare_weekdays, find_dates, find_periods
from kaltim_kg.ingest.quantities import find_amounts, find_counts, find_percentages
from kaltim_kg.ingest.sentences import paragraphs, split_paragraph, split_sentences


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # a date in brackets ends a sentence; the next one starts with a capital
        (
            "Patut kita apresiasi,” kata Roby, Rabu (03/02/2021). Komoditi meliputi udang.",
            ["Patut kita apresiasi,” kata Roby, Rabu (03/02/2021).", "Komoditi meliputi udang."],
        ),
        # a closing quote followed by the speech verb continues the sentence
        (
            "“Jujur saja, peran UKM sangat besar.” kata Isran. Terdapat sembilan UKM.",
            ["“Jujur saja, peran UKM sangat besar.” kata Isran.", "Terdapat sembilan UKM."],
        ),
        # a closing quote after a full stop, then a new sentence
        (
            "“Permintaan terus meningkat.” Dia menambahkan hal itu.",
            ["“Permintaan terus meningkat.”", "Dia menambahkan hal itu."],
        ),
        # abbreviations and initials
        (
            "Nilainya Rp. 28 miliar di Kab. Berau, Jl. Ahmad Yani No. 5. H. Isran Noor hadir.",
            ["Nilainya Rp. 28 miliar di Kab. Berau, Jl. Ahmad Yani No. 5.", "H. Isran Noor hadir."],
        ),
        # thousands dots and decimal commas never end a sentence
        (
            "Tercatat 307.343 unit dan Rp428,2 miliar. Selesai.",
            ["Tercatat 307.343 unit dan Rp428,2 miliar.", "Selesai."],
        ),
        ("Ada produk dll. dan lainnya.", ["Ada produk dll. dan lainnya."]),
    ],
)
def test_split_paragraph(paragraph: str, expected: list[str]) -> None:
    assert split_paragraph(paragraph) == expected


def test_paragraphs_by_blank_lines_or_by_lines() -> None:
    assert paragraphs("Satu baris\nyang dibungkus.\n\nDua.\n") == [
        "Satu baris yang dibungkus.",
        "Dua.",
    ]
    assert paragraphs("Satu.\nDua.\n") == ["Satu.", "Dua."]


def test_split_sentences_keeps_text_verbatim() -> None:
    text = "Udang diekspor ke Jepang.  Rumput laut ke Korea Selatan.\n\nMerica ke India."
    sentences = split_sentences(text)
    assert [(s.text, s.paragraph, s.index) for s in sentences] == [
        ("Udang diekspor ke Jepang.", 0, 0),
        ("Rumput laut ke Korea Selatan.", 0, 1),
        ("Merica ke India.", 1, 2),
    ]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("sembilan", 9),
        ("sepuluh", 10),
        ("sebelas", 11),
        ("lima belas", 15),
        ("dua puluh lima", 25),
        ("seratus dua belas", 112),
        ("tiga ribu", 3000),
        ("seribu dua ratus", 1200),
    ],
)
def test_parse_words(words: str, value: int) -> None:
    assert parse_words(words) == value


def test_parse_words_rejects_other_words() -> None:
    with pytest.raises(ValueError):
        parse_words("sembilan UKM")


def test_digits_keep_their_precision() -> None:
    assert parse_digits("307.343").value == 307343
    number = scaled(parse_digits("428,2"), "miliar")
    assert (number.value, number.precision) == (Decimal(428200000000), Decimal(100000000))
    assert parse_digits("2.5").value == Decimal("2.5")


@pytest.mark.parametrize(
    ("text", "value", "currency", "precision"),
    [
        ("Rp428,2 miliar", 428200000000, "IDR", 100000000),
        ("Rp 28 miliar", 28000000000, "IDR", 1000000000),
        ("USD 2 juta", 2000000, "USD", 1000000),
        ("2 juta USD", 2000000, "USD", 1000000),
        ("US$ 941 juta", 941000000, "USD", 1000000),
        ("Rp13,5 triliun", 13500000000000, "IDR", 100000000000),
        ("Rp35,03 triliun", 35030000000000, "IDR", 10000000000),
        ("Rp 5.000.000", 5000000, "IDR", 1),
        ("2,5 juta dolar AS", 2500000, "USD", 100000),
        ("RM 3 juta", 3000000, "MYR", 1000000),
    ],
)
def test_amounts(text: str, value: int, currency: str, precision: int) -> None:
    (amount,) = find_amounts(f"Nilainya {text} sepanjang tahun.")
    assert (amount.value, amount.currency, amount.precision) == (value, currency, precision)
    assert amount.text == text


def test_approximate_wording_is_a_qualifier_not_a_number() -> None:
    vague, exact = find_amounts(
        "Total ekspornya tak main-main, hampir setengah triliun rupiah atau tepatnya Rp428,2 miliar."
    )
    assert (vague.value, vague.qualifier, vague.text) == (None, "almost", "setengah triliun rupiah")
    assert (exact.value, exact.qualifier) == (428200000000, "exact")
    usd, idr = find_amounts("bernilai USD 2 juta atau setara Rp 28 miliar.")
    assert (usd.qualifier, idr.qualifier) == (None, "equivalent")


def test_counts_in_digits_and_words() -> None:
    counts = find_counts("Terdapat sembilan UKM Kaltim mengekspor ke 10 negara tujuan.")
    assert [(c.value, c.noun) for c in counts] == [(9, "ukm"), (10, "negara")]
    (count,) = find_counts("Tidak kurang dari 18 UKM binaan sukses dengan nilai Rp11,4 miliar.")
    assert (count.value, count.qualifier) == (18, "at-least")
    (count,) = find_counts("tercatat sebanyak 307.343 unit UMKM tersebar aktif")
    assert count.value == 307343
    (count,) = find_counts("sebanyak 35 pelaku ekspor")
    assert count.value == 35
    assert find_counts("ribuan UKM binaan")[0].value is None  # vague: found, not a number


def test_a_count_is_not_read_inside_an_amount() -> None:
    assert find_counts("harga Rp 15 ribu unit") == []
    assert [c.value for c in find_counts("harga 15 ribu unit")] == [15000]


def test_percentages() -> None:
    found = find_percentages("Pertumbuhan mencapai 80,75 persen, naik 12% dari 2020.")
    assert [p.value for p in found] == [Decimal("80.75"), Decimal(12)]


def test_dates() -> None:
    found = find_dates("kata Roby, Rabu (03/02/2021), lalu Kamis (25/3/2021) dan 24 Maret 2021.")
    assert [(d.date, d.weekday) for d in found] == [
        (dt.date(2021, 2, 3), "Rabu"),
        (dt.date(2021, 3, 25), "Kamis"),
        (dt.date(2021, 3, 24), None),
    ]
    assert find_dates("pada 31/02/2021") == []  # no such day
    assert find_bare_weekdays("yang diterima di Samarinda, Sabtu.") == ["Sabtu"]


def test_periods() -> None:
    (year,) = find_periods("Sepanjang tahun 2020 di tengah pandemi")
    assert (year.year, year.quarter, year.cue) == (2020, None, "sepanjang")
    (quarter,) = find_periods("Ekspor pada triwulan pertama 2021 tersebut")
    assert (quarter.year, quarter.quarter, quarter.first_month, quarter.last_month) == (
        2021,
        1,
        1,
        3,
    )
    (months,) = find_periods("periode Januari\u2013Maret", context_year=2021)
    assert (months.year, months.quarter, months.first_month, months.last_month) == (2021, 1, 1, 3)
    (month,) = find_periods("pada bulan Mei 2022")
    assert (month.year, month.month) == (2022, 5)
    assert [p.quarter for p in find_periods("kuartal I/2021 dan kuartal III 2021")] == [1, 3]
    # a date is a date, not a period
    assert find_periods("Rabu (03/02/2021)") == []
