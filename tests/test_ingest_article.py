"""Reading articles to draft from: text with a header, saved HTML, URLs, and bad input."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from kaltim_kg.errors import ArticleError
from kaltim_kg.ingest.article import (
    MAX_BYTES,
    fetch_article,
    looks_indonesian,
    read_article,
    split_header,
)

BODY = (
    "Udang diberangkatkan ke Jepang, Inggris dan Taiwan oleh UKM yang ada di Kaltim.\n\n"
    "Minyak jelantah dikirim ke Belanda dan Malaysia, kata Roby, Rabu (03/02/2021).\n"
)
HTML = """<!DOCTYPE html>
<html lang="id"><head><title>Ekspor UKM Kaltim | Berita Daerah</title>
<meta property="article:published_time" content="2021-02-05T10:00:00+08:00"></head>
<body><nav><a href="/">Beranda</a> | <a href="/ekonomi">Ekonomi</a> | Masuk | Daftar</nav>
<article><h1>Ekspor UKM Kaltim</h1>
<p>Udang diberangkatkan ke Jepang, Inggris dan Taiwan oleh UKM yang ada di Kaltim pada tahun 2020.</p>
<p>Minyak jelantah dikirim ke Belanda dan Malaysia, kata Roby kepada wartawan di Samarinda.</p>
</article>
<aside><h3>Berita Terkait</h3><ul><li><a href="/x">Harga cabai naik lagi</a></li></ul></aside>
<footer>Hak cipta 2021 Berita Daerah. Semua hak dilindungi undang-undang.</footer></body></html>
"""


def test_text_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "url: https://example.org/a\ndate_published: 2021-02-05\ntitle: Judul\n---\n" + BODY
    )
    article = read_article(path)
    assert (article.kind, article.title, article.url) == ("text", "Judul", "https://example.org/a")
    assert article.date_published == dt.date(2021, 2, 5)
    assert article.text.startswith("Udang diberangkatkan")


def test_text_without_a_header_is_all_body(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Judul: Udang ke Jepang\n\n" + BODY)  # looks like a header line, but no ---
    article = read_article(path)
    assert article.header == {}
    assert article.text.startswith("Judul: Udang ke Jepang")


def test_split_header_needs_the_closing_line() -> None:
    assert split_header("a: 1\nb: 2\n---\nteks") == ({"a": "1", "b": "2"}, "teks")
    assert split_header("a: 1\nteks biasa\n---\n") == ({}, "a: 1\nteks biasa\n---\n")


def test_saved_html_loses_its_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML)
    article = read_article(path)
    assert article.kind == "html"
    assert "Udang diberangkatkan ke Jepang" in article.text
    assert "Minyak jelantah dikirim" in article.text
    for boilerplate in ("Beranda", "Berita Terkait", "Hak cipta", "Harga cabai"):
        assert boilerplate not in article.text
    assert article.date_published == dt.date(2021, 2, 5)
    assert "\n\n" in article.text  # paragraphs kept apart


def test_html_is_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(HTML)
    assert read_article(path).kind == "html"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (
            b"The ministry said shrimp exports to Japan grew strongly in the first quarter of "
            b"the year, and officials expect further growth.",
            "Indonesian",
        ),
        (b"language: en\n---\n" + BODY.encode(), "only Indonesian"),
    ],
)
def test_bad_input_is_refused_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as raised:
        read_article(path)
    message = str(raised.value)
    assert reason in message and str(path) in message and "\n" not in message


def test_oversized_input_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(ArticleError, match="too large"):
        read_article(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read"):
        read_article(tmp_path / "nope.txt")


def test_windows_encoded_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(BODY.replace("Roby", "Roby\u2019s").encode("cp1252"))
    assert "Roby\u2019s" in read_article(path).text


def test_language_check() -> None:
    assert looks_indonesian(BODY)
    assert not looks_indonesian(
        "Shrimp was shipped to Japan, the United Kingdom and Taiwan by SMEs."
    )


class _Pages(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {
        "/artikel": ("text/html; charset=utf-8", HTML.encode()),
        "/teks": ("text/plain; charset=utf-8", BODY.encode()),
        "/gambar": ("image/png", b"\x89PNG\r\n"),
    }

    def do_GET(self) -> None:
        if self.path == "/besar":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"a" * 65536 + b"</p>"
            for _ in range(MAX_BYTES // len(chunk) + 2):
                self.wfile.write(chunk)
            return
        if self.path not in self.pages:
            self.send_error(404, "Not Found")
            return
        kind, body = self.pages[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def local_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_an_article_from_a_local_server(local_site: str) -> None:
    article = fetch_article(f"{local_site}/artikel")
    assert article.kind == "html" and "Udang diberangkatkan" in article.text
    assert article.url == f"{local_site}/artikel"
    assert fetch_article(f"{local_site}/teks").kind == "text"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/hilang", "HTTP 404"), ("/gambar", "content type image/png"), ("/besar", "too large")],
)
def test_fetch_failures(local_site: str, path: str, reason: str) -> None:
    with pytest.raises(ArticleError, match=reason):
        fetch_article(f"{local_site}{path}")


def test_fetch_needs_http() -> None:
    with pytest.raises(ArticleError, match="only http"):
        fetch_article("file:///etc/passwd")
