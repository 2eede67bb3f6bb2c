"""What makes a link an item of a related list: a headline pointing at another article, not a label or a section."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from cleaners.document.article import is_article_url

#: Anchor texts that describe a card rather than name a story: reading times, ages, "Article", calls to action.
META_ANCHOR_RE = re.compile(
    r"(?:\d+\s*(?:min(?:ute)?s?|hours?|hrs?)\.?\s*(?:read|watch|listen)"
    r"|(?:article|video|gallery|podcast|story|audio)?\s*\d+\s*"
    r"(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?)\s*ago"
    r"|article|video|gallery|podcast|read (?:more|story|article|now)|continue reading|learn more|see more|view all"
    r"|more|watch(?: now)?|listen|sponsored|advertisement|ad)\W*",
    re.I,
)
#: A headline has at least this many words; a shorter anchor is a label ("Food and Drink") unless its URL is
#: plainly an article's (an id or a long slug).
HEADLINE_WORDS = 4
_ID_RE = re.compile(r"\d{5,}")
_SLUG_WORDS = 4
#: Regions whose lists are the site's own navigation whatever their links look like.
NAVIGATION_REGIONS = frozenset({"nav", "header", "footer"})


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalpha() for c in w)]


@lru_cache(maxsize=8192)
def is_story_url(url: str) -> bool:
    """A URL that plainly names one story: a long number, or a slug of four or more words."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    for seg in segments:
        stem = seg.rsplit(".", 1)[0]
        if _ID_RE.search(stem) or len([w for w in re.split(r"[-_+]", stem) if w]) >= _SLUG_WORDS:
            return True
    return False


@lru_cache(maxsize=8192)
def is_front_url(url: str) -> bool:
    """The site's root, a one-word section ("/sport/") or a query-only page: never one related story."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return not segments or (len(segments) == 1 and not is_article_url(url) and not is_story_url(url))


def is_meta_anchor(title: str) -> bool:
    """ "12 min read", "Article 3 years ago", "Read more": the card's metadata or a call to action, not a headline."""
    return META_ANCHOR_RE.fullmatch(title.strip()) is not None


def _same_page(url: str, page_url: str) -> bool:
    """The page itself, also with a query ("?share=facebook", "?replytocom=12"): its share, print or reply links."""
    a, b = urlsplit(url), urlsplit(page_url)
    host = a.netloc.lower().removeprefix("www.")
    if host != b.netloc.lower().removeprefix("www.") or a.path.rstrip("/") != b.path.rstrip("/"):
        return False
    # "article.php?id=2" is another page than "article.php?id=1": the page's own query must all be there.
    return set(parse_qsl(b.query)) <= set(parse_qsl(a.query))


def is_related_item(title: str, url: str | None, page_url: str | None = None) -> bool:
    """Whether a linked (or, without ``url``, a printed) title can be an item of a related list.

    A headline names a story: it is not a card's metadata, it has :data:`HEADLINE_WORDS` words unless its URL
    plainly names a story, and its link does not lead to the page itself or to a front or section page.
    """
    title = title.strip()
    if not title or is_meta_anchor(title):
        return False
    if url is None:
        return len(_words(title)) >= 2
    if page_url and _same_page(url, page_url):
        return False
    if is_front_url(url):
        return False
    return len(_words(title)) >= HEADLINE_WORDS or is_story_url(url)
