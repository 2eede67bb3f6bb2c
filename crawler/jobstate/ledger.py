"""The request ledger: one SQLite row per scheduled request, done only once its pages are stored."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

#: The ledger's file in JOBDIR.
FILE_NAME = "sieve-ledger.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    fingerprint BLOB,          -- NULL for a dont_filter request: it never makes another one a duplicate
    request BLOB,              -- the serialised request; NULL once done
    done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS requests_pending ON requests (id) WHERE done = 0;
"""


class RequestLedger:
    """Requests scheduled, and which of them are done, in ``JOBDIR/sieve-ledger.sqlite``.

    :meth:`add` and the done marks of :meth:`checkpoint` are written in one
    transaction, committed by :meth:`checkpoint` (or :meth:`close`): a kill
    before the commit loses both, which is safe, since the parent of an
    uncommitted addition is not done either and is fetched again.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT max(id) FROM requests").fetchone()
        self._next_id = (row[0] or 0) + 1
        #: Ids handed to the engine and not yet marked done.
        self.taken: set[int] = set()

    # -- reading (on start) -------------------------------------------------------------------------

    def fingerprints(self) -> Iterator[bytes]:
        """Every fingerprint the ledger holds, done or not: what the dupefilter has seen."""
        for (fingerprint,) in self._db.execute("SELECT fingerprint FROM requests WHERE fingerprint IS NOT NULL"):
            yield bytes(fingerprint)

    def pending(self) -> Iterator[tuple[int, bytes]]:
        """``(id, serialised request)`` of every request not done, oldest first."""
        rows = self._db.execute("SELECT id, request FROM requests WHERE done = 0 AND request IS NOT NULL ORDER BY id")
        for entry_id, blob in rows:
            yield entry_id, bytes(blob)

    def counts(self) -> tuple[int, int]:
        """(requests done, requests not done)."""
        done, total = self._db.execute("SELECT coalesce(sum(done), 0), count(*) FROM requests").fetchone()
        return int(done), int(total) - int(done)

    # -- writing --------------------------------------------------------------------------------------

    def next_id(self) -> int:
        """An id for a request about to be scheduled (gaps, for requests then found duplicate, are harmless)."""
        entry_id = self._next_id
        self._next_id += 1
        return entry_id

    def add(self, entry_id: int, fingerprint: bytes | None, request: bytes) -> None:
        self._db.execute(
            "INSERT INTO requests (id, fingerprint, request) VALUES (?, ?, ?)", (entry_id, fingerprint, request)
        )

    def take(self, entry_id: int) -> None:
        """The engine has the request: it is done once it is no longer in flight at a checkpoint."""
        self.taken.add(entry_id)

    def checkpoint(self, in_flight: Iterable[int]) -> int:
        """Mark done every taken request not in flight, and commit; returns how many were marked.

        Call it only when everything the item pipelines were handed so far is
        stored: the taken requests not in flight have finished, so their
        items are among those.
        """
        finished = self.taken.difference(in_flight)
        if finished:
            self._db.executemany(
                "UPDATE requests SET done = 1, request = NULL WHERE id = ?", [(i,) for i in sorted(finished)]
            )
            self.taken -= finished
        self._db.commit()
        return len(finished)

    def close(self) -> None:
        """Commit what was added (requests still to fetch) and close; taken requests stay not done."""
        self._db.commit()
        self._db.close()
