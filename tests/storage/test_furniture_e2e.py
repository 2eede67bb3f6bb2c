"""End to end: a real crawl of a site whose articles all repeat an unknown furniture paragraph, then a reclean."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, select

from cleaners.evaluation.metrics import token_prf
from storage.repository import articles, pages, segments
from storage.site_patterns import site_patterns
from tests.conftest import run_scrapy
from tests.crawler.furniture_site import FURNITURE, furniture_pages
from tests.crawler.news_site import NewsSite, serve

FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]
ARTICLES = 8


@pytest.fixture(scope="module")
def site():
    site = NewsSite()
    server, thread = serve(site)
    extra, gold = furniture_pages(ARTICLES)
    site.pages.update(extra)
    site.gold = gold  # type: ignore[attr-defined]
    yield site
    server.shutdown()
    thread.join(timeout=5)


def bodies(db: str) -> dict[str, tuple[str, list[str]]]:
    """path -> (body, reasons of its claimed segments) of every stored article."""
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(pages.c.url, articles.c.id, articles.c.body).join(articles, articles.c.page_id == pages.c.id)
            ).all()
            out = {}
            for r in rows:
                reasons = conn.execute(select(segments.c.reason).where(segments.c.article_id == r.id)).scalars().all()
                out[urlsplit(r.url).path] = (r.body, [x for x in reasons if x])
            return out
    finally:
        engine.dispose()


def test_crawl_then_reclean_removes_learned_furniture_and_keeps_every_sentence(site, tmp_path):
    db = f"sqlite:///{tmp_path}/sieve.db"
    proc = run_scrapy(
        "crawl", "articles", "-a", f"start_urls={site.url('/site/')}", "-a", "depth=1", *FAST,
        "-s", f"DATABASE_URL={db}", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/spool",
        timeout=180,
    )  # fmt: skip
    log = proc.stderr.decode()
    assert proc.returncode == 0 and "Traceback" not in log, log[-3000:]
    crawled = bodies(db)
    assert set(crawled) == set(site.gold)
    # Learning as it goes: the first pages were cleaned before the site had enough pages to tell furniture.
    assert any(FURNITURE in body for body, _ in crawled.values())

    proc = run_scrapy("reclean", "--domain", "127.0.0.1", "-s", f"DATABASE_URL={db}")
    assert proc.returncode == 0, proc.stderr.decode()
    m = re.search(r"(\d+) changed, (\d+) unchanged, (\d+) failed", proc.stdout.decode())
    assert m and int(m[1]) >= 1 and m[3] == "0", proc.stdout.decode()

    for path, (body, reasons) in bodies(db).items():
        assert FURNITURE not in body, path
        assert "furniture.repeated" in reasons, path
        own = site.gold[path]
        for paragraph in own:
            for sentence in re.split(r"(?<=\.) ", paragraph):
                assert sentence in body, (path, sentence)
        assert token_prf("\n".join(own), body).f1 >= 0.99, path

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(site_patterns).where(site_patterns.c.text == FURNITURE.lower())).one()
    finally:
        engine.dispose()
    assert row.site == "127.0.0.1" and row.page_count == ARTICLES and not row.vetoed

    shown = run_scrapy("sites", "show", "127.0.0.1", "-s", f"DATABASE_URL={db}")
    assert shown.returncode == 0, shown.stderr.decode()
    out = shown.stdout.decode()
    assert f"127.0.0.1: {ARTICLES} pages seen" in out
    assert re.search(rf"^\* {row.key}\s+{ARTICLES}/{ARTICLES} pages", out, re.M), out

    # A person vetoes it; the next reclean puts the paragraph back into every body.
    veto = run_scrapy("sites", "veto", "127.0.0.1", row.key[:6], "-s", f"DATABASE_URL={db}")
    assert veto.returncode == 0, veto.stderr.decode()
    assert run_scrapy("reclean", "--domain", "127.0.0.1", "-s", f"DATABASE_URL={db}").returncode == 0
    assert all(FURNITURE in body for body, _ in bodies(db).values())
