"""The Redis keys, worker names and request fingerprints that the frontier's parts (and `scrapy frontier`) share.

Everything of one crawl lives under the scrapy-redis queue key (``SCHEDULER_QUEUE_KEY``, by default
``<spider>:requests``), so two spiders, or two differently named crawls, never mix; the dupefilter keeps
scrapy-redis's own key (``SCHEDULER_DUPEFILTER_KEY``) and fingerprint, so it stays compatible with
``scrapy_redis.dupefilter.RFPDupeFilter``.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy_redis import defaults
from scrapy_redis.dupefilter import RFPDupeFilter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings

#: request.meta key holding the id of the lease under which this worker fetched the request.
LEASE_META = "sieve_lease"


def fingerprint(request: Request) -> str:
    """scrapy-redis's request fingerprint (SHA1 of method, canonical URL, body), so its dupefilter sets stay valid."""
    return RFPDupeFilter.request_fingerprint(None, request)  # type: ignore[arg-type]  # it does not use self


def default_worker_id() -> str:
    """``host:pid:xxxx``: readable in `scrapy frontier`, and never reused by a restarted worker."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


@dataclass(frozen=True)
class FrontierKeys:
    """The key names of one crawl, derived from its queue key (``base``)."""

    base: str
    dupefilter: str

    @classmethod
    def for_spider(cls, settings: BaseSettings, spider_name: str) -> FrontierKeys:
        values = {"spider": spider_name}
        queue_key = settings.get("SCHEDULER_QUEUE_KEY") or defaults.SCHEDULER_QUEUE_KEY
        df_key = settings.get("SCHEDULER_DUPEFILTER_KEY") or defaults.SCHEDULER_DUPEFILTER_KEY
        return cls(queue_key % values, df_key % values)

    @property
    def pending(self) -> str:
        """Sorted set of queued requests; the score orders by priority, then first in, first out."""
        return self.base

    @property
    def workers(self) -> str:
        """Sorted set: worker name -> heartbeat deadline (server ms). Past it, the worker is dead."""
        return f"{self.base}:workers"

    @property
    def seq(self) -> str:
        """Counter for lease ids and queue order."""
        return f"{self.base}:seq"

    @property
    def stats(self) -> str:
        """Hash of crawl-wide counters: leased, released, requeued."""
        return f"{self.base}:stats"

    @property
    def stop(self) -> str:
        """Server time (ms) of the last `scrapy frontier stop`: workers started before it close."""
        return f"{self.base}:stop"

    @property
    def undecodable(self) -> str:
        """List of queued requests that no longer decode (e.g. a renamed callback), kept for inspection."""
        return f"{self.base}:undecodable"

    def leases(self, worker: str) -> str:
        """Hash lease id -> ``<score>\\n<request>``: what the worker has popped and not yet released."""
        return f"{self.base}:leases:{worker}"

    def info(self, worker: str) -> str:
        """Hash of what the worker reports at each heartbeat (host, pid, pages, pages/s, ...)."""
        return f"{self.base}:worker:{worker}"
