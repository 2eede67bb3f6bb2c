"""Stores every page and its cleaning result in SQL, in batches; spools to JSON Lines when the database fails."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from crawler.signals import items_stored
from storage.db import DatabaseConfigError, database_url, describe_error, display_url, open_database
from storage.records import item_dict
from storage.repository import WriteCounts
from storage.spool import DEFAULT_DIR, QUARANTINE_KEY, Spool
from storage.writer import BatchResult, store_batch

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)


class DatabasePipeline:
    """Buffers items and writes ``SIEVE_DB_BATCH_SIZE`` of them per transaction.

    The buffer is also flushed every ``SIEVE_DB_FLUSH_SECS`` seconds and when
    the spider closes. Writes are synchronous on the reactor thread: a batch of
    500 takes well under a second, and it keeps SQLite single-writer.

    Nothing is dropped (``storage.writer.store_batch``): a batch that fails is
    retried item by item, so one bad page costs one page, stored sanitised or
    as a bare row with its ``store`` error. What the database cannot take
    (it is unreachable, or failed mid-crawl; an item nothing can store) goes
    to ``SIEVE_SPOOL_DIR`` (JSON Lines) for ``scrapy db import-spool``. Each
    later flush tries the database again, so a server that comes back is used
    again. If even the spool fails (disk full), the items stay in the buffer
    for the next flush; those still there when the spider closes are counted
    as ``storage/lost`` and the crawl exits non-zero.

    After every flush that left nothing behind, including an empty one, the
    :data:`crawler.signals.items_stored` signal says so (:meth:`_stored`): every
    item handed to this pipeline until then is committed or spooled. The JOBDIR
    ledger (``crawler.jobstate``) marks requests done only then.
    """

    def __init__(self, crawler: Crawler, url: str, batch_size: int, flush_secs: float, spool_dir: str) -> None:
        self.crawler = crawler
        self.url = url
        self.batch_size = max(1, batch_size)
        self.flush_secs = flush_secs
        self.spool = Spool(spool_dir)
        self.engine: Engine | None = None
        self.buffer: list[dict[str, Any]] = []
        self.counts = WriteCounts()
        self._timer: task.LoopingCall | None = None
        #: The timer's clock; None is the running reactor (tests hand in ``twisted.internet.task.Clock``).
        self.clock: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatabasePipeline:
        s = crawler.settings
        return cls(
            crawler,
            database_url(s),
            s.getint("SIEVE_DB_BATCH_SIZE", 500),
            s.getfloat("SIEVE_DB_FLUSH_SECS", 5.0),
            s.get("SIEVE_SPOOL_DIR") or DEFAULT_DIR,
        )

    # -- lifecycle --------------------------------------------------------------------------------

    def open_spider(self, spider: Spider | None = None) -> None:
        self._connect()
        if self.flush_secs > 0:
            self._timer = task.LoopingCall(self.flush)
            if self.clock is not None:
                self._timer.clock = self.clock
            self._timer.start(self.flush_secs, now=False)

    def _connect(self) -> bool:
        try:
            self.engine = open_database(self.url)
        except DatabaseConfigError as exc:
            logger.error("%s; items are spooled to %s", exc, self.spool.directory)
            return False
        except SQLAlchemyError as exc:
            logger.error(
                "Database %s is unreachable (%s); items are spooled to %s until it is back",
                display_url(self.url),
                describe_error(exc),
                self.spool.directory,
            )
            return False
        logger.info("Storing pages in %s", display_url(self.url))
        return True

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        values = item_dict(item)
        if not values.get("url"):
            logger.error("Not storing an item without a url (a spider bug): %.200r", item)
            return item
        self.buffer.append(values)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.flush()
        self.spool.close()
        stats = self.crawler.stats
        lost = len(self.buffer)
        if lost:
            logger.critical(
                "%d items are lost: neither the database nor the spool (%s) took them", lost, self.spool.directory
            )
        if stats is not None:
            stats.set_value("storage/spooled", self.spool.count)
            if self.spool.path is not None:
                stats.set_value("storage/spool_file", str(self.spool.path))
            if lost:
                stats.set_value("storage/lost", lost)
        c = self.counts
        logger.info(
            "Storage: %d new, %d changed, %d unchanged, %d stale, %d failed-fetch pages; %d error rows; "
            "%d items spooled%s",
            c.new,
            c.changed,
            c.unchanged,
            c.stale,
            c.failed,
            c.errors,
            self.spool.count,
            f" to {self.spool.path} (load them with `scrapy db import-spool`)" if self.spool.count else "",
        )
        if self.engine is not None:
            self.engine.dispose()

    # -- writing ----------------------------------------------------------------------------------

    def flush(self) -> None:
        """Store the buffer (``store_batch``), spool what the database did not take, then say so (:meth:`_stored`)."""
        batch, self.buffer = self.buffer, []
        spooled = 0
        if batch:
            try:
                spooled = self._write(batch)
            except OSError as exc:  # the spool failed too: keep the items for the next flush
                logger.error("Could not spool %d items to %s (%s); keeping them", len(batch), self.spool.directory, exc)
                self.buffer[:0] = batch
                return
            except Exception:  # a bug must not lose the batch either, nor stop the flush timer
                logger.exception("Unexpected error storing %d items; keeping them", len(batch))
                self.buffer[:0] = batch
                return
        self._stored(batch, spooled)

    def _write(self, batch: list[dict[str, Any]]) -> int:
        """Store or spool every item of ``batch``; returns how many were spooled (``OSError``: the spool failed)."""
        if self.engine is None and not self._connect():
            return self._spool(batch)
        assert self.engine is not None
        result = store_batch(self.engine, batch)
        if result.stored:
            self._count(result)
        to_spool = list(result.not_tried)
        if result.down:
            logger.error("Database write of %d items failed (%s); spooling them", len(result.not_tried), result.down)
        for item, why in result.unstorable:
            to_spool.append({**item, QUARANTINE_KEY: why})
        return self._spool(to_spool) if to_spool else 0

    def _count(self, result: BatchResult) -> None:
        self.counts.add(result.counts)
        stats = self.crawler.stats
        if stats is None:
            return
        for key, value in result.counts.as_dict().items():
            if value:
                stats.inc_value(f"storage/pages/{key}" if key != "errors" else "storage/errors", value)
        stats.inc_value("storage/batches")
        for key, value in (("storage/items/repaired", result.repaired), ("storage/items/bare", result.degraded)):
            if value:
                stats.inc_value(key, value)

    def _spool(self, items: list[dict[str, Any]]) -> int:
        path = self.spool.write(items)
        logger.warning("Spooled %d items to %s", len(items), path)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("storage/spooled_batches")
            quarantined = sum(1 for item in items if QUARANTINE_KEY in item)
            if quarantined:
                stats.inc_value("storage/quarantined", quarantined)
        return len(items)

    def _stored(self, batch: list[dict[str, Any]], spooled: int) -> None:
        """The one place after commit or spool: every item handed over until now is safe.

        Sent after every flush, an empty one included (``items`` is then []),
        so listeners such as the JOBDIR ledger learn that nothing is pending.
        ``spooled`` is true when any item of the batch went to the spool.
        """
        self.crawler.signals.send_catch_log(items_stored, items=batch, spooled=bool(spooled))
