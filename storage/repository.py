"""Writes a batch of pages in one transaction: new, changed (old version kept) or unchanged (only last_fetched).

Every statement is a multi-row ``executemany``; inserts that must not collide
use the database's own ``INSERT ... ON CONFLICT`` through SQLAlchemy's SQLite
and PostgreSQL dialects, so two crawls writing the same URL cannot create
duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, Table, bindparam, case, delete, exists, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from cleaners.record import SCALAR_FIELDS
from cleaners.timestamps import utc_now
from storage.models import Article, Error, Page, PageVersion, RelatedLink, Segment, UTCDateTime
from storage.records import Prepared, compress, content_hash, prepare

logger = logging.getLogger(__name__)

pages: Table = Page.__table__  # type: ignore[assignment]
page_versions: Table = PageVersion.__table__  # type: ignore[assignment]
articles: Table = Article.__table__  # type: ignore[assignment]
segments: Table = Segment.__table__  # type: ignore[assignment]
related_links: Table = RelatedLink.__table__  # type: ignore[assignment]
errors: Table = Error.__table__  # type: ignore[assignment]

#: Page columns a changed page's new content replaces.
CONTENT_COLUMNS = (
    "status",
    "content_type",
    "encoding",
    "is_html",
    "raw_html",
    "raw_text",
    "content_hash",
    "raw_bytes",
    "fetch_error",
)
#: Article columns: the record's one-value fields, then what storage adds beside them.
ARTICLE_COLUMNS = (*SCALAR_FIELDS, "fingerprint", "cleaned_at", "output_hash")


@dataclass
class WriteCounts:
    """What a batch did to the pages it was given (each item counted once)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    #: Fetched before the stored copy (e.g. imported from an old spool): kept as a version, not made current.
    stale: int = 0
    #: The fetch failed (no content): the page's fetch_error and an errors row, the stored content untouched.
    failed: int = 0
    errors: int = 0

    def add(self, other: WriteCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def pages(self) -> int:
        return self.new + self.changed + self.unchanged + self.stale + self.failed


def upsert(conn: Connection, table: Table) -> Any:
    """The dialect's own INSERT (with ``on_conflict_do_*``) for ``table``."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"database {name!r} is not supported: use SQLite or PostgreSQL")


def write_items(conn: Connection, items: Iterable[Mapping[str, Any]], now: datetime | None = None) -> WriteCounts:
    """Store item dicts (see ``records.item_dict``) in the caller's transaction.

    A URL that occurs twice in one batch is written in order, as two rounds,
    exactly as if it had come in two batches.
    """
    now = now or utc_now()
    rounds: list[list[Prepared]] = []
    seen: dict[str, int] = {}
    for item in items:
        p = prepare(item, now)
        r = seen[p.url] = seen.get(p.url, -1) + 1
        if r == len(rounds):
            rounds.append([])
        rounds[r].append(p)
    counts = WriteCounts()
    for batch in rounds:
        counts.add(_write_round(conn, batch, now))
    return counts


def _write_round(conn: Connection, batch: Sequence[Prepared], now: datetime) -> WriteCounts:
    counts = WriteCounts()
    existing = {
        row.url: row
        for row in conn.execute(
            select(pages.c.id, pages.c.url, pages.c.content_hash, pages.c.last_fetched, pages.c.fetch_error).where(
                pages.c.url.in_([p.url for p in batch])
            )
        )
    }
    new: list[Prepared] = []
    changed: list[tuple[int, Prepared, bool]] = []
    unchanged: list[tuple[int, Prepared]] = []
    failing: list[tuple[int, Prepared]] = []
    error_rows: list[dict[str, Any]] = []
    for p in batch:
        ex = existing.get(p.url)
        if ex is None:
            new.append(p)
            continue
        if p.fetch_failed:
            counts.failed += 1
            if p.fetched >= ex.last_fetched:  # not an old failure (from a spool) after a newer success
                failing.append((ex.id, p))
            error_rows += [{**e, "page_id": ex.id} for e in p.errors]
        elif p.fetched < ex.last_fetched:
            counts.stale += 1
            if p.content_hash != ex.content_hash and _archive_stale(conn, ex.id, p, now):
                error_rows += [{**e, "page_id": ex.id} for e in p.errors]
        elif p.content_hash == ex.content_hash:
            counts.unchanged += 1
            unchanged.append((ex.id, p))
        else:
            counts.changed += 1
            changed.append((ex.id, p, ex.content_hash is not None))
            error_rows += [{**e, "page_id": ex.id} for e in p.errors]

    with_article: list[tuple[int, Prepared]] = []
    if new:
        ids = _insert_pages(conn, new)
        missed = [p for p in new if p.url not in ids]
        if missed:  # another writer inserted them since our SELECT: classify again
            logger.info("%d pages were inserted concurrently; writing them as re-crawls", len(missed))
            counts.add(_write_round(conn, missed, now))
        for p in new:
            if p.url not in ids:
                continue
            if p.fetch_failed:
                counts.failed += 1
            else:
                counts.new += 1
            error_rows += [{**e, "page_id": ids[p.url]} for e in p.errors]
            if p.article is not None:
                with_article.append((ids[p.url], p))
    if changed:
        _archive(conn, [pid for pid, _, had_content in changed if had_content], now)
        _replace_content(conn, [(pid, p) for pid, p, _ in changed])
        gone = [pid for pid, p, _ in changed if p.article is None]
        if gone:
            delete_articles(conn, gone)
        with_article += [(pid, p) for pid, p, _ in changed if p.article is not None]
    if unchanged:  # the same content again: a success, which also clears an earlier failure
        conn.execute(
            update(pages)
            .where(pages.c.id == bindparam("pid"))
            .values(
                last_fetched=bindparam("v_last", type_=UTCDateTime()), status=bindparam("v_status"), fetch_error=None
            ),
            [{"pid": pid, "v_last": p.fetched, "v_status": p.page["status"]} for pid, p in unchanged],
        )
    if failing:
        error_rows = _mark_failing(conn, failing, existing, error_rows)
    if with_article:
        write_articles(
            conn,
            [(pid, p.article, p.segments, p.links) for pid, p in with_article if p.article],
            replace=[pid for pid, p, _ in changed if p.article is not None],
        )
    if error_rows:
        conn.execute(insert(errors), error_rows)
        counts.errors += len(error_rows)
    return counts


def _mark_failing(
    conn: Connection,
    failing: Sequence[tuple[int, Prepared]],
    existing: Mapping[str, Any],
    error_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Record that each page's latest fetch failed; returns ``error_rows`` without repeats.

    The page's ``fetch_error`` takes the failure's class; its ``status`` too
    when the page has no content (a page with content keeps the status it was
    fetched with). A failure that repeats the page's current one (same class
    and the same message as its latest fetch error) adds no errors row: a page
    that stays 404 for a month, or a request fetched again after a crawl
    resumes, does not pile up copies.
    """
    conn.execute(
        update(pages)
        .where(pages.c.id == bindparam("pid"))
        .values(
            fetch_error=bindparam("v_error"),
            status=case((pages.c.content_hash.is_(None), bindparam("v_status")), else_=pages.c.status),
        ),
        [{"pid": pid, "v_status": p.page["status"], "v_error": p.page["fetch_error"]} for pid, p in failing],
    )
    still = [pid for pid, p in failing if existing[p.url].fetch_error == p.page["fetch_error"]]
    if not still:
        return error_rows
    latest: dict[int, str] = {}
    for row in conn.execute(
        select(errors.c.page_id, errors.c.message)
        .where(errors.c.page_id.in_(still), errors.c.stage == "fetch")
        .order_by(errors.c.id.desc())
    ):
        latest.setdefault(row.page_id, row.message)
    return [
        e
        for e in error_rows
        if not (e["page_id"] in latest and e["stage"] == "fetch" and e["message"] == latest[e["page_id"]])
    ]


def _insert_pages(conn: Connection, new: Sequence[Prepared]) -> dict[str, int]:
    """Insert new pages; returns url -> id for the rows actually inserted (ON CONFLICT DO NOTHING)."""
    rows = [
        {
            **p.page,
            "first_fetched": p.fetched,
            "last_fetched": p.fetched,
            "content_since": None if p.fetch_failed else p.fetched,
        }
        for p in new
    ]
    stmt = upsert(conn, pages).on_conflict_do_nothing(index_elements=["url"]).returning(pages.c.id, pages.c.url)
    return {row.url: row.id for row in conn.execute(stmt, rows)}


def _archive(conn: Connection, page_ids: Sequence[int], now: datetime, reason: str = "content") -> None:
    """Copy the pages' current raw content into page_versions, in the database (no round trip)."""
    if not page_ids:
        return
    source = select(
        pages.c.id,
        literal(reason),
        pages.c.content_hash,
        pages.c.raw_html,
        pages.c.raw_text,
        pages.c.raw_bytes,
        pages.c.content_since,
        pages.c.last_fetched,
        literal(now, UTCDateTime()),
    ).where(pages.c.id.in_(page_ids))
    conn.execute(
        insert(page_versions).from_select(
            [
                "page_id",
                "reason",
                "content_hash",
                "raw_html",
                "raw_text",
                "raw_bytes",
                "fetched_from",
                "fetched_until",
                "archived_at",
            ],
            source,
        )
    )


def _archive_stale(conn: Connection, page_id: int, p: Prepared, now: datetime) -> bool:
    """Keep an older fetch's different content as a version (once); True when it was new to us."""
    known = conn.execute(
        select(exists().where(page_versions.c.page_id == page_id, page_versions.c.content_hash == p.content_hash))
    ).scalar()
    if known:
        return False
    conn.execute(
        insert(page_versions),
        [
            {
                "page_id": page_id,
                "reason": "content",
                "content_hash": p.content_hash,
                "raw_html": p.page["raw_html"],
                "raw_text": p.page["raw_text"],
                "raw_bytes": p.page["raw_bytes"],
                "fetched_from": p.fetched,
                "fetched_until": p.fetched,
                "archived_at": now,
            }
        ],
    )
    return True


def _replace_content(conn: Connection, changed: Sequence[tuple[int, Prepared]]) -> None:
    values: dict[str, Any] = {c: bindparam(f"v_{c}", type_=pages.c[c].type) for c in CONTENT_COLUMNS}
    values["last_fetched"] = bindparam("v_last_fetched", type_=UTCDateTime())
    values["content_since"] = bindparam("v_content_since", type_=UTCDateTime())
    conn.execute(
        update(pages).where(pages.c.id == bindparam("pid")).values(**values),
        [
            {
                "pid": pid,
                **{f"v_{c}": p.page[c] for c in CONTENT_COLUMNS},
                "v_last_fetched": p.fetched,
                "v_content_since": p.fetched,
            }
            for pid, p in changed
        ],
    )


def delete_articles(conn: Connection, page_ids: Sequence[int]) -> None:
    """Remove the cleaning results of pages (their segments and links first: no reliance on cascades)."""
    ids = select(articles.c.id).where(articles.c.page_id.in_(page_ids))
    conn.execute(delete(segments).where(segments.c.article_id.in_(ids)))
    conn.execute(delete(related_links).where(related_links.c.article_id.in_(ids)))
    conn.execute(delete(articles).where(articles.c.page_id.in_(page_ids)))


def write_articles(
    conn: Connection,
    entries: Sequence[tuple[int, Mapping[str, Any], Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]],
    replace: Sequence[int] | None = None,
) -> None:
    """Make each (page_id, article, segments, links) the page's current cleaning result.

    The article row is upserted on ``page_id``; the old segments and links of
    the pages in ``replace`` (default: all of them; pages just inserted have
    none) are deleted first.
    """
    if not entries:
        return
    page_ids = [pid for pid, *_ in entries] if replace is None else list(replace)
    if page_ids:
        ids = select(articles.c.id).where(articles.c.page_id.in_(page_ids))
        conn.execute(delete(segments).where(segments.c.article_id.in_(ids)))
        conn.execute(delete(related_links).where(related_links.c.article_id.in_(ids)))
    stmt: Insert = upsert(conn, articles)
    stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=["page_id"],
        set_={c: stmt.excluded[c] for c in ARTICLE_COLUMNS},  # type: ignore[attr-defined]
    ).returning(articles.c.id, articles.c.page_id)
    article_ids = {
        row.page_id: row.id for row in conn.execute(stmt, [{**a, "page_id": pid} for pid, a, _, _ in entries])
    }
    seg_rows = [{**s, "article_id": article_ids[pid]} for pid, _, segs, _ in entries for s in segs]
    link_rows = [{**link, "article_id": article_ids[pid]} for pid, _, _, links in entries for link in links]
    bulk_insert(conn, segments, seg_rows)
    bulk_insert(conn, related_links, link_rows)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """A plain multi-row INSERT, as fast as each backend allows.

    Segments and related links are most of the rows a crawl writes (16 per
    article for a typical news page), and need no upsert or RETURNING. On
    SQLite the rows go straight to the driver's ``executemany`` through
    ``exec_driver_sql``, skipping Core's per-row parameter compilation, which
    the storage benchmark measured as the largest cost of a batch; the columns'
    own bind processors (e.g. UTC datetimes) are still applied, so the stored
    values are identical to a Core ``insert()``. PostgreSQL goes through Core,
    whose psycopg executemany is pipelined.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        # psycopg 3 pipelines an executemany; Core's multi-VALUES form (via RETURNING) measured slower,
        # as psycopg parses each many-thousand-placeholder statement.
        conn.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    procs = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    if any(procs):
        pairs = list(zip(columns, procs, strict=True))
        data = [tuple(p(r[c]) if p else r[c] for c, p in pairs) for r in rows]
    else:
        data = [tuple(r[c] for c in columns) for r in rows]
    conn.exec_driver_sql(sql, data)


def claim_page(conn: Connection, page_id: int, expected_hash: str) -> bool:
    """Lock a page for the caller's transaction if its content is still ``expected_hash``; False if it changed.

    One conditional UPDATE (setting the hash to itself): a write, so SQLite
    takes its write lock at once and PostgreSQL locks the row until commit,
    and the condition is checked against the latest committed row. A crawl
    storing new content for the page either committed before (no match: the
    caller must not write) or waits until after the caller's commit and then
    replaces what it wrote, as a newer fetch should.
    """
    result = conn.execute(
        update(pages)
        .where(pages.c.id == page_id, pages.c.content_hash == expected_hash)
        .values(content_hash=expected_hash)
    )
    return result.rowcount == 1


def restamp_articles(conn: Connection, pages_read: Sequence[tuple[int, str]], fingerprint: str, now: datetime) -> None:
    """``scrapy reclean`` found these articles' output unchanged: they now carry the current chain's fingerprint.

    ``pages_read`` holds ``(page_id, content_hash as read)``: an article a crawl
    rewrote meanwhile is the crawl's, and keeps its own fingerprint.
    """
    if not pages_read:
        return
    unchanged = exists().where(pages.c.id == bindparam("pid"), pages.c.content_hash == bindparam("read_hash"))
    conn.execute(
        update(articles)
        .where(articles.c.page_id == bindparam("pid"), unchanged)
        .values(fingerprint=fingerprint, cleaned_at=now),
        [{"pid": pid, "read_hash": digest} for pid, digest in pages_read],
    )


def replace_decoded(conn: Connection, page_id: int, html: str, encoding: str, raw_text: str, now: datetime) -> None:
    """``scrapy reclean`` decoded a page's stored bytes into different HTML: keep the old content, store the new."""
    _archive(conn, [page_id], now, reason="decoding")
    conn.execute(
        update(pages)
        .where(pages.c.id == page_id)
        .values(raw_html=compress(html), encoding=encoding, content_hash=content_hash(html), raw_text=raw_text)
    )


def archive_raw_text(conn: Connection, page_id: int, raw_text: str, now: datetime) -> None:
    """``scrapy reclean`` re-extracted different text from the same HTML: keep the old one, store the new."""
    _archive(conn, [page_id], now, reason="extraction")
    conn.execute(update(pages).where(pages.c.id == page_id).values(raw_text=raw_text))


def insert_errors(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(errors), list(rows))
