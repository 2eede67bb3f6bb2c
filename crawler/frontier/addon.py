"""``-s SIEVE_REDIS_URL=redis://host:6379/0``: one setting that turns a crawl into a reliable frontier worker.

A Scrapy add-on (the ``ADDONS`` setting) is the place for this: it runs before the crawler reads its settings
and may set other components' settings. Without ``SIEVE_REDIS_URL`` it does nothing, so plain crawls and
scrapy-redis's own settings (``-s SCHEDULER=scrapy_redis.scheduler.Scheduler -s REDIS_URL=...``) work as they
always did. With it, at the add-on priority, so that ``settings.py``-level and ``-s`` values still win (except
Sieve's own JOBDIR scheduler, :data:`SIEVE_DEFAULTS`):

- scrapy-redis's scheduler, with :class:`~crawler.frontier.queue.LeasedQueue` and
  :class:`~crawler.frontier.dupefilter.FrontierDupeFilter`, persisting between runs (``SCHEDULER_PERSIST``:
  the queue and fingerprints are shared, so one worker closing must not delete them);
- the worker extension (:mod:`crawler.frontier.worker`) and the shared rate limit
  (:mod:`crawler.frontier.ratelimit`, ``SIEVE_RATELIMIT_ENABLED``), with no local delay jitter.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured, ScrapyDeprecationWarning
from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

FRONTIER_SETTINGS = {
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.frontier.queue.LeasedQueue",
    "DUPEFILTER_CLASS": "crawler.frontier.dupefilter.FrontierDupeFilter",
    "SCHEDULER_PERSIST": True,
    "SIEVE_RATELIMIT_ENABLED": True,
    "DOWNLOAD_DELAY_JITTER": 0.0,
}

#: Sieve's own ``settings.py`` choices that a frontier worker replaces (the JOBDIR ledger has no place in a
#: shared crawl: the frontier's leases already survive a killed worker). Any other value the user set wins.
SIEVE_DEFAULTS = {"SCHEDULER": "crawler.jobstate.scheduler.LedgerScheduler"}
PROJECT = SETTINGS_PRIORITIES["project"]


class FrontierAddon:
    """Listed in ``ADDONS`` by Sieve's settings; active only when ``SIEVE_REDIS_URL`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("SIEVE_REDIS_URL")
        if not url:
            raise NotConfigured  # no message: a plain crawl, nothing to report
        # Imported here: they load redis and scrapy-redis (0.15 s), which a plain crawl never needs.
        from crawler.frontier.ratelimit import SharedRateLimit
        from crawler.frontier.worker import FrontierWorker

        if settings.get("REDIS_URL") and settings.get("REDIS_URL") != url:
            logger.warning("SIEVE_REDIS_URL wins over REDIS_URL (%s)", settings.get("REDIS_URL"))
        settings.set("REDIS_URL", url, priority=max(settings.getpriority("REDIS_URL") or 0, 15))
        for name, value in FRONTIER_SETTINGS.items():
            own = settings.get(name) == SIEVE_DEFAULTS.get(name) and settings.getpriority(name) == PROJECT
            settings.set(name, value, priority=PROJECT if own else "addon")
        settings.setdefault_in_component_priority_dict("EXTENSIONS", FrontierWorker, 100)
        settings.setdefault_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SharedRateLimit, 960)
        # scrapy-redis 0.9.1 (its latest release) still passes spider= to StatsCollector.inc_value, which
        # Scrapy 2.13+ deprecates: harmless today, and one warning per worker log is noise, not news.
        warnings.filterwarnings(
            "ignore", "Passing a 'spider' argument to StatsCollector", ScrapyDeprecationWarning, r"scrapy_redis\."
        )
