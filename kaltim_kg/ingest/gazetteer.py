"""Find names from a word list in text: places (countries, world regions, provinces,
regencies) and commodities, with the key each name stands for.

The names come from the project's reference data (labels and aliases), never from a list
written here, so a new alias in the reference tables is found by the next extraction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    """One way of writing an entity: 'Tiongkok' for (country, CN)."""

    text: str
    kind: str
    key: str


@dataclass(frozen=True)
class Mention:
    kind: str
    key: str
    text: str
    start: int
    end: int
    ambiguous: tuple[tuple[str, str], ...] = ()  # other (kind, key) the same words can name


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())


class Gazetteer:
    """Longest-match lookup of names in a sentence, on word boundaries.

    A name written with a capital ("Jepang", "Bali") is found only where the text has a
    capital too, so the place "Batu" does not match "batu bara"; a name written in lower
    case ("udang") is found in any case.
    """

    def __init__(self, names: Iterable[Name]) -> None:
        self._by_text: dict[str, list[Name]] = {}
        for name in names:
            text = _fold(name.text)
            if len(text) < 2:
                continue
            bucket = self._by_text.setdefault(text, [])
            if all((n.kind, n.key) != (name.kind, name.key) for n in bucket):
                bucket.append(name)
            elif name.text[:1].islower():
                # keep the lower-case spelling: it allows matches in any case
                bucket[:] = [
                    name if (n.kind, n.key) == (name.kind, name.key) else n for n in bucket
                ]
        alternatives = sorted(self._by_text, key=len, reverse=True)
        # names are stored folded (U+2019 as an ASCII apostrophe); the text may have either
        body = "|".join(
            re.escape(a).replace(r"\ ", r"\s+").replace("'", "['\u2019]") for a in alternatives
        )
        self._pattern = (
            re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE) if body else None
        )

    def __contains__(self, text: str) -> bool:
        return _fold(text) in self._by_text

    def lookup(self, text: str) -> list[Name]:
        return list(self._by_text.get(_fold(text), ()))

    def find(self, sentence: str) -> list[Mention]:
        """Every name in the sentence, longest first where names overlap."""
        if self._pattern is None:
            return []
        found: list[Mention] = []
        position = 0
        while True:
            match = self._pattern.search(sentence, position)
            if match is None:
                return found
            candidates = [
                n for n in self.lookup(match.group()) if _case_fits(n.text, match.group())
            ]
            if candidates:
                first = candidates[0]
                others = tuple((n.kind, n.key) for n in candidates[1:])
                found.append(
                    Mention(
                        first.kind, first.key, match.group(), match.start(), match.end(), others
                    )
                )
                position = match.end()
            else:
                position = match.start() + 1


def _case_fits(name: str, text: str) -> bool:
    if name[:1].islower():
        return True
    return text[:1].isupper()


_COORDINATION = re.compile(
    r"(?:\s*,\s*(?:dan\s+|serta\s+)?|\s+(?:dan|serta|maupun)\s+)([\w-]+(?:\s+[\w-]+)?)"
)


def find_commodities(lexicon: Gazetteer, sentence: str) -> list[Mention]:
    """Commodity mentions, reading the elided head of a coordination as Indonesian does:
    in "lidi nipah dan sawit" the second item is "lidi sawit" when the lexicon has it."""
    found = lexicon.find(sentence)
    extra: list[Mention] = []
    for mention in found:
        words = mention.text.split()
        if len(words) < 2:
            continue
        head = words[0]
        position = mention.end
        while True:
            match = _COORDINATION.match(sentence, position)
            if match is None:
                break
            candidate = None
            for size in (2, 1):
                tail = " ".join(match.group(1).split()[:size])
                if len(tail.split()) < size:
                    continue
                names = lexicon.lookup(f"{head} {tail}")
                if names:
                    end = match.start(1) + len(tail) if size == 1 else match.end(1)
                    candidate = Mention(
                        names[0].kind,
                        names[0].key,
                        sentence[match.start(1) : end],
                        match.start(1),
                        end,
                    )
                    break
            if candidate is None or any(m.start <= candidate.start < m.end for m in found):
                break
            extra.append(candidate)
            position = candidate.end
    return sorted(found + extra, key=lambda m: m.start)
