"""Normal forms of names and codes, so that spelling, case and officers' shorthand match.

Three forms of every text: the *key* (case, diacritics and punctuation folded, the
abbreviations Indonesian officers write spelled out), its *core* (the key without the
administrative word: "kabupaten", "kota", "provinsi", "regency", ...; with that word kept
apart as the *qualifier*, since "Kota Bogor" and "Kabupaten Bogor" are two places), and
the *code key* (letters and digits only, upper case: "ID-KI" → "IDKI", "0306.17" → "030617").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Officers' shorthand, as tokens after folding ("Kab." → "kab"), spelled out.
ABBREVIATIONS: dict[str, str] = {
    "kab": "kabupaten",
    "kabu": "kabupaten",
    "kabupatan": "kabupaten",
    "kodya": "kota",
    "kotamadya": "kota",
    "kt": "kota",
    "prov": "provinsi",
    "prop": "provinsi",
    "propinsi": "provinsi",
    "kep": "kepulauan",
    "kepl": "kepulauan",
    "kec": "kecamatan",
    "rep": "republik",
}
# The administrative word of a name (either end), and which kind of place it says.
QUALIFIERS: dict[str, str] = {
    "kabupaten": "regency",
    "regency": "regency",
    "kota": "city",
    "city": "city",
    "provinsi": "province",
    "province": "province",
}
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_CODE = re.compile(r"[^0-9A-Z]+")
MAX_TEXT = 500  # characters of a name considered; longer input is cut (linear-time checks)


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(text: str) -> list[str]:
    words = _NOT_WORD.sub(" ", _strip_marks(text[:MAX_TEXT]).casefold()).split()
    # "D.I. Yogyakarta" → "di yogyakarta": a run of single letters was one dotted word.
    joined: list[str] = []
    in_run = False
    for word in words:
        single = len(word) == 1 and word.isalpha()
        if single and in_run:
            joined[-1] += word
        else:
            joined.append(word)
        in_run = single
    return [ABBREVIATIONS.get(word, word) for word in joined]


@lru_cache(maxsize=1 << 16)  # an index build folds each label more than once
def name_key(text: str) -> str:
    """The folded form names are compared in: 'Kab. Kutai  Kartanegara' → 'kabupaten kutai kartanegara'."""
    return " ".join(_tokens(text))


def core_key(key: str) -> tuple[str, str | None]:
    """A name key without its administrative word, and the kind of place that word says."""
    words = key.split()
    qualifier = None
    if len(words) > 1 and words[0] in QUALIFIERS:
        qualifier = QUALIFIERS[words.pop(0)]
    elif len(words) > 1 and words[-1] in QUALIFIERS:
        qualifier = QUALIFIERS[words.pop()]
    return " ".join(words), qualifier


@lru_cache(maxsize=1 << 16)
def code_key(text: str) -> str:
    """Letters and digits only, upper case: the form codes are compared in."""
    return _NOT_CODE.sub("", _strip_marks(text[:MAX_TEXT]).upper())
