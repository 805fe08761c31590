"""The source document itself: the article, its sentences and its publisher."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kaltim_kg.facts.fields import FieldReader, Text, Where
from kaltim_kg.facts.yaml_lines import LineDict

ORGANIZATION_KINDS = ("news-media",)
_HEADER_LINE = re.compile(r"^(?P<key>[a-z_]+): ?(?P<value>.*)$")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """An article file's `key: value` header lines ended by a line `---`, and the body.

    Texts without such a header (the seed's) are all body.
    """
    lines = text.splitlines()
    if "---" not in lines:
        return {}, text
    end = lines.index("---")
    matches = [_HEADER_LINE.match(line) for line in lines[:end]]
    if not end or not all(matches):
        return {}, text
    header = {m["key"]: m["value"].strip() for m in matches if m}
    return header, "\n".join(lines[end + 1 :])


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


class ProvenanceReading(FieldReader):
    """Reads the source, its sentences and the organizations behind it."""

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
        if published > self.today:
            self.error(
                node.line_of("date_published"),
                f"source: date_published {published} is in the future",
            )
        text = ""
        if node.get("text_file"):
            text_path = self.path.parent / str(node["text_file"])
            try:
                header, text = split_header(text_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                self.error(node.line_of("text_file"), f"source: cannot read text file: {exc}")
                header = {}
            for field_name in ("url", "date_published"):
                stated = header.get(field_name)
                if stated is not None and stated != str(node[field_name]):
                    self.error(
                        node.line_of(field_name),
                        f"source: {field_name} {node[field_name]} differs from the text "
                        f"file's header ({stated})",
                    )
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
