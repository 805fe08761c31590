"""/search: ranked, typo-tolerant, faceted by kind, paged; HTML and its JSON twin; bounded."""

from __future__ import annotations

import time

import pytest

from kaltim_kg.link.search import search
from kaltim_kg.store.generations import StoreDir
from tests.browse_fixture import BASE, browse_index, use_index
from tests.html_page import find, parse_html


@pytest.fixture(scope="module")
def kinds(built):
    return browse_index(built)


@pytest.fixture()
def browsing(app, built, kinds):
    use_index(app, built, kinds)
    return app.test_client()


def found(client, **params):
    response = client.get("/search", query_string={**params, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def iris(body):
    return [hit["iri"] for hit in body["results"]]


def test_an_exact_code_ranks_first(browsing):
    body = found(browsing, q="0306")
    assert iris(body)[0] == BASE + "id/hs/0306"
    assert body["results"][0]["match"] == "code"
    # the headings under it follow, by prefix, after every exact hit
    tiers = [hit["match"] for hit in body["results"]]
    assert tiers.index("prefix") > max(i for i, t in enumerate(tiers) if t == "code")
    assert BASE + "id/hs/030617" in iris(body)


def test_codes_of_every_scheme(browsing):
    for code, iri in (
        ("JP", "id/country/JP"),
        ("JPN", "id/country/JP"),
        ("392", "id/country/JP"),
        ("150", "id/world-region/150"),
        ("ID-KS", "id/region/ID-KS"),
        ("6471", "id/regency/6471"),
        ("0306.17", "id/hs/030617"),
    ):
        body = found(browsing, q=code)
        assert iris(body)[0] == BASE + iri, code
        assert body["results"][0]["match"] == "code"


def test_names_in_indonesian_and_english_and_aliases(browsing):
    for text, iri, match in (
        ("Tiongkok", "id/country/CN", "label"),
        ("China", "id/country/CN", "label"),
        ("Kalsel", "id/region/ID-KS", "alias"),
        ("Kutai Kartanegara", "id/regency/6402", "core"),
    ):
        body = found(browsing, q=text)
        assert iris(body)[0] == BASE + iri, text
        assert body["results"][0]["match"] == match


def test_an_exact_name_before_names_starting_with_it(browsing):
    body = found(browsing, q="Crustaceans")
    assert iris(body)[0] == BASE + "id/hs/0306"
    assert {hit["match"] for hit in body["results"][1:]} == {"prefix"}
    assert set(iris(body)) >= {BASE + "id/hs/030617", BASE + "id/hs/030616"}


def test_typos_are_forgiven(browsing):
    for typed, iri in (
        ("Jepnag", "id/country/JP"),
        # a country whose currency is not named after it ("Singapra" reaches "Dolar Singapura" too)
        ("Belnada", "id/country/NL"),
        ("kartanegra", "id/regency/6402"),
    ):
        body = found(browsing, q=typed)
        assert iris(body)[0] == BASE + iri, typed
        assert body["results"][0]["match"] == "fuzzy"


def test_nothing_matches_nonsense(browsing):
    assert found(browsing, q="zzqxv")["results"] == []


def test_facets_count_every_kind_and_kind_narrows(browsing, kinds):
    everything = found(browsing, q="kayu")
    counts = {f["kind"]: f["count"] for f in everything["facets"]}
    assert counts == search(kinds, "kayu").by_kind
    assert len(counts) >= 2 and sum(counts.values()) == everything["total"]
    narrowed = found(browsing, q="kayu", kind="commodity")
    assert {hit["kind"] for hit in narrowed["results"]} == {"commodity"}
    assert narrowed["total"] == counts["commodity"]
    assert narrowed["facets"] == everything["facets"]


def test_pages(browsing):
    whole = found(browsing, q="Crustaceans", size=100)
    assert whole["total"] >= 3
    first = found(browsing, q="Crustaceans", size=1, page=1)
    second = found(browsing, q="Crustaceans", size=1, page=2)
    assert first["pages"] == whole["total"]
    assert iris(first) + iris(second) == iris(whole)[:2]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"q": "jp", "page": "0"},
        {"q": "jp", "page": "2"},
        {"q": "jp", "page": "one"},
        {"q": "jp", "size": "101"},
        {"q": "jp", "size": "-1"},
        {"q": "jp", "kind": "planet"},
        {"q": "jp", "format": "xml"},
        {"q": "jp", "sort": "label"},
    ],
)
def test_bad_parameters_are_400_with_one_line(browsing, params):
    response = browsing.get("/search", query_string=params)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).count("\n") == 1


def test_a_repeated_parameter_is_400(browsing):
    assert browsing.get("/search?q=a&q=b").status_code == 400


def test_html_lists_the_hits_with_links_and_facets(browsing):
    response = browsing.get("/search", query_string={"q": "0306"}, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    elements = parse_html(response.get_data(as_text=True))
    hits = find(elements, "li", class_="hit")
    assert hits[0].attrs["data-match"] == "code"
    links = [c for c in hits[0].children if c.tag == "a"]
    assert links[0].attrs["href"] == "/id/hs/0306?lang=en"
    facets = {li.attrs["data-kind"]: li.text for li in find(elements, "li", class_="facet")}
    assert set(facets) == {"hs", "commodity"}
    json_link = [a for a in find(elements, "a") if a.text == "JSON"]
    assert json_link and "format=json" in json_link[0].attrs["href"]


def test_json_by_accept_and_the_same_hits(browsing):
    by_accept = browsing.get("/search?q=JP", headers={"Accept": "application/json"})
    assert by_accept.mimetype == "application/json"
    assert "Accept" in by_accept.headers["Vary"]
    assert by_accept.get_json()["results"] == found(browsing, q="JP")["results"]
    assert browsing.get("/search?q=JP", headers={"Accept": "image/png"}).status_code == 406


def test_the_query_is_escaped(browsing):
    typed = '"><script>alert(1)</script>'
    response = browsing.get("/search", query_string={"q": typed}, headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    boxes = [
        i for i in find(parse_html(body), "input", name="q") if i.attrs.get("id") == "search-q"
    ]
    assert boxes[0].attrs["value"] == typed
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_an_empty_search_shows_the_form_and_the_kinds(browsing):
    response = browsing.get("/search", headers={"Accept": "text/html"})
    assert response.status_code == 200
    elements = parse_html(response.get_data(as_text=True))
    assert find(elements, "input", id="search-q")
    kinds = [
        a.attrs["href"] for a in find(elements, "a") if a.attrs.get("href", "").startswith("/id/")
    ]
    assert "/id/country/?lang=en" in kinds
    assert found(browsing, q="")["results"] == []


def test_indonesian_page(browsing):
    response = browsing.get("/search?q=JP&lang=id", headers={"Accept": "text/html"})
    elements = parse_html(response.get_data(as_text=True))
    assert find(elements, "html")[0].attrs["lang"] == "id"
    assert "Jepang" in find(elements, "li", class_="hit")[0].text


@pytest.mark.parametrize("path", ["/", "/dumps/", "/id/country/JP.html", "/id/country/", "/id/"])
def test_every_page_has_the_search_box(browsing, path):
    response = browsing.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    forms = find(parse_html(response.get_data(as_text=True)), "form", role="search")
    assert forms and forms[0].attrs["action"] == "/search"
    inputs = [c for c in forms[0].children if c.tag == "input" and c.attrs.get("name") == "q"]
    assert inputs and int(inputs[0].attrs["maxlength"]) <= 200


def test_the_index_is_built_once_per_generation(app, built):
    cache = app.extensions["kaltim_kg_browse_index"]
    with app.test_request_context("/search?q=JP"):
        first = cache.get()
        assert cache.get() is first
        assert first.generation == built.generation.id


def test_the_index_is_built_when_a_generation_goes_live_not_at_a_visit(fresh_store, tmp_path):
    from kaltim_kg.store.publish import build, load
    from kaltim_kg.web import browse, create_app

    build(fresh_store)
    app = create_app(fresh_store, {"TESTING": True})
    cache = app.extensions["kaltim_kg_browse_index"]
    browse.watch(app, interval=0.05)
    first = _built_for(cache, StoreDir(fresh_store.store_dir).generation_id())
    extra = tmp_path / "extra.nt"
    extra.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
    load(fresh_store, [extra], validate=False)
    second = _built_for(cache, StoreDir(fresh_store.store_dir).generation_id())
    assert second is not first


def _built_for(cache, generation: str | None):
    deadline = time.monotonic() + 60
    while (built := cache._built) is None or built.generation != generation:
        assert time.monotonic() < deadline, "no index was built for the new generation"
        time.sleep(0.05)
    return built
