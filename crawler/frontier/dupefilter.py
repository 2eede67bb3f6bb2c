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
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.frontier.keys import fingerprint

if TYPE_CHECKING:
    from scrapy import Request

logger = logging.getLogger(__name__)


class FrontierDupeFilter(RFPDupeFilter):
    """``DUPEFILTER_CLASS`` for the leased queue; same Redis key and fingerprints as scrapy-redis's."""

    logger = logger

    def request_seen(self, request: Request) -> bool:
        try:
            return bool(self.server.sismember(self.key, self.request_fingerprint(request)))
        except RedisError:  # not "seen": the queue's push fails too, and the frontier worker redoes the parent
            return False

    def request_fingerprint(self, request: Request) -> str:
        return fingerprint(request)

    def close(self, reason: str = "") -> None:
        """The fingerprints are the shared crawl's memory: never deleted when one worker closes."""

    def clear(self) -> None:
        """Only ``scrapy frontier reset`` deletes the fingerprints of a shared crawl."""
        logger.info("Keeping the shared dupefilter %s (delete it with `scrapy frontier reset`)", self.key)
