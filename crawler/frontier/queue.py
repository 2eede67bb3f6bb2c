"""``SCHEDULER_QUEUE_CLASS`` for scrapy-redis's scheduler: popping a request leases it instead of deleting it.

scrapy-redis's own queues delete a request from Redis when a worker pops it, so a worker killed with requests
in flight (or with pages in an unwritten database batch) loses them for good, while their fingerprints stay
in the shared dupefilter and stop anyone else from fetching them. This queue keeps every popped request in
Redis, leased to the worker, until :class:`~crawler.frontier.worker.FrontierWorker` releases it (its pages are
committed or spooled) or a reaper puts it back (the worker stopped heart-beating). The Redis side is
:class:`~crawler.frontier.protocol.Frontier`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy.utils.misc import load_object
from scrapy_redis.queue import Base

from crawler.frontier.dupefilter import FrontierDupeFilter
from crawler.frontier.keys import LEASE_META, FrontierKeys, default_worker_id, fingerprint
from crawler.frontier.protocol import Frontier

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request, Spider

logger = logging.getLogger(__name__)

#: Requests that fail to decode in a row before pop() gives up for this call (each goes to ``<key>:undecodable``).
MAX_UNDECODABLE = 100


class LeasedQueue(Base):
    """A scrapy-redis queue whose ``pop`` leases; needs the :class:`FrontierDupeFilter` and the worker extension.

    Settings: ``SIEVE_FRONTIER_WORKER_ID`` (default ``host:pid:xxxx``; must be unique among live workers) and
    ``SIEVE_FRONTIER_LEASE_SECS`` (default 30: how long a silent worker keeps its leases).
    """

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        dupefilter = load_object(settings.get("DUPEFILTER_CLASS"))
        if not (isinstance(dupefilter, type) and issubclass(dupefilter, FrontierDupeFilter)):
            raise ValueError(
                f"{type(self).__name__} needs DUPEFILTER_CLASS = crawler.frontier.dupefilter.FrontierDupeFilter "
                f"(it is {settings.get('DUPEFILTER_CLASS')}); -s SIEVE_REDIS_URL=... sets the whole frontier up"
            )
        keys = FrontierKeys.for_spider(settings, spider.name)
        self.frontier = Frontier(server, FrontierKeys(self.key, keys.dupefilter))
        self.lease_ms = max(1000, int(settings.getfloat("SIEVE_FRONTIER_LEASE_SECS", 30.0) * 1000))
        explicit = settings.get("SIEVE_FRONTIER_WORKER_ID")
        self.worker: str = explicit or default_worker_id()
        if explicit and self.frontier.is_alive(self.worker):
            raise ValueError(f"SIEVE_FRONTIER_WORKER_ID={explicit!r} belongs to a live worker; names must be unique")
        #: Called with (lease id, request) for each pop; the worker extension sets it.
        self.on_lease: Callable[[str, Request], None] | None = None
        #: True when the last pop found the queue empty (the worker extension then polls for new work).
        self.drained = False
        #: Pushes that failed (Redis unreachable); the worker extension then redoes the requests in progress.
        self.failed_pushes = 0
        recovered = self.frontier.requeue(self.worker)  # leases left by an earlier worker of the same name
        if recovered:
            logger.warning("Requeued %d requests leased to an earlier worker named %s", recovered, self.worker)
        self.frontier.heartbeat(self.worker, self.lease_ms, census=False)

        from crawler.frontier.worker import FrontierWorker  # here: worker.py refers back to this module

        extension = spider.crawler.get_extension(FrontierWorker)
        if extension is None:
            raise ValueError(
                f"{type(self).__name__} needs the extension crawler.frontier.worker.FrontierWorker in EXTENSIONS "
                "(it releases leases once pages are stored); -s SIEVE_REDIS_URL=... sets the whole frontier up"
            )
        extension.attach(self)
        logger.info("Frontier worker %s on queue %s (lease %.0f s)", self.worker, self.key, self.lease_ms / 1000)

    def _encode_request(self, request: Request) -> bytes:
        # A redirect or retry copies meta; its lease id belongs to the original request, not to the copy.
        obj = request.to_dict(spider=self.spider)
        meta = obj.get("meta")
        if meta and LEASE_META in meta:
            obj["meta"] = {k: v for k, v in meta.items() if k != LEASE_META}
        return self.serializer.dumps(obj)

    def __len__(self) -> int:
        return self.frontier.queued()

    def push(self, request: Request) -> None:
        """Queue the request, adding its fingerprint to the dupefilter in the same step (unless ``dont_filter``)."""
        data = self._encode_request(request)
        try:
            self.frontier.push(fingerprint(request), request.priority, data, request.dont_filter)
        except RedisError:
            self.failed_pushes += 1
            raise

    def pop(self, timeout: int = 0) -> Request | None:
        """Lease the next request to this worker (never blocks: ``SCHEDULER_IDLE_BEFORE_CLOSE`` is ignored)."""
        for _ in range(MAX_UNDECODABLE):
            got = self.frontier.pop(self.worker, self.lease_ms)
            if got is None:
                self.drained = True
                return None
            lease_id, data = got
            try:
                request = self._decode_request(data)
            except Exception as exc:  # a renamed callback, an unpicklable class: keep it, but do not block the queue
                logger.error("Cannot decode a queued request (%s); moved to %s", exc, self.frontier.keys.undecodable)
                self.server.rpush(self.frontier.keys.undecodable, data)
                self.frontier.release(self.worker, [lease_id])
                continue
            request.meta[LEASE_META] = lease_id
            self.drained = False
            if self.on_lease is not None:
                self.on_lease(lease_id, request)
            return request
        return None

    def release(self, lease_ids: list[str]) -> int:
        return self.frontier.release(self.worker, lease_ids)

    def requeue(self, lease_ids: list[str] | None = None) -> int:
        return self.frontier.requeue(self.worker, lease_ids)

    def clear(self) -> None:
        """scrapy-redis calls this when ``SCHEDULER_PERSIST`` is off; a shared frontier is kept while others work."""
        census = self.frontier.heartbeat()
        others = [w.name for w in census.workers if w.name != self.worker]
        if others:
            logger.warning("Not clearing the shared queue %s: %d other workers are alive", self.key, len(others))
            return
        self.frontier.requeue(self.worker)
        self.server.delete(self.frontier.keys.pending)
