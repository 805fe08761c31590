"""Places, commodities, trade links, people and quotations found in Indonesian sentences."""

from __future__ import annotations

import pytest

from kaltim_kg.ingest.actors import Cast, find_people, find_quotes, find_reported
from kaltim_kg.ingest.gazetteer import Gazetteer, Name, find_commodities
from kaltim_kg.ingest.links import find_links

PLACES = Gazetteer(
    [
        Name("Jepang", "country", "JP"),
        Name("Singapura", "country", "SG"),
        Name("Korea Selatan", "country", "KR"),
        Name("Malaysia", "country", "MY"),
        Name("Belanda", "country", "NL"),
        Name("India", "country", "IN"),
        Name("Tiongkok", "country", "CN"),
        Name("China", "country", "CN"),
        Name("Amerika", "country", "US"),
        Name("Amerika Serikat", "country", "US"),
        Name("Eropa", "world-region", "150"),
        Name("Timur Tengah", "world-region", "145"),
        Name("Batu", "regency", "3579"),
        Name("Kaltim", "region", "ID-KI"),
    ]
)
GOODS = Gazetteer(
    [
        Name("olahan kayu", "commodity", "processed-wood"),
        Name("lidi nipah", "commodity", "nipa-palm-sticks"),
        Name("lidi sawit", "commodity", "oil-palm-sticks"),
        Name("minyak jelantah", "commodity", "used-cooking-oil"),
        Name("udang", "commodity", "shrimp"),
        Name("rumput laut", "commodity", "seaweed"),
        Name("merica", "commodity", "pepper"),
        Name("kepiting", "commodity", "crab"),
        Name("ikan segar", "commodity", "fresh-fish"),
        Name("fatty palm acid", "commodity", "palm-fatty-acid"),
        Name("asam lemak bebas", "commodity", "palm-fatty-acid"),
        Name("batu bara", "commodity", "coal"),
        Name("hasil laut", "commodity", "seafood"),
        Name("gurita", "commodity", "octopus"),
    ]
)


def links_of(sentence: str, previous: tuple = ()) -> list[tuple[list[str], list[str], str]]:
    found = find_links(sentence, find_commodities(GOODS, sentence), PLACES.find(sentence), previous)
    return [
        ([c.key for c in link.commodities], [p.key for p in link.places], link.cue)
        for link in found
    ]


def test_a_name_with_a_capital_needs_one_in_the_text() -> None:
    assert [m.key for m in PLACES.find("ekspor batu bara ke Batu")] == ["3579"]
    assert [m.key for m in GOODS.find("Batu bara dan UDANG")] == ["coal", "shrimp"]


def test_longest_name_wins() -> None:
    assert [m.key for m in PLACES.find("ke Amerika Serikat dan Amerika")] == ["US", "US"]
    assert [m.text for m in PLACES.find("ke Amerika Serikat")] == ["Amerika Serikat"]


def test_elided_head_of_a_coordination() -> None:
    found = find_commodities(GOODS, "Lidi nipah dan sawit dengan negara tujuan India.")
    assert [m.key for m in found] == ["nipa-palm-sticks", "oil-palm-sticks"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Komoditi yang diekspor meliputi olahan kayu dengan negara tujuan Singapura, Jepang dan Korea Selatan.",
            [(["processed-wood"], ["SG", "JP", "KR"], "destination")],
        ),
        (
            "Minyak jelantah dikirim ke Belanda dan Malaysia.",
            [(["used-cooking-oil"], ["NL", "MY"], "send")],
        ),
        (
            "Ekspor ikan segar, kepiting, dan udang juga dilakukan ke Malaysia, Singapura, dan Tiongkok.",
            [(["fresh-fish", "crab", "shrimp"], ["MY", "SG", "CN"], "done")],
        ),
        ("Rumput laut ke Korea Selatan.", [(["seaweed"], ["KR"], "bare-to")]),
        (
            "Sedangkan fatty palm acid (asam lemak bebas) diminati buyer dari China.",
            [(["palm-fatty-acid"], ["CN"], "buyer-from")],
        ),
        (
            "Ada juga minyak jelantah diekspor ke beberapa negara Eropa.",
            [(["used-cooking-oil"], ["150"], "send")],
        ),
        (
            "lidi nipah kini sudah mulai diekspor hingga ke Timur Tengah",
            [(["nipa-palm-sticks"], ["145"], "send")],
        ),
        # several links in one sentence; the list of places stops at the next goods
        (
            "Lebih lanjut, rumput laut ke Korea Selatan dan merica diekspor ke Singapura, Amerika.",
            [(["seaweed"], ["KR"], "bare-to"), (["pepper"], ["SG", "US"], "send")],
        ),
        ("terakhir hasil laut gurita ke Tiongkok.", [(["octopus"], ["CN"], "bare-to")]),
    ],
)
def test_trade_links(sentence: str, expected: list) -> None:
    assert links_of(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # goods with no destination are mentions, not flows
        "ekspor Kaltim yakni sarang burung walet, udang, merica dan batu bara.",
        # a total for ten countries names no country
        "Terdapat sembilan UKM Kaltim mengekspor beragam komoditas ke 10 negara tujuan.",
        # a place that is not a destination
        "udang asal Kaltim sangat berkualitas.",
        # goods far from the cue belong to another clause
        "Udang dari tambak rakyat yang dikelola secara tradisional oleh nelayan setempat ke Jepang.",
    ],
)
def test_no_link_is_invented(sentence: str) -> None:
    assert links_of(sentence) == []


def test_anaphora_resolves_to_the_last_single_destination_with_a_flag() -> None:
    previous = tuple(PLACES.find("ke Jepang"))
    sentence = "Begitu pun udang dikirim ke Negeri Matahari Terbit tersebut."
    (link,) = find_links(sentence, GOODS.find(sentence), PLACES.find(sentence), previous)
    assert [p.key for p in link.places] == ["JP"]
    assert link.flags and "earlier sentence" in link.flags[0]
    # two earlier destinations: the anaphor cannot be resolved, no link
    two = tuple(PLACES.find("ke Jepang dan India"))
    assert find_links(sentence, GOODS.find(sentence), PLACES.find(sentence), two) == []


def is_place(word: str) -> bool:
    return word in PLACES


def test_people_with_roles() -> None:
    sentence = (
        "Kepala Dinas Perindustrian Perdagangan Koperasi (Disperindagkop) dan UKM Provinsi Kaltim, "
        "HM Yadi Robyan Noor mengungkapkan bahwa ekspor UKM terdapat 15 UKM."
    )
    (person,) = find_people(sentence, is_place)
    assert person.name == "HM Yadi Robyan Noor"
    assert person.bare_name == "Yadi Robyan Noor"
    assert (
        person.role
        == "Kepala Dinas Perindustrian Perdagangan Koperasi (Disperindagkop) dan UKM Provinsi Kaltim"
    )
    (governor, deputy) = find_people(
        "visi misi Gubernur Kaltim Isran Noor dan Wakil Gubernur Hadi Mulyadi.", is_place
    )
    assert (governor.name, governor.role) == ("Isran Noor", "Gubernur Kaltim")
    assert (deputy.name, deputy.role) == ("Hadi Mulyadi", "Wakil Gubernur")


def test_reported_speech() -> None:
    sentence = "Gubernur Kaltim, H Isran Noor berpesan, agar pandemi tidak menjadi alasan."
    (said,) = find_reported(sentence, find_people(sentence, is_place))
    assert (said.speaker.name, said.verb, said.text) == (
        "H Isran Noor",
        "berpesan",
        "agar pandemi tidak menjadi alasan",
    )


def test_quotes_and_speakers() -> None:
    paragraph = (
        "Patut kita apresiasi, UKM kita bisa menembus pasar ekspor,” kata Roby, Rabu (03/02/2021)."
    )
    (quote,) = find_quotes(paragraph)
    assert (quote.text, quote.speaker, quote.pronoun) == (
        "Patut kita apresiasi, UKM kita bisa menembus pasar ekspor",
        "Roby",
        False,
    )
    (quote,) = find_quotes("“Hebatnya, lidi nipah diminati,” bebernya.")
    assert (quote.text, quote.speaker, quote.pronoun) == (
        "Hebatnya, lidi nipah diminati",
        None,
        True,
    )
    (quote,) = find_quotes("“Jujur saja,” sebut Gubernur Kaltim Isran Noor dalam rilis.")
    assert quote.speaker == "Gubernur Kaltim Isran Noor"


def test_cast_resolves_short_names_and_nicknames() -> None:
    cast = Cast()
    (person,) = find_people("Kepala Dinas UKM Kaltim, HM Yadi Robyan Noor hadir.", is_place)
    cast.add(person)
    assert cast.resolve("Yadi Robyan Noor") == ("Yadi Robyan Noor", False)
    assert cast.resolve("Yadi") == ("Yadi Robyan Noor", False)
    assert cast.resolve("Roby") == ("Yadi Robyan Noor", True)  # a nickname: guessed
    assert cast.resolve("Hadi") == (None, False)
