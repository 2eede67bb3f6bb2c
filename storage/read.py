"""Stored pages read back with their segments and errors: what ``scrapy report --db`` shows.

Why a module of its own: a report of the database must show exactly what was
stored (``pages.raw_text`` and the segments of its article, which index it),
not what today's chain would make of it, so this reads rows and imports no
cleaning code. Pages are read in chunks by increasing id (keyset pagination),
each chunk's segments and errors in one query each, so memory stays bounded
by the chunk whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Table, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Article, Error, Page, Segment

_pages: Table = Page.__table__  # type: ignore[assignment]
_articles: Table = Article.__table__  # type: ignore[assignment]
_segments: Table = Segment.__table__  # type: ignore[assignment]
_errors: Table = Error.__table__  # type: ignore[assignment]


@dataclass
class StoredSegment:
    label: str
    start: int
    end: int
    cleaner: str | None
    reason: str | None


@dataclass
class StoredError:
    stage: str
    cleaner: str | None
    message: str
    created_at: datetime | None


@dataclass
class StoredPage:
    """A page row, its article's title and segments (none without an article) and every error recorded for it."""

    id: int
    url: str
    domain: str | None
    raw_text: str | None
    title: str | None = None
    fingerprint: str | None = None
    cleaned_at: datetime | None = None
    segments: list[StoredSegment] = field(default_factory=list)
    errors: list[StoredError] = field(default_factory=list)


def domain_filter(domain: str | None) -> ColumnElement[bool] | None:
    """``example.com`` selects example.com and its subdomains (www., news.), as ``scrapy reclean --domain`` does."""
    if not domain:
        return None
    d = domain.strip().lower().rstrip(".")
    return or_(_pages.c.domain == d, _pages.c.domain.like(f"%.{d}"))


def iter_pages(
    engine: Engine, *, domain: str | None = None, limit: int | None = None, chunk_size: int = 200
) -> Iterator[StoredPage]:
    """Stored pages by increasing id (optionally of one domain, at most ``limit``), each with segments and errors.

    Segments come in stored order (``position``), errors in the order they were recorded.
    """
    cond = domain_filter(domain)
    last_id = 0
    remaining = limit
    while remaining is None or remaining > 0:
        size = chunk_size if remaining is None else min(chunk_size, remaining)
        stmt = (
            select(
                _pages.c.id,
                _pages.c.url,
                _pages.c.domain,
                _pages.c.raw_text,
                _articles.c.id.label("article_id"),
                _articles.c.title,
                _articles.c.fingerprint,
                _articles.c.cleaned_at,
            )
            .select_from(_pages.outerjoin(_articles, _articles.c.page_id == _pages.c.id))
            .where(_pages.c.id > last_id)
            .order_by(_pages.c.id)
            .limit(size)
        )
        if cond is not None:
            stmt = stmt.where(cond)
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
            if not rows:
                return
            chunk = {
                row.id: StoredPage(
                    id=row.id,
                    url=row.url,
                    domain=row.domain,
                    raw_text=row.raw_text,
                    title=row.title,
                    fingerprint=row.fingerprint,
                    cleaned_at=row.cleaned_at,
                )
                for row in rows
            }
            by_article = {row.article_id: chunk[row.id] for row in rows if row.article_id is not None}
            if by_article:
                seg_stmt = (
                    select(_segments)
                    .where(_segments.c.article_id.in_(list(by_article)))
                    .order_by(_segments.c.article_id, _segments.c.position)
                )
                for seg in conn.execute(seg_stmt):
                    by_article[seg.article_id].segments.append(
                        StoredSegment(seg.label, seg.start, seg.end, seg.cleaner, seg.reason)
                    )
            err_stmt = select(_errors).where(_errors.c.page_id.in_(list(chunk))).order_by(_errors.c.id)
            for err in conn.execute(err_stmt):
                chunk[err.page_id].errors.append(StoredError(err.stage, err.cleaner, err.message, err.created_at))
        yield from chunk.values()
        last_id = rows[-1].id
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return
