"""Shared pieces of the reliability suite: a failing local site, real ``scrapy`` subprocesses, rows to count.

Every test here reproduces one case of issue 9 ("Nothing lost, whatever happens") against a local server
and asserts what the database holds afterwards. ``SIEVE_RELIABILITY_REPORT=FILE`` makes each test append
its figures (cases tried, survived, lost) as JSON lines; docs-reliability.md's table comes from them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from storage.repository import articles, errors, page_versions, pages, related_links, segments
from tests.conftest import ROOT, background
from tests.reliability.site import Site, serve
from tests.storage.conftest import db_url  # noqa: F401 (a fixture: one database per backend)
from tests.storage.test_postgres_outage import Cluster, cluster  # noqa: F401 (a fixture: a server to stop)

#: A local server: no politeness delays; robots.txt is still obeyed (it is a case of its own).
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]
TIMEOUT = 180

__all__ = ["Cluster"]


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = serve(site)
    yield site
    server.shutdown()
    server.server_close()


def scrapy_args(*args: str, db: str, spool: Path) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args, *FAST, "-s", f"DATABASE_URL={db}", "-s", f"SIEVE_SPOOL_DIR={spool}"]


def run(
    *args: str, db: str, spool: Path, timeout: int = TIMEOUT, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """One ``scrapy`` command to its end, as a user runs it."""
    return subprocess.run(
        scrapy_args(*args, db=db, spool=spool), cwd=ROOT, input=stdin, capture_output=True, timeout=timeout
    )


def start(*args: str, db: str, spool: Path, log: Path) -> subprocess.Popen:
    """One ``scrapy`` command in the background (to be killed), its log in ``log``."""
    out = open(log, "ab")  # noqa: SIM115 (closed with the process by the caller's wait)
    return background(subprocess.Popen(scrapy_args(*args, db=db, spool=spool), cwd=ROOT, stdout=out, stderr=out))


def no_traceback(proc: subprocess.CompletedProcess) -> str:
    log = proc.stderr.decode(errors="replace")
    assert "Traceback" not in log, log[-4000:]
    return log


class Rows:
    """Read-only views of a database's tables, by path of the page URL."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (pages, page_versions, articles, segments, related_links, errors)
            }

    def pages(self) -> dict[str, Any]:
        """path -> page row (with its article's title and source, if any)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(pages, articles.c.title, articles.c.source, articles.c.id.label("article_id")).outerjoin(
                    articles, articles.c.page_id == pages.c.id
                )
            ).all()
        return {_path(row.url): row for row in rows}

    def urls(self) -> list[str]:
        with self.engine.connect() as conn:
            return [_path(u) for u in conn.execute(select(pages.c.url)).scalars()]

    def errors(self, path: str | None = None) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            stmt = select(pages.c.url, errors.c.stage, errors.c.message).join(pages).order_by(errors.c.id)
            return [(s, m) for u, s, m in conn.execute(stmt) if path is None or _path(u) == path]

    def close(self) -> None:
        self.engine.dispose()


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


@pytest.fixture
def figures(request: pytest.FixtureRequest):
    """``figures(case, tried=, survived=, lost=, note=)`` appends one line to ``$SIEVE_RELIABILITY_REPORT``."""

    def record(case: str, *, tried: int, survived: int, lost: int, note: str = "") -> None:
        path = os.environ.get("SIEVE_RELIABILITY_REPORT")
        if not path:
            return
        line = {"test": request.node.nodeid, "case": case, "tried": tried, "survived": survived, "lost": lost}
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({**line, "note": note}) + "\n")

    return record
