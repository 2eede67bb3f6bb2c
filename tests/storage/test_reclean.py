"""crawler.reclean in-process on both backends: chunks, counts, and raw text that re-extracts differently."""

from __future__ import annotations

from sqlalchemy import select

from cleaners.document.extract import Extracted, TrafilaturaExtractor
from cleaners.process import clean_content
from crawler.components import load_extractor, offline_crawler
from crawler.reclean import count_pages, reclean
from storage.records import output_hash
from storage.repository import articles, page_versions, pages, segments, write_items
from tests.conftest import make_chain, project_settings
from tests.storage.conftest import cleaned_item
from tests.storage.test_repository import HTML

NO_SOURCE = {"cleaners.builtin.SourceCleaner": None}


def extractor():
    return load_extractor(offline_crawler(project_settings()))


def store(engine, items):
    with engine.begin() as conn:
        write_items(conn, items)


def test_counts_chunks_and_domain(engine, seed_text):
    items = [
        cleaned_item(seed_text, "https://news.example.com/seed"),
        cleaned_item(
            "Markets were calm on Monday.\nTraders waited for the central bank.\n", "https://example.com/calm"
        ),
        cleaned_item(seed_text + "\nMore.", "https://other.org/seed"),
        {"url": "https://example.com/down", "content": None, "errors": [{"stage": "fetch", "message": "HTTP 500"}]},
    ]
    store(engine, items)
    assert count_pages(engine) == 3  # the failed fetch has nothing to clean
    assert count_pages(engine, "example.com") == 2
    chunks: list[int] = []
    counts = reclean(engine, make_chain(), extractor(), chunk_size=2, progress=chunks.append)
    assert (counts.changed, counts.unchanged, counts.failed) == (0, 3, 0)
    assert chunks == [2, 1]

    reduced = make_chain(CLEANERS=NO_SOURCE)
    expected = {
        i["url"]
        for i in items[:3]
        if clean_content(reduced, i["content"], is_html=False).record["source"] != i["source"]
    }
    assert expected == {"https://news.example.com/seed", "https://other.org/seed"}
    counts = reclean(engine, reduced, extractor(), domain="example.com")
    assert (counts.changed, counts.unchanged, counts.failed) == (1, 1, 0)
    with engine.connect() as conn:
        sources = dict(conn.execute(select(pages.c.url, articles.c.source).join(articles)).all())
        fingerprints = set(conn.execute(select(articles.c.fingerprint)).scalars())
    assert sources == {
        "https://news.example.com/seed": None,  # in example.com's scope and affected
        "https://example.com/calm": None,  # in scope, never had a source: untouched
        "https://other.org/seed": "Alarabiya",  # out of scope
    }
    assert fingerprints == {make_chain().fingerprint, reduced.fingerprint}


class ShiftedExtractor(TrafilaturaExtractor):
    """A "newer extractor": the same page comes out with an extra first line, so every offset moves."""

    def extract(self, html: str, url: str | None = None) -> Extracted:
        out = super().extract(html, url=url)
        out.text = "Breaking\n" + out.text
        return out


def test_reextracted_text_is_stored_with_its_segments_and_the_old_one_kept(engine):
    item = cleaned_item(HTML, "https://example.com/port", is_html=True)
    store(engine, [item])
    counts = reclean(engine, make_chain(), ShiftedExtractor())
    assert (counts.changed, counts.reextracted) == (1, 1)
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        version = conn.execute(select(page_versions)).one()
        segs = conn.execute(select(segments).order_by(segments.c.position)).all()
    assert version.reason == "extraction" and version.raw_text == item["raw_text"]
    assert page.raw_text == "Breaking\n" + item["raw_text"]
    assert page.content_hash == version.content_hash  # the HTML itself did not change
    shifted = clean_content(make_chain(), HTML, is_html=True, extractor=ShiftedExtractor(), url=page.url).record
    assert [(s.label, s.start, s.end) for s in segs] == [
        (s["label"], s["start"], s["end"]) for s in shifted["segments"]
    ]
    assert all(page.raw_text[s.start : s.end].strip() for s in segs)


def test_extraction_failure_keeps_the_old_article(engine):
    item = cleaned_item(HTML, "https://example.com/port", is_html=True)
    store(engine, [item])

    class Broken(TrafilaturaExtractor):
        def extract(self, html, url=None):
            from cleaners.document.errors import ExtractionError

            raise ExtractionError("no article text found in the HTML")

    counts = reclean(engine, make_chain(), Broken())
    assert (counts.changed, counts.unchanged, counts.failed) == (0, 0, 1)
    with engine.connect() as conn:
        article = conn.execute(select(articles)).one()
    assert (article.body, article.output_hash) == (item["body"], output_hash(item))
