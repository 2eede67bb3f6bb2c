"""``scrapy crawl fixtures``: file:// requests, the size limit, and agreement with ``scrapy clean``."""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import PageItem
from crawler.spiders.fixtures import FixturesSpider
from tests.conftest import ROOT, SEED_TXT, run_scrapy

ARABIC_HTML = """<!DOCTYPE html>
<html lang="ar"><head><meta charset="windows-1256"><title>خبر</title></head>
<body><article><h1>عنوان الخبر</h1>
<p>قال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة بعد توقف دام شهرين كاملين.</p>
<p>وأضاف أن الوفدين اتفقا على جدول أعمال يشمل ملفات الحدود والمياه والتجارة بين البلدين الجارين.</p>
<p>المصدر: وكالة الأنباء</p>
</article></body></html>
"""


def private_db(tmp: Path) -> list[str]:
    """Keep test crawls out of the default database (data/sieve.db)."""
    return ["-s", f"DATABASE_URL=sqlite:///{tmp}/sieve.db", "-s", f"SIEVE_SPOOL_DIR={tmp}/spool"]


def make_spider(path: Path, **settings: object) -> FixturesSpider:
    crawler = get_crawler(FixturesSpider, {"SIEVE_MAX_BYTES": 10_000_000, **settings})
    return FixturesSpider.from_crawler(crawler, path=str(path))


def start_outputs(spider: FixturesSpider) -> list[object]:
    async def collect() -> list[object]:
        return [x async for x in spider.start()]

    return asyncio.run(collect())


@pytest.fixture
def page_dir(tmp_path: Path) -> Path:
    """The seed (raw text), an Arabic windows-1256 HTML page, and the same page gzipped."""
    d = tmp_path / "pages"
    d.mkdir()
    shutil.copy(SEED_TXT, d / SEED_TXT.name)
    (d / "arabic.html").write_bytes(ARABIC_HTML.encode("cp1256"))
    (d / "sub").mkdir()
    (d / "sub" / "arabic-copy.html.gz").write_bytes(gzip.compress(ARABIC_HTML.encode("cp1256")))
    (d / "notes.md").write_text("not a page")
    return d


def test_start_yields_one_file_request_per_page(page_dir):
    out = start_outputs(make_spider(page_dir))
    assert out, "the spider yielded nothing: scrapy crawl fixtures would crawl 0 pages"
    assert all(isinstance(r, Request) for r in out)
    urls = sorted(r.url for r in out)
    assert urls == sorted(p.resolve().as_uri() for p in page_dir.rglob("*") if p.name != "notes.md" and p.is_file())


def test_start_accepts_a_single_file():
    out = start_outputs(make_spider(SEED_TXT))
    assert [r.url for r in out] == [SEED_TXT.resolve().as_uri()]


def test_oversized_file_is_never_requested_and_becomes_a_fetch_error(page_dir):
    limit = SEED_TXT.stat().st_size - 1
    out = start_outputs(make_spider(page_dir, SIEVE_MAX_BYTES=limit))
    errors = [x for x in out if isinstance(x, PageItem)]
    assert [e.url for e in errors] == [(page_dir / SEED_TXT.name).resolve().as_uri()]
    assert errors[0].content is None
    assert errors[0].errors[0]["stage"] == "fetch"
    assert errors[0].errors[0]["cleaner"] is None
    assert "SIEVE_MAX_BYTES" in errors[0].errors[0]["message"]
    assert sum(isinstance(x, Request) for x in out) == 2


def test_oversized_body_is_refused_even_if_the_file_grew(page_dir):
    spider = make_spider(page_dir, SIEVE_MAX_BYTES=100)
    url = (page_dir / "arabic.html").as_uri()
    item = spider.parse(HtmlResponse(url, body=b"<p>" + b"x" * 200 + b"</p>"))
    assert item.content is None
    assert "over the 100-byte limit" in item.errors[0]["message"]


def test_binary_file_is_a_fetch_error_not_a_crash(page_dir):
    spider = make_spider(page_dir)
    item = spider.parse(HtmlResponse((page_dir / "x.html").as_uri(), body=b"\x00\x01\x02binary\x00"))
    assert item.content is None
    assert item.errors == [{"stage": "fetch", "cleaner": None, "message": item.errors[0]["message"]}]
    assert "binary" in item.errors[0]["message"]


def test_parse_decodes_the_declared_charset_and_records_it(page_dir):
    spider = make_spider(page_dir)
    path = page_dir / "arabic.html"
    item = spider.parse(HtmlResponse(path.as_uri(), body=path.read_bytes()))
    assert item.is_html and item.encoding == "cp1256"
    assert "المفاوضات ستستأنف" in item.content
    assert item.fetched_at.endswith("+00:00")


def test_missing_path_closes_the_spider(tmp_path):
    with pytest.raises(CloseSpider):
        start_outputs(make_spider(tmp_path / "nope"))


def test_missing_path_is_one_clear_line_not_a_traceback(tmp_path):
    """Checked before the crawl starts (crawler/commands/crawl.py): one line, exit 2, nothing crawled."""
    proc = run_scrapy("crawl", "fixtures", "-a", f"path={tmp_path / 'nope'}", *private_db(tmp_path), timeout=120)
    err = proc.stderr.decode()
    assert err.splitlines() == [
        f"scrapy crawl: no such file or directory: {tmp_path / 'nope'} (give -a path=FILE_OR_DIR)"
    ]
    assert proc.returncode == 2, "a crawl that refused its -a path must fail for scripts (crawler/commands/crawl.py)"


def records_by_uri(clean_stdout: str, export: Path) -> tuple[dict, dict]:
    """``scrapy clean`` records and a crawl's exported records, both keyed by the page's file:// URI."""
    by_path = {}
    for line in clean_stdout.splitlines():
        rec = json.loads(line)
        by_path[Path(rec.pop("path")).resolve().as_uri()] = rec
    crawled = {}
    for line in export.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        crawled[rec.pop("url")] = rec
    return by_path, crawled


def test_crawl_exports_exactly_what_scrapy_clean_prints(page_dir, tmp_path):
    """The identical-results requirement: the same file, two paths, one record."""
    out = tmp_path / "out.jsonl"
    crawl = run_scrapy("crawl", "fixtures", "-a", f"path={page_dir}", "-O", str(out), *private_db(tmp_path))
    assert crawl.returncode == 0, crawl.stderr.decode()[-3000:]
    assert "Traceback" not in crawl.stderr.decode()
    clean = run_scrapy("clean", str(page_dir))
    assert clean.returncode == 0, clean.stderr.decode()
    by_path, crawled = records_by_uri(clean.stdout.decode(), out)
    assert len(by_path) == 3
    assert crawled == by_path
    seed = crawled[(page_dir / SEED_TXT.name).resolve().as_uri()]
    assert seed["source"] == "Alarabiya" and len(seed["related_links"]) == 5 and seed["errors"] == []
    arabic = crawled[(page_dir / "arabic.html").resolve().as_uri()]
    assert "المفاوضات ستستأنف" in arabic["body"]
    stats = crawl.stderr.decode()
    assert "'sieve/pages': 3" in stats and "'sieve/articles': 3" in stats


def test_repository_fixture_pages_agree_with_scrapy_clean(tmp_path):
    """Every page under fixtures/pages (as shipped) comes out of the crawl as scrapy clean prints it."""
    root = ROOT / "fixtures" / "pages"
    if not any(True for _ in root.rglob("*.htm*")) and not any(True for _ in root.rglob("*.txt")):
        pytest.skip("fixtures/pages holds no pages yet")
    out = tmp_path / "out.jsonl"
    crawl = run_scrapy("crawl", "fixtures", "-O", str(out), *private_db(tmp_path))
    assert crawl.returncode == 0, crawl.stderr.decode()[-3000:]
    clean = run_scrapy("clean", str(root))
    by_path, crawled = records_by_uri(clean.stdout.decode(), out)
    assert crawled.keys() == by_path.keys()
    for url, rec in by_path.items():
        if any(e["stage"] == "read" for e in rec["errors"]):  # scrapy clean's name for a fetch error
            assert [e["message"] for e in crawled[url]["errors"]] == [e["message"] for e in rec["errors"]]
            assert [e["stage"] for e in crawled[url]["errors"]] == ["fetch"]
        else:
            assert crawled[url] == rec, url
