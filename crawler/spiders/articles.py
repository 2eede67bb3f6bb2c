"""``scrapy crawl articles``: a generic news crawl from start URLs, a sitemap or an RSS/Atom feed."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar

from parsel import Selector
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from cleaners.urls import HTTP, host_of, in_domains, site_of
from crawler.fetching.failures import failure_item
from crawler.fetching.local import file_item, file_requests, path_problem
from crawler.fetching.responses import HTML_TYPES, fetch_error, header, html_item, media_type
from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: Link hops from a seed page (a start URL, a sitemap or feed entry) recorded in request meta.
HOPS = "sieve_hops"
#: The hops its seed allows, in request meta (a start URL's ``depth``, a sitemap or feed entry's ``entry_depth``).
MAX_HOPS = "sieve_max_hops"
#: Set on a sitemap or feed entry's request: the site lists the page as content (``PageItem.listed``).
LISTED = "sieve_listed"
#: Sitemap indexes between a seed sitemap and this one, in request meta (``SIEVE_SITEMAP_MAX_DEPTH``).
SITEMAP_DEPTH = "sieve_sitemap_depth"


def flag_arg(value: str | bool | None) -> bool:
    """``-a name=1`` (or true, yes, on) is on; anything else, or no argument, is off."""
    if isinstance(value, bool):
        return value
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def split_arg(value: str | Iterable[str] | None) -> list[str]:
    """``-a x=a,b`` gives a comma-separated string; a subclass may give a list."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


class ArticlesSpider(SitemapSpider):
    """Fetches news pages, follows links inside the start domains, yields only articles.

    Its ``-a name=value`` arguments are :attr:`arguments` (``scrapy crawl -h``
    lists them). **Depth** is counted in link hops from a seed page: a start URL
    follows ``depth`` hops (default 1, a site profile's own ``depth``), while a
    sitemap or feed entry follows none: the sitemap or feed already lists the
    articles, and following each entry's links would fetch every page those
    link to (menus, tags, other sections). An explicit ``-a depth=N`` applies
    to every seed, start URLs, sitemap and feed entries alike.

    Only ``http(s)`` links on the start domains are followed: ``file:``,
    ``data:``, ``javascript:`` and ``mailto:`` links in a live page never are.
    Only ``text/html`` and ``application/xhtml+xml`` responses are extracted;
    others are counted under ``sieve/skipped/not_html`` and dropped (they are
    not pages, so nothing is stored for them). Index pages are followed but
    not stored: ``CleanPipeline`` drops them (``sieve/skipped/not_article/<reason>``). Every request's callback is a
    spider method and its state is plain data, so ``-s JOBDIR=...`` can pause
    and resume the crawl.
    """

    name = "articles"
    #: The ``-a`` arguments, each with one line for ``scrapy crawl -h`` (a test checks them against ``__init__``).
    arguments: ClassVar[dict[str, str]] = {
        "start_urls": "comma-separated pages to start from (index pages or articles)",
        "sitemap": "a sitemap or sitemap index URL (comma-separated for several); its entries are seed pages",
        "feed": "an RSS or Atom feed URL (comma-separated for several); its entries are seed pages",
        "allow": "a regular expression every followed link (and sitemap or feed entry) must match",
        "deny": "a regular expression no followed link (nor sitemap or feed entry) may match",
        "depth": "link hops from a seed page: default 1 from a start URL, 0 from a sitemap or feed entry; "
        "N sets every seed",
        "article": "a regular expression of article URLs (a page whose URL matches it is an article)",
        "path": "crawl saved pages instead (a file or a folder, recursively), as the fixtures spider does",
        "follow_symlinks": "with path: 1 also reads links that point outside the folder (skipped otherwise)",
    }
    #: Site profiles (subclasses) set these; ``-a`` arguments override them.
    start_urls: list[str] = []
    allow: list[str] = []
    deny: list[str] = []
    article: str | None = None
    #: Hops from a start URL (``-a depth`` also sets :attr:`entry_depth`).
    depth = 1
    #: Hops from a sitemap or feed entry unless ``-a depth`` is given.
    entry_depth = 0
    sitemap_rules = [("", "parse_sitemap_entry")]

    def __init__(
        self,
        start_urls: str | None = None,
        sitemap: str | None = None,
        feed: str | None = None,
        allow: str | None = None,
        deny: str | None = None,
        depth: str | int | None = None,
        article: str | None = None,
        path: str | None = None,
        follow_symlinks: str | bool | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.follow_symlinks = flag_arg(follow_symlinks)
        self.start_urls = split_arg(start_urls) if start_urls is not None else list(type(self).start_urls)
        self.sitemap_urls: list[str] = split_arg(sitemap) if sitemap is not None else list(type(self).sitemap_urls)
        self.feed_urls = split_arg(feed)
        self.path = path
        self.allow = [allow] if allow else list(type(self).allow)
        self.deny = [deny] if deny else list(type(self).deny)
        if not getattr(self, "allowed_domains", None):
            seeds = self.start_urls + self.sitemap_urls + self.feed_urls
            self.allowed_domains = sorted({h for h in map(host_of, seeds) if h})
        #: (site, digest of the bytes) -> digest of the first URL, of each HTML page fetched (:meth:`seen_before`).
        self.page_digests: dict[tuple[str, bytes], bytes] = {}
        #: Why the arguments are unusable; start() logs it and closes the spider (no traceback).
        self.arg_error: str | None = None
        try:
            self.depth = self._int_arg("depth", depth, type(self).depth)
            self.entry_depth = self.depth if depth is not None else type(self).entry_depth
            pattern = article if article is not None else type(self).article
            self.article_re = self._regex_arg("article", pattern) if pattern else None
            for name, patterns in (("allow", self.allow), ("deny", self.deny)):
                for p in patterns:
                    self._regex_arg(name, p)
            self._check_seeds()
        except ValueError as exc:
            self.arg_error = str(exc)
            return
        # Not allow_domains=: the LinkExtractor compares host:port; on_domain() compares hosts like OffsiteMiddleware.
        self.link_extractor = LinkExtractor(allow=self.allow, deny=self.deny)

    @classmethod
    def argument_error(cls, **kwargs: Any) -> str | None:
        """Why these ``-a`` arguments cannot work (None: they can): ``scrapy crawl`` asks before the crawl starts.

        The same checks as a crawl's (``__init__``, then the ``path``), so a bad
        argument is one line and exit status 2 instead of a started crawl.
        """
        spider = cls(**kwargs)
        return spider.arg_error or (path_problem(spider.path) if spider.path else None)

    def _check_seeds(self) -> None:
        if self.path:
            return
        seeds = self.start_urls + self.sitemap_urls + self.feed_urls
        bad = [u for u in seeds if not u.startswith(HTTP)]
        if bad:
            raise ValueError(f"only http(s) start URLs are crawled, not {bad[0]!r}")
        if not seeds:
            raise ValueError("give -a start_urls=URL[,URL], -a sitemap=URL, -a feed=URL or -a path=DIR")

    @staticmethod
    def _int_arg(name: str, value: str | int | None, default: int) -> int:
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"-a {name}={value!r} is not a whole number") from None
        if number < 0:
            raise ValueError(f"-a {name}={value!r} must be 0 or more")
        return number

    @staticmethod
    def _regex_arg(name: str, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"-a {name}={pattern!r} is not a valid regular expression: {exc}") from None

    @property
    def max_bytes(self) -> int:
        return self.crawler.settings.getint("SIEVE_MAX_BYTES")

    # -- seeds ------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.arg_error:
            logger.error("%s: %s", self.name, self.arg_error)
            raise CloseSpider("bad_arguments")
        if self.path:
            for request_or_item in file_requests(
                self.path,
                self.max_bytes,
                self.parse_file,
                self.fetch_failed,
                logger,
                follow_symlinks=self.follow_symlinks,
                stats=self.crawler.stats,
            ):
                yield request_or_item
            return
        for url in self.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.fetch_failed, meta={MAX_HOPS: self.depth})
        for url in self.feed_urls:
            yield Request(url, callback=self.parse_feed, errback=self.fetch_failed)
        async for request in super().start():  # the sitemaps, through SitemapSpider
            yield request

    # Scrapy types it as requests only; a callback may yield items too (the row of a sitemap that is none).
    def _parse_sitemap(self, response: Response) -> Iterator[Request | PageItem]:  # type: ignore[override]
        """A sitemap, a sitemap index or robots.txt (Scrapy's parsing), within the limits of sitemaps to follow.

        An index can name sitemaps without end (each one another index), so
        sub-sitemaps are followed ``SIEVE_SITEMAP_MAX_DEPTH`` indexes deep and
        ``SIEVE_SITEMAP_MAX_COUNT`` in all per crawl; those past a limit are
        counted (``sieve/sitemaps/over_limit``) and logged once. A response that
        is no sitemap at all (binary, HTML, empty) is a row with a fetch error,
        where Scrapy logs a warning or raises.
        """
        depth = response.meta.get(SITEMAP_DEPTH, 0) if response.request is not None else 0
        settings = self.crawler.settings
        max_depth, max_count = settings.getint("SIEVE_SITEMAP_MAX_DEPTH"), settings.getint("SIEVE_SITEMAP_MAX_COUNT")
        for request in self._sitemap_requests(response):
            if isinstance(request, PageItem) or request.callback != self._parse_sitemap:  # a row, an entry
                yield request
                continue
            followed = self.crawler.stats.get_value("sieve/sitemaps/followed", 0)
            if depth + 1 > max_depth or followed >= max_count:
                if not self.crawler.stats.get_value("sieve/sitemaps/over_limit"):
                    logger.warning(
                        "sitemap %s not followed: past SIEVE_SITEMAP_MAX_DEPTH=%d or SIEVE_SITEMAP_MAX_COUNT=%d "
                        "(the other sitemaps past them are counted as sieve/sitemaps/over_limit)",
                        request.url,
                        max_depth,
                        max_count,
                    )
                self.crawler.stats.inc_value("sieve/sitemaps/over_limit")
                continue
            self.crawler.stats.inc_value("sieve/sitemaps/followed")
            yield request.replace(meta={**request.meta, SITEMAP_DEPTH: depth + 1})

    def _sitemap_requests(self, response: Response) -> Iterable[Request | PageItem]:
        """Scrapy's requests of a sitemap, an index or robots.txt; a row for a response that is no sitemap."""
        if response.url.endswith("/robots.txt"):
            return super()._parse_sitemap(response)
        body = self._get_sitemap_body(response)
        content_type = header(response, "Content-Type") or "no Content-Type"
        sitemap, problem = None, None
        if not body:
            problem = f"{len(response.body)} bytes of {content_type} that are neither XML nor gzip"
        else:
            try:
                sitemap = Sitemap(body)
            except (StopIteration, ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
                problem = f"{content_type} that does not parse as XML ({type(exc).__name__})"
        if sitemap is not None and sitemap.type == "sitemapindex":
            locs = self._get_urls_from_sitemapindex(self.sitemap_filter(sitemap))
            return [Request(loc, callback=self._parse_sitemap) for loc in locs]
        if sitemap is not None and sitemap.type == "urlset":
            pairs = self._get_urls_and_callbacks_from_urlset(self.sitemap_filter(sitemap))
            return [Request(loc, callback=callback) for loc, callback in pairs]
        if sitemap is not None:
            problem = f"a <{sitemap.type}> document ({content_type}), not <urlset> or <sitemapindex>"
        self.crawler.stats.inc_value("sieve/sitemaps/invalid")
        logger.warning("not a sitemap %s: %s", response.url, problem)
        item = fetch_error(
            response.url,
            f"not a sitemap: {problem}",
            error_class="InvalidSitemap",
            status=response.status,
            content_type=header(response, "Content-Type"),
        )
        return [item]

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for entry in entries:
            loc = (entry.get("loc") or "").strip()
            if loc.startswith(HTTP) and self.wanted(loc):
                yield entry
            else:
                self.crawler.stats.inc_value("sieve/links/refused")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS ``<item><link>`` and Atom ``<entry><link href>``: each entry is a seed page."""
        sel = Selector(body=response.body, type="xml")
        sel.remove_namespaces()
        links = sel.xpath("//item/link/text()").getall()
        links += sel.xpath("//entry/link[not(@rel) or @rel='alternate']/@href").getall()
        if not links:
            logger.warning("no RSS items or Atom entries in the feed %s", response.url)
        for link in links:
            url = response.urljoin(link.strip())
            if url.startswith(HTTP) and self.wanted(url):
                yield Request(
                    url,
                    callback=self.parse_page,
                    errback=self.fetch_failed,
                    meta={MAX_HOPS: self.entry_depth, LISTED: True},
                )
            else:
                self.crawler.stats.inc_value("sieve/links/refused")

    def on_domain(self, url: str) -> bool:
        return in_domains(host_of(url), self.allowed_domains)

    def wanted(self, url: str) -> bool:
        """The allow/deny patterns (for sitemap and feed entries; links go through the LinkExtractor)."""
        if self.allow and not any(re.search(p, url) for p in self.allow):
            return False
        return not any(re.search(p, url) for p in self.deny)

    # -- pages ------------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Request | PageItem]:
        """Every HTML page goes on as an item; ``CleanPipeline`` keeps it only if it is an article.

        The article decision needs the parsed page, and the pipeline parses it
        anyway, once (issue "one parse per page"). Links are followed from the
        response Scrapy already has, without decoding or parsing the page again
        when the depth allows no more hops.
        """
        stats = self.crawler.stats
        content_type = header(response, "Content-Type")
        if media_type(content_type) not in HTML_TYPES:
            stats.inc_value("sieve/skipped/not_html")
            logger.info("skipped %s: %s is not HTML", response.url, content_type or "no Content-Type")
            return
        if self.seen_before(response):
            stats.inc_value("sieve/skipped/duplicate_content")
            logger.info("skipped %s: the same bytes as a page of its site fetched before", response.url)
            return
        item = html_item(response, self.max_bytes)
        if item.content is None:  # too large or undecodable: recorded as a fetch error
            yield item
            return
        yield from self.follow_links(response)
        item.require_article = True
        item.article_pattern = self.article_re.pattern if self.article_re is not None else None
        item.listed = bool(response.meta.get(LISTED)) and not response.meta.get(HOPS)
        yield item

    def seen_before(self, response: Response) -> bool:
        """The response's bytes are those of a page of the same site this crawl fetched under another URL.

        A copy under a URL canonicalisation cannot recognise (a parameter no
        list names, ``/index.html`` beside ``/``) is neither stored again nor
        learned from again: its links are the ones already followed. Digests
        (24 bytes a page) are kept per process: a resumed JOBDIR crawl or
        another frontier worker may fetch a copy once more.
        """
        digest = hashlib.blake2b(response.body, digest_size=16, person=b"sieve-page").digest()
        url = hashlib.blake2b(response.url.encode(), digest_size=8).digest()
        first = self.page_digests.setdefault((site_of(response.url), digest), url)
        return first != url  # the same URL again (a retry, a resumed lease) is no copy

    def parse_sitemap_entry(self, response: Response) -> Iterator[Request | PageItem]:
        """A sitemap entry (``SitemapSpider`` makes its request, without meta): a seed page of ``entry_depth`` hops."""
        response.meta[MAX_HOPS] = self.entry_depth
        response.meta[LISTED] = True
        yield from self.parse_page(response)

    def follow_links(self, response: Response) -> Iterator[Request]:
        """Links of a page that has hops left: its seed's (a start URL's ``depth``, an entry's ``entry_depth``)."""
        hops = response.meta.get(HOPS, 0)
        limit = response.meta.get(MAX_HOPS, self.depth)
        if hops >= limit or not isinstance(response, HtmlResponse):
            return
        for link in self.link_extractor.extract_links(response):
            if not link.url.startswith(HTTP) or not self.on_domain(link.url):  # the LinkExtractor lets file:// through
                self.crawler.stats.inc_value("sieve/links/refused")
                continue
            meta = {HOPS: hops + 1, MAX_HOPS: limit}
            yield Request(link.url, callback=self.parse_page, errback=self.fetch_failed, meta=meta)

    # -- offline (-a path=) ----------------------------------------------------------------------
    def parse_file(self, response: Response) -> PageItem:
        return file_item(response, self.max_bytes)

    # -- failures -------------------------------------------------------------------------------
    def fetch_failed(self, failure: Failure) -> Iterator[PageItem]:
        """Every request's errback (``FetchOutcomes`` gives it to all): a failed fetch is a row."""
        item = failure_item(failure, self.crawler.stats)
        if item is not None:
            yield item
