"""Is this page an article or an index? Signals read from the parsed page, combined.

A page that says what it is (a JSON-LD article type, ``og:type=article``, or
an URL matching the site's article pattern) is believed. Otherwise the
decision weighs several signals, none of which decides alone: one ``<h1>``,
one ``<article>`` element (many of them make a listing), a publication date,
the amount of paragraph text that is not link text, and the shape of the
URL. So a 100-word wire brief in an ``<article>`` with a headline counts, and
a section front of teasers does not, whether or not either declares an
``og:type`` (sites put ``website`` on real articles too).

Each verdict carries a short stable reason code, counted in the crawl's stats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cleaners.document.document import Document
from cleaners.document.errors import InputError

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
#: This many ``<article>`` elements (or JSON-LD articles) on one page make a listing.
LISTING = 3
#: Under this much paragraph text a page is a front, a gallery or a stub.
TOO_LITTLE = 200
#: The weighed signals must add up to this.
THRESHOLD = 3

_ARTICLE_SEGMENT_RE = re.compile(r"[^/]*-[^/]*-[^/]*|[^/]*\d{4,}[^/]*")


@dataclass(frozen=True)
class Verdict:
    is_article: bool
    #: A stable code: why it is (``jsonld``, ``og-article``, ``url-pattern``, ``signals``) or is not
    #: (``listing``, ``too-little-text``, ``weak-signals``, ``unparseable``).
    reason: str
    detail: str = ""


def is_article_url(url: str) -> bool:
    """A path with a slug ("/news/x-y-z") or a long number ("/story/12345"): an article, not a section front."""
    return any(_ARTICLE_SEGMENT_RE.fullmatch(seg) for seg in urlsplit(url).path.split("/") if seg)


def _is_section_url(url: str) -> bool:
    """The site's root or a one-word section path ("/news/", "/sport")."""
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    return len(segments) <= 1 and not any(ch.isdigit() or ch == "-" for seg in segments for ch in seg)


def paragraph_chars(doc: Document) -> int:
    """Characters in long paragraphs that are not themselves links (an index page's teasers usually are)."""
    total = 0
    for p in doc.tree.iter("p"):
        text = " ".join("".join(p.itertext()).split())
        if len(text) < MIN_PARAGRAPH or p.xpath("ancestor::a"):
            continue
        linked = sum(len(" ".join("".join(a.itertext()).split())) for a in p.iter("a"))
        if linked < len(text) / 2:
            total += len(text)
    return total


def decide(doc: Document, article_url: re.Pattern[str] | None, min_chars: int) -> Verdict:
    """The verdict for a parsed page (``min_chars``: paragraph text that alone makes a long article)."""
    types = [t for obj in doc.jsonld for t in _types(obj)]
    articles_declared = sum(1 for t in types if t in ARTICLE_TYPES)
    if 0 < articles_declared < LISTING:
        return Verdict(True, "jsonld", ",".join(sorted(set(types) & ARTICLE_TYPES)))
    og_type = (doc.tree.xpath("string(//meta[@property='og:type']/@content)") or "").strip().lower()
    if og_type == "article" or og_type.startswith("article:"):
        return Verdict(True, "og-article")
    url = doc.url or ""
    if article_url is not None and url and article_url.search(url):
        return Verdict(True, "url-pattern")

    score = 0
    notes: list[str] = []
    h1 = len(doc.tree.xpath("//h1"))
    if h1 == 1:
        score += 1
        notes.append("one h1")
    n_articles = len(doc.tree.xpath("//article"))
    listing = n_articles >= LISTING or articles_declared >= LISTING
    if listing:
        score -= 2
        notes.append(f"{max(n_articles, articles_declared)} articles: a listing")
    elif n_articles == 1:
        score += 1
        notes.append("an article element")
    if doc.declared.date or doc.tree.xpath("//time[@datetime]"):
        score += 1
        notes.append("a date")
    chars = paragraph_chars(doc)
    if chars >= min_chars:
        score += 2
    elif chars >= min_chars // 2:
        score += 1
    elif chars < TOO_LITTLE:
        score -= 2
    notes.append(f"{chars} characters of paragraph text")
    if url and is_article_url(url):
        score += 1
        notes.append("an article URL")
    elif url and _is_section_url(url):
        score -= 1
        notes.append("a section URL")
    detail = f"score {score}: " + ", ".join(notes)
    if score >= THRESHOLD:
        return Verdict(True, "signals", detail)
    if listing:
        return Verdict(False, "listing", detail)
    if chars < TOO_LITTLE:
        return Verdict(False, "too-little-text", detail)
    return Verdict(False, "weak-signals", detail)


def check_article(html: str, url: str, article_url: re.Pattern[str] | None, min_chars: int) -> Verdict:
    """:func:`decide` for HTML that is not parsed yet."""
    try:
        doc = Document.parse(html, url)
    except InputError as exc:
        return Verdict(False, "unparseable", str(exc))
    return decide(doc, article_url, min_chars)


def _types(obj: dict[str, object]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    return [x for x in t if isinstance(x, str)][:50] if isinstance(t, list) else []
