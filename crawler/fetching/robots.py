"""robots.txt by RFC 9309: a server error or no answer means "disallow everything", a 4xx means "no rules".

Scrapy's ``RobotsTxtMiddleware`` parses whatever body comes back, so a 503
error page (no rules in it) or a timeout (no parser at all) lets the whole
site be crawled, and it logs a download error with a traceback. RFC 9309
section 2.3.1 says: 2xx, parse it; 4xx ("unavailable"), the crawler may
access anything; 5xx or unreachable, it MUST assume complete disallow. This
subclass applies that per host, logs one line per host, and counts the
outcome in ``sieve/robotstxt/allow_all`` and ``sieve/robotstxt/disallow_all``
beside Scrapy's own ``robotstxt/*`` stats (``robotstxt/forbidden`` counts the
requests refused). Redirects and retries of the robots.txt request are
Scrapy's own (the request goes through the downloader middlewares), so a 503
is only final after ``RETRY_TIMES`` retries.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RobotsTxtUnreachable(IgnoreRequest):
    """A request not sent because its host's robots.txt could not be fetched: a failed fetch, stored as one.

    Unlike a ``Disallow`` rule (the site's wish, not a failure), it says the
    host itself is failing: DNS, a refused port, 5xx. The page becomes a row
    whose message gives the robots.txt failure.
    """


class DisallowAll(RobotParser):
    """The parser of a host whose robots.txt could not be had: nothing is allowed; ``reason`` says why."""

    def __init__(self, reason: str = "robots.txt could not be fetched") -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> DisallowAll:
        return cls()

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None


class Rfc9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's middleware with RFC 9309's answer to a robots.txt that fails (see the module docstring)."""

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, DisallowAll):
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsTxtUnreachable(rp.reason)
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robotsurl = f"{url.scheme}://{url.netloc}/robots.txt"
            robotsreq = Request(
                robotsurl,
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            self._stats.inc_value("robotstxt/request_count")
            try:
                response = await self.crawler.engine.download_async(robotsreq)
            except IgnoreRequest:  # Scrapy chose not to send it (e.g. too many redirects): no rules, as Scrapy does
                self._settle(netloc, None)
            except Exception as exc:
                self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
                self._unreachable(netloc, robotsurl, f"{type(exc).__name__}: {exc}")
            else:
                status = response.status
                if 200 <= status < 300:
                    await self._parse_robots(response, netloc, request)
                else:
                    self._stats.inc_value("robotstxt/response_count")
                    self._stats.inc_value(f"robotstxt/response_status_count/{status}")
                    if 400 <= status < 500:
                        self._stats.inc_value("sieve/robotstxt/allow_all")
                        logger.info(
                            "%s answered %d: no rules for %s (RFC 9309: unavailable)", robotsurl, status, netloc
                        )
                        self._settle(netloc, None)
                    else:
                        self._unreachable(netloc, robotsurl, f"HTTP {status}")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _unreachable(self, netloc: str, robotsurl: str, why: str) -> None:
        self._stats.inc_value("sieve/robotstxt/disallow_all")
        reason = (
            f"{robotsurl} could not be fetched ({why}): every page of {netloc} is disallowed (RFC 9309: unreachable)"
        )
        logger.warning("%s", reason)
        self._settle(netloc, DisallowAll(reason))

    def _settle(self, netloc: str, parser: Any) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)
