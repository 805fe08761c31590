"""Reading and checking the curated data files: every bad input names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaltim_kg.config import resource_dir
from kaltim_kg.errors import FactsErrors
from kaltim_kg.facts.reader import data_files, read_facts
from tests.factfiles import copy_data, line_of, replace_once

WOOD_SG = "{year: 2020, commodity: processed-wood, destination: SG,"
AMOUNT = '{currency: IDR, value: "428,2", scale: miliar}'


def read_errors(path: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(FactsErrors) as caught:
        read_facts([path])
    return [(e.path, e.line, e.reason) for e in caught.value.errors]


def test_shipped_data_reads_completely():
    facts = read_facts(data_files(resource_dir("data")))
    keys = [s.source.key for s in facts.sources]
    assert keys == [  # in publication order
        "2021-02-03-ekspor-ukm-kaltim",
        "2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar",
        "2021-03-25-mediakaltim-ukm-ekspor-triwulan-1",
        "2022-04-17-daulatnews-umkm-ekspor-nonmigas",
    ]
    source = facts.sources[0]
    assert str(source.source.date_published) == "2021-02-03"
    assert len(source.flows) == 24
    assert len({f.commodity for f in source.flows}) == 8
    assert len({f.destination for f in source.flows}) == 14
    values = {
        c.key: (
            c.member_count,
            [(a.currency, a.quantity.value, a.quantity.precision) for a in c.amounts],
        )
        for c in source.cohorts
    }
    assert values == {
        "ipska-exporters": (15, [("IDR", 428_200_000_000, 100_000_000)]),
        "creative-industry-exporters": (None, [("IDR", 7_600_000_000, 100_000_000)]),
        # "Tidak kurang dari 18 UKM": a lower bound, so no exact member count
        "supervised-domestic-sellers": (None, [("IDR", 11_400_000_000, 100_000_000)]),
    }
    domestic = source.cohorts[2].members
    assert domestic is not None and (domestic.value, domestic.qualifier) == (18, "at-least")


def test_every_evidence_sentence_is_verbatim_in_the_article():
    facts = read_facts(data_files(resource_dir("data")))
    text = " ".join(facts.sources[0].source.text.split())
    assert text, "the article text ships beside the facts"
    for sentence in facts.sources[0].sentences.values():
        assert sentence in text


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (WOOD_SG, WOOD_SG.replace("SG", "Atlantis"), "unknown country 'Atlantis'"),
        (AMOUNT, AMOUNT.replace('"428,2"', '"-5"'), "must be a number as stated"),
        (AMOUNT, AMOUNT.replace('"428,2"', '"428,2 miliar"'), "must be a number as stated"),
        (AMOUNT, AMOUNT.replace('"428,2"', "4.282e11"), "must be a number as stated"),
        (AMOUNT, AMOUNT.replace("currency: IDR, ", ""), "amount without currency"),
        (AMOUNT, AMOUNT.replace("IDR", "RPH"), "unknown currency 'RPH'"),
        (AMOUNT, AMOUNT.replace("miliar", "milyaran"), "unknown scale 'milyaran'"),
        ("member_count: 15", "member_count: fifteen", "must be a number as stated"),
        (WOOD_SG, WOOD_SG.replace("processed-wood", "unobtainium"), "unknown commodity"),
        ("    evidence: [ipska-count, ipska-total]\n", "", "missing evidence"),
        ("evidence: [wood]}", "evidence: [no-such-sentence]}", "unknown evidence sentence"),
        ("  lidi: Lidi nipah dan", "  lidi: Lidi kelapa dan", "not verbatim"),
        (
            "    trade_type: export\n    member_count: 15",
            "    trade_typ: export\n    member_count: 15",
            "unknown field 'trade_typ'",
        ),
        (
            "year: 2020, commodity: shrimp, destination: JP",
            "year: twenty, commodity: shrimp, destination: JP",
            "four-digit year",
        ),
    ],
)
def test_bad_fact_is_reported_with_file_and_line(tmp_path, old, new, reason):
    path = copy_data(tmp_path / "data")
    line = line_of(path, old.splitlines()[0])
    replace_once(path, old, new)
    errors = read_errors(path)
    assert any(reason in r for _, _, r in errors), errors
    matching = [e for e in errors if reason in e[2]]
    assert all(p == str(path) for p, _, _ in matching)
    # The reported line is the mapping that holds the bad value or the value itself.
    assert any(ln is not None and abs(ln - line) <= 12 for _, ln, _ in matching), (line, matching)


def test_duplicate_flow_names_both_lines(tmp_path):
    path = copy_data(tmp_path / "data")
    original = line_of(path, WOOD_SG)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text.insert(original, text[original - 1])  # the same flow again, on the next line
    path.write_text("".join(text), encoding="utf-8")
    errors = read_errors(path)
    assert (
        str(path),
        original + 1,
        f"duplicate flow 2020-processed-wood-SG (first at line {original})",
    ) in errors


def test_malformed_yaml_reports_the_line(tmp_path):
    path = copy_data(tmp_path / "data")
    line = replace_once(path, "  - key: ipska-exporters", "  - key: [ipska-exporters")
    ((p, ln, reason),) = read_errors(path)
    assert p == str(path) and reason.startswith("malformed YAML")
    assert ln is not None and line <= ln <= line + 3


def test_duplicate_mapping_key_is_an_error(tmp_path):
    path = copy_data(tmp_path / "data")
    line = replace_once(
        path, "    member_count: 15\n", "    member_count: 15\n    member_count: 16\n"
    )
    ((_, ln, reason),) = read_errors(path)
    assert reason == "duplicate key 'member_count' in mapping"
    assert ln == line + 1


def test_country_names_and_aliases_resolve_to_iso_codes(tmp_path):
    path = copy_data(tmp_path / "data")
    replace_once(path, "destination: GB,", "destination: Inggris,")
    replace_once(
        path, "commodity: pepper, destination: US,", "commodity: pepper, destination: Amerika,"
    )
    flows = {f.flow_key for f in read_facts([path]).sources[0].flows}
    assert {"2020-shrimp-GB", "2020-pepper-US"} <= flows


def test_several_errors_are_reported_together(tmp_path):
    path = copy_data(tmp_path / "data")
    replace_once(path, WOOD_SG, WOOD_SG.replace("SG", "Atlantis"))
    replace_once(path, 'value: "7,6"', 'value: "-1"')
    assert len(read_errors(path)) == 2


def test_empty_data_folder_is_an_error(tmp_path):
    with pytest.raises(FactsErrors, match=r"no \.yaml data files"):
        data_files(tmp_path)
