"""``scrapy reclean``: re-run today's cleaner chain over every stored page, updating only articles that change."""

from __future__ import annotations

import argparse
import sys

from crawler.command import SieveCommand


class Command(SieveCommand):
    #: Site furniture is learned into and read from the database, as in a crawl.
    default_settings = {**SieveCommand.default_settings, "SIEVE_SITE_STATS": "database"}

    def syntax(self) -> str:
        return "[--domain DOMAIN] [-s CLEANERS=...]"

    def short_desc(self) -> str:
        return "Re-clean stored pages with the current cleaner chain; update articles whose output changed"

    def long_desc(self) -> str:
        return (
            "Re-extracts each stored HTML page and re-runs the cleaner chain (CLEANERS over CLEANERS_BASE), "
            "in chunks, and rewrites only the articles whose output changed. Learning cleaners (site furniture) "
            "first see every selected page, so what was learned is re-applied to pages stored before. Pages whose "
            "fetched bytes were kept are decoded again first. A page a crawl stored anew while reclean ran is left "
            "as the crawl wrote it. Prints the changed, unchanged and failed counts; a progress bar is shown when "
            "stderr is a terminal."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--domain", metavar="DOMAIN", help="only pages of DOMAIN and its subdomains")
        parser.add_argument("--chunk-size", type=int, default=200, metavar="N", help="pages per transaction (200)")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        from sqlalchemy.exc import SQLAlchemyError  # the storage stack only for the commands that use it
        from tqdm import tqdm

        from crawler.reclean import count_pages, reclean
        from storage.db import describe_error, display_url

        if args:
            self.fail(f"unexpected arguments: {' '.join(args)}")
        if opts.chunk_size < 1:
            self.fail("--chunk-size must be at least 1")
        assert self.settings is not None
        chain, extractor = self.components()
        url, engine = self.database()
        try:
            total = count_pages(engine, opts.domain)
            with tqdm(total=total, unit="page", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                counts = reclean(
                    engine,
                    chain,
                    extractor,
                    domain=opts.domain,
                    chunk_size=opts.chunk_size,
                    progress=bar.update,
                    max_bytes=self.settings.getint("SIEVE_MAX_BYTES"),
                )
        except SQLAlchemyError as exc:
            self.fail(f"database error on {display_url(url)}: {describe_error(exc)}", code=1)
        finally:
            chain.close()
            engine.dispose()
        scope = f" of {opts.domain}" if opts.domain else ""
        print(
            f"reclean: {total} pages{scope}: {counts.changed} changed, {counts.unchanged} unchanged, "
            f"{counts.failed} failed (chain {chain.fingerprint}; {counts.reextracted} re-extracted to new raw text, "
            f"{counts.redecoded} decoded again from their bytes); {counts.conflicts} left to a crawl that stored "
            "them meanwhile"
        )
