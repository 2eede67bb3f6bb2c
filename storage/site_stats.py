"""Site statistics in the database: a crawl learns each site's furniture as it goes; ``scrapy reclean`` re-applies it.

One :class:`DatabaseSiteStats` per crawl process or command worker (built by
``FurnitureCleaner.from_crawler`` when ``SIEVE_SITE_STATS`` is ``database``).
Observations are written behind, a batch of pages in one short transaction
(every :data:`FLUSH_PAGES` pages or :data:`FLUSH_SECONDS` seconds, at the end
of a learning pass, and at close): written one page at a time they cost a
crawl about 8 ms of CPU a page, about as much as the cleaner chain. Reads add what
is still pending to what the database says, so this process sees its own
observations at once, exactly as if they had been written; the crawl's
other processes see them after the next write, a second or so later (a
crawl's result depends on which pages came before anyway; ``scrapy
reclean`` learns from every stored page before cleaning any). A killed
process loses its pending observations, never a page: reclean's learning
pass counts them again from the stored pages. If the database cannot be
opened, the run goes on learning in memory (logged once) rather than
failing: cleaning must not depend on it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from cleaners.furniture.stats import Evidence, MemorySiteStats
from storage.db import database_url, describe_error, display_url, open_database
from storage.site_patterns import (
    counts_on_sites,
    observe_sites,
    other_site_counts,
    pattern_counts,
    site_page_count,
    stored_keys,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

#: Pending observations are written once this many pages are waiting ...
FLUSH_PAGES = 32
#: ... or the oldest has waited this long.
FLUSH_SECONDS = 1.0


class DatabaseSiteStats:
    """:class:`cleaners.furniture.stats.SiteStats` over ``site_patterns`` and ``site_pages``, written behind."""

    def __init__(self, url: str, *, flush_pages: int = FLUSH_PAGES, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.url = url
        self.flush_pages = flush_pages
        self.flush_seconds = flush_seconds
        self._engine: Engine | None = None
        self._fallback: MemorySiteStats | None = None
        #: site -> page URL -> its latest lines, not written yet.
        self._pending: dict[str, dict[str, Mapping[str, str]]] = {}
        #: site -> key -> how the pending pages change its page count.
        self._delta: dict[str, Counter[str]] = {}
        #: site -> pending pages the database has never counted.
        self._new_pages: Counter[str] = Counter()
        self._waiting = 0
        self._since = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatabaseSiteStats:
        return cls(database_url(crawler.settings))

    def _db(self) -> Engine | None:
        """The engine, opened on first use; None once the database failed (then memory is used)."""
        if self._fallback is not None:
            return None
        if self._engine is None:
            try:
                self._engine = open_database(self.url)
            except (SQLAlchemyError, ValueError) as exc:
                self._fail(exc)
                return None
        return self._engine

    def _fail(self, exc: Exception) -> None:
        logger.error(
            "Site statistics: database %s failed (%s); furniture is learned in memory for the rest of this run",
            display_url(self.url),
            describe_error(exc),
        )
        self._fallback = MemorySiteStats()
        for site, pages in self._pending.items():  # what was waiting is not lost with the database
            for page, lines in pages.items():
                self._fallback.observe(site, page, lines)
        self._clear()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _clear(self) -> None:
        self._pending, self._delta, self._new_pages, self._waiting = {}, {}, Counter(), 0

    def observe(self, site: str, page: str, lines: Mapping[str, str]) -> None:
        engine = self._db()
        if engine is not None:
            keys = frozenset(lines)
            pending = self._pending.setdefault(site, {})
            old: frozenset[str] | None
            if page in pending:
                old = frozenset(pending[page])
            else:
                try:
                    with engine.connect() as conn:
                        old = stored_keys(conn, site, page)
                except SQLAlchemyError as exc:
                    self._fail(exc)
                    return self.observe(site, page, lines)
                if old is None:
                    self._new_pages[site] += 1
            if old == keys:
                return
            delta = self._delta.setdefault(site, Counter())
            delta.subtract(old - keys if old else ())
            delta.update(keys - old if old else keys)
            pending[page] = dict(lines)
            if not self._waiting:
                self._since = time.monotonic()
            self._waiting += 1
            if self._waiting >= self.flush_pages or time.monotonic() - self._since >= self.flush_seconds:
                self.flush()
            return
        assert self._fallback is not None
        self._fallback.observe(site, page, lines)

    def flush(self) -> None:
        """Write the pending observations, in one transaction."""
        if not self._waiting:
            return
        engine = self._db()
        if engine is None:
            return
        try:
            with engine.begin() as conn:
                observe_sites(conn, self._pending)
        except SQLAlchemyError as exc:
            self._fail(exc)
            return
        self._clear()

    def evidence(self, site: str, keys: Collection[str]) -> Evidence:
        engine = self._db()
        if engine is not None:
            try:
                with engine.connect() as conn:
                    total = site_page_count(conn, site) + self._new_pages[site]
                    counts = pattern_counts(conn, site, keys) if total else {}
            except SQLAlchemyError as exc:
                self._fail(exc)
            else:
                delta = self._delta.get(site, Counter())
                pages = {k: n for k in keys if (n := counts.get(k, (0, False))[0] + delta[k]) > 0}
                return Evidence(
                    site=site,
                    site_pages=total,
                    pages=pages,
                    vetoed=frozenset(k for k, (_, v) in counts.items() if v),
                )
        assert self._fallback is not None
        return self._fallback.evidence(site, keys)

    def other_sites(self, site: str, keys: Collection[str]) -> dict[str, int]:
        engine = self._db()
        if engine is not None:
            # Pending pages of other sites may put a line on a site, or take it off one.
            touched = {
                other: changed
                for other, delta in self._delta.items()
                if other != site and (changed := {k for k in keys if delta[k]})
            }
            try:
                with engine.connect() as conn:
                    out = other_site_counts(conn, site, keys)
                    stored = counts_on_sites(conn, touched, set().union(*touched.values())) if touched else {}
            except SQLAlchemyError as exc:
                self._fail(exc)
            else:
                for other, changed in touched.items():
                    for key in changed:
                        before = stored.get((other, key), 0)
                        now_on = before + self._delta[other][key] > 0
                        if now_on != (before > 0):
                            out[key] = out.get(key, 0) + (1 if now_on else -1)
                return {k: n for k, n in out.items() if n > 0}
        assert self._fallback is not None
        return self._fallback.other_sites(site, keys)

    def close(self) -> None:
        self.flush()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
