"""The `kaltim-kg` command line: thin wrappers over library functions. Only this module prints or exits."""

from __future__ import annotations

import gzip
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kaltim_kg import __version__
from kaltim_kg.config import ENV_PREFIX, Settings, load_settings
from kaltim_kg.errors import FactsErrors, KaltimKGError, ValidationFailed
from kaltim_kg.store.dumps import DUMPS_BY_NAME
from kaltim_kg.store.generations import is_disk_full

EXIT_INVALID = 1
EXIT_ERROR = 2

store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Store directory (env KALTIM_KG_STORE; default: per-user data dir).",
)
BASE_URI_VARIABLE = f"{ENV_PREFIX}BASE_URI"
base_option = click.option(
    "--base-uri",
    help=f"Base IRI (env {BASE_URI_VARIABLE}); a store keeps the one it was built with.",
)
# For commands that write no store (validate, synth): the base of the IRIs they read or write.
file_base_option = click.option(
    "--base-uri",
    help=f"Base IRI of the resources the files name (env {BASE_URI_VARIABLE}; default "
    "https://w3id.org/kaltim-kg/).",
)
data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of curated data files (env KALTIM_KG_DATA; default: the shipped data).",
)


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ValueError as exc:  # a usage error, said in one line (not click's three)
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _store_settings(**overrides: Any) -> Settings:
    """Settings for a command that writes or serves a store: the base IRI is the store's
    own, unless this command names one (then it must be the same)."""
    from kaltim_kg.store.publish import with_store_base

    settings = _settings(**overrides)
    explicit = overrides.get("base_uri") is not None or bool(os.environ.get(BASE_URI_VARIABLE))
    with _errors():
        return with_store_base(settings, explicit)


def _progress(message: str) -> None:
    click.echo(f"· {message}", err=True)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one-line reasons and meaningful exit codes."""
    try:
        yield
    except (FactsErrors, ValidationFailed) as exc:
        for line in str(exc).splitlines():
            click.echo(line, err=True)
        sys.exit(EXIT_INVALID)
    except KaltimKGError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as exc:  # a path that cannot be made, read or written: say which
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc).splitlines()[0]
        if is_disk_full(exc):
            reason = "the disk is full (no space left on device)"
        click.echo(f"error: {where}{reason}", err=True)
        sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaltim-kg")
def main() -> None:
    """Publish East Kalimantan SME trade facts as a linked-data knowledge graph."""


@main.command()
@store_option
@data_option
@base_option
def build(store_dir: Path | None, data_dir: Path | None, base_uri: str | None) -> None:
    """Facts → graph → SHACL gate → store + dumps, published atomically."""
    from kaltim_kg.store.publish import build as run_build

    settings = _store_settings(store_dir=store_dir, data_dir=data_dir, base_uri=base_uri)
    started = time.monotonic()
    with _errors():
        result = run_build(settings, progress=_progress)
    click.echo(
        f"built generation {result.generation.id}: {result.triples} quads in "
        f"{len(result.graphs)} graphs ({time.monotonic() - started:.1f} s) → {settings.store_dir}"
    )


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="The SHACL report: one line per violation, or the report graph in Turtle.",
)
@data_option
@file_base_option
def validate(
    files: tuple[Path, ...], fmt: str, data_dir: Path | None, base_uri: str | None
) -> None:
    """Check data files (YAML facts, or RDF) against the SHACL shapes.

    Exit 0: conforms; 1: does not conform; 2: error (unreadable input).
    """
    from kaltim_kg.store.publish import check, check_rdf

    settings = _settings(data_dir=data_dir, base_uri=base_uri)
    rdf_files = [f for f in files if f.suffix not in (".yaml", ".yml")]
    yaml_files = [f for f in files if f.suffix in (".yaml", ".yml")]
    with _errors():
        if rdf_files:  # as `load` checks them: beside the curated facts, same rules
            report = check_rdf(settings, _parse_rdf(rdf_files))
        else:
            _, _, report = check(settings, yaml_files or None)
    if fmt == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        click.echo("Conforms: True" if report.conforms else "Conforms: False")
        for line in report.lines:
            click.echo(line)
    sys.exit(0 if report.conforms else EXIT_INVALID)


def _offline_jsonld(data: bytes, base: str) -> bytes:
    """JSON-LD as N-Triples, read by the engine's parser, which never fetches a remote
    @context (rdflib's would: nothing is fetched from the network at run time)."""
    import pyoxigraph

    try:
        quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD, base_iri=base)
        triples = [quad.triple for quad in quads]
    except SyntaxError as exc:
        if "remote context" in str(exc).lower():
            raise ValueError("a remote JSON-LD @context is never fetched; inline it") from None
        raise
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


def _parse_rdf(paths: list[Path]) -> Any:
    from rdflib import Graph
    from rdflib.util import guess_format

    graph = Graph()
    for path in paths:
        gzipped = path.suffix == ".gz"
        name = path.with_suffix("") if gzipped else path  # a.nt.gz is N-Triples, gzipped
        base = path.resolve().as_uri()  # as_uri() refuses a relative path
        rdf_format = guess_format(str(name)) or "turtle"
        try:
            with gzip.open(path, "rb") if gzipped else path.open("rb") as source:
                if rdf_format == "json-ld":
                    graph.parse(data=_offline_jsonld(source.read(), base), format="nt")
                else:
                    graph.parse(source, format=rdf_format, publicID=base)
        except Exception as exc:  # any parser failure is a usage error on that file
            click.echo(f"{path}: cannot parse RDF: {exc}", err=True)
            sys.exit(EXIT_ERROR)
    return graph


@main.command()
@click.argument("query_or_file")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Results of SELECT (ASK prints true/false, CONSTRUCT and DESCRIBE Turtle).",
)
@store_option
def query(query_or_file: str, fmt: str, store_dir: Path | None) -> None:
    """Run a SPARQL query against the local store: the query text, a file (.rq) or - for
    standard input. Common prefixes (dct, dcat, geo, qb, void, foaf, sdmx, ...) need no
    PREFIX line; updates are refused (the store is read only here too)."""
    from kaltim_kg.query.local import run_local_query

    settings = _settings(store_dir=store_dir)
    with _errors():
        text = _query_text(query_or_file)
        output = run_local_query(settings, text, fmt)
    click.echo(output, nl=not output.endswith("\n"))


# A word with one of these endings, or a path separator, and no SPARQL keyword: a file name.
QUERY_FILE_SUFFIXES = (".rq", ".sparql", ".txt", ".ru")


def _query_text(query_or_file: str) -> str:
    """The query itself, standard input for `-`, or the text of the file it names."""
    if query_or_file == "-":
        try:
            return sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise KaltimKGError(f"standard input: not UTF-8 text: {exc}") from None
    path = Path(query_or_file)
    try:
        is_file = path.is_file()
    except OSError:  # a query text too long, or otherwise impossible, as a file name
        return query_or_file
    if not is_file:
        if _names_a_file(query_or_file):
            raise KaltimKGError(f"{query_or_file}: no such query file")
        return query_or_file
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KaltimKGError(f"{path}: cannot read the query: {exc}") from None


def _names_a_file(text: str) -> bool:
    """A single word that looks like a path, not a query (`q.rq`, `queries/top.sparql`)."""
    if any(ch.isspace() for ch in text) or "{" in text:
        return False
    return text.endswith(QUERY_FILE_SUFFIXES) or "/" in text


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(DUMPS_BY_NAME)),
    help="Serialisation (default: from the -o file's suffix, .ttl .nt .nq .jsonld with or "
    "without .gz; Turtle on standard output).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (gzip if it ends in .gz); default: standard output, uncompressed.",
)
@store_option
def dump(fmt: str | None, output: Path | None, store_dir: Path | None) -> None:
    """Write a dump of the current store generation."""
    from kaltim_kg.store.generations import StoreDir

    fmt = _dump_format(fmt, output)
    settings = _settings(store_dir=store_dir)
    with _errors():
        generation = StoreDir(settings.store_dir).require_current()
        dump_format = DUMPS_BY_NAME[fmt]
        source = generation.dumps_dir / dump_format.filename
        opener: Callable[..., Any] = gzip.open if dump_format.gzipped else open
        with opener(source, "rb") as plain:
            if output is None:
                shutil.copyfileobj(plain, sys.stdout.buffer)
            elif output.suffix == ".gz":
                if dump_format.gzipped:
                    shutil.copyfile(source, output)
                else:
                    with gzip.open(output, "wb") as out:
                        shutil.copyfileobj(plain, out)
            else:
                with output.open("wb") as out:
                    shutil.copyfileobj(plain, out)
    if output is not None:
        click.echo(f"wrote {output}", err=True)


def _dump_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, or the one the output file's suffix names; they must agree."""
    if output is None:
        return fmt or "ttl"
    name = output.name.removesuffix(".gz")
    by_suffix = next((f for f in DUMPS_BY_NAME if name.endswith(f".{f}")), None)
    if fmt is None and by_suffix is None:
        known = ", ".join(f".{f}" for f in sorted(DUMPS_BY_NAME))
        _usage_error(f"{output}: no format for this suffix (one of {known}, or give --format)")
    if fmt is not None and by_suffix is not None and fmt != by_suffix:
        _usage_error(f"{output}: the suffix says {by_suffix}, --format says {fmt}")
    return fmt or by_suffix or "ttl"


def _usage_error(reason: str) -> None:
    click.echo(f"error: {reason}", err=True)
    sys.exit(EXIT_ERROR)


engine_option = click.option(
    "--engine",
    "engines",
    multiple=True,
    metavar="URL",
    help="A remote engine: virtuoso+http://HOST:PORT or oxigraph+http://HOST:PORT; repeat "
    "for replicas. Credentials: KALTIM_KG_ENGINE_USER / KALTIM_KG_ENGINE_PASSWORD.",
)


@main.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1; env KALTIM_KG_HOST).")
@click.option("--port", type=int, help="Port (default 8080; env KALTIM_KG_PORT).")
@store_option
@click.option(
    "--query-timeout",
    type=float,
    help="Seconds before a query is stopped with 503 (default 30; env KALTIM_KG_QUERY_TIMEOUT).",
)
@click.option(
    "--workers", type=int, help="Server processes (default: from the cores; env KALTIM_KG_WORKERS)."
)
@click.option(
    "--threads",
    type=int,
    help="Request threads per server process (default 32; env KALTIM_KG_THREADS).",
)
@click.option(
    "--query-workers",
    type=int,
    help="Query processes per server process (default: from the cores; env "
    "KALTIM_KG_QUERY_WORKERS).",
)
@click.option(
    "--access-log",
    type=click.Choice(["text", "json"]),
    help="text: one line per SPARQL query; json: one JSON object per request, every route "
    "(default text; env KALTIM_KG_ACCESS_LOG).",
)
@click.option(
    "--allow-query-network",
    is_flag=True,
    default=None,
    help="Serve even where query processes cannot drop their network (no user namespaces, "
    "as under Docker's default seccomp profile); the lexer is then the only wall against "
    "SERVICE (env KALTIM_KG_ALLOW_QUERY_NETWORK=1). Without it, serve refuses to start there.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Check the store is readable, the port free and the network drop working, one line "
    "each; exit 0 if all pass, 1 if not, without serving.",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address users reach this server at (https://data.example.org/): every "
    "redirect, download link, DCAT and VoID uses it, never the request's Host (env "
    "KALTIM_KG_PUBLIC_URL).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxy",
    multiple=True,
    metavar="ADDRESS",
    help="A proxy (IP address or CIDR) whose X-Forwarded-* headers are believed; repeat for "
    "more (env KALTIM_KG_TRUSTED_PROXY, space or comma separated).",
)
@base_option
@engine_option
def serve(
    host: str | None,
    port: int | None,
    store_dir: Path | None,
    query_timeout: float | None,
    workers: int | None,
    threads: int | None,
    query_workers: int | None,
    access_log: str | None,
    allow_query_network: bool | None,
    check: bool,
    public_url: str | None,
    trusted_proxy: tuple[str, ...],
    base_uri: str | None,
    engines: tuple[str, ...],
) -> None:
    """Serve the SPARQL endpoint and the linked data (builds the store first if empty)."""
    from kaltim_kg.server import (
        ensure_port_free,
        ensure_queries_have_no_network,
        preflight,
        run_server,
    )
    from kaltim_kg.store.publish import ensure_built

    options = {
        "host": host,
        "port": port,
        "store_dir": store_dir,
        "query_timeout": query_timeout,
        "workers": workers,
        "threads": threads,
        "query_workers": query_workers,
        "access_log": access_log,
        "base_uri": base_uri,
        "engines": engines or None,
        "public_url": public_url,
        "trusted_proxy": trusted_proxy or None,
        "allow_query_network": allow_query_network,
    }
    if check:  # the store is one of the things checked: do not read its base IRI first
        settings = _settings(**options)
        with _errors():
            checks = preflight(settings)
        for outcome in checks:
            click.echo(f"{'ok' if outcome.ok else 'FAIL':<4} {outcome.name}: {outcome.detail}")
        sys.exit(0 if all(c.ok for c in checks) else EXIT_INVALID)
    settings = _store_settings(**options)
    with _errors():
        ensure_port_free(settings.host, settings.port)
    _in_child_process(lambda: ensure_built(settings, progress=_progress))
    with _errors():
        ensure_queries_have_no_network(settings)
    source = str(settings.store_dir)
    if settings.engines:
        _in_child_process(lambda: _report_engines(settings))
        source = " + ".join(settings.engines) + f" (pages and dumps from {settings.store_dir})"
    click.echo(f"serving {source} on http://{settings.host}:{settings.port}/sparql", err=True)
    if settings.public_url:
        _progress(f"public address: {settings.public_url}")
    _progress(_chosen(settings))
    run_server(settings)


@main.command()
@engine_option
@store_option
def push(engines: tuple[str, ...], store_dir: Path | None) -> None:
    """Publish the current generation to remote engines, switching it live at once (the
    previous push's union graph is dropped after the query timeout and a second)."""
    from kaltim_kg.store.push import push_current

    if not engines:
        raise click.UsageError("name at least one engine with --engine URL")
    settings = _store_settings(store_dir=store_dir)
    started = time.monotonic()
    with _errors():
        reports = push_current(settings, engines, progress=_progress)
    for report in reports:
        was = f" (was {report.previous})" if report.previous else ""
        click.echo(
            f"pushed generation {report.generation}{was} to {report.engine}: {report.quads} "
            f"triples in {report.graphs} graphs, counts checked "
            f"({time.monotonic() - started:.1f} s)"
        )


def _chosen(settings: Settings) -> str:
    """What `serve` runs with, and what the machine would have chosen."""
    from kaltim_kg.config import machine_defaults

    machine = machine_defaults()
    queries = (
        "queries go to the engines"
        if settings.engines
        else f"{settings.query_workers} query processes each"
    )
    return (
        f"{settings.workers} server processes x {settings.threads} threads, {queries} "
        f"(defaults for {machine.describe()})"
    )


def _report_engines(settings: Settings) -> None:
    """Say what each engine serves; an engine named wrong stops `serve` before it starts."""
    from kaltim_kg.engines.address import parse_engine_url
    from kaltim_kg.query.remote import RemoteEngines
    from kaltim_kg.store.generations import StoreDir

    for url in settings.engines:
        parse_engine_url(url)  # a bad URL is an error now, not a 503 on every query
    local = StoreDir(settings.store_dir).generation_id()
    for state in RemoteEngines(settings.engines).health():
        if state["status"] != "ok":
            _progress(f"{state['engine']}: {state['reason']} (queries go to the others)")
        elif state["generation"] != local:
            _progress(
                f"{state['engine']}: serves generation {state['generation']}, the store's is "
                f"{local} (run kaltim-kg push to bring it up to date)"
            )
        else:
            _progress(f"{state['engine']}: serves generation {state['generation']}")


def _in_child_process(work: Callable[[], Any]) -> None:
    """Run `work` in a forked child and exit if it fails.

    The server forks its workers later; a RocksDB database opened in this process (as a
    build does) would be inherited half-alive by them and crash them at exit.
    """
    pid = os.fork()
    if pid == 0:
        code: Any = 0
        try:
            with _errors():
                work()
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 1)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(code if code > 0 else EXIT_ERROR)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", help="Graph IRI for triples (default: {base}graph/{file stem}).")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["nt", "nq", "ttl", "trig"]),
    help="RDF format of every FILE (default: from the suffix, .gz allowed).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Run the SHACL gate on the nodes the loaded graphs mention.",
)
@click.option("--replace", is_flag=True, help="Empty the target graphs first instead of adding.")
@click.option("--licence", help="The loaded data's own licence (an IRI); none is assumed.")
@click.option("--source", "data_source", help="Where the loaded data comes from (an IRI).")
@store_option
@base_option
def load(
    files: tuple[Path, ...],
    graph: str | None,
    format_name: str | None,
    validate: bool,
    replace: bool,
    licence: str | None,
    data_source: str | None,
    store_dir: Path | None,
    base_uri: str | None,
) -> None:
    """Stream RDF files (nt, nq, ttl, trig, and .gz) into the store as named graphs, atomically."""
    from kaltim_kg.store.publish import load as run_load

    settings = _store_settings(store_dir=store_dir, base_uri=base_uri)
    total = sum(f.stat().st_size for f in files if f.is_file())
    started = time.monotonic()
    with (
        _errors(),
        click.progressbar(length=total, label="loading", file=sys.stderr) as bar,
    ):
        result = run_load(
            settings,
            files,
            graph=graph,
            format_name=format_name,
            validate=validate,
            replace=replace,
            progress=_progress,
            bytes_progress=bar.update,
            licence=licence,
            data_source=data_source,
        )
    elapsed = time.monotonic() - started
    for name, triples in sorted(result.loaded.items()):
        click.echo(f"{name}: {triples} triples")
    checked = f", {result.validated} nodes validated" if validate else ", not validated"
    click.echo(f"loaded into generation {result.generation.id} ({elapsed:.1f} s{checked})")


@main.command(name="import")
@click.argument("tables", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", help="Graph IRI for all TABLES (default: {base}graph/{file stem} each).")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Mapping file (YAML) naming what each column says; default: recognised from headers.",
)
@click.option(
    "--save-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the mapping used (recognised or given) to this file, to edit and pass back.",
)
@click.option("--licence", help="Licence of the table (an IRI such as a Creative Commons URL).")
@click.option("--source", help="Where the table comes from (a URL or a citation).")
@click.option("--title", help="Title of the table (default: its file name).")
@click.option("--check", is_flag=True, help="Map and reconcile, report, publish nothing.")
@click.option(
    "--publish-valid-rows",
    is_flag=True,
    help="Publish the rows without problems and report the others (default: publish nothing).",
)
@store_option
@base_option
def import_(
    tables: tuple[Path, ...],
    graph: str | None,
    mapping_file: Path | None,
    save_mapping: Path | None,
    licence: str | None,
    source: str | None,
    title: str | None,
    check: bool,
    publish_valid_rows: bool,
    store_dir: Path | None,
    base_uri: str | None,
) -> None:
    """Publish statistics tables (CSV or XLSX) as reconciled, SHACL-gated facts, atomically."""
    from kaltim_kg.link.imports import ImportProblems, import_tables

    settings = _store_settings(store_dir=store_dir, base_uri=base_uri)
    overrides = {"licence": licence, "source": source, "title": title}
    with _errors():
        try:
            result = import_tables(
                settings,
                tables,
                graph=graph,
                mapping_file=mapping_file,
                overrides=overrides,
                publish=not check,
                publish_valid_rows=publish_valid_rows,
                progress=_progress,
            )
        except ImportProblems as problems:
            _report_import(problems.result, save_mapping)
            for line in problems.lines:
                click.echo(line, err=True)
            click.echo(f"{len(problems.lines)} problem(s): nothing was published", err=True)
            sys.exit(EXIT_INVALID)
    _report_import(result, save_mapping)
    for line in result.problems:
        click.echo(line, err=True)
    if result.loaded is not None:
        click.echo(f"published generation {result.loaded.generation.id}")
    elif result.problems:
        sys.exit(EXIT_INVALID)


def _report_import(result: Any, save_mapping: Path | None) -> None:
    """Print each table's mapping (and save it), then what it gave."""
    for plan, mapping, target in result.plans:
        click.echo(
            f"# mapping for {plan.table.name} (edit, then pass back with --mapping)", err=True
        )
        click.echo(mapping.to_yaml().rstrip("\n"), err=True)
        if save_mapping is not None:
            save_mapping.write_text(mapping.to_yaml(), encoding="utf-8")
            click.echo(f"wrote {save_mapping}", err=True)
        for line in plan.total_rows:
            click.echo(line, err=True)
        totals = f", {len(plan.total_rows)} total rows skipped" if plan.total_rows else ""
        click.echo(
            f"{plan.table.name}: {plan.flows} flows, {plan.skipped_rows} rows with problems"
            f"{totals} → {target}"
        )


@main.group(invoke_without_command=True)
@store_option
@click.pass_context
def graphs(context: click.Context, store_dir: Path | None) -> None:
    """List the store's named graphs: triples, built or loaded, source, licence, when."""
    context.obj = store_dir
    if context.invoked_subcommand is not None:
        return
    from kaltim_kg.store.publish import list_graphs

    settings = _settings(store_dir=store_dir)
    with _errors():
        listed = list_graphs(settings)
    for info in listed:
        when = f"loaded {info.loaded}" if info.loaded else info.origin
        click.echo(
            f"{info.iri}\t{info.triples} triples\t{when}\t"
            f"source: {info.source or '-'}\tlicence: {info.licence or '-'}"
        )


@graphs.command("drop")
@click.argument("iri")
@click.pass_obj
def graphs_drop(store_dir: Path | None, iri: str) -> None:
    """Remove one loaded graph, atomically (a new generation without it)."""
    from kaltim_kg.store.publish import drop_graph

    settings = _store_settings(store_dir=store_dir)
    with _errors():
        generation = drop_graph(settings, iri, progress=_progress)
    click.echo(f"dropped {iri}: generation {generation.id}")


@main.command()
@click.option(
    "--triples",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="How many triples to write, within one flow's worth (flows, their places, source "
    "and cohorts included).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed and size give the same bytes.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="N-Triples file to write (.nt, or .nt.gz for gzip).",
)
@file_base_option
def synth(triples: int, seed: int, output: Path, base_uri: str | None) -> None:
    """Generate seeded synthetic export statistics (our vocabulary, SHACL-valid) as N-Triples."""
    from kaltim_kg.graph.synth import TooFewTriples, synthesize

    settings = _settings(base_uri=base_uri)
    started = time.monotonic()
    try:
        with (
            _errors(),
            click.progressbar(length=triples, label="generating", file=sys.stderr) as bar,
        ):
            stats = synthesize(output, triples, seed, settings.base_uri, progress=bar.update)
    except TooFewTriples as exc:
        _usage_error(f"--triples {triples}: {exc}")
    click.echo(
        f"wrote {stats.triples} triples ({stats.flows} flows, {stats.commodities} commodities, "
        f"{stats.years} year(s)) to {output} in {time.monotonic() - started:.1f} s"
    )


@main.command()
@click.argument("article")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Draft file to write (default: SOURCE-KEY.yaml in the current folder).",
)
@click.option("--force", is_flag=True, help="Replace an existing draft (and its text file).")
@click.option(
    "--url",
    "url",
    help="Where the article was published, when its text has no `url:` header line.",
)
@data_option
def extract(
    article: str, out: Path | None, force: bool, url: str | None, data_dir: Path | None
) -> None:
    """Draft a fact file from a news article: a text file (optional `key: value` header
    lines ended by `---`), a saved HTML page, or an http(s) URL.

    The draft links to what the published data files (--data) already state, and prints
    the review checklist. Exit 0: written; 2: the article cannot be drafted from.
    """
    from kaltim_kg.ingest.extract import extract as run_extract

    settings = _settings(data_dir=data_dir)
    with _errors():
        result = run_extract(article, out, settings.facts_dir, overwrite=force, url=url)
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items() if n) or "no facts"
    click.echo(f"wrote {result.yaml_path} ({counts}); text in {result.text_path}")
    if result.known_unreadable:
        click.echo(f"warning: published data not linked to: {result.known_unreadable}", err=True)
    if result.notes:
        click.echo(
            f"{result.notes} note(s): facts other sources already published are linked, not repeated"
        )
    click.echo("Review before publishing:")
    for item in result.review:
        click.echo(f"  {result.yaml_path}:{item.line}: {item.flag.section}: {item.flag.reason}")
    for step in REVIEW_STEPS:
        click.echo(f"  [ ] {step}")
    click.echo(
        "Then, with the draft and its text in the data folder: `kaltim-kg validate --data DIR`, "
        "`kaltim-kg build --data DIR`."
    )


# What a reviewer checks on every draft, whatever was flagged (README "Publishing a new
# press release").
REVIEW_STEPS = (
    "every flow: the goods, the destination and the period are what the cited sentence says",
    "every amount: currency, value and scale as stated; 'setara' figures marked equivalent",
    "every count: a number of businesses, not of countries or products, with its qualifier",
    "people and agencies: the right person (nicknames!), roles in Indonesian and English",
    "quotes: verbatim, with the right speaker and date",
    "labels and the title in English (copied from Indonesian where flagged)",
    "what the draft left out: facts the rules did not see (read the article once more)",
)


if __name__ == "__main__":  # pragma: no cover
    main()
