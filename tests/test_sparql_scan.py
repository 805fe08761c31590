"""The lexer that decides, before any engine runs, what a query is and whether to refuse it."""

import pytest

from kaltim_kg.web.query_scan import MAX_NESTING, scan_query


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
