"""A one-line summary of what a crawl kept, skipped and failed on, logged when the spider closes."""

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


class CrawlSummary:
    """Logs :func:`summary` at INFO when the spider closes; ``SIEVE_SUMMARY_ENABLED = False`` turns it off."""

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
        logger.info("Sieve crawl summary (%s): %s", reason, summary(self.stats.get_stats()))
