"""Components a crawl has switched off are never imported; an offline crawl loads no HTTP machinery."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from scrapy.crawler import Crawler

from crawler.components import OfflineSpider
from crawler.spiders.fixtures import FixturesSpider
from tests.conftest import ROOT, project_settings

REMOTE = "scrapy.extensions.remote_control.RemoteControl"
TELNET = "scrapy.extensions.telnet.TelnetConsole"
COOKIES = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
RETRY = "scrapy.downloadermiddlewares.retry.RetryMiddleware"


def applied(spider: type = OfflineSpider, **overrides: object):
    """The settings once the add-ons and the spider's own settings are in (how a crawl starts)."""
    crawler = Crawler(spider, project_settings(**overrides))
    crawler.addons.load_settings(crawler.settings)
    return crawler.settings


def test_switched_off_extensions_leave_the_list_and_switched_on_ones_stay():
    off = applied().get_component_priority_dict_with_base("EXTENSIONS")
    assert REMOTE not in off and TELNET not in off
    assert "scrapy.extensions.corestats.CoreStats" in off and "crawler.extensions.CrawlSummary" in off
    on = applied(REMOTE_CONTROL_ENABLED=True).get_component_priority_dict_with_base("EXTENSIONS")
    assert REMOTE in on and TELNET not in on


def test_the_offline_spider_drops_http_handlers_cookies_and_retries_and_keeps_the_project_s_middlewares():
    s = applied(FixturesSpider)
    middlewares = s.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")
    assert COOKIES not in middlewares and RETRY not in middlewares
    assert "crawler.fetching.robots.Rfc9309RobotsTxtMiddleware" in middlewares  # the project's own dict is kept
    handlers = {k: v for k, v in s.getwithbase("DOWNLOAD_HANDLERS").items() if v}
    assert "file" in handlers and "http" not in handlers and "https" not in handlers
    live = applied().get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")
    assert COOKIES in live and RETRY in live  # a live crawl keeps them


def test_building_an_offline_crawl_s_components_imports_neither_aiohttp_nor_the_http_handler():
    # A fresh interpreter: this test process may have imported them already.
    code = textwrap.dedent(
        """
        import sys
        from scrapy.crawler import Crawler
        from scrapy.utils.misc import load_object
        from scrapy.utils.project import get_project_settings
        from crawler.spiders.fixtures import FixturesSpider
        crawler = Crawler(FixturesSpider, get_project_settings())
        crawler.addons.load_settings(crawler.settings)
        s = crawler.settings
        for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"):
            for path in s.get_component_priority_dict_with_base(name):
                load_object(path)
        for path in s.getwithbase("DOWNLOAD_HANDLERS").values():
            if path:
                load_object(path)
        print(sorted(m for m in ("aiohttp", "scrapy.core.downloader.handlers.http11") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
