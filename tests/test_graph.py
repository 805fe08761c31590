"""The published graph says what the article says, in the contract's vocabulary."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph
import pytest

from kaltim_kg.namespaces import PREFIXES

BASE = "https://w3id.org/kaltim-kg/"
SEED = f"<{BASE}graph/2021-02-03-ekspor-ukm-kaltim>"  # the seed article's own graph


@pytest.fixture(scope="module")
def store(built) -> pyoxigraph.Store:
    return built.generation.open()


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, object]]:
    result = store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def test_twenty_four_flows_of_eight_commodities_to_fourteen_countries(store):
    (row,) = select(
        store,
        f"""SELECT (COUNT(?f) AS ?flows) (COUNT(DISTINCT ?c) AS ?commodities)
        (COUNT(DISTINCT ?d) AS ?countries) WHERE {{
        GRAPH {SEED} {{ ?f a kkg:ExportFlow ; kkg:commodity ?c ; kkg:destination ?d }} }}""",
    )
    assert row == {"flows": "24", "commodities": "8", "countries": "14"}


def test_flows_of_all_sources_each_once(store):
    """The Bisnis.com report restates the seed's 24 flows: the same resources, cited twice."""
    (row,) = select(
        store,
        """SELECT (COUNT(?f) AS ?flows) (COUNT(DISTINCT ?f) AS ?distinct) WHERE {
        ?f a kkg:ExportFlow }""",
    )
    assert row == {"flows": "48", "distinct": "48"}  # 24 + 23 (Q1 2021) + 1 (2022)
    sources = select(
        store,
        f"""SELECT ?src ?e WHERE {{ <{BASE}id/flow/2020-shrimp-GB> prov:wasDerivedFrom ?src .
        GRAPH ?g {{ <{BASE}id/flow/2020-shrimp-GB> kkg:evidence ?e }} }} ORDER BY ?src""",
    )
    assert {str(r["src"]).rsplit("/", 1)[1] for r in sources} == {
        "2021-02-03-ekspor-ukm-kaltim",
        "2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar",
    }


def test_destinations_per_commodity_match_the_article(store):
    rows = select(
        store,
        f"""SELECT ?c ?code WHERE {{ GRAPH {SEED} {{ ?f kkg:commodity ?c ; kkg:destination ?d }}
        ?d kkg:isoAlpha2 ?code }}""",
    )
    by_commodity: dict[str, set[str]] = {}
    for row in rows:
        by_commodity.setdefault(str(row["c"]).rsplit("/", 1)[1], set()).add(str(row["code"]))
    assert by_commodity == {
        "processed-wood": {"SG", "JP", "KR", "CN", "TW", "DE", "IT", "NL", "IS", "ZA", "US"},
        "nipa-palm-sticks": {"IN"},
        "oil-palm-sticks": {"IN"},
        "used-cooking-oil": {"NL", "MY"},
        "shrimp": {"JP", "GB", "TW"},
        "seaweed": {"KR"},
        "pepper": {"SG", "US", "ZA", "IS"},
        "palm-fatty-acid": {"CN"},
    }


def test_flow_iris_follow_the_contract(store):
    rows = select(store, f"SELECT ?f WHERE {{ GRAPH {SEED} {{ ?f a kkg:ExportFlow }} }}")
    assert f"{BASE}id/flow/2020-shrimp-JP" in {r["f"] for r in rows}
    assert all(str(r["f"]).startswith(f"{BASE}id/flow/2020-") for r in rows)
    # a quarter's flows carry the quarter in their key: {period}-{commodity}-{destination}
    everything = {r["f"] for r in select(store, "SELECT ?f WHERE { ?f a kkg:ExportFlow }")}
    assert f"{BASE}id/flow/2021-Q1-shrimp-MY" in everything
    assert f"{BASE}id/flow/2021-Q1-used-cooking-oil-150" in everything


def test_every_flow_has_exactly_one_commodity_destination_origin(store):
    rows = select(
        store,
        """SELECT ?f (COUNT(DISTINCT ?c) AS ?nc) (COUNT(DISTINCT ?d) AS ?nd)
        (COUNT(DISTINCT ?o) AS ?no) (SAMPLE(?o) AS ?origin) WHERE {
        ?f a kkg:ExportFlow ; kkg:commodity ?c ; kkg:destination ?d ; kkg:origin ?o } GROUP BY ?f""",
    )
    assert len(rows) == 48
    for row in rows:
        assert (row["nc"], row["nd"], row["no"]) == ("1", "1", "1")
        assert row["origin"] == f"{BASE}id/region/ID-KI"


def test_cohort_figures_are_exact_rupiah(store):
    rows = select(
        store,
        """SELECT ?cohort ?members ?value ?currency ?type WHERE {
        ?cohort a kkg:SMECohort ; kkg:period "2020"^^xsd:gYear ; kkg:tradeType ?type ;
                kkg:tradeValue [ schema:value ?value ; schema:currency ?currency ] .
        OPTIONAL { ?cohort kkg:memberCount ?members } }""",
    )
    got = {
        str(r["cohort"]).rsplit("/", 1)[1]: (
            r["members"],
            Decimal(str(r["value"])),
            r["currency"],
            str(r["type"]).rsplit("#", 1)[1],
        )
        for r in rows
    }
    assert got == {
        "2020-ipska-exporters": ("15", Decimal(428_200_000_000), "IDR", "Export"),
        "2020-creative-industry-exporters": (None, Decimal(7_600_000_000), "IDR", "Export"),
        # "tidak kurang dari 18 UKM" is a lower bound: no exact kkg:memberCount
        "2020-supervised-domestic-sellers": (None, Decimal(11_400_000_000), "IDR", "DomesticSale"),
    }
    (bound,) = select(
        store,
        f"""SELECT ?min ?qualifier WHERE {{ <{BASE}id/cohort/2020-supervised-domestic-sellers>
        kkg:memberQuantity [ schema:minValue ?min ; kkg:qualifier ?qualifier ] }}""",
    )
    assert (Decimal(str(bound["min"])), bound["qualifier"]) == (18, PREFIXES["kkg"] + "AtLeast")
    (datatype,) = select(store, "SELECT DISTINCT (DATATYPE(?v) AS ?t) WHERE { ?m schema:value ?v }")
    assert datatype["t"] == str(
        pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#decimal").value
    )


def test_countries_link_to_verified_identifiers(store):
    rows = select(
        store,
        """SELECT ?code ?wd ?gn ?eu WHERE { ?c a kkg:Country ; kkg:isoAlpha2 ?code ;
        owl:sameAs ?wd , ?gn ; skos:exactMatch ?eu .
        FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/Q"))
        FILTER(STRSTARTS(STR(?gn), "http://sws.geonames.org/")) }""",
    )
    links = {r["code"]: (r["wd"], r["gn"], r["eu"]) for r in rows}
    assert len(links) == 16  # the seed's 14 destinations, Pakistan, and Indonesia
    assert links["NL"][0] == "http://www.wikidata.org/entity/Q55"  # the country, not the kingdom
    assert (
        links["GB"][0] == "http://www.wikidata.org/entity/Q145"
    )  # "Inggris" = the UK, not England
    assert links["TW"][2] == "http://publications.europa.eu/resource/authority/country/TWN"
    assert links["ID"][1] == "http://sws.geonames.org/1643084/"


def test_taiwan_has_no_un_m49_code(store):
    rows = select(
        store,
        "SELECT ?m WHERE { ?c kkg:isoAlpha2 ?code ; kkg:unM49 ?m } VALUES ?code { 'TW' 'JP' }",
    )
    assert [r["m"] for r in rows] == ["392"]


def test_east_kalimantan_links(store):
    rows = select(store, """SELECT ?p ?o WHERE { ?r kkg:isoSubdivisionCode "ID-KI" ; ?p ?o }""")
    values = {(str(r["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r["o"])) for r in rows}
    assert ("sameAs", "http://www.wikidata.org/entity/Q3899") in values
    assert ("sameAs", "http://sws.geonames.org/1641897/") in values
    assert ("bpsCode", "64") in values


def test_same_as_only_for_entity_identity(store):
    rows = select(store, "SELECT DISTINCT ?type WHERE { ?s owl:sameAs ?o ; a ?type }")
    assert {str(r["type"]).rsplit("#", 1)[1] for r in rows} == {"Country", "Region"}


def test_every_country_and_commodity_has_both_labels(store):
    rows = select(
        store,
        """SELECT ?x (GROUP_CONCAT(DISTINCT LANG(?l); separator=",") AS ?langs) WHERE {
        { ?x a kkg:Country } UNION { ?x a kkg:Commodity } ?x rdfs:label ?l } GROUP BY ?x""",
    )
    assert len(rows) == 249 + 37  # every ISO 3166-1 country, the curated commodities
    assert all(set(str(r["langs"]).split(",")) == {"id", "en"} for r in rows)


def test_hs_codes_are_digits_at_honest_specificity(store):
    rows = select(store, "SELECT ?c ?hs WHERE { ?c kkg:hsCode ?hs }")
    codes = {str(r["c"]).rsplit("/", 1)[1]: r["hs"] for r in rows}
    assert codes["processed-wood"] == "44"  # the article gives no product detail
    assert codes["palm-fatty-acid"] == "382319"
    assert all(str(c).isdigit() and len(str(c)) in (2, 4, 6) for c in codes.values())


def test_every_fact_has_evidence_and_provenance(store):
    rows = select(
        store,
        """SELECT ?fact ?type WHERE {
        VALUES ?type { kkg:ExportFlow kkg:SMECohort kkg:Statement kkg:Agency kkg:Person }
        ?fact a ?type .
        FILTER NOT EXISTS { ?fact kkg:evidence ?e ; prov:wasDerivedFrom ?src . ?src a schema:NewsArticle } }""",
    )
    assert rows == []
    (count,) = select(
        store,
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?f kkg:evidence ?e FILTER(LANG(?e) = 'id') }",
    )
    assert int(str(count["n"])) >= 10


def test_the_source_article(store):
    (row,) = select(
        store,
        f"""SELECT ?date ?url ?publisher ?lang WHERE {{
        <{BASE}id/source/2021-02-03-ekspor-ukm-kaltim> a schema:NewsArticle ;
           schema:datePublished ?date ; schema:url ?url ;
           schema:publisher/rdfs:label ?publisher ; schema:inLanguage ?lang
        FILTER(LANG(?publisher) = 'en') }}""",
    )
    assert row["date"] == "2021-02-03"
    assert (
        row["url"]
        == "http://www.hariankaltim.com/meski-pandemi-ekspor-ukm-kaltim-hampir-setengah-triliun/"
    )
    assert row["publisher"] == "Harian Kaltim"
    assert row["lang"] == "id"


def test_people_roles_and_statements(store):
    rows = select(
        store,
        """SELECT ?name ?agency ?said WHERE {
        ?p a kkg:Person ; rdfs:label ?name ; org:headOf/skos:altLabel ?agency .
        OPTIONAL { ?s kkg:speaker ?p ; kkg:statementText ?said } }""",
    )
    heads = {(r["name"], r["agency"]) for r in rows}
    assert heads == {
        ("H Isran Noor", "Pemprov Kaltim"),
        ("HM Yadi Robyan Noor", "Disperindagkop dan UKM Kaltim"),
    }
    assert any(
        r["said"] == "Jadi, ekspornya sukses, perdagangan domestiknya juga sukses" for r in rows
    )
