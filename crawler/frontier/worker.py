"""The extension that makes a crawl a well-behaved frontier worker: it releases leases, heart-beats, and closes.

- **Releasing.** A lease is released once Scrapy is done with its request and the request's pages are stored
  (:mod:`crawler.frontier.leases`). "Done" is read from Scrapy's own bookkeeping, the request having left both
  the downloader's and the scraper's active sets (what ``scrapy.utils.engine.get_engine_status`` reports), because
  no signal covers every ending: errback output bypasses spider middlewares, and the scraper consumes a
  callback's output ahead of scheduling the requests in it, so "output exhausted" comes before "children
  queued". A ``SIEVE_FRONTIER_TICK_SECS`` (0.25 s) loop checks; ``items_stored`` (from the DatabasePipeline)
  releases at once. Without a DatabasePipeline, items count as stored when they pass the pipelines.
- **Heartbeats.** Every ``SIEVE_FRONTIER_HEARTBEAT_SECS`` (2 s) the worker refreshes its heartbeat key (it
  expires after ``SIEVE_FRONTIER_LEASE_SECS``), reports its counters for `scrapy frontier`, and requeues the
  leases of workers whose key expired.
- **Closing.** A worker keeps running while anything could still produce work for it: requests queued, or
  being fetched by another worker. It closes once the frontier has been empty for ``SIEVE_FRONTIER_IDLE_CLOSE``
  seconds (default 10; 0 keeps it running until stopped), or after `scrapy frontier stop`. On close, requests
  it could not finish go back to the queue.
- **Waking up.** Scrapy asks an idle scheduler for work only every 5 s; while the queue looked empty, the tick
  loop asks again (so a worker joins in as soon as another one's page adds links).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.conf import build_component_list
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from twisted.internet import task

from crawler.frontier.keys import LEASE_META
from crawler.frontier.leases import LeaseBook
from crawler.signals import items_stored

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.frontier.protocol import Census
    from crawler.frontier.queue import LeasedQueue

logger = logging.getLogger(__name__)

#: Seconds of pages-stored history behind the pages/s a worker reports.
RATE_WINDOW = 10.0


def lease_of(response: Response | Failure | None) -> str | None:
    """The lease id of the request behind a response, or behind a failure handed to an errback."""
    request = getattr(response, "request", None)
    return request.meta.get(LEASE_META) if request is not None else None


class FrontierWorker:
    """See the module docstring. Enabled by the frontier add-on; needs ``SCHEDULER_QUEUE_CLASS`` = LeasedQueue."""

    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.book = LeaseBook()
        self.queue: LeasedQueue | None = None
        self.tick_secs = s.getfloat("SIEVE_FRONTIER_TICK_SECS", 0.25)
        self.heartbeat_secs = s.getfloat("SIEVE_FRONTIER_HEARTBEAT_SECS", 2.0)
        self.idle_close = s.getfloat("SIEVE_FRONTIER_IDLE_CLOSE", 10.0)
        if 0 < self.idle_close < 2 * self.heartbeat_secs:
            logger.warning("SIEVE_FRONTIER_IDLE_CLOSE is under two heartbeats; using %.1f s", 2 * self.heartbeat_secs)
            self.idle_close = 2 * self.heartbeat_secs
        #: False when no DatabasePipeline runs: items then count as stored once through the pipelines.
        self.wait_for_store = True
        self.pages = 0
        self.fetched = 0
        self.released = 0
        self._samples: deque[tuple[float, int]] = deque()
        self._idle_since: float | None = None
        self._census: Census | None = None
        self._census_at = 0.0
        self._started_ms = 0
        self._closing = False
        self._loops: list[task.LoopingCall] = []
        self._closer: Any = None
        self._failed_pushes_seen = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierWorker:
        from crawler.frontier.queue import LeasedQueue  # here: queue.py imports this module

        path = crawler.settings.get("SCHEDULER_QUEUE_CLASS")
        if not path or not issubclass(load_object(path), LeasedQueue):
            raise NotConfigured("the frontier worker needs SCHEDULER_QUEUE_CLASS = crawler.frontier.queue.LeasedQueue")
        ext = cls(crawler)
        connect = crawler.signals.connect
        connect(ext.spider_opened, signal=signals.spider_opened)
        connect(ext.spider_idle, signal=signals.spider_idle)
        connect(ext.spider_closed, signal=signals.spider_closed)
        connect(ext.item_scraped, signal=signals.item_scraped)
        connect(ext.response_received, signal=signals.response_received)
        connect(ext.items_stored, signal=items_stored)
        return ext

    def attach(self, queue: LeasedQueue) -> None:
        """Called by the queue when scrapy-redis's scheduler opens it."""
        self.queue = queue
        queue.on_lease = self.book.add

    # -- signals ------------------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        if self.queue is None:
            logger.error("The frontier worker found no LeasedQueue: is SCHEDULER scrapy_redis.scheduler.Scheduler?")
            return
        from crawler.pipelines.store import DatabasePipeline

        self.wait_for_store = self.crawler.get_item_pipeline(DatabasePipeline) is not None
        if not self.wait_for_store:
            logger.info("No DatabasePipeline: a lease is released once its items have passed the item pipelines")
        else:
            order = build_component_list(self.crawler.settings.getwithbase("ITEM_PIPELINES"))
            if order and not issubclass(load_object(order[-1]), DatabasePipeline):
                logger.warning(
                    "%s runs after the DatabasePipeline: an item it drops is still stored and released", order[-1]
                )
        self._beat()
        for interval, func in ((self.tick_secs, self.tick), (self.heartbeat_secs, self._beat)):
            loop = task.LoopingCall(func)
            loop.start(interval, now=False).addErrback(
                lambda f: logger.error("Frontier loop failed", exc_info=(f.type, f.value, f.getTracebackObject()))
            )
            self._loops.append(loop)

    def item_scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> None:
        if self.wait_for_store:
            self.book.item_passed(lease_of(response), ItemAdapter(item).get("url"))

    def items_stored(self, items: list[dict[str, Any]], spooled: bool) -> None:
        self.pages += len(items)
        self.book.stored(item.get("url") for item in items)
        self._release()

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        self.fetched += 1

    def spider_idle(self, spider: Spider) -> None:
        """Keep an idle worker open while the shared crawl may still give it work (see the module docstring)."""
        if self.queue is None or self._closing:
            return
        now = time.monotonic()
        if self._census is None or now - self._census_at >= min(1.0, self.heartbeat_secs):
            self._census, self._census_at = self.queue.frontier.heartbeat(census=True), now
        if self._census.busy_elsewhere(self.queue.worker):
            self._idle_since = None
            raise DontCloseSpider
        if self.idle_close <= 0:
            raise DontCloseSpider
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_close:
            raise DontCloseSpider
        logger.info("The frontier has been empty for %.0f s: closing", now - self._idle_since)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._closing = True
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.queue is None:
            return
        self.tick()
        unfinished = self.book.take_unreleased()
        requeued = self.queue.frontier.leave(self.queue.worker)
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("frontier/released", self.released)
            stats.set_value("frontier/requeued_at_close", requeued)
        logger.info(
            "Frontier worker %s leaves: %d leases released, %d requests back in the queue%s",
            self.queue.worker,
            self.released,
            requeued,
            f" ({len(unfinished)} of them unfinished here)" if unfinished else "",
        )

    # -- loops --------------------------------------------------------------------------------------
    def tick(self) -> None:
        """Mark the leases Scrapy is done with, release what can be, and poll the queue while it looked empty."""
        try:
            self._tick()
        except RedisError as exc:  # Redis away for a moment: leases stay held, try again next tick
            logger.warning("Frontier tick failed: %s", exc)

    def _tick(self) -> None:
        engine = self.crawler.engine
        if engine is None or self.queue is None:
            return
        if self.queue.failed_pushes > self._failed_pushes_seen:
            self._failed_pushes_seen = self.queue.failed_pushes
            n = self.book.redo_in_progress()
            logger.error("A request could not be queued in Redis; the %d requests in progress will be fetched again", n)
        scraper_slot = engine.scraper.slot
        busy = set(engine.downloader.active)
        if scraper_slot is not None:
            busy.update(scraper_slot.active)
            busy.update(request for _, request, _ in scraper_slot.queue)
        for lease_id, request in self.book.in_progress():
            if request not in busy:
                self.book.finished(lease_id)
        self._release()
        if self.queue.drained and not self._closing and not engine.needs_backout():
            # Scrapy re-polls an idle scheduler every 5 s (ExecutionEngine._SLOT_HEARTBEAT_INTERVAL); a shared
            # queue fills up from other processes, so ask sooner. There is no public way to wake the engine.
            nextcall = getattr(getattr(engine, "_slot", None), "nextcall", None)
            if nextcall is not None:
                nextcall.schedule()

    def _release(self) -> None:
        if self.queue is None:
            return
        ids = self.book.take_releasable()
        if ids:
            self.queue.release(ids)
            self.released += len(ids)
        redo = self.book.take_redo()
        if redo:
            self.queue.requeue(redo)

    def _beat(self) -> None:
        try:
            self._heartbeat()
        except RedisError as exc:  # missed beats only matter after SIEVE_FRONTIER_LEASE_SECS
            logger.warning("Frontier heartbeat failed: %s", exc)

    def _heartbeat(self) -> None:
        if self.queue is None:
            return
        now = time.monotonic()
        self._samples.append((now, self.pages))
        while len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW:
            self._samples.popleft()
        t0, p0 = self._samples[0]
        rate = (self.pages - p0) / (now - t0) if now > t0 else 0.0
        info = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "pages": self.pages,
            "fetched": self.fetched,
            "rate": f"{rate:.2f}",
            "inprogress": len(self.book.in_progress()),
            "leases": len(self.book),
        }
        census = self.queue.frontier.heartbeat(self.queue.worker, self.queue.lease_ms, info, census=False)
        if census.joined and self._started_ms:
            logger.warning(
                "This worker was silent for over SIEVE_FRONTIER_LEASE_SECS (%.0f s) and taken for dead: its leased "
                "requests went back to the queue and may be fetched twice (raise the setting if this recurs)",
                self.queue.lease_ms / 1000,
            )
        if not self._started_ms:
            self._started_ms = census.started_ms
        if census.stop_ms > self._started_ms and not self._closing:
            self._closing = True
            logger.info("`scrapy frontier stop` was issued: finishing in-flight requests and closing")
            engine = self.crawler.engine
            if engine is not None:
                self._closer = deferred_from_coro(engine.close_spider_async(reason="frontier_stop"))
