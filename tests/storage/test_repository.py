"""Batch writes: new, unchanged, changed (old version kept), failed pages; on SQLite and PostgreSQL."""

from __future__ import annotations

import zlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from storage.records import decompress, output_hash
from storage.repository import (
    articles,
    errors,
    page_versions,
    pages,
    related_links,
    segments,
    write_items,
)
from tests.storage.conftest import cleaned_item

URL = "https://www.arabstoday.net/en/news/qalamoun.html"
HTML = """<html lang="en"><head><title>Army advances in Qalamoun</title></head><body><article>
<h1>Army advances in Qalamoun</h1>
<p>The Syrian army advanced in the Qalamoun mountains on Sunday, a monitor said, after days of heavy fighting.</p>
<p>Residents said the roads to the border were closed and that hundreds of families had left their homes.</p>
<p>source: Alarabiya</p>
<p>Copyright 2017 Arabstoday. All rights reserved.</p>
</article></body></html>"""


def counts(conn) -> dict[str, int]:
    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in (pages, page_versions, articles, segments, related_links, errors)
    }


def write(engine, items):
    with engine.begin() as conn:
        return write_items(conn, items)


def test_seed_page_stored_whole(engine, seed_text, seed_gold):
    result = write(engine, [cleaned_item(seed_text, URL)])
    assert (result.new, result.changed, result.unchanged) == (1, 0, 0)
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        article = conn.execute(select(articles)).one()
        segs = conn.execute(select(segments).order_by(segments.c.position)).all()
        links = conn.execute(select(related_links).order_by(related_links.c.position)).all()
    assert page.url == URL and page.domain == "www.arabstoday.net"
    assert page.raw_html is None and page.raw_text == seed_text  # a .txt page is its own raw text
    assert page.first_fetched == page.last_fetched == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert article.body == seed_gold["body"]
    assert article.source == "Alarabiya"
    assert [(link.title, link.published) for link in links] == [
        (g["title"], datetime.fromisoformat(g["published"])) for g in seed_gold["related_links"]
    ]
    assert all(link.published.tzinfo is not None and link.published.utcoffset().total_seconds() == 0 for link in links)
    assert [seg.label for seg in segs].count("boilerplate") == 4
    # every non-whitespace character of the raw text is in exactly one stored segment
    pos, rebuilt = 0, []
    for seg in segs:
        assert seg.start >= pos
        assert not page.raw_text[pos : seg.start].strip()
        rebuilt.append(page.raw_text[pos : seg.end])
        pos = seg.end
    assert not page.raw_text[pos:].strip()
    assert "".join(rebuilt) + page.raw_text[pos:] == seed_text


def test_recrawl_unchanged_only_moves_last_fetched(engine, seed_text):
    write(engine, [cleaned_item(seed_text, URL)])
    with engine.connect() as conn:
        before = counts(conn)
        article_before = conn.execute(select(articles)).one()
    result = write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-02-01T00:00:00Z")])
    assert (result.new, result.changed, result.unchanged) == (0, 0, 1)
    with engine.connect() as conn:
        assert counts(conn) == before
        page = conn.execute(select(pages)).one()
        assert conn.execute(select(articles)).one() == article_before
    assert page.first_fetched == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert page.last_fetched == datetime(2026, 2, 1, tzinfo=timezone.utc)


def test_changed_content_keeps_old_version_and_recleans(engine, seed_text):
    write(engine, [cleaned_item(seed_text, URL)])
    edited = seed_text.replace("Qalamoun", "Qalamun", 1)
    assert edited != seed_text
    result = write(engine, [cleaned_item(edited, URL, fetched_at="2026-03-01T00:00:00Z")])
    assert (result.new, result.changed, result.unchanged) == (0, 1, 0)
    with engine.connect() as conn:
        c = counts(conn)
        version = conn.execute(select(page_versions)).one()
        page = conn.execute(select(pages)).one()
        article = conn.execute(select(articles)).one()
    assert c["page_versions"] == 1 and c["articles"] == 1
    assert c["segments"] == len(cleaned_item(edited, URL)["segments"])  # replaced, not appended
    assert c["related_links"] == 5
    assert version.raw_text == seed_text and version.reason == "content"
    assert version.fetched_from == version.fetched_until == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert page.raw_text == edited and page.first_fetched == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert "Qalamun" in article.body and article.output_hash == output_hash(cleaned_item(edited, URL))


def test_html_page_compressed_and_extraction_failure_recorded(engine):
    good = cleaned_item(HTML, "https://example.com/a", is_html=True)
    assert good["raw_text"] is not None
    bad = cleaned_item("<html><body><script>x()</script></body></html>", "https://example.com/b", is_html=True)
    assert bad["raw_text"] is None and bad["errors"][0]["stage"] == "extract"
    write(engine, [good, bad])
    with engine.connect() as conn:
        rows = {r.url: r for r in conn.execute(select(pages))}
        errs = conn.execute(select(errors)).all()
        n_articles = conn.execute(select(func.count()).select_from(articles)).scalar_one()
    assert decompress(rows["https://example.com/a"].raw_html) == HTML
    assert rows["https://example.com/a"].raw_text == good["raw_text"]
    assert decompress(rows["https://example.com/b"].raw_html).startswith("<html><body><script>")
    assert rows["https://example.com/b"].raw_text is None
    assert n_articles == 1
    assert [(e.page_id, e.stage) for e in errs] == [(rows["https://example.com/b"].id, "extract")]


def test_changed_page_that_no_longer_extracts_loses_its_article(engine):
    write(engine, [cleaned_item(HTML, "https://example.com/a", is_html=True)])
    bad = cleaned_item(
        "<html><body></body></html>", "https://example.com/a", is_html=True, fetched_at="2026-05-01T00:00:00Z"
    )
    assert write(engine, [bad]).changed == 1
    with engine.connect() as conn:
        c = counts(conn)
    assert (c["pages"], c["page_versions"], c["articles"], c["segments"], c["errors"]) == (1, 1, 0, 0, 1)


def test_fetch_failure_recorded_without_touching_stored_content(engine, seed_text):
    failed = {
        "url": URL,
        "content": None,
        "status": 503,
        "fetched_at": "2026-04-01T00:00:00Z",
        "errors": [{"stage": "fetch", "cleaner": None, "message": "HTTP 503"}],
    }
    result = write(engine, [failed])
    assert (result.new, result.failed) == (0, 1)
    write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-04-02T00:00:00Z")])  # content arrives later
    result = write(engine, [dict(failed, fetched_at="2026-04-03T00:00:00Z")])
    assert result.failed == 1
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        errs = conn.execute(select(errors.c.stage, errors.c.message)).all()
        c = counts(conn)
    assert page.raw_text == seed_text and page.status == 200
    assert errs == [("fetch", "HTTP 503"), ("fetch", "HTTP 503")]
    assert c["page_versions"] == 0  # an empty page is not a version worth keeping
    assert c["articles"] == 1


def test_canonical_url_and_duplicates_in_one_batch(engine, seed_text):
    a = cleaned_item(seed_text, "https://Example.com/news?id=2&cat=1#top")
    b = cleaned_item(seed_text + "\nupdate", "https://example.com/news?cat=1&id=2", fetched_at="2026-01-02T00:00:00Z")
    result = write(engine, [a, b])
    assert (result.new, result.changed) == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(select(pages.c.url)).scalars().all() == ["https://example.com/news?cat=1&id=2"]
        assert counts(conn)["page_versions"] == 1


def test_older_fetch_is_kept_as_a_version_once(engine, seed_text):
    write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-06-01T00:00:00Z")])
    old = cleaned_item(seed_text + "\nold", URL, fetched_at="2026-05-01T00:00:00Z")  # e.g. from a spool file
    for _ in range(2):
        assert write(engine, [old]).stale == 1
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        version = conn.execute(select(page_versions)).one()
    assert page.raw_text == seed_text  # the newer content stays current
    assert version.raw_text == seed_text + "\nold"


@pytest.mark.parametrize("n", [1, 3])
def test_many_pages_in_one_batch(engine, seed_text, n):
    items = [cleaned_item(seed_text + f"\n{i}", f"https://example.com/{i}") for i in range(n)]
    assert write(engine, items).new == n
    with engine.connect() as conn:
        c = counts(conn)
        per_article = conn.execute(select(segments.c.article_id, func.count()).group_by(segments.c.article_id)).all()
    assert c["articles"] == n and c["related_links"] == 5 * n
    assert sorted(k for _, k in per_article) == sorted(len(i["segments"]) for i in items)


def failure(url: str, when: str, message: str = "HTTP 503 Service Unavailable", status: int | None = 503) -> dict:
    return {
        "url": url,
        "content": None,
        "status": status,
        "error_class": "HttpError" if status else "DownloadTimeoutError",
        "fetched_at": when,
        "errors": [{"stage": "fetch", "cleaner": None, "message": message}],
    }


def test_a_failed_fetch_is_a_page_row_until_a_success_supersedes_it(engine, seed_text):
    """Issue 9, case 6: HTTP errors and timeouts were only log lines. Now: status, class, message; then superseded."""
    write(engine, [failure(URL, "2026-04-01T00:00:00Z")])
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        errs = conn.execute(select(errors.c.stage, errors.c.message)).all()
    assert (page.status, page.fetch_error, page.content_hash) == (503, "HttpError", None)
    assert errs == [("fetch", "HTTP 503 Service Unavailable")]

    write(engine, [failure(URL, "2026-04-02T00:00:00Z")])  # the same failure again (a retry, a resumed crawl)
    write(engine, [failure(URL, "2026-04-03T00:00:00Z", "DownloadTimeoutError: took too long", None)])
    with engine.connect() as conn:
        assert conn.execute(select(pages.c.fetch_error, pages.c.status)).one() == ("DownloadTimeoutError", None)
        assert [m for (m,) in conn.execute(select(errors.c.message).order_by(errors.c.id))] == [
            "HTTP 503 Service Unavailable",
            "DownloadTimeoutError: took too long",
        ], "a repeated failure adds no row; a different one does"

    write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-04-04T00:00:00Z")])
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
    assert (page.status, page.fetch_error, page.raw_text) == (200, None, seed_text)

    write(engine, [failure(URL, "2026-04-05T00:00:00Z", "HTTP 404 Not Found", 404)])
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
    assert (page.fetch_error, page.status, page.raw_text) == ("HttpError", 200, seed_text)  # content and status kept
    write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-04-06T00:00:00Z")])  # unchanged content, a success
    with engine.connect() as conn:
        assert conn.execute(select(pages.c.fetch_error)).scalar_one() is None


def test_an_old_failure_does_not_mark_a_newer_success_failed(engine, seed_text):
    write(engine, [cleaned_item(seed_text, URL, fetched_at="2026-04-02T00:00:00Z")])
    write(engine, [failure(URL, "2026-04-01T00:00:00Z")])  # e.g. imported from an old spool
    with engine.connect() as conn:
        assert conn.execute(select(pages.c.fetch_error)).scalar_one() is None


def test_fetched_bytes_are_kept_compressed_and_archived_with_the_content(engine):
    body = HTML.encode("cp1256")
    item = cleaned_item(HTML, URL, is_html=True, fetched_at="2026-04-01T00:00:00Z")
    write(engine, [{**item, "encoding": "cp1256", "fetched_bytes": body}])
    write(engine, [cleaned_item(HTML + " ", URL, is_html=True, fetched_at="2026-04-02T00:00:00Z")])
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        version = conn.execute(select(page_versions)).one()
    assert page.raw_bytes is None  # the new content is plain UTF-8: its text gives the bytes back
    assert zlib.decompress(version.raw_bytes) == body and decompress(version.raw_html) == HTML
