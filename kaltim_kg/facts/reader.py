"""Read and check the curated data files into plain records (no RDF here).

One YAML file per source document. Every problem is reported as `file:line: reason`, and
all problems of a run are collected before failing, so an editor fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaltim_kg.errors import FactsError, FactsErrors
from kaltim_kg.facts.actors import ActorReading, Agency, Person, Statement
from kaltim_kg.facts.agreement import Stated, disagreements
from kaltim_kg.facts.events import Event, EventReading
from kaltim_kg.facts.fields import Where
from kaltim_kg.facts.indicators import BusinessCount, IndicatorReading, Measure, Target
from kaltim_kg.facts.provenance import Organization, ProvenanceReading, Source
from kaltim_kg.facts.reference import Reference, load_reference
from kaltim_kg.facts.trade import Cohort, Flow, Product, TradeReading, TradeTotal
from kaltim_kg.facts.yaml_lines import load_yaml

# Sections of a data file after `source` and `sentences`, in the order they are read.
SECTIONS = (
    "organizations",
    "agencies",
    "people",
    "events",
    "cohorts",
    "flows",
    "totals",
    "products",
    "business_counts",
    "measures",
    "targets",
    "statements",
)


@dataclass
class SourceFacts:
    """Everything one data file states, checked."""

    path: Path
    source: Source
    sentences: dict[str, str]
    organizations: list[Organization] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    totals: list[TradeTotal] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    business_counts: list[BusinessCount] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def stated(self) -> list[Stated]:
        """Every record that names a resource, keyed as its IRI is: (kind, key, record)."""
        return [
            *(Stated("organization", o.key, o) for o in self.organizations),
            *(Stated("agency", a.key, a) for a in self.agencies),
            *(Stated("person", p.key, p) for p in self.people),
            *(Stated("event", e.key, e) for e in self.events),
            *(Stated("cohort", c.cohort_key, c) for c in self.cohorts),
            *(Stated("flow", f.flow_key, f) for f in self.flows),
            *(Stated("total", t.total_key, t) for t in self.totals),
            *(Stated("product", p.product_key, p) for p in self.products),
            *(Stated("business-count", b.key, b) for b in self.business_counts),
            *(Stated("measure", m.key, m) for m in self.measures),
            *(Stated("target", t.key, t) for t in self.targets),
            *(Stated("statement", s.key, s) for s in self.statements),
        ]


@dataclass
class Facts:
    """All curated data plus the reference tables it points into."""

    reference: Reference
    sources: list[SourceFacts]


class _Reader(ProvenanceReading, ActorReading, TradeReading, IndicatorReading, EventReading):
    """Turns one parsed YAML document into records, collecting every error."""

    def read(self, doc: Any) -> SourceFacts | None:
        doc = self.mapping(doc, 1, "the file")
        if doc is None:
            return None
        top = ("source", "sentences")
        if not self.fields(doc, "the file", top, SECTIONS):
            return None
        source = self.read_source(doc)
        sentences = self.read_sentences(doc, source.text if source else None)
        if source is None:
            return None
        self.declared = {
            section: {str(n.get("key")) for n in self.items(doc, section)}
            for section in ("organizations", "agencies", "people", "cohorts", "events")
        }
        facts = SourceFacts(self.path, source, sentences)
        facts.organizations = self.each(doc, "organizations", self.read_organization)
        facts.agencies = self.each(doc, "agencies", lambda n: self.read_agency(n, sentences))
        facts.people = self.each(doc, "people", lambda n: self.read_person(n, sentences))
        facts.cohorts = self.each(doc, "cohorts", lambda n: self.read_cohort(n, sentences))
        facts.events = self.each(doc, "events", lambda n: self.read_event(n, sentences))
        facts.flows = self.each(doc, "flows", lambda n: self.read_flow(n, sentences))
        facts.totals = self.each(doc, "totals", lambda n: self.read_total(n, sentences))
        facts.products = self.each(doc, "products", lambda n: self.read_product(n, sentences))
        facts.business_counts = self.each(
            doc, "business_counts", lambda n: self.read_business_count(n, sentences)
        )
        facts.measures = self.each(doc, "measures", lambda n: self.read_measure(n, sentences))
        facts.targets = self.each(doc, "targets", lambda n: self.read_target(n, sentences))
        facts.statements = self.each(doc, "statements", lambda n: self.read_statement(n, sentences))
        self.check_links(facts)
        return facts

    def check_links(self, facts: SourceFacts) -> None:
        """Check that every key a record points at exists, and that nothing is stated twice."""
        orgs = self.declared["organizations"]
        agencies = self.declared["agencies"]
        people = self.declared["people"]
        cohorts = self.declared["cohorts"]
        events = self.declared["events"]
        where_line = facts.source.where.line

        def need(value: str | None, known: set[str], what: str, line: int) -> None:
            if value and value not in known:
                self.error(line, f"unknown {what} {value!r}")

        need(facts.source.publisher, orgs | agencies, "publisher", where_line)
        need(facts.source.released_by, agencies, "agency", where_line)
        for agency in facts.agencies:
            need(agency.part_of, agencies, "agency", agency.where.line)
        for person in facts.people:
            need(person.head_of, agencies, "agency", person.where.line)
        for cohort in facts.cohorts:
            line = cohort.where.line
            need(cohort.certified_by, agencies, "agency", line)
            need(cohort.supervised_by, agencies, "agency", line)
            need(cohort.reported_by, people, "person", line)
            need(cohort.event, events, "event", line)
        for flow in facts.flows:
            need(flow.exporter, cohorts, "cohort", flow.where.line)
        for total in facts.totals:
            need(total.reported_by, people, "person", total.where.line)
        for measure in facts.measures:
            need(measure.reported_by, people, "person", measure.where.line)
        for target in facts.targets:
            need(target.set_by, agencies, "agency", target.where.line)
        for event in facts.events:
            need(event.organizer, agencies, "agency", event.where.line)
        for statement in facts.statements:
            need(statement.speaker, people, "person", statement.where.line)
        self.check_unique(facts)

    def check_unique(self, facts: SourceFacts) -> None:
        first: dict[tuple[str, str], Where] = {}
        for stated in facts.stated():
            where = stated.record.where
            if stated.id in first:
                self.error(
                    where.line,
                    f"duplicate {stated.kind} {stated.key} (first at line {first[stated.id].line})",
                )
            else:
                first[stated.id] = where


def read_file(path: Path, reference: Reference, today: dt.date | None = None) -> SourceFacts:
    """Read and check one data file; raise FactsErrors listing every problem."""
    try:
        doc = load_yaml(path)
    except FactsError as exc:
        raise FactsErrors([exc]) from exc
    reader = _Reader(path, reference, today)
    try:
        facts = reader.read(doc)
    except FactsError as exc:  # a structural problem deep inside; report what we have
        reader.errors.append(exc)
        facts = None
    if reader.errors or facts is None:
        unique = list({(e.line, e.reason): e for e in reader.errors}.values())
        raise FactsErrors(unique or [FactsError(path, None, "no facts read")])
    return facts


def data_files(directory: Path) -> list[Path]:
    """The data files of a folder, in a stable order."""
    if not directory.is_dir():
        raise FactsErrors([FactsError(directory, None, "data folder not found")])
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise FactsErrors([FactsError(directory, None, "no .yaml data files")])
    return files


def read_facts(
    paths: Iterable[Path], reference: Reference | None = None, today: dt.date | None = None
) -> Facts:
    """Read every data file; check that sources are unique and agree on what they share.

    A resource that several files state (a cohort two outlets report, an agency) is one
    resource: where their descriptions differ, each difference is an error naming both
    places. Sources are ordered by publication date, then key (the order `build` uses).
    """
    reference = reference or load_reference()
    errors: list[FactsError] = []
    sources: list[SourceFacts] = []
    for path in paths:
        try:
            sources.append(read_file(path, reference, today))
        except FactsErrors as exc:
            errors.extend(exc.errors)
    seen: dict[str, SourceFacts] = {}
    for facts in sources:
        key = facts.source.key
        if key in seen:
            errors.append(
                FactsError(
                    facts.path,
                    facts.source.where.line,
                    f"duplicate source {key} (also in {seen[key].path})",
                )
            )
        seen[key] = facts
    sources.sort(key=lambda f: (f.source.date_published, f.source.key))
    # a file that could not be read declares nothing: its mentions elsewhere are not errors
    errors.extend(disagreements([f.stated() for f in sources], complete=not errors))
    if errors:
        raise FactsErrors(errors)
    return Facts(reference, sources)
