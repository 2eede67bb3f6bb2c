"""Runs of pages cleaned the way ``scrapy clean`` cleans them: a learning pass, a cleaning pass, on every core.

``scrapy clean``, ``scrapy report`` and ``scrapy evaluate`` go through one
:class:`Runner`, so their results cannot drift apart:

1. if the chain learns (site furniture), every page is shown to it first, so a
   page's result does not depend on where it stands in the input;
2. every page is cleaned, and the results come back in input order.

Both passes run the same task functions (:mod:`crawler.pool_tasks`), either in
this process or, with ``jobs > 1`` and enough pages, in a
:class:`crawler.pool.CleaningPool`; then the observations of the learning pass
are gathered here and sent to every worker before any page is cleaned. A run
of a few pages stays in this process: starting workers costs about a second.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaners.document.errors import InputError
from cleaners.document.files import read_inputs, read_stdin
from cleaners.furniture.stats import MemorySiteStats
from cleaners.process import Cleaned
from cleaners.record import empty_record, error_record
from crawler.pool import CleaningPool, PoolError
from crawler.pool_tasks import TASKS, WorkerState, WorkerStats, settings_values

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from cleaners.chain import CleanerChain
    from cleaners.process import Extractor

logger = logging.getLogger(__name__)

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


class Runner:
    """Runs tasks over ``count`` pages with ``chain`` and ``extractor`` (built from ``settings``), in order.

    ``jobs``: worker processes (None: one per core for :data:`AUTO_MIN_PAGES` pages or more, else this process).
    """

    def __init__(
        self, settings: Settings, chain: CleanerChain, extractor: Extractor | None, jobs: int | None, count: int
    ) -> None:
        self.settings = settings
        self.chain = chain
        if jobs is None:
            jobs = default_jobs() if count >= AUTO_MIN_PAGES else 1
        self.jobs = min(max(1, jobs), max(1, count))
        self.local = WorkerState(
            chain, extractor, WorkerStats(), settings.getint("SIEVE_MAX_BYTES"),
            settings.getint("SIEVE_ARTICLE_MIN_CHARS", 800),
        )  # fmt: skip
        self.pool: CleaningPool | None = None
        if self.jobs > 1 and count >= MIN_PAGES_FOR_WORKERS:
            values = settings_values(settings)
            if (settings.get("SIEVE_SITE_STATS") or "memory") == "memory":
                values["SIEVE_SITE_STATS"] = (SHARED_STATS, "cmdline")
            self.pool = CleaningPool(values, self.jobs, settings.getfloat("SIEVE_PAGE_TIMEOUT", 60.0) or None)

    @classmethod
    def in_process(cls, chain: CleanerChain, extractor: Extractor | None, max_bytes: int) -> Runner:
        """A runner without workers or settings: every task in this process (a library call such as reclean's)."""
        from scrapy.settings import Settings

        return cls(Settings({"SIEVE_MAX_BYTES": max_bytes}), chain, extractor, jobs=1, count=0)

    def learn(self, task: str, items: Iterable[tuple[Any, ...]]) -> None:
        """The learning pass: every item shown to the learning cleaners (gathered and shared in a pool)."""
        if not self.chain.learns:
            return
        if self.pool is None:
            for args in items:
                TASKS[task](self.local, *args)
            self.chain.finish_learning()
            return
        gathered = MemorySiteStats()
        for future in self.pool.map(task, items):
            try:
                observed = future.result().value
            except PoolError:
                continue  # the cleaning pass records what is wrong with the page
            for site, page, lines in observed:
                gathered.observe(site, page, lines)
        self.pool.broadcast("set_site_stats", gathered)
        self.pool.broadcast("finish_learning")

    def map(self, task: str, items: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        """Task results in input order; a page the pool could not clean gives its :class:`PoolError`."""
        if self.pool is None:
            for args in items:
                yield TASKS[task](self.local, *args)
            return
        for future in self.pool.map(task, items):
            try:
                yield future.result().value
            except PoolError as exc:
                yield exc

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        self.chain.close()


class FileRun:
    """Page files cleaned as ``scrapy clean`` cleans them (``jobs``: see :class:`Runner`)."""

    def __init__(self, settings: Settings, chain: CleanerChain, extractor: Extractor, jobs: int | None) -> None:
        self.settings, self.chain, self.extractor, self.jobs = settings, chain, extractor, jobs
        self.runner: Runner | None = None
        self.spool: str | None = None

    def clean(self, pages: list[str | Path], stdin: bytes | InputError | None = None) -> Iterator[tuple[str, Cleaned]]:
        """``(name, cleaned)`` for every page, in input order; a page that cannot be read has its ``read`` error.

        ``stdin``: standard input as :func:`~cleaners.document.files.read_stdin` read it (read here if not).
        When the chain learns, the learning pass prepares each page (decode,
        parse, extraction) and keeps it in a temporary folder (``TMPDIR``;
        about 20 KB a page, removed as the cleaning pass reads it), and the
        cleaning pass only runs the chain over it: preparing twice cost a
        fifth of the run.
        """
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        if stdin is None and "-" in pages:
            stdin = read_stdin(max_bytes)  # once: the learning pass and the cleaning pass both see it
        self.runner = runner = Runner(self.settings, self.chain, self.extractor, self.jobs, len(pages))
        spool = self.spool = self._make_spool() if self.chain.learns else None
        try:
            inputs = enumerate(read_inputs(pages, max_bytes, stdin))
            if spool is not None:
                runner.learn("prepare_file", ((spool, i, n, d) for i, (n, d, _) in inputs if d is not None))
            else:  # the chain does not learn (then nothing is done), or there is nowhere to keep pages
                runner.learn("learn_file", ((n, d) for _, (n, d, _) in inputs if d is not None))
            names: list[tuple[str, str | None]] = []

            def work() -> Iterator[tuple[Any, ...]]:
                for i, (name, data, error) in enumerate(read_inputs(pages, max_bytes, stdin)):
                    names.append((name, error))
                    yield (spool, i, name, data or b"") if spool is not None else (name, data or b"")

            for i, value in enumerate(runner.map("clean_file" if spool is None else "finish_file", work())):
                name, error = names[i]
                if error is not None:
                    yield name, unreadable(error)
                elif isinstance(value, PoolError):
                    yield name, Cleaned(empty_record([error_record("extract", str(value))]), None)
                else:
                    yield name, value
        finally:
            self._remove_spool()

    def _make_spool(self) -> str | None:
        try:
            return tempfile.mkdtemp(prefix="sieve-clean-")
        except OSError as exc:  # an unwritable TMPDIR: each page is prepared in both passes, as before
            logger.warning("no temporary folder to keep prepared pages in (%s): they are prepared twice", exc)
            return None

    def _remove_spool(self) -> None:
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None

    def close(self) -> None:
        self._remove_spool()
        if self.runner is not None:
            self.runner.close()
        else:
            self.chain.close()


def unreadable(error: str | None) -> Cleaned:
    return Cleaned(empty_record([error_record("read", error or "cannot read the page")]), None)
