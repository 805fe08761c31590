"""Many sources, each fact once: records of the same resource in several files must agree.

Two outlets reporting one press release state the same cohort and flows; an agency appears
in every release. Each is one resource. Its description (everything but the evidence and
where it was written) must be the same wherever it is stated in full, and a file that only
mentions it by key must find it declared in full somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from kaltim_kg.errors import FactsError

_NOT_DESCRIPTION = {"evidence", "where"}
_DECLARED_BY = {"agency": "name", "person": "name"}  # None there: a mention by key


@dataclass(frozen=True)
class Stated:
    """A record that names a resource: its IRI kind and key, and the record."""

    kind: str
    key: str
    record: Any

    @property
    def id(self) -> tuple[str, str]:
        return (self.kind, self.key)

    @property
    def is_mention(self) -> bool:
        name = _DECLARED_BY.get(self.kind)
        return name is not None and getattr(self.record, name) is None

    def description(self) -> dict[str, Any]:
        return {
            f.name: getattr(self.record, f.name)
            for f in fields(self.record)
            if f.name not in _NOT_DESCRIPTION
        }


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if hasattr(value, "words"):
        return value.words("id")
    if hasattr(value, "key") and not isinstance(value, str):
        return str(value.key)
    if hasattr(value, "code"):
        return str(value.code)
    return repr(value) if isinstance(value, str) else str(value)


def disagreements(files: Iterable[list[Stated]], complete: bool = True) -> list[FactsError]:
    """Errors for every difference between two full statements of one resource, and (when
    `complete`: every file could be read) for every mention that no file declares."""
    declared: dict[tuple[str, str], Stated] = {}
    mentions: list[Stated] = []
    errors: list[FactsError] = []
    for stated_in_file in files:
        for stated in stated_in_file:
            if stated.is_mention:
                mentions.append(stated)
                continue
            first = declared.setdefault(stated.id, stated)
            if first is stated:
                continue
            theirs, ours = first.description(), stated.description()
            for name in (n for n in ours if ours[n] != theirs[n]):
                where = stated.record.where
                errors.append(
                    FactsError(
                        where.path,
                        where.line,
                        f"{stated.kind} {stated.key}: sources disagree on {name}: "
                        f"{_shown(ours[name])} here, {_shown(theirs[name])} in "
                        f"{first.record.where}",
                    )
                )
    for mention in mentions if complete else ():
        if mention.id not in declared:
            where = mention.record.where
            errors.append(
                FactsError(
                    where.path,
                    where.line,
                    f"{mention.kind} {mention.key} is only mentioned: declare it in full "
                    "(name, ...) in one data file",
                )
            )
    return errors
