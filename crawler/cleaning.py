"""A run of page files cleaned as ``scrapy clean`` cleans them: learning pass, cleaning pass, on every core.

``scrapy clean``, ``scrapy report`` and ``scrapy fixtures`` clean files the same
way through this one class, so their outputs cannot drift apart:

1. if the chain learns (site furniture), every page is shown to it first, so a
   page's result does not depend on where it stands in the input;
2. every page is cleaned, and the results come back in input order.

With ``jobs > 1`` and more than a couple of pages, both passes run in a
:class:`crawler.pool.CleaningPool`; the observations of the learning pass are
gathered in the parent and sent to every worker before any page is cleaned.
A single file is cleaned in this process: starting workers costs about a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaners.document.files import read_inputs
from cleaners.furniture.stats import MemorySiteStats
from cleaners.process import Cleaned, clean_file, learn_file
from cleaners.record import empty_record, error_record
from crawler.pool import CleaningPool, PoolError
from crawler.pool_tasks import settings_values

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from cleaners.chain import CleanerChain
    from cleaners.process import Extractor

#: Fewer pages than this are cleaned in-process whatever ``jobs`` says (a worker takes about a second to start).
MIN_PAGES_FOR_WORKERS = 3
#: Without ``-j``, a run of this many pages or more uses one worker per core: below it, starting the workers
#: (about a second each, in parallel) costs more than it saves (measured: 26 fixture pages take 1.7 s in-process
#: and 4.2 s with two workers).
AUTO_MIN_PAGES = 64
#: The site statistics of an offline run split over workers (see :class:`crawler.pool_tasks.SharedSiteStats`).
SHARED_STATS = "crawler.pool_tasks.SharedSiteStats"


def default_jobs() -> int:
    return os.cpu_count() or 1


class FileRun:
    """Cleans page files with ``chain`` and ``extractor`` (built from ``settings``), ``jobs`` processes at most."""

    def __init__(self, settings: Settings, chain: CleanerChain, extractor: Extractor, jobs: int | None) -> None:
        self.settings = settings
        self.chain = chain
        self.extractor = extractor
        #: None: decided by the number of pages (:data:`AUTO_MIN_PAGES`).
        self.jobs = jobs if jobs is None else max(1, jobs)
        self.max_bytes = settings.getint("SIEVE_MAX_BYTES")
        self.pool: CleaningPool | None = None

    def clean(self, pages: list[str | Path], stdin: bytes | None = None) -> Iterator[tuple[str, Cleaned]]:
        """``(name, cleaned)`` for every page, in input order; a page that cannot be read has its ``read`` error."""
        jobs = self.jobs if self.jobs is not None else (default_jobs() if len(pages) >= AUTO_MIN_PAGES else 1)
        if jobs > 1 and len(pages) >= MIN_PAGES_FOR_WORKERS:
            yield from self._in_pool(pages, stdin, jobs)
            return
        if self.chain.learns:
            for name, data, _ in read_inputs(pages, stdin):
                if data is not None:
                    learn_file(name, data, self.chain, self.max_bytes)
        for name, data, error in read_inputs(pages, stdin):
            yield name, self._one(name, data, error)

    def _one(self, name: str, data: bytes | None, error: str | None) -> Cleaned:
        if data is None:
            return unreadable(error)
        return clean_file(name, data, self.chain, self.extractor, self.max_bytes)

    def _in_pool(self, pages: list[str | Path], stdin: bytes | None, jobs: int) -> Iterator[tuple[str, Cleaned]]:
        values = settings_values(self.settings)
        if (self.settings.get("SIEVE_SITE_STATS") or "memory") == "memory":
            values["SIEVE_SITE_STATS"] = (SHARED_STATS, "cmdline")
        timeout = self.settings.getfloat("SIEVE_PAGE_TIMEOUT", 60.0) or None
        self.pool = pool = CleaningPool(values, min(jobs, len(pages)), timeout)
        try:
            if self.chain.learns:
                gathered = MemorySiteStats()
                readable = ((name, data) for name, data, _ in read_inputs(pages, stdin) if data is not None)
                for future in pool.map("learn_file", readable):
                    try:
                        observed = future.result().value
                    except PoolError:
                        continue  # the cleaning pass records what is wrong with the page
                    for site, page, lines in observed:
                        gathered.observe(site, page, lines)
                pool.broadcast("set_site_stats", gathered)
            names: list[tuple[str, str | None]] = []

            def work() -> Iterator[tuple[Any, ...]]:
                for name, data, error in read_inputs(pages, stdin):
                    names.append((name, error))
                    yield (name, data if data is not None else b"")

            for i, future in enumerate(pool.map("clean_file", work())):
                name, error = names[i]
                if error is not None:
                    yield name, unreadable(error)
                    continue
                try:
                    yield name, future.result().value
                except PoolError as exc:
                    yield name, Cleaned(empty_record([error_record("extract", str(exc))]), None)
        finally:
            pool.close()
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.chain.close()


def unreadable(error: str | None) -> Cleaned:
    return Cleaned(empty_record([error_record("read", error or "cannot read the page")]), None)
