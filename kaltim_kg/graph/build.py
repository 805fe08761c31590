"""Records → RDF. Pure and deterministic: no clock, no network, no files written."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD

from kaltim_kg.config import resource_dir
from kaltim_kg.facts.fields import Text, Where
from kaltim_kg.facts.places import Place
from kaltim_kg.facts.reader import Facts, SourceFacts
from kaltim_kg.facts.reference import Reference
from kaltim_kg.graph.figures import add_amounts, add_period, add_quantity
from kaltim_kg.graph.release import release_facts
from kaltim_kg.graph.vocabularies import add_vocabularies, hs_edition
from kaltim_kg.namespaces import (
    DEFAULT_BASE_URI,
    KKG,
    PREFIXES,
    SCHEMA,
    graph_iri,
    mint_iri,
)

ONTOLOGY_GRAPH = "ontology"
TRADE_TYPES = {
    "export": KKG.Export,
    "domestic-sale": KKG.DomesticSale,
    "inter-regional": KKG.InterRegionalTrade,
}
SECTORS = {
    "creative-industry": KKG.CreativeIndustry,
    "culinary": KKG.Culinary,
    "processing-industry": KKG.ProcessingIndustry,
    "craft-industry": KKG.CraftIndustry,
    "trade": KKG.TradeSector,
    "services": KKG.Services,
}


@dataclass
class BuiltGraph:
    """The dataset plus where each subject was stated, to point SHACL results at lines."""

    dataset: Dataset
    origins: dict[URIRef, Where] = field(default_factory=dict)


def new_dataset() -> Dataset:
    dataset = Dataset(default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    return dataset


def ontology_graph(path: Path | None = None) -> Graph:
    """Parse the hand-written ontology."""
    return Graph().parse(path or resource_dir("ontology") / "kaltim.ttl", format="turtle")


def _labels(graph: Graph, subject: URIRef, text: Text, predicate: URIRef = RDFS.label) -> None:
    graph.add((subject, predicate, Literal(text.id, lang="id")))
    graph.add((subject, predicate, Literal(text.en, lang="en")))


class _Builder:
    def __init__(self, base_uri: str, tables: Reference | None = None) -> None:
        self.base = base_uri
        self.origins: dict[URIRef, Where] = {}
        self.tables = tables  # the reference tables, for names in generated labels

    def iri(self, kind: str, key: str) -> URIRef:
        return mint_iri(kind, key, self.base)

    def place(self, place: Place) -> URIRef:
        return self.iri(place.kind, place.code)

    def fact(
        self, graph: Graph, node: URIRef, source: URIRef, sentences: list[str], where: Where
    ) -> None:
        """Attach provenance: the verbatim sentences and the source document."""
        for sentence in sentences:
            graph.add((node, KKG.evidence, Literal(sentence, lang="id")))
        graph.add((node, PROV.wasDerivedFrom, source))
        self.origins.setdefault(node, where)  # SHACL results point at the first statement

    def source(self, graph: Graph, facts: SourceFacts) -> None:
        s = facts.source
        text = facts.sentences
        source = self.iri("source", s.key)

        def said(keys: tuple[str, ...]) -> list[str]:
            return [text[k] for k in keys]

        graph.add((source, RDF.type, SCHEMA.NewsArticle))
        graph.add((source, RDF.type, PROV.Entity))
        graph.add((source, SCHEMA.headline, Literal(s.title.id, lang="id")))
        graph.add((source, SCHEMA.alternativeHeadline, Literal(s.title.en, lang="en")))
        _labels(graph, source, s.title)
        graph.add(
            (source, SCHEMA.datePublished, Literal(s.date_published.isoformat(), datatype=XSD.date))
        )
        graph.add((source, SCHEMA.inLanguage, Literal(s.language)))
        graph.add((source, SCHEMA.url, URIRef(s.url)))
        self.origins[source] = s.where
        org_keys = {o.key for o in facts.organizations}
        publisher_kind = "organization" if s.publisher in org_keys else "agency"
        graph.add((source, SCHEMA.publisher, self.iri(publisher_kind, s.publisher)))
        if s.released_by:
            graph.add((source, SCHEMA.sourceOrganization, self.iri("agency", s.released_by)))
        if s.about_region:
            graph.add((source, SCHEMA.about, self.iri("region", s.about_region)))

        for org in facts.organizations:
            node = self.iri("organization", org.key)
            graph.add((node, RDF.type, SCHEMA.NewsMediaOrganization))
            graph.add((node, RDF.type, ORG.Organization))
            _labels(graph, node, org.name)
            if org.url:
                graph.add((node, SCHEMA.url, URIRef(org.url)))
            self.origins[node] = org.where

        for agency in facts.agencies:
            node = self.iri("agency", agency.key)
            if agency.name is not None:  # None: declared in full in another source
                graph.add((node, RDF.type, KKG.Agency))
                if "ipska" in agency.acts_as:
                    graph.add((node, RDF.type, KKG.IPSKA))
                _labels(graph, node, agency.name)
                if agency.short_name:
                    graph.add((node, SKOS.altLabel, Literal(agency.short_name, lang="id")))
                if agency.part_of:
                    graph.add((node, ORG.subOrganizationOf, self.iri("agency", agency.part_of)))
                if agency.jurisdiction:
                    graph.add((node, KKG.jurisdiction, self.iri("region", agency.jurisdiction)))
                if agency.url:
                    graph.add((node, SCHEMA.url, URIRef(agency.url)))
            self.fact(graph, node, source, said(agency.evidence), agency.where)

        for person in facts.people:
            node = self.iri("person", person.key)
            if person.name is not None and person.role is not None:
                graph.add((node, RDF.type, KKG.Person))
                graph.add((node, RDFS.label, Literal(person.name)))
                graph.add((node, FOAF.name, Literal(person.name)))
                if person.nickname:
                    graph.add((node, FOAF.nick, Literal(person.nickname)))
                _labels(graph, node, person.role, SCHEMA.jobTitle)
                if person.head_of:
                    graph.add((node, ORG.headOf, self.iri("agency", person.head_of)))
            self.fact(graph, node, source, said(person.evidence), person.where)

        for event in facts.events:
            node = self.iri("event", event.key)
            graph.add((node, RDF.type, KKG.Event))
            if event.kind == "export-release":
                graph.add((node, RDF.type, KKG.ExportRelease))
            _labels(graph, node, event.label)
            graph.add((node, SCHEMA.startDate, Literal(event.date.isoformat(), datatype=XSD.date)))
            if event.organizer:
                graph.add((node, SCHEMA.organizer, self.iri("agency", event.organizer)))
            if event.location:
                graph.add((node, SCHEMA.location, self.place(event.location)))
            self.fact(graph, node, source, said(event.evidence), event.where)

        for cohort in facts.cohorts:
            node = self.iri("cohort", cohort.cohort_key)
            graph.add((node, RDF.type, KKG.SMECohort))
            _labels(graph, node, cohort.label)
            add_period(graph, node, cohort.period)
            graph.add((node, KKG.tradeType, TRADE_TYPES[cohort.trade_type]))
            if cohort.sector:
                graph.add((node, KKG.sector, SECTORS[cohort.sector]))
            if cohort.member_count is not None:
                count = Literal(cohort.member_count, datatype=XSD.nonNegativeInteger)
                graph.add((node, KKG.memberCount, count))
            elif cohort.members is not None:  # a bound or an estimate, never an exact count
                members = URIRef(f"{node}#members")
                graph.add((node, KKG.memberQuantity, members))
                add_quantity(graph, members, replace(cohort.members, unit="business"))
                self.origins.setdefault(members, cohort.where)
            if cohort.destination_count is not None:
                count = Literal(cohort.destination_count, datatype=XSD.nonNegativeInteger)
                graph.add((node, KKG.destinationCount, count))
            for value in add_amounts(graph, node, cohort.amounts, self.base):
                self.origins.setdefault(value, cohort.where)
            if cohort.event:
                graph.add((node, KKG.event, self.iri("event", cohort.event)))
            if cohort.certified_by:
                graph.add((node, KKG.certifiedBy, self.iri("agency", cohort.certified_by)))
            if cohort.supervised_by:
                graph.add((node, KKG.supervisedBy, self.iri("agency", cohort.supervised_by)))
            if cohort.reported_by:
                graph.add((node, KKG.reportedBy, self.iri("person", cohort.reported_by)))
            self.fact(graph, node, source, said(cohort.evidence), cohort.where)

        cohorts = {c.key: c for c in facts.cohorts}
        for flow in facts.flows:
            node = self.iri("flow", flow.flow_key)
            graph.add((node, RDF.type, KKG.ExportFlow))
            graph.add((node, KKG.commodity, self.iri("commodity", flow.commodity)))
            graph.add((node, KKG.destination, self.place(flow.destination)))
            if flow.destination_as_stated:
                stated = Literal(flow.destination_as_stated, lang=s.language)
                graph.add((node, KKG.destinationAsStated, stated))
            graph.add((node, KKG.origin, self.iri("region", s.about_region or "ID-KI")))
            if flow.exporter:
                exporter = cohorts[flow.exporter]
                graph.add((node, KKG.exporter, self.iri("cohort", exporter.cohort_key)))
            add_period(graph, node, flow.period)
            # the HS edition the flow's year was classified in (2020: HS 2017)
            edition = hs_edition(flow.period.year)
            if edition is not None:
                graph.add((node, KKG.hsEdition, self.iri("hs-edition", edition)))
            for value in add_amounts(graph, node, flow.amounts, self.base):
                self.origins.setdefault(value, flow.where)
            self.fact(graph, node, source, said(flow.evidence), flow.where)

        release_facts(self, graph, facts, source)

        for statement in facts.statements:
            node = self.iri("statement", statement.key)
            graph.add((node, RDF.type, KKG.Statement))
            if statement.mode == "direct":
                graph.add((node, RDF.type, KKG.Quotation))
            graph.add((node, KKG.statementText, Literal(statement.text, lang=s.language)))
            graph.add((node, KKG.speaker, self.iri("person", statement.speaker)))
            if statement.date:
                graph.add(
                    (
                        node,
                        SCHEMA.dateCreated,
                        Literal(statement.date.isoformat(), datatype=XSD.date),
                    )
                )
            self.fact(graph, node, source, said(statement.evidence), statement.where)


def _state_each_triple_once(graphs: list[Graph]) -> None:
    """Keep a triple only in the first graph that states it.

    A fact two sources report is one resource: its description goes in the graph of the
    first source, and each source's graph keeps what only it says (its evidence, its
    prov:wasDerivedFrom). The union default graph then counts every triple once.
    """
    seen: set = set()
    for graph in graphs:
        repeated = [t for t in graph if t in seen]
        for triple in repeated:
            graph.remove(triple)
        seen.update(graph)


def build_dataset(
    facts: Facts, base_uri: str = DEFAULT_BASE_URI, ontology: Graph | None = None
) -> BuiltGraph:
    """Turn checked facts into a Dataset: the ontology, one graph per reference vocabulary
    (graph/vocabularies.py) and one per source."""
    dataset = new_dataset()
    builder = _Builder(base_uri, facts.reference)
    onto = dataset.graph(graph_iri(ONTOLOGY_GRAPH, base_uri))
    for triple in ontology if ontology is not None else ontology_graph():
        onto.add(triple)
    graphs = [onto, *add_vocabularies(dataset, facts.reference, builder.iri, base_uri)]
    for source_facts in facts.sources:  # in publication order (read_facts sorts them)
        graph = dataset.graph(graph_iri(source_facts.source.key, base_uri))
        builder.source(graph, source_facts)
        graphs.append(graph)
    _state_each_triple_once(graphs)
    if any(isinstance(s, BNode) for s in dataset.subjects()):
        raise AssertionError("build must not mint blank nodes: dumps would not be deterministic")
    return BuiltGraph(dataset, builder.origins)
