"""Typed field readers shared by every record kind: each problem collected as file:line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaltim_kg.errors import FactsError
from kaltim_kg.facts.reference import Reference
from kaltim_kg.facts.yaml_lines import LineDict


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


class FieldReader:
    """Reads typed fields of one data file's YAML nodes, collecting every error."""

    def __init__(self, path: Path, reference: Reference, today: dt.date | None = None) -> None:
        self.path = path
        self.reference = reference
        self.today = today or dt.date.today()  # no source is published after it
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

    def each(self, doc: LineDict, key: str, read: Callable[[LineDict], Any]) -> list[Any]:
        return [r for r in (read(node) for node in self.items(doc, key)) if r is not None]
