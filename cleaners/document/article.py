"""Is this page an article or an index? Cheap signals read from the HTML before extraction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from cleaners.document.errors import InputError
from cleaners.document.metadata import jsonld_objects
from cleaners.document.parse import parse_html

#: schema.org types that mark a page as one article.
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "Report",
    }
)
#: A paragraph shorter than this is a teaser, caption or navigation, not article text.
MIN_PARAGRAPH = 80


@dataclass(frozen=True)
class Verdict:
    is_article: bool
    reason: str


def paragraph_chars(root: lxml.html.HtmlElement) -> int:
    """Characters in long paragraphs that are not themselves links (an index page's teasers usually are)."""
    total = 0
    for p in root.iter("p"):
        text = " ".join(p.text_content().split())
        linked = sum(len(" ".join(a.text_content().split())) for a in p.iter("a"))
        if len(text) >= MIN_PARAGRAPH and linked < len(text) / 2 and not p.xpath("ancestor::a"):
            total += len(text)
    return total


def check_article(html: str, url: str, article_url: re.Pattern[str] | None, min_chars: int) -> Verdict:
    """Decide from, in order: JSON-LD type, og:type, the site's article URL pattern, the amount of text.

    An explicit ``og:type`` other than ``article`` (``website``) marks an index
    page; without any signal, a page with at least ``min_chars`` characters of
    paragraph text is taken as an article.
    """
    try:
        root = parse_html(html)
    except InputError as exc:
        return Verdict(False, f"unparseable: {exc}")
    signals = article_signals(root)
    types = {t for t in signals["jsonld_types"] if isinstance(t, str)}
    if types & ARTICLE_TYPES:
        return Verdict(True, "json-ld " + ",".join(sorted(types & ARTICLE_TYPES)))
    og_type = signals["og_type"]
    if og_type == "article" or (og_type or "").startswith("article:"):
        return Verdict(True, "og:type article")
    if article_url is not None and article_url.search(url):
        return Verdict(True, "article URL pattern")
    if og_type:
        return Verdict(False, f"og:type {og_type}")
    chars = paragraph_chars(root)
    if chars >= min_chars:
        return Verdict(True, f"{chars} characters of paragraph text")
    return Verdict(False, f"only {chars} characters of paragraph text")


def article_signals(root: lxml.html.HtmlElement, jsonld: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Cheap hints that a page is an article rather than an index (``jsonld``: already parsed objects)."""
    types: list[str] = []
    for item in jsonld_objects(root) if jsonld is None else jsonld:
        t = item.get("@type")
        types.extend(t if isinstance(t, list) else [t] if isinstance(t, str) else [])
    og = root.xpath("string(//meta[@property='og:type']/@content)").strip().lower()
    return {"jsonld_types": types[:50], "og_type": og or None, "has_article_tag": bool(root.xpath("//article"))}
