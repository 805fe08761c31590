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
    body: str  # the query without the PREFIX lines

    @property
    def query(self) -> str:
        return PROLOGUE + "\n" + self.body.strip() + "\n"


EXAMPLES: tuple[Example, ...] = (
    Example(
        "Countries per commodity",
        """
# How many destination countries did each commodity reach in 2020?
SELECT ?commodity (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?country) AS ?countries)
WHERE {
  ?flow a kkg:ExportFlow ; kkg:commodity ?commodity ; kkg:destination ?country .
  ?commodity rdfs:label ?name FILTER(LANG(?name) = "en")
}
GROUP BY ?commodity
ORDER BY DESC(?countries)
""",
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
    ),
    Example(
        "Graphs in this store",
        """
# The named graphs (one per source document, plus the ontology) and their sizes.
SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph
""",
    ),
)


def examples_json() -> str:
    """The examples as JSON safe to embed in a <script> element (no `</` sequences)."""
    data = [{"title": e.title, "query": e.query} for e in EXAMPLES]
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
