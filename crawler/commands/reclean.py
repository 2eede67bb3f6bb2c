"""``scrapy reclean``: re-run today's cleaner chain over every stored page, updating only articles that change."""

from __future__ import annotations

import argparse

from crawler.command import SieveCommand, add_jobs_option, progress


class Command(SieveCommand):
    #: Site furniture is learned into and read from the database, as in a crawl.
    default_settings = {**SieveCommand.default_settings, "SIEVE_SITE_STATS": "database"}

    def syntax(self) -> str:
        return "[--domain DOMAIN] [--stale] [-j N] [-s CLEANERS=...]"

    def short_desc(self) -> str:
        return "Re-clean stored pages with the current cleaner chain; update articles whose output changed"

    def long_desc(self) -> str:
        return (
            "Re-extracts each stored HTML page and re-runs the cleaner chain (CLEANERS over CLEANERS_BASE), "
            "in chunks, and rewrites only the articles whose output changed. Learning cleaners (site furniture) "
            "first see every selected page, so what was learned is re-applied to pages stored before. Pages whose "
            "fetched bytes were kept are decoded again first. A page a crawl stored anew while reclean ran is left "
            "as the crawl wrote it. An article whose output is unchanged takes the current chain's fingerprint, so "
            "--stale re-cleans only articles another chain made (a new or changed cleaner). Pages are cleaned in "
            "-j worker processes (default: one per core for many pages); only this process writes. Prints the "
            "changed, unchanged and failed counts; progress bars (learning, then cleaning) when stderr is a terminal."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--domain", metavar="DOMAIN", help="only pages of DOMAIN and its subdomains")
        parser.add_argument("--chunk-size", type=int, default=200, metavar="N", help="pages per transaction (200)")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="only pages without an article or whose article another chain made (see `scrapy cleaners`)",
        )
        add_jobs_option(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        from sqlalchemy.exc import SQLAlchemyError  # the storage stack only for the commands that use it

        from crawler.cleaning import Runner
        from crawler.reclean import count_pages, reclean
        from storage.db import describe_error, display_url

        if args:
            self.fail(f"unexpected arguments: {' '.join(args)}")
        if opts.chunk_size < 1:
            self.fail("--chunk-size must be at least 1")
        if opts.jobs is not None and opts.jobs < 1:
            self.fail("-j must be at least 1")
        assert self.settings is not None
        chain, extractor = self.components()
        url, engine = self.database()
        runner: Runner | None = None
        try:
            total = count_pages(engine, opts.domain, stale=chain.fingerprint if opts.stale else None)
            runner = Runner(self.settings, chain, extractor, opts.jobs, total)
            passes = 2 if chain.learns else 1  # the learning pass, then the cleaning pass, on one bar
            with progress(total * passes, "learning" if chain.learns else "cleaning", leave=True) as bar:
                started: list[bool] = []

                def cleaning(n: int) -> None:
                    if not started:
                        started.append(True)
                        bar.set_description("cleaning", refresh=False)
                    bar.update(n)

                counts = reclean(
                    engine,
                    chain,
                    extractor,
                    domain=opts.domain,
                    chunk_size=opts.chunk_size,
                    progress=cleaning,
                    learn_progress=bar.update,
                    max_bytes=self.settings.getint("SIEVE_MAX_BYTES"),
                    runner=runner,
                    stale=opts.stale,
                )
        except SQLAlchemyError as exc:
            self.fail(f"database error on {display_url(url)}: {describe_error(exc)}", code=1)
        finally:
            if runner is not None:
                runner.close()  # its workers, and the chain
            else:
                chain.close()
            engine.dispose()
        scope = f" of {opts.domain}" if opts.domain else ""
        which = "stale pages" if opts.stale else "pages"
        print(
            f"reclean: {total} {which}{scope}: {counts.changed} changed, {counts.unchanged} unchanged, "
            f"{counts.failed} failed (chain {chain.fingerprint}; {counts.reextracted} re-extracted to new raw text, "
            f"{counts.redecoded} decoded again from their bytes); {counts.conflicts} left to a crawl that stored "
            "them meanwhile"
        )
