"""RDF for figures as stated: periods, quantities and monetary amounts with their precision."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kaltim_kg.facts.figures import Amount, Period, Quantity, plain
from kaltim_kg.namespaces import KKG, SCHEMA, mint_iri

QUALIFIERS = {"at-least": KKG.AtLeast, "at-most": KKG.AtMost, "about": KKG.About}
# UN/CEFACT common codes (what schema:unitCode expects) and words for each unit.
UNITS = {
    "person": ("IE", "orang", "persons"),
    "business": ("C62", "unit usaha", "businesses"),
    "regency": ("C62", "kabupaten/kota", "regencies and cities"),
    "country": ("C62", "negara", "countries"),
    "percent": ("P1", "persen", "percent"),
}


def add_period(graph: Graph, node: URIRef, period: Period) -> None:
    """kkg:period (the year), and kkg:quarter or kkg:month when the source is that specific."""
    graph.add((node, KKG.period, Literal(f"{period.year:04d}", datatype=XSD.gYear)))
    if period.quarter:
        graph.add((node, KKG.quarter, Literal(period.quarter, datatype=XSD.integer)))
    if period.month:
        graph.add((node, KKG.month, Literal(period.month, datatype=XSD.integer)))


def _decimal(value: object) -> Literal:
    return Literal(plain(value), datatype=XSD.decimal)  # type: ignore[arg-type]


def _stated(graph: Graph, node: URIRef, quantity: Quantity) -> None:
    """Value, precision, qualifier and the bound it implies."""
    graph.add((node, SCHEMA.value, _decimal(quantity.value)))
    graph.add((node, KKG.precision, _decimal(quantity.precision)))
    if quantity.qualifier:
        graph.add((node, KKG.qualifier, QUALIFIERS[quantity.qualifier]))
    if quantity.qualifier == "at-least":
        graph.add((node, SCHEMA.minValue, _decimal(quantity.value)))
    if quantity.qualifier == "at-most":
        graph.add((node, SCHEMA.maxValue, _decimal(quantity.value)))


def _qualified(words: str, qualifier: str | None, lang: str) -> str:
    prefix = {
        "at-least": ("tidak kurang dari ", "at least "),
        "at-most": ("paling banyak ", "at most "),
        "about": ("sekitar ", "about "),
    }.get(qualifier or "")
    return (prefix[0 if lang == "id" else 1] if prefix else "") + words


def add_quantity(graph: Graph, node: URIRef, quantity: Quantity) -> None:
    """A kkg:Quantity node: the number as stated, with its unit."""
    graph.add((node, RDF.type, KKG.Quantity))
    _stated(graph, node, quantity)
    unit = UNITS.get(quantity.unit or "")
    for lang in ("id", "en"):
        words = _qualified(quantity.words(lang), quantity.qualifier, lang)
        if unit:
            words = f"{words} {unit[1 if lang == 'id' else 2]}"
        graph.add((node, RDFS.label, Literal(words, lang=lang)))
    if unit:
        graph.add((node, SCHEMA.unitCode, Literal(unit[0])))
        graph.add((node, SCHEMA.unitText, Literal(unit[2], lang="en")))


def add_amounts(
    graph: Graph, fact: URIRef, amounts: tuple[Amount, ...], base_uri: str
) -> list[URIRef]:
    """One kkg:tradeValue per stated amount: `#trade-value`, `#trade-value-2`, ..."""
    nodes: list[URIRef] = []
    original: URIRef | None = None
    for number, amount in enumerate(amounts, start=1):
        suffix = "" if number == 1 else f"-{number}"
        node = URIRef(f"{fact}#trade-value{suffix}")
        nodes.append(node)
        graph.add((fact, KKG.tradeValue, node))
        graph.add((node, RDF.type, SCHEMA.MonetaryAmount))
        _stated(graph, node, amount.quantity)
        graph.add((node, SCHEMA.currency, Literal(amount.currency)))
        graph.add((node, KKG.currencyUnit, mint_iri("currency", amount.currency, base_uri)))
        for lang in ("id", "en"):
            words = _qualified(amount.words(lang), amount.quantity.qualifier, lang)
            graph.add((node, RDFS.label, Literal(words, lang=lang)))
        if amount.equivalent and original is not None:
            graph.add((node, KKG.equivalentOf, original))
        elif not amount.equivalent:
            original = node
    return nodes
