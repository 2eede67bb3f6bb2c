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

Pages are read in chunks of ``chunk_size`` by increasing id (keyset
pagination), each chunk written in its own transaction: memory stays constant
whatever the size of the database, and an interrupted run loses at most one
chunk of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from cleaners.chain import CleanerChain
from cleaners.process import Extractor, clean_content, learn_content
from cleaners.timestamps import utc_now
from storage.records import article_rows, cleaning_errors, decompress, output_hash
from storage.repository import archive_raw_text, articles, insert_errors, pages, write_articles

logger = logging.getLogger(__name__)


@dataclass
class RecleanCounts:
    changed: int = 0
    unchanged: int = 0
    #: Extraction failed (the old article, if any, is kept) or the page could not be processed.
    failed: int = 0
    #: Of ``changed``: pages whose raw text itself changed on re-extraction.
    reextracted: int = 0

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


def learn_stored(engine: Engine, chain: CleanerChain, *, domain: str | None = None, chunk_size: int = 200) -> int:
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
            select(pages.c.id, pages.c.url, pages.c.is_html, pages.c.raw_html, pages.c.raw_text)
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
                content = decompress(row.raw_html) if row.is_html else row.raw_text
                if content is not None:
                    learn_content(chain, content, is_html=row.is_html, url=row.url)
                    shown += 1
            except Exception as exc:  # one bad row must not stop a long reclean
                logger.warning("reclean: learning from page %s (%s) failed: %r", row.id, row.url, exc)


def reclean(
    engine: Engine,
    chain: CleanerChain,
    extractor: Extractor,
    *,
    domain: str | None = None,
    chunk_size: int = 200,
    progress: Callable[[int], Any] | None = None,
    now: datetime | None = None,
) -> RecleanCounts:
    """Re-clean stored pages (optionally of one domain); ``progress(n)`` after each chunk of n pages.

    Learning cleaners first see every selected page (:func:`learn_stored`).
    """
    learn_stored(engine, chain, domain=domain, chunk_size=chunk_size)
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
                pages.c.raw_text,
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
        updates: list[tuple[int, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]] = []
        new_texts: list[tuple[int, str]] = []
        error_rows: list[dict[str, Any]] = []
        for row in rows:
            try:
                content = decompress(row.raw_html) if row.is_html else row.raw_text
                if content is None:
                    raise ValueError("no stored content")
                cleaned = clean_content(chain, content, is_html=row.is_html, extractor=extractor, url=row.url)
            except Exception as exc:  # one bad row must not stop a long reclean
                logger.warning("reclean: page %s (%s) failed: %r", row.id, row.url, exc)
                counts.failed += 1
                continue
            if cleaned.raw_text is None:
                logger.info("reclean: %s: %s", row.url, "; ".join(e["message"] for e in cleaned.record["errors"]))
                counts.failed += 1
                continue
            record = cleaned.record
            text_changed = cleaned.raw_text != row.raw_text
            if not text_changed and row.output_hash == output_hash(record):
                counts.unchanged += 1
                continue
            counts.changed += 1
            if text_changed:
                counts.reextracted += 1
                new_texts.append((row.id, cleaned.raw_text))
            article, segs, links = article_rows(record, chain.fingerprint, when)
            updates.append((row.id, article, segs, links))
            error_rows += [
                {
                    "page_id": row.id,
                    "stage": e["stage"],
                    "cleaner": e.get("cleaner"),
                    "message": e["message"],
                    "created_at": when,
                }
                for e in cleaning_errors(record["errors"])
            ]
        if updates:
            with engine.begin() as conn:
                for page_id, text in new_texts:
                    archive_raw_text(conn, page_id, text, when)
                write_articles(conn, updates)
                insert_errors(conn, error_rows)
        if progress is not None:
            progress(len(rows))
    return counts
