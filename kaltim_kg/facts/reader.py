"""Read and check the curated data files into plain records (no RDF here).

One YAML file per source document. Every problem is reported as `file:line: reason`, and
all problems of a run are collected before failing, so an editor fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaltim_kg.errors import FactsError, FactsErrors
from kaltim_kg.facts.reference import Reference, load_reference
from kaltim_kg.facts.yaml_lines import LineDict, load_yaml
from kaltim_kg.namespaces import slugify

TRADE_TYPES = ("export", "domestic-sale")
SECTORS = ("creative-industry",)
AGENCY_ROLES = ("ipska",)
STATEMENT_MODES = ("direct", "reported")
ORGANIZATION_KINDS = ("news-media",)


@dataclass(frozen=True)
class Where:
    """Where a record was written, for error messages and SHACL results."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Text:
    """A label in Indonesian and English."""

    id: str
    en: str


@dataclass(frozen=True)
class Source:
    key: str
    title: Text
    date_published: dt.date
    language: str
    url: str
    publisher: str
    released_by: str
    about_region: str
    text: str
    where: Where


@dataclass(frozen=True)
class Organization:
    key: str
    kind: str
    name: Text
    url: str | None
    where: Where


@dataclass(frozen=True)
class Agency:
    key: str
    name: Text
    short_name: str | None
    part_of: str | None
    jurisdiction: str | None
    url: str | None
    acts_as: tuple[str, ...]
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    nickname: str | None
    role: Text
    head_of: str | None
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Cohort:
    key: str
    year: int
    label: Text
    trade_type: str
    sector: str | None
    member_count: int | None
    value_idr: int
    certified_by: str | None
    supervised_by: str | None
    reported_by: str | None
    evidence: tuple[str, ...]
    where: Where

    @property
    def cohort_key(self) -> str:
        return f"{self.year}-{self.key}"


@dataclass(frozen=True)
class Flow:
    year: int
    commodity: str
    destination: str
    exporter: str
    evidence: tuple[str, ...]
    where: Where

    @property
    def flow_key(self) -> str:
        return f"{self.year}-{self.commodity}-{self.destination}"


@dataclass(frozen=True)
class Statement:
    key: str
    speaker: str
    mode: str
    text: str
    date: dt.date | None
    evidence: tuple[str, ...]
    where: Where


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


class _Reader:
    """Turns one parsed YAML document into records, collecting every error."""

    def __init__(self, path: Path, reference: Reference) -> None:
        self.path = path
        self.reference = reference
        self.errors: list[FactsError] = []
        self.declared: dict[str, set[str]] = {}

    def error(self, line: int | None, reason: str) -> None:
        self.errors.append(FactsError(self.path, line, reason))

    def where(self, node: LineDict) -> Where:
        return Where(str(self.path), node.line)

    def mapping(self, node: Any, line: int | None, what: str) -> LineDict | None:
        if not isinstance(node, LineDict):
            self.error(line, f"{what} must be a mapping")
            return None
        return node

    def fields(
        self, node: LineDict, what: str, required: Iterable[str], optional: Iterable[str]
    ) -> bool:
        required = tuple(required)
        allowed = set(required) | set(optional)
        ok = True
        for key in node:
            if key not in allowed:
                self.error(node.line_of(key), f"unknown field {key!r} in {what}")
                ok = False
        for key in required:
            if node.get(key) in (None, "", []):
                self.error(node.line, f"{what}: missing {key!r}")
                ok = False
        return ok

    def text(self, node: LineDict, key: str, what: str) -> Text | None:
        value = node.get(key)
        if isinstance(value, str):
            self.error(node.line_of(key), f"{what}: {key!r} needs both 'id' and 'en' labels")
            return None
        value = self.mapping(value, node.line_of(key), f"{what}: {key!r}")
        if value is None:
            return None
        if not self.fields(value, f"{what}: {key!r}", ("id", "en"), ()):
            return None
        return Text(str(value["id"]).strip(), str(value["en"]).strip())

    def string(self, node: LineDict, key: str) -> str | None:
        value = node.get(key)
        return None if value is None else str(value).strip()

    def whole_rupiah(self, node: LineDict, key: str, what: str) -> int | None:
        value = node.get(key)
        line = node.line_of(key)
        if isinstance(value, (bool, float)):
            self.error(line, f"{what}: {key} must be a whole number of rupiah, got {value!r}")
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            self.error(line, f"{what}: {key} must be a whole number of rupiah, got {value!r}")
            return None
        if value < 0:
            self.error(line, f"{what}: {key} must not be negative, got {value}")
            return None
        return value

    def count(self, node: LineDict, key: str, what: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(
                node.line_of(key), f"{what}: {key} must be a non-negative integer, got {value!r}"
            )
            return None
        return value

    def year(self, node: LineDict, what: str) -> int | None:
        value = node.get("year")
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
            self.error(
                node.line_of("year"), f"{what}: year must be a four-digit year, got {value!r}"
            )
            return None
        return value

    def evidence(self, node: LineDict, sentences: dict[str, str], what: str) -> tuple[str, ...]:
        value = node.get("evidence")
        if value in (None, "", []):
            self.error(node.line, f"{what}: missing evidence (cite at least one sentence)")
            return ()
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            self.error(
                node.line_of("evidence"), f"{what}: evidence must be a list of sentence keys"
            )
            return ()
        for key in keys:
            if key not in sentences:
                self.error(node.line_of("evidence"), f"{what}: unknown evidence sentence {key!r}")
        return tuple(keys)

    def choice(self, node: LineDict, key: str, allowed: Iterable[str], what: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if value not in tuple(allowed):
            self.error(node.line_of(key), f"{what}: unknown {key} {value!r}")
            return None
        return str(value)

    def items(self, doc: LineDict, key: str) -> list[LineDict]:
        value = doc.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(doc.line_of(key), f"{key!r} must be a list")
            return []
        items = []
        for item in value:
            checked = self.mapping(item, doc.line_of(key), f"an entry of {key!r}")
            if checked is not None:
                items.append(checked)
        return items

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

    def each(self, doc: LineDict, key: str, read: Callable[[LineDict], Any]) -> list[Any]:
        return [r for r in (read(node) for node in self.items(doc, key)) if r is not None]

    def read_source(self, doc: LineDict) -> Source | None:
        node = self.mapping(doc["source"], doc.line_of("source"), "source")
        if node is None:
            return None
        required = ("key", "title", "date_published", "language", "url", "publisher")
        optional = ("released_by", "about_region", "text_file")
        if not self.fields(node, "source", required, optional):
            return None
        title = self.text(node, "title", "source")
        published = node["date_published"]
        if not isinstance(published, dt.date) or isinstance(published, dt.datetime):
            self.error(node.line_of("date_published"), "source: date_published must be YYYY-MM-DD")
            return None
        text = ""
        if node.get("text_file"):
            text_path = self.path.parent / str(node["text_file"])
            try:
                text = text_path.read_text(encoding="utf-8")
            except OSError as exc:
                self.error(node.line_of("text_file"), f"source: cannot read text file: {exc}")
        region = self.string(node, "about_region")
        if region and region not in self.reference.regions:
            self.error(node.line_of("about_region"), f"unknown region {region!r}")
        key = str(node["key"])
        if title is None:
            return None
        return Source(
            key=key,
            title=title,
            date_published=published,
            language=str(node["language"]),
            url=str(node["url"]),
            publisher=str(node["publisher"]),
            released_by=self.string(node, "released_by") or "",
            about_region=region or "",
            text=text,
            where=self.where(node),
        )

    def read_sentences(self, doc: LineDict, text: str | None) -> dict[str, str]:
        node = self.mapping(doc["sentences"], doc.line_of("sentences"), "sentences")
        if node is None:
            return {}
        flat_text = " ".join(text.split()) if text else ""
        sentences = {}
        for key, value in node.items():
            if not isinstance(value, str) or not value.strip():
                self.error(node.line_of(key), f"sentence {key!r} must be non-empty text")
                continue
            sentence = " ".join(value.split())
            if flat_text and sentence not in flat_text:
                self.error(
                    node.line_of(key), f"sentence {key!r} is not verbatim in the source text"
                )
            sentences[key] = sentence
        return sentences

    def read_organization(self, node: LineDict) -> Organization | None:
        if not self.fields(node, "organization", ("key", "kind", "name"), ("url",)):
            return None
        name = self.text(node, "name", "organization")
        kind = self.choice(node, "kind", ORGANIZATION_KINDS, "organization")
        if name is None or kind is None:
            return None
        return Organization(
            str(node["key"]), kind, name, self.string(node, "url"), self.where(node)
        )

    def read_agency(self, node: LineDict, sentences: dict[str, str]) -> Agency | None:
        optional = ("short_name", "part_of", "jurisdiction", "url", "acts_as")
        if not self.fields(node, "agency", ("key", "name"), (*optional, "evidence")):
            return None
        name = self.text(node, "name", "agency")
        roles = node.get("acts_as") or []
        for role in roles:
            if role not in AGENCY_ROLES:
                self.error(node.line_of("acts_as"), f"agency: unknown role {role!r}")
        region = self.string(node, "jurisdiction")
        if region and region not in self.reference.regions:
            self.error(node.line_of("jurisdiction"), f"unknown region {region!r}")
        evidence = self.evidence(node, sentences, "agency")
        if name is None:
            return None
        return Agency(
            key=str(node["key"]),
            name=name,
            short_name=self.string(node, "short_name"),
            part_of=self.string(node, "part_of"),
            jurisdiction=region,
            url=self.string(node, "url"),
            acts_as=tuple(roles),
            evidence=evidence,
            where=self.where(node),
        )

    def read_person(self, node: LineDict, sentences: dict[str, str]) -> Person | None:
        optional = ("nickname", "head_of")
        if not self.fields(node, "person", ("key", "name", "role"), (*optional, "evidence")):
            return None
        role = self.text(node, "role", "person")
        evidence = self.evidence(node, sentences, "person")
        if role is None:
            return None
        return Person(
            key=str(node["key"]),
            name=str(node["name"]),
            nickname=self.string(node, "nickname"),
            role=role,
            head_of=self.string(node, "head_of"),
            evidence=evidence,
            where=self.where(node),
        )

    def read_cohort(self, node: LineDict, sentences: dict[str, str]) -> Cohort | None:
        required = ("key", "year", "label", "trade_type", "value_idr")
        optional = ("sector", "member_count", "certified_by", "supervised_by", "reported_by")
        optional += ("evidence",)
        if not self.fields(node, "cohort", required, optional):
            return None
        what = f"cohort {node['key']!r}"
        year = self.year(node, what)
        label = self.text(node, "label", what)
        trade_type = self.choice(node, "trade_type", TRADE_TYPES, what)
        sector = self.choice(node, "sector", SECTORS, what)
        members = self.count(node, "member_count", what)
        value = self.whole_rupiah(node, "value_idr", what)
        evidence = self.evidence(node, sentences, what)
        if None in (year, label, trade_type, value):
            return None
        return Cohort(
            key=slugify(str(node["key"])),
            year=year,  # type: ignore[arg-type]
            label=label,  # type: ignore[arg-type]
            trade_type=trade_type,  # type: ignore[arg-type]
            sector=sector,
            member_count=members,
            value_idr=value,  # type: ignore[arg-type]
            certified_by=self.string(node, "certified_by"),
            supervised_by=self.string(node, "supervised_by"),
            reported_by=self.string(node, "reported_by"),
            evidence=evidence,
            where=self.where(node),
        )

    def read_flow(self, node: LineDict, sentences: dict[str, str]) -> Flow | None:
        required = ("year", "commodity", "destination", "exporter")
        if not self.fields(node, "flow", required, ("evidence",)):
            return None
        year = self.year(node, "flow")
        commodity = str(node["commodity"])
        if commodity not in self.reference.commodities:
            self.error(node.line_of("commodity"), f"unknown commodity {commodity!r}")
        country = self.reference.find_country(str(node["destination"]))
        if country is None:
            self.error(node.line_of("destination"), f"unknown country {node['destination']!r}")
        evidence = self.evidence(node, sentences, "flow")
        if year is None or country is None or commodity not in self.reference.commodities:
            return None
        return Flow(
            year, commodity, country.code, str(node["exporter"]), evidence, self.where(node)
        )

    def read_statement(self, node: LineDict, sentences: dict[str, str]) -> Statement | None:
        required = ("key", "speaker", "mode", "text")
        if not self.fields(node, "statement", required, ("date", "evidence")):
            return None
        mode = self.choice(node, "mode", STATEMENT_MODES, "statement")
        evidence = self.evidence(node, sentences, "statement")
        text = " ".join(str(node["text"]).split())
        if evidence and not any(text in sentences.get(k, "") for k in evidence):
            self.error(node.line_of("text"), "statement: text is not part of its evidence sentence")
        date = node.get("date")
        if date is not None and not isinstance(date, dt.date):
            self.error(node.line_of("date"), "statement: date must be YYYY-MM-DD")
            date = None
        if mode is None:
            return None
        return Statement(
            str(node["key"]), str(node["speaker"]), mode, text, date, evidence, self.where(node)
        )

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
