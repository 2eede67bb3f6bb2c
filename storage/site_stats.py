"""Site statistics in the database: a crawl learns each site's furniture as it goes; ``scrapy reclean`` re-applies it.

One :class:`DatabaseSiteStats` per crawl or command (built by
``FurnitureCleaner.from_crawler`` when ``SIEVE_SITE_STATS`` is ``database``).
Each observed page is written at once in its own short transaction, so the
next page of the same site already sees it and a crash loses nothing
learned. If the database cannot be opened, the run goes on learning in
memory (logged once) rather than failing: cleaning must not depend on it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from cleaners.furniture.stats import Evidence, MemorySiteStats
from storage.db import database_url, describe_error, display_url, open_database
from storage.site_patterns import observe_page, other_site_counts, pattern_counts, site_page_count

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)


class DatabaseSiteStats:
    """:class:`cleaners.furniture.stats.SiteStats` over ``site_patterns`` and ``site_pages``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._fallback: MemorySiteStats | None = None

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
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def observe(self, site: str, page: str, lines: Mapping[str, str]) -> None:
        engine = self._db()
        if engine is not None:
            try:
                with engine.begin() as conn:
                    observe_page(conn, site, page, lines)
                return
            except SQLAlchemyError as exc:
                self._fail(exc)
        assert self._fallback is not None
        self._fallback.observe(site, page, lines)

    def evidence(self, site: str, keys: Collection[str]) -> Evidence:
        engine = self._db()
        if engine is not None:
            try:
                with engine.connect() as conn:
                    total = site_page_count(conn, site)
                    counts = pattern_counts(conn, site, keys) if total else {}
                return Evidence(
                    site=site,
                    site_pages=total,
                    pages={k: n for k, (n, _) in counts.items() if n > 0},
                    vetoed=frozenset(k for k, (_, v) in counts.items() if v),
                )
            except SQLAlchemyError as exc:
                self._fail(exc)
        assert self._fallback is not None
        return self._fallback.evidence(site, keys)

    def other_sites(self, site: str, keys: Collection[str]) -> dict[str, int]:
        engine = self._db()
        if engine is not None:
            try:
                with engine.connect() as conn:
                    return other_site_counts(conn, site, keys)
            except SQLAlchemyError as exc:
                self._fail(exc)
        assert self._fallback is not None
        return self._fallback.other_sites(site, keys)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
