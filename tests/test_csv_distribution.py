"""The tidy CSV distribution: one row per fact, codes as text, described by CSVW metadata,
and the README's pandas example reads it with the right types."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd

from kaltim_kg.store.csv_tables import METADATA, TIDY_TABLES

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"<!-- csv-example -->\n```python\n(?P<code>.*?)\n```", re.DOTALL)


def test_every_table_matches_its_csvw_description(built):
    dumps = built.generation.dumps_dir
    metadata = json.loads((dumps / METADATA).read_text(encoding="utf-8"))
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    described = {t["url"]: t for t in metadata["tables"]}
    assert set(described) == {t.filename for t in TIDY_TABLES}
    for name, table in described.items():
        with (dumps / name).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == [c["name"] for c in table["tableSchema"]["columns"]]
    flows = {
        c["name"]: c["datatype"] for c in described["kaltim-kg-flows.csv"]["tableSchema"]["columns"]
    }
    assert (flows["hs_code"], flows["value"], flows["flow"]) == ("string", "decimal", "anyURI")


def test_flows_are_one_row_per_fact_with_iris_beside_labels(built):
    with (built.generation.dumps_dir / "kaltim-kg-flows.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        rows = list(csv.DictReader(handle))
    store = built.generation.open()
    count = store.query(
        "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a <https://w3id.org/kaltim-kg/ontology#ExportFlow> }",
        use_default_graph_as_union=True,
    )
    assert len(rows) == int(next(iter(count))["n"].value)  # type: ignore[index]
    shrimp = [r for r in rows if r["commodity"].endswith("/commodity/shrimp")]
    assert shrimp and all(
        r["hs_code"] == "0306" and r["commodity_label"] == "Shrimp" for r in shrimp
    )
    assert all(r["destination"].startswith("https://w3id.org/kaltim-kg/id/") for r in rows)


def test_cohorts_carry_their_amounts(built):
    with (built.generation.dumps_dir / "kaltim-kg-cohorts.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        rows = {r["cohort"].rsplit("/", 1)[1]: r for r in csv.DictReader(handle)}
    ipska = rows["2020-ipska-exporters"]
    assert (ipska["value"], ipska["currency"], ipska["member_count"]) == (
        "428200000000",
        "IDR",
        "15",
    )


def test_the_readme_pandas_example_reads_the_right_types(built):
    code = EXAMPLE.search(README.read_text(encoding="utf-8"))["code"]  # type: ignore[index]
    local = code.replace("http://127.0.0.1:8080/dumps/", str(built.generation.dumps_dir) + "/")
    assert local != code
    namespace: dict[str, object] = {}
    exec(compile(local, "README.md", "exec"), namespace)
    flows = namespace["flows"]
    assert isinstance(flows, pd.DataFrame)
    assert str(flows["hs_code"].dtype) == "string"
    assert "0306" in set(flows["hs_code"])
    assert str(flows["period"].dtype) == "Int64" and set(flows["period"]) == {2020, 2021, 2022}
    assert str(flows["month"].dtype) == "Int64"
