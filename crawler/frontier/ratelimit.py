"""Per-site politeness held in Redis, so that N workers together send what one Scrapy process would.

Scrapy enforces ``DOWNLOAD_DELAY``, ``CONCURRENT_REQUESTS_PER_DOMAIN`` (or ``_PER_IP``, or a
``DOWNLOAD_SLOTS`` entry) and AutoThrottle's delay per process, in its download slots; N workers would hit
a site N times as hard. This downloader middleware runs last before the download (order 960, inside the
HTTP cache, so cached responses pass freely) and, per download slot (the site's host name, as Scrapy keys
it), asks one Lua script in Redis for

- a **concurrency token**: at most the slot's concurrency requests are in flight across all workers. A token
  is returned when the response or the error comes back; a dead worker's tokens expire after
  ``DOWNLOAD_TIMEOUT`` + 30 s;
- a **start time**: request starts are spaced by the slot's delay across all workers. The delay is the one
  this worker's Scrapy slot would use: ``DOWNLOAD_DELAY`` (or the ``DOWNLOAD_SLOTS`` entry), or AutoThrottle's
  current delay for the site (latency / ``AUTOTHROTTLE_TARGET_CONCURRENCY``), so together the workers keep
  AutoThrottle's target instead of N times it.

Waiting never blocks the reactor: the middleware is a coroutine sleeping on ``twisted``'s ``deferLater``. The
frontier add-on sets ``DOWNLOAD_DELAY_JITTER = 0``: a local random delay would hold a request in Scrapy's slot
after its shared start time and bunch it with the next worker's. Times are Redis server time, so the
workers' clocks do not matter. ``SIEVE_RATELIMIT_KEY`` (default ``sieve:ratelimit:%(slot)s``) is shared by all
crawls on the Redis server: politeness is per site, not per spider.
"""

from __future__ import annotations

import logging
import random
import secrets
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: request.meta key: (token key, token) held while the request is in flight.
TOKEN_META = "sieve_ratelimit_token"
DEFAULT_KEY = "sieve:ratelimit:%(slot)s"
#: Seconds between tries while a site's concurrency is used up (randomised by up to 50%).
FULL_RETRY = 0.05

RESERVE = """
-- KEYS: next start time, tokens in flight; ARGV: token, delay ms, concurrency (0 = no limit), token ttl ms
-- Returns -1 when the site is at its concurrency, else the ms to wait before starting the request.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay, limit, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= limit then
    return -1
  end
end
local start = now
if delay > 0 then
  start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
  local keep = string.format('%.0f', start - now + delay + 60000)
  redis.call('SET', KEYS[1], string.format('%.0f', start + delay), 'PX', keep)
end
if limit > 0 then
  redis.call('ZADD', KEYS[2], string.format('%.0f', start + ttl), ARGV[1])
  redis.call('PEXPIRE', KEYS[2], string.format('%.0f', start - now + ttl))
end
return start - now
"""


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor."""
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))  # type: ignore[arg-type]


class SharedRateLimit:
    """Downloader middleware; on with ``SIEVE_RATELIMIT_ENABLED`` (the frontier add-on sets it) and ``REDIS_URL``."""

    def __init__(self, crawler: Crawler, server: Any) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.server = server
        self.key = s.get("SIEVE_RATELIMIT_KEY") or DEFAULT_KEY
        self.delay = s.getfloat("DOWNLOAD_DELAY")
        self.autothrottle = s.getbool("AUTOTHROTTLE_ENABLED")
        self.start_delay = max(self.delay, s.getfloat("AUTOTHROTTLE_START_DELAY")) if self.autothrottle else self.delay
        self.concurrency = s.getint("CONCURRENT_REQUESTS_PER_IP") or s.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.per_slot: dict[str, dict[str, Any]] = s.getdict("DOWNLOAD_SLOTS")
        self.token_ttl_ms = int((s.getfloat("DOWNLOAD_TIMEOUT", 180) + 30) * 1000)
        self._reserve = server.register_script(RESERVE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRateLimit:
        if not crawler.settings.getbool("SIEVE_RATELIMIT_ENABLED"):
            raise NotConfigured("SIEVE_RATELIMIT_ENABLED is off")
        if not (crawler.settings.get("REDIS_URL") or crawler.settings.get("REDIS_HOST")):
            raise NotConfigured("the shared rate limit needs REDIS_URL (or SIEVE_REDIS_URL)")
        return cls(crawler, get_redis_from_settings(crawler.settings))

    def limits(self, slot_key: str) -> tuple[float, int]:
        """(delay in seconds, concurrency) for a download slot, as this worker's Scrapy slot has them now."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(slot_key)
        per_slot = self.per_slot.get(slot_key, {})
        if slot is not None:  # AutoThrottle adjusts slot.delay as responses come in
            return slot.delay, slot.concurrency
        return float(per_slot.get("delay", self.start_delay)), int(per_slot.get("concurrency", self.concurrency))

    async def process_request(self, request: Request) -> None:
        slot_key = self.crawler.engine.downloader.get_slot_key(request)
        delay, concurrency = self.limits(slot_key)
        if delay <= 0 and concurrency <= 0:
            return
        names = self.key % {"slot": slot_key}
        keys = [f"{names}:next", f"{names}:active"]
        token = secrets.token_hex(8)
        stats = self.crawler.stats
        waited = 0.0
        while True:
            try:
                wait_ms = int(self._reserve(keys=keys, args=[token, int(delay * 1000), concurrency, self.token_ttl_ms]))
            except RedisError as exc:  # this process's own Scrapy slot still applies the same limits
                logger.warning("Shared rate limit unavailable (%s); %s goes with local politeness only", exc, request)
                return
            if wait_ms >= 0:
                break
            pause = FULL_RETRY * (1 + random.random() / 2)  # noqa: S311 (spreading retries, not security)
            waited += pause
            await sleep(pause)
        if concurrency > 0:
            request.meta[TOKEN_META] = (keys[1], token)
        if wait_ms > 0:
            waited += wait_ms / 1000
            await sleep(wait_ms / 1000)
        if stats is not None and waited:
            stats.inc_value("ratelimit/waited_ms", int(waited * 1000))

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        held = request.meta.pop(TOKEN_META, None)
        if held is not None:
            try:
                self.server.zrem(held[0], held[1])
            except RedisError:  # the token expires on its own
                logger.warning("Could not return a rate-limit token for %s", request)
