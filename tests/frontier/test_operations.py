"""Operating a shared crawl: every kind of request ends its lease, `scrapy frontier` seeds, watches, stops, resets;
and scrapy-redis's own settings still work as they are."""

from __future__ import annotations

import argparse
import json
import time

import pytest

from crawler.commands.frontier import Command as FrontierCommand
from crawler.frontier.keys import FrontierKeys
from crawler.frontier.protocol import Frontier
from tests.conftest import project_settings, run_scrapy
from tests.crawler.news_site import NewsSite
from tests.crawler.news_site import serve as serve_news
from tests.frontier.conftest import free_port
from tests.frontier.site import LoggingSite, serve
from tests.frontier.workers import FAST, finish, start_worker, stored_urls, wait_for

KEYS = FrontierKeys("articles:requests", "articles:dupefilter")


def frontier_cmd(redis_url: str, *args: str) -> tuple[int, str, str]:
    proc = run_scrapy("frontier", *args, "-s", f"SIEVE_REDIS_URL={redis_url}", timeout=60)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@pytest.fixture
def news_site():
    site = NewsSite()
    server, thread = serve_news(site)
    yield site
    server.shutdown()


def test_every_kind_of_request_releases_its_lease(news_site, redis_url, redis_client, sqlite_url, tmp_path):
    """Index pages, non-articles, non-HTML, robots.txt refusals, redirects, retries and failed fetches all end."""
    refused = f"http://127.0.0.1:{free_port()}/news/gone.html"  # nobody listens: retried, then a failure
    worker = start_worker("solo", f"{news_site.url('/news/')},{refused}", redis_url, sqlite_url, tmp_path)
    finish([worker], tracebacks=True)  # Scrapy logs the failed download with its traceback
    paths = {u.removeprefix(news_site.base) for u in stored_urls(sqlite_url)}
    assert paths == {"/news/1.html", "/news/2.html", "/news/3.html", "/news/4.html"}  # as without Redis (depth 1)
    failed = {u.removeprefix(news_site.base) for u in stored_urls(sqlite_url, failed=True)}
    assert failed == {"/go/elsewhere", refused}  # a refused redirect and a refused connection: rows with their error
    frontier = Frontier(redis_client, KEYS)
    census = frontier.heartbeat()
    assert (census.queued, census.leased, census.workers) == (0, 0, [])
    counters = frontier.counters()
    assert counters["leased"] == counters["released"] > 10  # 3 tries of the refused URL among them
    assert "requeued" not in counters


def test_ecosystem_settings_work_as_they_are(news_site, redis_url, redis_client, sqlite_url, tmp_path):
    """scrapy-redis's own scheduler and dupefilter, without Sieve's frontier: a crawl like any other."""
    args = [f"{k}={v}" for k, v in FAST.items()]
    proc = run_scrapy(
        "crawl", "articles", "-a", f"start_urls={news_site.url('/news/')}",
        "-s", "SCHEDULER=scrapy_redis.scheduler.Scheduler",
        "-s", "DUPEFILTER_CLASS=scrapy_redis.dupefilter.RFPDupeFilter",
        "-s", f"REDIS_URL={redis_url}", "-s", "SCHEDULER_PERSIST=1",
        "-s", f"DATABASE_URL={sqlite_url}", *[x for a in args for x in ("-s", a)],
        timeout=120,
    )  # fmt: skip
    log = proc.stderr.decode()
    assert proc.returncode == 0 and "Traceback" not in log, log[-3000:]
    assert len(stored_urls(sqlite_url)) == 4
    assert redis_client.scard("articles:dupefilter") > 4  # scrapy-redis's own keys, not the frontier's
    assert not redis_client.exists("articles:requests:workers")


def frontier_inprocess(redis_url: str, capsys, *args: str) -> tuple[int, str, str]:
    """`scrapy frontier ...` run in this process (it needs no reactor): fast, for the many small calls."""
    cmd = FrontierCommand()
    cmd.settings = project_settings(SIEVE_REDIS_URL=redis_url, LOG_LEVEL="WARNING")
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    opts, rest = parser.parse_known_args(list(args))
    cmd.process_options(rest, opts)
    capsys.readouterr()
    cmd.run(rest, opts)
    out, err = capsys.readouterr()
    return cmd.exitcode, out, err


def test_seed_status_and_reset(news_site, redis_url, redis_client, capsys):
    urls = f"{news_site.url('/news/1.html')},{news_site.url('/news/2.html')}"
    rc, out, err = frontier_inprocess(redis_url, capsys, "seed", "articles", "-a", f"start_urls={urls}")
    assert rc == 0, err
    assert out.startswith("2 of 2 start requests queued")
    rc, out, _ = frontier_inprocess(redis_url, capsys, "seed", "articles", "-a", f"start_urls={urls}")
    assert out.startswith("0 of 2 start requests queued (2 already seen)")

    rc, out, err = frontier_inprocess(redis_url, capsys, "status", "articles", "--json")
    assert rc == 0, err
    report = json.loads(out)
    assert (report["queued"], report["leased"], report["seen"], report["workers"]) == (2, 0, 2, [])
    rc, out, _ = frontier_inprocess(redis_url, capsys, "articles")  # status is the default
    assert "queued             2 requests" in out

    rc, out, _ = frontier_inprocess(redis_url, capsys, "reset", "articles")
    assert rc == 0 and out.startswith("Deleted")
    assert Frontier(redis_client, KEYS).queued() == 0 and not redis_client.exists(KEYS.dupefilter)

    rc, out, err = frontier_inprocess(redis_url, capsys, "seed", "articles", "-a", "start_urls=file:///etc/passwd")
    assert rc == 2 and "nothing queued" in err
    assert Frontier(redis_client, KEYS).queued() == 0


def test_stop_lets_workers_finish_and_nothing_is_fetched_twice(redis_url, redis_client, sqlite_url, tmp_path):
    site = LoggingSite(articles=16, hold_after=4)  # the 5th and 6th articles are in flight when the stop comes
    server = serve(site)
    site.gate.set()
    try:
        first = start_worker("first", site.url("/index.html"), redis_url, sqlite_url, tmp_path, CONCURRENT_REQUESTS=2)
        wait_for(lambda: len(site.fetched_by("first")) == 6, 60, "four articles fetched and two in flight")

        rc, out, err = frontier_cmd(redis_url, "status", "articles", "--json")
        report = json.loads(out)
        assert [w["worker"] for w in report["workers"]] == ["first"]
        assert report["leased"] >= 2 and report["queued"] == 16 - 6

        rc, out, err = frontier_cmd(redis_url, "stop", "articles")
        assert rc == 0, err
        assert out.startswith("Asked 1 live worker(s)")
        time.sleep(2)  # the worker sees the stop at its next heartbeat (0.5 s) and stops taking requests
        site.hold.set()  # ... and finishes the two in flight
        finish([first], timeout=30)
        fetched = site.fetched_by("first")
        assert len(fetched) == 6
        assert sorted(stored_urls(sqlite_url)) == sorted(site.url(p) for p in fetched), "in-flight pages were stored"
        census = Frontier(redis_client, KEYS).heartbeat()
        assert (census.queued, census.leased, census.workers) == (16 - 6, 0, [])

        second = start_worker("second", site.url("/index.html"), redis_url, sqlite_url, tmp_path)
        finish([second])
        assert sorted(stored_urls(sqlite_url)) == sorted(site.url(p) for p in site.article_paths())
        assert set(site.fetch_counts().values()) == {1}, "a clean stop leaves nothing to fetch again"
    finally:
        site.hold.set()
        server.shutdown()
