"""Split Indonesian article text into paragraphs and sentences, verbatim.

No library splits Indonesian well (pysbd has no Indonesian rules, and punkt-style models
would have to be downloaded), so the rules are written here for the language's press
style: abbreviations with a dot ("Rp.", "Kab.", "No.", "H." as an initial), dates in
brackets ("Rabu (03/02/2021)."), and quotations whose closing mark is followed by the
speech verb ("…ekspor,” kata Roby.") or by the next sentence ("…meningkat.” Dia …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a dot without ending a sentence (compared without the dot, case-folded).
ABBREVIATIONS = frozenset(
    [
        "rp",
        "kab",
        "kec",
        "kel",
        "prov",
        "kota",
        "no",
        "nomor",
        "jl",
        "jln",
        "dr",
        "drs",
        "dra",
        "prof",
        "ir",
        "hj",
        "h",
        "st",
        "sdr",
        "sdri",
        "bpk",
        "yth",
        "tbk",
        "pt",
        "cv",
        "ud",
        "kp",
        "rt",
        "rw",
        "tgl",
        "tel",
        "telp",
        "hp",
        "fax",
        "dkk",
        "dll",
        "dsb",
        "dst",
        "dll",
        "sbg",
        "spt",
        "yg",
        "dgn",
        "utk",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "agu",
        "agt",
        "ags",
        "sep",
        "sept",
        "okt",
        "nov",
        "des",
        "mr",
        "mrs",
        "ms",
        "vs",
        "etc",
        "s.e",
        "s.h",
        "s.pd",
        "s.sos",
        "m.si",
        "m.m",
        "m.pd",
        "s.t",
        "s.kom",
        "a.md",
        "ph.d",
    ]
)

# A sentence may end at . ! ? (runs of them, e.g. "?!" or an ellipsis), optionally followed
# by closing quotes or brackets.
_END = re.compile(r"[.!?]+[\"\u201d\u2019'\u00bb)\]]*(?=\s)")
_OPENERS = "\u201c\"\u2018'\u00ab(["


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text (whitespace collapsed) and where it sits in the article."""

    text: str
    paragraph: int
    index: int  # position in the article, from 0


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text, each with its whitespace collapsed.

    Blank lines separate paragraphs when the text has any (lines inside a block are one
    hard-wrapped paragraph); otherwise every line is a paragraph, as news sites paste them.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text.strip()):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def _word_before(text: str, end: int) -> str:
    """The token that ends right before position `end` (the dot), without leading punctuation."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENERS)


def _is_boundary(paragraph: str, match: re.Match[str]) -> bool:
    after = paragraph[match.end() :].lstrip()
    if not after:
        return False
    first = after[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS):
        return False  # "…ekspor,” kata Roby" or "… dll. dan" continue the sentence
    mark = match.group()
    if mark.startswith(".") and not mark.startswith(".."):
        word = _word_before(paragraph, match.start())
        if word.casefold() in ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isalpha():
            return False  # an initial: "H. Isran Noor", "M. Yadi"
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
            return False  # "S.E", "a.n"
    return True


def split_paragraph(paragraph: str) -> list[str]:
    """Sentences of one paragraph, verbatim (no character added or dropped but spaces)."""
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(paragraph):
        if _is_boundary(paragraph, match):
            pieces.append(paragraph[start : match.end()].strip())
            start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of an article, in order, with its paragraph number."""
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs(text)):
        for piece in split_paragraph(paragraph):
            sentences.append(Sentence(piece, number, len(sentences)))
    return sentences
