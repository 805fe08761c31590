"""A tiny HTML reader for tests: elements with their attributes and text (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        if self._open:
            self._open[-1].children.append(element)
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse_html(text: str) -> list[Element]:
    """Every element of the document, in order, each with all the text inside it."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.elements


def find(elements: list[Element], tag: str, **attrs: str) -> list[Element]:
    return [
        e
        for e in elements
        if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
    ]
