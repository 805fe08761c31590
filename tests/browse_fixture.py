"""A small reference vocabulary in the published shape (HS tree, regencies under provinces),
merged with the shipped facts into the index search and the lists read."""

from __future__ import annotations

import pyoxigraph
from flask import Flask

from kaltim_kg.link.kinds import KindIndex, build_kind_index
from kaltim_kg.link.listing import Lists
from kaltim_kg.store.publish import BuildResult
from kaltim_kg.web.browse import EXTENSION, Browse

BASE = "https://w3id.org/kaltim-kg/"
REFERENCE = """
@prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix hs: <https://w3id.org/kaltim-kg/id/hs/> .
@prefix regency: <https://w3id.org/kaltim-kg/id/regency/> .
@prefix region: <https://w3id.org/kaltim-kg/id/region/> .

hs:03 a skos:Concept ; skos:notation "03" ; skos:prefLabel "Fish and crustaceans"@en .
hs:0306 a skos:Concept ; skos:notation "0306" ; skos:broader hs:03 ;
    skos:prefLabel "Crustaceans"@en .
hs:030617 a skos:Concept ; skos:notation "030617" ; skos:broader hs:0306 ;
    skos:prefLabel "Crustaceans; frozen, shrimps and prawns"@en .
hs:030616 a skos:Concept ; skos:notation "030616" ; skos:broader hs:0306 ;
    skos:prefLabel "Crustaceans; frozen, cold-water shrimps and prawns"@en .
hs:09 a skos:Concept ; skos:notation "09" ; skos:prefLabel "Coffee, tea, mate and spices"@en .
hs:0904 a skos:Concept ; skos:notation "0904" ; skos:broader hs:09 ;
    skos:prefLabel "Pepper of the genus Piper"@en .

regency:6402 a kkg:Regency ; kkg:bpsCode "6402" ; kkg:inProvince region:ID-KI ;
    rdfs:label "Kabupaten Kutai Kartanegara"@id .
regency:6471 a kkg:Regency ; kkg:bpsCode "6471" ; kkg:inProvince region:ID-KI ;
    rdfs:label "Kota Balikpapan"@id .
regency:6472 a kkg:Regency ; kkg:bpsCode "6472" ; kkg:inProvince region:ID-KI ;
    rdfs:label "Kota Samarinda"@id .
regency:6301 a kkg:Regency ; kkg:bpsCode "6301" ; kkg:inProvince region:ID-KS ;
    rdfs:label "Kabupaten Tanah Laut"@id .
"""


def browse_index(built: BuildResult) -> KindIndex:
    """The shipped facts plus REFERENCE, indexed as a publish would."""
    store = pyoxigraph.Store()
    store.bulk_extend(built.generation.open().quads_for_pattern(None, None, None, None))
    store.load(
        REFERENCE.encode(),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(BASE + "graph/reference-fixture"),
    )
    return build_kind_index(store, BASE)


def use_index(app: Flask, built: BuildResult, kinds: KindIndex) -> None:
    """Make `app` search and list `kinds` for the current generation."""
    app.extensions[EXTENSION].put(Browse(built.generation.id, kinds, Lists(kinds)))
