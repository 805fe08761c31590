"""`kaltim-kg import`: tables read as officers save them, mapped, reconciled, gated, atomic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from kaltim_kg.cli import main
from kaltim_kg.config import Settings
from kaltim_kg.link.columns import MappingError, load_mapping, recognise
from kaltim_kg.link.imports import ImportProblems, import_tables
from kaltim_kg.link.tables import (
    TableError,
    number_style,
    parse_month,
    parse_number,
    parse_quarter,
    read_table,
)
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.publish import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "examples" / "contoh-ekspor-kaltim-2021.csv"
BASE = "https://w3id.org/kaltim-kg/"
GRAPH = f"{BASE}graph/contoh-ekspor-kaltim-2021"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
HEADER = [
    "Tahun",
    "Bulan",
    "Kode HS",
    "Negara Tujuan",
    "Provinsi",
    "Nilai FOB (US$)",
    "Berat Bersih (Kg)",
]


def write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8"
) -> Path:
    text = "\r\n".join(delimiter.join(r) for r in [HEADER, *rows]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


ROW = ["2021", "Maret", "0904", "Jepang", "Kalimantan Timur", "1.234.567,89", "1.500"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_with_any_common_delimiter(tmp_path, delimiter):
    row = [c.replace(",", ".") if delimiter == "," else c for c in ROW]  # no comma inside cells
    table = read_table(write_csv(tmp_path / "t.csv", [row], delimiter))
    assert table.header == HEADER
    assert table.rows == [(2, row)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    row = [*ROW[:3], "Côte d'Ivoire", *ROW[4:]]
    table = read_table(write_csv(tmp_path / "t.csv", [row], encoding=encoding))
    assert table.header[0] == "Tahun"  # no BOM left in the first header
    assert table.rows[0][1][3] == "Côte d'Ivoire"


def test_codes_keep_their_leading_zeros_in_csv(tmp_path):
    table = read_table(write_csv(tmp_path / "t.csv", [ROW]))
    assert table.rows[0][1][2] == "0904"


def test_xlsx_first_sheet_with_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ekspor Kalimantan Timur"])  # a title line above the header, as BPS does
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([2021, "Maret", 306, "Jepang", "Kalimantan Timur", 1234567.89, 1500])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.header == HEADER  # the title line above is not taken for the header
    assert table.header_row == 3
    assert table.rows == [
        (4, ["2021", "Maret", "306", "Jepang", "Kalimantan Timur", "1234567.89", "1500"])
    ]


def test_an_xlsx_code_that_lost_its_leading_zero_is_restored(store, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([2021, "Maret", 904, "Jepang", "Kalimantan Timur", 1234567.89, 1500])
    path = tmp_path / "bps.xlsx"
    workbook.save(path)
    assert import_tables(store, [path], overrides={"licence": LICENCE}).problems == []
    (row,) = flows(store, f"{BASE}graph/bps")
    assert row["commodity"] == f"{BASE}id/commodity/pepper"
    assert Decimal(row["value"]) == Decimal("1234567.89")
    assert row["row"].endswith("#row=2")


def test_unknown_formats_and_missing_files_are_one_line(tmp_path):
    with pytest.raises(TableError, match=r"t\.ods: unknown table format '\.ods'"):
        (tmp_path / "t.ods").write_text("x")
        read_table(tmp_path / "t.ods")
    with pytest.raises(TableError, match="no such file"):
        read_table(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("1.234.567,89", "id", Decimal("1234567.89")),
        ("1.500", "id", Decimal("1500")),
        ("12,5", "id", Decimal("12.5")),
        ("1234", "id", Decimal("1234")),
        ("1,234,567.89", "en", Decimal("1234567.89")),
        ("1234567.89", "id", Decimal("1234567.89")),  # an XLSX cell's own decimal
    ],
)
def test_numbers(text, style, value):
    assert parse_number(text, style) == value


@pytest.mark.parametrize("text", ["1.23.4", "12,3,4", "abc", "1.234,5,6", ""])
def test_bad_numbers(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


def test_months_and_quarters():
    assert [parse_month(m) for m in ("Januari", "PEB", "Agt", "Desember", "12", "mei")] == [
        1,
        2,
        8,
        12,
        12,
        5,
    ]
    assert [parse_quarter(q) for q in ("Triwulan I", "TW 3", "Q4", "2")] == [1, 3, 4, 2]
    with pytest.raises(ValueError, match="not a month"):
        parse_month("Smarch")
    assert [parse_month(d) for d in ("2021-03-01T00:00:00", "2021-11-01", "2021-07")] == [3, 11, 7]
    for bad in ("2021-13-01", "21-03-01", "2021-03-01x"):
        with pytest.raises(ValueError, match="not a month"):
            parse_month(bad)


def test_headers_are_recognised_and_the_mapping_round_trips(tmp_path):
    header = [*HEADER, "Nilai (Rp)", "Catatan"]
    mapping = recognise(header)
    roles = {h: c.role for h, c in mapping.columns.items()}
    assert roles == {
        "Tahun": "year",
        "Bulan": "month",
        "Kode HS": "hs_code",
        "Negara Tujuan": "destination",
        "Provinsi": "province",
        "Nilai FOB (US$)": "value",
        "Berat Bersih (Kg)": "net_weight",
        "Nilai (Rp)": "value",
    }
    assert mapping.columns["Nilai FOB (US$)"].currency == "USD"
    assert mapping.columns["Nilai (Rp)"].currency == "IDR"
    english = recognise(
        ["Year", "Month", "HS Code", "Destination", "Value (USD)", "Net weight (ton)"]
    )
    assert english.columns["Net weight (ton)"].unit == "ton"
    assert english.columns["Value (USD)"].currency == "USD"
    saved = tmp_path / "mapping.yaml"
    mapping.licence = LICENCE
    saved.write_text(mapping.to_yaml(), encoding="utf-8")
    again = load_mapping(saved, header)
    assert again.to_yaml() == mapping.to_yaml()
    saved.write_text("columns:\n  Tahun: birthday\n", encoding="utf-8")
    with pytest.raises(MappingError, match="column 'Tahun': unknown role 'birthday'"):
        load_mapping(saved, header)
    saved.write_text("columns:\n  Tahun: year\n Bulan: month\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"mapping\.yaml:3: cannot read the mapping: "):
        load_mapping(saved, header)
    saved.write_text("columns:\n  Jahr: year\n", encoding="utf-8")
    with pytest.raises(MappingError, match="'Jahr' is not in the table's header"):
        load_mapping(saved, header)


# --- importing into a store


@pytest.fixture()
def store(fresh_store: Settings) -> Settings:
    build(fresh_store)
    return fresh_store


def flows(settings: Settings, graph: str = GRAPH) -> list[dict[str, str]]:
    store = StoreDir(settings.store_dir).require_current().open()
    query = f"""PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
    PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?f ?commodity ?destination ?origin ?period ?month ?value ?currency ?weight ?table ?row ?licence
    WHERE {{ GRAPH <{graph}> {{
        ?f a kkg:ExportFlow ; kkg:commodity ?commodity ; kkg:destination ?destination ;
           kkg:origin ?origin ; kkg:period ?period ; kkg:month ?month ;
           kkg:tradeValue [ schema:value ?value ; schema:currency ?currency ] ;
           kkg:netWeightKg ?weight ; prov:wasDerivedFrom ?table ; dcterms:source ?row .
        ?table dcterms:license ?licence }} }} ORDER BY ?row"""
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names} for row in solutions]  # type: ignore[union-attr]


def test_the_sample_table_imports_as_reconciled_flows(store):
    result = import_tables(store, [SAMPLE], overrides={"licence": LICENCE})
    assert result.problems == []
    assert result.loaded is not None and result.loaded.validated > 0  # the SHACL gate ran
    rows = flows(store)
    assert len(rows) == 6
    first = rows[0]
    assert first["commodity"] == f"{BASE}id/commodity/shrimp"
    assert first["destination"] == f"{BASE}id/country/JP"
    assert first["origin"] == f"{BASE}id/region/ID-KI"
    assert (first["period"], first["month"]) == ("2021", "1")
    assert (Decimal(first["value"]), first["currency"]) == (Decimal("1254300.50"), "USD")
    assert Decimal(first["weight"]) == 182400
    table = f"{BASE}id/table/contoh-ekspor-kaltim-2021"
    assert first["table"] == table and first["row"] == f"{table}#row=2"
    assert first["licence"] == LICENCE
    assert {r["destination"].rsplit("/", 1)[1] for r in rows} == {
        "JP",
        "CN",
        "US",
        "KR",
        "SG",
        "IN",
    }
    cube = (
        StoreDir(store.store_dir)
        .require_current()
        .open()
        .query(
            f"""PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
        SELECT (COUNT(?o) AS ?n) (SAMPLE(?period) AS ?p) WHERE {{ GRAPH <{GRAPH}> {{
            ?o a qb:Observation ; qb:dataSet <{table}> ; kkg:refPeriod ?period ;
               kkg:amount ?amount ; kkg:currency "USD" ; kkg:unit "KGM" .
            <{table}> a qb:DataSet ; qb:structure/a qb:DataStructureDefinition }} }}"""
        )
    )
    (answer,) = list(cube)  # type: ignore[arg-type]
    assert int(answer["n"].value) == 6  # every row is an observation of the table's data set
    assert answer["p"].datatype.value.endswith("#gYearMonth")
    manifest = StoreDir(store.store_dir).require_current().manifest
    recorded = dict(manifest["loaded_graphs"][GRAPH])
    assert recorded.pop("loaded")  # when it was loaded (kaltim-kg graphs lists it)
    assert recorded == {
        "files": ["contoh-ekspor-kaltim-2021.nt"],
        "table": table,
        "title": "contoh-ekspor-kaltim-2021",
        "licence": LICENCE,
        "source": "",
    }


def test_importing_again_replaces_the_graph(store):
    import_tables(store, [SAMPLE], overrides={"licence": LICENCE})
    import_tables(store, [SAMPLE], overrides={"licence": LICENCE})
    assert len(flows(store)) == 6


def test_every_problem_is_reported_by_row_and_nothing_is_published(store, tmp_path):
    path = write_csv(
        tmp_path / "bps.csv",
        [
            ROW,
            ["2021", "Maret", "0904", "Narnia", "Kalimantan Timur", "10", "1"],
            ["2021", "Smarch", "0904", "Jepang", "Kalimantan Timur", "10", "1"],
            # no heading 0310 in HS 2022 (chapter 03 ends at 0309)
            ["2021", "Maret", "0310", "Jepang", "Kalimantan Timur", "12,3,4", "1"],
            ["2021", "Maret", "0904", "Malysia", "Kalimantan Timur", "10", "1"],
        ],
    )
    before = StoreDir(store.store_dir).require_current().id
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [path], overrides={"licence": LICENCE})
    lines = raised.value.lines
    assert (
        lines[0]
        == "bps.csv:3: destination 'Narnia': no country or worldregion or province of that name or code"
    )
    assert lines[1] == "bps.csv:4: not a month: 'Smarch'"
    assert lines[2].startswith("bps.csv:5: HS code '0310'")
    assert lines[3] == "bps.csv:5: Nilai FOB (US$): not a number: '12,3,4'"
    assert lines[4].startswith(
        "bps.csv:6: destination 'Malysia' is not certain: could be Malaysia <"
    )
    assert len(lines) == 5
    assert StoreDir(store.store_dir).require_current().id == before


def test_publishing_the_valid_rows_is_an_explicit_choice(store, tmp_path):
    path = write_csv(
        tmp_path / "bps.csv",
        [ROW, ["2021", "Maret", "0904", "Narnia", "Kalimantan Timur", "10", "1"]],
    )
    result = import_tables(store, [path], overrides={"licence": LICENCE}, publish_valid_rows=True)
    assert result.problems == [
        "bps.csv:3: destination 'Narnia': no country or worldregion or province of that name or code"
    ]
    assert len(flows(store, f"{BASE}graph/bps")) == 1


def test_a_table_without_a_licence_is_refused(store):
    with pytest.raises(ImportProblems, match="no licence"):
        import_tables(store, [SAMPLE])
    with pytest.raises(ImportProblems, match="no licence"):  # whatever the rows
        import_tables(store, [SAMPLE], publish_valid_rows=True)
    assert flows(store) == []
    checked = import_tables(store, [SAMPLE], publish=False)
    ((plan, _, _),) = checked.plans
    assert plan.flows == 6  # a check still reads every row
    assert checked.problems == [
        "contoh-ekspor-kaltim-2021.csv: no licence: give `licence:` in the mapping (or --licence)"
    ]


def test_a_broken_data_cube_is_never_published_even_with_the_valid_rows(
    store, tmp_path, monkeypatch
):
    from kaltim_kg.link import importer

    monkeypatch.setattr(importer, "check_cube", lambda graph: ["IC-12: a duplicate"])
    path = write_csv(
        tmp_path / "bps.csv",
        [ROW, ["2021", "Maret", "0904", "Narnia", "Kalimantan Timur", "10", "1"]],
    )
    with pytest.raises(ImportProblems) as refused:
        import_tables(store, [path], overrides={"licence": LICENCE}, publish_valid_rows=True)
    assert refused.value.lines[0] == "bps.csv: data cube: IC-12: a duplicate"
    assert flows(store, f"{BASE}graph/bps") == []


def test_the_command_prints_saves_and_takes_a_mapping(store, tmp_path):
    runner = CliRunner()
    saved = tmp_path / "mapping.yaml"
    args = ["import", str(SAMPLE), "--store", str(store.store_dir), "--licence", LICENCE]
    checked = runner.invoke(main, [*args, "--check", "--save-mapping", str(saved)])
    assert checked.exit_code == 0, checked.output
    assert "Nilai FOB (US$):" in checked.output and "currency: USD" in checked.output
    assert "contoh-ekspor-kaltim-2021.csv: 6 flows, 0 rows with problems" in checked.output
    assert flows(store) == []  # --check publishes nothing
    text = saved.read_text(encoding="utf-8").replace("  Negara Tujuan: destination\n", "")
    saved.write_text(text, encoding="utf-8")
    refused = runner.invoke(main, [*args, "--mapping", str(saved)])
    assert refused.exit_code == 1, refused.output
    assert (
        "contoh-ekspor-kaltim-2021.csv:1: no destination column recognised; name it in a mapping"
        in refused.output
    )
    published = runner.invoke(main, [*args, "--graph", f"{BASE}graph/bps-2021"])
    assert published.exit_code == 0, published.output
    assert len(flows(store, f"{BASE}graph/bps-2021")) == 6


def test_hs_codes_without_a_lexicon_entry_become_hs_commodities(fresh_store, tmp_path):
    from kaltim_kg.store.publish import load
    from tests.link_support import TURTLE

    build(fresh_store)
    fixture = tmp_path / "link-fixture.ttl"
    fixture.write_text(TURTLE, encoding="utf-8")
    load(fresh_store, [fixture], graph=f"{BASE}graph/link-fixture", validate=False)
    path = write_csv(
        tmp_path / "bps.csv", [[*ROW[:2], "03061710", *ROW[3:]]]
    )  # an 8-digit BTKI line
    result = import_tables(fresh_store, [path], overrides={"licence": LICENCE})
    assert result.problems == []
    store = StoreDir(fresh_store.store_dir).require_current().open()
    commodity = pyoxigraph.NamedNode(f"{BASE}id/commodity/hs-030617")
    hs_class = pyoxigraph.NamedNode("https://w3id.org/kaltim-kg/ontology#hsClass")
    assert [q.object.value for q in store.quads_for_pattern(commodity, hs_class, None)] == [
        f"{BASE}id/hs/030617"
    ]


def test_an_imported_table_is_in_void_and_dcat_with_its_own_licence(store):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS

    from kaltim_kg.web import create_app
    from tests.shacl_check import results, shapes

    import_tables(store, [SAMPLE], overrides={"licence": LICENCE, "source": "BPS Kaltim"})
    client = create_app(store, {"TESTING": True}).test_client()
    void = Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")
    subset = URIRef(GRAPH)
    assert (subset, DCTERMS.license, URIRef(LICENCE)) in void
    table = URIRef(f"{BASE}id/table/contoh-ekspor-kaltim-2021")
    assert (subset, DCTERMS.subject, table) in void
    catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
    assert (URIRef(f"{BASE}dataset"), DCTERMS.hasPart, table) in catalog
    assert (table, DCTERMS.license, URIRef(LICENCE)) in catalog
    found = results(catalog, shapes("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl"))
    assert found.get("Violation", []) == []


def test_a_table_by_regency_keeps_each_regency_and_tells_namesakes_apart(fresh_store, tmp_path):
    from kaltim_kg.store.publish import load
    from tests.link_support import TURTLE

    build(fresh_store)
    fixture = tmp_path / "link-fixture.ttl"
    fixture.write_text(TURTLE, encoding="utf-8")
    load(fresh_store, [fixture], graph=f"{BASE}graph/link-fixture", validate=False)
    path = tmp_path / "kabupaten.csv"
    path.write_text(
        "Tahun;Bulan;Kode HS;Negara Tujuan;Provinsi;Kabupaten/Kota;Nilai FOB (US$)\n"
        "2021;Maret;0306;Jepang;Kalimantan Timur;Kab. Kutai Kartanegara;10\n"
        "2021;Maret;0306;Jepang;Kalimantan Timur;KOTA BALIKPAPAN;20\n"
        "2021;Maret;0306;Jepang;Kalimantan Selatan;Kab. Mahakam Ulu;30\n",
        encoding="utf-8",
    )
    result = import_tables(fresh_store, [path], overrides={"licence": LICENCE})
    assert result.problems == []
    store = StoreDir(fresh_store.store_dir).require_current().open()
    rows = store.query(
        """PREFIX kkg: <https://w3id.org/kaltim-kg/ontology#>
        SELECT ?regency ?origin WHERE { ?f kkg:originRegency ?regency ; kkg:origin ?origin }
        ORDER BY ?regency""",
        use_default_graph_as_union=True,
    )
    found = [
        (r["regency"].value.rsplit("/", 1)[1], r["origin"].value.rsplit("/", 1)[1]) for r in rows
    ]  # type: ignore[index]
    assert found == [("6390", "ID-KS"), ("6402", "ID-KI"), ("6471", "ID-KI")]


def test_xlsx_numbers_are_read_as_stored_never_as_indonesian_text(store, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Tahun",
            "Bulan",
            "Kode HS",
            "Negara Tujuan",
            "Provinsi",
            "Nilai FOB (US$)",
            "Berat Bersih (Ton)",
        ]
    )
    sheet.append([2021, "Maret", "0904", "Jepang", "Kalimantan Timur", 123.456, 1.234])
    sheet.append([2021, "April", "0904", "Jepang", "Kalimantan Timur", "1.234.567,89", 1e-7])
    path = tmp_path / "typed.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.rows[0][1][5:] == ["123.456", "1.234"]
    assert table.rows[1][1][6] == "0.0000001"  # plain digits, no exponent
    assert import_tables(store, [path], overrides={"licence": LICENCE}).problems == []
    march, april = flows(store, f"{BASE}graph/typed")
    assert Decimal(march["value"]) == Decimal("123.456")  # a number cell, not 123,456
    assert Decimal(march["weight"]) == Decimal("1234")  # 1.234 t, not 1,234 t
    assert Decimal(april["value"]) == Decimal("1234567.89")  # a text cell, as officers type
    assert Decimal(april["weight"]) == Decimal("0.0001")


def test_a_scale_in_the_header_multiplies_the_cells(store, tmp_path):
    path = tmp_path / "ribuan.csv"
    path.write_text(
        "Tahun;Bulan;Kode HS;Negara Tujuan;Provinsi;Nilai FOB (Ribu US$);Berat Bersih (Ton)\n"
        "2021;Maret;0904;Jepang;Kalimantan Timur;1.234,5;2,5\n",
        encoding="utf-8",
    )
    mapping = recognise(read_table(path).header)
    assert mapping.columns["Nilai FOB (Ribu US$)"].scale == 1000
    assert import_tables(store, [path], overrides={"licence": LICENCE}).problems == []
    (row,) = flows(store, f"{BASE}graph/ribuan")
    assert (Decimal(row["value"]), row["currency"]) == (Decimal("1234500"), "USD")
    assert Decimal(row["weight"]) == Decimal("2500")
    saved = tmp_path / "mapping.yaml"
    saved.write_text(mapping.to_yaml(), encoding="utf-8")
    assert "scale: 1000" in saved.read_text(encoding="utf-8")
    assert load_mapping(saved, read_table(path).header).to_yaml() == mapping.to_yaml()
    saved.write_text(
        "columns:\n  Nilai FOB (Ribu US$): {role: value, currency: USD, scale: juta}\n",
        encoding="utf-8",
    )
    assert (
        load_mapping(saved, read_table(path).header).columns["Nilai FOB (Ribu US$)"].scale
        == 1_000_000
    )
    saved.write_text("columns:\n  Nilai FOB (Ribu US$): {role: value, scale: -3}\n")
    with pytest.raises(MappingError, match="scale must be a whole number"):
        load_mapping(saved, read_table(path).header)


def test_two_value_columns_in_one_currency_are_a_problem_not_a_merge(store, tmp_path):
    path = tmp_path / "fob-cif.csv"
    path.write_text(
        "Tahun;Bulan;Kode HS;Negara Tujuan;Provinsi;Nilai FOB (US$);Nilai CIF (US$)\n"
        "2021;Maret;0904;Jepang;Kalimantan Timur;10;12\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [path], overrides={"licence": LICENCE})
    assert raised.value.lines == [
        "fob-cif.csv:2: Nilai CIF (US$): a second amount in USD; map only one such column"
    ]


def test_a_missing_column_is_told_at_the_header_row_below_a_title(store, tmp_path):
    path = tmp_path / "judul.csv"
    path.write_text(
        "Ekspor Kalimantan Timur menurut negara tujuan\n"
        "\n"
        "Tahun;Bulan;Kode HS;Provinsi;Nilai FOB (US$)\n"
        "2021;Maret;0904;Kalimantan Timur;10\n",
        encoding="utf-8",
    )
    table = read_table(path)  # the title line leaves the delimiter to the lines below it
    assert (table.header_row, table.header[:2], table.rows) == (
        3,
        ["Tahun", "Bulan"],
        [(4, ["2021", "Maret", "0904", "Kalimantan Timur", "10"])],
    )
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [path], overrides={"licence": LICENCE})
    assert raised.value.lines == [
        "judul.csv:3: no destination column recognised; name it in a mapping"
    ]


@pytest.mark.parametrize(
    ("cells", "style"),
    [
        (["1,254,300.50", "182,400", "1.500"], "en"),
        (["1.254.300,50", "182.400", "12,5"], "id"),
        (["1.500", "182,400", "1234"], None),  # each could be either: nothing says
        (["1,254,300.50", "1.254.300,50"], None),  # they disagree: rows will say which
        ([], None),
    ],
)
def test_the_number_style_is_read_from_the_unambiguous_cells(cells, style):
    assert number_style(cells) == style


def test_an_english_formatted_bilingual_bps_table_imports_as_recognised(store, tmp_path):
    path = tmp_path / "bps-en.csv"
    path.write_text(
        '"Ekspor Provinsi Kalimantan Timur Menurut Negara Tujuan, 2022"\n'
        '"Exports of Kalimantan Timur by Country of Destination, 2022"\n'
        "\n"
        '"Tahun/Year","Bulan/Month","Kode HS/HS Code","Negara Tujuan/Country of Destination",'
        '"Provinsi/Province","Nilai FOB (US$)/FOB Value (US$)","Berat Bersih (Kg)/Net Weight (Kg)"\n'
        '"2022","Januari","0904","JEPANG/JAPAN","Kalimantan Timur","1,254,300.50","182,400"\n'
        '"2022","Pebruari","0904","SINGAPURA/SINGAPORE","Kalimantan Timur","45,800.00","6,500"\n',
        encoding="utf-8",
    )
    result = import_tables(store, [path], overrides={"licence": LICENCE})
    assert result.problems == []
    ((_, mapping, _),) = result.plans
    assert mapping.numbers == "en"  # printed and saved with the mapping
    january, february = flows(store, f"{BASE}graph/bps-en")
    assert (january["destination"], Decimal(january["value"])) == (
        f"{BASE}id/country/JP",
        Decimal("1254300.50"),
    )
    assert Decimal(january["weight"]) == 182400  # not 182.4
    assert february["destination"] == f"{BASE}id/country/SG"
    assert january["row"].endswith("#row=5")


def test_the_shacl_gate_stands_between_an_import_and_the_store(store, monkeypatch):
    """Were the importer ever to build a fact the shapes refuse, the gate refuses the whole
    import, names the node, and the store keeps its generation."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from kaltim_kg.errors import ValidationFailed
    from kaltim_kg.link import imports
    from kaltim_kg.namespaces import KKG

    real = imports.plan_import

    def faulty(*args, **kwargs):
        plan = real(*args, **kwargs)
        flow = URIRef(f"{BASE}id/flow/2021-01-shrimp-JP-ID-KI")
        assert (flow, None, None) in plan.graph
        plan.graph.set((flow, KKG.month, Literal(13, datatype=XSD.integer)))
        return plan

    monkeypatch.setattr(imports, "plan_import", faulty)
    before = StoreDir(store.store_dir).require_current().id
    with pytest.raises(ValidationFailed) as refused:
        import_tables(store, [SAMPLE], overrides={"licence": LICENCE})
    assert any("kkg:month must be one integer from 1 to 12" in line for line in refused.value.lines)
    assert any("2021-01-shrimp-JP-ID-KI" in line for line in refused.value.lines)
    assert StoreDir(store.store_dir).require_current().id == before
    assert flows(store) == []


def test_the_command_reports_every_problem_and_publishes_the_rest_only_when_asked(store, tmp_path):
    path = write_csv(
        tmp_path / "bps.csv",
        [ROW, ["2021", "Maret", "0904", "Narnia", "Kalimantan Timur", "10", "1"]],
    )
    runner = CliRunner()
    args = ["import", str(path), "--store", str(store.store_dir), "--licence", LICENCE]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    lines = refused.stderr.splitlines()
    assert (
        "bps.csv:3: destination 'Narnia': no country or worldregion or province of that name or code"
        in lines
    )
    assert lines[-1] == "1 problem(s): nothing was published"
    assert flows(store, f"{BASE}graph/bps") == []
    published = runner.invoke(main, [*args, "--publish-valid-rows"])
    assert published.exit_code == 0, published.output
    assert "bps.csv: 1 flows, 1 rows with problems" in published.stdout
    assert "bps.csv:3: destination 'Narnia'" in published.stderr  # the report, never silent
    assert "published generation" in published.stdout
    assert len(flows(store, f"{BASE}graph/bps")) == 1


def test_an_xlsx_month_typed_as_a_date_is_its_month(store, tmp_path):
    from datetime import datetime

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(
        [2021, datetime(2021, 3, 1), "0904", "Jepang", "Kalimantan Timur", 10.5, 2]
    )
    path = tmp_path / "tanggal.xlsx"
    workbook.save(path)
    assert import_tables(store, [path], overrides={"licence": LICENCE}).problems == []
    (row,) = flows(store, f"{BASE}graph/tanggal")
    assert (row["period"], row["month"]) == ("2021", "3")


def test_the_readme_import_commands_run_as_written(store, tmp_path, monkeypatch):
    import re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\*\*With `kaltim-kg import`\.\*\*.*?\n```\n(.*?)\n```", readme, re.DOTALL)
    assert block is not None
    commands = [shlex.split(c) for c in block[1].replace("\\\n", " ").splitlines()]
    assert len(commands) == 2
    monkeypatch.chdir(tmp_path)  # mapping.yaml is written where the officer stands
    (tmp_path / "data").symlink_to(ROOT / "data")
    runner = CliRunner()
    for command in commands:
        assert command[:2] == ["kaltim-kg", "import"]
        result = runner.invoke(main, [*command[1:], "--store", str(store.store_dir)])
        assert result.exit_code == 0, result.output
    assert "columns:" in (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    rows = flows(store)
    assert len(rows) == 6 and rows[0]["licence"] == LICENCE  # kept in the saved mapping


def test_a_commodity_name_and_its_hs_code_check_each_other(store, tmp_path):
    path = tmp_path / "uraian.csv"
    path.write_text(
        "Tahun;Bulan;Kode HS;Uraian;Negara Tujuan;Provinsi;Nilai FOB (US$);Berat Bersih (Kg)\n"
        "2021;Maret;0306;Udang beku;Jepang;Kalimantan Timur;10;1\n"  # the code decides: shrimp
        "2021;Maret;0904;Barang lain-lain;Jepang;Kalimantan Timur;10;1\n"  # the code alone
        "2021;Maret;0306;Lada;Jepang;Kalimantan Timur;10;1\n",  # pepper is not 0306
        encoding="utf-8",
    )
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [path], overrides={"licence": LICENCE})
    assert raised.value.lines == [
        "uraian.csv:4: commodity 'Lada' is HS 0904, but the row's HS code is 0306"
    ]
    result = import_tables(store, [path], overrides={"licence": LICENCE}, publish_valid_rows=True)
    assert len(result.problems) == 1
    found = {r["commodity"].rsplit("/", 1)[1] for r in flows(store, f"{BASE}graph/uraian")}
    assert found == {"shrimp", "pepper"}


def test_several_tables_are_one_import_all_or_nothing(store, tmp_path):
    bad = write_csv(
        tmp_path / "bps.csv", [["2021", "Maret", "0904", "Narnia", "Kalimantan Timur", "10", "1"]]
    )
    before = StoreDir(store.store_dir).require_current().id
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [SAMPLE, bad], overrides={"licence": LICENCE})
    assert [line.split(":")[0] for line in raised.value.lines] == ["bps.csv"]
    assert StoreDir(store.store_dir).require_current().id == before
    assert flows(store) == []  # the good table waits for the bad one
    result = import_tables(
        store, [SAMPLE, bad], overrides={"licence": LICENCE}, publish_valid_rows=True
    )
    assert result.loaded is not None
    assert len(flows(store)) == 6 and flows(store, f"{BASE}graph/bps") == []


def test_a_table_with_no_rows_is_a_problem_not_an_empty_publication(store, tmp_path):
    path = write_csv(tmp_path / "kosong.csv", [])
    before = StoreDir(store.store_dir).require_current().id
    with pytest.raises(ImportProblems) as raised:
        import_tables(store, [path], overrides={"licence": LICENCE})
    assert raised.value.lines == ["kosong.csv:1: no rows under the header"]
    assert StoreDir(store.store_dir).require_current().id == before


def test_a_total_row_is_skipped_and_said_never_a_flow(store, tmp_path):
    path = write_csv(
        tmp_path / "bps.csv",
        [ROW, ["", "", "", "JUMLAH / TOTAL", "", "1.234.567,89", "1.500"]],
    )
    result = import_tables(store, [path], overrides={"licence": LICENCE})
    assert result.problems == []
    ((plan, _, _),) = result.plans
    assert plan.total_rows == ["bps.csv:3: a total row, not a flow: skipped"]
    assert plan.flows == 1
    assert len(flows(store, f"{BASE}graph/bps")) == 1
    printed = CliRunner().invoke(
        main,
        ["import", str(path), "--store", str(store.store_dir), "--licence", LICENCE, "--check"],
    )
    assert printed.exit_code == 0, printed.output
    assert "bps.csv:3: a total row, not a flow: skipped" in printed.stderr
    assert "bps.csv: 1 flows, 0 rows with problems, 1 total rows skipped" in printed.stdout
