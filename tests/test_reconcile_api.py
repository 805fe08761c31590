"""`/reconcile` speaks the W3C Entity Reconciliation Service API 0.2 as OpenRefine 3.8 does.

Every answer is validated against the specification's JSON schemas (copied, unchanged, to
tests/conformance/reconciliation/0.2/), and the specification's valid and invalid example
requests go through our parsers.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from kaltim_kg.config import load_settings
from kaltim_kg.link.protocol import (
    MAX_QUERIES,
    BadReconcileRequest,
    parse_extend,
    parse_query_batch,
)
from kaltim_kg.web import create_app
from tests.link_support import BASE, build_linked_store

SPEC = Path(__file__).parent / "conformance" / "reconciliation" / "0.2"
ID = f"{BASE}id/"


def _schemas() -> tuple[Registry, dict[str, dict]]:
    loaded = {p.stem: json.loads(p.read_text()) for p in (SPEC / "schemas").glob("*.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7))
        for schema in loaded.values()
        if "$id" in schema
    )
    return registry, loaded


REGISTRY, SCHEMAS = _schemas()


def check(kind: str, document: object) -> None:
    """Raise if `document` is not a valid `kind` (a schema file name without .json)."""
    Draft7Validator(SCHEMAS[kind], registry=REGISTRY).validate(document)


def examples(kind: str, validity: str) -> list[Path]:
    return sorted((SPEC / "examples" / kind / validity).glob("*.json"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linked")
    settings = build_linked_store(load_settings(env={}, store_dir=tmp / "store"), tmp)
    return create_app(settings, {"TESTING": True}).test_client()


def reconcile(client, queries: dict, method: str = "post", **extra):
    if method == "post":  # OpenRefine 3.8: a form POST with the batch as `queries`
        response = client.post("/reconcile", data={"queries": json.dumps(queries), **extra})
    else:
        response = client.get("/reconcile", query_string={"queries": json.dumps(queries), **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    check("reconciliation-result-batch", response.json)
    return response.json


# --- the specification's own examples through our parsers


def test_the_schemas_accept_their_valid_examples_and_reject_invalid_ones():
    # The check itself must be able to fail: otherwise the tests below prove nothing.
    for kind in (
        "reconciliation-query-batch",
        "reconciliation-result-batch",
        "data-extension-response",
    ):
        for path in examples(kind, "valid"):
            check(kind, json.loads(path.read_text()))
        for path in examples(kind, "invalid"):
            with pytest.raises(Exception):  # noqa: B017 (any validation error)
                check(kind, json.loads(path.read_text()))


@pytest.mark.parametrize(
    "path", examples("reconciliation-query-batch", "valid"), ids=lambda p: p.name
)
def test_valid_example_batches_parse(path):
    text = path.read_text()
    parsed = parse_query_batch(text)
    assert set(parsed) == set(json.loads(text))


@pytest.mark.parametrize(
    "path", examples("reconciliation-query-batch", "invalid"), ids=lambda p: p.name
)
def test_invalid_example_batches_are_refused(path):
    with pytest.raises(BadReconcileRequest):
        parse_query_batch(path.read_text())


@pytest.mark.parametrize("path", examples("data-extension-query", "valid"), ids=lambda p: p.name)
def test_valid_example_extension_queries_parse(path):
    request = parse_extend(path.read_text())
    assert list(request.ids) == json.loads(path.read_text())["ids"]


def test_valid_example_batches_name_types_we_do_not_have(client):
    text = (SPEC / "examples/reconciliation-query-batch/valid/example-full.json").read_text()
    response = client.post("/reconcile", data={"queries": text})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == (
        "Bad Request: unknown type 'DifferentiatedPerson'; this service knows "
        "Country, WorldRegion, Province, Regency, HS, Commodity\n"
    )


# The examples are written against the GND (a German authority file). Sent as they are,
# each is answered: 200 and a valid result, or 400 naming the GND type or property this
# service does not have. Sent with the GND's vocabulary swapped for ours, shape unchanged
# (multiple values, {id, name} values, no query string, type_strict ...), each is 200.
GND_TO_OURS = {
    "DifferentiatedPerson": "https://w3id.org/kaltim-kg/ontology#Regency",
    "professionOrOccupation": "https://w3id.org/kaltim-kg/ontology#province",
    "affiliation": "kkg:bpsCode",
    "uid": "kkg:bpsCode",
    "Politik*": "Kalimantan Timur",
    "wissenschaftler": ID + "region/ID-KI",
    "Wissenschaftler(in)": "Kalimantan Timur",
    "http://d-nb.info/gnd/2022139-3": "6411",
    "27eb892afbb2": "6471",
    "ab09da9dd37e": "6402",
    "Christel Hanewinckel": "Kab. Mahakam Ulu",
    "Franz Thönnes": "KOTA BALIKPAPAN",
    "Hans-Eberhard Urbaniak": "Tiongkok",
    "Ernst Schwanhold": "Korsel",
    "10662041X": ID + "country/CN",
    "1064905412": ID + "regency/6402",
    "variantName": "skos:altLabel",
    "geographicAreaCode": "kkg:isoAlpha2",
    "wikidataId": "wikidata",
}


def ours(value):
    """An example request with the GND's names replaced by this service's, shape unchanged."""
    if isinstance(value, dict):
        return {k: ours(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ours(v) for v in value]
    return GND_TO_OURS.get(value, value) if isinstance(value, str) else value


def one_line_400(response, *reasons: str) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("Bad Request: ") and text.endswith("\n") and text.count("\n") == 1
    assert any(reason in text for reason in reasons), text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return text


@pytest.mark.parametrize(
    "path", examples("reconciliation-query-batch", "valid"), ids=lambda p: p.name
)
def test_valid_example_batches_are_answered_over_http(client, path):
    text = path.read_text()
    for response in (
        client.post("/reconcile", data={"queries": text}),
        client.get("/reconcile", query_string={"queries": text}),
    ):
        if response.status_code == 200:
            check("reconciliation-result-batch", response.json)
            assert set(response.json) == set(json.loads(text))
        else:  # the GND's own vocabulary, which this service does not have
            one_line_400(response, "unknown type 'DifferentiatedPerson'", "unknown property 'uid'")
    translated = json.dumps(ours(json.loads(text)))
    for method in ("post", "get"):
        answer = reconcile(client, json.loads(translated), method)
        assert set(answer) == set(json.loads(text))
        assert all(answer[key]["result"] for key in answer)  # each finds its entity
        for result in answer.values():
            assert all(c["id"].startswith(ID) for c in result["result"])


def test_translated_examples_find_what_they_name(client):
    full = ours(
        json.loads(
            (SPEC / "examples/reconciliation-query-batch/valid/example-full.json").read_text()
        )
    )
    answer = reconcile(client, full)
    # q0: "Kab. Mahakam Ulu" in the province "Kalimantan Timur" with BPS code 6411
    assert [c["id"] for c in answer["q0"]["result"] if c["match"]] == [ID + "regency/6411"]
    # q1: "KOTA BALIKPAPAN" whose BPS code is not 6411: found, but not certain
    top = answer["q1"]["result"][0]
    assert (top["id"], top["match"]) == (ID + "regency/6471", False)
    bare = ours(
        json.loads(
            (SPEC / "examples/reconciliation-query-batch/valid/no-query-string.json").read_text()
        )
    )
    answer = reconcile(client, bare)
    assert answer["q1"]["result"][0]["id"] == ID + "regency/6471"
    assert answer["q2"]["result"][0]["id"] == ID + "regency/6402"


@pytest.mark.parametrize(
    "path", examples("reconciliation-query-batch", "invalid"), ids=lambda p: p.name
)
def test_invalid_example_batches_are_400_with_one_line_over_http(client, path):
    text = path.read_text()
    for response in (
        client.post("/reconcile", data={"queries": text}),
        client.get("/reconcile", query_string={"queries": text}),
    ):
        one_line_400(response, "needs a query string or", "unknown member 'props'")


@pytest.mark.parametrize("path", examples("data-extension-query", "valid"), ids=lambda p: p.name)
def test_valid_example_extension_queries_are_answered_over_http(client, path):
    text = path.read_text()
    response = client.post("/reconcile", data={"extend": text})
    one_line_400(response, "unknown property 'variantName'")
    request = ours(json.loads(text))
    for response in (
        client.post("/reconcile", data={"extend": json.dumps(request)}),
        client.get("/reconcile", query_string={"extend": json.dumps(request)}),
    ):
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.json
        check("data-extension-response", body)
        assert list(body["rows"]) == request["ids"]
        china = body["rows"][ID + "country/CN"]
        assert {"str": "CN"} in china["kkg:isoAlpha2"]
        assert {"str": "RRT"} in china["skos:altLabel"]
        if "wikidata" in china:
            assert china["wikidata"] == [{"str": "Q148"}]
        assert body["rows"][ID + "regency/6402"]["skos:altLabel"] == [{"str": "Kukar"}]


# --- the manifest


def test_the_manifest_is_valid_and_names_every_feature(client):
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = response.json
    check("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == ID
    types = {t["id"] for t in manifest["defaultTypes"]}
    assert types == {
        "https://w3id.org/kaltim-kg/ontology#Country",
        "https://w3id.org/kaltim-kg/ontology#WorldRegion",
        "https://w3id.org/kaltim-kg/ontology#Region",
        "https://w3id.org/kaltim-kg/ontology#Regency",
        "https://w3id.org/kaltim-kg/ontology#Commodity",
        f"{ID}hs/",
    }
    for feature in ("view", "preview", "suggest", "extend"):
        assert feature in manifest
    assert manifest["view"]["url"] == "http://localhost/reconcile/view?id={{id}}"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_manifest_view_leads_to_the_id_page(client):
    view = client.get("/reconcile").json["view"]["url"]
    response = client.get(
        view.replace("http://localhost", "").replace("{{id}}", quote(ID + "country/CN", safe=""))
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost/id/country/CN"
    assert client.get("/id/country/CN").status_code == 303  # and that page exists


# --- queries


def test_openrefine_batch_of_ten_with_type_should(client):
    names = [
        "TIONGKOK",
        "Korsel",
        "RRT",
        "Jepang",
        "Malysia",
        "Inggris",
        "Amerika",
        "India",
        "SG",
        "Nowhere",
    ]
    country = "https://w3id.org/kaltim-kg/ontology#Country"
    batch = {
        f"q{i}": {"query": n, "type": country, "type_strict": "should"} for i, n in enumerate(names)
    }
    answer = reconcile(client, batch)
    assert list(answer) == list(batch)
    first = {key: (answer[key]["result"] or [{}])[0] for key in batch}
    assert first["q0"]["id"] == ID + "country/CN" and first["q0"]["match"] is True
    assert first["q1"]["id"] == ID + "country/KR" and first["q1"]["match"] is True
    assert first["q2"]["id"] == ID + "country/CN"
    assert first["q3"]["id"] == ID + "country/JP"
    assert first["q4"]["id"] == ID + "country/MY" and first["q4"]["match"] is False
    assert first["q6"]["id"] == ID + "country/US"
    assert first["q8"]["id"] == ID + "country/SG" and first["q8"]["score"] == 100
    assert answer["q9"]["result"] == []
    for result in answer.values():
        for candidate in result["result"]:
            assert candidate["id"].startswith(ID)  # full IRIs, never a local key
            assert 0 <= candidate["score"] <= 100


def test_get_and_post_answer_alike(client):
    batch = {"a": {"query": "Kab. Kutai Kartanegara", "type": "Regency"}}
    assert reconcile(client, batch, "get") == reconcile(client, batch, "post")
    top = reconcile(client, batch)["a"]["result"][0]
    assert (top["id"], top["match"]) == (ID + "regency/6402", True)
    assert top["type"] == [
        {
            "id": "https://w3id.org/kaltim-kg/ontology#Regency",
            "name": "Regency or city (Kabupaten/kota)",
        }
    ]


def test_a_province_column_disambiguates_a_regency(client):
    regency = "https://w3id.org/kaltim-kg/ontology#Regency"
    province = "https://w3id.org/kaltim-kg/ontology#province"
    batch = {
        "plain": {"query": "Kab. Mahakam Ulu", "type": regency},
        "east": {
            "query": "Kab. Mahakam Ulu",
            "type": regency,
            "properties": [{"pid": province, "v": "Kalimantan Timur"}],
        },
        "south": {
            "query": "Kab. Mahakam Ulu",
            "type": regency,
            "properties": [
                {"pid": "kkg:province", "v": {"id": ID + "region/ID-KS", "name": "Kalsel"}}
            ],
        },
    }
    answer = reconcile(client, batch)
    assert not any(c["match"] for c in answer["plain"]["result"])
    assert [c["id"] for c in answer["east"]["result"] if c["match"]] == [ID + "regency/6411"]
    assert [c["id"] for c in answer["south"]["result"] if c["match"]] == [ID + "regency/6390"]


def test_limit_and_a_list_of_types(client):
    batch = {"q": {"query": "64", "type": ["Province", "HS"], "limit": 1}}
    assert len(reconcile(client, batch)["q"]["result"]) == 1
    both = reconcile(client, {"q": {"query": "64", "type": ["Province", "HS"]}})["q"]["result"]
    assert {c["id"] for c in both} == {ID + "region/ID-KI", ID + "hs/64"}
    assert not any(c["match"] for c in both)


def test_a_query_by_properties_alone(client):
    batch = {"q1": {"properties": [{"pid": "kkg:bpsCode", "v": "6471"}]}}
    top = reconcile(client, batch)["q1"]["result"][0]
    assert (top["id"], top["match"]) == (ID + "regency/6471", True)


@pytest.mark.parametrize(
    ("queries", "reason"),
    [
        (
            "{not json",
            "Bad Request: queries is not valid JSON: Expecting property name enclosed in double quotes",
        ),
        ("[1, 2]", "Bad Request: queries must be a JSON object of queries by key"),
        (
            '{"q": {"query": "x", "type": "Person"}}',
            "Bad Request: unknown type 'Person'; this service knows Country, WorldRegion, Province, Regency, HS, Commodity",
        ),
        ('{"q": {"query": "x", "props": []}}', "Bad Request: query 'q': unknown member 'props'"),
        ('{"q": {"limit": 3}}', "Bad Request: query 'q' needs a query string or properties"),
        ('{"q": {"query": 5}}', "Bad Request: query 'q': query must be a string"),
        (
            '{"q": {"query": "x", "limit": NaN}}',
            "Bad Request: queries is not valid JSON: NaN is not a JSON number",
        ),
        (
            '{"q": {"query": "x", "properties": [{"pid": "kkg:shoeSize", "v": "9"}]}}',
            "Bad Request: unknown property 'kkg:shoeSize'",
        ),
    ],
)
def test_bad_requests_are_400_with_one_line(client, queries, reason):
    for response in (
        client.get("/reconcile", query_string={"queries": queries}),
        client.post("/reconcile", data={"queries": queries}),
    ):
        assert response.status_code == 400
        assert response.get_data(as_text=True) == reason + "\n"
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_more_than_a_thousand_queries_is_400(client):
    batch = {f"q{i}": {"query": "Jepang"} for i in range(MAX_QUERIES + 1)}
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 400
    assert (
        response.get_data(as_text=True) == "Bad Request: 1001 queries in one batch; at most 1000\n"
    )
    batch.pop(f"q{MAX_QUERIES}")
    assert len(reconcile(client, batch)) == MAX_QUERIES


def test_a_body_over_the_request_limit_is_413(client):
    huge = json.dumps({"q": {"query": "x" * 1_100_000}})
    response = client.post("/reconcile", data={"queries": huge})
    assert response.status_code == 413
    assert response.get_data(as_text=True).count("\n") == 1


def test_a_repeated_parameter_is_refused(client):
    response = client.get("/reconcile?queries={}&queries={}")
    assert response.status_code == 400


# --- JSONP and CORS


def test_jsonp_wraps_the_answer_for_a_plain_callback(client):
    response = client.get("/reconcile", query_string={"callback": "jQuery3510_1699"})
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    text = response.get_data(as_text=True)
    assert text.startswith("/**/jQuery3510_1699(") and text.endswith(");")
    check("manifest", json.loads(text[len("/**/jQuery3510_1699(") : -2]))
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "callback",
    [
        "alert(1)//",
        "<script>",
        "a b",
        "1abc",
        "a..b",
        "x" * 300,
        "a;b",
        "cb\u2028",
        "cb\n",
        "ns.cb",  # a dotted path would let a page call any method it names
        "location.assign",
        "caf\u00e9",
        "",
    ],
)
def test_a_callback_that_is_not_an_identifier_is_refused(client, callback):
    for response in (
        client.get("/reconcile", query_string={"callback": callback}),
        client.get(
            "/reconcile/suggest/entity", query_string={"prefix": "kal", "callback": callback}
        ),
        client.post(
            "/reconcile", data={"queries": '{"q": {"query": "Korsel"}}', "callback": callback}
        ),
    ):
        text = one_line_400(response, "callback must be a JavaScript identifier")
        assert callback not in text or not callback  # the name is never echoed back


def test_jsonp_for_every_json_answer(client):
    batch = json.dumps({"q": {"query": "Korsel", "type": "Country"}})
    for response in (
        client.post("/reconcile", data={"queries": batch, "callback": "cb_1"}),
        client.get("/reconcile/suggest/type", query_string={"prefix": "Re", "callback": "cb_1"}),
        client.get("/reconcile/propose_properties?type=Country&callback=cb_1"),
    ):
        assert response.status_code == 200
        assert response.mimetype == "application/javascript"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        text = response.get_data(as_text=True)
        assert text.startswith("/**/cb_1(") and text.endswith(");")
        json.loads(text[len("/**/cb_1(") : -2])


def test_cors_preflight(client):
    response = client.options(
        "/reconcile",
        headers={"Origin": "http://127.0.0.1:3333", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


# --- suggest, preview, data extension


def test_suggest_entities_by_prefix(client):
    response = client.get("/reconcile/suggest/entity?prefix=kutai")
    assert response.status_code == 200
    check("suggest-entities-response", response.json)
    # the three Kutai regencies of East Kalimantan, and nothing else
    assert {r["id"] for r in response.json["result"]} == {
        ID + "regency/6402",  # Kabupaten Kutai Kartanegara
        ID + "regency/6407",  # Kabupaten Kutai Barat
        ID + "regency/6408",  # Kabupaten Kutai Timur
    }
    typed = client.get(
        "/reconcile/suggest/entity", query_string={"prefix": "Kal", "type": "Province"}
    ).json
    kalimantan = {ID + f"region/ID-{code}" for code in ("KB", "KT", "KS", "KI", "KU")}
    assert {r["id"] for r in typed["result"]} == kalimantan
    assert client.get("/reconcile/suggest/entity?prefix=kal&type=Person").status_code == 400


def test_suggest_pages_with_a_cursor(client):
    every = client.get("/reconcile/suggest/entity?prefix=kab&limit=20").json["result"]
    assert len(every) >= 4  # the fixture's kabupaten
    pages = [
        client.get(f"/reconcile/suggest/entity?prefix=kab&limit=2&cursor={n}").json["result"]
        for n in range(0, len(every), 2)
    ]
    for page in pages:
        check("suggest-entities-response", {"result": page})
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in every]
    types = client.get("/reconcile/suggest/type?prefix=&limit=2&cursor=2").json["result"]
    assert [t["name"] for t in types] == ["Province (Provinsi)", "Regency or city (Kabupaten/kota)"]
    assert client.get("/reconcile/suggest/property?prefix=iso&cursor=999").json == {"result": []}
    for bad in ("-1", "x", "1e3", "9" * 30, "\u00b2", "\u0661"):
        response = client.get(
            "/reconcile/suggest/entity", query_string={"prefix": "k", "cursor": bad}
        )
        one_line_400(response, "cursor must be a whole number")


@pytest.mark.parametrize("bad", ["\u00b2", "\u0661\u0662", "-3", "3.5", "9" * 30])
def test_a_limit_that_is_not_plain_digits_is_400_never_500(client, bad):
    routes = ("/reconcile/suggest/entity", "/reconcile/suggest/type", "/reconcile/suggest/property")
    for route in routes:
        response = client.get(route, query_string={"prefix": "k", "limit": bad})
        one_line_400(response, "limit must be a whole number")
    response = client.get(
        "/reconcile/propose_properties", query_string={"type": "Country", "limit": bad}
    )
    one_line_400(response, "limit must be a whole number")


def test_suggest_types_and_properties(client):
    types = client.get("/reconcile/suggest/type?prefix=reg").json
    check("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["https://w3id.org/kaltim-kg/ontology#Regency"]
    properties = client.get("/reconcile/suggest/property?prefix=iso").json
    check("suggest-properties-response", properties)
    assert "https://w3id.org/kaltim-kg/ontology#isoAlpha3" in {
        p["id"] for p in properties["result"]
    }


def test_propose_properties_for_a_type(client):
    response = client.get("/reconcile/propose_properties?type=Regency&limit=20")
    check("data-extension-property-proposal", response.json)
    ids = {p["id"] for p in response.json["properties"]}
    assert {
        "https://w3id.org/kaltim-kg/ontology#province",
        "https://w3id.org/kaltim-kg/ontology#bpsCode",
    } <= ids
    assert client.get("/reconcile/propose_properties?type=Nope").status_code == 400


def test_data_extension_for_countries_and_regencies(client):
    extend = {
        "ids": [ID + "country/CN", ID + "regency/6402", ID + "country/ZZ"],
        "properties": [
            {"id": "kkg:isoAlpha3"},
            {"id": "wikidata"},
            {"id": "kkg:worldRegion"},
            {"id": "kkg:province"},
            {"id": "kkg:bpsCode"},
            {"id": "rdfs:label", "settings": {"limit": "1"}},
        ],
    }
    response = client.post("/reconcile", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    check("data-extension-response", body)
    china, kukar, unknown = (body["rows"][i] for i in extend["ids"])
    assert china["kkg:isoAlpha3"] == [{"str": "CHN"}]
    assert china["wikidata"] == [{"str": "Q148"}]
    assert china["kkg:worldRegion"] == [{"id": ID + "world-region/030", "name": "Asia Timur"}]
    assert kukar["kkg:province"] == [{"id": ID + "region/ID-KI", "name": "Kalimantan Timur"}]
    assert kukar["kkg:bpsCode"] == [{"str": "6402"}]
    assert len(china["rdfs:label"]) == 1
    assert all(values == [] for values in unknown.values())
    assert [m["id"] for m in body["meta"]] == [p["id"] for p in extend["properties"]]
    assert client.get("/reconcile", query_string={"extend": '{"ids": 1}'}).status_code == 400


def test_preview_is_escaped_html(client, tmp_path):
    response = client.get("/reconcile/preview", query_string={"id": ID + "country/CI"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Pantai Gading" in text and "Côte d&#39;Ivoire" in text
    assert "&lt;b&gt;Ivory&lt;/b&gt; &amp; Coast" in text  # a label is text, never markup
    assert "<b>" not in text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/reconcile/preview", query_string={"id": "<b>x</b>"}).status_code == 404
    assert client.get("/reconcile/preview").status_code == 400


def test_every_reconcile_route_is_in_the_readme(client):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rules = [
        r.rule
        for r in client.application.url_map.iter_rules()
        if r.endpoint.startswith("reconcile.")
    ]
    assert len(rules) == 7
    for rule in rules:
        assert f"| `{rule}` |" in readme, f"{rule} is not documented in README.md"


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("country/CN", "Tiongkok"),
        ("regency/6402", "Kabupaten Kutai Kartanegara"),
        ("region/ID-KI", "Kalimantan Timur"),
        ("world-region/150", "Eropa"),
        ("hs/030617", "030617 "),  # its HS label: the fixture's, or HS 2022's full text
    ],
)
def test_preview_of_each_kind_is_a_card_openrefine_can_frame(client, key, name):
    from tests.html_page import find, parse_html

    preview = client.get("/reconcile").json["preview"]
    url = preview["url"].replace("http://localhost", "").replace("{{id}}", quote(ID + key, safe=""))
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html" and response.mimetype_params["charset"] == "utf-8"
    elements = parse_html(response.get_data(as_text=True))
    assert find(elements, "meta", charset="utf-8")
    (heading,) = find(elements, "h1")
    assert heading.text.strip() == name or (name.endswith(" ") and heading.text.startswith(name))
    (link,) = [e for e in find(elements, "a") if e.attrs.get("href", "").endswith("/id/" + key)]
    assert link.attrs["rel"] == "noopener"
    assert not find(elements, "script")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy  # OpenRefine shows it in a frame
    assert "default-src 'none'" in policy or "default-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_openrefine_example_table_reconciles_as_openrefine_drives_it(client):
    """data/examples/contoh-openrefine.csv, column by column, in OpenRefine's batches of 10
    with type_strict "should"; the regency column with the province column as a property."""
    import csv

    path = Path(__file__).resolve().parent.parent / "data/examples/contoh-openrefine.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    country = "https://w3id.org/kaltim-kg/ontology#Country"
    regency = "https://w3id.org/kaltim-kg/ontology#Regency"
    province = "https://w3id.org/kaltim-kg/ontology#province"
    countries = {
        f"q{i}": {"query": r["Negara Tujuan"], "type": country, "type_strict": "should"}
        for i, r in enumerate(rows)
    }
    regencies = {
        f"q{i}": {
            "query": r["Kabupaten/Kota"],
            "type": regency,
            "type_strict": "should",
            "properties": [{"pid": province, "v": r["Provinsi"]}],
        }
        for i, r in enumerate(rows)
    }
    matched = {}
    for name, batch in (("country", countries), ("regency", regencies)):
        answer = reconcile(client, batch)
        matched[name] = [
            next((c["id"].removeprefix(ID) for c in answer[k]["result"] if c["match"]), None)
            for k in batch
        ]
        top = [answer[k]["result"][0]["id"].removeprefix(ID) for k in batch]
        matched[name + " top"] = top
    assert matched["country"] == ["country/CN", "country/KR", "country/CN", "country/CI", None]
    assert matched["country top"][4] == "country/KR"  # the typo: offered, for a person to pick
    assert matched["regency"] == [
        "regency/6402",
        "regency/6471",
        "regency/6411",  # Mahakam Ulu in East Kalimantan
        "regency/6390",  # its namesake in South Kalimantan (the fixture's invention)
        "regency/3271",
    ]
