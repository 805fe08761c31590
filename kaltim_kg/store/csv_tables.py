"""The tidy CSV distribution: flows, totals and cohorts, one row per stated amount, with
IRIs beside labels and codes as text, described by CSVW metadata (W3C "Metadata Vocabulary
for Tabular Data") so that tools read every column with its type.

Written with the RDF dumps of every generation (same folder, same SHA256SUMS), from SPARQL
over the union of all graphs, sorted, so the bytes depend on the content alone.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

METADATA = "kaltim-kg-csv-metadata.json"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
PREAMBLE = """PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str  # CSVW/XSD name: string, anyURI, gYear, integer, decimal
    title: str


@dataclass(frozen=True)
class TidyTable:
    filename: str
    title: str
    columns: tuple[Column, ...]
    query: str  # SELECT with one variable per column, same names

    @property
    def primary_key(self) -> list[str]:
        return [self.columns[0].name, "currency"]


def _label(var: str, of: str) -> str:
    return f'OPTIONAL {{ ?{of} rdfs:label ?{var} FILTER(lang(?{var}) = "en") }}'


def _money() -> str:
    return "OPTIONAL { ?fact kkg:tradeValue ?amount . ?amount schema:value ?value ; schema:currency ?currency }"


FLOWS = TidyTable(
    "kaltim-kg-flows.csv",
    "Export flows: one row per flow and stated amount",
    (
        Column("flow", "anyURI", "flow"),
        Column("period", "gYear", "year"),
        Column("quarter", "integer", "quarter (1-4)"),
        Column("month", "integer", "month (1-12)"),
        Column("commodity", "anyURI", "commodity"),
        Column("commodity_label", "string", "commodity (English)"),
        Column("hs_code", "string", "HS code of the commodity"),
        Column("destination", "anyURI", "destination"),
        Column("destination_label", "string", "destination (English)"),
        Column("origin", "anyURI", "origin"),
        Column("origin_label", "string", "origin (English)"),
        Column("value", "decimal", "stated amount"),
        Column("currency", "string", "ISO 4217 currency of the amount"),
        Column("net_weight_kg", "decimal", "net weight (kg)"),
        Column("source", "string", "sources (articles or tables): their IRIs, space-separated"),
    ),
    f"""{PREAMBLE}
SELECT ?flow ?period ?quarter ?month ?commodity ?commodity_label ?hs_code ?destination ?destination_label ?origin ?origin_label ?value ?currency ?net_weight_kg
    (GROUP_CONCAT(DISTINCT STR(?derived_from); separator=" ") AS ?source)
WHERE {{
    ?flow a kkg:ExportFlow ; kkg:commodity ?commodity ; kkg:destination ?destination .
    BIND(?flow AS ?fact)
    OPTIONAL {{ ?flow kkg:period ?period }} OPTIONAL {{ ?flow kkg:quarter ?quarter }}
    OPTIONAL {{ ?flow kkg:month ?month FILTER(isNumeric(?month)) }}
    OPTIONAL {{ ?flow kkg:origin ?origin }} OPTIONAL {{ ?commodity kkg:hsCode ?hs_code }}
    OPTIONAL {{ ?flow kkg:netWeightKg ?net_weight_kg }} OPTIONAL {{ ?flow prov:wasDerivedFrom ?derived_from }}
    {_money()}
    {_label("commodity_label", "commodity")} {_label("destination_label", "destination")}
    {_label("origin_label", "origin")}
}} GROUP BY ?flow ?period ?quarter ?month ?commodity ?commodity_label ?hs_code ?destination ?destination_label ?origin ?origin_label ?value ?currency ?net_weight_kg""",
)
COHORTS = TidyTable(
    "kaltim-kg-cohorts.csv",
    "SME cohorts: one row per cohort and stated amount",
    (
        Column("cohort", "anyURI", "cohort"),
        Column("label", "string", "cohort (English)"),
        Column("period", "gYear", "year"),
        Column("member_count", "integer", "SMEs in the cohort"),
        Column("value", "decimal", "stated amount"),
        Column("currency", "string", "ISO 4217 currency of the amount"),
        Column("source", "string", "sources (articles): their IRIs, space-separated"),
    ),
    f"""{PREAMBLE}
SELECT ?cohort ?label ?period ?member_count ?value ?currency
    (GROUP_CONCAT(DISTINCT STR(?derived_from); separator=" ") AS ?source)
WHERE {{
    ?cohort a kkg:SMECohort . BIND(?cohort AS ?fact)
    OPTIONAL {{ ?cohort kkg:period ?period }} OPTIONAL {{ ?cohort kkg:memberCount ?member_count }}
    OPTIONAL {{ ?cohort prov:wasDerivedFrom ?derived_from }}
    {_money()} {_label("label", "cohort")}
}} GROUP BY ?cohort ?label ?period ?member_count ?value ?currency""",
)
TOTALS = TidyTable(
    "kaltim-kg-totals.csv",
    "Trade totals: one row per total and stated amount",
    (
        Column("total", "anyURI", "trade total"),
        Column("period", "gYear", "year"),
        Column("quarter", "integer", "quarter (1-4)"),
        Column("month", "integer", "month (1-12)"),
        Column("trade_type", "anyURI", "trade type"),
        Column("origin", "anyURI", "origin"),
        Column("destination", "anyURI", "destination"),
        Column("destination_label", "string", "destination (English)"),
        Column("value", "decimal", "stated amount"),
        Column("currency", "string", "ISO 4217 currency of the amount"),
        Column("source", "string", "sources (articles): their IRIs, space-separated"),
    ),
    f"""{PREAMBLE}
SELECT ?total ?period ?quarter ?month ?trade_type ?origin ?destination ?destination_label ?value ?currency
    (GROUP_CONCAT(DISTINCT STR(?derived_from); separator=" ") AS ?source)
WHERE {{
    ?total a kkg:TradeTotal . BIND(?total AS ?fact)
    OPTIONAL {{ ?total kkg:period ?period }} OPTIONAL {{ ?total kkg:quarter ?quarter }}
    OPTIONAL {{ ?total kkg:month ?month FILTER(isNumeric(?month)) }}
    OPTIONAL {{ ?total kkg:tradeType ?trade_type }} OPTIONAL {{ ?total kkg:origin ?origin }}
    OPTIONAL {{ ?total kkg:destination ?destination }}
    OPTIONAL {{ ?total prov:wasDerivedFrom ?derived_from }}
    {_money()} {_label("destination_label", "destination")}
}} GROUP BY ?total ?period ?quarter ?month ?trade_type ?origin ?destination ?destination_label ?value ?currency""",
)
TIDY_TABLES = (FLOWS, TOTALS, COHORTS)
MEDIA_TYPES = {t.filename: "text/csv" for t in TIDY_TABLES} | {METADATA: "application/csvm+json"}
TITLES = {t.filename: f"CSV: {t.title}" for t in TIDY_TABLES} | {
    METADATA: "CSVW metadata of the CSV files (columns, types, keys)"
}


def _rows(store: pyoxigraph.Store, table: TidyTable) -> list[list[str]]:
    names = [c.name for c in table.columns]
    rows = []
    for solution in store.query(table.query, use_default_graph_as_union=True):
        row = []
        for name in names:
            term = solution[name]  # type: ignore[index]
            row.append("" if term is None else term.value)
        rows.append(row)
    return sorted(rows)


def _csv(table: TidyTable, rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180
    writer.writerow([c.name for c in table.columns])
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def metadata() -> dict[str, object]:
    """The CSVW description of the tidy tables (URLs relative to the metadata file)."""
    return {
        "@context": CSVW_CONTEXT,
        "dc:title": "kaltim-kg as tidy CSV",
        "tables": [
            {
                "url": table.filename,
                "dc:title": table.title,
                "tableSchema": {
                    "columns": [
                        {
                            "name": c.name,
                            "titles": c.title,
                            "datatype": c.datatype,
                            "required": c.name == table.columns[0].name,
                        }
                        for c in table.columns
                    ],
                    "aboutUrl": f"{{+{table.columns[0].name}}}",
                },
            }
            for table in TIDY_TABLES
        ],
    }


def write_tidy_csv(store: pyoxigraph.Store, directory: Path) -> list[Path]:
    """Write the CSV files and their CSVW metadata into `directory`; return their paths."""
    written = []
    for table in TIDY_TABLES:
        path = directory / table.filename
        path.write_bytes(_csv(table, _rows(store, table)))
        written.append(path)
    path = directory / METADATA
    path.write_text(json.dumps(metadata(), indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written
