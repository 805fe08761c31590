"""Who acts and speaks: agencies, people and their statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaltim_kg.facts.fields import FieldReader, Text, Where
from kaltim_kg.facts.yaml_lines import LineDict

AGENCY_ROLES = ("ipska",)
STATEMENT_MODES = ("direct", "reported")


@dataclass(frozen=True)
class Agency:
    """An agency; with `name` None it is only mentioned here, declared in another file."""

    key: str
    name: Text | None
    short_name: str | None
    part_of: str | None
    jurisdiction: str | None
    url: str | None
    acts_as: tuple[str, ...]
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Person:
    """A person; with `name` None only mentioned here, declared in another file."""

    key: str
    name: str | None
    nickname: str | None
    role: Text | None
    head_of: str | None
    evidence: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Statement:
    key: str
    speaker: str
    mode: str
    text: str
    date: dt.date | None
    evidence: tuple[str, ...]
    where: Where


class ActorReading(FieldReader):
    """Reads agencies, people and statements."""

    def mentioned(self, node: LineDict) -> bool:
        """Only a key and evidence: the record is declared in full in another data file."""
        return set(node) <= {"key", "evidence"} and bool(node.get("key"))

    def read_agency(self, node: LineDict, sentences: dict[str, str]) -> Agency | None:
        if self.mentioned(node):
            evidence = self.evidence(node, sentences, "agency")
            return Agency(
                str(node["key"]), None, None, None, None, None, (), evidence, self.where(node)
            )
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
        if self.mentioned(node):
            evidence = self.evidence(node, sentences, "person")
            return Person(str(node["key"]), None, None, None, None, evidence, self.where(node))
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
