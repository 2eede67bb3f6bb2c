"""The frontier's Redis scripts against a real redis-server: push, lease, release, requeue, reap, rate limit."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.settings import Settings
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.frontier.dupefilter import FrontierDupeFilter
from crawler.frontier.keys import FrontierKeys, fingerprint
from crawler.frontier.protocol import Frontier
from crawler.frontier.ratelimit import RESERVE

KEYS = FrontierKeys("t:requests", "t:dupefilter")


@pytest.fixture
def frontier(redis_client) -> Frontier:
    return Frontier(redis_client, KEYS)


def queue(frontier: Frontier, *names: str, priority: int = 0) -> None:
    for name in names:
        assert frontier.push(f"fp-{name}", priority, name.encode())


def drain(frontier: Frontier, worker: str = "w") -> list[bytes]:
    out = []
    while (got := frontier.pop(worker, 10_000)) is not None:
        out.append(got[1])
    return out


def test_push_adds_the_fingerprint_and_the_request_together(frontier):
    assert frontier.push("fp1", 0, b"a")
    assert not frontier.push("fp1", 0, b"a-again")  # seen: not queued
    assert frontier.push("fp1", 0, b"a-forced", dont_filter=True)
    assert frontier.queued() == 2 and frontier.seen() == 1


def test_priority_first_then_first_in_first_out(frontier):
    queue(frontier, "a", "b")
    queue(frontier, "urgent", priority=5)
    queue(frontier, "c")
    assert drain(frontier) == [b"urgent", b"a", b"b", b"c"]


def test_a_popped_request_is_leased_until_released(frontier):
    queue(frontier, "a", "b")
    lease_id, data = frontier.pop("w1", 10_000)
    assert data == b"a" and frontier.queued() == 1
    assert frontier.leased_requests("w1") == {lease_id: b"a"}
    assert frontier.is_alive("w1")
    assert frontier.release("w1", [lease_id]) == 1
    assert frontier.leased_requests("w1") == {}
    assert frontier.release("w1", [lease_id]) == 0  # already gone: not counted twice
    assert frontier.counters() == {"leased": 1, "released": 1}


def test_requeue_puts_a_lease_back_in_its_place(frontier):
    queue(frontier, "a", "b")
    lease_id, _ = frontier.pop("w1", 10_000)
    queue(frontier, "c")
    assert frontier.requeue("w1", [lease_id]) == 1
    assert drain(frontier, "w2") == [b"a", b"b", b"c"]
    assert frontier.counters()["requeued"] == 1


def test_a_dead_workers_leases_are_requeued_by_any_heartbeat(frontier, redis_client):
    queue(frontier, "a", "b", "c")
    frontier.heartbeat("dead", 10_000, {"inprogress": 2})
    frontier.pop("dead", 10_000)
    frontier.pop("dead", 10_000)
    frontier.heartbeat("alive", 10_000, {"inprogress": 0})
    census = frontier.heartbeat()
    assert census.dead == [] and {w.name for w in census.workers} == {"alive", "dead"}
    assert census.leased == 2 and census.busy_elsewhere("alive")

    redis_client.zadd(KEYS.workers, {"dead": 0})  # its heartbeat deadline passes: the worker is gone
    census = frontier.heartbeat()
    assert census.dead == ["dead"] and census.requeued == 2
    assert [w.name for w in census.workers] == ["alive"]
    assert census.queued == 3 and census.leased == 0
    assert drain(frontier, "alive") == [b"a", b"b", b"c"]  # back in their places, ahead of "c"


def test_busy_means_work_queued_or_being_fetched_by_another_worker(frontier):
    frontier.heartbeat("me", 10_000, {"inprogress": 0})
    frontier.heartbeat("other", 10_000, {"inprogress": 0})
    assert not frontier.heartbeat().busy_elsewhere("me")
    frontier.heartbeat("other", 10_000, {"inprogress": 3})
    assert frontier.heartbeat().busy_elsewhere("me")
    assert not frontier.heartbeat().busy_elsewhere("other")  # its own fetches do not keep it open
    queue(frontier, "a")
    assert frontier.heartbeat().busy_elsewhere("other")


def test_leave_requeues_and_unregisters(frontier):
    queue(frontier, "a")
    frontier.pop("w", 10_000)
    assert frontier.leave("w") == 1
    census = frontier.heartbeat()
    assert census.workers == [] and census.queued == 1


def test_stop_is_newer_than_running_workers(frontier):
    started = frontier.heartbeat("w", 10_000).started_ms
    assert frontier.heartbeat().stop_ms == 0
    frontier.request_stop()
    assert frontier.heartbeat("w", 10_000).stop_ms >= started


def test_reset_deletes_the_crawl_only(frontier, redis_client):
    queue(frontier, "a", "b")
    frontier.pop("w", 10_000)
    redis_client.set("other:requests", "kept")
    assert frontier.reset() >= 5
    assert frontier.queued() == 0 and frontier.seen() == 0 and frontier.heartbeat().workers == []
    assert redis_client.get("other:requests") == b"kept"


def test_fingerprints_are_scrapy_redis_ones():
    request = Request("http://example.com/a?b=1&a=2")
    assert fingerprint(request) == RFPDupeFilter.request_fingerprint(None, request)  # type: ignore[arg-type]


def test_the_dupefilter_only_looks(frontier, redis_client):
    df = FrontierDupeFilter(redis_client, KEYS.dupefilter)
    request = Request("http://example.com/a")
    assert not df.request_seen(request)
    assert not df.request_seen(request)  # looking did not add it
    frontier.push(fingerprint(request), 0, b"a")
    assert df.request_seen(request)
    df.close("finished")
    df.clear()
    assert df.request_seen(request), "one worker closing never forgets the shared crawl"


def test_the_dupefilter_remembers_seen_fingerprints_locally(frontier, redis_client):
    df = FrontierDupeFilter(redis_client, KEYS.dupefilter, cache_size=2)
    menu = [Request(f"http://example.com/section/{i}") for i in range(3)]
    for r in menu:
        frontier.push(fingerprint(r), 0, r.url.encode())
        assert df.request_seen(r)
    redis_client.delete(KEYS.dupefilter)  # (only a reset does this; here it shows where the answer comes from)
    assert [df.request_seen(r) for r in menu] == [False, True, True]  # the oldest fell out of the 2-entry cache


def test_rate_limit_tokens_and_start_times(redis_client):
    reserve = redis_client.register_script(RESERVE)
    keys = ["rl:next", "rl:active"]
    # concurrency 2, no delay: the third request waits until a token comes back
    assert reserve(keys=keys, args=["t1", 0, 2, 60_000]) == 0
    assert reserve(keys=keys, args=["t2", 0, 2, 60_000]) == 0
    assert reserve(keys=keys, args=["t3", 0, 2, 60_000]) == -1
    redis_client.zrem("rl:active", "t1")
    assert reserve(keys=keys, args=["t3", 0, 2, 60_000]) == 0
    # a token of a dead worker expires
    redis_client.zadd("rl:active", {"t2": 0, "t3": 0})
    assert reserve(keys=keys, args=["t4", 0, 2, 60_000]) == 0
    # a 1 s delay, no concurrency limit: starts are reserved one delay apart, whoever asks
    assert reserve(keys=keys, args=["u1", 1000, 0, 60_000]) == 0
    second = reserve(keys=keys, args=["u2", 1000, 0, 60_000])
    third = reserve(keys=keys, args=["u3", 1000, 0, 60_000])
    assert 900 < second <= 1000 and 1900 < third <= 2000


def test_queue_key_templates_follow_scrapy_redis_settings():
    settings = Settings(
        {"SCHEDULER_QUEUE_KEY": "crawl-%(spider)s:q", "SCHEDULER_DUPEFILTER_KEY": "crawl-%(spider)s:df"}
    )
    keys = FrontierKeys.for_spider(settings, "articles")
    assert (keys.pending, keys.dupefilter, keys.leases("w")) == (
        "crawl-articles:q",
        "crawl-articles:df",
        "crawl-articles:q:leases:w",
    )
    assert FrontierKeys.for_spider(Settings(), "articles") == FrontierKeys("articles:requests", "articles:dupefilter")


def test_a_worker_taken_for_dead_learns_it_at_its_next_beat(frontier):
    assert frontier.heartbeat("w", 10_000, census=False).joined  # first beat
    assert not frontier.heartbeat("w", 10_000, census=False).joined
    frontier.server.zadd(KEYS.workers, {"w": 0})
    frontier.heartbeat()  # someone reaps it
    assert frontier.heartbeat("w", 10_000, census=False).joined
