"""Builds Sieve's components from settings, identically for a crawl and for offline commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object

from cleaners.chain import CleanerChain

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from cleaners.process import Extractor


class OfflineSpider(Spider):
    """Stands in for a spider when cleaners are built outside a crawl."""

    name = "offline"


def offline_crawler(settings: Settings) -> Crawler:
    """A crawler that is never started: it gives cleaners ``settings`` and ``stats``.

    Commands such as ``scrapy clean`` build cleaners through it, so a cleaner's
    ``from_crawler`` runs exactly as it does in a crawl.
    """
    crawler = Crawler(OfflineSpider, settings.copy())
    crawler.stats = load_object(crawler.settings["STATS_CLASS"])(crawler)
    return crawler


def load_chain(crawler: Crawler) -> CleanerChain:
    return CleanerChain.from_crawler(crawler)


def load_extractor(crawler: Crawler) -> Extractor:
    path = crawler.settings.get("SIEVE_EXTRACTOR")
    try:
        cls = load_object(path)
    except (ImportError, AttributeError, ValueError, NameError) as exc:
        raise ValueError(f"SIEVE_EXTRACTOR: {path!r} is not importable: {exc}") from exc
    return build_from_crawler(cls, crawler)
