"""The home page: both languages, the flow diagram and cohort figures from the store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaltim_kg.web.numbers import amount_in_words as rupiah_in_words
from kaltim_kg.web.numbers import format_amount as format_rupiah
from tests.html_page import find, parse_html

FLOWS = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
SELECT ?flow ?commodity ?country WHERE { ?flow a kkg:ExportFlow ; kkg:commodity ?commodity ; kkg:destination ?country }
"""
VALUES = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?value ?currency WHERE { ?c a kkg:SMECohort ; kkg:tradeValue ?a .
  ?a schema:value ?value ; schema:currency ?currency
  FILTER NOT EXISTS { ?a kkg:equivalentOf ?original } }
"""


def home(client, lang):
    response = client.get("/", query_string={"lang": lang})
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    return parse_html(response.get_data(as_text=True))


def test_says_what_the_dataset_is_in_both_languages(client):
    elements = home(client, "en")
    about = {s.attrs["lang"] for s in find(elements, "section", class_="about")}
    assert about == {"id", "en"}


def test_diagram_draws_every_flow_from_the_store(client, built):
    store = built.generation.open()
    rows = list(store.query(FLOWS, use_default_graph_as_union=True))
    elements = home(client, "en")
    paths = find(elements, "path", class_="link")
    # one link per commodity → destination pair; a pair of several flows (nipa palm sticks
    # to India in 2020 and in 2021) links to no single flow
    pairs: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        key = (row["commodity"].value, row["country"].value)
        pairs.setdefault(key, []).append(row["flow"].value)
    assert len(paths) == len(pairs) > 0
    countries = {r["country"].value for r in rows}
    assert len(find(elements, "rect", class_="node")) == len(countries) + _commodities(built)
    anchors = {a.attrs.get("href") for a in find(elements, "a")}
    for flows in pairs.values():
        if len(flows) == 1:
            assert flows[0].replace("https://w3id.org/kaltim-kg", "") in anchors


def _commodities(built) -> int:
    query = "PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#> SELECT DISTINCT ?c WHERE { ?f a kkg:ExportFlow ; kkg:commodity ?c }"
    return len(list(built.generation.open().query(query, use_default_graph_as_union=True)))


def test_link_titles_name_commodity_and_country(client):
    titles = {p.text for p in find(home(client, "en"), "path", class_="link")}
    assert "Shrimp → Japan" in titles


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cohort_figures_come_from_the_store(client, built, lang):
    store = built.generation.open()
    values = [
        (Decimal(r["value"].value), r["currency"].value)
        for r in store.query(VALUES, use_default_graph_as_union=True)
    ]
    page = home(client, lang)
    shown = [d.text for d in find(page, "div", class_="exact")]
    assert sorted(shown) == sorted(format_rupiah(v, lang, c) for v, c in values)
    assert len(shown) == 4  # three 2020 cohorts and the 2021 quarter's (in USD, as stated)
    # each amount as the source states it, with its rounding: never a sum of cohorts
    words = {d.text for d in find(page, "div", class_="amount")}
    assert ("Rp428,2 miliar" if lang == "id" else "IDR 428.2 billion") in words
    assert ("USD 2 juta" if lang == "id" else "USD 2 million") in words
    roundings = {d.text for d in find(page, "div", class_="rounding")}
    assert ("dibulatkan ke 100 juta" if lang == "id" else "rounded to 100 million") in roundings
    assert not any("435" in text for text in words | set(shown))


def test_links_to_every_way_in(client):
    hrefs = {a.attrs.get("href", "").split("?")[0] for a in find(home(client, "en"), "a")}
    assert {"/sparql", "/dumps/", "/catalog", "/ontology", "/.well-known/void"} <= hrefs


@pytest.mark.parametrize(
    ("value", "lang", "exact", "words"),
    [
        (Decimal(428200000000), "id", "Rp428.200.000.000", "Rp428,2 miliar"),
        (Decimal(428200000000), "en", "IDR 428,200,000,000", "IDR 428.2 billion"),
        (Decimal(7600000000), "id", "Rp7.600.000.000", "Rp7,6 miliar"),
        (Decimal(11000000000), "en", "IDR 11,000,000,000", "IDR 11 billion"),
    ],
)
def test_rupiah_formatting(value, lang, exact, words):
    assert format_rupiah(value, lang) == exact
    assert rupiah_in_words(value, lang) == words


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        ("en", "Widths do not show value: each line = one pair the sources name"),
        (
            "id",
            "Lebar garis tidak menunjukkan nilai: setiap garis = satu pasangan yang disebut sumber",
        ),
    ],
)
def test_the_diagram_says_its_widths_are_not_values(client, lang, warning):
    page = home(client, lang)
    (text,) = find(page, "text", class_="chart-warning")
    assert text.text == warning
    # and that is true: every line has the same width whatever it stands for
    assert len({p.attrs["stroke-width"] for p in find(page, "path", class_="link")}) == 1


def test_the_diagram_counts_are_a_table_beside_it(client, built):
    store = built.generation.open()
    pairs = {
        (r["commodity"].value, r["country"].value)
        for r in store.query(FLOWS, use_default_graph_as_union=True)
    }
    per_commodity: dict[str, int] = {}
    for commodity, _ in pairs:
        path = commodity.replace("https://w3id.org/kaltim-kg", "")
        per_commodity[path] = per_commodity.get(path, 0) + 1
    page = home(client, "en")
    rows = [e for e in page if e.tag == "tr" and find(e.children, "th", scope="row")]
    shown = {}
    for row in rows[: len(per_commodity)]:  # the first table: destinations per commodity
        link = find(find(row.children, "th")[0].children, "a")[0]
        shown[link.attrs["href"]] = int(find(row.children, "td")[0].text)
    assert shown == per_commodity
