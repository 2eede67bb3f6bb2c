"""What a database holds, in a few lines: the output of ``scrapy db summary``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from storage.repository import articles, errors, page_versions, pages, related_links, segments


@dataclass
class Summary:
    pages: int = 0
    page_versions: int = 0
    articles: int = 0
    related_links: int = 0
    by_source: list[tuple[str | None, int]] = field(default_factory=list)
    by_domain: list[tuple[str | None, int]] = field(default_factory=list)
    segments: list[tuple[str, int]] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)
    #: (error class, pages) of pages whose latest fetch failed.
    failing: list[tuple[str, int]] = field(default_factory=list)


def summarize(conn: Connection, top: int = 10) -> Summary:
    def count(table: object) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

    def grouped(column: object, limit: int | None = None) -> list[tuple[object, int]]:
        n = func.count().label("n")
        stmt = select(column, n).group_by(column).order_by(n.desc(), column)  # type: ignore[call-overload]
        if limit:
            stmt = stmt.limit(limit)
        return [(row[0], int(row[1])) for row in conn.execute(stmt)]

    return Summary(
        pages=count(pages),
        page_versions=count(page_versions),
        articles=count(articles),
        related_links=count(related_links),
        by_source=grouped(articles.c.source, top),  # type: ignore[arg-type]
        by_domain=grouped(pages.c.domain, top),  # type: ignore[arg-type]
        segments=grouped(segments.c.label),  # type: ignore[arg-type]
        errors=grouped(errors.c.stage),  # type: ignore[arg-type]
        # Pages whose latest fetch failed, by error class; a later successful fetch takes a page off.
        failing=[x for x in grouped(pages.c.fetch_error) if x[0] is not None],  # type: ignore[arg-type,misc]
    )


def _pairs(rows: list[tuple[str | None, int]], none: str) -> str:
    return ", ".join(f"{name if name is not None else none} {n}" for name, n in rows) or "-"


def format_summary(s: Summary, where: str) -> str:
    failed = s.pages - s.articles
    lines = [
        f"Database: {where}",
        f"pages:          {s.pages} ({s.page_versions} older versions kept; {failed} without an article)",
        f"  by domain:    {_pairs(s.by_domain, '(local file)')}",
        f"articles:       {s.articles}",
        f"  by source:    {_pairs(s.by_source, '(none)')}",
        f"related links:  {s.related_links}",
        f"segments:       {sum(n for _, n in s.segments)} ({_pairs(s.segments, '?')})",  # type: ignore[arg-type]
        f"errors:         {sum(n for _, n in s.errors)} ({_pairs(s.errors, '?')})",  # type: ignore[arg-type]
        f"failed fetches: {sum(n for _, n in s.failing)} pages whose latest fetch failed"
        + (f" ({_pairs(s.failing, '?')})" if s.failing else ""),  # type: ignore[arg-type]
    ]
    return "\n".join(lines)
