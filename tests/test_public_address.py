"""One public address behind a proxy (issue 17, item 5): `--public-url` is the address in
redirects, download links, DCAT, VoID and the dumps listing; X-Forwarded-* is believed only
from a `--trusted-proxy`; a forged Host never reaches a generated or cached document."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import DCAT

from kaltim_kg.cli import main
from kaltim_kg.config import load_settings
from kaltim_kg.namespaces import VOID
from kaltim_kg.web import create_app
from kaltim_kg.web.public_address import host_name

PUBLIC = "https://data.example.org/"
EVIL = "evil.example"
FORGED = {
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-For": "6.6.6.6",
    "X-Forwarded-Prefix": "/evil",
}
# Every generated document that carries this server's address.
DOCUMENTS = [
    ("/catalog", {"Accept": "text/turtle"}),
    ("/catalog", {"Accept": "text/html"}),
    ("/.well-known/void", {"Accept": "text/turtle"}),
    ("/.well-known/void", {"Accept": "text/html"}),
    ("/dataset", {"Accept": "text/turtle"}),
    ("/graph/reference", {"Accept": "text/turtle"}),
    ("/sparql/service", {"Accept": "text/turtle"}),
    ("/sparql", {"Accept": "text/turtle"}),
    ("/dumps/", {"Accept": "application/json"}),
    ("/dumps/", {"Accept": "text/html"}),
    ("/id/country/JP", {"Accept": "text/turtle"}),
    ("/id/country/JP.html", {}),
    ("/ontology", {"Accept": "text/html"}),
    ("/reconcile", {}),
]


def app_with(settings, **overrides):
    return create_app(settings.with_overrides(**overrides), {"TESTING": True})


def everything(response) -> str:
    """The body and every header, where an address could hide."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return headers + "\n" + response.get_data(as_text=True)


# --- no public URL, no trusted proxy -------------------------------------------------------


@pytest.mark.parametrize(("path", "headers"), DOCUMENTS)
def test_a_forged_host_is_refused_before_any_document_is_made(client, path, headers):
    response = client.get(path, headers={**headers, "Host": EVIL})
    assert response.status_code == 400
    assert EVIL not in response.headers.get("Location", "")
    reason = response.get_data(as_text=True)
    assert reason.count("\n") == 1 and "--public-url" in reason
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("path", "headers"), DOCUMENTS)
def test_forged_forwarded_headers_from_an_untrusted_peer_are_ignored(client, path, headers):
    response = client.get(path, headers={**headers, **FORGED})
    assert response.status_code in (200, 303)
    seen = everything(response)
    assert EVIL not in seen and "https://localhost" not in seen and "/evil" not in seen


def test_the_303_says_where_the_request_was_sent(client):
    response = client.get("/id/country/JP", headers={"Accept": "text/turtle", **FORGED})
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost/id/country/JP.ttl"


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:9000", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"]
)
def test_names_of_this_machine_are_served(client, host):
    assert client.get("/catalog", headers={"Host": host}).status_code == 200


def test_the_listening_address_is_served(settings):
    client = app_with(settings, host="192.0.2.7").test_client()
    assert client.get("/catalog", headers={"Host": "192.0.2.7:8080"}).status_code == 200
    assert client.get("/catalog", headers={"Host": "192.0.2.8:8080"}).status_code == 400


@pytest.mark.parametrize("path", ["/health", "/metrics"])
def test_probes_answer_any_host(client, path):
    assert client.get(path, headers={"Host": EVIL}).status_code == 200


def test_a_forged_host_leaves_nothing_in_the_result_cache(client):
    query = quote('SELECT (IRI("relative") AS ?i) {}')
    forged = client.get(f"/sparql?query={query}", headers={"Host": EVIL})
    assert forged.status_code == 400
    first = client.get(f"/sparql?query={query}")
    assert first.headers["X-Cache"] == "miss"
    assert EVIL not in first.get_data(as_text=True)


@pytest.mark.parametrize(
    ("host", "name"),
    [("a.example:80", "a.example"), ("[::1]:8080", "::1"), ("x:notaport", None), ("", None)],
)
def test_host_names_are_read_strictly(host, name):
    assert host_name(host) == name


# --- behind a trusted proxy ---------------------------------------------------------------


@pytest.fixture()
def proxied(settings):
    client = app_with(settings, trusted_proxy=("10.0.0.0/8",)).test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    return client


def test_a_trusted_proxy_names_the_public_scheme_and_host(proxied):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example.org"}
    response = proxied.get("/id/country/JP", headers={"Accept": "text/turtle", **headers})
    assert response.headers["Location"] == "https://data.example.org/id/country/JP.ttl"
    record = Graph().parse(
        data=proxied.get("/catalog", headers=headers).get_data(), format="turtle"
    )
    downloads = {str(u) for u in record.objects(None, DCAT.downloadURL)}
    assert downloads and all(u.startswith("https://data.example.org/dumps/") for u in downloads)


def test_a_trusted_proxy_may_pass_the_host_on_as_it_is(proxied):
    response = proxied.get("/id/country/JP", headers={"Host": "data.example.org"})
    assert response.headers["Location"] == "http://data.example.org/id/country/JP.ttl"


def test_the_same_headers_from_another_peer_are_ignored(settings):
    client = app_with(settings, trusted_proxy=("10.0.0.0/8",)).test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    response = client.get("/id/country/JP", headers=FORGED)
    assert response.headers["Location"] == "http://localhost/id/country/JP.ttl"
    assert client.get("/catalog", headers={"Host": EVIL}).status_code == 400


# --- with a public URL ---------------------------------------------------------------------


@pytest.fixture()
def public(settings):
    return app_with(settings, public_url=PUBLIC, trusted_proxy=("10.0.0.0/8",)).test_client()


@pytest.mark.parametrize(("path", "headers"), DOCUMENTS)
def test_the_public_url_is_the_only_address_written(public, path, headers):
    public.environ_base["REMOTE_ADDR"] = "10.1.2.3"  # even a trusted proxy cannot change it
    response = public.get(path, headers={**headers, **FORGED, "Host": EVIL})
    assert response.status_code in (200, 303)
    seen = everything(response)
    assert EVIL not in seen and "localhost" not in seen and "/evil" not in seen
    if path in ("/catalog", "/dumps/", "/id/country/JP", "/.well-known/void"):
        assert PUBLIC in seen


def test_public_redirects_downloads_void_and_listing(public):
    response = public.get("/id/country/JP", headers={"Host": EVIL})
    assert response.headers["Location"] == f"{PUBLIC}id/country/JP.ttl"
    listing = json.loads(public.get("/dumps/?format=json").get_data())
    assert {f["url"] for f in listing["files"]} == {
        f"{PUBLIC}dumps/{f['name']}" for f in listing["files"]
    }
    void = Graph().parse(data=public.get("/.well-known/void").get_data(), format="turtle")
    assert {str(u) for u in void.objects(None, VOID.dataDump)} == {
        f"{PUBLIC}dumps/{f['name']}"
        for f in listing["files"]
        if f["name"].startswith("kaltim-kg.") and f["name"].endswith((".ttl", ".gz", ".jsonld"))
    }
    assert {str(u) for u in void.objects(None, VOID.sparqlEndpoint)} == {f"{PUBLIC}sparql"}


def test_the_result_cache_holds_the_public_address_only(public):
    query = quote('SELECT (IRI("relative") AS ?i) {}')
    first = public.get(f"/sparql?query={query}", headers={"Host": EVIL})
    second = public.get(f"/sparql?query={query}")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    value = json.loads(second.get_data())["results"]["bindings"][0]["i"]["value"]
    assert value == f"{PUBLIC}relative"


def test_a_trusted_proxy_gives_the_client_address(settings):
    seen = []
    app = app_with(settings, public_url=PUBLIC, trusted_proxy=("10.0.0.0/8",))
    app.add_url_rule(
        "/peer", "peer", lambda: seen.append(__import__("flask").request.remote_addr) or ""
    )
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    client.get("/peer", headers={"X-Forwarded-For": "198.51.100.9"})
    client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    client.get("/peer", headers={"X-Forwarded-For": "198.51.100.9"})
    assert seen == ["198.51.100.9", "192.0.2.1"]


# --- settings and the command line ---------------------------------------------------------


def test_settings_from_the_environment():
    settings = load_settings(
        env={
            "KALTIM_KG_PUBLIC_URL": "HTTPS://Data.Example.org",
            "KALTIM_KG_TRUSTED_PROXY": "10.0.0.1, 192.168.0.0/16 ::1",
        }
    )
    assert settings.public_url == PUBLIC
    assert settings.trusted_proxy == ("10.0.0.1/32", "192.168.0.0/16", "::1/128")


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("KALTIM_KG_PUBLIC_URL", "ftp://data.example.org/", "absolute http(s) URL"),
        ("KALTIM_KG_PUBLIC_URL", "https://data.example.org/kkg/", "root of its host"),
        ("KALTIM_KG_PUBLIC_URL", "https://data.example.org/?x=1", "no query"),
        ("KALTIM_KG_TRUSTED_PROXY", "nginx", "IP address or CIDR"),
    ],
)
def test_bad_settings_are_refused(name, value, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        load_settings(env={name: value})


@pytest.mark.parametrize(
    "args",
    [["--public-url", "ftp://x/"], ["--trusted-proxy", "nginx"]],
)
def test_serve_refuses_bad_addresses_in_one_line(tmp_path, args):
    result = CliRunner().invoke(main, ["serve", "--check", "--store", str(tmp_path), *args])
    assert result.exit_code == 2
    assert f"{args[0]} (env KALTIM_KG_{args[0][2:].upper().replace('-', '_')})" in result.output
    assert repr(args[1]) in result.output
