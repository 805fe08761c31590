"""Normal forms: case, diacritics, punctuation and officers' abbreviations fold away."""

from __future__ import annotations

import pytest

from kaltim_kg.link.text import MAX_TEXT, code_key, core_key, name_key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Kab. Kutai Kartanegara", "kabupaten kutai kartanegara"),
        ("KAB KUTAI  KARTANEGARA", "kabupaten kutai kartanegara"),
        ("Kabupaten Kutai-Kartanegara", "kabupaten kutai kartanegara"),
        ("Prov. Kalimantan Timur", "provinsi kalimantan timur"),
        ("Propinsi Kalimantan Timur", "provinsi kalimantan timur"),
        ("Kep. Riau", "kepulauan riau"),
        ("Kotamadya Samarinda", "kota samarinda"),
        ("D.I. Yogyakarta", "di yogyakarta"),
        ("Côte d\u2019Ivoire", "cote d ivoire"),
        ("Côte d'Ivoire", "cote d ivoire"),
        ("TIONGKOK", "tiongkok"),
    ],
)
def test_name_keys_fold_what_officers_write(written, key):
    assert name_key(written) == key


def test_a_single_letter_after_an_abbreviation_stays_a_word():
    assert name_key("Kab. X") == "kabupaten x"


@pytest.mark.parametrize(
    ("key", "core", "qualifier"),
    [
        ("kabupaten bogor", "bogor", "regency"),
        ("kota bogor", "bogor", "city"),
        ("bogor regency", "bogor", "regency"),
        ("provinsi kalimantan timur", "kalimantan timur", "province"),
        ("kota", "kota", None),  # a name that is only the word keeps it
        ("kalimantan timur", "kalimantan timur", None),
    ],
)
def test_core_keys_set_the_administrative_word_apart(key, core, qualifier):
    assert core_key(key) == (core, qualifier)


def test_code_keys_keep_leading_zeros_and_drop_punctuation():
    assert code_key("0306.17") == "030617"
    assert code_key(" id-ki ") == "IDKI"
    assert code_key("64.72") == "6472"


def test_long_input_is_cut_not_scanned_whole():
    assert len(name_key("a" * (MAX_TEXT * 10))) == MAX_TEXT
