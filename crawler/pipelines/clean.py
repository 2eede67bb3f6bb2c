"""Runs the article decision, extraction and the cleaner chain on every fetched page, in worker processes."""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from cleaners.record import FIELDS, empty_record, error_record
from cleaners.timestamps import utc_now
from crawler.components import load_chain, load_extractor
from crawler.pool import CleaningPool, PoolError, merge_stats
from crawler.pool_tasks import PageResult, WorkerState, clean_page, settings_values
from storage.records import cleaning_errors

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from cleaners.chain import CleanerChain

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Fills an item's cleaning fields; a bad page keeps its errors and goes on to storage.

    An HTML page is parsed once, into a :class:`~cleaners.document.document.Document`
    that the article decision, the extractor and the cleaners all read. A page
    the spider wants only if it is an article (``require_article``) and that is
    not one is dropped here, its reason counted as
    ``sieve/skipped/not_article/<reason>``. The crawl learns as it goes: every
    page is shown to the chain's learning cleaners (site furniture) just before
    it is cleaned.

    The work runs in ``SIEVE_WORKERS`` processes (default: one per core; 0 runs
    it in the crawl's own process), each building the chain and the extractor
    once from the crawl's settings, exactly as ``scrapy clean`` builds them, so
    a crawl and the offline command agree. At most two pages per worker are in
    flight (the rest of the crawl waits: back-pressure); a page that takes
    longer than ``SIEVE_PAGE_TIMEOUT`` seconds, or whose worker dies, is stored
    with an ``extract`` error and the worker is replaced.
    """

    def __init__(self, crawler: Crawler, chain: CleanerChain, pool: CleaningPool | None) -> None:
        self.crawler = crawler
        self.chain = chain
        self.pool = pool
        self.fingerprint = chain.fingerprint
        self._local: WorkerState | None = None
        if pool is None:
            assert crawler.stats is not None
            self._local = WorkerState(
                chain, load_extractor(crawler), crawler.stats,  # type: ignore[arg-type]
                crawler.settings.getint("SIEVE_MAX_BYTES"), crawler.settings.getint("SIEVE_ARTICLE_MIN_CHARS", 800),
            )  # fmt: skip
        self._slots = asyncio.Semaphore(2 * pool.size) if pool is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        settings = crawler.settings
        chain = load_chain(crawler)  # also checks CLEANERS here, once, before any worker starts
        workers = settings.getint("SIEVE_WORKERS", os.cpu_count() or 1)
        pool = None
        if workers > 0:
            timeout = settings.getfloat("SIEVE_PAGE_TIMEOUT", 60.0) or None
            pool = CleaningPool(settings_values(settings), workers, timeout)
        return cls(crawler, chain, pool)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is not None:
            stats = self.crawler.stats
            if stats is not None and self.pool.restarts:
                stats.set_value("sieve/pool/worker_restarts", self.pool.restarts)
            self.pool.close()
        else:
            self.chain.close()

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        assert stats is not None
        content = adapter.get("content")
        if content is None:
            stats.inc_value("sieve/pages")
            stats.inc_value("sieve/errors/fetch")
            return item
        url = adapter.get("url")
        args = (
            url, content, bool(adapter.get("is_html", True)), bool(adapter.get("require_article")),
            adapter.get("article_pattern"), True, bool(adapter.get("listed")),
        )  # fmt: skip
        result = await self._clean(args, url)
        if result.skipped is not None:
            reason, detail = result.skipped
            stats.inc_value("sieve/skipped/not_article")
            stats.inc_value(f"sieve/skipped/not_article/{reason}")
            raise DropItem(f"not an article ({reason}: {detail}): {url}", log_level="DEBUG")
        stats.inc_value("sieve/pages")
        record = result.record or empty_record([])
        earlier = list(adapter.get("errors") or [])
        record["errors"] = earlier + record["errors"]
        for key in FIELDS:
            adapter[key] = record[key]
        adapter["raw_text"] = result.raw_text
        adapter["packed_content"] = result.packed_content
        adapter["content_hash"] = result.content_hash
        # The worker hashed the record before the spider's errors joined it; those count only if of a cleaning stage.
        adapter["output_hash"] = None if cleaning_errors(earlier) else result.output_hash
        adapter["fingerprint"] = self.fingerprint
        adapter["cleaned_at"] = utc_now().isoformat()
        if result.raw_text is not None:
            stats.inc_value("sieve/articles")
            for label, count in Counter(seg["label"] for seg in record["segments"]).items():
                stats.inc_value(f"sieve/spans/{label}", count)
        for err in record["errors"]:
            stats.inc_value(f"sieve/errors/{err['stage']}")
            if err["stage"] == "clean":  # a plugin bug: logged here, with the URL, not in the worker that hit it
                logger.warning("Cleaner %s on %s: %s", err.get("cleaner"), url, err["message"])
        return item

    async def _clean(self, args: tuple[Any, ...], url: str | None) -> PageResult:
        if self._local is not None:
            result: PageResult = clean_page(self._local, *args)
            return result
        assert self.pool is not None and self._slots is not None
        async with self._slots:
            try:
                outcome = await asyncio.wrap_future(self.pool.submit("clean_page", *args))
            except PoolError as exc:
                return PageResult(empty_record([error_record("extract", str(exc))]), None)
        stats = self.crawler.stats
        assert stats is not None
        merge_stats(outcome.stats, stats.inc_value)
        value: PageResult = outcome.value
        return value
