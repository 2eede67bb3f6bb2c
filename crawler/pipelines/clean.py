"""Runs the article decision, extraction and the cleaner chain on every fetched page, on one parse of it."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from cleaners.document.article import decide
from cleaners.document.document import Document
from cleaners.document.errors import InputError
from cleaners.process import Cleaned, clean_content, clean_document
from cleaners.record import FIELDS, empty_record, error_record
from cleaners.timestamps import utc_now
from crawler.components import load_chain, load_extractor

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from cleaners.chain import CleanerChain
    from cleaners.process import Extractor

logger = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class CleanPipeline:
    """Fills an item's cleaning fields; a bad page keeps its errors and goes on to storage.

    An HTML page is parsed once, into a :class:`~cleaners.document.document.Document`
    that the article decision, the extractor and the cleaners all read. A page
    the spider wants only if it is an article (``require_article``) and that is
    not one is dropped here, its reason counted as
    ``sieve/skipped/not_article/<reason>``. The chain is built once per crawl
    from ``CLEANERS``, exactly as ``scrapy clean`` builds it, so a crawl and
    the offline command agree. The crawl learns as it goes: every page is shown
    to the chain's learning cleaners (site furniture) just before it is cleaned.
    """

    def __init__(self, chain: CleanerChain, extractor: Extractor, crawler: Crawler) -> None:
        self.chain = chain
        self.extractor = extractor
        self.crawler = crawler
        self.min_article_chars = crawler.settings.getint("SIEVE_ARTICLE_MIN_CHARS", 800)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(load_chain(crawler), load_extractor(crawler), crawler)

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        assert stats is not None
        content = adapter.get("content")
        if content is None:
            stats.inc_value("sieve/pages")
            stats.inc_value("sieve/errors/fetch")
            return item
        url = adapter.get("url")
        if not adapter.get("is_html", True):
            cleaned = clean_content(self.chain, content, is_html=False, url=url, learn=True)
        else:
            try:
                doc = Document.parse(content, url)
            except InputError as exc:
                cleaned = Cleaned(empty_record([error_record("extract", str(exc))]), None)
            else:
                if adapter.get("require_article"):
                    self._gate(doc, adapter.get("article_pattern"), url)
                cleaned = clean_document(self.chain, doc, self.extractor, learn=True)
        stats.inc_value("sieve/pages")
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

    def close_spider(self, spider: Spider | None = None) -> None:
        """Learning cleaners write what the crawl taught them (site furniture goes to the database)."""
        self.chain.close()

    def _gate(self, doc: Document, pattern: str | None, url: str | None) -> None:
        """Drop a page that is not an article, counting why."""
        verdict = decide(doc, _pattern(pattern) if pattern else None, self.min_article_chars)
        if verdict.is_article:
            logger.debug("article %s (%s %s)", url, verdict.reason, verdict.detail)
            return
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("sieve/skipped/not_article")
        stats.inc_value(f"sieve/skipped/not_article/{verdict.reason}")
        raise DropItem(f"not an article ({verdict.reason}: {verdict.detail}): {url}", log_level="DEBUG")
