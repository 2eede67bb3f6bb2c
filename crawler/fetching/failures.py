"""Failed fetches on record: every request gets an errback, and its failure becomes a page item with the reason.

Scrapy drops a failed request after logging it (an HTTP 503 is an INFO line,
a timeout an ERROR with a traceback), so nothing of it reached the database.
Here an HTTP error status, a timeout, a DNS failure, a refused connection or
a download cut off at ``DOWNLOAD_MAXSIZE`` becomes a :class:`PageItem`
without content, carrying the status, the error class and Scrapy's message:
storage keeps it as a page row whose ``fetch_error`` says why, until a later
successful fetch supersedes it. A request Scrapy chose not to send
(a robots.txt rule, off-site: ``IgnoreRequest``) is counted, not stored; one
not sent because its host's robots.txt could not be fetched is a failed
fetch (``RobotsTxtUnreachable``): the host is failing.

Errbacks are Scrapy's own way to handle a failed request; since a handled
failure is not logged by Scrapy, the log holds no traceback for it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.fetching.responses import fetch_error, header
from crawler.fetching.robots import RobotsTxtUnreachable

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

    from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: The spider method every Sieve spider names its errback.
ERRBACK = "fetch_failed"


def failure_item(failure: Failure, stats: StatsCollector | None = None) -> PageItem | None:
    """The page item of a failed request, or None for a request Scrapy chose not to send.

    Counted as ``sieve/fetch/failed`` and ``sieve/fetch/failed/<error class>``.
    """
    request: Request | None = getattr(failure, "request", None)
    url = request.url if request is not None else "about:blank"
    if failure.check(HttpError):
        response: Response = failure.value.response
        reason = _reason(response.status)
        error_class, status = "HttpError", response.status
        location = header(response, "Location") if 300 <= status < 400 else None
        item = fetch_error(
            response.url,
            f"HTTP {status}{f' {reason}' if reason else ''}"
            + (f" (a redirect to {location} is not followed)" if location else ""),
            error_class=error_class,
            status=status,
            content_type=header(response, "Content-Type"),
        )
    elif failure.check(RobotsTxtUnreachable):  # the host is failing, not saying no: a failed fetch
        error_class = "RobotsTxtUnreachable"
        item = fetch_error(url, failure.getErrorMessage(), error_class=error_class)
    elif failure.check(IgnoreRequest):
        if stats is not None:
            stats.inc_value("sieve/fetch/ignored")
        logger.debug("not fetched %s: %s", url, failure.getErrorMessage())
        return None
    else:
        error_class = type(failure.value).__name__
        item = fetch_error(url, f"{error_class}: {failure.getErrorMessage()}", error_class=error_class)
    logger.warning("fetch failed %s: %s", url, item.errors[0]["message"])
    if stats is not None:
        stats.inc_value("sieve/fetch/failed")
        stats.inc_value(f"sieve/fetch/failed/{error_class}")
    return item


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class FetchOutcomes(BaseSpiderMiddleware):
    """Gives every request without an errback the spider's ``fetch_failed``, and counts responses that arrived.

    The spider's own requests, ``SitemapSpider``'s sub-sitemaps and entries,
    and start requests all pass here, so none can fail unrecorded. A request
    keeps an errback it already has. Responses that reach a callback (past
    ``HttpErrorMiddleware``: 2xx, or a code the request allows) are counted
    as ``sieve/fetch/ok``; a crawl that ends with none fetched nothing at all.
    """

    def process_spider_input(self, response: Response, spider: Any = None) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("sieve/fetch/ok")

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        errback = getattr(self.crawler.spider, ERRBACK, None)
        if request.errback is None and errback is not None:
            return request.replace(errback=errback)
        return request
