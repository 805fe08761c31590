"""Reference entities for the matching tests: a few of each kind vocab publishes, shaped
as CONVENTIONS says (labels @id/@en, skos:altLabel aliases, skos:notation sub-properties),
so the tests hold on today's store and on tomorrow's. `id/regency/6390` is invented (a
second "Kabupaten Mahakam Ulu", in South Kalimantan) to test namesakes in two provinces."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from kaltim_kg.config import Settings
from kaltim_kg.store.publish import build, load

BASE = "https://w3id.org/kaltim-kg/"
TURTLE = """
@prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix id: <https://w3id.org/kaltim-kg/id/> .

<https://w3id.org/kaltim-kg/id/world-region/030> a kkg:WorldRegion ;
    rdfs:label "Asia Timur"@id, "Eastern Asia"@en ; skos:prefLabel "Asia Timur"@id, "Eastern Asia"@en ;
    kkg:unM49 "030" .
<https://w3id.org/kaltim-kg/id/world-region/150> a kkg:WorldRegion ;
    rdfs:label "Eropa"@id, "Europe"@en ; skos:prefLabel "Eropa"@id, "Europe"@en ; kkg:unM49 "150" .

<https://w3id.org/kaltim-kg/id/country/CN> a kkg:Country ;
    rdfs:label "Tiongkok"@id, "China"@en ; skos:prefLabel "Tiongkok"@id, "China"@en ;
    skos:altLabel "RRT"@id, "Republik Rakyat Tiongkok"@id, "Cina"@id ;
    kkg:isoAlpha2 "CN" ; kkg:isoAlpha3 "CHN" ; kkg:isoNumeric "156" ; kkg:unM49 "156" ;
    kkg:worldRegion <https://w3id.org/kaltim-kg/id/world-region/030> ;
    owl:sameAs <http://www.wikidata.org/entity/Q148> .
<https://w3id.org/kaltim-kg/id/country/KR> a kkg:Country ;
    rdfs:label "Korea Selatan"@id, "South Korea"@en ; skos:prefLabel "Korea Selatan"@id, "South Korea"@en ;
    skos:altLabel "Korsel"@id ;
    kkg:isoAlpha2 "KR" ; kkg:isoAlpha3 "KOR" ; kkg:isoNumeric "410" ; kkg:unM49 "410" ;
    kkg:worldRegion <https://w3id.org/kaltim-kg/id/world-region/030> ;
    owl:sameAs <http://www.wikidata.org/entity/Q884> .
<https://w3id.org/kaltim-kg/id/country/CI> a kkg:Country ;
    rdfs:label "Pantai Gading"@id, "Côte d'Ivoire"@en ; skos:prefLabel "Pantai Gading"@id, "Côte d'Ivoire"@en ;
    skos:altLabel "<b>Ivory</b> & Coast"@en ;
    kkg:isoAlpha2 "CI" ; kkg:isoAlpha3 "CIV" ; kkg:isoNumeric "384" ; kkg:unM49 "384" .

<https://w3id.org/kaltim-kg/id/region/ID-KI> a kkg:Region ;
    rdfs:label "Kalimantan Timur"@id, "East Kalimantan"@en ; skos:prefLabel "Kalimantan Timur"@id, "East Kalimantan"@en ;
    skos:altLabel "Kaltim"@id ; kkg:isoSubdivisionCode "ID-KI" ; kkg:bpsCode "64" .
<https://w3id.org/kaltim-kg/id/region/ID-KS> a kkg:Region ;
    rdfs:label "Kalimantan Selatan"@id, "South Kalimantan"@en ; skos:prefLabel "Kalimantan Selatan"@id, "South Kalimantan"@en ;
    skos:altLabel "Kalsel"@id ; kkg:isoSubdivisionCode "ID-KS" ; kkg:bpsCode "63" .
<https://w3id.org/kaltim-kg/id/region/ID-ST> a kkg:Region ;
    rdfs:label "Sulawesi Tengah"@id, "Central Sulawesi"@en ; skos:prefLabel "Sulawesi Tengah"@id, "Central Sulawesi"@en ;
    skos:altLabel "Sulteng"@id ; kkg:isoSubdivisionCode "ID-ST" ; kkg:bpsCode "72" .
<https://w3id.org/kaltim-kg/id/region/ID-JB> a kkg:Region ;
    rdfs:label "Jawa Barat"@id, "West Java"@en ; skos:prefLabel "Jawa Barat"@id, "West Java"@en ;
    skos:altLabel "Jabar"@id ; kkg:isoSubdivisionCode "ID-JB" ; kkg:bpsCode "32" .
<https://w3id.org/kaltim-kg/id/region/ID-KR> a kkg:Region ;
    rdfs:label "Kepulauan Riau"@id, "Riau Islands"@en ; skos:prefLabel "Kepulauan Riau"@id, "Riau Islands"@en ;
    skos:altLabel "Kepri"@id ; kkg:isoSubdivisionCode "ID-KR" ; kkg:bpsCode "21" .

<https://w3id.org/kaltim-kg/id/regency/6402> a kkg:Regency ;
    rdfs:label "Kabupaten Kutai Kartanegara"@id, "Kutai Kartanegara Regency"@en ;
    skos:prefLabel "Kabupaten Kutai Kartanegara"@id, "Kutai Kartanegara Regency"@en ;
    skos:altLabel "Kukar"@id ; kkg:bpsCode "6402" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-KI> .
<https://w3id.org/kaltim-kg/id/regency/6471> a kkg:Regency ;
    rdfs:label "Kota Balikpapan"@id, "Balikpapan"@en ; skos:prefLabel "Kota Balikpapan"@id, "Balikpapan"@en ;
    kkg:bpsCode "6471" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-KI> .
<https://w3id.org/kaltim-kg/id/regency/6411> a kkg:Regency ;
    rdfs:label "Kabupaten Mahakam Ulu"@id ; skos:prefLabel "Kabupaten Mahakam Ulu"@id ;
    kkg:bpsCode "6411" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-KI> .
<https://w3id.org/kaltim-kg/id/regency/6390> a kkg:Regency ;
    rdfs:label "Kabupaten Mahakam Ulu"@id ; skos:prefLabel "Kabupaten Mahakam Ulu"@id ;
    kkg:bpsCode "6390" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-KS> .
<https://w3id.org/kaltim-kg/id/regency/3201> a kkg:Regency ;
    rdfs:label "Kabupaten Bogor"@id, "Bogor Regency"@en ; skos:prefLabel "Kabupaten Bogor"@id, "Bogor Regency"@en ;
    kkg:bpsCode "3201" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-JB> .
<https://w3id.org/kaltim-kg/id/regency/3271> a kkg:Regency ;
    rdfs:label "Kota Bogor"@id, "Bogor"@en ; skos:prefLabel "Kota Bogor"@id, "Bogor"@en ;
    kkg:bpsCode "3271" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-JB> .
<https://w3id.org/kaltim-kg/id/regency/2105> a kkg:Regency ;
    rdfs:label "Kabupaten Kepulauan Anambas"@id ; skos:prefLabel "Kabupaten Kepulauan Anambas"@id ;
    kkg:bpsCode "2105" ; kkg:province <https://w3id.org/kaltim-kg/id/region/ID-KR> .

<https://w3id.org/kaltim-kg/id/hs/03> a skos:Concept ; skos:notation "03" ;
    skos:prefLabel "Fish and crustaceans, molluscs and other aquatic invertebrates"@en ;
    skos:inScheme <https://w3id.org/kaltim-kg/id/hs/> .
<https://w3id.org/kaltim-kg/id/hs/0306> a skos:Concept ; skos:notation "0306" ;
    skos:prefLabel "Crustaceans"@en ; skos:broader <https://w3id.org/kaltim-kg/id/hs/03> ;
    skos:inScheme <https://w3id.org/kaltim-kg/id/hs/> .
<https://w3id.org/kaltim-kg/id/hs/030617> a skos:Concept ; skos:notation "030617" ;
    skos:prefLabel "Other shrimps and prawns, frozen"@en ; skos:broader <https://w3id.org/kaltim-kg/id/hs/0306> ;
    skos:inScheme <https://w3id.org/kaltim-kg/id/hs/> .
<https://w3id.org/kaltim-kg/id/hs/64> a skos:Concept ; skos:notation "64" ;
    skos:prefLabel "Footwear, gaiters and the like"@en ; skos:inScheme <https://w3id.org/kaltim-kg/id/hs/> .

<https://w3id.org/kaltim-kg/id/commodity/shrimp> skos:altLabel "udang beku"@id ;
    kkg:hsClass <https://w3id.org/kaltim-kg/id/hs/0306> .
"""


def build_linked_store(settings: Settings, tmp: Path) -> Settings:
    """The shipped facts built into `settings.store_dir`, with the entities above loaded."""
    build(settings)
    path = tmp / "link-fixture.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    load(settings, [path], graph=f"{BASE}graph/link-fixture", validate=False)
    return settings


def memory_store() -> pyoxigraph.Store:
    """The ontology and the entities above in an in-memory store (no generation)."""
    from kaltim_kg.config import resource_dir

    store = pyoxigraph.Store()
    ontology = (resource_dir("ontology") / "kaltim.ttl").read_bytes()
    graph = pyoxigraph.NamedNode(f"{BASE}graph/ontology")
    store.load(ontology, format=pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
    fixture = pyoxigraph.NamedNode(f"{BASE}graph/link-fixture")
    store.load(TURTLE.encode(), format=pyoxigraph.RdfFormat.TURTLE, to_graph=fixture)
    return store
