"""``scrapy crawl``, Scrapy's own command, exiting non-zero when a spider refused its arguments or the crawl failed."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.extensions import crawl_problems

#: Close reasons a Sieve spider uses for bad input (``CloseSpider(reason)``): the crawl did nothing useful.
USAGE_FAILURES = frozenset({"path_not_found", "no_pages", "bad_arguments"})


#: Exit status of a crawl that ran but failed (:func:`crawler.extensions.crawl_problems`; the summary line says why).
EXIT_FAILED = 1


class Command(ScrapyCrawlCommand):
    """Scrapy exits 0 even when the spider closed at once on a bad ``-a`` value, or when nothing was stored or
    fetched; scripts need to know.

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
        elif crawl_problems(crawler.stats.get_stats()):
            self.exitcode = EXIT_FAILED
