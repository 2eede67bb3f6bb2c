"""Real `scrapy crawl fixtures` runs into a temporary SQLite file, then `scrapy reclean` and `scrapy db summary`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from cleaners.process import clean_content
from cleaners.text import normalise_ws
from crawler.components import load_extractor, offline_crawler
from storage.records import output_hash
from storage.repository import articles, errors, page_versions, pages, related_links, segments
from tests.conftest import ROOT, SEED_TXT, make_chain, project_settings, run_scrapy
from tests.test_seed import check_against_gold

pytestmark = pytest.mark.skipif(
    not (ROOT / "crawler" / "spiders" / "fixtures.py").exists(),
    reason="needs the `fixtures` spider (crawler/spiders/fixtures.py), which is not in this checkout",
)
NO_SOURCE = '{"cleaners.builtin.SourceCleaner": null}'
PLAIN = """Oil prices rose on Monday as traders weighed supply cuts against a slowing economy.
Brent crude futures were up 40 cents at 82.10 a barrel by 0900 GMT.
Analysts said the market would watch this week's inventory figures closely.
"""
HTML = """<html lang="en"><head><title>Port reopens after storm</title></head><body><article>
<h1>Port reopens after storm</h1>
<p>The port of Tartus reopened on Tuesday after a storm forced it to close for three days, officials said.</p>
<p>Ships that had waited offshore began unloading grain and fuel, and traffic was expected to be normal by Friday.</p>
<p>source: Reuters</p>
</article></body></html>"""


def crawl(pages_dir: Path, db: Path, *extra: str) -> str:
    proc = run_scrapy("crawl", "fixtures", "-a", f"path={pages_dir}", "-s", f"DATABASE_URL=sqlite:///{db}", *extra)
    log = proc.stderr.decode()
    assert proc.returncode == 0, log
    assert "Traceback" not in log, log
    return log


def table_counts(db: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (pages, page_versions, articles, segments, related_links, errors)
            }
    finally:
        engine.dispose()


def stored_record(db: Path, name: str) -> tuple[dict, str]:
    """The output contract of page ``name`` rebuilt from the database alone, and its stored raw text."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            page = conn.execute(select(pages).where(pages.c.url.like(f"%/{name}"))).one()
            article = conn.execute(select(articles).where(articles.c.page_id == page.id)).one()
            segs = conn.execute(
                select(segments).where(segments.c.article_id == article.id).order_by(segments.c.position)
            ).all()
            links = conn.execute(
                select(related_links).where(related_links.c.article_id == article.id).order_by(related_links.c.position)
            ).all()
            errs = conn.execute(select(errors).where(errors.c.page_id == page.id).order_by(errors.c.id)).all()
    finally:
        engine.dispose()
    raw = page.raw_text
    record = {
        "body": article.body,
        "source": article.source,
        "related_links": [{"title": x.title, "published": x.published.isoformat(), "url": x.url} for x in links],
        "boilerplate": [normalise_ws(raw[s.start : s.end]) for s in segs if s.label == "boilerplate"],
        "segments": [{"label": s.label, "start": s.start, "end": s.end} for s in segs],
        "errors": [{"stage": e.stage, "cleaner": e.cleaner, "message": e.message} for e in errs],
        "links_utc": [x.published.utcoffset().total_seconds() == 0 for x in links],
    }
    return record, raw


def test_seed_crawl_stored_recrawled_and_edited(tmp_path, seed_text, seed_gold):
    pages_dir, db = tmp_path / "pages", tmp_path / "out" / "sieve.db"
    pages_dir.mkdir()
    shutil.copy(SEED_TXT, pages_dir / SEED_TXT.name)

    export = tmp_path / "out.jsonl"
    log = crawl(pages_dir, db, "-O", str(export))
    assert "Storage: 1 new, 0 changed, 0 unchanged" in log
    record, raw = stored_record(db, SEED_TXT.name)
    check_against_gold(record, seed_gold, seed_text)
    exported = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert [x["body"] for x in exported] == [record["body"]]  # -O still works beside the database
    assert all(record["links_utc"]) and len(record["links_utc"]) == 5
    # the raw text, rebuilt from the stored segments and the whitespace between them, is the file byte for byte
    pos, parts = 0, []
    for seg in record["segments"]:
        gap = raw[pos : seg["start"]]
        assert not gap.strip(), "only whitespace may lie outside the segments"
        parts += [gap, raw[seg["start"] : seg["end"]]]
        pos = seg["end"]
    parts.append(raw[pos:])
    assert "".join(parts).encode("utf-8") == SEED_TXT.read_bytes()

    before = table_counts(db)
    assert before["pages"] == before["articles"] == 1 and before["page_versions"] == 0
    log = crawl(pages_dir, db)
    assert "Storage: 0 new, 0 changed, 1 unchanged" in log
    assert "'storage/pages/unchanged': 1" in log
    assert table_counts(db) == before

    edited = pages_dir / SEED_TXT.name
    edited.write_text(seed_text.replace("Qalamoun", "Qalamun"), encoding="utf-8")
    log = crawl(pages_dir, db)
    assert "Storage: 0 new, 1 changed, 0 unchanged" in log
    after = table_counts(db)
    assert after["page_versions"] == before["page_versions"] + 1
    assert {k: v for k, v in after.items() if k != "page_versions"} == {
        k: v for k, v in before.items() if k != "page_versions"
    }


def expected_changes(pages_dir: Path) -> set[str]:
    """Files whose output differs between the default chain and the chain without SourceCleaner, computed here."""
    extractor = load_extractor(offline_crawler(project_settings()))
    full, reduced = make_chain(), make_chain(CLEANERS=json.loads(NO_SOURCE))
    out = set()
    for path in sorted(pages_dir.iterdir()):
        content, is_html = path.read_text(encoding="utf-8"), path.suffix == ".html"
        url = path.resolve().as_uri()
        a = clean_content(full, content, is_html=is_html, extractor=extractor, url=url).record
        b = clean_content(reduced, content, is_html=is_html, extractor=extractor, url=url).record
        if output_hash(a) != output_hash(b):
            out.add(path.name)
    return out


def article_states(db: Path) -> dict[str, tuple]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(pages.c.url, articles.c.output_hash, articles.c.source, articles.c.fingerprint).join(
                    articles, articles.c.page_id == pages.c.id
                )
            ).all()
    finally:
        engine.dispose()
    return {Path(r.url).name: (r.output_hash, r.source, r.fingerprint) for r in rows}


def reclean_counts(*args: str) -> tuple[int, int, int]:
    proc = run_scrapy("reclean", *args)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "%|" not in proc.stderr.decode(), "no progress bar when stderr is not a terminal"
    m = re.search(r"(\d+) changed, (\d+) unchanged, (\d+) failed", proc.stdout.decode())
    assert m, proc.stdout.decode()
    return int(m[1]), int(m[2]), int(m[3])


def test_reclean_changes_exactly_the_affected_articles(tmp_path):
    pages_dir, db = tmp_path / "pages", tmp_path / "sieve.db"
    pages_dir.mkdir()
    shutil.copy(SEED_TXT, pages_dir / SEED_TXT.name)
    (pages_dir / "oil.txt").write_text(PLAIN, encoding="utf-8")
    (pages_dir / "port.html").write_text(HTML, encoding="utf-8")
    crawl(pages_dir, db)
    expected = expected_changes(pages_dir)
    assert SEED_TXT.name in expected and len(expected) < 3, "the test needs affected and unaffected pages"
    url = ["-s", f"DATABASE_URL=sqlite:///{db}"]

    assert reclean_counts(*url) == (0, 3, 0)  # same chain as the crawl: nothing to do
    before = article_states(db)
    assert reclean_counts(*url, "-s", f"CLEANERS={NO_SOURCE}") == (len(expected), 3 - len(expected), 0)
    after = article_states(db)
    assert {name for name in before if before[name][:2] != after[name][:2]} == expected
    assert after[SEED_TXT.name][1] is None and before[SEED_TXT.name][1] == "Alarabiya"
    # Unchanged or not, every article now names the chain that last vouched for it, so --stale has nothing to do.
    assert len({s[2] for s in after.values()}) == 1 and after[SEED_TXT.name][2] != before[SEED_TXT.name][2]
    assert reclean_counts(*url, "--stale", "-s", f"CLEANERS={NO_SOURCE}") == (0, 0, 0)
    assert reclean_counts(*url, "--domain", "example.com") == (0, 0, 0)  # file:// pages have no domain
    assert reclean_counts(*url, "--stale") == (len(expected), 3 - len(expected), 0)  # and back: all stale again
    assert {name: s[0] for name, s in article_states(db).items()} == {name: s[0] for name, s in before.items()}

    summary = run_scrapy("db", "summary", *url)
    assert summary.returncode == 0, summary.stderr.decode()
    out = summary.stdout.decode()
    assert re.search(r"^pages:\s+3 ", out, re.M) and re.search(r"^articles:\s+3$", out, re.M)
    assert "Alarabiya 1" in out and re.search(r"^related links:\s+5$", out, re.M)
