"""Warm the result cache when a generation goes live, so the first visitors find it warm.

The data only changes when a generation is published, and the first thing a publish does to
the result cache is empty it: every first request after it would run cold. So each server
process, as soon as its watcher thread sees a new generation, runs in the background, one
query at a time, and only while no request of the process is running one (visitors go
first; a request for the very query being warmed waits for its answer instead):

1. the published example queries (`examples.py`, the query page's tabs), as the page asks
   them (JSON), under the endpoint URL its requests used (else the configured address);
2. the `warm_queries` request shapes asked most often under the previous generation, as
   they were asked (query text, protocol dataset, format, endpoint URL).

Bounded in time (`warm_seconds` for the whole run, no query past `query_timeout`), in memory
(answers go into the result cache, which keeps its own bounds; the counts keep at most
`MAX_SHAPES` shapes of at most `MAX_QUERY_CHARS` characters), and in work (one query at a
time, and a run stops when the generation moves on). The access log goes to standard error
and is not read back: each process counts what it answers, and `serve`'s processes share
their counts through a folder of files (`QueryCounts.share`). `KALTIM_KG_WARM_QUERIES=0`
switches warming off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kaltim_kg.config import Settings
from kaltim_kg.errors import KaltimKGError, QueryTimeout, QueryUnavailable
from kaltim_kg.formats import BY_NAME
from kaltim_kg.query.cache import CachedResult, CacheKey, ResultCache
from kaltim_kg.query.examples import EXAMPLES
from kaltim_kg.query.pool import Answer
from kaltim_kg.query.scan import scan_query
from kaltim_kg.query.worker import Job

log = logging.getLogger("kaltim_kg.warm")

MAX_SHAPES = 512  # distinct request shapes counted per generation
MAX_QUERY_CHARS = 10_000  # a longer query is not counted (nor warmed)
EXAMPLE_ENDPOINTS = 2  # examples are warmed under the endpoint URLs most used, at most these
GENERATIONS_KEPT = 2  # the live generation's counts and the previous one's
SHARED_SHAPES = 128  # per generation, what a process writes for the others to read
# The folder `serve` makes for its server processes' shared counts (they inherit it).
SHARED_COUNTS_VARIABLE = "KALTIM_KG_WARM_COUNTS_DIR"
# Called with each finished run (web/metrics.py counts them), in the warming thread.
RUN_LISTENERS: list[Callable[[WarmRun], None]] = []
UNAVAILABLE_IN_A_ROW = 3  # queries nothing could answer before a run gives up
VISITOR_PAUSE = 0.02  # seconds between looks while requests of the process run queries


@dataclass(frozen=True)
class Asked:
    """What decides a response's bytes: the job as the endpoint made it, and the media type."""

    job: Job
    content_type: str

    def key(self, generation: str) -> CacheKey:
        return CacheKey.for_job(self.job, self.content_type, generation)


class QueryCounts:
    """How often each request shape was answered, per generation; bounded in shapes.

    With a `shared` folder (`serve` makes one for its server processes), each process
    writes its most frequent shapes there (`share`, from the watcher thread) and reads the
    others' when it ranks (`most_frequent`): Granian spreads requests over the processes,
    so a query asked a few times may have reached only one of them."""

    def __init__(self, max_shapes: int = MAX_SHAPES, shared: Path | None = None) -> None:
        self.max_shapes = max_shapes
        self.shared = shared
        self._tables: dict[str, Counter[Asked]] = {}
        self._endpoints: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._changed = False

    def count(self, generation: str, asked: Asked) -> None:
        """Count one answered request under the generation it was looked up under."""
        if len(asked.job.query) > MAX_QUERY_CHARS:
            return
        with self._lock:
            table = self._tables.get(generation)
            if table is None:
                table = self._tables[generation] = Counter()
                while len(self._tables) > GENERATIONS_KEPT:
                    del self._tables[next(iter(self._tables))]  # the oldest seen
            if asked not in table and len(table) >= self.max_shapes:
                _drop_rarest_half(table)
            table[asked] += 1
            self._changed = True
            if asked.job.base_iri:
                self._endpoints[asked.job.base_iri] += 1
                if len(self._endpoints) > self.max_shapes:
                    _drop_rarest_half(self._endpoints)

    def most_frequent(self, generation: str | None, n: int) -> list[Asked]:
        """The `n` shapes asked most often under `generation` (in every process that shares
        its counts), most often first."""
        with self._lock:
            table = Counter(self._tables.get(generation or "", {}))
        for path in self._others():
            table.update(_read_shared(path).get(generation or "", {}))
        return [asked for asked, _ in table.most_common(n)]

    def share(self) -> None:
        """Write this process's most frequent shapes to the shared folder, if any changed."""
        if self.shared is None or not self._changed:
            return
        with self._lock:
            self._changed = False
            data = {
                generation: [
                    [_job_fields(asked), asked.content_type, times]
                    for asked, times in table.most_common(SHARED_SHAPES)
                ]
                for generation, table in self._tables.items()
            }
        mine = self.shared / f"counts-{os.getpid()}.json"
        partial = mine.with_suffix(".part")
        partial.write_text(json.dumps(data))
        os.replace(partial, mine)  # a reader sees the previous file or this one, whole

    def _others(self) -> list[Path]:
        if self.shared is None:
            return []
        mine = f"counts-{os.getpid()}.json"
        return [p for p in sorted(self.shared.glob("counts-*.json")) if p.name != mine]

    def endpoints(self, n: int = EXAMPLE_ENDPOINTS) -> list[str]:
        """The endpoint URLs requests used most, most used first."""
        with self._lock:
            return [url for url, _ in self._endpoints.most_common(n)]


def _job_fields(asked: Asked) -> dict[str, Any]:
    return dataclasses.asdict(asked.job)


def _read_shared(path: Path) -> dict[str, Counter[Asked]]:
    """Another process's counts; empty if unreadable (it may be writing its first)."""
    try:
        data = json.loads(path.read_text())
        tables: dict[str, Counter[Asked]] = {}
        for generation, rows in data.items():
            table = tables[generation] = Counter()
            for fields, content_type, times in rows:
                for name in ("default_graphs", "named_graphs", "star_order"):
                    if fields.get(name) is not None:
                        fields[name] = tuple(fields[name])
                table[Asked(Job(**fields), content_type)] += int(times)
        return tables
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _drop_rarest_half(table: Counter) -> None:  # type: ignore[type-arg]
    """Make room: forget the less asked half (a shape asked once rarely deserves warming)."""
    keep = table.most_common(len(table) // 2)
    table.clear()
    table.update(dict(keep))


def example_shapes(settings: Settings, endpoints: list[str]) -> list[Asked]:
    """The published examples as the query page asks them (JSON, or Turtle for graphs)."""
    shapes = []
    for endpoint in endpoints:
        for example in EXAMPLES:
            scan = scan_query(example.query)
            fmt = BY_NAME["turtle" if scan.returns_graph else "json"]
            job = Job(
                query=example.query,
                format_name=fmt.name,
                max_rows=settings.max_result_rows,
                query_has_dataset=scan.dataset_clause,
                star_order=scan.star_order,
                base_iri=endpoint,
                max_bytes=settings.max_result_bytes,
            )
            shapes.append(Asked(job, fmt.content_type))
    return shapes


def configured_endpoint(settings: Settings) -> str:
    """The endpoint URL of the configured address (a wildcard address as loopback)."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "", "::") else settings.host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.port}/sparql"


@dataclass(frozen=True)
class WarmRun:
    """What one warming run did."""

    generation: str
    planned: int
    warmed: int
    seconds: float
    stopped: str = ""  # why it ended early: "time", "generation", "engine"; "" when done


class Runner(Protocol):
    """What warming needs of a query runner (QueryPool or RemoteEngines)."""

    def run(self, job: Job, timeout: float) -> Answer: ...

    def generation_id(self) -> str | None: ...


class Warmer:
    """Warms one process's result cache each time a new generation goes live."""

    def __init__(
        self,
        settings: Settings,
        cache: ResultCache,
        runner: Callable[[], Runner],
        counts: QueryCounts,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.runner = runner
        self.counts = counts
        self.runs: list[WarmRun] = []  # the latest last; kept short
        self._live: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._watching = False
        # The key being answered now, and an event set when its answer is stored (or not).
        self._answering: tuple[CacheKey, threading.Event] | None = None
        self._visitors = 0  # requests of this process running a query now

    @contextlib.contextmanager
    def visiting(self) -> Iterator[None]:
        """Around a request's query: warming waits while any runs (visitors go first)."""
        with self._lock:
            self._visitors += 1
        try:
            yield
        finally:
            with self._lock:
                self._visitors -= 1

    def _after_visitors(self, deadline: float) -> None:
        while self._visitors > 0 and time.monotonic() < deadline:
            time.sleep(VISITOR_PAUSE)

    @property
    def live(self) -> str | None:
        """The generation warmed last (or being warmed)."""
        return self._live

    def seen(self, generation: str | None) -> None:
        """Start warming if `generation` is newer than the one warmed last (cheap otherwise)."""
        if not generation or generation == self._live:
            return
        with self._lock:
            if generation == self._live or (self._live and generation < self._live):
                return  # older: a replica still serving the push before (one at a time)
            previous, self._live = self._live, generation
            self._thread = threading.Thread(
                target=self._warm, args=(generation, previous), name="warm-cache", daemon=True
            )
            self._thread.start()

    def check(self) -> None:
        """Look at the generation now live (a readlink, or the engine's cached record)."""
        with contextlib.suppress(KaltimKGError, OSError):  # no store or engine yet: next time
            self.seen(self.runner().generation_id())

    def watch(self, interval: float = 1.0) -> None:
        """Check every `interval` seconds from a daemon thread (serve's server processes)."""
        with self._lock:
            if self._watching:
                return
            self._watching = True

        def loop() -> None:
            while True:
                self.check()
                with contextlib.suppress(OSError):  # a full disk: warm from our own counts
                    self.counts.share()
                time.sleep(interval)

        threading.Thread(target=loop, name="warm-watch", daemon=True).start()

    def join(self, key: CacheKey, timeout: float) -> bool:
        """Wait (at most `timeout`) if `key` is the query being warmed now, rather than run
        it a second time beside it; whether there was one to wait for."""
        answering = self._answering
        if answering is None or answering[0] != key:
            return False
        answering[1].wait(timeout)
        return True

    def wait(self, timeout: float) -> WarmRun | None:
        """Wait for the running warm-up, if any; its outcome (for tests and benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.runs[-1] if self.runs else None

    def plan(self, previous: str | None) -> list[Asked]:
        """The examples, then the previous generation's most frequent shapes; no repeats."""
        endpoints = self.counts.endpoints() or [configured_endpoint(self.settings)]
        shapes = example_shapes(self.settings, endpoints)
        shapes += self.counts.most_frequent(previous, self.settings.warm_queries)
        return list(dict.fromkeys(shapes))

    def _warm(self, generation: str, previous: str | None) -> None:
        started = time.monotonic()
        deadline = started + self.settings.warm_seconds
        shapes = self.plan(previous)
        warmed, stopped, failed_in_a_row = 0, "", 0
        runner = self.runner()
        for asked in shapes:
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                stopped = "time"
                break
            if self._live != generation:
                stopped = "generation"
                break
            self._after_visitors(deadline)
            if self.cache.contains(asked.key(generation)):
                continue  # a request was quicker
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                stopped = "time"
                break
            outcome = self._answer(runner, asked, generation, remaining)
            warmed += outcome == "stored"
            failed_in_a_row = failed_in_a_row + 1 if outcome == "unavailable" else 0
            if failed_in_a_row == UNAVAILABLE_IN_A_ROW:
                stopped = "engine"  # nothing answers: the next generation's warming retries
                break
        run = WarmRun(generation, len(shapes), warmed, time.monotonic() - started, stopped)
        self.runs[:] = [*self.runs[-9:], run]
        for listener in RUN_LISTENERS:
            listener(run)
        log.info(
            "warmed the result cache for generation %s: %d of %d queries in %.1f s%s",
            generation,
            warmed,
            len(shapes),
            run.seconds,
            f" (stopped: {stopped})" if stopped else "",
        )

    def _answer(self, runner: Runner, asked: Asked, generation: str, remaining: float) -> str:
        """Run one shape and store its answer: "stored", "skipped" (too slow, failed, not
        kept) or "unavailable" (nothing could answer). Requests for the same key meanwhile
        wait for it (`join`)."""
        done = threading.Event()
        self._answering = (asked.key(generation), done)
        try:
            answer = runner.run(asked.job, min(self.settings.query_timeout, remaining))
            value = CachedResult(
                answer.body, asked.content_type, answer.truncated, answer.cut_to_bytes
            )
            return "stored" if self.cache.put(asked.key(answer.generation), value) else "skipped"
        except QueryTimeout:
            return "skipped"  # too slow to warm within the bounds; a visitor's request will try
        except QueryUnavailable:
            return "unavailable"  # busy, a query process gone, no engine: tell the loop
        except KaltimKGError:
            return "skipped"  # a query that fails now fails for visitors too: nothing to keep
        finally:
            self._answering = None
            done.set()
