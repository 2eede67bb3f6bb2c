"""SQL for the furniture learner: count a page's lines per site, read the evidence, list and veto patterns.

Every function works in the caller's connection or transaction, with the
database's own ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL), so two
writers counting the same site cannot create duplicate rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, and_, delete, func, select, text, update
from sqlalchemy.engine import Connection

from cleaners.timestamps import utc_now
from storage.models import SitePage, SitePattern, UTCDateTime
from storage.repository import upsert

site_patterns: Table = SitePattern.__table__  # type: ignore[assignment]
site_pages: Table = SitePage.__table__  # type: ignore[assignment]

#: Keys per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def page_id(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def pack(keys: Collection[str]) -> bytes:
    """Sorted 16-hex-digit keys as 8 bytes each."""
    return b"".join(bytes.fromhex(k) for k in sorted(keys))


def unpack(blob: bytes | None) -> set[str]:
    if not blob:
        return set()
    return {blob[i : i + 8].hex() for i in range(0, len(blob), 8)}


#: Counting a batch's keys up is most of the learner's cost in a crawl (a hundred lines a page): one
#: executemany of plain SQL for the whole batch, every site at once, with the timestamp converted once. A
#: line's text is kept once it is on a second page, decided in the same statement from the count it had
#: (``SET`` sees the row as it was), so no read of the old counts is needed. ``INSERT ... ON CONFLICT`` is the
#: same SQL on SQLite and PostgreSQL.
_COUNT_UP = text(
    "INSERT INTO site_patterns (site, key, text, page_count, first_seen, last_seen, vetoed)"
    " VALUES (:site, :key, CASE WHEN :n >= 2 THEN CAST(:text AS TEXT) END, :n, :now, :now, false)"
    " ON CONFLICT (site, key) DO UPDATE"
    " SET page_count = site_patterns.page_count + excluded.page_count, last_seen = excluded.last_seen,"
    " text = CASE WHEN site_patterns.text IS NULL AND site_patterns.page_count < 2"
    " AND site_patterns.page_count + excluded.page_count >= 2 THEN CAST(:text AS TEXT) ELSE site_patterns.text END"
)


def _bound(conn: Connection, type_: Any, value: Any) -> Any:
    """``value`` as the DBAPI receives it for a column of ``type_`` (what SQLAlchemy would bind)."""
    process = type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(value) if process else value


def stored_keys(conn: Connection, site: str, url: str) -> frozenset[str] | None:
    """The keys page ``url`` of ``site`` was last counted with; None when it was never counted."""
    blob = conn.execute(
        select(site_pages.c["keys"]).where(site_pages.c.site == site, site_pages.c.page == page_id(url))
    ).scalar_one_or_none()
    return None if blob is None else frozenset(unpack(blob))


def observe_page(conn: Connection, site: str, url: str, lines: Mapping[str, str], now: datetime | None = None) -> bool:
    """Count the lines (``{key: normalised text}``) of one page of ``site``; False when it was counted already."""
    return bool(observe_pages(conn, site, {url: lines}, now))


def observe_pages(
    conn: Connection, site: str, pages: Mapping[str, Mapping[str, str]], now: datetime | None = None
) -> list[str]:
    """Count the lines of many pages of ``site`` (``{url: {key: text}}``) at once; returns the URLs that changed."""
    return [url for _, url in observe_sites(conn, {site: pages}, now)]


def observe_sites(
    conn: Connection, batch: Mapping[str, Mapping[str, Mapping[str, str]]], now: datetime | None = None
) -> list[tuple[str, str]]:
    """Count the lines of many pages of many sites (``{site: {url: {key: text}}}``); returns the changed pages.

    A page seen before with other lines has its old keys uncounted first; a
    pattern no page shows any more is deleted unless it was vetoed. The
    changes of all the pages are summed per site and key first, so a batch
    costs a few statements however many pages and sites it holds (a crawl
    writes a batch every few dozen pages, often of as many sites), and the
    counts come out as if the pages had been counted one by one.
    """
    now = now or utc_now()
    ids = {(site, url): page_id(url) for site, pages in batch.items() for url in pages}
    old_blobs: dict[tuple[str, str], bytes] = {}
    for part in chunks(sorted(set(ids.values()))):
        rows = conn.execute(
            select(site_pages.c.site, site_pages.c.page, site_pages.c["keys"]).where(site_pages.c.page.in_(part))
        )
        old_blobs.update({(row[0], row[1]): row[2] for row in rows})
    count_up: list[dict[str, Any]] = []
    emptied: dict[str, list[str]] = {}  # keys the batch took off pages, or netted out: may have reached zero
    changed: list[dict[str, Any]] = []
    stamp = _bound(conn, UTCDateTime(), now)
    for site, pages in batch.items():
        change: dict[str, int] = {}
        texts: dict[str, str] = {}  # keys some page adds, and their text
        for url, lines in pages.items():
            blob, old = pack(lines), old_blobs.get((site, ids[site, url]))
            if old == blob:
                continue
            before, after = unpack(old), set(lines)
            for key in before - after:
                change[key] = change.get(key, 0) - 1
            for key in after - before:
                change[key] = change.get(key, 0) + 1
                texts.setdefault(key, lines[key])
            changed.append({"site": site, "page": ids[site, url], "url": url, "keys": blob, "seen_at": now})
        # Keys only some pages dropped: counted down, by how many pages dropped them.
        drops: dict[int, list[str]] = {}
        for key, n in change.items():
            if n < 0 and key not in texts:
                drops.setdefault(-n, []).append(key)
        for n, keys in drops.items():
            for part in chunks(sorted(keys)):
                conn.execute(
                    update(site_patterns)
                    .where(site_patterns.c.site == site, site_patterns.c.key.in_(part))
                    .values(page_count=site_patterns.c.page_count - n)
                )
        # Keys some page adds: inserted with their count, or counted up (a drop elsewhere in the batch nets out).
        count_up += [{"site": site, "key": k, "n": change[k], "text": texts[k], "now": stamp} for k in sorted(texts)]
        emptied[site] = sorted(k for k, n in change.items() if n <= 0)
    if count_up:
        conn.execute(_COUNT_UP, count_up)
    for site, keys in emptied.items():
        for part in chunks(keys):
            _delete_unused(conn, site, part)
    if changed:
        stmt = upsert(conn, site_pages)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["site", "page"],
                set_={"keys": stmt.excluded["keys"], "seen_at": stmt.excluded.seen_at},
            ),
            changed,
        )
    return [(row["site"], row["url"]) for row in changed]


def _delete_unused(conn: Connection, site: str, keys: Sequence[str]) -> None:
    """Delete the patterns among ``keys`` that no page of ``site`` shows any more, unless vetoed."""
    conn.execute(
        delete(site_patterns).where(
            site_patterns.c.site == site,
            site_patterns.c.key.in_(keys),
            site_patterns.c.page_count <= 0,
            site_patterns.c.vetoed.is_(False),
        )
    )


def site_page_count(conn: Connection, site: str) -> int:
    return int(conn.execute(select(func.count()).select_from(site_pages).where(site_pages.c.site == site)).scalar_one())


def pattern_counts(conn: Connection, site: str, keys: Collection[str]) -> dict[str, tuple[int, bool]]:
    """``{key: (page_count, vetoed)}`` of the keys ``site`` has seen."""
    out: dict[str, tuple[int, bool]] = {}
    for part in chunks(sorted(keys)):
        rows = conn.execute(
            select(site_patterns.c.key, site_patterns.c.page_count, site_patterns.c.vetoed).where(
                site_patterns.c.site == site, site_patterns.c.key.in_(part)
            )
        )
        out.update({r.key: (r.page_count, bool(r.vetoed)) for r in rows})
    return out


def other_site_counts(conn: Connection, site: str, keys: Collection[str]) -> dict[str, int]:
    """``{key: sites other than site that have it}`` (keys no other site has are absent)."""
    out: dict[str, int] = {}
    for part in chunks(sorted(keys)):
        rows = conn.execute(
            select(site_patterns.c.key, func.count())
            .where(
                site_patterns.c.key.in_(part),
                site_patterns.c.site != site,
                site_patterns.c.page_count > 0,
            )
            .group_by(site_patterns.c.key)
        )
        out.update({r[0]: int(r[1]) for r in rows})
    return out


def counts_on_sites(conn: Connection, sites: Collection[str], keys: Collection[str]) -> dict[tuple[str, str], int]:
    """``{(site, key): page_count}`` of the keys some of ``sites`` have seen."""
    out: dict[tuple[str, str], int] = {}
    for part in chunks(sorted(keys)):
        rows = conn.execute(
            select(site_patterns.c.site, site_patterns.c.key, site_patterns.c.page_count).where(
                site_patterns.c.site.in_(sorted(sites)), site_patterns.c.key.in_(part)
            )
        )
        out.update({(r.site, r.key): r.page_count for r in rows})
    return out


@dataclass(frozen=True)
class PatternRow:
    key: str
    text: str | None
    page_count: int
    first_seen: datetime
    last_seen: datetime
    vetoed: bool


def list_patterns(conn: Connection, site: str, min_pages: int = 2, limit: int | None = None) -> list[PatternRow]:
    """A site's patterns seen on at least ``min_pages`` pages (and every vetoed one), most frequent first."""
    stmt = (
        select(site_patterns)
        .where(
            site_patterns.c.site == site,
            (site_patterns.c.page_count >= min_pages) | site_patterns.c.vetoed.is_(True),
        )
        .order_by(site_patterns.c.page_count.desc(), site_patterns.c.key)
    )
    if limit:
        stmt = stmt.limit(limit)
    return [
        PatternRow(r.key, r.text, r.page_count, r.first_seen, r.last_seen, bool(r.vetoed)) for r in conn.execute(stmt)
    ]


def list_sites(conn: Connection) -> list[tuple[str, int]]:
    """Every site the learner counted, with its number of pages, largest first."""
    rows = conn.execute(
        select(site_pages.c.site, func.count()).group_by(site_pages.c.site).order_by(func.count().desc(), "site")
    )
    return [(r[0], int(r[1])) for r in rows]


def set_veto(conn: Connection, site: str, key_or_text: str, vetoed: bool = True) -> list[PatternRow]:
    """Veto (or un-veto) the patterns of ``site`` whose key starts with ``key_or_text`` or whose text is it.

    Returns what was changed; nothing when nothing matched (the caller says so).
    """
    from cleaners.furniture.keys import line_key, normalise_line

    wanted = key_or_text.strip()
    cond: Any = site_patterns.c.key == line_key(normalise_line(wanted))
    if len(wanted) >= 4 and all(c in "0123456789abcdef" for c in wanted.lower()):
        cond = cond | site_patterns.c.key.startswith(wanted.lower())
    rows = conn.execute(select(site_patterns).where(and_(site_patterns.c.site == site, cond))).all()
    if rows:
        conn.execute(
            update(site_patterns)
            .where(site_patterns.c.site == site, site_patterns.c.key.in_([r.key for r in rows]))
            .values(vetoed=vetoed)
        )
    return [PatternRow(r.key, r.text, r.page_count, r.first_seen, r.last_seen, vetoed) for r in rows]


__all__ = [
    "PatternRow",
    "UTCDateTime",
    "list_patterns",
    "counts_on_sites",
    "list_sites",
    "observe_page",
    "observe_pages",
    "other_site_counts",
    "pattern_counts",
    "set_veto",
    "site_page_count",
    "stored_keys",
]
