"""A bounded, thread-safe LRU of serialised SPARQL results, keyed by store generation.

The data only changes when `build` or `load` publishes a new generation, so a result is
valid for exactly as long as its generation is current: the generation id is part of the
key, and the first entry stored for a newer generation drops every older one at once.

The /sparql handler (kaltim_kg/web/sparql.py) keeps one per app, so one per server process:
it looks a request up under the generation the `current` link names, and stores a successful
answer under the generation the worker actually read (errors are never stored).

Switch it off with `KALTIM_KG_CACHE_ENTRIES=0`; bound it by entries (`cache_entries`) and by
bytes (`cache_bytes`). A result larger than an eighth of the byte bound is not stored, so one
huge CONSTRUCT cannot flush everything else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from kaltim_kg.config import Settings
from kaltim_kg.query.worker import Job


@dataclass(frozen=True)
class CacheKey:
    """Everything that decides the bytes of a response."""

    generation: str
    query: str
    default_graphs: tuple[str, ...] | None  # protocol dataset; None: not given
    named_graphs: tuple[str, ...] | None
    media_type: str
    max_rows: int = 0  # the row cap the result was cut to
    base_iri: str = ""  # relative IRIs in the query resolve against the endpoint URL
    max_bytes: int = 0  # the byte bound the result was cut to

    @classmethod
    def for_job(cls, job: Job, content_type: str, generation: str) -> CacheKey:
        """The key of `job`'s answer in `content_type` (scan results follow from the query)."""
        return cls(
            generation,
            job.query,
            job.default_graphs,
            job.named_graphs,
            content_type,
            job.max_rows,
            job.base_iri or "",
            job.max_bytes,
        )


@dataclass(frozen=True)
class CachedResult:
    body: bytes
    content_type: str
    truncated: bool = False  # cut to max_rows (the response says so in a header)
    cut_to_bytes: bool = False  # cut to max_bytes (a header says so too)


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    entries: int
    bytes: int


class ResultCache:
    """Least-recently-used results, bounded by count and by total body bytes."""

    def __init__(self, max_entries: int, max_bytes: int, max_entry_bytes: int | None = None):
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a result cache needs room for at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes if max_entry_bytes is not None else max_bytes // 8
        self._entries: OrderedDict[CacheKey, CachedResult] = OrderedDict()
        self._bytes = 0
        self._generation: str | None = None
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ResultCache | None:
        """The configured cache, or None when `cache_entries` or `cache_bytes` is 0."""
        if settings.cache_entries <= 0 or settings.cache_bytes <= 0:
            return None
        return cls(settings.cache_entries, settings.cache_bytes)

    def get(self, key: CacheKey) -> CachedResult | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return value

    def contains(self, key: CacheKey) -> bool:
        """Whether `key` is stored (not a lookup: no hit or miss is counted)."""
        with self._lock:
            return key in self._entries

    def peek(self, key: CacheKey) -> CachedResult | None:
        """The stored result, if any, without counting a lookup (a second look)."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: CacheKey, value: CachedResult) -> bool:
        """Store a result; False when it is too big to keep or its generation is outdated."""
        size = len(value.body)
        if size > self.max_entry_bytes:
            return False
        with self._lock:
            if key.generation != self._generation:
                if self._generation is not None and key.generation < self._generation:
                    return False  # a request that started before the swap finished after it
                self._clear()
                self._generation = key.generation
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._entries[key] = value
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)
            return True

    def clear(self) -> None:
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)
