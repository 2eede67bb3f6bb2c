"""``scrapy crawl articles``: a generic news crawl from start URLs, a sitemap or an RSS/Atom feed."""

from __future__ import annotations

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
from twisted.python.failure import Failure

from cleaners.urls import HTTP, host_of, in_domains
from crawler.fetching.failures import failure_item
from crawler.fetching.local import file_item, file_requests, path_problem
from crawler.fetching.responses import HTML_TYPES, header, html_item, media_type
from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: Link hops from a seed page (a start URL, a sitemap or feed entry) recorded in request meta.
HOPS = "sieve_hops"
#: The hops its seed allows, in request meta (a start URL's ``depth``, a sitemap or feed entry's ``entry_depth``).
MAX_HOPS = "sieve_max_hops"
#: Set on a sitemap or feed entry's request: the site lists the page as content (``PageItem.listed``).
LISTED = "sieve_listed"


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
        item = html_item(response, self.max_bytes)
        if item.content is None:  # too large or undecodable: recorded as a fetch error
            yield item
            return
        yield from self.follow_links(response)
        item.require_article = True
        item.article_pattern = self.article_re.pattern if self.article_re is not None else None
        item.listed = bool(response.meta.get(LISTED)) and not response.meta.get(HOPS)
        yield item

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
