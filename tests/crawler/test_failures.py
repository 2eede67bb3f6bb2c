"""Failed fetches become items (status, error class, message); every request gets the errback that makes them."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.extensions import crawl_problems
from crawler.fetching.failures import FetchOutcomes, failure_item
from crawler.spiders.articles import ArticlesSpider

URL = "https://news.example.com/a.html"


def failed(exc: Exception, url: str = URL) -> Failure:
    failure = Failure(exc)
    failure.request = Request(url)  # as Scrapy sets it before calling the errback
    return failure


@pytest.mark.parametrize(
    ("exc", "status", "error_class", "message"),
    [
        (HttpError(Response(URL, status=503)), 503, "HttpError", "HTTP 503 Service Unavailable"),
        (HttpError(Response(URL, status=429)), 429, "HttpError", "HTTP 429 Too Many Requests"),
        (HttpError(Response(URL, status=404)), 404, "HttpError", "HTTP 404 Not Found"),
        (DownloadTimeoutError("took longer than 1.0 seconds"), None, "DownloadTimeoutError", "took longer than"),
        (CannotResolveHostError("no.such.host"), None, "CannotResolveHostError", "no.such.host"),
        (DownloadCancelledError("expected response size (20971520) larger"), None, "DownloadCancelledError", "larger"),
    ],
)
def test_a_failure_is_an_item_with_status_class_and_message(exc, status, error_class, message):
    crawler = get_crawler()
    crawler.stats.open_spider()
    item = failure_item(failed(exc), crawler.stats)
    assert item is not None and item.content is None
    assert (item.url, item.status, item.error_class) == (URL, status, error_class)
    assert [e["stage"] for e in item.errors] == ["fetch"] and message in item.errors[0]["message"]
    assert crawler.stats.get_value(f"sieve/fetch/failed/{error_class}") == 1


def test_a_refused_redirect_says_where_it_pointed():
    response = Response(URL, status=302, headers={"Location": "file:///etc/passwd"})
    item = failure_item(failed(HttpError(response)))
    assert item is not None
    assert item.errors[0]["message"] == "HTTP 302 Found (a redirect to file:///etc/passwd is not followed)"


def test_a_request_scrapy_chose_not_to_send_is_counted_not_stored():
    crawler = get_crawler()
    crawler.stats.open_spider()
    assert failure_item(failed(IgnoreRequest("Forbidden by robots.txt")), crawler.stats) is None
    assert crawler.stats.get_value("sieve/fetch/ignored") == 1


def test_every_request_gets_the_spiders_errback_and_keeps_its_own():
    crawler = get_crawler(ArticlesSpider)
    crawler.spider = spider = ArticlesSpider.from_crawler(crawler, start_urls=URL)
    crawler.stats.open_spider()
    middleware = FetchOutcomes.from_crawler(crawler)

    def mine(failure: Failure) -> None:
        return None

    requests = [Request(URL), Request(URL + "?2", errback=mine)]
    out = list(middleware.process_spider_output(HtmlResponse(URL), requests))
    assert [r.errback for r in out] == [spider.fetch_failed, mine]

    async def start() -> list:
        async def seeds():
            yield Request(URL + "?sitemap")

        return [r async for r in middleware.process_start(seeds())]

    assert [r.errback for r in asyncio.run(start())] == [spider.fetch_failed]
    middleware.process_spider_input(HtmlResponse(URL))
    assert crawler.stats.get_value("sieve/fetch/ok") == 1


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"sieve/fetch/ok": 3, "storage/batches": 1}, []),
        ({}, []),  # a finished JOBDIR crawl run again: nothing left to fetch
        ({"sieve/fetch/failed": 2}, ["no page could be fetched (2 failed, 0 not sent"]),
        ({"sieve/fetch/ignored": 1}, ["no page could be fetched (0 failed, 1 not sent"]),
        (
            {"sieve/fetch/ok": 3, "storage/spooled": 3, "storage/spool_file": "data/spool/s.jsonl"},
            ["the database never accepted a write: 3 items spooled to data/spool/s.jsonl"],
        ),
        ({"sieve/fetch/ok": 3, "storage/spooled": 1, "storage/batches": 2}, []),  # it did accept writes
        ({"sieve/fetch/ok": 3, "storage/batches": 1, "storage/lost": 2}, ["2 items lost"]),
    ],
)
def test_crawl_problems(stats, expected):
    problems = crawl_problems(stats)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)
