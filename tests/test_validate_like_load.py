"""`validate FILE` and `load` apply the same rules to the same file (issue 13 item 5).

Before, `validate` checked a file alone: a flow naming our country and commodity without
describing them failed there, and `load` (which reads them from the store) accepted it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kaltim_kg.cli import main
from kaltim_kg.store.publish import build

BASE = "https://w3id.org/kaltim-kg/"
FLOW = f"""
@prefix kkg: <https://w3id.org/kaltim-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/table> a schema:Dataset .
<https://example.org/table/row-1> a kkg:ExportFlow ;
  kkg:commodity <{BASE}id/commodity/shrimp> ;
  kkg:destination <{BASE}id/country/JP> ;
  kkg:origin <{BASE}id/region/ID-KI> ;
  kkg:period "2021"^^xsd:gYear ;
  kkg:evidence "Baris 1 tabel ekspor."@id ;
  prov:wasDerivedFrom <https://example.org/table> .
"""
# The same flow, citing the seed article with a sentence the article does not contain.
BORROWED = FLOW.replace(
    "<https://example.org/table> .", f"<{BASE}id/source/2021-02-03-ekspor-ukm-kaltim> ."
)


@pytest.mark.parametrize(("text", "conforms"), [(FLOW, True), (BORROWED, False)])
def test_validate_and_load_agree(fresh_store, tmp_path: Path, text: str, conforms: bool):
    path = tmp_path / "flow.ttl"
    path.write_text(text, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(path)])
    build(fresh_store)
    loaded = runner.invoke(main, ["load", "--store", str(fresh_store.store_dir), str(path)])
    assert (checked.exit_code, loaded.exit_code) == ((0, 0) if conforms else (1, 1)), (
        checked.output,
        loaded.output,
    )
    if not conforms:
        said = [line for line in checked.stdout.splitlines() if "row-1" in line]
        assert said and all(line in loaded.stderr for line in said)
