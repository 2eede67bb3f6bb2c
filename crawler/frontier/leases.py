"""Which leased requests a worker still owes work for, and which it may release: plain bookkeeping, no I/O.

A lease may be released when two things are true:

1. Scrapy is done with the request: downloaded (or failed), its callback or errback output fully consumed,
   every request it yielded handed to the scheduler (that is, pushed to Redis), every item it yielded through
   the item pipelines. :class:`~crawler.frontier.worker.FrontierWorker` tells this book (``finished``).
2. Every item it yielded that reached the store has been committed or spooled (``item_passed`` then
   ``stored``). The DatabasePipeline only buffers an item when ``item_scraped`` fires, and sometimes commits it
   before (when that item fills a batch), so both orders are handled.

If a request it yielded could not be pushed to Redis, the lease is queued again instead (``redo``): fetching
the page again yields the lost request again.

Items are matched to stored rows by URL: the store keys pages by URL, and a batch is a list of plain dicts.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Lease:
    request: Any
    #: Items of this request that passed the pipelines and wait for their batch to be stored.
    awaiting: int = 0
    finished: bool = False
    #: Something it yielded may not have reached Redis: queue it again instead of releasing it.
    redo: bool = False


class LeaseBook:
    """Leases of one worker: in progress, waiting for the store, or releasable."""

    def __init__(self) -> None:
        self._leases: dict[str, Lease] = {}
        self._awaiting: defaultdict[str, deque[str]] = defaultdict(deque)  # url -> lease ids
        self._stored_early: Counter[str] = Counter()  # urls committed before their item_scraped
        self._releasable: list[str] = []
        self._redo: list[str] = []

    def __len__(self) -> int:
        return len(self._leases)

    def add(self, lease_id: str, request: Any) -> None:
        self._leases[lease_id] = Lease(request)

    def in_progress(self) -> list[tuple[str, Any]]:
        """(lease id, request) of the leases Scrapy may still be working on."""
        return [(lid, lease.request) for lid, lease in self._leases.items() if not lease.finished]

    @property
    def awaiting_store(self) -> int:
        return sum(1 for lease in self._leases.values() if lease.finished and lease.awaiting)

    def redo_in_progress(self) -> int:
        """A push to Redis failed: the request that yielded it is one of these; fetch them all again later."""
        unfinished = [lease for lease in self._leases.values() if not lease.finished]
        for lease in unfinished:
            lease.redo = True
        return len(unfinished)

    def finished(self, lease_id: str) -> None:
        lease = self._leases.get(lease_id)
        if lease is None or lease.finished:
            return
        lease.finished = True
        self._maybe_releasable(lease_id, lease)

    def item_passed(self, lease_id: str | None, url: str | None) -> None:
        """An item went through every pipeline (``item_scraped``); it waits for its batch unless already stored."""
        if not url:
            return
        if self._stored_early[url]:
            self._stored_early[url] -= 1
            if not self._stored_early[url]:
                del self._stored_early[url]
            return
        lease = self._leases.get(lease_id) if lease_id else None
        if lease is None:
            return
        lease.awaiting += 1
        self._awaiting[url].append(lease_id)  # type: ignore[arg-type]  # lease_id is set when lease is

    def stored(self, urls: Iterable[str | None]) -> None:
        """A batch with these page URLs was committed or spooled."""
        for url in urls:
            if not url:
                continue
            waiting = self._awaiting.get(url)
            if not waiting:
                self._stored_early[url] += 1
                continue
            lease_id = waiting.popleft()
            if not waiting:
                del self._awaiting[url]
            lease = self._leases.get(lease_id)
            if lease is not None:
                lease.awaiting -= 1
                self._maybe_releasable(lease_id, lease)

    def _maybe_releasable(self, lease_id: str, lease: Lease) -> None:
        if lease.finished and lease.awaiting <= 0:
            del self._leases[lease_id]
            (self._redo if lease.redo else self._releasable).append(lease_id)

    def take_releasable(self) -> list[str]:
        out, self._releasable = self._releasable, []
        return out

    def take_redo(self) -> list[str]:
        """Leases done here but to be queued again (see :meth:`redo_in_progress`)."""
        out, self._redo = self._redo, []
        return out

    def take_unreleased(self) -> list[str]:
        """Every lease still held (at close: they go back to the queue), forgetting them."""
        out = list(self._leases)
        self._leases.clear()
        self._awaiting.clear()
        return out
