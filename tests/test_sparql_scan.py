"""The lexer that decides, before any engine runs, what a query is and whether to refuse it."""

import contextlib
import socket
import threading

import pyoxigraph
import pytest

from kaltim_kg.query.scan import MAX_NESTING, scan_query


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("prefix kkg: <https://w3id.org/kaltim-kg/ontology#> ask { ?s a kkg:Country }", "ASK"),
        ("BASE <http://x/> PREFIX : <y#> CONSTRUCT WHERE { ?s :p ?o }", "CONSTRUCT"),
        ("# a comment: SELECT\nDESCRIBE <http://example.org/a>", "DESCRIBE"),
        ("PREFIX select: <urn:x> ASK {}", "ASK"),
        ("", None),
        ("nonsense", None),
    ],
)
def test_form_is_the_first_keyword_after_the_prologue(query, form):
    assert scan_query(query).form == form


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a> <b> <c> }",
        "PREFIX x: <urn:x> delete where { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "CREATE GRAPH <urn:g>",
        "COPY DEFAULT TO <urn:g>",
        "MOVE <urn:a> TO <urn:b>",
        "ADD <urn:a> TO <urn:b>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_recognised(query):
    scan = scan_query(query)
    assert scan.update is not None
    assert scan.form is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://x/> {} }",
        "SELECT * { ?s ?p ?o #comment\rSERVICE <http://x/> {} }",
        "SELECT * { ?s ?p ''' unterminated SERVICE <http://x/> {} }",
        "SELECT * { ?s ?p ?o } # \n SeRvIcE <http://x/> {}",
    ],
)
def test_service_is_found_wherever_the_engine_would_see_it(query):
    assert scan_query(query).service


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * { ?s ?p '''\nSERVICE\n''' }",
        "SELECT * { ?s <urn:SERVICE> ?o }",
        "SELECT ?service { ?service ?p ?o } # SERVICE",
        "PREFIX ex: <urn:x#> SELECT * { ?s ex:SERVICE ?o }",
    ],
)
def test_service_in_strings_iris_variables_comments_is_not_a_clause(query):
    assert not scan_query(query).service


def test_dataset_clause_and_depth():
    assert scan_query("SELECT * FROM <urn:g> { ?s ?p ?o }").dataset_clause
    assert not scan_query("SELECT * { ?s <urn:FROM> ?o }").dataset_clause
    deep = "SELECT * " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1)
    assert scan_query(deep).depth == MAX_NESTING + 1


def test_many_unterminated_long_strings_lex_in_linear_time():
    # Each failed long-string match would rescan to the end; once is enough.
    assert scan_query("'''" * 100_000).form is None


# Queries where a careless lexer and the engine disagree on where a name ends: a prefixed
# name's local part cannot start with `.` nor end with one, and a keyword has no dots.
# Where a name ends decides whether a SERVICE clause follows it: a prefixed name's local part
# cannot start with `.` nor end with one, and a keyword has no dots. Each query here either
# makes the engine open a connection to `{here}` or is a valid query with no clause in it.
SERVICE_AFTER_A_NAME = [
    "PREFIX jp: <urn:jp> SELECT * WHERE { ?s ?p jp:.SERVICE <{here}> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 1.SERVICE <{here}> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o.SERVICE SILENT <{here}> { ?a ?b ?c } }",
    "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ex:b. SERVICE <{here}> { ?a ?b ?c } }",
]
SERVICE_INSIDE_A_NAME = [
    "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ex:a.SERVICE }",
    "PREFIX : <urn:d#> SELECT * WHERE { ?s ?p :x.SERVICE }",
    "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ex:x-.SERVICE }",
    "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ex:x\\..SERVICE }",
]


def _engine_connects(query_template: str) -> tuple[str, bool]:
    """Run the query in the engine over a few triples; did it connect to `{here}`?"""
    store = pyoxigraph.Store()
    s, p = pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p")
    for o in (
        pyoxigraph.NamedNode("urn:jp"),
        pyoxigraph.Literal(1),
        pyoxigraph.NamedNode("urn:ex#b"),
        pyoxigraph.NamedNode("urn:ex#b.b"),
        pyoxigraph.NamedNode("urn:ex/a·#"),
        pyoxigraph.Literal(True),
        pyoxigraph.Literal(1.0),
    ):
        store.add(pyoxigraph.Quad(s, p, o))
    connections: list[int] = []
    finished = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        listener.settimeout(0.05)

        def hang_up() -> None:  # accept and close at once, so the engine's request fails fast
            while True:
                last_look = finished.is_set()  # the query has returned: one more look
                with contextlib.suppress(TimeoutError):
                    listener.accept()[0].close()
                    connections.append(1)
                if last_look:
                    return

        watcher = threading.Thread(target=hang_up)
        watcher.start()
        query = query_template.replace("{here}", f"http://127.0.0.1:{listener.getsockname()[1]}/")
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            list(store.query(query))
        finished.set()
        watcher.join()
    return query, bool(connections)


@pytest.mark.parametrize("template", SERVICE_AFTER_A_NAME)
def test_service_glued_to_a_name_is_found(template):
    query, connected = _engine_connects(template)
    assert connected, query  # the engine does read a SERVICE clause here
    assert scan_query(query).service, query


@pytest.mark.parametrize("template", SERVICE_INSIDE_A_NAME)
def test_service_inside_a_prefixed_name_is_not_a_clause(template):
    query, connected = _engine_connects(template)
    assert not connected
    assert not scan_query(query).service, query


def test_brackets_behind_a_less_than_count_as_nesting():
    # `?a<((…))&&2>1` matches the IRI pattern, but in an expression the engine reads `<` as
    # less-than and recurses into every bracket (deep enough, it overflows its stack).
    def nested(depth: int) -> str:
        return (
            "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<"
            + "(" * depth
            + "1"
            + ")" * depth
            + "&&2>1) }"
        )

    assert list(pyoxigraph.Store().query(nested(50))) == []  # brackets to the engine
    assert scan_query(nested(50)).depth >= 50
    assert scan_query(nested(MAX_NESTING + 1)).depth > MAX_NESTING
    iri = "SELECT * { <http://en.wikipedia.org/wiki/Foo_(bar)> ?p ?o }"
    assert scan_query(iri).depth == 1  # a real IRI's parentheses are not brackets


# F3 (issue 18): names are SPARQL's PN_CHARS, not Python's \w. The old lexer stopped
# `ex:a·\#` before `·`, took `\#` for a comment, and missed what followed on the line.
F3_NAME = "PREFIX ex: <urn:ex/> SELECT * WHERE { ?s ?p ex:a·\\# "


def test_f3_service_after_a_name_with_a_middle_dot_and_an_escaped_hash():
    query, connected = _engine_connects(F3_NAME + "SERVICE <{here}> { ?a ?b ?c } }")
    assert connected, query  # the engine reads the SERVICE clause
    assert scan_query(query).service, query


def test_f3_nesting_after_a_name_with_a_middle_dot_and_an_escaped_hash():
    query = F3_NAME + "{" * 160_000 + "}" * 160_000 + " }"
    assert scan_query(query).depth > MAX_NESTING


@pytest.mark.parametrize(
    "template",
    [
        # No word boundary after a keyword: the engine reads `true` and then SERVICE.
        "SELECT * WHERE { ?s ?p 1 . ?s ?p true . ?s ?p trueSERVICE <{here}> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p 1 . ?s ?p 1e0SERVICE <{here}> { ?a ?b ?c } }",
        "SELECT * WHERE { SERVICESILENT<{here}> { ?a ?b ?c } }",
        # `SERVICE:x` is the keyword and the prefixed name `:x` when `:` is declared.
        "PREFIX : <{here}> SELECT * WHERE { SERVICE:x { ?a ?b ?c } }",
        "PREFIX ex: <{here}> SELECT * WHERE { SERVICEex:x { ?a ?b ?c } }",
        # The engine's local names take one run of dots: `ex:a.b` `.` SERVICE.
        "PREFIX ex: <urn:ex#> PREFIX : <{here}> SELECT * WHERE { ?s ?p ex:b.b.SERVICE :x {} }",
        # In an expression `<` after a value is less-than: `<'x>` is no IRI, `'x>'` a string.
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<'x>'||true) SERVICE <{here}> {} #'\n }",
        "PREFIX : <{here}> SELECT * WHERE { ?s ?p ?o FILTER(?o<1||true)SERVICE:y#>\n{} }",
        # Strings the engine reads after an unterminated long string: `''` and `'…'`.
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != '' || true) SERVICE <{here}> {} }",
    ],
)
def test_what_the_engine_reads_as_service_the_lexer_does_too(template):
    query, connected = _engine_connects(template)
    assert connected, query
    assert scan_query(query).service, query


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX service: <urn:s#> SELECT * WHERE { ?s service:p ?o }",
        "SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 'SERVICE') }",
        "SELECT ?service WHERE { ?service ?p 'x'@en }",
        "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ex:a.SERVICE }",
        "SELECT * WHERE { VALUES (?x ?y) { (1 <urn:a#b'SERVICE>) } }",
    ],
)
def test_service_in_ordinary_names_is_not_a_clause(query):
    assert not scan_query(query).service, query


def test_prefixes_declared_and_used_are_reported():
    scan = scan_query("PREFIX ex: <urn:x#> SELECT * { ?s ex:p ?o ; dct:title ?t ; nope:x ?y }")
    assert scan.declared_prefixes == ("ex",)
    assert scan.used_prefixes == ("ex", "dct", "nope")
    assert scan.undeclared_prefixes() == ["nope"]  # dct is predeclared
