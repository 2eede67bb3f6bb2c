"""The articles spider in-process: its seeds, its arguments, which links it follows, which pages it keeps."""

from __future__ import annotations

import asyncio
import re

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from cleaners.document.article import check_article
from crawler.extensions import summary
from crawler.items import PageItem
from crawler.pipelines.clean import CleanPipeline
from crawler.spiders.articles import HOPS, MAX_HOPS, ArticlesSpider
from crawler.spiders.sites import ArabstodaySpider as ArabsTodaySpider
from tests.conftest import project_settings
from tests.crawler.news_site import HOSTILE_LINKS, article_page, index_page

BASE = "https://news.example.com"


def make(cls=ArticlesSpider, max_bytes: int = 10_000_000, **kwargs: object) -> ArticlesSpider:
    import crawler.settings as project

    settings = {k: v for k, v in vars(project).items() if k.isupper()}  # the project's own settings, not Scrapy's
    settings["SIEVE_MAX_BYTES"] = max_bytes
    settings["SIEVE_WORKERS"] = 0  # the pipeline in this process: these tests look at one page at a time
    crawler = get_crawler(cls, settings)
    return cls.from_crawler(crawler, **kwargs)


def start(spider: ArticlesSpider) -> list[object]:
    async def collect() -> list[object]:
        return [x async for x in spider.start()]

    return asyncio.run(collect())


def stored(spider: ArticlesSpider, outputs) -> list[PageItem]:
    """The items of ``outputs`` that CleanPipeline keeps (it makes the article decision on the page it parses)."""
    pipeline = CleanPipeline.from_crawler(spider.crawler)  # SIEVE_WORKERS=0 (make()): in this process
    kept = []
    for item in outputs:
        if isinstance(item, PageItem):
            try:
                kept.append(asyncio.run(pipeline.process_item(item, spider)))
            except DropItem:
                pass
    pipeline.close_spider(spider)
    return kept


def html(url: str, body: bytes, meta: dict | None = None) -> HtmlResponse:
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    request = Request(url, meta=meta or {})
    return response.replace(request=request)


def test_start_yields_a_request_for_every_seed():
    spider = make(start_urls=f"{BASE}/news/,{BASE}/world/", feed=f"{BASE}/rss.xml", sitemap=f"{BASE}/sitemap.xml")
    requests = start(spider)
    assert requests, "the spider yielded nothing: scrapy crawl articles would crawl 0 pages"
    got = {(r.url, r.callback.__name__) for r in requests}
    assert got == {
        (f"{BASE}/news/", "parse_page"),
        (f"{BASE}/world/", "parse_page"),
        (f"{BASE}/rss.xml", "parse_feed"),
        (f"{BASE}/sitemap.xml", "_parse_sitemap"),
    }
    assert spider.allowed_domains == ["news.example.com"]


def test_site_profile_yields_its_own_start_urls():
    spider = make(ArabsTodaySpider)
    requests = start(spider)
    assert [r.url for r in requests] == ArabsTodaySpider.start_urls
    assert spider.article_re.search("https://www.arabstoday.net/en/585011/iraqi-forces-retake-border-crossing")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give -a start_urls=URL"),
        ({"start_urls": "file:///etc/passwd"}, "only http(s) start URLs"),
        ({"start_urls": f"{BASE}/", "depth": "x"}, "is not a whole number"),
        ({"start_urls": f"{BASE}/", "depth": "-1"}, "must be 0 or more"),
        ({"start_urls": f"{BASE}/", "allow": "(unclosed"}, "-a allow='(unclosed' is not a valid regular expression"),
    ],
)
def test_bad_arguments_close_the_spider_with_a_message(kwargs, message, caplog):
    spider = make(**kwargs)
    with pytest.raises(CloseSpider):
        start(spider)
    assert message in spider.arg_error
    assert message in caplog.text


def test_links_followed_are_http_on_the_start_domain_and_within_depth():
    spider = make(start_urls=f"{BASE}/news/", depth="1")
    page = index_page("Front", ["/news/1.html", f"{BASE}/news/2.html", "//other.example.org/x", *HOSTILE_LINKS])
    out = list(spider.parse_page(html(f"{BASE}/news/", page)))
    assert [(r.url, r.meta[HOPS]) for r in out if isinstance(r, Request)] == [
        (f"{BASE}/news/1.html", 1),
        (f"{BASE}/news/2.html", 1),
    ]
    assert [x.require_article for x in out if isinstance(x, PageItem)] == [True]
    assert stored(spider, out) == [], "an index page is not an article"
    assert spider.crawler.stats.get_value("sieve/skipped/not_article/too-little-text") == 1
    deeper = list(spider.parse_page(html(f"{BASE}/news/", page, meta={HOPS: 1})))
    assert not any(isinstance(r, Request) for r in deeper), "depth 1 reached: follow nothing"


def followed(spider: ArticlesSpider, url: str, meta: dict | None = None) -> list[tuple[str, int, int]]:
    """(url, hops, max hops) of the links ``spider`` follows from an index page at ``url`` fetched with ``meta``."""
    page = index_page(f"Front of {url}", ["/news/1.html"])  # a page of its own: the same bytes are a copy
    return [
        (r.url, r.meta[HOPS], r.meta[MAX_HOPS])
        for r in spider.parse_page(html(url, page, meta))
        if isinstance(r, Request)
    ]


def sitemap_entries(spider: ArticlesSpider) -> list[Request]:
    """The requests Scrapy's SitemapSpider makes for a one-entry sitemap."""
    xml = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://news.example.com/news/sm1.html</loc></url></urlset>"
    )
    return list(spider._parse_sitemap(Response(f"{BASE}/sitemap.xml", body=xml)))


def test_a_start_url_follows_one_hop_and_a_sitemap_or_feed_entry_none_by_default():
    spider = make(start_urls=f"{BASE}/news/", sitemap=f"{BASE}/sitemap.xml")
    (seed,) = [r for r in start(spider) if r.url == f"{BASE}/news/"]
    assert seed.meta[MAX_HOPS] == 1
    assert followed(spider, f"{BASE}/news/", seed.meta) == [(f"{BASE}/news/1.html", 1, 1)]
    assert followed(spider, f"{BASE}/news/", {HOPS: 1, MAX_HOPS: 1}) == []
    # SitemapSpider makes an entry's request without meta, with the sitemap rule's callback: the entry depth, 0
    (entry_request,) = sitemap_entries(spider)
    entry = html(entry_request.url, index_page("Front", ["/news/1.html"]))
    assert [r for r in entry_request.callback(entry) if isinstance(r, Request)] == []
    rss = b'<rss version="2.0"><channel><item><link>https://news.example.com/a.html</link></item></channel></rss>'
    (entry,) = spider.parse_feed(Response(f"{BASE}/rss.xml", body=rss))
    assert entry.meta[MAX_HOPS] == 0


def test_an_explicit_depth_sets_start_urls_and_entries_alike():
    spider = make(start_urls=f"{BASE}/news/", sitemap=f"{BASE}/sitemap.xml", depth="2")
    (seed,) = [r for r in start(spider) if r.url == f"{BASE}/news/"]
    assert seed.meta[MAX_HOPS] == 2
    (entry_request,) = sitemap_entries(spider)
    entry = html(entry_request.url, index_page("Front", ["/news/1.html"]))
    requests = [r for r in entry_request.callback(entry) if isinstance(r, Request)]
    assert [(r.url, r.meta[HOPS], r.meta[MAX_HOPS]) for r in requests] == [(f"{BASE}/news/1.html", 1, 2)]
    assert followed(spider, f"{BASE}/news/1.html", {HOPS: 1, MAX_HOPS: 2}) == [(f"{BASE}/news/1.html", 2, 2)]


def test_a_site_profile_depth_is_its_start_urls_and_entries_stay_at_zero():
    spider = make(ArabsTodaySpider, sitemap="https://www.arabstoday.net/sitemap.xml")
    assert {r.meta[MAX_HOPS] for r in start(spider) if r.meta.get(MAX_HOPS) is not None} == {
        ArabsTodaySpider.profile.depth
    }
    assert spider.entry_depth == 0


def test_file_links_are_refused_even_though_the_link_extractor_allows_them():
    spider = make(start_urls=f"{BASE}/")
    page = b'<html><body><a href="file:///etc/passwd">x</a><a href="/ok.html">ok</a></body></html>'
    urls = [r.url for r in spider.parse_page(html(f"{BASE}/", page)) if isinstance(r, Request)]
    assert urls == [f"{BASE}/ok.html"]
    assert spider.crawler.stats.get_value("sieve/links/refused") == 1


def test_allow_and_deny_filter_links():
    spider = make(start_urls=f"{BASE}/", allow=r"/news/\d+\.html$", deny=r"/news/2\.html")
    page = index_page("Front", ["/news/1.html", "/news/2.html", "/about.html"])
    urls = [r.url for r in spider.parse_page(html(f"{BASE}/", page)) if isinstance(r, Request)]
    assert urls == [f"{BASE}/news/1.html"]


def test_a_long_page_without_signals_is_an_article_and_a_short_one_is_not():
    spider = make(start_urls=f"{BASE}/")
    long_page = article_page("Title", "none")
    short_page = b"<html><body>" + b"<p>" + b"A sentence of a short notice. " * 4 + b"</p></body></html>"
    assert stored(spider, spider.parse_page(html(f"{BASE}/long.html", long_page)))
    assert not stored(spider, spider.parse_page(html(f"{BASE}/short.html", short_page)))


def test_article_pages_are_yielded_with_their_fetch_fields():
    spider = make(start_urls=f"{BASE}/")
    out = list(spider.parse_page(html(f"{BASE}/news/1.html", article_page("Title", "jsonld"))))
    items = [x for x in out if isinstance(x, PageItem)]
    assert len(items) == 1
    item = items[0]
    assert (item.url, item.status, item.encoding, item.is_html) == (f"{BASE}/news/1.html", 200, "utf-8", True)
    assert item.content_type == "text/html; charset=utf-8" and item.fetched_at.endswith("+00:00")
    assert "tram line" in item.content


def test_non_html_responses_are_counted_and_skipped():
    spider = make(start_urls=f"{BASE}/")
    pdf = Response(f"{BASE}/report.pdf", body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    json_ = TextResponse(f"{BASE}/x.json", body=b"{}", headers={"Content-Type": "application/json"})
    assert list(spider.parse_page(pdf)) == [] and list(spider.parse_page(json_)) == []
    assert spider.crawler.stats.get_value("sieve/skipped/not_html") == 2
    xhtml = html(f"{BASE}/a.xhtml", article_page("T", "og"))
    xhtml = xhtml.replace(headers={"Content-Type": "application/xhtml+xml"})
    assert any(isinstance(x, PageItem) for x in spider.parse_page(xhtml))


def test_oversized_html_becomes_a_fetch_error_item():
    spider = make(start_urls=f"{BASE}/", max_bytes=100)
    out = list(spider.parse_page(html(f"{BASE}/big.html", article_page("T", "og"))))
    assert len(out) == 1 and out[0].content is None
    assert out[0].errors[0]["stage"] == "fetch" and "SIEVE_MAX_BYTES" in out[0].errors[0]["message"]


def test_feed_entries_are_seeds_and_hostile_entries_are_dropped():
    spider = make(feed=f"{BASE}/rss.xml")
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        b"<item><link>https://news.example.com/a.html</link></item><item><link>/b.html</link></item>"
        b"<item><link>javascript:alert(1)</link></item><item><link>file:///etc/passwd</link></item>"
        b"</channel></rss>"
    )
    requests = list(spider.parse_feed(Response(f"{BASE}/rss.xml", body=rss)))
    assert [r.url for r in requests] == [f"{BASE}/a.html", f"{BASE}/b.html"]
    assert all(HOPS not in r.meta for r in requests)  # a feed entry is hop 0


@pytest.mark.parametrize(
    ("page", "url", "expected"),
    [
        (article_page("T", "jsonld"), "/x", True),
        (article_page("T", "graph"), "/x", True),
        (article_page("T", "og"), "/x", True),
        (article_page("T", "none"), "/x", True),  # long enough
        (index_page("Front", [f"/news/{i}.html" for i in range(40)]), "/x", False),
        (index_page("Front", ["/a"], og=False), "/x", False),
        (b"<html><body><p>Short.</p></body></html>", "/news/123/short", True),  # the site's article URL pattern
        (b"<html><body><p>Short.</p></body></html>", "/about", False),
    ],
)
def test_is_this_an_article(page, url, expected):
    verdict = check_article(page.decode(), BASE + url, re.compile(r"/news/\d+/"), min_chars=800)
    assert verdict.is_article is expected, verdict.reason


def test_politeness_defaults_are_on():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.get("USER_AGENT").startswith("Sieve/")
    assert settings.getint("DOWNLOAD_MAXSIZE") == settings.getint("SIEVE_MAX_BYTES") > 0
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert "HTTPCACHE_ENABLED" in settings


def test_crawl_summary_line():
    stats = {
        "sieve/pages": 5,
        "sieve/articles": 4,
        "sieve/skipped/not_article": 2,
        "sieve/errors/fetch": 1,
        "sieve/spans/body": 4,
        "sieve/spans/related": 7,
        "downloader/request_count": 9,
    }
    assert summary(stats) == (
        "5 pages, 4 cleaned; skipped 2 non-article and 0 non-HTML responses; 1 errors (fetch 1); "
        "spans: body 4, related 7"
    )
