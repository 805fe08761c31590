"""Write a draft as the YAML an officer reviews: the curated layout (one flow a line),
review flags as comments above their records, and the line of each flag for the checklist."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kaltim_kg.ingest.draft import Draft, Flag

HEADER = """\
# DRAFT written by `kaltim-kg extract` from {origin}.
# Review every record against the article before publishing: lines marked REVIEW need a
# decision; everything else was read from the sentences cited. Remove this header when done.
"""
ONE_LINE_SECTIONS = ("flows", "products")
_WIDTH = 96


@dataclass(frozen=True)
class ReviewItem:
    line: int
    flag: Flag


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, default_flow_style=True, width=10_000
    )
    return text.strip().removesuffix("...").strip()


def _block(value: Any, indent: int) -> list[str]:
    text = yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, default_flow_style=None, width=_WIDTH
    )
    pad = " " * indent
    return [pad + line for line in text.rstrip("\n").split("\n")]


def _sentence_lines(key: str, text: str) -> list[str]:
    if len(text) + len(key) + 4 <= _WIDTH and _scalar(text) == text:
        return [f"  {key}: {text}"]
    words = text.split(" ")
    lines, current = [f"  {key}: >-"], "   "
    for word in words:
        if len(current) + len(word) + 1 > _WIDTH and current.strip():
            lines.append(current)
            current = "   "
        current += " " + word
    lines.append(current)
    return lines


def _record_key(section: str, record: dict[str, Any]) -> str:
    if section == "flows":
        period = record.get("year", record.get("period"))
        return f"{period}-{record['commodity']}-{record['destination']}"
    return str(record.get("key", "?"))


def _mark(flag: Flag) -> str:
    return "REVIEW" if flag.review else "NOTE"


@dataclass(frozen=True)
class Span:
    """Where one record of a list section sits in the rendered text (lines, from 1)."""

    first: int
    last: int
    section: str
    index: int


def render(draft: Draft, origin: str) -> tuple[str, list[ReviewItem]]:
    """The draft's YAML text and its review items (line numbers in that text)."""
    text, items, _spans = render_with_spans(draft, origin)
    return text, items


def render_with_spans(draft: Draft, origin: str) -> tuple[str, list[ReviewItem], list[Span]]:
    """As `render`, with the lines each record of a list section takes."""
    spans: list[Span] = []
    lines: list[str] = HEADER.format(origin=origin).rstrip("\n").split("\n")
    items: list[ReviewItem] = []
    flags_by_record: dict[tuple[str, str], list[Flag]] = {}
    for flag in draft.flags:
        bucket = flags_by_record.setdefault((flag.section, flag.key), [])
        if flag not in bucket:
            bucket.append(flag)
    loose = [f for f in draft.flags if f.key == "?"]
    if loose:
        lines.append("#")
        for flag in loose:
            lines.append(f"# REVIEW ({flag.section}): {flag.reason}")
            items.append(ReviewItem(len(lines), flag))
    for section, content in draft.sections.items():
        lines.append("")
        if section == "source":
            lines.append("source:")
            for flag in flags_by_record.get(("source", draft.source_key), []):
                lines.append(f"  # {_mark(flag)}: {flag.reason}")
                items.append(ReviewItem(len(lines), flag))
            lines.extend(_block(content, 2))
            continue
        if section == "sentences":
            lines.append("sentences:")
            for key, text in content.items():
                lines.extend(_sentence_lines(key, text))
            continue
        lines.append(f"{section}:")
        for index, record in enumerate(content):
            flags = flags_by_record.get((section, _record_key(section, record)), [])
            first = len(lines) + 1
            lines.extend(f"  # {_mark(flag)}: {flag.reason}" for flag in flags)
            items.extend(ReviewItem(len(lines) + 1, flag) for flag in flags if flag.review)
            if section in ONE_LINE_SECTIONS:
                lines.append(f"  - {_scalar(record)}")
            else:
                block = _block([record], 2)
                lines.extend(block)
            spans.append(Span(first, len(lines), section, index))
    return "\n".join(lines) + "\n", items, spans


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def summary(draft: Draft) -> dict[str, int]:
    """How many records of each kind the draft holds."""
    return {
        name: len(records)
        for name, records in draft.sections.items()
        if isinstance(records, list) and name != "sentences"
    }
