"""Site furniture learned from the site's own pages: lines its template repeats, claimed with their evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy.utils.misc import build_from_crawler, load_object

from cleaners.base import Cleaner
from cleaners.furniture.keys import MAX_CHARS, line_key, normalise_line, page_lines, site_key
from cleaners.furniture.policy import Thresholds
from cleaners.furniture.stats import MemorySiteStats, SiteStats
from cleaners.page import Page, Span

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: ``SIEVE_SITE_STATS`` short names; anything else is a dotted path to a :class:`SiteStats` class.
PROVIDERS = {
    "memory": "cleaners.furniture.stats.MemorySiteStats",
    "database": "storage.site_stats.DatabaseSiteStats",
}


def build_site_stats(crawler: Crawler) -> SiteStats:
    """The statistics provider for this crawl or command, from ``SIEVE_SITE_STATS`` (default: in memory).

    ``scrapy crawl`` and ``scrapy reclean`` default to the database (their
    ``default_settings``), so what a crawl learns is kept and re-applied;
    ``scrapy clean`` and ``scrapy evaluate`` learn within the run.
    """
    name = crawler.settings.get("SIEVE_SITE_STATS") or "memory"
    path = PROVIDERS.get(name, name)
    try:
        cls = load_object(path)
    except (ImportError, AttributeError, ValueError, NameError) as exc:
        raise ValueError(f"SIEVE_SITE_STATS: {name!r} is not importable: {exc}") from None
    if hasattr(cls, "from_crawler"):
        return build_from_crawler(cls, crawler)  # type: ignore[no-any-return]
    return cls()  # type: ignore[no-any-return]


class FurnitureCleaner(Cleaner):
    """Claims main-content lines the page's site repeats on most of its pages (``furniture.repeated``).

    Runs last, so lines another cleaner can name more precisely (a copyright
    notice, a source line) keep that reason. It learns from every page the
    chain is shown (:meth:`learn`, called before cleaning) and claims only
    what the thresholds allow (:class:`cleaners.furniture.policy.Thresholds`):
    never a line seen on one page, never a sentence other sites print too.
    The span data carries the evidence: ``pages``, ``site_pages``, ``site``,
    the pattern ``key`` (for ``scrapy sites veto``) and a sentence for people.
    """

    label = "boilerplate"
    version = "1"

    def __init__(self, stats: SiteStats | None = None, thresholds: Thresholds | None = None) -> None:
        self.stats: SiteStats = stats if stats is not None else MemorySiteStats()
        self.thresholds = thresholds or Thresholds()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FurnitureCleaner:
        s = crawler.settings
        default = Thresholds()
        thresholds = Thresholds(
            min_site_pages=s.getint("SIEVE_FURNITURE_MIN_SITE_PAGES", default.min_site_pages),
            min_pages=s.getint("SIEVE_FURNITURE_MIN_PAGES", default.min_pages),
            min_share=s.getfloat("SIEVE_FURNITURE_MIN_SHARE", default.min_share),
            prose_words=s.getint("SIEVE_FURNITURE_PROSE_WORDS", default.prose_words),
        )
        return cls(build_site_stats(crawler), thresholds)

    def learn(self, page: Page) -> None:
        site = site_key(page.domain)
        if site is not None and page.url:
            self.stats.observe(site, page.url, page_lines(page.text))

    def finish_learning(self) -> None:
        self.stats.flush()

    def close(self) -> None:
        self.stats.close()

    def find(self, page: Page) -> Iterator[Span]:
        site = site_key(page.domain)
        if site is None:
            return
        lines = []
        for line in page.lines(main=True):
            norm = normalise_line(line.text)
            if norm and len(norm) <= MAX_CHARS:
                lines.append((line, line_key(norm), len(norm.split())))
        if not lines:
            return
        evidence = self.stats.evidence(site, {key for _, key, _ in lines})
        candidates = {key for _, key, _ in lines if self.thresholds.candidate(evidence, key)}
        if not candidates:
            return
        evidence = replace(evidence, other_sites=self.stats.other_sites(site, candidates))
        for line, key, words in lines:
            if key in candidates and self.thresholds.claims(evidence, key, words):
                pages, total = evidence.pages[key], evidence.site_pages
                yield self.span(
                    line.start,
                    line.end,
                    "furniture.repeated",
                    site=site,
                    pages=pages,
                    site_pages=total,
                    key=key,
                    evidence=f"seen on {pages} of {total} pages of {site}",
                )
