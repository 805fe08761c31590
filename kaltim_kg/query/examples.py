"""Example questions preloaded in the query page; a test runs each and expects answers."""

from __future__ import annotations

import json
from dataclasses import dataclass

PROLOGUE = """PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""


@dataclass(frozen=True)
class Example:
    title: str
    body: str  # the query without the PREFIX lines, its first line a `#` question in English
    title_id: str = ""  # the title in Indonesian
    question_id: str = ""  # the question of the first line, in Indonesian

    @property
    def query(self) -> str:
        return PROLOGUE + "\n" + self.body.strip() + "\n"

    def in_language(self, lang: str) -> tuple[str, str]:
        """(title, query) for a reader of `lang`: the Indonesian page asks in Indonesian."""
        if lang != "id" or not self.title_id:
            return self.title, self.query
        first, _, rest = self.body.strip().partition("\n")
        question = f"# {self.question_id}" if self.question_id else first
        return self.title_id, PROLOGUE + "\n" + question + "\n" + rest + "\n"


EXAMPLES: tuple[Example, ...] = (
    Example(
        "Countries per commodity",
        """
# How many destination countries did each commodity reach?
SELECT ?commodity (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?country) AS ?countries)
WHERE {
  ?flow a kkg:ExportFlow ; kkg:commodity ?commodity ; kkg:destination ?country .
  ?commodity rdfs:label ?name FILTER(LANG(?name) = "en")
}
GROUP BY ?commodity
ORDER BY DESC(?countries)
""",
        title_id="Negara per komoditas",
        question_id="Berapa negara tujuan yang dicapai tiap komoditas?",
    ),
    Example(
        "Flows to Japan",
        """
# What did East Kalimantan SMEs export to Japan?
SELECT ?flow ?commodityLabel ?year
WHERE {
  ?flow a kkg:ExportFlow ;
        kkg:destination <https://w3id.org/kaltim-kg/id/country/JP> ;
        kkg:commodity ?commodity ;
        kkg:period ?year .
  ?commodity rdfs:label ?commodityLabel FILTER(LANG(?commodityLabel) = "en")
}
""",
        title_id="Arus ke Jepang",
        question_id="Apa saja yang diekspor UKM Kalimantan Timur ke Jepang?",
    ),
    Example(
        "Totals by cohort",
        """
# Per SME cohort: how many flows and destinations the source credits to it, and its value.
SELECT ?cohort ?label (COUNT(DISTINCT ?flow) AS ?flows)
       (COUNT(DISTINCT ?country) AS ?destinations) (SAMPLE(?idr) AS ?valueIDR)
WHERE {
  ?cohort a kkg:SMECohort ; rdfs:label ?label FILTER(LANG(?label) = "en")
  OPTIONAL { ?cohort kkg:tradeValue/schema:value ?idr }
  OPTIONAL { ?flow kkg:exporter ?cohort ; kkg:destination ?country }
}
GROUP BY ?cohort ?label
ORDER BY DESC(?valueIDR)
""",
        title_id="Angka per kelompok UKM",
        question_id="Per kelompok UKM: berapa arus dan tujuan yang dikaitkan sumber dengannya, dan nilainya.",
    ),
    Example(
        "Commodities with HS codes",
        """
# Each commodity with its Harmonized System code, labels in English and Indonesian.
SELECT ?commodity ?hsCode ?en ?id
WHERE {
  ?commodity a kkg:Commodity ; kkg:hsCode ?hsCode ;
             rdfs:label ?en, ?id .
  FILTER(LANG(?en) = "en" && LANG(?id) = "id")
}
ORDER BY ?hsCode
""",
        title_id="Komoditas dan kode HS",
        question_id="Setiap komoditas dengan kode Harmonized System-nya, label dalam bahasa Inggris dan Indonesia.",
    ),
    Example(
        "Wikidata links of destinations",
        """
# Destination countries and the Wikidata entities they are the same as.
SELECT DISTINCT ?country ?label ?wikidata
WHERE {
  ?flow kkg:destination ?country .
  ?country owl:sameAs ?wikidata ; rdfs:label ?label .
  FILTER(LANG(?label) = "en" && STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/"))
}
ORDER BY ?label
""",
        title_id="Tautan Wikidata negara tujuan",
        question_id="Negara tujuan dan entitas Wikidata yang sama dengannya.",
    ),
    Example(
        "Evidence sentences of a flow",
        """
# The sentences of the news article that state the processed-wood export to Italy.
SELECT ?sentence ?source
WHERE {
  <https://w3id.org/kaltim-kg/id/flow/2020-processed-wood-IT>
      kkg:evidence ?sentence ;
      <http://www.w3.org/ns/prov#wasDerivedFrom> ?source .
}
""",
        title_id="Kalimat bukti sebuah arus",
        question_id="Kalimat berita yang menyebut ekspor olahan kayu ke Italia.",
    ),
    Example(
        "Cohorts with members and values",
        """
# SME cohorts: how many members and what trade value (rupiah) the source reports.
SELECT ?cohort ?label ?members ?value ?currency
WHERE {
  ?cohort a kkg:SMECohort ; rdfs:label ?label FILTER(LANG(?label) = "id")
  OPTIONAL { ?cohort kkg:memberCount ?members }
  OPTIONAL { ?cohort kkg:tradeValue [ schema:value ?value ; schema:currency ?currency ] }
}
ORDER BY DESC(?value)
""",
        title_id="Kelompok UKM: anggota dan nilai",
        question_id="Kelompok UKM: berapa anggotanya dan berapa nilai perdagangan (rupiah) yang dilaporkan sumber.",
    ),
    Example(
        "Commodity and country in Indonesian",
        """
# Every export flow as "komoditas → negara", with the Indonesian labels.
SELECT ?komoditas ?negara
WHERE {
  ?flow a kkg:ExportFlow ; kkg:commodity ?c ; kkg:destination ?d .
  ?c rdfs:label ?komoditas FILTER(LANG(?komoditas) = "id")
  ?d rdfs:label ?negara FILTER(LANG(?negara) = "id")
}
ORDER BY ?komoditas ?negara
""",
        title_id="Komoditas dan negara dalam bahasa Indonesia",
        question_id="Setiap arus ekspor sebagai “komoditas → negara”, dengan label bahasa Indonesia.",
    ),
    Example(
        "Graphs in this store",
        """
# The named graphs (one per source document, plus the ontology) and their sizes.
SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
""",
        title_id="Graf di penyimpanan ini",
        question_id="Graf bernama (satu per dokumen sumber, ditambah ontologi) dan ukurannya.",
    ),
)


def examples_json(lang: str = "en") -> str:
    """The examples as JSON safe to embed in a <script> element (no `</` sequences)."""
    data = [dict(zip(("title", "query"), e.in_language(lang), strict=True)) for e in EXAMPLES]
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
