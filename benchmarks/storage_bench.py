#!/usr/bin/env python
"""Storage write speed: Sieve's batched upserts against baselines measured in the same run, same rows.

Usage (from the repository root)::

    .venv/bin/python benchmarks/storage_bench.py                       # SQLite, 5000 articles
    .venv/bin/python benchmarks/storage_bench.py -n 20000 --rounds 3
    .venv/bin/python benchmarks/storage_bench.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/db

Every article is the seed page's cleaning result (11 segments, 5 related links,
raw text kept) under its own URL, so a row set is what a real crawl writes.
Rows per method and backend, fresh database each time, best of ``--rounds``
(rounds interleave the methods), as wall-clock and as per-CPU-second rates
(the latter is what a shared, loaded machine distorts least):

- ``sieve``: ``storage.repository.write_items`` in transactions of ``--batch``
  items (what the crawl's DatabasePipeline does): lookup, ON CONFLICT inserts
  with RETURNING, segments and links by executemany.
- ``sieve re-crawl``: the same items again, all unchanged (only last_fetched moves).
- ``plain executemany``: the same rows with ids assigned in Python, four bare
  ``executemany`` INSERTs per batch, no lookup, no upsert: the ceiling.
- ``one commit per article``: the ORM, one transaction per article, on
  ``--per-row`` articles (it is slow): what batching avoids.

Only ratios between rows of one run mean anything; the machine is shared.
The issue's goal is >= 5,000 articles/s on SQLite for ``sieve``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from cleaners.process import clean_content  # noqa: E402
from crawler.components import load_chain, offline_crawler  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import Article, Page, RelatedLink, Segment  # noqa: E402
from storage.records import prepare  # noqa: E402
from storage.repository import articles, pages, related_links, segments, write_items  # noqa: E402

SEED = ROOT / "fixtures" / "pages" / "arabstoday" / "arabstoday-qalamoun.txt"


def make_items(n: int) -> list[dict[str, Any]]:
    """``n`` items as CleanPipeline leaves them: the seed's cleaning result under distinct URLs."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    chain = load_chain(offline_crawler(settings))
    if not SEED.is_file():
        raise SystemExit(f"storage_bench.py: the seed page is missing: {SEED}")
    content = SEED.read_text(encoding="utf-8")
    cleaned = clean_content(chain, content, is_html=False)
    base = {
        "content": content,
        "is_html": False,
        "status": 200,
        "content_type": "text/plain",
        "encoding": "utf-8",
        "fetched_at": "2026-01-01T00:00:00+00:00",
        "raw_text": cleaned.raw_text,
        "fingerprint": chain.fingerprint,
        "cleaned_at": "2026-01-01T00:00:01+00:00",
        **cleaned.record,
    }
    return [{**base, "url": f"https://bench.example.com/news/{i}.html"} for i in range(n)]


# -- methods: each takes (engine, items) on a fresh database and writes them -------------------------


def sieve(batch: int) -> Callable[[Engine, list[dict[str, Any]]], None]:
    def run(engine: Engine, items: list[dict[str, Any]]) -> None:
        for i in range(0, len(items), batch):
            with engine.begin() as conn:
                write_items(conn, items[i : i + batch])

    return run


def sieve_recrawl(batch: int) -> tuple[Callable[..., None], Callable[..., None]]:
    """(setup, timed): store once untimed, then time the unchanged re-crawl."""
    later = (datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=1)).isoformat()

    def timed(engine: Engine, items: list[dict[str, Any]]) -> None:
        sieve(batch)(engine, [{**it, "fetched_at": later} for it in items])

    return sieve(batch), timed


def plain_executemany(batch: int) -> Callable[[Engine, list[dict[str, Any]]], None]:
    def run(engine: Engine, items: list[dict[str, Any]]) -> None:
        next_id = 1
        for i in range(0, len(items), batch):
            page_rows, article_rows, seg_rows, link_rows = [], [], [], []
            for item in items[i : i + batch]:
                p = prepare(item)
                pid = next_id
                next_id += 1
                page_rows.append(
                    {
                        **p.page,
                        "id": pid,
                        "first_fetched": p.fetched,
                        "last_fetched": p.fetched,
                        "content_since": p.fetched,
                    }
                )
                article_rows.append({**(p.article or {}), "id": pid, "page_id": pid})
                seg_rows += [{**s, "article_id": pid} for s in p.segments]
                link_rows += [{**link, "article_id": pid} for link in p.links]
            with engine.begin() as conn:
                conn.execute(insert(pages), page_rows)
                conn.execute(insert(articles), article_rows)
                conn.execute(insert(segments), seg_rows)
                conn.execute(insert(related_links), link_rows)

    return run


def one_commit_per_article(engine: Engine, items: list[dict[str, Any]]) -> None:
    for item in items:
        p = prepare(item)
        with Session(engine) as session, session.begin():
            page = Page(**p.page, first_fetched=p.fetched, last_fetched=p.fetched, content_since=p.fetched)
            session.add(page)
            session.flush()
            article = Article(**(p.article or {}), page_id=page.id)
            session.add(article)
            session.flush()
            session.add_all(Segment(**s, article_id=article.id) for s in p.segments)
            session.add_all(RelatedLink(**link, article_id=article.id) for link in p.links)


# -- fresh databases ----------------------------------------------------------------------------------


class Backend:
    def __init__(self, name: str, pg_url: str | None = None) -> None:
        self.name = name
        self.pg_url = pg_url
        self.tmp = Path(tempfile.mkdtemp(prefix="sieve-bench-"))

    def fresh(self) -> tuple[Engine, Callable[[], None]]:
        """A migrated empty database and its clean-up."""
        if self.pg_url is None:
            path = self.tmp / f"{uuid.uuid4().hex}.db"
            engine = open_database(f"sqlite:///{path}")

            def drop() -> None:
                engine.dispose()
                for p in self.tmp.glob(path.name + "*"):
                    p.unlink()

            return engine, drop
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(self.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        engine = open_database(url.render_as_string(hide_password=False))

        def drop_pg() -> None:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        return engine, drop_pg

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_once(backend: Backend, method: Any, items: list[dict[str, Any]]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run on a fresh database; ``method`` may be (setup, timed)."""
    setup, timed = method if isinstance(method, tuple) else (None, method)
    engine, drop = backend.fresh()
    try:
        if setup is not None:
            setup(engine, items)
        wall, cpu = time.perf_counter(), time.process_time()
        timed(engine, items)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with engine.connect() as conn:
            stored = conn.execute(text("select count(*) from articles")).scalar_one()
        if stored != len(items):
            raise SystemExit(f"storage_bench.py: {method} stored {stored} articles, expected {len(items)}")
    finally:
        drop()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles per run (5000)")
    parser.add_argument("--batch", type=int, default=500, help="items per transaction (500, as the pipeline)")
    parser.add_argument("--per-row", type=int, default=500, help="articles for the one-commit-per-article baseline")
    parser.add_argument("--rounds", type=int, default=3, help="runs per method; the best is kept (3)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("SIEVE_TEST_POSTGRES_URL"),
        help="also benchmark this PostgreSQL database (default $SIEVE_TEST_POSTGRES_URL); a schema is made per run",
    )
    args = parser.parse_args()
    items = make_items(args.n)
    per_row_items = items[: min(args.per_row, args.n)]
    seg, links = len(items[0]["segments"]), len(items[0]["related_links"])
    print(f"{args.n} articles (each {seg} segments, {links} related links, {len(items[0]['content'])} chars raw text)")
    print(f"best of {args.rounds}; batch {args.batch}; python {sys.version.split()[0]}\n")
    backends = [Backend("sqlite")] + ([Backend("postgresql", args.postgres)] if args.postgres else [])
    header = (
        f"{'backend':<11} {'method':<31} {'articles':>8} {'seconds':>8} {'articles/s':>11} {'vs sieve':>9}"
        f" {'per CPU-sec':>12} {'vs sieve':>9}"
    )
    print(header)
    print("-" * len(header))
    sqlite_rate = sqlite_cpu_rate = 0.0
    for backend in backends:
        try:
            rows = [
                ("sieve write_items (upserts)", sieve(args.batch), items),
                ("sieve re-crawl, all unchanged", sieve_recrawl(args.batch), items),
                ("plain executemany (ceiling)", plain_executemany(args.batch), items),
                ("ORM, one commit per article", one_commit_per_article, per_row_items),
            ]
            # Rounds interleave the methods, so a burst of load from other processes hits all of them alike.
            best = [(float("inf"), float("inf"))] * len(rows)
            for _ in range(args.rounds):
                for i, (_, method, its) in enumerate(rows):
                    wall, cpu = run_once(backend, method, its)
                    best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
            base_wall = base_cpu = 0.0
            for (label, _, its), (wall, cpu) in zip(rows, best, strict=True):
                rate, cpu_rate = len(its) / wall, len(its) / cpu
                base_wall, base_cpu = base_wall or rate, base_cpu or cpu_rate
                print(
                    f"{backend.name:<11} {label:<31} {len(its):>8} {wall:>8.3f} {rate:>11,.0f}"
                    f" {rate / base_wall:>8.2f}x"
                    f" {cpu_rate:>12,.0f} {cpu_rate / base_cpu:>8.2f}x"
                )
                if backend.name == "sqlite" and label.startswith("sieve write_items"):
                    sqlite_rate, sqlite_cpu_rate = rate, cpu_rate
        finally:
            backend.close()
        print()
    verdict = "met" if sqlite_rate >= 5000 else "NOT met"
    print(
        f"goal: >= 5,000 articles/s on SQLite with sieve write_items: {sqlite_rate:,.0f}/s wall clock, {verdict}"
        f" ({sqlite_cpu_rate:,.0f} per second of this process's CPU time; the wall figure includes waiting for"
        " other processes on a shared machine)"
    )


if __name__ == "__main__":
    main()
