"""scrapy-redis's dupefilter made read-only: the leased queue adds fingerprints, atomically with the request.

scrapy-redis's ``RFPDupeFilter.request_seen`` adds the fingerprint (``SADD``) and the scheduler then queues the
request in a second call. A worker that dies between the two leaves a fingerprint for a request that is
nowhere: the URL is "seen" but will never be fetched or stored. Here ``request_seen`` only looks
(``SISMEMBER``, so Scrapy still drops known duplicates early and counts them), and
:meth:`crawler.frontier.protocol.Frontier.push` adds the fingerprint and queues the request in one script.
From then on the request is always queued, leased to a live worker, or done (its pages stored or spooled), and
a dead worker's leases go back to the queue: the dupefilter and the store agree.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.frontier.keys import fingerprint

if TYPE_CHECKING:
    from scrapy import Request, Spider

logger = logging.getLogger(__name__)


class FrontierDupeFilter(RFPDupeFilter):
    """``DUPEFILTER_CLASS`` for the leased queue; same Redis key and fingerprints as scrapy-redis's.

    A fingerprint once in Redis stays there for the life of the crawl (only `scrapy frontier reset`, with the
    workers stopped, removes it), so the last ``SIEVE_FRONTIER_SEEN_CACHE`` (100,000) fingerprints found seen
    are remembered here: the menu and footer links on every page of a site cost Redis nothing after the first.
    """

    logger = logger

    def __init__(self, server: Any, key: str, debug: bool = False, cache_size: int = 100_000) -> None:
        super().__init__(server, key, debug)
        self.cache_size = cache_size
        self._seen: OrderedDict[str, None] = OrderedDict()

    @classmethod
    def from_spider(cls, spider: Spider) -> FrontierDupeFilter:
        df = super().from_spider(spider)
        df.cache_size = spider.settings.getint("SIEVE_FRONTIER_SEEN_CACHE", 100_000)
        return df

    def request_seen(self, request: Request) -> bool:
        fp = self.request_fingerprint(request)
        if fp in self._seen:
            self._seen.move_to_end(fp)
            return True
        try:
            seen = bool(self.server.sismember(self.key, fp))
        except RedisError:  # not "seen": the queue's push fails too, and the frontier worker redoes the parent
            return False
        if seen and self.cache_size > 0:
            self._seen[fp] = None
            if len(self._seen) > self.cache_size:
                self._seen.popitem(last=False)
        return seen

    def request_fingerprint(self, request: Request) -> str:
        return fingerprint(request)

    def close(self, reason: str = "") -> None:
        """The fingerprints are the shared crawl's memory: never deleted when one worker closes."""

    def clear(self) -> None:
        """Only ``scrapy frontier reset`` deletes the fingerprints of a shared crawl."""
        logger.info("Keeping the shared dupefilter %s (delete it with `scrapy frontier reset`)", self.key)
