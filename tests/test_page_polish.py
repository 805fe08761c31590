"""What a new user hit: the query page in the site's layout and language, numbers written the
reader's way, property tables that fit, a favicon everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kaltim_kg.query.examples import EXAMPLES
from tests.html_page import find, parse_html

HTML = {"Accept": "text/html"}
PAGES = [
    "/",
    "/map",
    "/sparql",
    "/id/country/JP.html",
    "/dumps/",
    "/ontology",
]


def _page(client, path, lang="en"):
    response = client.get(path, query_string={"lang": lang}, headers=HTML)
    assert response.status_code == 200, path
    return parse_html(response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_favicon_and_has_the_navigation(client, path):
    elements = _page(client, path)
    icons = [e for e in find(elements, "link", rel="icon")]
    assert [i.attrs["href"] for i in icons] == ["/static/favicon.svg"]
    nav = {a.attrs["href"].split("?")[0] for n in find(elements, "nav") for a in n.children}
    assert {"/map", "/sparql", "/dumps/"} <= nav


def test_favicon_ico_answers_with_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert (
        response.data.startswith(b"<svg")
        and response.data == client.get("/static/favicon.svg").data
    )
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("lang", "heading", "first_title"),
    [
        ("id", "Endpoint SPARQL kaltim-kg", "Negara per komoditas"),
        ("en", "kaltim-kg SPARQL endpoint", "Countries per commodity"),
    ],
)
def test_query_page_speaks_the_readers_language(client, lang, heading, first_title):
    response = client.get("/sparql", query_string={"lang": lang}, headers=HTML)
    text = response.get_data(as_text=True)
    elements = parse_html(text)
    assert find(elements, "html")[0].attrs["lang"] == lang
    assert find(elements, "h1")[0].text == heading
    examples = json.loads(re.search(r'id="examples">(.*?)</script>', text, re.S).group(1))
    assert examples[0]["title"] == first_title and len(examples) == len(EXAMPLES)
    if lang == "id":  # the question in the query's comment too, and Indonesian numbers
        assert "# Berapa negara tujuan yang dicapai tiap komoditas?" in examples[0]["query"]
        intro = " ".join(find(elements, "p", class_="query-intro")[0].text.split())
        assert "dipotong pada 100.000 baris" in intro


def test_query_page_follows_the_browsers_language(client):
    response = client.get("/sparql", headers={**HTML, "Accept-Language": "id-ID,id;q=0.9"})
    assert find(parse_html(response.get_data(as_text=True)), "html")[0].attrs["lang"] == "id"
    assert "Accept-Language" in response.headers["Vary"]


def test_query_page_tells_the_script_which_iris_are_ours(client, settings):
    (root,) = [e for e in _page(client, "/sparql") if e.attrs.get("id") == "yasgui"]
    assert root.attrs["data-base"] == settings.base_uri
    assert root.attrs["data-local-ontology"] == "https://w3id.org/kaltim-kg/ontology#"


@pytest.mark.parametrize(("lang", "shown"), [("id", "297.207"), ("en", "297,207")])
def test_numbers_on_resource_pages_are_written_the_readers_way(client, lang, shown):
    elements = _page(client, "/id/business-count/kaltim-umkm-aktif-mikro.html", lang)
    data = {d.attrs["value"]: d.text for d in find(elements, "data")}
    assert data["297207"] == shown  # the RDF's exact value stays machine-readable beside it
    turtle = client.get("/id/business-count/kaltim-umkm-aktif-mikro.ttl").get_data(as_text=True)
    assert re.search(r"\s297207\s", turtle)  # the RDF keeps the exact integer


def test_codes_and_years_are_not_formatted_as_numbers(client):
    elements = _page(client, "/id/country/JP.html", "id")
    assert not find(elements, "data")  # 392 is a code, not a quantity
    cohort = _page(client, "/id/cohort/2020-ipska-exporters.html", "id")
    values = {d.attrs["value"]: d.text for d in find(cohort, "data")}
    assert values["428200000000"] == "428.200.000.000"
    assert "2020" not in values  # a gYear stays as written


def test_property_tables_wrap_long_values():
    css = (Path(__file__).parents[1] / "kaltim_kg/web/static/kkg.css").read_text(encoding="utf-8")
    rule = re.search(r"table\.props th, table\.props td \{([^}]*)\}", css).group(1)
    assert "overflow-wrap: anywhere" in rule
    assert re.search(r"table\.props \{[^}]*table-layout: fixed", css)
