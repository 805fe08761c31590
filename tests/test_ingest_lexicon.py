"""The gazetteers come from the project's reference data, not from lists in the extractor."""

from __future__ import annotations

from kaltim_kg.facts.reference import load_reference
from kaltim_kg.ingest.analysis import read_text
from kaltim_kg.ingest.lexicon import build_lexicon


def test_places_and_goods_come_from_the_reference() -> None:
    reference = load_reference()
    lexicon = build_lexicon(reference)
    sentence = "Udang diberangkatkan ke Jepang, Inggris dan Tiongkok dari Kaltim."
    places = {(m.kind, m.key) for m in lexicon.places.find(sentence)}
    assert {("country", "JP"), ("country", "GB"), ("country", "CN"), ("region", "ID-KI")} <= places
    assert [m.key for m in lexicon.commodities.find(sentence)] == ["shrimp"]
    # every name the reference gives a country is found: nothing is hard-coded here (a name
    # two entities share is found as one of them, the others kept as ambiguous)
    for country in reference.countries.values():
        (mention, *_rest) = lexicon.places.find(f"ke {country.name_id}.")
        named = [(mention.kind, mention.key), *mention.ambiguous]
        assert ("country", country.code) in named, country.name_id


def test_reading_carries_the_period_and_skips_the_dateline() -> None:
    lexicon = build_lexicon(load_reference())
    reading = read_text(
        "SAMARINDA \u2013 Sepanjang tahun 2020 UKM Kaltim sukses.\n\nUdang dikirim ke Jepang.\n\n"
        "Target pada tahun 2023 minimal 100 UMKM.\n\nMerica ke Singapura.\n",
        lexicon,
    )
    first, shrimp, target, pepper = reading.readings
    # "SAMARINDA" is where the story was filed, not a place the story is about
    assert [(p.kind, p.key) for p in first.places] == [("region", "ID-KI")]
    assert shrimp.context_period is not None and shrimp.context_period.year == 2020
    assert target.is_target
    assert pepper.context_period is not None and pepper.context_period.year == 2020  # not 2023
