"""Runs extraction and the cleaner chain on every fetched page."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from cleaners.process import clean_content
from cleaners.record import FIELDS
from cleaners.timestamps import utc_now
from crawler.components import load_chain, load_extractor

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from cleaners.chain import CleanerChain
    from cleaners.process import Extractor

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Fills an item's cleaning fields; a bad page keeps its errors and goes on to storage.

    The chain is built once per crawl from ``CLEANERS``, exactly as ``scrapy
    clean`` builds it, so a crawl and the offline command agree.
    """

    def __init__(self, chain: CleanerChain, extractor: Extractor, crawler: Crawler) -> None:
        self.chain = chain
        self.extractor = extractor
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(load_chain(crawler), load_extractor(crawler), crawler)

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        stats.inc_value("sieve/pages")
        content = adapter.get("content")
        if content is None:
            stats.inc_value("sieve/errors/fetch")
            return item
        cleaned = clean_content(
            self.chain,
            content,
            is_html=adapter.get("is_html", True),
            extractor=self.extractor,
            url=adapter.get("url"),
        )
        record = cleaned.record
        record["errors"] = list(adapter.get("errors") or []) + record["errors"]
        for key in FIELDS:
            adapter[key] = record[key]
        adapter["raw_text"] = cleaned.raw_text
        adapter["fingerprint"] = self.chain.fingerprint
        adapter["cleaned_at"] = utc_now().isoformat()
        if cleaned.ok:
            stats.inc_value("sieve/articles")
            for seg in record["segments"]:
                stats.inc_value(f"sieve/spans/{seg['label']}")
        for err in record["errors"]:
            stats.inc_value(f"sieve/errors/{err['stage']}")
        return item
