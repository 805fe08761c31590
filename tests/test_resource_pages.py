"""Resource pages for people: languages, labels, links out, provenance, escaping, CSP."""

from __future__ import annotations

import pyoxigraph
from flask import render_template
from pyoxigraph import Literal, NamedNode, Quad

from kaltim_kg.graph.describe import describe
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.presentation import Presenter
from kaltim_kg.web.texts import texts
from tests.html_page import find, parse_html

BASE = "https://w3id.org/kaltim-kg/"


def page(client, path, **query):
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response, parse_html(response.get_data(as_text=True))


def test_language_switch(client):
    _, english = page(client, "/id/country/JP.html", lang="en")
    _, indonesian = page(client, "/id/country/JP.html", lang="id")
    assert find(english, "h1")[0].text.strip() == "Japan"
    assert find(indonesian, "h1")[0].text.strip() == "Jepang"
    assert find(english, "html")[0].attrs["lang"] == "en"
    switch = find(english, "a", class_="lang")[0]
    assert switch.attrs["href"].endswith("?lang=id")


def test_browser_language_is_the_default(client):
    response = client.get("/id/country/JP.html", headers={"Accept-Language": "id-ID,id;q=0.9"})
    assert find(parse_html(response.get_data(as_text=True)), "h1")[0].text.strip() == "Jepang"
    assert "Accept-Language" in response.vary


def test_properties_have_readable_labels_in_the_chosen_language(client):
    _, indonesian = page(client, "/id/flow/2020-shrimp-JP.html", lang="id")
    headers = {th.text.strip() for th in find(indonesian, "th", scope="row")}
    _, english = page(client, "/id/flow/2020-shrimp-JP.html", lang="en")
    english_headers = {th.text.strip() for th in find(english, "th", scope="row")}
    assert "destination" in english_headers
    assert headers != english_headers  # the ontology labels differ by language
    assert not any(h.startswith("https://") for h in headers | english_headers)


def test_external_links_are_clickable(client):
    _, elements = page(client, "/id/country/JP.html")
    hrefs = {a.attrs.get("href") for a in find(elements, "a")}
    assert "http://www.wikidata.org/entity/Q17" in hrefs
    assert "http://sws.geonames.org/1861060/" in hrefs
    _, wood = page(client, "/id/commodity/processed-wood.html")
    assert "http://aims.fao.org/aos/agrovoc/c_8421" in {
        a.attrs.get("href") for a in find(wood, "a")
    }


def test_used_by_lists_incoming_links(client):
    _, elements = page(client, "/id/country/JP.html", lang="en")
    section = find(elements, "section", class_="used-by")[0]
    links = {a.attrs["href"]: a.text for a in _anchors(section)}
    assert "/id/flow/2020-shrimp-JP" in links
    assert links["/id/flow/2020-shrimp-JP"] == "Shrimp → Japan"


def _anchors(element):
    for child in element.children:
        if child.tag == "a":
            yield child
        yield from _anchors(child)


def test_provenance_quotes_the_evidence_and_links_the_source(client):
    _, elements = page(client, "/id/flow/2020-shrimp-JP.html", lang="en")
    provenance = find(elements, "section", class_="provenance")[0]
    quotes = [e for e in _walk(provenance) if e.tag == "blockquote"]
    # the seed's sentence, and Bisnis.com's for the same flow
    assert "Udang diberangkatkan ke Jepang, Inggris dan Taiwan." in {q.text for q in quotes}
    assert quotes[0].attrs["lang"] == "id"
    hrefs = {a.attrs["href"] for a in _anchors(provenance)}
    assert "/id/source/2021-02-03-ekspor-ukm-kaltim" in hrefs
    assert (
        "http://www.hariankaltim.com/meski-pandemi-ekspor-ukm-kaltim-hampir-setengah-triliun/"
        in hrefs
    )


def _walk(element):
    for child in element.children:
        yield child
        yield from _walk(child)


def test_html_has_a_content_security_policy_and_no_inline_code(client):
    response, elements = page(client, "/id/cohort/2020-ipska-exporters.html")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert not find(elements, "script")
    assert not find(elements, "style")
    assert not [
        e for e in elements if "style" in e.attrs or any(a.startswith("on") for a in e.attrs)
    ]
    sheets = find(elements, "link", rel="stylesheet")
    assert client.get(sheets[0].attrs["href"]).status_code == 200


def test_hash_children_get_their_own_section(client):
    _, elements = page(client, "/id/cohort/2020-ipska-exporters.html", lang="id")
    section = find(elements, "section", id="trade-value")[0]
    assert "Rp428,2 miliar" in section.text  # the amount as stated, not as an exact count


def test_values_from_data_are_escaped(app):
    """A label with markup and a javascript: IRI must come out as text, never as code."""
    store = pyoxigraph.Store()
    thing = NamedNode(f"{BASE}id/country/XX")
    hostile = "<script>alert('x')</script>"
    store.add(
        Quad(
            thing,
            NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal(hostile, language="en"),
        )
    )
    store.add(Quad(thing, NamedNode("https://schema.org/url"), NamedNode("javascript:alert(1)")))
    with app.test_request_context("/id/country/XX.html"):
        presenter = Presenter(store, Labeller(store, "en"), BASE)
        html = render_template(
            "ld_resource.html",
            page=presenter.page(describe(store, thing.value)),
            alternates=[],
            lang="en",
            t=texts("en"),
        )
    elements = parse_html(html)
    assert not find(elements, "script")
    assert find(elements, "h1")[0].text.strip() == hostile
    assert "&lt;script&gt;" in html
    assert not [a for a in find(elements, "a") if a.attrs.get("href", "").startswith("javascript:")]
