"""A linear-time SPARQL lexer: what a query is, before any engine sees it.

The endpoint must know the query form to negotiate a format, and must refuse updates,
`SERVICE` (the engine would open an outbound connection) and absurd nesting (the engine's
recursive parser overflows its stack) before the query reaches a worker. So the lexer must
never see less than the engine does: it reads names, strings, IRIs and comments with the
SPARQL 1.1 grammar's own terminals (§19.8: PN_CHARS_BASE, PN_CHARS_U, PN_CHARS, PLX, IRIREF,
the four string forms, `#` to the end of the line), not with Python's `\\w`, so `ex:a·\\#` is
one name (the `\\#` is an escape, not a comment) exactly as the engine reads it.

Where the engine's parser differs from the grammar, the lexer follows the engine (pyoxigraph
0.5, a PEG parser; tests/test_query_scan_engine.py checks the two agree): keywords need no
word boundary, so `trueSERVICE <x> {}` and `SERVICE:x {}` are a SERVICE clause to it; a
local name holds one run of dots at most; inside an expression `<` after a value is
less-than, not an IRI. Where the lexer cannot be sure (an unterminated string), it lexes on
as code: it may over-detect, never miss.

Linear time: every pattern below is possessive (`*+`, `++`) with alternatives that start with
different characters, so no pattern backtracks; an unterminated string is recognised once
per line (every later quote of that kind on the line is unterminated too), so a line of
quotes costs one scan, not one per quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kaltim_kg.namespaces import QUERY_PREFIXES

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_NESTING = 200  # pyoxigraph 0.5 segfaults somewhere past a few thousand open brackets

# SPARQL 1.1 §19.8, as character-class bodies.
PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
PN_CHARS_U = PN_CHARS_BASE + "_"
_NAME_EXTRA = "0-9\u00b7\u0300-\u036f\u203f-\u2040"
PN_CHARS = PN_CHARS_U + "\\-" + _NAME_EXTRA
_VARNAME_CHARS = PN_CHARS_U + _NAME_EXTRA
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"[{PN_CHARS}:]|{_PLX}"
# PN_LOCAL as the engine reads it: the grammar lets dots sit anywhere but at the end; the
# engine's rule takes one run of dots at most (`ex:a.b.SERVICE` is `ex:a.b`, `.`, SERVICE).
_LOCAL = rf"(?:[{PN_CHARS_U}:0-9]|{_PLX})(?:{_LOCAL_CHAR})*+(?:\.++(?:{_LOCAL_CHAR})++)?+"
# PN_PREFIX, or a keyword: the same run (a keyword is split at its dots afterwards).
_RUN = rf"[{PN_CHARS_U}](?:[{PN_CHARS}]++|\.++(?=[{PN_CHARS}]))*+"

# One significant token per match, after any space and comments (skipped in the same call).
_TOKEN = re.compile(
    rf"""
    (?:[ \t\r\n]++|\#[^\r\n]*+)*+
    (?:
      (?P<bnode>_:[{PN_CHARS_U}0-9](?:[{PN_CHARS}]++|\.++(?=[{PN_CHARS}]))*+)
    | (?P<word>{_RUN})(?P<local>:(?:{_LOCAL})?+)?+
    | (?P<var>[?$][{PN_CHARS_U}0-9][{_VARNAME_CHARS}]*+)
    | (?P<open>[{{(\[])
    | (?P<close>[}})\]])
    | (?P<quote>['"])
    | (?P<lt><)
    | (?P<pname>:(?:{_LOCAL})?+)
    | (?P<number>(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+)
    | (?P<lang>@[A-Za-z0-9\-]*+)
    | (?P<punct>[.,;|/^!=&+\-*>]++)
    | (?P<other>.)
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*+>')
_SHORT = {
    "'": re.compile(r"'(?:[^'\\\r\n]++|\\[^\r\n])*+'"),
    '"': re.compile(r'"(?:[^"\\\r\n]++|\\[^\r\n])*+"'),
}
_LONG = {
    "'": re.compile(r"'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+'''"),
    '"': re.compile(r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""'),
}
_LINE_END = re.compile(r"[\r\n]")

# Bare words that are values, not function names, before a `(` in a pattern.
_VALUE_WORDS = frozenset({"A", "TRUE", "FALSE", "UNDEF"})
# Words after which `(` opens an expression even after a variable (`SELECT ?x (… AS ?y)`).
_CLAUSE_WORDS = frozenset({"SELECT", "HAVING", "BY"})
_CLAUSE_ENDS = frozenset({"WHERE", "LIMIT", "OFFSET", "VALUES", "FROM"})
_OPERAND = "operand"  # a token an expression operator may follow


@dataclass(frozen=True)
class QueryScan:
    """What the lexer learnt about a request's query text."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None if not a query
    update: str | None  # the update keyword that starts it, if it is an update
    service: bool  # contains a SERVICE clause (or something the engine reads as one)
    dataset_clause: bool  # contains FROM / FROM NAMED
    depth: int  # deepest bracket nesting
    star_order: tuple[str, ...] | None = None  # SELECT *: variables by first appearance
    declared_prefixes: tuple[str, ...] = ()  # PREFIX declarations, in order
    used_prefixes: tuple[str, ...] = ()  # prefixes of prefixed names, by first use

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def undeclared_prefixes(self, predeclared: Iterable[str] = QUERY_PREFIXES) -> list[str]:
        """Prefixes the query uses but neither declares nor finds predeclared."""
        known = set(self.declared_prefixes) | set(predeclared)
        return [p for p in self.used_prefixes if p not in known]


class _Lexer:
    """One pass over the text; the state that decides what `<` and `(` mean."""

    def __init__(self, text: str, predeclared: Iterable[str]) -> None:
        self.text = text
        self.predeclared = frozenset(predeclared)
        self.form: str | None = None
        self.update: str | None = None
        self.in_prologue = True
        self.service = self.dataset_clause = False
        self.depth = self.deepest = 0
        self.brackets: list[str] = []  # "{", "[", "e" (expression paren), "(" (any other)
        self.previous = ""  # the kind of the last significant token
        self.previous_words = ("", "")  # the last two bare words or names, upper case
        self.in_clause = False  # between SELECT/BY/HAVING and the pattern or LIMIT
        self.declared: list[str] = []
        self.used: dict[str, None] = {}
        self.star_words: list[str] = []  # words and `*`, for SELECT *
        self.variables: dict[str, None] = {}
        self.expect_prefix = False
        # Where an unterminated string of each quote kind is known to run on to.
        self.unterminated_short = {"'": -1, '"': -1}
        self.unterminated_long = {"'": False, '"': False}

    def run(self) -> QueryScan:
        text, pos = self.text, 0
        while not (self.service or self.deepest > MAX_NESTING):  # either way it is refused
            match = _TOKEN.match(text, pos)
            assert match is not None  # `other` matches any character, `end` the end
            kind = match.lastgroup
            pos = match.end()
            if kind == "word" or kind == "local":
                self._word(match.group("word"), match.group("local"))
            elif kind == "var":
                self.variables.setdefault(match.group("var")[1:])
                self.previous = _OPERAND
            elif kind == "open":
                self._open(match.group("open"))
            elif kind == "close":
                self._close(match.group("close"))
            elif kind == "quote":
                pos = self._string(match.group("quote"), match.start("quote"))
            elif kind == "lt":
                pos = self._less_than(match.start("lt"))
            elif kind == "pname":
                self._name("")
            elif kind in ("number", "lang", "bnode"):
                self.previous = _OPERAND
            elif kind == "end":
                break
            else:
                if match.group(kind).startswith("*"):
                    self.star_words.append("*")
                self.previous = "op"
        return self._result()

    # Strings and IRIs --------------------------------------------------------------------

    def _string(self, quote: str, start: int) -> int:
        """Skip a string starting at `start`; an unterminated one is lexed on as code."""
        text = self.text
        if text.startswith(quote * 3, start) and not self.unterminated_long[quote]:
            body = _LONG[quote].match(text, start)
            if body is not None:
                self.previous = _OPERAND
                return body.end()
            # None later ends either. The engine then reads `''` and a short string: so do we.
            self.unterminated_long[quote] = True
        if start > self.unterminated_short[quote]:
            body = _SHORT[quote].match(text, start)
            if body is not None:
                self.previous = _OPERAND
                return body.end()
            line_end = _LINE_END.search(text, start)
            self.unterminated_short[quote] = line_end.start() if line_end else len(text)
        self.previous = "op"
        return start + 1

    def _less_than(self, start: int) -> int:
        """`<` is less-than after a value inside an expression; elsewhere it opens an IRI."""
        if not (self.brackets and self.brackets[-1] == "e" and self.previous == _OPERAND):
            iri = _IRIREF.match(self.text, start)
            if iri is not None:
                self._after_name("<IRI>")
                return iri.end()
        self.previous = "op"
        return start + 1

    # Names and keywords ------------------------------------------------------------------

    def _word(self, run: str, local: str | None) -> None:
        if local is not None:  # a prefixed name: `run` is its prefix
            self._name(run)
            return
        for word in run.split("."):  # keywords have no dots: `true.SERVICE` is two tokens
            if word:
                self._keyword(word.upper())

    def _name(self, prefix: str) -> None:
        if self.expect_prefix:
            self.declared.append(prefix)
            self.expect_prefix = False
        else:
            self.used.setdefault(prefix)
        if "SERVICE" in prefix.upper():  # all PREFIX declarations come first: known now
            known = self.predeclared.union(self.declared)
            self.service = self.service or _reads_as_service(prefix, known)
        self._after_name(prefix.upper() + ":")

    def _after_name(self, upper: str) -> None:
        self.previous = _OPERAND
        self.previous_words = (self.previous_words[1], upper)

    def _keyword(self, word: str) -> None:
        # The engine needs no word boundary after a keyword: `trueSERVICE` is `true SERVICE`.
        # No SPARQL keyword or function name contains SERVICE, so any word that does is one.
        if "SERVICE" in word:
            self.service = True
        if word.startswith("FROM"):  # `FROMNAMED<g>` too
            self.dataset_clause = True
        if self.in_prologue:
            if word == "PREFIX":
                self.expect_prefix = True
            elif word != "BASE":
                self.in_prologue = False
                self.form = word if word in QUERY_FORMS else None
                self.update = word if word in UPDATE_FORMS else None
        if word in _CLAUSE_WORDS:
            self.in_clause = True
        elif word in _CLAUSE_ENDS:
            self.in_clause = False
        self.star_words.append(word)
        self.previous = _OPERAND if word in ("TRUE", "FALSE") else "word"
        self.previous_words = (self.previous_words[1], word)

    # Brackets ----------------------------------------------------------------------------

    def _open(self, bracket: str) -> None:
        kind = bracket
        if bracket == "(" and self._opens_expression():
            kind = "e"
        elif bracket == "{":
            self.in_clause = False
        self.brackets.append(kind)
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)
        self.previous = "open"

    def _opens_expression(self) -> bool:
        """Does a `(` here open an expression (where `<` can be less-than)?"""
        if not self.brackets or self.brackets[-1] == "e" or self.in_clause:
            return True  # top level (SELECT, GROUP BY, …), nested, or a subquery's clause
        before, last = self.previous_words
        if self.previous == "word":  # FILTER(, BIND(, STR(, …; not `a (`, `true (`
            return last not in _VALUE_WORDS
        # A function call by IRI: `FILTER ex:f(`
        is_name = last.endswith(":") or last == "<IRI>"
        return self.previous == _OPERAND and is_name and before == "FILTER"

    def _close(self, bracket: str) -> None:
        if self.brackets:
            self.brackets.pop()
        if bracket == "}":
            self.in_clause = False
        self.depth = max(0, self.depth - 1)
        self.previous = _OPERAND  # `)`, `]`, and `EXISTS {…}` end a value

    # The verdict -------------------------------------------------------------------------

    def _result(self) -> QueryScan:
        star = self._star_order() if self.form == "SELECT" else None
        return QueryScan(
            self.form,
            self.update,
            self.service,
            self.dataset_clause,
            self.deepest,
            star,
            tuple(self.declared),
            tuple(self.used),
        )

    def _star_order(self) -> tuple[str, ...] | None:
        """For `SELECT *`, every variable name in order of first appearance, else None.

        The engine lists `SELECT *` columns alphabetically; researchers (and the W3C result
        tests) expect them in the order the query mentions them.
        """
        words = self.star_words
        try:
            after = words[words.index("SELECT") + 1 :]
        except ValueError:
            return None
        while after and after[0] in ("DISTINCT", "REDUCED"):
            after = after[1:]
        if not after or after[0] != "*":
            return None
        return tuple(self.variables)


def _reads_as_service(prefix: str, known: set[str]) -> bool:
    """Would the engine read the prefixed name `prefix:…` as `SERVICE` and an IRI?

    `SERVICE:x {}` is the keyword and `:x` to it, and `SERVICEex:y` the keyword and `ex:y`,
    whenever the rest is a declared prefix; otherwise it cannot parse that way at all.
    """
    upper = prefix.upper()
    at = upper.find("SERVICE")
    while at >= 0:
        rest = prefix[at + len("SERVICE") :]
        if rest in known or (rest.upper().startswith("SILENT") and rest[6:] in known):
            return True
        at = upper.find("SERVICE", at + 1)
    return False


def scan_query(text: str, predeclared: Iterable[str] = QUERY_PREFIXES) -> QueryScan:
    """Lex `text` and report its form, update keyword, SERVICE use, FROM use and nesting.

    `predeclared` are the prefixes the engine is given besides the query's own.
    """
    return _Lexer(text, predeclared).run()


# Longest engine message passed on (its "expected one of" lists run to kilobytes).
MAX_MESSAGE_CHARS = 300
_POSITION = re.compile(r"^error at (\d+:\d+)")


def syntax_message(text: str, engine_message: str) -> str:
    """The engine's syntax error as one line, and an undeclared prefix named as such.

    For `foo:bar` with no `PREFIX foo:`, Oxigraph lists every character class a name may
    continue with (six lines of Unicode ranges); the user needs the prefix and the remedy.
    """
    position = _POSITION.match(engine_message)
    where = f" at {position.group(1)}" if position else ""
    if "Prefix not found" in engine_message:
        unknown = scan_query(text).undeclared_prefixes()
        name = f" {unknown[0]}:" if unknown else ""
        known = ", ".join(sorted(QUERY_PREFIXES))
        return (
            f"unknown prefix{name}{where}: declare it (PREFIX{name or ' p:'} <IRI>) or use one "
            f"of the predeclared: {known}"
        )
    line = " ".join(engine_message.split())
    if len(line) > MAX_MESSAGE_CHARS:
        line = line[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return line
