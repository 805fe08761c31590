"""The SPARQL result cache on its own: LRU order, both bounds, generations, threads."""

from __future__ import annotations

import threading

import pytest

from kaltim_kg.config import load_settings
from kaltim_kg.query.cache import CachedResult, CacheKey, ResultCache


def key(
    query: str = "ASK {}", generation: str = "20260101T000000Z-a", fmt: str = "json"
) -> CacheKey:
    return CacheKey(generation, query, (), (), fmt)


def value(size: int = 10) -> CachedResult:
    return CachedResult(b"x" * size, "application/sparql-results+json")


def test_hit_and_miss_are_counted() -> None:
    cache = ResultCache(4, 1_000)
    assert cache.get(key()) is None
    assert cache.put(key(), value())
    assert cache.get(key()) == value()
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries, stats.bytes) == (1, 1, 1, 10)


def test_every_key_part_matters() -> None:
    cache = ResultCache(8, 1_000)
    cache.put(key(), value())
    assert cache.get(key(fmt="xml")) is None
    assert cache.get(key(query="ASK { ?s ?p ?o }")) is None
    assert cache.get(CacheKey(key().generation, "ASK {}", ("urn:g",), (), "json")) is None
    assert cache.get(CacheKey(key().generation, "ASK {}", (), ("urn:g",), "json")) is None


def test_least_recently_used_goes_first_by_count() -> None:
    cache = ResultCache(2, 1_000)
    cache.put(key("a"), value())
    cache.put(key("b"), value())
    cache.get(key("a"))
    cache.put(key("c"), value())
    assert cache.get(key("b")) is None
    assert cache.get(key("a")) is not None
    assert cache.get(key("c")) is not None


def test_byte_bound_evicts_and_refuses_huge_entries() -> None:
    cache = ResultCache(100, 100, max_entry_bytes=60)
    cache.put(key("a"), value(50))
    cache.put(key("b"), value(40))
    cache.put(key("c"), value(30))  # 120 bytes: "a" must go
    assert cache.get(key("a")) is None
    assert cache.stats().bytes == 70
    assert not cache.put(key("huge"), value(61))
    assert cache.get(key("huge")) is None


def test_new_generation_drops_old_entries_and_late_old_puts() -> None:
    cache = ResultCache(10, 1_000)
    old, new = "20260101T000000Z-a", "20260102T000000Z-b"
    cache.put(key(generation=old), value())
    cache.put(key("other", generation=new), value())
    assert cache.get(key(generation=old)) is None
    assert cache.stats().entries == 1
    assert not cache.put(key(generation=old), value())


def test_settings_switch_it_off() -> None:
    assert ResultCache.from_settings(load_settings(env={"KALTIM_KG_CACHE_ENTRIES": "0"})) is None
    cache = ResultCache.from_settings(load_settings(env={}))
    assert cache is not None and cache.max_entries == 256


def test_invalid_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        ResultCache(0, 10)


def test_concurrent_use_keeps_the_bounds() -> None:
    cache = ResultCache(50, 5_000)

    def work(worker: int) -> None:
        for i in range(300):
            cache.put(key(f"{worker}-{i}"), value(i % 90 + 1))
            cache.get(key(f"{worker}-{i // 2}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats.entries <= 50
    assert stats.bytes <= 5_000
    assert stats.hits + stats.misses == 4 * 300
