"""The fact model for real releases: figures as stated, many sources, and every bad input."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest

from kaltim_kg.config import resource_dir
from kaltim_kg.errors import FactsError, FactsErrors
from kaltim_kg.facts.figures import parse_number
from kaltim_kg.facts.reader import data_files, read_facts
from kaltim_kg.facts.reference import load_reference
from kaltim_kg.namespaces import PREFIXES
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.publish import build
from tests.factfiles import copy_data, line_of, replace_once

BASE = "https://w3id.org/kaltim-kg/"
SEED = "2021-02-03-ekspor-ukm-kaltim.yaml"
BISNIS = "2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar.yaml"
MEDIAKALTIM = "2021-03-25-mediakaltim-ukm-ekspor-triwulan-1.yaml"
DAULAT = "2022-04-17-daulatnews-umkm-ekspor-nonmigas.yaml"


def errors_of(directory: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(FactsErrors) as caught:
        read_facts(data_files(directory))
    return [(Path(e.path).name, e.line, e.reason) for e in caught.value.errors]


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    copy_data(tmp_path / "data")
    return tmp_path / "data"


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str | None]]:
    result = store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


@pytest.fixture(scope="module")
def store(built) -> pyoxigraph.Store:
    return built.generation.open()


# ---- every bad input of issue 13: file:line: reason, all at once, nothing published


def test_every_bad_input_is_reported_at_once_and_nothing_is_published(data, fresh_store):
    seed, quarter, daulat = data / SEED, data / MEDIAKALTIM, data / DAULAT
    expected = {
        (
            SEED,
            replace_once(seed, "destination: SG,", "destination: Atlantis,"),
        ): "unknown country 'Atlantis'",
        (
            SEED,
            replace_once(seed, '{currency: IDR, value: "7,6"', '{value: "7,6"'),
        ): "amount without currency",
        # "Tidak kurang dari 18 UKM" written as exactly 18
        (
            SEED,
            replace_once(
                seed, "member_count: {value: 18, qualifier: at-least}", "member_count: 18"
            ),
        ): "the evidence says 'Tidak kurang dari 18'",
        (
            SEED,
            replace_once(seed, "date_published: 2021-02-03", "date_published: 2099-02-03"),
        ): "is in the future",
        (
            MEDIAKALTIM,
            replace_once(quarter, "period: 2021-Q1\n", "period: 2021-Q5\n"),
        ): "quarter must be 1 to 4, got 5",
        (
            DAULAT,
            replace_once(daulat, "qualifier: at-least}", "}"),
        ): "the evidence says 'minimal 100'",
    }
    errors = errors_of(data)
    for (name, line), reason in expected.items():
        assert any(n == name and ln == line and reason in r for n, ln, r in errors), (
            name,
            line,
            reason,
            errors,
        )
    settings = fresh_store.with_overrides(data_dir=data)
    with pytest.raises(FactsErrors):
        build(settings)
    assert StoreDir(settings.store_dir).current() is None  # nothing was published


def test_unknown_hs_code_in_the_commodity_table(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(resource_dir("reference"), reference)
    table = reference / "commodities.csv"
    line = line_of(table, "copra,Copra")
    table.write_text(table.read_text().replace(",120300,", ",120399,", 1), encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_reference(reference)
    assert (Path(caught.value.path).name, caught.value.line) == ("commodities.csv", line)
    assert "unknown HS code '120399'" in caught.value.reason


def test_a_month_and_a_currency_are_checked(data):
    quarter = data / MEDIAKALTIM
    month = replace_once(
        quarter,
        "period: 2021-Q1, commodity: crab, destination: MY",
        "period: 2021-13, commodity: crab, destination: MY",
    )
    currency = replace_once(
        quarter,
        "{currency: USD, value: 2, scale: juta}",
        "{currency: DOLLAR, value: 2, scale: juta}",
    )
    errors = errors_of(data)
    assert (MEDIAKALTIM, month, "flow: month must be 1 to 12, got 13") in errors
    assert any(ln == currency and "unknown currency 'DOLLAR'" in r for _, ln, r in errors)


# ---- many sources, each fact once


def test_two_sources_that_disagree_are_named_with_both_places(data):
    line = replace_once(data / BISNIS, "    member_count: 15\n", "    member_count: 16\n")
    seed_line = line_of(data / SEED, "  - key: ipska-exporters")
    bisnis_line = line_of(data / BISNIS, "  - key: ipska-exporters")
    errors = errors_of(data)
    ((name, at, reason),) = [e for e in errors if "disagree" in e[2]]
    assert (name, at) == (BISNIS, bisnis_line) and abs(line - bisnis_line) < 10
    assert "cohort 2020-ipska-exporters: sources disagree on members: 16 here, 15 in " in reason
    assert reason.endswith(f"{data / SEED}:{seed_line}")


def test_a_mention_must_be_declared_somewhere(data):
    line = replace_once(data / BISNIS, "  - key: humas-pemprov-kaltim\n", "  - key: humas-kaltim\n")
    replace_once(data / BISNIS, "released_by: humas-pemprov-kaltim", "released_by: humas-kaltim")
    errors = errors_of(data)
    assert (
        BISNIS,
        line,
        "agency humas-kaltim is only mentioned: declare it in full (name, ...) in one data file",
    ) in errors


def test_the_text_header_must_agree_with_the_source(data):
    line = replace_once(
        data / DAULAT, "  date_published: 2022-04-17", "  date_published: 2022-04-18"
    )
    errors = errors_of(data)
    assert any(
        n == DAULAT and ln == line and "differs from the text file's header (2022-04-17)" in r
        for n, ln, r in errors
    )


def test_a_restated_fact_is_one_resource_cited_to_both_sources(store):
    rows = select(
        store,
        f"""SELECT ?g ?source ?e WHERE {{ GRAPH ?g {{ <{BASE}id/cohort/2020-ipska-exporters>
        prov:wasDerivedFrom ?source ; kkg:evidence ?e }} }}""",
    )
    sources = {str(r["source"]).rsplit("/", 1)[1] for r in rows}
    assert sources == {
        "2021-02-03-ekspor-ukm-kaltim",
        "2021-02-05-bisnis-ukm-kaltim-ekspor-rp428-miliar",
    }
    for row in rows:  # each source's evidence is in that source's own graph
        assert str(row["g"]).rsplit("/", 1)[1] == str(row["source"]).rsplit("/", 1)[1]
    (members,) = select(
        store, f"SELECT ?n WHERE {{ <{BASE}id/cohort/2020-ipska-exporters> kkg:memberCount ?n }}"
    )
    assert members["n"] == "15"  # stated by both, published once


def test_the_default_graph_counts_every_built_triple_once(store):
    (row,) = select(
        store,
        "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT *) AS ?distinct) WHERE { ?s ?p ?o }",
    )
    assert row["all"] == row["distinct"]


# ---- figures as stated


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [
        (15, Decimal(15), 0),
        ("428,2", Decimal("428.2"), 1),
        ("23,05", Decimal("23.05"), 2),
        ("307.343", Decimal(307343), 0),
        (428.2, Decimal("428.2"), 1),
        ("1.500,5", Decimal("1500.5"), 1),
    ],
)
def test_numbers_are_read_as_written(raw, value, decimals):
    parsed = parse_number(raw)
    assert parsed is not None and parsed[:2] == (value, decimals)


@pytest.mark.parametrize("raw", ["-5", "428,2 miliar", "4.282e11", "1,2,3", True, "lots"])
def test_numbers_that_are_not_as_stated_are_refused(raw):
    assert parse_number(raw) is None


def test_two_amounts_of_one_value_stated_twice(store):
    rows = select(
        store,
        f"""SELECT ?currency ?value ?precision ?original WHERE {{
        <{BASE}id/cohort/2021-q1-exporters> kkg:tradeValue ?a ; kkg:quarter 1 ;
            kkg:period "2021"^^xsd:gYear .
        ?a schema:currency ?currency ; schema:value ?value ; kkg:precision ?precision .
        OPTIONAL {{ ?a kkg:equivalentOf ?original }} }} ORDER BY ?currency""",
    )
    assert [(r["currency"], r["value"], r["precision"]) for r in rows] == [
        ("IDR", "28000000000", "1000000000"),
        ("USD", "2000000", "1000000"),
    ]
    assert rows[0]["original"] == f"{BASE}id/cohort/2021-q1-exporters#trade-value"
    assert rows[1]["original"] is None


def test_inter_regional_trade_has_a_partner_and_no_direction(store):
    rows = select(
        store,
        f"""SELECT ?p ?o WHERE {{ <{BASE}id/total/kaltim-bali-trade-cooperation> ?p ?o }}""",
    )
    properties = {str(r["p"]).rsplit("#", 1)[-1] for r in rows}
    assert {"tradePartner", "origin", "tradeValue", "tradeType"} <= properties
    assert "destination" not in properties
    (value,) = select(
        store,
        f"""SELECT ?v WHERE {{ <{BASE}id/total/kaltim-bali-trade-cooperation>
        kkg:tradePartner <{BASE}id/region/ID-BA> ; kkg:tradeValue/schema:value ?v }}""",
    )
    assert value["v"] == "23050000000"


def test_a_target_is_not_an_outcome_and_a_growth_rate_keeps_its_rank(store):
    (target,) = select(
        store,
        f"""SELECT ?min ?year WHERE {{ <{BASE}id/target/2023-exporting-umkm> a kkg:Target ;
        kkg:period ?year ; kkg:quantity [ schema:minValue ?min ; kkg:qualifier kkg:AtLeast ]
        FILTER NOT EXISTS {{ <{BASE}id/target/2023-exporting-umkm> kkg:tradeValue ?v }} }}""",
    )
    assert target == {"min": "100", "year": "2023"}
    (growth,) = select(
        store,
        f"""SELECT ?value ?unit ?rank WHERE {{ <{BASE}id/measure/kaltim-non-oil-export-growth>
        a kkg:GrowthRate ; kkg:nationalRank ?rank ;
        kkg:quantity [ schema:value ?value ; schema:unitCode ?unit ] }}""",
    )
    assert growth == {"value": "80.75", "unit": "P1", "rank": "2"}


def test_business_counts_are_published_as_stated_and_never_summed(store):
    rows = select(
        store,
        """SELECT ?n ?size ?sector WHERE { ?c a kkg:BusinessCount ; kkg:businessCount ?n .
        OPTIONAL { ?c kkg:sizeClass ?size } OPTIONAL { ?c kkg:sector ?sector } }""",
    )
    counts = sorted(int(str(r["n"])) for r in rows)
    assert counts == sorted([307343, 297207, 9440, 696, 83996, 13921, 1573, 169142, 28711])
    sectors = sum(int(str(r["n"])) for r in rows if r["sector"])
    assert sectors == 297343  # the source's sectors do not add up to its 307.343 ...
    assert "297343" not in {r["n"] for r in rows}  # ... and no sum is published


def test_an_event_and_the_cohort_it_sent_off(store):
    (row,) = select(
        store,
        f"""SELECT ?date ?organizer WHERE {{ <{BASE}id/cohort/2021-q1-exporters> kkg:event ?e .
        ?e a kkg:ExportRelease ; schema:startDate ?date ; schema:organizer ?organizer }}""",
    )
    assert row == {"date": "2021-03-24", "organizer": f"{BASE}id/agency/pemprov-kaltim"}


def test_the_shipped_sources_are_all_in_the_past():
    facts = read_facts(data_files(resource_dir("data")))
    assert all(s.source.date_published <= dt.date.today() for s in facts.sources)
