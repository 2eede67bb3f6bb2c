"""Re-run today's extraction and cleaner chain over every stored page; update only articles whose output changed.

HTML pages are re-extracted from their stored HTML, then cleaned: the same
:func:`cleaners.process.clean_content` call a crawl makes, so a re-cleaned
article is exactly what a fresh crawl of the same content would store (anchor
links and metadata included, which the raw text alone does not carry).
Segments must stay offsets into ``pages.raw_text``: when re-extraction yields a
different raw text (a newer extractor), the old raw text goes to
``page_versions`` (reason ``extraction``) and the new one is stored with the
new segments in the same transaction. ``.txt`` pages are their raw text and
only the chain runs.

Pages whose fetched bytes were kept (``raw_bytes``: another charset, a BOM,
undecodable bytes) are decoded again from those bytes first, so a better
charset decision reaches stored pages: when the HTML comes out different, the
old content goes to ``page_versions`` (reason ``decoding``) and the page
takes the new HTML, encoding and content hash.

Pages are read in chunks of ``chunk_size`` by increasing id (keyset
pagination), each chunk written in its own transaction: memory stays constant
whatever the size of the database, and an interrupted run loses at most one
chunk of work.

A crawl may store new content for a page between the moment reclean reads
it and the moment it writes (issue 9, case 4: results built from the old raw
text written over fresh articles). Each write is therefore conditional
(optimistic concurrency): it claims the page only if its ``content_hash`` is
still the one read (:func:`storage.repository.claim_page`), else the page is
left to the crawl's fresher result and counted as a conflict.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from cleaners.chain import CleanerChain
from cleaners.document.decode import DECODE_STAGE, DEFAULT_MAX_BYTES, Decoded, decode_html, decode_text, gunzip
from cleaners.process import Extractor, clean_content, learn_content
from cleaners.timestamps import utc_now
from storage.records import article_rows, cleaning_errors, decompress, output_hash
from storage.repository import (
    archive_raw_text,
    articles,
    claim_page,
    insert_errors,
    pages,
    replace_decoded,
    write_articles,
)

logger = logging.getLogger(__name__)


@dataclass
class RecleanCounts:
    changed: int = 0
    unchanged: int = 0
    #: Extraction failed (the old article, if any, is kept) or the page could not be processed.
    failed: int = 0
    #: Of ``changed``: pages whose raw text itself changed on re-extraction.
    reextracted: int = 0
    #: Of ``changed``: pages whose stored bytes decoded into different HTML.
    redecoded: int = 0
    #: Not written: a crawl stored new content for the page after it was read.
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def domain_filter(domain: str | None) -> ColumnElement[bool] | None:
    """``example.com`` selects example.com and its subdomains (www., news.)."""
    if not domain:
        return None
    d = domain.strip().lower().rstrip(".")
    return or_(pages.c.domain == d, pages.c.domain.like(f"%.{d}"))


def count_pages(engine: Engine, domain: str | None = None) -> int:
    stmt = select(func.count()).select_from(pages).where(pages.c.content_hash.is_not(None))
    cond = domain_filter(domain)
    if cond is not None:
        stmt = stmt.where(cond)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def learn_stored(
    engine: Engine,
    chain: CleanerChain,
    *,
    domain: str | None = None,
    chunk_size: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> int:
    """Show every stored page (of ``domain``) to the chain's learning cleaners; returns the pages shown.

    The first pass of ``scrapy reclean``: site furniture is learned from all
    the stored pages of a site before any of them is cleaned, so each page's
    result depends on the site's pages, not on the order they were crawled
    in. Learning is idempotent (a page already counted with the same lines
    changes nothing), so this is cheap after a crawl that learned as it went,
    and it catches up pages stored before the learner existed.
    """
    if not chain.learns:
        return 0
    cond = domain_filter(domain)
    last_id, shown = 0, 0
    while True:
        stmt = (
            select(
                pages.c.id,
                pages.c.url,
                pages.c.is_html,
                pages.c.raw_html,
                pages.c.raw_bytes,
                pages.c.raw_text,
                pages.c.content_type,
            )
            .where(pages.c.id > last_id, pages.c.content_hash.is_not(None))
            .order_by(pages.c.id)
            .limit(chunk_size)
        )
        if cond is not None:
            stmt = stmt.where(cond)
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return shown
        last_id = rows[-1].id
        for row in rows:
            try:
                content, _ = stored_content(row, max_bytes)
                learn_content(chain, content, is_html=row.is_html, url=row.url)
                shown += 1
            except Exception as exc:  # one bad row must not stop a long reclean
                logger.warning("reclean: learning from page %s (%s) failed: %r", row.id, row.url, exc)


@dataclass
class _Update:
    """What one page's reclean will write, and the content hash it was computed from."""

    page_id: int
    read_hash: str
    article: dict[str, Any]
    segments: list[dict[str, Any]]
    links: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    raw_text: str | None = None  # the new raw text when re-extraction changed it
    decoded: Decoded | None = None  # the new decoding when the stored bytes decode differently


def stored_content(row: Any, max_bytes: int) -> tuple[str, Decoded | None]:
    """A stored page's content as it is cleaned today, and its new decoding when the kept bytes decode differently."""
    stored = decompress(row.raw_html) if row.is_html else row.raw_text
    if row.raw_bytes is not None:
        again = decode_stored(zlib.decompress(row.raw_bytes), row.is_html, row.content_type, max_bytes)
        if again.text != stored:
            return again.text, again
    if stored is None:
        raise ValueError("no stored content")
    return stored, None


def decode_stored(data: bytes, is_html: bool, content_type: str | None, max_bytes: int) -> Decoded:
    """A stored page's fetched bytes decoded as a crawl decodes them today (gzip first for saved ``.gz`` files)."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, max_bytes)
    if is_html:
        return decode_html(data, content_type, max_bytes)
    return Decoded(decode_text(data, max_bytes), "utf-8", is_html=False)


def reclean(
    engine: Engine,
    chain: CleanerChain,
    extractor: Extractor,
    *,
    domain: str | None = None,
    chunk_size: int = 200,
    progress: Callable[[int], Any] | None = None,
    now: datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RecleanCounts:
    """Re-clean stored pages (optionally of one domain); ``progress(n)`` after each chunk of n pages.

    Learning cleaners first see every selected page (:func:`learn_stored`).
    """
    learn_stored(engine, chain, domain=domain, chunk_size=chunk_size, max_bytes=max_bytes)
    counts = RecleanCounts()
    cond = domain_filter(domain)
    last_id = 0
    while True:
        stmt = (
            select(
                pages.c.id,
                pages.c.url,
                pages.c.is_html,
                pages.c.raw_html,
                pages.c.raw_bytes,
                pages.c.raw_text,
                pages.c.content_type,
                pages.c.encoding,
                pages.c.content_hash,
                articles.c.output_hash,
            )
            .outerjoin(articles, articles.c.page_id == pages.c.id)
            .where(pages.c.id > last_id, pages.c.content_hash.is_not(None))
            .order_by(pages.c.id)
            .limit(chunk_size)
        )
        if cond is not None:
            stmt = stmt.where(cond)
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            break
        last_id = rows[-1].id
        when = now or utc_now()
        updates: list[_Update] = []
        for row in rows:
            try:
                update = _reclean_row(row, chain, extractor, when, max_bytes)
            except Exception as exc:  # one bad row must not stop a long reclean
                logger.warning("reclean: page %s (%s) failed: %r", row.id, row.url, exc)
                counts.failed += 1
                continue
            if update is None:
                counts.failed += 1
            elif update is _UNCHANGED:
                counts.unchanged += 1
            else:
                updates.append(update)
        if updates:
            with engine.begin() as conn:
                _write_updates(conn, updates, counts, when)
        if progress is not None:
            progress(len(rows))
    return counts


#: A page whose reclean would write nothing.
_UNCHANGED: Any = object()


def _reclean_row(row: Any, chain: CleanerChain, extractor: Extractor, when: datetime, max_bytes: int) -> Any:
    """The :class:`_Update` for one stored page, ``_UNCHANGED``, or None when it cannot be cleaned."""
    content, decoded = stored_content(row, max_bytes)
    cleaned = clean_content(chain, content, is_html=row.is_html, extractor=extractor, url=row.url)
    if cleaned.raw_text is None:
        logger.info("reclean: %s: %s", row.url, "; ".join(e["message"] for e in cleaned.record["errors"]))
        return None
    record = cleaned.record
    text_changed = cleaned.raw_text != row.raw_text
    if decoded is None and not text_changed and row.output_hash == output_hash(record):
        return _UNCHANGED
    article, segs, links = article_rows(record, chain.fingerprint, when)
    errors = [
        {
            "page_id": row.id,
            "stage": e["stage"],
            "cleaner": e.get("cleaner"),
            "message": e["message"],
            "created_at": when,
        }
        for e in cleaning_errors(record["errors"])
    ]
    if decoded is not None and decoded.note:
        errors.insert(
            0, {"page_id": row.id, "stage": DECODE_STAGE, "cleaner": None, "message": decoded.note, "created_at": when}
        )
    return _Update(
        row.id,
        row.content_hash,
        article,
        segs,
        links,
        errors,
        raw_text=cleaned.raw_text if text_changed or decoded is not None else None,
        decoded=decoded,
    )


def _write_updates(conn: Connection, updates: list[_Update], counts: RecleanCounts, when: datetime) -> None:
    """Write the chunk's results in the caller's transaction, each only if its page's content is still the one read."""
    claimed: list[_Update] = []
    for u in updates:
        if not claim_page(conn, u.page_id, u.read_hash):
            logger.info(
                "reclean: page %s changed since it was read (a crawl stored it); left as the crawl wrote it", u.page_id
            )
            counts.conflicts += 1
            continue
        claimed.append(u)
        counts.changed += 1
        if u.decoded is not None:
            counts.redecoded += 1
            assert u.raw_text is not None
            replace_decoded(conn, u.page_id, u.decoded.text, u.decoded.encoding, u.raw_text, when)
        elif u.raw_text is not None:
            counts.reextracted += 1
            archive_raw_text(conn, u.page_id, u.raw_text, when)
    if claimed:
        write_articles(conn, [(u.page_id, u.article, u.segments, u.links) for u in claimed])
        insert_errors(conn, [e for u in claimed for e in u.errors])
