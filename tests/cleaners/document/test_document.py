"""One parsed page: its own URL and domain on every path, metadata read once, and one parse in the pipeline."""

from __future__ import annotations

import asyncio
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from cleaners.document.document import Document
from crawler.items import PageItem
from crawler.pipelines.clean import CleanPipeline
from tests.conftest import ROOT

PAGE = (
    "<html><head><link rel='canonical' href='https://www.example.com/news/2024/05/01/story-one'>"
    "<meta property='og:url' content='https://other.example.org/x'><base href='/news/'></head>"
    "<body><h1>Story one</h1><p>Text.</p></body></html>"
)


def test_a_saved_page_takes_its_canonical_url_and_a_fetched_page_keeps_its_own():
    saved = Document.parse(PAGE)
    assert saved.url == "https://www.example.com/news/2024/05/01/story-one"
    assert saved.domain == "www.example.com"
    assert Document.parse(PAGE, "file:///tmp/story.html").url == saved.url  # a file URL is not the page's URL
    live = Document.parse(PAGE, "https://mirror.example.net/a")
    assert (live.url, live.domain) == ("https://mirror.example.net/a", "mirror.example.net")
    assert Document.parse("<p>no link</p>").url is None


def test_relative_links_resolve_against_the_base_element():
    assert Document.parse(PAGE).base_url == "https://www.example.com/news/"
    assert Document.parse("<p>x</p>", "https://a.example/b/c").base_url == "https://a.example/b/c"


class ParseCounter:
    """Counts every call into lxml that builds a tree from markup (a call made inside another is the same parse)."""

    TARGETS = [
        (lxml.html, "document_fromstring"),
        (lxml.html, "fromstring"),
        (lxml.html, "fragment_fromstring"),
        (lxml.html, "parse"),
        (lxml.etree, "fromstring"),
        (lxml.etree, "HTML"),
        (lxml.etree, "XML"),
        (lxml.etree, "parse"),
    ]

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.depth = 0
        for module, name in self.TARGETS:
            original = getattr(module, name)

            def counted(*args, __original=original, __name=f"{module.__name__}.{name}", **kwargs):
                if not self.depth:
                    self.calls.append(__name)
                self.depth += 1
                try:
                    return __original(*args, **kwargs)
                finally:
                    self.depth -= 1

            monkeypatch.setattr(module, name, counted)


@pytest.mark.parametrize(
    "page",
    [
        ROOT / "fixtures" / "pages" / "whole-page" / "semantic-lebanon-gas-licences.html",
        ROOT / "fixtures" / "pages" / "more-stories" / "millbrook-covered-bridge.html",
        ROOT / "fixtures" / "pages" / "table-layout" / "valley-gazette-flood.html",
    ],
    ids=lambda p: Path(p).name,
)
def test_the_pipeline_parses_each_page_once(page: Path, monkeypatch):
    """The article decision, trafilatura, the metadata search and the cleaners share one tree.

    Counted in-process (``SIEVE_WORKERS=0``); with workers the same function (``crawler.pool_tasks.clean_page``)
    runs in the worker, and the crawl's own process parses nothing.
    """
    from crawler.spiders.articles import ArticlesSpider
    from tests.crawler.test_spiders_articles import make

    spider = make(ArticlesSpider, start_urls="https://www.example.com/", depth="0")
    pipeline = CleanPipeline.from_crawler(spider.crawler)
    url = "https://www.example.com/news/a-story-here"
    response = HtmlResponse(url, body=page.read_bytes(), headers={"Content-Type": "text/html"})
    response = response.replace(request=Request(url))
    counter = ParseCounter(monkeypatch)
    items = [x for x in spider.parse_page(response) if isinstance(x, PageItem)]
    assert len(items) == 1 and items[0].require_article
    item = asyncio.run(pipeline.process_item(items[0], spider))
    pipeline.close_spider(spider)
    assert item.raw_text and item.body and item.boilerplate
    assert counter.calls == ["lxml.html.document_fromstring"]
