"""Settings (defaults < env KALTIM_KG_* < CLI flags) and where shipped resources live."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kaltim_kg.namespaces import DEFAULT_BASE_URI, checked_base

_PACKAGE_DIR = Path(__file__).resolve().parent
ENV_PREFIX = "KALTIM_KG_"


def resource_dir(name: str) -> Path:
    """Locate a shipped resource folder (ontology, shapes, data, reference).

    In a wheel they are copied under `kaltim_kg/resources/`; in a source checkout or an
    editable install they are the top-level folders of the repository.
    """
    for candidate in (_PACKAGE_DIR / "resources" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped resource folder {name!r} not found beside {_PACKAGE_DIR}")


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers may narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def available_memory_bytes() -> int:
    """Memory this process may use: the machine's, or its cgroup's limit when lower."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 1024**3
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return total


# Bytes an in-memory copy of the store takes per quad, generously (measured ~450).
COPY_BYTES_PER_QUAD = 1024
MAX_MEMORY_STORE_QUADS = 1_500_000


@dataclass(frozen=True)
class MachineDefaults:
    """Process counts derived from the cores this process may use (README "Defaults").

    - server processes: half the cores, at least 2 (each is one Python interpreter, about
      one core of HTTP and Flask at full load; the other half is left to query processes);
    - quick queries running at once per server process: cores / server processes, at least 1
      (the pool's admission limit; more would only share the cores);
    - query processes per server process: that plus one spare, which takes over behind a
      slow query;
    - in-memory copies: one per quick query that may run, so cores in all; each holds at
      most `memory_store_quads` quads, chosen so that all copies fit in half the memory;
    - a query's heap (`query_memory_mb`): 1 GB, or less so that every query process at its
      cap fits in the other half (at least 128 MB).
    """

    cores: int
    memory_bytes: int
    workers: int
    query_workers: int
    running: int
    memory_store_quads: int
    query_memory_mb: int

    def describe(self) -> str:
        return (
            f"{self.cores} cores, {self.memory_bytes / 1024**3:.0f} GB: {self.workers} server "
            f"processes, {self.query_workers} query processes each "
            f"({self.running} quick at once, {self.query_memory_mb} MB heap), in-memory copies "
            f"up to {self.memory_store_quads:,} quads"
        )


def machine_defaults(cores: int | None = None, memory_bytes: int | None = None) -> MachineDefaults:
    cores = max(1, cores or available_cores())
    memory_bytes = memory_bytes or available_memory_bytes()
    workers = max(2, cores // 2)
    running = max(1, cores // workers)
    query_workers = running + 1
    copies = workers * running
    quads = min(MAX_MEMORY_STORE_QUADS, memory_bytes // 2 // (copies * COPY_BYTES_PER_QUAD))
    heap_mb = memory_bytes // 2 // (workers * query_workers) // 1024**2
    return MachineDefaults(
        cores,
        memory_bytes,
        workers,
        query_workers,
        running,
        quads,
        max(128, min(1024, heap_mb)),
    )


_MACHINE: list[MachineDefaults] = []


def _machine() -> MachineDefaults:
    if not _MACHINE:
        _MACHINE.append(machine_defaults())
    return _MACHINE[0]


def default_store_dir() -> Path:
    """Per-user store location, following the XDG base directory convention."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "kaltim-kg" / "store"


@dataclass(frozen=True)
class Settings:
    """Everything configurable; one instance flows from the CLI or app factory downwards."""

    base_uri: str = DEFAULT_BASE_URI
    store_dir: Path = field(default_factory=default_store_dir)
    data_dir: Path | None = None  # None: the curated data shipped with the package
    host: str = "127.0.0.1"
    port: int = 8080
    # Server processes and query processes each: from the cores and memory this process
    # may use (MachineDefaults; 2 and 2 on two cores).
    workers: int = field(default_factory=lambda: _machine().workers)
    # Request threads per server process. A request holds one while it waits for its query
    # or for a slow client's body, so they are many; the query processes bound the work.
    threads: int = 32
    # Connections one server process holds open at once (Granian's backpressure); far above
    # `threads`, so idle keep-alive connections cannot take every slot.
    max_connections: int = 1024
    # Seconds a connection may take to send a request's headers, and may stay idle between
    # keep-alive requests, before it is closed (Granian accepts 1 to 60).
    header_timeout: float = 10.0
    query_timeout: float = 30.0
    query_workers: int = field(default_factory=lambda: _machine().query_workers)
    # Queries one client (remote address) may have running or waiting at once in a server
    # process; kept below query_workers so that others always find one free. 0: no bound.
    client_queries: int = 1
    # Heap a query may use before its process is stopped (1024, less on a small machine); 0: no cap.
    query_memory_mb: int = field(default_factory=lambda: _machine().query_memory_mb)
    # The query processes that take quick queries (one per core a server process may use)
    # copy a generation of at most this many quads into memory (RocksDB scans and joins are
    # ~3-4x slower than Oxigraph's in-memory store; ~450 MB per million quads); 0: never.
    memory_store_quads: int = field(default_factory=lambda: _machine().memory_store_quads)
    max_result_rows: int = 100_000
    # A SELECT result (or graph) longer than this is cut to the whole rows (triples) that
    # fit, and says so in X-SPARQL-MaxBytes: it bounds what a reply costs a server process.
    max_result_bytes: int = 50_000_000
    max_request_bytes: int = 1_000_000
    # "text": one line per SPARQL query; "json": one JSON object per request (every route)
    access_log: str = "text"
    cache_entries: int = 256  # SPARQL result cache; 0 switches it off
    cache_bytes: int = 64_000_000  # bound on the result cache's total body bytes
    # When a generation goes live, each server process warms its result cache in the
    # background (query/warm.py): the published examples, then this many of the previous
    # generation's most frequent queries; 0 switches warming off. All within warm_seconds.
    warm_queries: int = 32
    warm_seconds: float = 30.0
    # Remote engines that answer /sparql instead of the embedded store (replicas of one
    # another): virtuoso+http://HOST:PORT or oxigraph+http://HOST:PORT. Empty: embedded.
    engines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_uri", checked_base(self.base_uri))
        object.__setattr__(self, "store_dir", Path(self.store_dir).expanduser())
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        object.__setattr__(self, "engines", tuple(self.engines))

    @property
    def facts_dir(self) -> Path:
        """Folder of curated fact files to build from."""
        return self.data_dir if self.data_dir is not None else resource_dir("data")

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with the given non-None values applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    if kind.startswith("tuple"):  # a list of words (KALTIM_KG_ENGINES="URL URL")
        return tuple(raw.replace(",", " ").split())
    try:
        if "int" in kind and "Path" not in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}: not a number: {raw!r}") from exc
    return raw


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then `KALTIM_KG_*` variables, then explicit overrides."""
    env = os.environ if env is None else env
    from_env: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is None and f.name == "store_dir":
            raw = env.get(ENV_PREFIX + "STORE")
        if raw is None and f.name == "data_dir":
            raw = env.get(ENV_PREFIX + "DATA")
        if raw:
            from_env[f.name] = _coerce(f.name, raw, f.type)
    return Settings(**from_env).with_overrides(**overrides)
