"""Scrapy's scheduler and dupefilter, with the request ledger (:mod:`crawler.jobstate`) as JOBDIR's state.

Without ``JOBDIR`` both behave exactly as Scrapy's own. With it:

- :class:`LedgerDupeFilter` keeps fingerprints in memory only (no
  ``requests.seen``, which a kill leaves claiming requests whose pages were
  never stored); the scheduler fills it from the ledger on start. The
  scheduler puts it in place of Scrapy's default ``DUPEFILTER_CLASS`` itself,
  so that setting stays Scrapy's (scrapy-redis's scheduler, for one, reads it).
- :class:`LedgerScheduler` adds every request it accepts to the ledger (with
  a fresh id in ``request.meta``), notes the ones the engine takes, and marks
  them done at each checkpoint, when the ``DatabasePipeline`` says all items
  handed to it are stored. On start it rebuilds Scrapy's queue from the
  ledger's pending requests (Scrapy's ``requests.queue`` is cleared: after a
  kill its state is stale, and the ledger has every request in it anyway).
  The disk queues are still used while the crawl runs, to keep memory flat.
"""

from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir
from scrapy.utils.request import request_from_dict
from twisted.internet import task

from crawler.jobstate.ledger import FILE_NAME, RequestLedger
from crawler.signals import items_stored

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy import Request, Spider
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

#: The request's ledger id, in ``request.meta``.
LEDGER_ID = "sieve_ledger_id"


class LedgerDupeFilter(RFPDupeFilter):
    """Scrapy's fingerprint dupefilter, in memory only: with JOBDIR, "seen" lives in the ledger."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LedgerDupeFilter:
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)

    def fingerprint(self, request: Request) -> bytes:
        return self._fingerprint(request)

    def remember(self, fingerprints: Iterable[bytes]) -> None:
        """Count these requests as seen (the ledger's, on start)."""
        self._fingerprints.update(fingerprints)


def in_flight(engine: ExecutionEngine) -> set[int]:
    """Ledger ids of the requests the engine is still working on (downloading, or scraping the response).

    Scrapy has no public "this request is fully handled" signal; these are
    the same sets ``ExecutionEngine.spider_is_idle()`` consults. A request
    moves from the downloader to the scraper within one callback chain, so
    it is always in one of them until its callback's output is processed:
    links scheduled, items through the item pipelines.
    """
    requests: list[Request] = list(engine.downloader.active)
    slot = engine.scraper.slot
    if slot is not None:
        requests += list(slot.active)
        requests += [request for _, request, _ in slot.queue]
    return {request.meta[LEDGER_ID] for request in requests if LEDGER_ID in request.meta}


class LedgerScheduler(Scheduler):
    """Scrapy's scheduler; with JOBDIR, every request is in the ledger until its pages are stored."""

    ledger: RequestLedger | None = None
    #: Checkpoints on a clock when no DatabasePipeline sends ``items_stored``.
    _timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LedgerScheduler:
        scheduler = super().from_crawler(crawler)
        jobdir = job_dir(crawler.settings)
        if jobdir is None:
            return scheduler
        if type(scheduler.df) is RFPDupeFilter:  # Scrapy's default: "seen" moves to the ledger
            scheduler.df.close("replaced by the request ledger")  # (it opened an empty requests.seen)
            scheduler.df = LedgerDupeFilter.from_crawler(crawler)
        if not isinstance(scheduler.df, LedgerDupeFilter):
            logger.warning(
                "JOBDIR without the request ledger: DUPEFILTER_CLASS is %s, not "
                "crawler.jobstate.scheduler.LedgerDupeFilter; a killed crawl may not resume completely",
                type(scheduler.df).__name__,
            )
            return scheduler
        scheduler.ledger = RequestLedger(Path(jobdir, FILE_NAME))
        crawler.signals.connect(scheduler.checkpoint, signal=items_stored)
        return scheduler

    def open(self, spider: Spider) -> Deferred[None] | None:
        if self.ledger is None:
            return super().open(spider)
        assert self.dqdir is not None
        shutil.rmtree(self.dqdir, ignore_errors=True)  # the ledger rebuilds it; after a kill it is stale
        Path(self.dqdir).mkdir(parents=True)
        result = super().open(spider)
        self._resume()
        if not self._storage_enabled():  # nothing to wait for: checkpoint on a clock instead
            assert self.crawler is not None
            self._timer = task.LoopingCall(self.checkpoint)
            self._timer.start(self.crawler.settings.getfloat("SIEVE_DB_FLUSH_SECS", 5.0) or 5.0, now=False)
        return result

    def _resume(self) -> None:
        assert self.ledger is not None and isinstance(self.df, LedgerDupeFilter)
        done, pending = self.ledger.counts()
        requeued = 0
        for entry_id, blob in self.ledger.pending():
            request = request_from_dict(pickle.loads(blob), spider=self.spider)
            request.meta[LEDGER_ID] = entry_id
            if super().enqueue_request(request):  # a duplicate only if two pending share a fingerprint
                requeued += 1
        self.df.remember(self.ledger.fingerprints())
        assert self.stats is not None
        self.stats.set_value("sieve/ledger/requeued", requeued)
        if done or pending:
            logger.info(
                "Resuming the crawl in %s: %d requests were not done and are scheduled again (%d done before)",
                self.ledger.path.parent,
                requeued,
                done,
            )

    def _storage_enabled(self) -> bool:
        from crawler.pipelines.store import DatabasePipeline

        assert self.crawler is not None
        return self.crawler.get_item_pipeline(DatabasePipeline) is not None

    def enqueue_request(self, request: Request) -> bool:
        if self.ledger is None:
            return super().enqueue_request(request)
        assert isinstance(self.df, LedgerDupeFilter)
        entry_id = self.ledger.next_id()
        request.meta[LEDGER_ID] = entry_id  # a fresh id even for a copy (redirect, retry, meta=response.meta)
        if not super().enqueue_request(request):
            return False  # a duplicate: not in the ledger
        try:
            blob = pickle.dumps(self._serialise(request), protocol=4)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError) as exc:
            assert self.stats is not None
            self.stats.inc_value("sieve/ledger/unserializable")
            logger.warning(
                "%s cannot be written to the ledger (%s): a kill before it is fetched loses it", request, exc
            )
            del request.meta[LEDGER_ID]
            return True
        self.ledger.add(entry_id, None if request.dont_filter else self.df.fingerprint(request), blob)
        return True

    def _serialise(self, request: Request) -> dict[str, Any]:
        return request.to_dict(spider=self.spider)

    def next_request(self) -> Request | None:
        request = super().next_request()
        if request is not None and self.ledger is not None and LEDGER_ID in request.meta:
            self.ledger.take(request.meta[LEDGER_ID])
        return request

    def checkpoint(self, **_: Any) -> None:
        """Everything handed to the item pipelines is stored: mark the finished requests done."""
        if self.ledger is None:
            return
        assert self.crawler is not None
        engine = self.crawler.engine
        done = self.ledger.checkpoint(in_flight(engine) if engine is not None else set())
        if done:
            assert self.stats is not None
            self.stats.inc_value("sieve/ledger/done", done)

    def close(self, reason: str) -> Deferred[None] | None:
        result = super().close(reason)
        if self.ledger is not None:
            if self._timer is not None:  # no storage: the engine is done with every request now
                self._timer.stop()
                self.checkpoint()
            done, pending = self.ledger.counts()
            assert self.stats is not None
            self.stats.set_value("sieve/ledger/pending", pending)
            self.ledger.close()
            if pending:
                logger.info("%d requests are not done; run the same command again to finish the crawl", pending)
        return result
