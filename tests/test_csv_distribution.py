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


def test_the_csv_files_and_their_metadata_are_dcat_distributions(client):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF

    catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
    by_url = {
        str(catalog.value(d, DCAT.downloadURL)): d
        for d in catalog.subjects(RDF.type, DCAT.Distribution)
        if catalog.value(d, DCAT.downloadURL) is not None
    }
    csvw = URIRef("http://www.w3.org/TR/tabular-metadata/")
    metadata_url = f"http://localhost/dumps/{METADATA}"
    for table in TIDY_TABLES:
        node = by_url[f"http://localhost/dumps/{table.filename}"]
        assert str(catalog.value(node, DCAT.mediaType)).endswith("/text/csv")
        assert (node, DCTERMS.conformsTo, csvw) in catalog
        assert any(str(o) == metadata_url for o in catalog.objects(node, None))
        assert catalog.value(node, DCTERMS.title) is not None
        dataset = next(catalog.subjects(DCAT.distribution, node))
        assert (dataset, RDF.type, DCAT.Dataset) in catalog
    metadata = by_url[metadata_url]
    assert (metadata, DCTERMS.conformsTo, csvw) in catalog
    assert str(catalog.value(metadata, DCAT.mediaType)).endswith("/application/csvm+json")


def test_imported_rows_are_in_the_csv_with_their_codes_as_text(fresh_store, tmp_path):
    from kaltim_kg.link.imports import import_tables
    from kaltim_kg.store.generations import StoreDir
    from kaltim_kg.store.publish import build

    build(fresh_store)
    sample = Path(__file__).resolve().parent.parent / "data/examples/contoh-ekspor-kaltim-2021.csv"
    licence = "https://creativecommons.org/licenses/by/4.0/"
    import_tables(fresh_store, [sample], overrides={"licence": licence})
    dumps = StoreDir(fresh_store.store_dir).require_current().dumps_dir
    flows = pd.read_csv(
        dumps / "kaltim-kg-flows.csv",
        dtype={"hs_code": "string", "month": "Int64", "net_weight_kg": "Float64"},
    )
    imported = flows[flows["flow"].str.endswith("-ID-KI") & flows["month"].notna()]
    assert len(imported) == 6
    shrimp = imported[imported["commodity"].str.endswith("/commodity/shrimp")]
    assert set(shrimp["hs_code"]) == {"0306"}  # text, with its zero
    assert set(shrimp["destination_label"]) >= {"Japan", "China"}
    assert (
        float(shrimp[shrimp["destination"].str.endswith("/JP")]["net_weight_kg"].iloc[0]) == 182400
    )
