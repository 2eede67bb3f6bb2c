"""Stores every page and its cleaning result in SQL, in batches; spools to JSON Lines when the database fails."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from crawler.signals import items_stored
from storage.db import DatabaseConfigError, database_url, describe_error, display_url, open_database
from storage.records import item_dict
from storage.repository import WriteCounts, write_items
from storage.spool import DEFAULT_DIR, Spool

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

    Nothing is dropped: if the database is unreachable when the crawl starts,
    or a batch fails to commit, the batch goes to ``SIEVE_SPOOL_DIR`` (JSON
    Lines) and ``scrapy db import-spool`` loads it later. Each later batch tries
    the database again, so a server that comes back is used again.
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
        if stats is not None:
            stats.set_value("storage/spooled", self.spool.count)
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
        """Write the buffer in one transaction, or spool it if the database fails."""
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        if self.engine is None and not self._connect():
            self._spool(batch)
            return
        assert self.engine is not None
        try:
            with self.engine.begin() as conn:
                counts = write_items(conn, batch)
        except SQLAlchemyError as exc:
            logger.error("Database write of %d items failed (%s); spooling them", len(batch), describe_error(exc))
            self._spool(batch)
            return
        except Exception:  # a bug must not lose a batch either (nor stop the flush timer)
            logger.exception("Unexpected error storing %d items; spooling them", len(batch))
            self._spool(batch)
            return
        self.counts.add(counts)
        self.crawler.signals.send_catch_log(items_stored, items=batch, spooled=False)
        stats = self.crawler.stats
        if stats is not None:
            for key, value in counts.as_dict().items():
                if value:
                    stats.inc_value(f"storage/pages/{key}" if key != "errors" else "storage/errors", value)
            stats.inc_value("storage/batches")

    def _spool(self, batch: list[dict[str, Any]]) -> None:
        try:
            path = self.spool.write(batch)
        except OSError as exc:
            logger.critical("Could not spool %d items to %s: %s; they are lost", len(batch), self.spool.directory, exc)
            return
        logger.warning("Spooled %d items to %s", len(batch), path)
        self.crawler.signals.send_catch_log(items_stored, items=batch, spooled=True)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("storage/spooled_batches")
