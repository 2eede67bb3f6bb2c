"""Writes a batch so that one bad item costs one item: the batch in one transaction, else item by item.

A batch is one transaction (fast: ``write_items`` is all ``executemany``).
When it fails, the question is whose fault it was:

- the database's (it is down, locked or full: an ``OperationalError`` or a
  lost connection): nothing more is tried; the caller spools what is left;
- an item's (a NUL PostgreSQL refuses, a lone surrogate UTF-8 cannot
  encode, a value too long for its column or its index, a value of the wrong
  type from a plugin; told by its SQLSTATE class, not its DBAPI class): the
  batch is retried one item a transaction, and an item that
  still fails is tried again sanitised (NUL and lone surrogates replaced,
  the fact recorded), then as a bare page row carrying its ``store`` error.
  Only an item not even that can store is handed back as unstorable, for
  the caller to quarantine in the spool; it is never dropped.

The crawl's ``DatabasePipeline`` and ``scrapy db import-spool`` both write
through :func:`store_batch`, so a spool file holding a poison page imports.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from cleaners.record import error_record
from cleaners.text import sanitise, sanitised_note
from storage.db import describe_error
from storage.repository import WriteCounts, write_items

logger = logging.getLogger(__name__)

#: The error class (``pages.fetch_error``) of a page stored without its content because storing it failed.
STORE_ERROR = "StoreError"
#: A store error message is cut to this many characters (a driver may quote the whole offending value).
MAX_MESSAGE = 1000


@dataclass
class BatchResult:
    """What :func:`store_batch` did with a batch."""

    counts: WriteCounts = field(default_factory=WriteCounts)
    #: Items committed, in whatever form.
    stored: int = 0
    #: Of ``stored``: only after sanitising, or only as a bare page row with the store error.
    repaired: int = 0
    degraded: int = 0
    #: (item, why) for items nothing could store: to quarantine.
    unstorable: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    #: Items not tried because the database itself failed, and why: to spool.
    not_tried: list[dict[str, Any]] = field(default_factory=list)
    down: str | None = None


#: SQLSTATE classes that name a row's fault, whatever DBAPI class the driver maps them to: data exceptions (22),
#: integrity violations (23) and program limits (54: "index row size exceeds btree maximum" for a 4 KB URL, which
#: psycopg raises as an ``OperationalError``). Retried item by item, they cost only the row that caused them.
ROW_FAULT_SQLSTATE_CLASSES = frozenset({"22", "23", "54"})


def database_failed(exc: BaseException) -> bool:
    """Whether ``exc`` is the database's failure (down, locked, full) rather than one item's."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if _sqlstate(exc)[:2] in ROW_FAULT_SQLSTATE_CLASSES:
        return False
    return isinstance(exc, (OperationalError, DisconnectionError))


def _sqlstate(exc: BaseException) -> str:
    """The driver's SQLSTATE for ``exc`` (psycopg's ``sqlstate``), or "" when it has none (SQLite)."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code if isinstance(code, str) else ""


def _write(engine: Engine, items: Sequence[Mapping[str, Any]]) -> WriteCounts:
    with engine.begin() as conn:
        return write_items(conn, items)


def store_batch(engine: Engine, items: Sequence[dict[str, Any]]) -> BatchResult:
    """Store ``items`` (dicts from ``storage.records.item_dict``); never raises for a bad item or a dead database."""
    result = BatchResult()
    if not items:
        return result
    try:
        result.counts = _write(engine, items)
    except Exception as exc:  # a bug in one item's values must not cost the batch either
        if database_failed(exc):
            result.not_tried, result.down = list(items), describe_error(exc)
            return result
        logger.warning(
            "Storing a batch of %d items failed (%s); storing them one by one", len(items), describe_error(exc)
        )
    else:
        result.stored = len(items)
        return result
    for index, item in enumerate(items):
        try:
            _store_one(engine, item, result)
        except _DatabaseDown as down:
            result.not_tried, result.down = list(items[index:]), down.reason
            break
    return result


class _DatabaseDown(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _store_one(engine: Engine, item: dict[str, Any], result: BatchResult) -> None:
    """One item in its own transaction: as it is, sanitised, then bare; else it is unstorable."""
    attempts: list[tuple[str, dict[str, Any] | None]] = [("as is", item)]
    clean, replaced = sanitise(item)
    if replaced:
        assert isinstance(clean, dict)
        note = error_record("store", sanitised_note(replaced))
        # packed_content and content_hash were made from the unsanitised content: made again from the new one.
        repaired = {**clean, "packed_content": None, "content_hash": None}
        attempts.append(("sanitised", {**repaired, "errors": [*(clean.get("errors") or []), note]}))
    attempts.append(("bare", None))  # built from the last failure's reason
    why = ""
    for kind, candidate in attempts:
        try:
            counts = _write(engine, [candidate if candidate is not None else bare_item(item, why)])
        except Exception as exc:
            if database_failed(exc):
                raise _DatabaseDown(describe_error(exc)) from exc
            why = f"{type(exc).__name__}: {describe_error(exc)}"[:MAX_MESSAGE]
            continue
        result.counts.add(counts)
        result.stored += 1
        if kind == "sanitised":
            result.repaired += 1
            logger.warning("Stored %s after replacing characters the database refused (%s)", item.get("url"), why)
        elif kind == "bare":
            result.degraded += 1
            logger.error("Stored %s without its content: %s", item.get("url"), why)
        return
    logger.error("Could not store %s even without its content: %s", item.get("url"), why)
    result.unstorable.append((item, why))


def bare_item(item: Mapping[str, Any], why: str) -> dict[str, Any]:
    """The page of ``item`` without anything but its URL, fetch time and status, and the reason it is bare."""
    message, _ = sanitise(f"the page could not be stored: {why}"[:MAX_MESSAGE])
    url, _ = sanitise(item.get("url"))
    return {
        "url": url,
        "fetched_at": item.get("fetched_at"),
        "status": item.get("status") if isinstance(item.get("status"), int) else None,
        "content": None,
        "error_class": STORE_ERROR,
        "errors": [error_record("store", str(message))],
    }
