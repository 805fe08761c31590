"""Read and check the curated data files into plain records (no RDF here).

One YAML file per source document. Every problem is reported as `file:line: reason`, and
all problems of a run are collected before failing, so an editor fixes them in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaltim_kg.errors import FactsError, FactsErrors
from kaltim_kg.facts.actors import ActorReading, Agency, Person, Statement
from kaltim_kg.facts.fields import Where
from kaltim_kg.facts.provenance import Organization, ProvenanceReading, Source
from kaltim_kg.facts.reference import Reference, load_reference
from kaltim_kg.facts.trade import Cohort, Flow, TradeReading
from kaltim_kg.facts.yaml_lines import load_yaml


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
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Facts:
    """All curated data plus the reference tables it points into."""

    reference: Reference
    sources: list[SourceFacts]


class _Reader(ProvenanceReading, ActorReading, TradeReading):
    """Turns one parsed YAML document into records, collecting every error."""

    def read(self, doc: Any) -> SourceFacts | None:
        doc = self.mapping(doc, 1, "the file")
        if doc is None:
            return None
        top = ("source", "sentences")
        optional = ("organizations", "agencies", "people", "cohorts", "flows", "statements")
        if not self.fields(doc, "the file", top, optional):
            return None
        source = self.read_source(doc)
        sentences = self.read_sentences(doc, source.text if source else None)
        if source is None:
            return None
        self.declared = {
            section: {str(n.get("key")) for n in self.items(doc, section)}
            for section in ("organizations", "agencies", "people", "cohorts")
        }
        facts = SourceFacts(self.path, source, sentences)
        facts.organizations = self.each(doc, "organizations", self.read_organization)
        facts.agencies = self.each(doc, "agencies", lambda n: self.read_agency(n, sentences))
        facts.people = self.each(doc, "people", lambda n: self.read_person(n, sentences))
        facts.cohorts = self.each(doc, "cohorts", lambda n: self.read_cohort(n, sentences))
        facts.flows = self.each(doc, "flows", lambda n: self.read_flow(n, sentences))
        facts.statements = self.each(doc, "statements", lambda n: self.read_statement(n, sentences))
        self.check_links(facts)
        return facts

    def check_links(self, facts: SourceFacts) -> None:
        """Check that every key a record points at exists, and that nothing is stated twice."""
        orgs = self.declared["organizations"]
        agencies = self.declared["agencies"]
        people = self.declared["people"]
        cohorts = self.declared["cohorts"]
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
        for flow in facts.flows:
            need(flow.exporter, cohorts, "cohort", flow.where.line)
        for statement in facts.statements:
            need(statement.speaker, people, "person", statement.where.line)
        self.check_unique(facts)

    def check_unique(self, facts: SourceFacts) -> None:
        groups: list[tuple[str, list[tuple[str, Where]]]] = [
            ("organization", [(o.key, o.where) for o in facts.organizations]),
            ("agency", [(a.key, a.where) for a in facts.agencies]),
            ("person", [(p.key, p.where) for p in facts.people]),
            ("cohort", [(c.cohort_key, c.where) for c in facts.cohorts]),
            ("flow", [(f.flow_key, f.where) for f in facts.flows]),
            ("statement", [(s.key, s.where) for s in facts.statements]),
        ]
        for what, keyed in groups:
            first: dict[str, Where] = {}
            for key, where in keyed:
                if key in first:
                    self.error(
                        where.line, f"duplicate {what} {key} (first at line {first[key].line})"
                    )
                else:
                    first[key] = where


def read_file(path: Path, reference: Reference) -> SourceFacts:
    """Read and check one data file; raise FactsErrors listing every problem."""
    try:
        doc = load_yaml(path)
    except FactsError as exc:
        raise FactsErrors([exc]) from exc
    reader = _Reader(path, reference)
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


def read_facts(paths: Iterable[Path], reference: Reference | None = None) -> Facts:
    """Read every data file and check keys that must be unique across files."""
    reference = reference or load_reference()
    errors: list[FactsError] = []
    sources: list[SourceFacts] = []
    for path in paths:
        try:
            sources.append(read_file(path, reference))
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
    if errors:
        raise FactsErrors(errors)
    return Facts(reference, sources)
