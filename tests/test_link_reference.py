"""`/reconcile` over the shipped store, as an officer's spreadsheet meets it: the short names
the issue lists are aliases in the data, and data extension gives a country's codes,
Wikidata item and M49 region, a regency's province and BPS code.

Parts need the full reference vocabularies (about 249 countries with their M49 areas, the
514 regencies); until they are in the shipped store those parts skip, saying so: re-run this
file after the reference data lands.
"""

from __future__ import annotations

import json

import pytest

from kaltim_kg.link import build_index, resolve_types
from kaltim_kg.store.generations import StoreDir

ID = "https://w3id.org/kaltim-kg/id/"
KKG = "https://w3id.org/kaltim-kg/ontology#"
FULL_VOCABULARIES = "the full reference vocabularies are not in the shipped store yet"


@pytest.fixture(scope="module")
def client(settings):
    """One app for the module: the matching index of the full vocabularies is built once."""
    from kaltim_kg.web import create_app

    return create_app(settings, {"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def counts(settings) -> dict[str, int]:
    index = build_index(StoreDir(settings.store_dir).require_current().open(), settings.base_uri)
    return {t.key: len(index.members(resolve_types([t.key], index.base))) for t in index.types}


def ask(client, queries: dict) -> dict:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {k: v["result"] for k, v in response.json.items()}


def top(results: list[dict]) -> tuple[str, bool]:
    return (results[0]["id"].removeprefix(ID), results[0]["match"]) if results else ("", False)


@pytest.mark.parametrize(
    ("name", "kind", "iri"),
    [
        ("Kaltim", "Province", "region/ID-KI"),
        ("Kalsel", "Province", "region/ID-KS"),
        ("Sulteng", "Province", "region/ID-ST"),
        ("Korsel", "Country", "country/KR"),
        ("RRT", "Country", "country/CN"),
    ],
)
def test_the_short_names_officers_write_are_aliases_in_the_data(client, name, kind, iri):
    assert top(ask(client, {"q": {"query": name, "type": kind}})["q"]) == (iri, True)


def test_a_country_extends_to_its_codes_wikidata_and_m49_region(client, counts):
    if counts["Country"] < 200:
        pytest.skip(FULL_VOCABULARIES)
    extend = {
        "ids": [ID + "country/JP", ID + "country/KR"],
        "properties": [
            {"id": "kkg:isoAlpha2"},
            {"id": "kkg:isoAlpha3"},
            {"id": "kkg:isoNumeric"},
            {"id": "wikidata"},
            {"id": "kkg:worldRegion"},
        ],
    }
    response = client.post("/reconcile", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.get_data(as_text=True)
    japan = response.json["rows"][ID + "country/JP"]
    assert japan["kkg:isoAlpha2"] == [{"str": "JP"}]
    assert japan["kkg:isoAlpha3"] == [{"str": "JPN"}]
    assert japan["kkg:isoNumeric"] == [{"str": "392"}]
    assert japan["wikidata"] == [{"str": "Q17"}]
    assert [v["id"] for v in japan["kkg:worldRegion"]] == [ID + "world-region/030"]
    assert japan["kkg:worldRegion"][0]["name"]  # an entity: OpenRefine shows its name
    proposed = client.get("/reconcile/propose_properties?type=Country&limit=50").json
    names = {p["id"]: p["name"] for p in proposed["properties"]}
    assert names[KKG + "worldRegion"] == "world region"  # labelled in the ontology


def test_a_regency_extends_to_its_province_and_bps_code(client, counts):
    if counts["Regency"] < 500:
        pytest.skip(FULL_VOCABULARIES)
    found = ask(
        client,
        {
            "a": {"query": "Kab. Kutai Kartanegara", "type": "Regency"},
            "b": {"query": "KOTA BALIKPAPAN", "type": "Regency"},
            "c": {
                "query": "Balikpapan",
                "type": "Regency",
                "properties": [{"pid": "kkg:province", "v": "Kaltim"}],
            },
        },
    )
    assert top(found["a"]) == ("regency/6402", True)
    assert top(found["b"]) == ("regency/6471", True)
    assert top(found["c"]) == ("regency/6471", True)
    extend = {
        "ids": [ID + "regency/6471"],
        "properties": [{"id": "kkg:province"}, {"id": "kkg:bpsCode"}],
    }
    response = client.post("/reconcile", data={"extend": json.dumps(extend)})
    row = response.json["rows"][ID + "regency/6471"]
    assert row["kkg:bpsCode"] == [{"str": "6471"}]
    assert [v["id"] for v in row["kkg:province"]] == [ID + "region/ID-KI"]
