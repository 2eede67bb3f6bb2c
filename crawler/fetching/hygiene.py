"""Crawl hygiene: one URL per page, and a bound on what one site can make a crawl fetch.

A site that puts a session id (``?PHPSESSID=...``, ``;jsessionid=...``) or a
tracking parameter (``utm_source``, ``fbclid``) in its links serves one page
under endless URLs, and Scrapy's fingerprint keeps every query parameter: each
copy was fetched and stored again, and the furniture learner took the copies'
shared sentences for the site's furniture. A link with credentials
(``http://user:pass@host/``) is one more copy, and stores a password in the
database. :func:`canonical_url` removes all of these with w3lib's helpers
and Scrapy's ``strip_url`` (the parameter names are Sieve's list); :class:`CanonicalRequests` applies it
to every request a spider yields, start URLs, links, sitemap and feed entries
alike, so the scheduler's duplicate filter sees one URL. ``SIEVE_SITE_MAX_PAGES``
bounds the fetches per site (:class:`SitePageCap`) for what no list of names catches.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.url import strip_url
from w3lib.url import url_query_cleaner

from cleaners.urls import is_http, site_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Query parameters that name a visitor's session, never a page (compared lower-cased).
SESSION_PARAMETERS = frozenset(
    {
        "phpsessid",
        "jsessionid",
        "aspsessionid",
        "asp.net_sessionid",
        "sessionid",
        "session_id",
        "sessid",
        "cfid",
        "cftoken",
        "zenid",
        "oscsid",
    }
)
#: Query parameters that say where a visitor came from (compared lower-cased); ``utm_*`` is a prefix.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "ito",
    }
)
TRACKING_PREFIXES = ("utm_",)
#: A session id carried as a path parameter: ``/story.html;jsessionid=0A1B`` (Java servlets, old ASP).
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.IGNORECASE)


def is_noise_parameter(name: str) -> bool:
    """A query parameter that names a session or a referrer, not the page."""
    name = name.lower()
    return name in SESSION_PARAMETERS or name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """``url`` without credentials, fragment, default port, session ids and tracking parameters.

    Anything that is not http(s) is returned unchanged. The other query
    parameters keep their order and values: they may name the page.
    """
    if not is_http(url):
        return url
    try:
        stripped = strip_url(url, strip_credentials=True, strip_default_port=True, strip_fragment=True)
        parts = urlsplit(stripped)
    except ValueError:  # an unparseable URL: the download reports it
        return url
    path = _PATH_SESSION.sub("", parts.path)
    if path != parts.path:
        stripped = urlunsplit(parts._replace(path=path))
    noise = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True) if is_noise_parameter(name)}
    if not noise:
        return stripped
    return url_query_cleaner(stripped, sorted(noise), remove=True, unique=False)


class CanonicalRequests(BaseSpiderMiddleware):
    """Every request a spider yields goes on with :func:`canonical_url`; counted as ``sieve/links/canonicalised``."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        url = canonical_url(request.url)
        if url == request.url:
            return request
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("sieve/links/canonicalised")
        return request.replace(url=url)


class SitePageCap:
    """``SIEVE_SITE_MAX_PAGES = N``: at most N requests downloaded per site (0, the default: no cap).

    A downloader middleware, so it counts what the scheduler let through
    (duplicates are already gone) and never robots.txt. A request past the
    cap is not sent (``sieve/skipped/site_cap``); the first one of a site is
    logged. The count lives in the process: a resumed JOBDIR crawl counts anew.
    """

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.fetched: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SitePageCap:
        limit = crawler.settings.getint("SIEVE_SITE_MAX_PAGES", 0)
        if limit <= 0:
            raise NotConfigured("SIEVE_SITE_MAX_PAGES is 0: no cap")
        return cls(crawler, limit)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not is_http(request.url) or urlsplit(request.url).path == "/robots.txt":
            return
        site = site_of(request.url)
        if self.fetched[site] >= self.limit:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("sieve/skipped/site_cap")
            if self.fetched[site] == self.limit:
                logger.warning("%s: SIEVE_SITE_MAX_PAGES=%d reached; its other pages are not fetched", site, self.limit)
                self.fetched[site] += 1  # logged once
            raise IgnoreRequest(f"{site} reached SIEVE_SITE_MAX_PAGES={self.limit}")
        self.fetched[site] += 1
