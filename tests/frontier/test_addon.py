"""``SIEVE_REDIS_URL`` turns the whole frontier on; without it, a crawl or scrapy-redis's own settings are untouched."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from crawler.components import OfflineSpider
from crawler.frontier.ratelimit import SharedRateLimit
from crawler.frontier.worker import FrontierWorker
from tests.conftest import project_settings


def applied(**overrides: object):
    """The settings a crawler ends up with once its add-ons ran (the first step of starting a crawl)."""
    crawler = Crawler(OfflineSpider, project_settings(**overrides))
    crawler.addons.load_settings(crawler.settings)
    return crawler.settings


def components(settings, name: str) -> dict:
    return {load_object(k) if isinstance(k, str) else k: v for k, v in settings.getdict(name).items()}


def test_without_the_setting_nothing_changes():
    s = applied()
    assert s["SCHEDULER"] == "crawler.jobstate.scheduler.LedgerScheduler"  # Sieve's own (JOBDIR crawls resume)
    assert s["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert FrontierWorker not in components(s, "EXTENSIONS")
    assert SharedRateLimit not in components(s, "DOWNLOADER_MIDDLEWARES")


def test_scrapy_redis_settings_are_left_as_they_are():
    s = applied(SCHEDULER="scrapy_redis.scheduler.Scheduler", REDIS_URL="redis://h:1/0")
    assert s["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert s["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert not s.get("SCHEDULER_QUEUE_CLASS")
    assert FrontierWorker not in components(s, "EXTENSIONS")


def test_one_setting_turns_on_the_whole_frontier():
    s = applied(SIEVE_REDIS_URL="redis://h:1/2")
    assert s["REDIS_URL"] == "redis://h:1/2"
    assert s["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert s["SCHEDULER_QUEUE_CLASS"] == "crawler.frontier.queue.LeasedQueue"
    assert s["DUPEFILTER_CLASS"] == "crawler.frontier.dupefilter.FrontierDupeFilter"
    assert s.getbool("SCHEDULER_PERSIST") and s.getbool("SIEVE_RATELIMIT_ENABLED")
    assert s.getfloat("DOWNLOAD_DELAY_JITTER") == 0
    assert components(s, "EXTENSIONS")[FrontierWorker] == 100
    assert components(s, "DOWNLOADER_MIDDLEWARES")[SharedRateLimit] == 960
    assert "crawler.extensions.CrawlSummary" in s.getdict("EXTENSIONS")  # the project's own stay


def test_explicit_settings_still_win():
    s = applied(SIEVE_REDIS_URL="redis://h:1/2", SIEVE_RATELIMIT_ENABLED=False, SCHEDULER_PERSIST=False)
    assert not s.getbool("SIEVE_RATELIMIT_ENABLED") and not s.getbool("SCHEDULER_PERSIST")
