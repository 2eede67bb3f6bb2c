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

from sqlalchemy import Table, and_, bindparam, delete, func, select, update
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


def observe_page(conn: Connection, site: str, url: str, lines: Mapping[str, str], now: datetime | None = None) -> bool:
    """Count the lines (``{key: normalised text}``) of one page of ``site``; False when it was counted already.

    A page seen before with other lines has its old keys uncounted first; a
    pattern no page shows any more is deleted unless it was vetoed.
    """
    now = now or utc_now()
    pid, blob = page_id(url), pack(lines)
    old = conn.execute(
        select(site_pages.c["keys"]).where(site_pages.c.site == site, site_pages.c.page == pid)
    ).scalar_one_or_none()
    if old == blob:
        return False
    before, after = unpack(old), set(lines)
    gone, added = sorted(before - after), sorted(after - before)
    for part in chunks(gone):
        conn.execute(
            update(site_patterns)
            .where(site_patterns.c.site == site, site_patterns.c.key.in_(part))
            .values(page_count=site_patterns.c.page_count - 1)
        )
        conn.execute(
            delete(site_patterns).where(
                site_patterns.c.site == site,
                site_patterns.c.key.in_(part),
                site_patterns.c.page_count <= 0,
                site_patterns.c.vetoed.is_(False),
            )
        )
    crossed: list[str] = []
    for part in chunks(added):
        stmt = upsert(conn, site_patterns)
        stmt = stmt.on_conflict_do_update(
            index_elements=["site", "key"],
            set_={"page_count": site_patterns.c.page_count + 1, "last_seen": stmt.excluded.last_seen},
        ).returning(site_patterns.c.key, site_patterns.c.page_count)
        new = {"site": site, "text": None, "page_count": 1, "first_seen": now, "last_seen": now, "vetoed": False}
        rows = [{**new, "key": k} for k in part]
        crossed += [r.key for r in conn.execute(stmt, rows) if r.page_count == 2]
    if crossed:  # the text is kept once a line is on a second page
        conn.execute(
            update(site_patterns)
            .where(
                site_patterns.c.site == bindparam("s"),
                site_patterns.c.key == bindparam("k"),
                site_patterns.c.text.is_(None),
            )
            .values(text=bindparam("t")),
            [{"s": site, "k": k, "t": lines[k]} for k in crossed],
        )
    page_row = {"site": site, "page": pid, "url": url, "keys": blob, "seen_at": now}
    stmt = upsert(conn, site_pages)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["site", "page"], set_={"keys": stmt.excluded["keys"], "seen_at": stmt.excluded.seen_at}
        ),
        [page_row],
    )
    return True


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
    "list_sites",
    "observe_page",
    "other_site_counts",
    "pattern_counts",
    "set_veto",
    "site_page_count",
]
