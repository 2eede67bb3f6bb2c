"""Real ``scrapy crawl`` workers on one Redis frontier: sharing a crawl, and a worker killed with SIGKILL.

Every claim is checked against the site's own request log and the rows in the database, never a log message.
"""

from __future__ import annotations

import pickle
import signal

import pytest

from crawler.frontier.keys import FrontierKeys
from crawler.frontier.protocol import Frontier
from tests.frontier.site import LoggingSite, serve
from tests.frontier.workers import finish, live_workers, start_worker, stored_urls, wait_for


@pytest.fixture
def site():
    site = LoggingSite(articles=30, delay=0.2)
    server = serve(site)
    yield site
    site.gate.set()
    site.hold.set()
    server.shutdown()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_share_one_crawl_and_fetch_each_article_once(
    backend, site, redis_url, redis_client, tmp_path, request
):
    db_url = request.getfixturevalue(f"{backend}_url")
    index = site.url("/index.html")
    workers = [start_worker(name, index, redis_url, db_url, tmp_path) for name in ("A", "B")]
    # Both workers are up before the front page answers, so the articles are there for both to take.
    wait_for(lambda: live_workers(redis_client) >= {"A", "B"}, 60, "both workers to join the frontier")
    site.gate.set()
    finish(workers)

    counts = site.fetch_counts()
    assert sorted(counts) == sorted(site.article_paths())
    assert set(counts.values()) == {1}, f"fetched more than once: {[p for p, n in counts.items() if n > 1]}"
    assert site.fetch_counts("/index.html") == {"/index.html": 1}
    by_a, by_b = site.fetched_by("A"), site.fetched_by("B")
    assert by_a and by_b, "both workers took part"
    assert by_a.isdisjoint(by_b)
    assert sorted(stored_urls(db_url)) == sorted(site.url(p) for p in site.article_paths())

    frontier = Frontier(redis_client, FrontierKeys("articles:requests", "articles:dupefilter"))
    census = frontier.heartbeat()
    assert (census.queued, census.leased, census.workers) == (0, 0, [])
    assert frontier.seen() == 31  # the index and the articles, once each
    assert frontier.counters()["released"] == 31


def test_a_worker_killed_mid_crawl_loses_nothing(site, redis_url, redis_client, sqlite_url, tmp_path):
    """The issue's failure: a SIGKILLed worker's popped requests and unwritten batch were lost for good.

    Worker A never writes a batch before it dies (flush only at close), so every article it fetched exists
    only in its memory when it is killed: exactly the pages the issue lost.
    """
    index = site.url("/index.html")
    site.hold_after = 12  # mid-crawl for as long as it takes: articles after the 12th wait at the site
    never_flush = {"SIEVE_DB_FLUSH_SECS": 600, "SIEVE_DB_BATCH_SIZE": 10_000}
    # The shared politeness limit (CONCURRENT_REQUESTS_PER_DOMAIN, 4 by default, across all workers) would let
    # whichever worker reached the held articles first take every token: the other could then fetch nothing
    # until the holder's requests timed out and were retried (fetched twice, by the survivor). Room for both
    # workers' 4 requests keeps the test about the kill. Only A's heartbeat expires quickly: a survivor that a
    # busy machine starves of CPU for 3 s must not be taken for dead too.
    room = {"CONCURRENT_REQUESTS_PER_DOMAIN": 8}
    survivor = {**room, "SIEVE_FRONTIER_LEASE_SECS": 30}
    a = start_worker("A", index, redis_url, sqlite_url, tmp_path, **never_flush, **room)
    b = start_worker("B", index, redis_url, sqlite_url, tmp_path, **never_flush, **survivor)
    wait_for(lambda: live_workers(redis_client) >= {"A", "B"}, 60, "both workers to join the frontier")
    site.gate.set()
    wait_for(lambda: len(site.fetch_counts()) >= 14 and site.fetched_by("A"), 60, "requests held at the site")
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait(timeout=10)

    # What A held when it died: frozen in Redis until its heartbeat key expires (3 s) and a reaper requeues it.
    frontier = Frontier(redis_client, FrontierKeys("articles:requests", "articles:dupefilter"))
    held = {pickle.loads(data)["url"] for data in frontier.leased_requests("A").values()}
    fetched_by_a = site.fetched_by("A")
    assert {site.url(p) for p in fetched_by_a} <= held, "A released nothing: none of its pages was stored"

    site.hold.set()
    a2 = start_worker("A2", index, redis_url, sqlite_url, tmp_path, **survivor)  # the same command, restarted
    finish([b, a2])

    stored = stored_urls(sqlite_url)
    assert sorted(stored) == sorted(site.url(p) for p in site.article_paths()), "0 lost"
    counts = site.fetch_counts()
    refetched = {site.url(p) for p, n in counts.items() if n > 1}
    assert refetched, "A's unstored pages had to be fetched again"
    assert refetched <= held, "only requests A held at the kill are fetched again"
    assert max(counts.values()) == 2
    assert {site.url(p) for p in fetched_by_a} <= refetched
    census = frontier.heartbeat()
    assert (census.queued, census.leased, census.workers) == (0, 0, [])
    assert frontier.counters()["requeued"] >= len(held)
