"""The lexer against the engine: it never misses a SERVICE clause or a nesting depth that
pyoxigraph's own parser sees, and it lexes every token class in linear time.

The engine's view of SERVICE is observed, not guessed: every generated query runs against a
store whose data makes every pattern match, with `urn:kkg-probe` as the service, which the
engine refuses with an error only when it evaluates a SERVICE clause (no network needed).
"""

from __future__ import annotations

import contextlib
import random
import time

import pyoxigraph
import pytest

from kaltim_kg.query.scan import MAX_NESTING, scan_query

EX = "urn:ex#"
PROLOGUE = "PREFIX ex: <urn:ex#>\nPREFIX : <urn:kkg-probe:>\n"
S, P = pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p")

# Pieces of local names: SPARQL's name characters beyond \w, escapes and percent-encoding.
LOCAL_PIECES = [
    "a", "B", "_", "é", "ø", "ж", "中", "0", "-", "·", "\u0301", "\u203f",
    "%41", "%7b", "\\#", "\\.", "\\'", "\\(", "\\)", "\\~", "\\&", "\\?", "\\/", "\\%",
    ".b", ":", "x",
]  # fmt: skip
VAR_PIECES = ["a", "é", "_", "0", "·", "\u0301", "\u2040", "中", "ж"]
STRINGS = [
    ("'x'", "x"),
    ('"SERVICE <urn:kkg-probe> {}"', "SERVICE <urn:kkg-probe> {}"),
    ("'# {{{ SERVICE'", "# {{{ SERVICE"),
    ("'a\\'b # {'", "a'b # {"),
    ('"a\\"b } #"', 'a"b } #'),
    ("'\\\\'", "\\"),
    ("'''multi\nline SERVICE { '''", "multi\nline SERVICE { "),
    ('"""x"y # ""z"""', 'x"y # ""z'),
    ("'''a''b'''", "a''b"),
    ("'<urn:x>'", "<urn:x>"),
]
PLAIN_OBJECTS = [
    ("true", pyoxigraph.Literal(True)),
    ("false", pyoxigraph.Literal(False)),
    ("1", pyoxigraph.Literal(1)),
    ("1e5", pyoxigraph.Literal(1e5)),
    ("<urn:SERVICE>", pyoxigraph.NamedNode("urn:SERVICE")),
    ("<urn:x'y#z>", pyoxigraph.NamedNode("urn:x'y#z")),
    ("'x'@en", pyoxigraph.Literal("x", language="en")),
    ("?o", None),
]
SEPARATORS = ["", " ", ".", " . ", "\n", " # SERVICE {\n", "\r", "\t"]
EXPRESSIONS = [
    "?o<'x>' || true",
    "?o<1 || true",
    'STR(?o) < "#{" || true',
    "(?o<'\\'#')||true",
    "?o = <urn:a#'> || true",
    "EXISTS { ?s ?p ?o } || ?o<'#'",
    "ex:f(?o)<'}' || true",
    "?o IN (<urn:a#b>, 'c#') || true",
]


def _local_name(rng: random.Random) -> tuple[str, str]:
    """A prefixed name's local part and the IRI the engine makes of it."""
    pieces = [rng.choice(["a", "é", "_", "0", "%41", "\\#"])]
    pieces += [rng.choice(LOCAL_PIECES) for _ in range(rng.randrange(0, 5))]
    if pieces[-1] in (".b",):
        pieces.append("c")
    text = "".join(pieces)
    iri = "".join(p[1:] if p.startswith("\\") else p for p in pieces)
    return text, EX + iri


class Generator:
    """Seeded random queries, and the objects the store must hold for them to match."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.objects: list[pyoxigraph.Term] = []
        self.fresh = 0
        self.with_service = False

    def object(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            text, iri = _local_name(rng)
            with contextlib.suppress(ValueError):  # `\\%` unescaped is no IRI, to the engine too
                self.objects.append(pyoxigraph.NamedNode(iri))
            return f"ex:{text}"
        if kind == 1:
            text, value = rng.choice(STRINGS)
            self.objects.append(pyoxigraph.Literal(value))
            return text
        if kind == 2:
            return "?o"  # a fresh variable would multiply the rows
        text, term = rng.choice(PLAIN_OBJECTS)
        if term is not None:
            self.objects.append(term)
        return text

    def service(self) -> str:
        rng = self.rng
        keyword = rng.choice(["SERVICE", "service", "SeRvIcE"])
        endpoint = rng.choice([" <urn:kkg-probe>", "<urn:kkg-probe>", ":probe", " :x"])
        self.with_service = True
        return keyword + endpoint + rng.choice([" {}", "{ ?a ?b ?c }", "\n{}"])

    def items(self, depth: int, service_left: list[bool]) -> tuple[str, int]:
        """A group's body and the bracket depth it reaches (the engine's, if it parses)."""
        rng = self.rng
        parts: list[str] = []
        deepest = 0
        for _ in range(rng.randrange(1, 5)):
            choice = rng.randrange(10)
            triples = False  # a triple needs a `.` before what follows; the rest does not
            if choice <= 2:
                part, triples = f"?s ?p {self.object()}", True
                if service_left[0] and rng.random() < 0.3:
                    service_left[0], triples = False, False
                    part += rng.choice(SEPARATORS) + self.service()
            elif choice == 3:
                part = f"FILTER({rng.choice(EXPRESSIONS)})"
                deepest = max(deepest, 1)
            elif choice == 4:
                self.fresh += 1
                name = "".join(rng.choice(VAR_PIECES) for _ in range(rng.randrange(0, 4)))
                part = f"BIND({rng.choice(STRINGS)[0]} AS ?v{name}{self.fresh})"
                deepest = max(deepest, 1)
            elif choice == 5:
                part = "# " + rng.choice(["SERVICE <urn:x> {}", "{{{", "'", "<", "\\"]) + "\n"
            elif choice <= 8 and depth < 6:
                inner, inner_depth = self.items(depth + 1, service_left)
                opener = rng.choice(["{", "OPTIONAL {", "{ ?s ?p ?o } UNION {"])
                part = f"{opener} {inner} }}"
                deepest = max(deepest, inner_depth + 1)
            else:
                part, triples = f"?s ?p {self.object()}", True
            parts.append(part)
            if triples:
                parts.append(rng.choice([" . ", ".", "\n. ", " .\n", " . # {\n"]))
            else:
                parts.append(rng.choice([" ", "\n", " # {\n", ""]))
        if service_left[0] and rng.random() < 0.2:
            service_left[0] = False
            parts.append(self.service())
        return "".join(parts), deepest

    def query(self) -> tuple[str, int]:
        self.objects, self.with_service = [], False
        service_left = [self.rng.random() < 0.5]
        body, deepest = self.items(0, service_left)
        return f"{PROLOGUE}SELECT * WHERE {{ ?s ?p ?o . {body} }}", deepest + 1


def engine_sees_service(query: str, objects: list[pyoxigraph.Term]) -> bool | None:
    """True if evaluating the query reached a SERVICE clause; None if it does not parse."""
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(S, P, o) for o in {*objects, pyoxigraph.Literal("x")})
    try:
        list(store.query(query))
    except SyntaxError:
        return None
    except (OSError, RuntimeError):  # only a SERVICE call fails: `urn:kkg-probe` is no URL
        return True
    return False


def _mutate(query: str, rng: random.Random) -> str:
    """Splice in a character the lexer must get right, somewhere in the query."""
    at = rng.randrange(len(query))
    return (
        query[:at]
        + rng.choice(["#", "\\", "'", '"', "<", ">", "·", ".", "\n", ""])
        + query[at + 1 :]
    )


def test_the_lexer_never_misses_what_the_engine_sees():
    generator = Generator(seed=18)
    mutations = random.Random(19)
    seen = {"parsed": 0, "service": 0, "skipped": 0, "false alarms": 0}
    for n in range(3000):
        query, depth = generator.query()
        objects = generator.objects
        if n % 3 == 2:
            query, depth = _mutate(query, mutations), 0  # depth unknown after a mutation
        engine = engine_sees_service(query, objects)
        if engine is None:
            seen["skipped"] += 1
            continue
        seen["parsed"] += 1
        scan = scan_query(query)
        if engine:
            seen["service"] += 1
            assert scan.service, query
        elif scan.service and depth:  # an unmutated query without SERVICE: a false alarm
            seen["false alarms"] += 1
        assert scan.service or scan.depth >= depth, query  # the lexer stops at a SERVICE
    assert seen["parsed"] > 1500 and seen["service"] > 400, seen
    assert seen["false alarms"] <= seen["parsed"] // 100, seen


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, MAX_NESTING + 20])
def test_nesting_behind_every_kind_of_noise_is_counted(levels):
    generator = Generator(seed=levels)
    for _ in range(40):
        noise = [f"?s ?p {generator.object()} " for _ in range(levels)]
        query = PROLOGUE + "SELECT * WHERE " + "".join("{ " + n for n in noise) + "}" * levels
        if engine_sees_service(query, generator.objects) is None:
            continue
        scan = scan_query(query)
        assert scan.service or scan.depth > MAX_NESTING, query


# Linear time: for each token class, an adversarial input of twice the size takes about twice
# the time (a quadratic lexer takes four times). Best of three, ratios in the same run.
ADVERSARIAL = {
    "dotted names": "a.",
    "prefixed names with dots": "ex:a.",
    "local escapes": "ex:a\\.",
    "unterminated escaped strings": "'\\'",
    "unterminated double-quoted": '"\\"',
    "long-string openers": "'''",
    "long double-quoted openers": '"""',
    "less-than runs": "<a",
    "less-than in expressions": "FILTER(?a<'",
    "IRIs": "<a>",
    "variables": "?a·",
    "blank nodes": "_:a.",
    "numbers": "1.1e",
    "comments": "#\n",
    "brackets": "{}",
    "keywords": "FILTER ",
    "language tags": "'x'@a-",
}


def _cpu_seconds(*texts: str, runs: int = 3) -> list[float]:
    """Best of `runs` CPU times (other processes' load does not count) for each text, the
    texts measured in turn so that a busy moment hits them alike."""
    best = [float("inf")] * len(texts)
    for _ in range(runs):
        for i, text in enumerate(texts):
            started = time.process_time()
            scan_query(text)
            best[i] = min(best[i], time.process_time() - started)
    return best


@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_doubling_an_adversarial_input_about_doubles_the_time(unit):
    # Start at 64 KB (the old lexer took 21 s there) and grow until a run is long enough
    # to measure; then compare with twice that.
    size = 64_000
    while True:
        text = "SELECT * WHERE { " + unit * (size // len(unit))
        (first,) = _cpu_seconds(text, runs=1)
        assert first < 2, f"{first:.1f} s for {size} bytes"  # a quadratic lexer takes minutes
        if first > 0.02 or size >= 2_000_000:
            break
        size *= 2
    first, second = _cpu_seconds(text, text + unit * (size // len(unit)))
    assert second / first < 3, (size, first, second)
