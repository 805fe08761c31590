"""The map of destinations (/map): shaded countries, marked world regions, the counts as a table."""

from __future__ import annotations

import csv
import io

import pyoxigraph
import pytest

from kaltim_kg.web.destinations import read_destinations
from kaltim_kg.web.labels import Labeller
from kaltim_kg.web.numbers import format_number
from kaltim_kg.web.world_map import Band, bands, shade_of, world_map
from tests.html_page import find, parse_html

PER_DESTINATION = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?d ?label ?numeric (COUNT(DISTINCT ?flow) AS ?flows) WHERE {
  ?flow a kkg:ExportFlow ; kkg:destination ?d .
  ?d rdfs:label ?label FILTER(LANG(?label) = "en")
  OPTIONAL { ?d kkg:isoNumeric ?numeric }
} GROUP BY ?d ?label ?numeric
"""


def inside(element):
    """Every element below `element`, at any depth."""
    for child in element.children:
        yield child
        yield from inside(child)


def _map(client, lang="en"):
    response = client.get("/map", query_string={"lang": lang})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "<script" not in response.get_data(as_text=True)  # a picture without JavaScript
    return parse_html(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def counts(built):
    store = built.generation.open()
    rows = store.query(PER_DESTINATION, use_default_graph_as_union=True)
    return {
        r["label"].value: (int(r["flows"].value), r["numeric"].value if r["numeric"] else None)
        for r in rows
    }


def test_every_destination_country_is_a_shaded_path_with_a_title(client, counts):
    elements = _map(client)
    shapes = {
        e.attrs["data-numeric"]: e
        for e in elements
        if e.tag in ("path", "circle") and "data-numeric" in e.attrs
    }
    countries = {label: value for label, value in counts.items() if value[1]}
    assert len(countries) >= 14
    for label, (flows, numeric) in countries.items():
        shape = shapes[numeric.zfill(3)]
        shade = [c for c in shape.attrs["class"].split() if c.startswith("shade-")]
        assert shade and shade[0] != "shade-0", label
        title = find(shape.children, "title")
        assert title and title[0].text == f"{label}: {flows} flow{'s' if flows > 1 else ''}"
    # a country no flow went to is drawn, unshaded and unlinked: Brazil
    assert shapes["076"].attrs["class"] == "country shade-0"


def test_singapore_too_small_for_the_map_gets_a_dot(client):
    dots = [e for e in _map(client) if e.tag == "circle" and e.attrs.get("data-numeric") == "702"]
    assert len(dots) == 1
    assert find(dots[0].children, "title")[0].text.startswith("Singapore: ")


def test_the_table_numbers_equal_a_sparql_count(client, counts):
    shown = {}
    for row in [e for e in _map(client) if e.tag == "tr" and e.attrs.get("class")]:
        cells = list(inside(row))
        flows = find(cells, "td", class_="num flows")
        shown[find(cells, "a")[0].text] = int(flows[0].text)
    assert shown == {label: flows for label, (flows, _) in counts.items()}


def test_world_regions_are_marked_with_the_sources_words(client, built):
    elements = _map(client)
    rows = find(elements, "tr", class_="world-region")
    assert {find(list(inside(r)), "a")[0].text for r in rows} == {"Europe", "Western Asia"}
    words = {s.text for s in find(elements, "span", class_="as-stated")}
    assert {"“beberapa negara Eropa”", "“Timur Tengah”"} <= words
    patterns = find(elements, "pattern")
    assert len(patterns) == 2  # one hatching per region, in the legend and the table
    for row in rows:
        assert find(list(inside(row)), "rect")[0].attrs["fill"].startswith("url(#hatch-")
    # where the reference graph says which countries each region holds, they are hatched
    membership = "ASK { ?c <https://w3id.org/kaltim-kg/ontology#worldRegion> ?r }"
    if built.generation.open().query(membership, use_default_graph_as_union=True):
        hatched = [e for e in elements if e.tag == "path" and "region" in e.attrs.get("class", "")]
        assert len(hatched) == 2 and all(p.attrs["d"] for p in hatched)


def test_indonesian_page_formats_numbers_the_indonesian_way(client):
    elements = _map(client, "id")
    assert find(elements, "html")[0].attrs["lang"] == "id"
    assert find(elements, "h1")[0].text == "Ke mana ekspor UKM Kalimantan Timur pergi"
    assert "arus ekspor ke" in find(elements, "p", class_="lead")[0].text


def test_the_nav_links_the_map(client):
    page = parse_html(client.get("/?lang=en").get_data(as_text=True))
    assert any(a.attrs.get("href") == "/map?lang=en" for a in find(page, "a"))


def test_bands_split_counts_in_order():
    assert bands([]) == []
    assert bands([1, 1, 2]) == [Band(1, 1, 1), Band(2, 2, 2)]
    legend = bands([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50])
    assert [b.index for b in legend] == list(range(1, len(legend) + 1)) and len(legend) <= 5
    assert legend[0].low == 1 and legend[-1].high == 50
    for count in (1, 5, 10, 50):
        assert shade_of(count, legend) > 0
    assert shade_of(0, legend) == 0
    assert Band(3, 1000, 2000).label("id") == "1.000\u20132.000"


KKG = "https://w3id.org/kaltim-kg/ontology#"
BASE = "https://w3id.org/kaltim-kg/"
TTL = f"""
@prefix kkg: <{KKG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{BASE}id/world-region/150> a kkg:WorldRegion ; rdfs:label "Europe"@en, "Eropa"@id .
<{BASE}id/world-region/155> a kkg:WorldRegion ; skos:broader <{BASE}id/world-region/150> .
<{BASE}id/world-region/039> a kkg:WorldRegion ; skos:broader <{BASE}id/world-region/150> .
<{BASE}id/country/NL> a kkg:Country ; rdfs:label "Netherlands"@en ; kkg:isoNumeric "528" ;
    kkg:worldRegion <{BASE}id/world-region/155> .
<{BASE}id/country/MT> a kkg:Country ; rdfs:label "Malta"@en ; kkg:isoNumeric "470" ;
    kkg:worldRegion <{BASE}id/world-region/039> .
<{BASE}id/country/JP> a kkg:Country ; rdfs:label "Japan"@en ; kkg:isoNumeric "392" .
<{BASE}id/flow/a> a kkg:ExportFlow ; kkg:destination <{BASE}id/world-region/150> ;
    kkg:destinationAsStated "beberapa negara Eropa"@id .
<{BASE}id/flow/b> a kkg:ExportFlow ; kkg:destination <{BASE}id/country/JP> .
<{BASE}id/flow/c> a kkg:ExportFlow ; kkg:destination <{BASE}id/country/JP> ;
    kkg:tradeValue [ schema:value 5 ; schema:currency "USD" ] .
"""


def test_a_region_whose_countries_the_graph_names_is_hatched_over_them():
    """Countries name their most specific UN M49 area (kkg:worldRegion), areas their parent."""
    store = pyoxigraph.Store()
    store.load(TTL.encode(), pyoxigraph.RdfFormat.TURTLE)
    destinations = read_destinations(store)
    assert [(d.kind, d.flows, d.valued) for d in destinations] == [
        ("country", 2, 1),
        ("world-region", 1, 0),
    ]
    europe = destinations[1]
    assert europe.members == {"528", "470"} and europe.as_stated == ("beberapa negara Eropa",)
    drawn = world_map(destinations, Labeller(store, "en"), BASE)
    (hatch,) = drawn.hatches
    netherlands = next(a for a in drawn.areas if a.numeric == "528")
    assert netherlands.path in hatch.path and netherlands.shade == 0  # hatched, not shaded
    assert hatch.title == "Europe: 1 flow (“beberapa negara Eropa”)"
    assert hatch.href == "/id/world-region/150"
    japan = next(a for a in drawn.areas if a.numeric == "392")
    assert japan.shade == 2  # bands: 1 (Europe), 2 (Japan)
    assert japan.title == "Japan: 2 flows" and japan.href == "/id/country/JP"
    assert [r.valued_shown for r in drawn.rows] == ["1", "0"]
    assert drawn.flows_shown == format_number(3, "en")


def test_the_table_has_json_and_csv_twins(client, counts):
    as_json = client.get("/map", headers={"Accept": "application/json"})
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    body = as_json.get_json()
    assert "not a value" in body["measure"]
    assert {d["label"]: d["flows"] for d in body["destinations"]} == {
        label: flows for label, (flows, _) in counts.items()
    }
    europe = next(d for d in body["destinations"] if d["label"] == "Europe")
    assert europe["kind"] == "world-region" and europe["as_stated"] == ["beberapa negara Eropa"]
    as_csv = client.get("/map", query_string={"format": "csv", "lang": "id"})
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert len(rows) == len(counts)
    japan = next(r for r in rows if r["destination"].endswith("/id/country/JP"))
    assert (japan["label"], japan["flows"]) == ("Jepang", str(counts["Japan"][0]))
    assert client.get("/map", headers={"Accept": "image/png"}).status_code == 406
    links = {a.attrs["href"] for a in find(_map(client), "a")}
    assert {"/map?format=csv&lang=en", "/map?format=json&lang=en"} <= links
