"""``scrapy crawl``, Scrapy's own command, with a non-zero exit when a spider refused its arguments."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

#: Close reasons a Sieve spider uses for bad input (``CloseSpider(reason)``): the crawl did nothing useful.
USAGE_FAILURES = frozenset({"path_not_found", "no_pages", "bad_arguments"})


class Command(ScrapyCrawlCommand):
    """Scrapy exits 0 even when the spider closed at once on a bad ``-a`` value; scripts need to know.

    A crawl learns each site's furniture into the database (``SIEVE_SITE_STATS``), so ``scrapy reclean``
    can re-apply it to the pages stored before.
    """

    default_settings = {**ScrapyCrawlCommand.default_settings, "SIEVE_SITE_STATS": "database"}

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif crawler.stats.get_value("finish_reason") in USAGE_FAILURES:
            self.exitcode = 2
