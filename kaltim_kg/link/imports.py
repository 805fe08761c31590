"""`kaltim-kg import`: tables → reconciled facts → the store, through `load`'s atomic,
SHACL-gated publish (so an import is exactly as safe as loading RDF)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib.namespace import RDF

from kaltim_kg.config import Settings
from kaltim_kg.errors import KaltimKGError
from kaltim_kg.link.columns import Mapping, load_mapping, recognise
from kaltim_kg.link.importer import ImportPlan, plan_import
from kaltim_kg.link.index import build_index
from kaltim_kg.link.tables import number_style, read_table
from kaltim_kg.namespaces import SCHEMA
from kaltim_kg.store.generations import StoreDir
from kaltim_kg.store.loader import default_graph_for
from kaltim_kg.store.publish import LoadResult, ensure_built, load

Progress = Callable[[str], None]


class ImportProblems(KaltimKGError):
    """Rows that cannot be published, one `file:row: reason` per line; nothing was published."""

    def __init__(self, lines: list[str], result: ImportResult) -> None:
        self.lines = lines
        self.result = result  # the mappings used, to show what was read
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ImportResult:
    plans: list[tuple[ImportPlan, Mapping, str]]  # each table's facts, mapping and graph
    loaded: LoadResult | None  # None: nothing published (a check only)

    @property
    def problems(self) -> list[str]:
        return [p for plan, _, _ in self.plans for p in plan.problems]


def _quiet(_: str) -> None:
    pass


def import_tables(
    settings: Settings,
    paths: Iterable[Path],
    graph: str | None = None,
    mapping_file: Path | None = None,
    overrides: dict[str, str | None] | None = None,
    publish: bool = True,
    publish_valid_rows: bool = False,
    progress: Progress = _quiet,
) -> ImportResult:
    """Read, map, reconcile and (unless `publish` is off) publish the tables.

    Any problem stops the whole import before anything is written (ImportProblems), unless
    `publish_valid_rows`: then the rows without problems are published and the problems
    returned in the result for the caller to report.
    """
    ensure_built(settings, progress)
    generation = StoreDir(settings.store_dir).require_current()
    progress("indexing the reference entities")
    index = build_index(generation.open(), settings.base_uri)
    plans: list[tuple[ImportPlan, Mapping, str]] = []
    for path in paths:
        table = read_table(path)
        mapping = (
            load_mapping(mapping_file, table.header) if mapping_file else recognise(table.header)
        )
        if mapping_file is None:  # the cells tell "1,234.5" tables from "1.234,5" ones
            amounts = [
                table.header.index(h)
                for h, c in mapping.columns.items()
                if c.role in ("value", "net_weight")
            ]
            cells = [text for at in amounts for text in table.text_cells(at)]
            mapping.numbers = number_style(cells) or mapping.numbers
        for key, value in (overrides or {}).items():
            if value is not None:
                setattr(mapping, key, value)
        target = graph or default_graph_for(path.with_suffix(".nt"), settings.base_uri)
        progress(f"reconciling {len(table.rows)} rows of {table.name}")
        plans.append((plan_import(table, mapping, index, target), mapping, target))
    result = ImportResult(plans, None)
    problems = result.problems
    fatal = [p for plan, _, _ in plans for p in plan.blocking]
    # With publish_valid_rows, a table none of whose rows is valid adds nothing (not even
    # an empty graph); the other tables go ahead.
    publishable = [(plan, mapping, target) for plan, mapping, target in plans if plan.flows]
    if problems and (not publish_valid_rows or fatal or not publishable or not publish):
        if publish:
            raise ImportProblems(problems, result)
        return result
    if not publish:
        return result
    with tempfile.TemporaryDirectory(prefix="kaltim-kg-import-") as tmp:
        files: list[Path] = []
        for plan, _, _ in publishable:
            # Named after the table: without --graph, load puts it in {base}graph/{stem}
            # (the target above), and the manifest lists which table filled the graph.
            out = Path(tmp) / f"{plan.table.path.stem}.nt"
            plan.graph.serialize(out, format="nt", encoding="utf-8")
            files.append(out)
        about = {
            target: {
                "table": str(plan.graph.value(predicate=RDF.type, object=SCHEMA.Dataset) or ""),
                "title": mapping.title or plan.table.path.stem,
                "licence": mapping.licence or "",
                "source": mapping.source or "",
            }
            for plan, mapping, target in publishable
        }
        loaded = load(settings, files, graph=graph, replace=True, progress=progress, about=about)
    return ImportResult(plans, loaded)
