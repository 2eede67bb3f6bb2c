"""crawler.reclean in-process on both backends: chunks, counts, and pages whose raw text re-extracts differently."""

from __future__ import annotations

from sqlalchemy import select

from cleaners.document.extract import TrafilaturaExtractor
from cleaners.process import clean_content
from crawler.components import load_extractor, offline_crawler
from crawler.reclean import count_pages, reclean
from storage.records import output_hash
from storage.repository import articles, errors, page_versions, pages, segments, write_items
from tests.conftest import ROOT, make_chain, project_settings
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
    steps: list[int] = []
    counts = reclean(engine, make_chain(), extractor(), chunk_size=2, progress=steps.append)
    assert (counts.changed, counts.unchanged, counts.failed) == (0, 3, 0)
    assert steps == [1, 1, 1]  # a step per page, whatever the chunk size

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


def test_a_page_stored_before_whole_page_cleaning_migrates_and_keeps_its_old_raw_text(engine):
    """Pages cleaned when the raw text was trafilatura's output re-extract into the whole page's text."""
    import trafilatura

    html = (ROOT / "fixtures" / "pages" / "whole-page" / "semantic-lebanon-gas-licences.html").read_text("utf-8")
    item = cleaned_item(html, "https://www.levantpost.example/en/business/713002/lebanon-gas-licences", is_html=True)
    old_text = trafilatura.extract(html, output_format="txt", include_tables=True, deduplicate=False) or ""
    old = clean_content(make_chain(), old_text, is_html=False).record  # what the chain made of it back then
    store(engine, [{**item, **old, "raw_text": old_text}])
    counts = reclean(engine, make_chain(), extractor())
    assert (counts.changed, counts.reextracted) == (1, 1)
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        version = conn.execute(select(page_versions)).one()
        segs = conn.execute(select(segments).order_by(segments.c.position)).all()
    assert version.reason == "extraction" and version.raw_text == old_text
    assert page.raw_text == item["raw_text"] != old_text  # the whole page now, not what trafilatura kept
    assert page.content_hash == version.content_hash  # the HTML itself did not change
    assert [(s.label, s.start, s.end) for s in segs] == [(s["label"], s["start"], s["end"]) for s in item["segments"]]
    assert all(page.raw_text[s.start : s.end].strip() for s in segs)


def test_extraction_failure_keeps_the_old_article(engine):
    item = cleaned_item(HTML, "https://example.com/port", is_html=True)
    store(engine, [item])

    class Broken(TrafilaturaExtractor):
        def main_text(self, doc):
            from cleaners.document.errors import ExtractionError

            raise ExtractionError("trafilatura failed: RuntimeError: broken")

    counts = reclean(engine, make_chain(), Broken())
    assert (counts.changed, counts.unchanged, counts.failed) == (0, 0, 1)
    with engine.connect() as conn:
        article = conn.execute(select(articles)).one()
    assert (article.body, article.output_hash) == (item["body"], output_hash(item))


class CrawlCommitsDuringCleaning:
    """A chain that, while reclean cleans a page, lets a 'crawl' commit new content for it (between read and write)."""

    def __init__(self, chain, crawl) -> None:
        self.chain, self.crawl, self.fingerprint = chain, crawl, chain.fingerprint

    def __getattr__(self, name):  # everything else (learns, learn, close, ...) is the real chain's
        return getattr(self.chain, name)

    def run(self, page):
        if self.crawl is not None:
            crawl, self.crawl = self.crawl, None
            crawl()
        return self.chain.run(page)


def test_reclean_never_writes_over_content_a_crawl_stored_after_it_read(engine, seed_text):
    """Issue 9, case 4: results built from the old raw text were written over freshly crawled articles."""
    url = "https://news.example.com/seed"
    store(engine, [cleaned_item(seed_text, url, fetched_at="2026-01-01T00:00:00Z")])
    fresh = cleaned_item(seed_text + "\nA correction was added.", url, fetched_at="2026-01-02T00:00:00Z")
    chain = CrawlCommitsDuringCleaning(make_chain(CLEANERS=NO_SOURCE), lambda: store(engine, [fresh]))
    counts = reclean(engine, chain, extractor())
    assert (counts.changed, counts.conflicts) == (0, 1)
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        article = conn.execute(select(articles)).one()
        segs = conn.execute(select(segments).order_by(segments.c.position)).all()
    assert page.raw_text == fresh["raw_text"]
    assert article.output_hash == output_hash(fresh) and article.source == "Alarabiya"  # the crawl's, not reclean's
    assert [(s.start, s.end) for s in segs] == [(s["start"], s["end"]) for s in fresh["segments"]]

    counts = reclean(engine, make_chain(CLEANERS=NO_SOURCE), extractor())  # nothing racing now
    assert (counts.changed, counts.conflicts) == (1, 0)


def test_reclean_decodes_kept_bytes_again(engine):
    """Issue 9, case 5: a cp1256 page stored as UTF-8 with U+FFFD can be put right from its stored bytes."""
    from tests.crawler.test_encodings import ARABIC, arabic_page

    body = arabic_page().encode("cp1256")
    garbled = body.decode("utf-8", "replace")  # what the old decoder stored: the declaration believed
    item = cleaned_item(garbled, "https://news.example.com/ar", is_html=True)
    store(engine, [{**item, "content_type": "text/html; charset=utf-8", "fetched_bytes": body}])
    counts = reclean(engine, make_chain(), extractor())
    assert (counts.changed, counts.redecoded) == (1, 1)
    with engine.connect() as conn:
        page = conn.execute(select(pages)).one()
        version = conn.execute(select(page_versions)).one()
        notes = conn.execute(select(errors.c.message).where(errors.c.stage == "decode")).scalars().all()
    assert page.encoding == "cp1256" and ARABIC[0] in page.raw_text and "\ufffd" not in page.raw_text
    assert version.reason == "decoding" and version.content_hash == item_hash(garbled)
    assert page.content_hash == item_hash(body.decode("cp1256"))
    assert len(notes) == 1 and "decoded as cp1256" in notes[0]
    assert reclean(engine, make_chain(), extractor()).unchanged == 1  # and it stays put


def item_hash(text: str) -> str:
    from storage.records import content_hash

    return content_hash(text)
