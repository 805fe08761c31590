"""A small SPARQL lexer: what a query is, before any engine sees it.

The endpoint must know the query form to negotiate a format, and must refuse updates,
`SERVICE` (the engine would open an outbound connection) and absurd nesting (the engine's
recursive parser overflows its stack) before the query reaches a worker. Strings, IRIs and
comments are skipped the way the SPARQL grammar reads them, so `"SERVICE"`, `<urn:SERVICE>`,
`# SERVICE` and `?service` are not mistaken for the keyword. Where the lexer is unsure it
ends a string or comment early, so it can only over-detect, never miss, a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_NESTING = 200  # pyoxigraph 0.5 segfaults somewhere past a few thousand open brackets

# A prefixed name's local part, as SPARQL reads it: it cannot start with `.` or `-`, and
# cannot end with `.`, so `ex:a.SERVICE` is one name but `ex:.SERVICE` and `ex:a. SERVICE`
# are a name, a dot and a keyword. A keyword (a name without a colon) has no dots at all.
_LOCAL_CHAR = r"(?:[\w:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_LOCAL = rf"{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|[.\-])*(?:{_LOCAL_CHAR}|-))?"

# Order matters: long strings before short ones, IRIs before the `<` operator.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<long>'''|\"\"\")
  | (?P<string>'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<name>(?:[^\W\d](?:[\w.\-]*[\w\-])?)?:(?:{local})?|[^\W\d]\w*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """.replace("{local}", _LOCAL),
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryScan:
    """What the lexer learnt about a request's query text."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None if not a query
    update: str | None  # the update keyword that starts it, if it is an update
    service: bool  # contains a SERVICE clause
    dataset_clause: bool  # contains FROM / FROM NAMED
    depth: int  # deepest bracket nesting
    star_order: tuple[str, ...] | None = None  # SELECT *: variables by first appearance

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


_LONG_BODY = {
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
}


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every significant token; long strings are found with one linear scan."""
    tokens: list[tuple[str, str]] = []
    unterminated: set[str] = set()  # once a long string has no end, none later has one
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match is not None  # `other` matches any character
        kind, pos = match.lastgroup or "other", match.end()
        if kind == "long":
            quote = match.group()
            body = None if quote in unterminated else _LONG_BODY[quote].match(text, pos)
            if body is None:
                unterminated.add(quote)  # lex on as code: over-detects, never hides
            else:
                pos = body.end()
            continue
        if kind == "iri":
            # In an expression `<` is less-than, and the engine's parser reads `?a<((1))>2`
            # as brackets, not an IRI: count an IRI's brackets as nesting too (over-counts
            # real IRIs with parentheses, which are balanced and shallow).
            tokens.extend(
                ("open" if c in "([" else "close", c) for c in match.group() if c in "()[]"
            )
        elif kind not in ("space", "comment", "string"):
            tokens.append((kind, match.group()))
    return tokens


def scan_query(text: str) -> QueryScan:
    """Lex `text` and report its form, update keyword, SERVICE use, FROM use and nesting."""
    form: str | None = None
    update: str | None = None
    service = dataset_clause = False
    depth = deepest = 0
    in_prologue = True
    tokens = _tokens(text)
    for kind, token in tokens:
        if kind in ("var", "other"):
            continue
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            continue
        if kind == "close":
            depth = max(0, depth - 1)
            continue
        word = token.upper()
        if ":" in word:  # a prefixed name, never a keyword
            continue
        if word == "SERVICE":
            service = True
        elif word == "FROM":
            dataset_clause = True
        if in_prologue and word not in ("PREFIX", "BASE"):
            in_prologue = False
            form = word if word in QUERY_FORMS else None
            update = word if word in UPDATE_FORMS else None
    star = _star_order(tokens) if form == "SELECT" else None
    return QueryScan(form, update, service, dataset_clause, deepest, star)


def _star_order(tokens: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """For `SELECT *`, every variable name in order of first appearance, else None.

    The engine lists `SELECT *` columns alphabetically; researchers (and the W3C result
    tests) expect them in the order the query mentions them.
    """
    words = [t.upper() for k, t in tokens if k in ("name", "other") and t.strip()]
    try:
        after = words[words.index("SELECT") + 1 :]
    except ValueError:
        return None
    while after and after[0] in ("DISTINCT", "REDUCED"):
        after = after[1:]
    if not after or after[0] != "*":
        return None
    names = (t[1:] for k, t in tokens if k == "var")
    return tuple(dict.fromkeys(names))
