"""The query page: YASGUI bundled and offline, with example questions that have answers."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kaltim_kg.query.examples import EXAMPLES

STATIC = Path(__file__).resolve().parents[1] / "kaltim_kg" / "web" / "static" / "yasgui"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_every_example_has_answers(client, example):
    response = client.post("/sparql", data={"query": example.query})
    assert response.status_code == 200, response.data
    assert json.loads(response.data)["results"]["bindings"], example.title


def test_there_are_at_least_eight_examples():
    assert len(EXAMPLES) >= 8
    assert len({e.title for e in EXAMPLES}) == len(EXAMPLES)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: str = ""

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)

    def handle_data(self, data):
        self.data += data


def test_page_loads_only_bundled_assets_and_carries_the_examples(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    # The browser itself keeps the page offline: everything from this server, no inline script.
    policy = dict(
        p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert "script-src" not in policy and "connect-src" not in policy
    page = _Assets()
    page.feed(response.data.decode())
    assert page.urls, "the page references its scripts and styles"
    for url in page.urls:
        url = url.removeprefix("http://localhost")  # this server itself
        assert not re.match(r"^(https?:)?//", url), f"remote asset {url}"
        asset = client.get(url)
        assert asset.status_code == 200, url
    examples = json.loads(
        re.search(
            r"<script[^>]*id=\"examples\"[^>]*>(.*?)</script>", response.data.decode(), re.S
        ).group(1)
    )
    assert [e["title"] for e in examples] == [e.title for e in EXAMPLES]


def test_yasgui_is_bundled_with_its_licence():
    assert (STATIC / "yasgui.min.js").stat().st_size > 100_000
    assert (STATIC / "yasgui.min.css").is_file()
    assert "MIT" in (STATIC / "LICENSE").read_text(encoding="utf-8")
