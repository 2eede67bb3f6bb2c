"""Charsets: a declared one is obeyed; else strict UTF-8, then a guess; the encoding used is kept."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.fetching.responses import html_item
from tests.conftest import run_scrapy
from tests.crawler.news_site import NewsSite, serve

ARABIC = [
    "قال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة بعد توقف دام شهرين كاملين.",
    "وأضاف أن الوفدين اتفقا على جدول أعمال يشمل ملفات الحدود والمياه والتجارة بين البلدين الجارين.",
    "وأكد أن الحكومة ملتزمة بالتوصل إلى اتفاق شامل قبل نهاية العام الحالي رغم الصعوبات الكثيرة.",
    "وأشار إلى أن الجولة المقبلة ستركز على تقاسم الموارد المائية وتنظيم حركة الشاحنات عبر المعابر.",
    "ورحبت الأمم المتحدة بالإعلان ودعت الطرفين إلى الإسراع في تنفيذ ما تم الاتفاق عليه سابقا.",
    "وكانت المحادثات قد توقفت في الصيف الماضي بعد خلاف حول آلية مراقبة الحدود المشتركة بين البلدين.",
]
ENGLISH = (
    "The regional council voted on Tuesday to extend the tram line to the eastern suburbs, ending a dispute that "
    "had delayed the project for more than three years and divided the residents of the old quarter."
)
ONE_ARABIC_SENTENCE = "قال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل."


def arabic_page(meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in ARABIC)
    head = f'{meta}<meta property="og:type" content="article"><title>خبر</title>'
    return f'<!DOCTYPE html><html lang="ar"><head>{head}</head><body><article>{body}</article></body></html>'


def english_page_with_one_arabic_sentence() -> str:
    body = "".join(f"<p>{ENGLISH}</p>" for _ in range(5)) + f"<p>{ONE_ARABIC_SENTENCE}</p>"
    head = '<meta property="og:type" content="article"><title>Trams</title>'
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


#: name -> (body bytes, Content-Type header, the encodings acceptable as "the one used", text that must survive)
CASES = {
    "cp1256-header": (arabic_page().encode("cp1256"), "text/html; charset=windows-1256", {"cp1256"}, ARABIC[0]),
    "cp1256-meta": (
        arabic_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">').encode("cp1256"),
        "text/html",
        {"cp1256"},
        ARABIC[0],
    ),
    "cp1256-undeclared": (arabic_page().encode("cp1256"), "text/html", {"cp1256"}, ARABIC[0]),
    "utf8-undeclared": (english_page_with_one_arabic_sentence().encode(), "text/html", {"utf-8"}, ONE_ARABIC_SENTENCE),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_html_item_decodes_and_records_the_encoding(name):
    body, content_type, encodings, must_survive = CASES[name]
    item = html_item(
        HtmlResponse(f"http://127.0.0.1/{name}.html", body=body, headers={"Content-Type": content_type}), 10**7
    )
    assert item.encoding in encodings
    assert must_survive in item.content
    assert item.content_type == content_type


def test_a_declared_charset_that_leaves_bytes_undecodable_yields_to_one_that_fits_and_says_so():
    """A cp1256 page served as UTF-8 (issue 9, case 5: 1,470 U+FFFD, no error): now cp1256, flagged, bytes kept."""
    body = arabic_page().encode("cp1256")
    item = html_item(
        HtmlResponse("http://127.0.0.1/x.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}), 10**7
    )
    assert item.encoding == "cp1256"
    assert ARABIC[0] in item.content and "\ufffd" not in item.content
    assert [e["stage"] for e in item.errors] == ["decode"]
    assert "charset utf-8 leaves" in item.errors[0]["message"] and "decoded as cp1256" in item.errors[0]["message"]
    assert item.fetched_bytes == body  # kept: the text's UTF-8 is not what was fetched


def test_a_declared_charset_that_fits_is_obeyed_and_utf8_bytes_are_not_kept_twice():
    body = arabic_page().encode("utf-8")
    item = html_item(
        HtmlResponse("http://127.0.0.1/x.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}), 10**7
    )
    assert (item.encoding, item.errors, item.fetched_bytes) == ("utf-8", [], None)


def test_a_few_stray_bytes_keep_the_declared_charset_and_are_flagged():
    """A UTF-8 page with stray bytes stays UTF-8 (a single-byte charset would fit every byte, as mojibake)."""
    body = arabic_page().encode("utf-8").replace("قال".encode(), b"\x81\x8d\xff\xfe\x90", 1)
    item = html_item(
        HtmlResponse("http://127.0.0.1/x.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}), 10**7
    )
    assert item.encoding == "utf-8" and ARABIC[1] in item.content
    assert item.errors[0]["stage"] == "decode" and "became U+FFFD" in item.errors[0]["message"]
    assert item.fetched_bytes == body


def test_crawl_records_the_encoding_of_each_page(tmp_path):
    site = NewsSite()
    server, thread = serve(site)
    try:
        for name, (body, content_type, _, _) in CASES.items():
            # Distinct bytes per URL: the same bytes under two URLs are one page's copy, fetched once.
            site.pages[f"/enc/{name}.html"] = (content_type, body + f"<!-- {name} -->".encode())
        urls = ",".join(site.url(f"/enc/{name}.html") for name in CASES)
        out = tmp_path / "out.jsonl"
        proc = run_scrapy(
            "crawl", "articles", "-a", f"start_urls={urls}", "-a", "depth=0", "-O", str(out),
            "-s", "FEED_EXPORT_FIELDS=url,encoding,body,errors", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", f"DATABASE_URL=sqlite:///{tmp_path}/x.db", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/spool",
            timeout=120,
        )  # fmt: skip
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    records = {
        r["url"].rsplit("/", 1)[1].removesuffix(".html"): r for r in map(json.loads, out.read_text().splitlines())
    }
    assert sorted(records) == sorted(CASES)
    for name, (_, _, encodings, must_survive) in CASES.items():
        assert records[name]["encoding"] in encodings, name
        assert must_survive in records[name]["body"], name
