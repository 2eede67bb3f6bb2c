"""HTML to the raw text the cleaner chain sees, with trafilatura's metadata and the page's links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import lxml.html
from cssselect import GenericTranslator, SelectorError

from cleaners.document.errors import ExtractionError
from cleaners.document.metadata import jsonld_objects, page_metadata
from cleaners.document.parse import parse_html
from cleaners.text import normalise_ws
from cleaners.urls import host_of, is_http

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Tags whose boundaries are line breaks when a container is turned into text.
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
SKIP_TAGS = frozenset("script style noscript template svg iframe object embed head".split())
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}")


@dataclass
class Extracted:
    text: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    #: Whitespace-normalised anchor text -> absolute http(s) URL.
    links: dict[str, str] = field(default_factory=dict)


def page_links(root: lxml.html.HtmlElement, base_url: str | None) -> dict[str, str]:
    """Anchor text -> absolute URL, for the related-links cleaner; only http(s) targets."""
    links: dict[str, str] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        text = normalise_ws(a.text_content())
        if not href or not text or text in links:
            continue
        url = urljoin(base_url or "", href)
        if url.startswith(("http://", "https://")):
            links[text] = url
    return links


def page_language(root: lxml.html.HtmlElement) -> str | None:
    candidates = [root.get("lang"), root.get("xml:lang")]
    candidates += root.xpath("//meta[@http-equiv='content-language' or @property='og:locale']/@content")
    for value in candidates:
        m = _LANG_RE.match((value or "").strip())
        if m:
            return m.group(0).lower()
    return None


def container_text(root: lxml.html.HtmlElement, css: str) -> str:
    """Text of the elements matching ``css``, with a line break at every block boundary."""
    try:
        xpath = GenericTranslator().css_to_xpath(css)
    except SelectorError as exc:
        raise ExtractionError(f"bad container selector {css!r}: {exc}") from None
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    for el in root.xpath(xpath):
        tail, el.tail = el.tail, None
        walk(el)
        el.tail = tail
        parts.append("\n")
    lines = (normalise_ws(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


class TrafilaturaExtractor:
    """Turns HTML into text with trafilatura, keeping what it leaks for the cleaners.

    trafilatura's own deduplication is off: a repeated copyright footer must
    reach the chain twice so that both copies are claimed and recorded. With a
    ``container`` CSS selector (a site profile's article container) the
    container's text is taken as is instead, so nothing in it is dropped.
    Options come from the ``SIEVE_EXTRACTOR_OPTIONS`` setting (keyword
    arguments of ``trafilatura.extract``).
    """

    defaults: dict[str, Any] = {"include_comments": False, "include_tables": True, "deduplicate": False}

    def __init__(self, options: dict[str, Any] | None = None, containers: dict[str, str] | None = None) -> None:
        self.options = {**self.defaults, **(options or {})}
        #: Site profiles: domain -> article-container CSS selector (``SIEVE_SITE_CONTAINERS``).
        self.containers = {d.lower().strip("."): css for d, css in (containers or {}).items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrafilaturaExtractor:
        settings = crawler.settings
        return cls(settings.getdict("SIEVE_EXTRACTOR_OPTIONS"), settings.getdict("SIEVE_SITE_CONTAINERS"))

    def extract(self, html: str, url: str | None = None) -> Extracted:
        import trafilatura

        root = parse_html(html)
        links = page_links(root, page_url(root, url))  # a saved page's relative links resolve too
        language = page_language(root)
        meta = page_metadata(root, url, jsonld_objects(root))
        container = site_container(root, url, self.containers) if self.containers else None
        if container:
            text = container_text(root, container)
        else:
            try:
                text = trafilatura.extract(root, url=url, output_format="txt", **self.options) or ""
            except Exception as exc:
                raise ExtractionError(f"trafilatura failed: {type(exc).__name__}: {exc}") from None
        if not text.strip():
            raise ExtractionError("no article text found in the HTML")
        return Extracted(
            text=text,
            title=meta.title,
            published=meta.date,
            author=meta.author,
            language=language,
            links=links,
        )


def page_url(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The page's own http(s) URL: ``url``, else (a saved file) its canonical link or og:url."""
    if is_http(url):
        return url
    candidates = root.xpath("//link[@rel='canonical']/@href") + root.xpath("//meta[@property='og:url']/@content")
    for candidate in candidates:
        candidate = candidate.strip()
        if is_http(candidate):
            return candidate
    return None


def site_container(root: lxml.html.HtmlElement, url: str | None, containers: dict[str, str]) -> str | None:
    """The container selector of the page's site profile (``www.x.com`` matches ``x.com``), or None.

    Looked up from the page itself, so ``scrapy clean`` on a saved page and a
    crawl of the live page apply the same profile.
    """
    host = host_of(page_url(root, url))
    labels = host.split(".") if host else []
    for i in range(len(labels) - 1):
        css = containers.get(".".join(labels[i:]))
        if css:
            return css
    return None
