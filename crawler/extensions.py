"""A one-line summary of what a crawl kept, skipped and failed on, logged when the spider closes.

The same statistics decide whether the crawl failed (:func:`crawl_problems`):
``scrapy crawl`` exits non-zero then, and the summary line says why.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def summary(stats: dict[str, Any]) -> str:
    """The ``sieve/...`` counters in one sentence (the full dump follows it in the log)."""

    def count(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    def group(prefix: str) -> dict[str, int]:
        return {k.removeprefix(prefix): int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}

    errors = group("sieve/errors/")
    spans = group("sieve/spans/")
    why = group("sieve/skipped/not_article/")
    return (
        f"{count('sieve/pages')} pages, {count('sieve/articles')} cleaned; "
        f"skipped {count('sieve/skipped/not_article')} non-article"
        + (" (" + ", ".join(f"{k} {v}" for k, v in why.items()) + ")" if why else "")
        + f" and {count('sieve/skipped/not_html')} non-HTML responses; {sum(errors.values())} errors"
        + (" (" + ", ".join(f"{k} {v}" for k, v in errors.items()) + ")" if errors else "")
        + "; spans: "
        + (", ".join(f"{k} {v}" for k, v in spans.items()) or "none")
    )


def crawl_problems(stats: dict[str, Any]) -> list[str]:
    """Why a crawl that ran to its end still failed, from its stats; empty when it did not.

    - the database never accepted a write and items were spooled (a wrong
      ``DATABASE_URL`` must not look like success);
    - items were lost (neither the database nor the spool took them);
    - requests were made and not one page could be fetched (every start URL
      failed, or robots.txt disallowed them all). A rerun of a finished JOBDIR
      crawl, which has nothing left to fetch, is not a failure.
    """

    def count(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    problems = []
    if count("storage/spooled") and not count("storage/batches"):
        where = stats.get("storage/spool_file") or "the spool"
        problems.append(
            f"the database never accepted a write: {count('storage/spooled')} items spooled to {where} "
            "(load them with `scrapy db import-spool` once it works)"
        )
    if count("storage/lost"):
        problems.append(f"{count('storage/lost')} items lost: neither the database nor the spool took them")
    failed, refused = count("sieve/fetch/failed"), count("sieve/fetch/ignored")
    if not count("sieve/fetch/ok") and failed + refused:
        problems.append(
            f"no page could be fetched ({failed} failed, {refused} not sent: disallowed by robots.txt or off-site)"
        )
    return problems


class CrawlSummary:
    """Logs :func:`summary` when the spider closes (ERROR, with the reasons, if the crawl failed).

    ``SIEVE_SUMMARY_ENABLED = False`` turns it off.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        if not crawler.settings.getbool("SIEVE_SUMMARY_ENABLED", True):
            raise NotConfigured("SIEVE_SUMMARY_ENABLED is off")
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.stats.get_stats()
        problems = crawl_problems(stats)
        if problems:
            logger.error("Sieve crawl summary (%s): %s; FAILED: %s", reason, summary(stats), "; ".join(problems))
        else:
            logger.info("Sieve crawl summary (%s): %s", reason, summary(stats))
