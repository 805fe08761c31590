"""`kaltim-kg extract`: drafts in the curated format that validate and build accept as
written, linked to what other sources published, honest about what the text does not say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kaltim_kg.cli import main
from kaltim_kg.config import resource_dir

ARTICLES = Path(__file__).resolve().parent / "articles"  # stored texts of published reports

# An article none of the rules were written from: other verbs, a semester, dollars first,
# an anaphor, a list of goods with no destination, a speaker named by first name.
HELD_OUT = """\
url: https://example.org/berita/ekspor-umkm-kaltim-semester-1
publisher: Kabar Benua
date_published: 2023-07-12
title: UMKM Kaltim Tembus Pasar Korea dan Eropa
---
SAMARINDA \u2013 Sebanyak 12 UMKM binaan Disperindagkop dan UKM Kaltim mencatat ekspor senilai US$ 1,2 juta atau setara Rp18 miliar sepanjang tahun 2023.

Kepala Bidang Perdagangan Luar Negeri, Siti Rahmawati, menjelaskan bahwa komoditas unggulan seperti merica dan rumput laut dipasarkan ke Korea Selatan, Jerman dan Amerika Serikat.

Selain itu udang diekspor ke Jepang. Produk minyak jelantah juga dikirim ke negara tersebut.

\u201cKami ingin pelaku usaha terus naik kelas,\u201d ujar Siti, Selasa (11/7/2023).

Produk ekspor lain yang potensial antara lain olahan kayu dan lidi nipah.
"""


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped curated files, as an officer's data folder."""
    folder = tmp_path / "data"
    shutil.copytree(resource_dir("data"), folder)
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def drafted(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_draft_validate_and_build_accept_as_written(tmp_path: Path, data_dir: Path) -> None:
    article = tmp_path / "2023-07-12-umkm-kaltim.txt"
    article.write_text(HELD_OUT, encoding="utf-8")
    out = data_dir / "2023-07-12-umkm-kaltim.yaml"
    code, stdout, stderr = run("extract", str(article), "--out", str(out), "--data", str(data_dir))
    assert code == 0, stderr
    assert f"wrote {out}" in stdout and "Review before publishing:" in stdout
    draft = drafted(out)
    flows = {
        (f.get("year", f.get("period")), f["commodity"], f["destination"]) for f in draft["flows"]
    }
    assert flows == {
        (2023, "pepper", "KR"),
        (2023, "pepper", "DE"),
        (2023, "pepper", "US"),
        (2023, "seaweed", "KR"),
        (2023, "seaweed", "DE"),
        (2023, "seaweed", "US"),
        (2023, "shrimp", "JP"),
        (2023, "used-cooking-oil", "JP"),  # "ke negara tersebut": resolved, flagged
    }
    (cohort,) = draft["cohorts"]
    assert cohort["member_count"] == 12
    if "amounts" in cohort:  # the fact model of the regional graph: money as stated
        assert cohort["amounts"] == [
            {"currency": "USD", "value": "1,2", "scale": "juta"},
            {"currency": "IDR", "value": "18", "scale": "miliar", "equivalent": True},
        ]
        # goods with no destination are products, not flows
        assert {p["commodity"] for p in draft["products"]} == {"processed-wood", "nipa-palm-sticks"}
    else:  # the first curated format: whole rupiah, the dollar figure listed as left out
        assert cohort["value_idr"] == 18_000_000_000
        assert "USD" in out.read_text(encoding="utf-8")
        assert "products" not in draft
    (statement,) = [s for s in draft["statements"] if s["mode"] == "direct"]
    assert statement["speaker"] == "siti-rahmawati" and str(statement["date"]) == "2023-07-11"
    # every sentence cited is verbatim in the text file beside the draft
    text = " ".join((data_dir / draft["source"]["text_file"]).read_text(encoding="utf-8").split())
    assert all(" ".join(s.split()) in text for s in draft["sentences"].values())
    # the anaphor is on the checklist with its line
    lines = out.read_text(encoding="utf-8").splitlines()
    flagged = [line for line in stdout.splitlines() if "earlier sentence" in line]
    assert flagged and flagged[0].strip().startswith(f"{out}:")
    line = int(flagged[0].strip().split(":")[1])
    assert "used-cooking-oil" in lines[line - 1]

    code, stdout, stderr = run("validate", "--data", str(data_dir))
    assert code == 0, stdout + stderr
    store = tmp_path / "store"
    code, stdout, stderr = run("build", "--data", str(data_dir), "--store", str(store))
    assert code == 0, stderr
    flow = "https://w3id.org/kaltim-kg/id/flow/2023-used-cooking-oil-JP"
    query = f"SELECT ?c WHERE {{ <{flow}> kkg:commodity ?c }}"
    code, stdout, stderr = run("query", query, "--format", "csv", "--store", str(store))
    assert code == 0, stderr
    assert stdout.splitlines()[1:] == ["https://w3id.org/kaltim-kg/id/commodity/used-cooking-oil"]


def test_a_fact_already_published_is_linked_not_repeated(tmp_path: Path, data_dir: Path) -> None:
    """The second outlet's report of the seed release: the same cohort and flows, restated
    under the same keys, so the build makes one resource with two sources."""
    name = "2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar"
    (data_dir / f"{name}.yaml").unlink(missing_ok=True)  # as before it was curated
    article = data_dir / f"{name}.txt"
    shutil.copy(ARTICLES / f"{name}.txt", article)
    seed = drafted(data_dir / "2021-02-03-ekspor-ukm-kaltim.yaml")
    out = data_dir / f"{name}.yaml"
    code, _stdout, stderr = run("extract", str(article), "--out", str(out), "--data", str(data_dir))
    assert code == 0, stderr
    draft = drafted(out)
    assert draft["cohorts"][0]["key"] == seed["cohorts"][0]["key"]
    assert {f["commodity"] + f["destination"] for f in draft["flows"]} == {
        f["commodity"] + f["destination"] for f in seed["flows"]
    }
    assert "restated as published" in out.read_text(encoding="utf-8")
    assert article.read_text(encoding="utf-8") == (ARTICLES / f"{name}.txt").read_text(
        encoding="utf-8"
    )
    store = tmp_path / "store"
    code, _, stderr = run("build", "--data", str(data_dir), "--store", str(store))
    assert code == 0, stderr
    flow = "https://w3id.org/kaltim-kg/id/flow/2020-shrimp-JP"
    query = f"SELECT ?s WHERE {{ <{flow}> prov:wasDerivedFrom ?s }} ORDER BY ?s"
    code, stdout, stderr = run("query", query, "--format", "csv", "--store", str(store))
    assert code == 0, stderr
    assert [line.rsplit("/", 1)[-1] for line in stdout.splitlines()[1:]] == [
        "2021-02-03-ekspor-ukm-kaltim",
        name,
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\xff" * 50, "binary"),
        (b"Shrimp and seaweed were shipped to Japan by small firms in the province.", "Indonesian"),
        (b"Udang diekspor ke Jepang oleh UKM Kaltim yang ada di Samarinda.\n", "date"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    article = tmp_path / "in" / "artikel.txt"
    article.parent.mkdir()
    article.write_bytes(content)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _stdout, stderr = run("extract", str(article), "--out", str(out_dir / "x.yaml"))
    assert code == 2
    assert reason in stderr and len(stderr.strip().splitlines()) == 1
    assert list(out_dir.iterdir()) == []  # no draft, no text file, no temporary file


def test_an_existing_draft_is_not_overwritten(tmp_path: Path, data_dir: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(HELD_OUT, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    code, _, stderr = run("extract", str(article), "--out", str(out), "--data", str(data_dir))
    assert code == 2 and "exists" in stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    code, _, stderr = run(
        "extract", str(article), "--out", str(out), "--data", str(data_dir), "--force"
    )
    assert code == 0, stderr
    assert drafted(out)["source"]["key"] == "2023-07-12-umkm-kaltim-tembus-pasar-korea-dan"
