"""Operable (issue 18 item 7): /metrics, the JSON access log, `serve --check`."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kaltim_kg.store.generations import StoreDir
from tests.live_server import ROOT, free_port, running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _value(samples, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, keys), value in samples.items()
        if sample == name and set(labels.items()) <= set(keys)
    )


def test_metrics_in_the_prometheus_text_format(client, settings):
    before = _samples(client.get("/metrics").get_data(as_text=True))
    for i in range(3):
        assert client.get("/sparql", query_string={"query": f"ASK {{}} # {i}"}).status_code == 200
    assert client.get("/sparql", query_string={"query": "ASK {} # 0"}).status_code == 200  # hit
    assert client.get("/no/such/page").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=0.0.4" in response.content_type
    after = _samples(response.get_data(as_text=True))

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("kaltim_kg_http_requests_total", route="/sparql", status="200") == 4
    assert grew("kaltim_kg_http_requests_total", route="unmatched", status="404") == 1
    assert grew("kaltim_kg_http_request_duration_seconds_count", route="/sparql") == 4
    assert grew("kaltim_kg_result_cache_lookups_total", result="hit") == 1
    assert grew("kaltim_kg_result_cache_lookups_total", result="miss") == 3
    generation = StoreDir(settings.store_dir).require_current()
    assert _value(after, "kaltim_kg_generation_info", id=generation.id) == 1
    assert _value(after, "kaltim_kg_generation_quads") == generation.manifest["quads"]


def _get(port: int, path: str, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_metrics_add_up_every_server_process(settings, tmp_path):
    """Requests land in either server process; every scrape counts them all."""
    log = tmp_path / "server.log"
    env = {"KALTIM_KG_QUERY_TIMEOUT": "2", "KALTIM_KG_ACCESS_LOG": "json"}
    # No warm-up: an example that it stops at this short timeout on a busy machine would add
    # its query process's restart to the counts under test.
    env["KALTIM_KG_WARM_QUERIES"] = "0"
    with running_server(settings.store_dir, "--workers", "2", env=env, log=log) as (_, port):
        sent = 20
        for i in range(sent):  # a new connection each: the kernel spreads them
            assert _get(port, "/sparql?query=" + quote(f"ASK {{}} # {i}")) == 200
        assert _get(port, "/sparql?query=" + quote(RUNAWAY)) == 503
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/metrics")
            samples = _samples(conn.getresponse().read().decode())
            conn.close()
            total = _value(samples, "kaltim_kg_http_requests_total", route="/sparql")
            assert total == sent + 1
            assert _value(samples, "kaltim_kg_query_timeouts_total") == 1
            assert _value(samples, "kaltim_kg_query_worker_restarts_total", reason="timeout") == 1
    # The JSON access log: one object per request, every route.
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    queries = [e for e in entries if e["route"] == "/sparql"]
    assert len(queries) == sent + 1
    assert {e["status"] for e in queries} == {200, 503}
    assert all(e["remote"] == "127.0.0.1" and e["ms"] >= 0 for e in queries)
    assert any(e["path"] == "/health" and e["status"] == 200 for e in entries)
    assert any(e["path"] == "/metrics" for e in entries)


def _check(store: Path, port: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_KG_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "kaltim_kg", "serve", "--check", "--store", str(store)]
    return subprocess.run(
        [*command, "--port", str(port)], env=env, capture_output=True, text=True, timeout=120
    )


def test_serve_check_says_each_check_in_one_line_and_does_not_serve(settings):
    port = free_port()
    result = _check(settings.store_dir, port)
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok   store",
        "ok   port",
        lines[2].split(":")[0],
    ]
    assert lines[2].split(":")[0] in ("ok   network", "FAIL network")
    assert result.returncode == (0 if lines[2].startswith("ok") else 1)
    with socket.socket() as probe:  # nothing is left listening
        probe.bind(("127.0.0.1", port))


def test_serve_check_fails_on_a_port_in_use(settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = _check(settings.store_dir, port)
    assert result.returncode == 1
    assert f"FAIL port: 127.0.0.1:{port} is already in use" in result.stdout.splitlines()
    assert time.monotonic() - started < 120


@pytest.mark.skipif(not Path("/proc/self/ns/net").exists(), reason="needs Linux namespaces")
def test_serve_check_fails_on_an_unreadable_store(tmp_path):
    store = tmp_path / "store"
    (store / "generations" / "g1").mkdir(parents=True)
    (store / "current").symlink_to("generations/g1")  # no manifest: an incomplete generation
    result = _check(store, free_port())
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("FAIL store: ")
