"""Settings (defaults < env KALTIM_KG_* < CLI flags) and where shipped resources live."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    # The one address this server is reached at (https://data.example.org/), used in every
    # URL it writes: redirects, download links, DCAT, VoID. None: from the request, whose
    # Host must then name this server (see web/public_address.py).
    public_url: str | None = None
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For/-Proto/-Host/-Port headers
    # are believed; from any other peer they are ignored.
    trusted_proxy: tuple[str, ...] = ()
    # Query processes drop their network (an empty network namespace) so that a SERVICE the
    # lexer missed cannot connect anywhere; where the OS refuses that, `serve` refuses to
    # start unless this says to serve anyway (the lexer is then the only wall).
    allow_query_network: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_uri", checked_base(self.base_uri))
        object.__setattr__(self, "store_dir", Path(self.store_dir).expanduser())
        if self.data_dir is not None:
            object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        object.__setattr__(self, "engines", tuple(self.engines))
        if self.public_url is not None:
            object.__setattr__(self, "public_url", checked_public_url(self.public_url))
        object.__setattr__(self, "trusted_proxy", checked_networks(self.trusted_proxy))
        problems = list(_out_of_range(self))
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def facts_dir(self) -> Path:
        """Folder of curated fact files to build from."""
        return self.data_dir if self.data_dir is not None else resource_dir("data")

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with the given non-None values applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_PUBLIC_URL = f"--public-url (env {ENV_PREFIX}PUBLIC_URL)"


def checked_public_url(url: str) -> str:
    """`url` as "scheme://host[:port]/", or ValueError: an absolute http(s) URL of a host's
    root, no query."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{_PUBLIC_URL} must be an absolute http(s) URL, not {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{_PUBLIC_URL} must have no query, fragment or credentials: {url!r}")
    try:
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{_PUBLIC_URL} has a port that is not a number: {url!r}") from None
    if parts.path not in ("", "/"):  # pages link to absolute paths (/id/..., /sparql)
        raise ValueError(f"{_PUBLIC_URL} must be the root of its host, without a path: {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}/"


def checked_networks(proxies: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
    """Each proxy as a normalised network ("10.0.0.1/32"), or ValueError naming the bad one."""
    words = proxies.replace(",", " ").split() if isinstance(proxies, str) else proxies
    networks = []
    for word in words:
        try:
            networks.append(str(ipaddress.ip_network(word.strip(), strict=False)))
        except ValueError:
            raise ValueError(
                f"--trusted-proxy (env {ENV_PREFIX}TRUSTED_PROXY) must be an IP address or "
                f"CIDR network, not {word!r}"
            ) from None
    return tuple(networks)


# Each number a setting may take: (least, greatest); None leaves that side open. Checked
# once, where settings are made, so a flag and its environment variable say the same.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "port": (1, 65535),
    "workers": (1, None),
    "threads": (1, None),
    "query_workers": (1, None),
    "max_connections": (1, None),
    "header_timeout": (1, 60),  # what Granian accepts
    "max_result_rows": (1, None),
    "max_result_bytes": (1, None),
    "max_request_bytes": (1, None),
    "client_queries": (0, None),  # 0: no bound
    "cache_entries": (0, None),  # 0: no cache
    "cache_bytes": (0, None),
    "query_memory_mb": (0, None),  # 0: no cap
    "memory_store_quads": (0, None),  # 0: never copied into memory
}


def _out_of_range(settings: Settings) -> Iterator[str]:
    """One line per setting out of its range, naming the flag and the variable."""
    if not settings.query_timeout > 0:  # also refuses NaN
        yield _range_problem("query_timeout", settings.query_timeout, "a number of seconds > 0")
    for name, (least, greatest) in _RANGES.items():
        value = getattr(settings, name)
        if (least is not None and value < least) or (greatest is not None and value > greatest):
            wanted = f"from {least} to {greatest}" if greatest is not None else f"at least {least}"
            yield _range_problem(name, value, wanted)


def _range_problem(name: str, value: object, wanted: str) -> str:
    flag = name.replace("_", "-")
    return f"--{flag} (env {ENV_PREFIX}{name.upper()}) must be {wanted}, not {value}"


def _coerce(name: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    if kind == "bool":
        if raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if raw.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{ENV_PREFIX}{name.upper()}: not 1/0, true/false: {raw!r}")
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
