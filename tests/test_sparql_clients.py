"""Real clients against a real server: the README's SPARQLWrapper and pandas examples.

Starts `python -m kaltim_kg serve` on a free 127.0.0.1 port with an empty store (so `serve`
builds first), then runs the README's Python examples with the URL pointed at it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_servers import ENGINE_KINDS, settings_on_engine

ROOT = Path(__file__).resolve().parents[1]
README_URL = "http://127.0.0.1:8080"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module", params=ENGINE_KINDS)
def live_server(request, tmp_path_factory, built) -> Iterator[str]:
    """`kaltim-kg serve` in a process of its own: embedded over a store it builds, or over
    the session's built store pushed to each remote engine (tests/engine_servers.py)."""
    port = _free_port()
    store = tmp_path_factory.mktemp("live-store")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("KALTIM_KG_")}
    engine: list[str] = []
    if request.param != "embedded":
        settings = settings_on_engine(request, built)
        store, engine = settings.store_dir, ["--engine", settings.engines[0]]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kaltim_kg",
            "serve",
            "--port",
            str(port),
            "--store",
            str(store),
            "--workers",
            "1",
            "--threads",
            "4",
            *engine,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not become healthy in time")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## SPARQL endpoint", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def _run_example(code: str, base: str) -> dict:
    assert README_URL in code
    namespace: dict = {}
    exec(compile(code.replace(README_URL, base), "README.md", "exec"), namespace)
    return namespace


def test_readme_has_both_examples():
    codes = _readme_examples()
    assert any("SPARQLWrapper" in c for c in codes)
    assert any("read_csv" in c for c in codes)


def test_readme_sparqlwrapper_example(live_server):
    code = next(c for c in _readme_examples() if "SPARQLWrapper" in c)
    rows = _run_example(code, live_server)["results"]["results"]["bindings"]
    assert rows
    assert all(r["hs"]["value"].isdigit() and len(r["hs"]["value"]) in (2, 4, 6) for r in rows)


def test_readme_pandas_example(live_server):
    code = next(c for c in _readme_examples() if "read_csv" in c)
    df = _run_example(code, live_server)["df"]
    assert list(df.columns) == ["flow", "commodity", "country"]
    assert len(df) > 0
    assert df["country"].str.startswith("https://w3id.org/kaltim-kg/id/country/").all()


@pytest.mark.parametrize("fmt", ["XML", "CSV", "TSV", "JSON"])
def test_sparqlwrapper_result_formats(live_server, fmt):
    import SPARQLWrapper

    sparql = SPARQLWrapper.SPARQLWrapper(f"{live_server}/sparql")
    sparql.setReturnFormat(getattr(SPARQLWrapper, fmt))
    sparql.setQuery("SELECT ?c WHERE { ?c a kkg:Country } LIMIT 3")
    converted = sparql.queryAndConvert()
    if fmt == "JSON":
        assert len(converted["results"]["bindings"]) == 3
    elif fmt == "XML":
        assert len(converted.getElementsByTagName("result")) == 3
    else:
        text = converted.decode() if isinstance(converted, bytes) else converted
        delimiter = "," if fmt == "CSV" else "\t"
        header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert header == (["c"] if fmt == "CSV" else ["?c"])
        prefix = "" if fmt == "CSV" else "<"
        assert len(rows) == 3
        assert all(
            row[0].startswith(prefix + "https://w3id.org/kaltim-kg/id/country/") for row in rows
        )


@pytest.mark.parametrize("fmt", ["TURTLE", "XML", "JSONLD", "N3"])
def test_sparqlwrapper_construct_formats(live_server, fmt):
    import SPARQLWrapper
    from rdflib import Graph

    sparql = SPARQLWrapper.SPARQLWrapper(f"{live_server}/sparql")
    sparql.setReturnFormat(getattr(SPARQLWrapper, fmt))
    sparql.setQuery("CONSTRUCT WHERE { ?c a kkg:Country }")
    converted = sparql.queryAndConvert()
    graph = converted if isinstance(converted, Graph) else None
    if graph is None:
        data = converted.decode() if isinstance(converted, bytes) else converted
        graph = Graph().parse(data=data, format="json-ld" if fmt == "JSONLD" else "turtle")
    assert len(graph) > 5


def test_sparqlwrapper_post(live_server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setMethod(POST)
    sparql.setReturnFormat(JSON)
    sparql.setQuery("ASK { ?c a kkg:Country }")
    assert sparql.queryAndConvert()["boolean"] is True


def _chromium() -> str:
    """A system chromium, if there is one."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return ""


def test_query_page_runs_an_example_offline_in_a_browser(live_server):
    """YASGUI loads from this server alone, shows the examples as tabs and runs one."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is required on CI (see .ci/run)")
        pytest.skip("needs playwright")
    chromium = _chromium() or None  # None: playwright's own download, if installed
    from kaltim_kg.query.examples import EXAMPLES

    outside: list[str] = []
    errors: list[str] = []

    def only_this_server(route) -> None:
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        except Exception as exc:  # playwright raises its own Error when no browser is found
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"no chromium to drive: {str(exc).splitlines()[0]}")
        try:
            page = browser.new_page()
            page.route("**/*", only_this_server)
            page.on("pageerror", lambda error: errors.append(str(error)))
            # Content-Security-Policy violations are reported as console errors.
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{live_server}/sparql")
            page.wait_for_selector(".yasqe .CodeMirror", timeout=15_000)
            assert page.locator(".tabsList .tab").count() == len(EXAMPLES)
            page.locator(".yasqe_queryButton").first.click()
            page.wait_for_selector(".yasr table tbody tr", timeout=15_000)
            assert page.locator(".yasr table tbody tr").count() > 0
        finally:
            browser.close()
    assert outside == []
    assert errors == []
