"""Site statistics: on how many of a site's pages each line was seen. One object per run, never a global.

A provider is built per crawl or command (:class:`MemorySiteStats` for
``scrapy clean`` and ``scrapy evaluate``, which learn within the run;
``storage.site_stats.DatabaseSiteStats`` for a crawl and ``scrapy reclean``,
which learn into and read from the database) and handed to the cleaner that
uses it. Observing a page is idempotent: a page (by its URL) is counted once,
and a page seen again with other lines has its old lines uncounted first, so
the counts are a function of the set of pages, whatever order they came in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Evidence:
    """What is known about some lines of one site: enough to explain a claim."""

    site: str
    #: Pages of the site seen so far.
    site_pages: int
    #: key -> pages of the site the line is on (keys never seen are absent).
    pages: Mapping[str, int] = field(default_factory=dict)
    #: key -> other sites the line is on (asked only for candidates).
    other_sites: Mapping[str, int] = field(default_factory=dict)
    vetoed: frozenset[str] = frozenset()


class SiteStats(Protocol):
    """Where furniture statistics live."""

    def observe(self, site: str, page: str, lines: Mapping[str, str]) -> None:
        """Count the lines (``{key: normalised text}``) of page ``page`` (its URL) of ``site``."""

    def evidence(self, site: str, keys: Collection[str]) -> Evidence:
        """Page counts and vetoes of ``keys`` on ``site``."""

    def other_sites(self, site: str, keys: Collection[str]) -> dict[str, int]:
        """For each key, on how many sites other than ``site`` it was seen."""

    def flush(self) -> None:
        """Write what is pending, so other processes of the run see it."""

    def close(self) -> None:
        """Write what is pending and release resources."""


class MemorySiteStats:
    """Statistics of one run, in memory: ``scrapy clean DIR`` and ``scrapy evaluate`` learn in a first pass."""

    def __init__(self) -> None:
        self._pages: dict[str, dict[str, frozenset[str]]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._sites: dict[str, Counter[str]] = {}
        self.vetoes: dict[str, set[str]] = {}

    def observe(self, site: str, page: str, lines: Mapping[str, str]) -> None:
        keys = frozenset(lines)
        pages = self._pages.setdefault(site, {})
        old = pages.get(page)
        if old == keys:
            return
        counts = self._counts.setdefault(site, Counter())
        for key in old or ():
            counts[key] -= 1
            if not counts[key]:
                del counts[key]
                self._sites[key][site] -= 1
                if not self._sites[key][site]:
                    del self._sites[key][site]
        for key in keys:
            if not counts[key]:
                self._sites.setdefault(key, Counter())[site] += 1
            counts[key] += 1
        pages[page] = keys

    def evidence(self, site: str, keys: Collection[str]) -> Evidence:
        counts = self._counts.get(site, Counter())
        vetoed = self.vetoes.get(site, set())
        return Evidence(
            site=site,
            site_pages=len(self._pages.get(site, {})),
            pages={k: counts[k] for k in keys if counts[k]},
            vetoed=frozenset(k for k in keys if k in vetoed),
        )

    def other_sites(self, site: str, keys: Collection[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for key in keys:
            sites = self._sites.get(key)
            if sites:
                n = len(sites) - (site in sites)
                if n:
                    out[key] = n
        return out

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass
