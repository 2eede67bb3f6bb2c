"""Runs of headlines that link to other articles of the same site: "more stories" lists without a usable header."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from cleaners.base import Cleaner
from cleaners.page import Line, Page, Span
from cleaners.text import normalise_ws
from cleaners.urls import site_of

MIN_RUN = 3
MIN_ANCHOR_WORDS = 3
#: A teaser may follow the linked headline on the same line; an article paragraph is longer.
MAX_TEASER_WORDS = 20
MAX_HEADER_WORDS = 6
MAX_HEADLINE_WORDS = 30
_BULLET_RE = re.compile(r"[-–—•*·]\s+")
_ARTICLE_SEGMENT_RE = re.compile(r"[^/]*-[^/]*-[^/]*|[^/]*\d{4,}[^/]*")


def is_article_url(url: str) -> bool:
    """A path with a slug ("/news/x-y-z") or a long number ("/story/12345"): an article, not a section front."""
    return any(_ARTICLE_SEGMENT_RE.fullmatch(seg) for seg in urlsplit(url).path.split("/") if seg)


class LinkListCleaner(Cleaner):
    """Claims runs of three or more lines that each start with a link to another article of the site.

    Related-article blocks often have no header the :class:`RelatedLinksCleaner`
    knows, or their items carry a teaser after the headline ("- Pats place X on
    IR New England's roster is re-shuffling"). A line belongs to such a run when
    it starts (after a bullet) with the text of a link of at least three words
    that points to an article URL on the page's own site (not the page itself),
    is a headline (not a linked sentence ending in a full stop), and at most a
    short teaser follows. A run of article paragraphs that happen
    to open with a link has long paragraphs after the link and is left alone. A
    short line right above a run is its header ("DON'T MISS", "Popular on X").
    Needs the page's URL and links, so it does nothing on raw-text pages.
    """

    label = "related"

    def find(self, page: Page) -> Iterator[Span]:
        if not page.url or not page.links:
            return
        lines = list(page.lines())
        # Only anchors that could open one of the lines are worth checking (a page has hundreds).
        openers = {w[0].lower() for w in (_BULLET_RE.sub("", ln.text, count=1).split()[:1] for ln in lines) if w}
        site = site_of(page.url)
        own = page.url.split("#")[0].rstrip("/")
        by_first: dict[str, list[tuple[str, str]]] = {}
        for anchor, url in page.links.items():
            words = anchor.split()
            if len(words) < MIN_ANCHOR_WORDS or words[0].lower() not in openers:
                continue
            if anchor.endswith(".") or ". " in anchor or len(words) > MAX_HEADLINE_WORDS:
                continue  # a linked sentence is article text, not a headline
            if site_of(url) == site and url.split("#")[0].rstrip("/") != own and is_article_url(url):
                by_first.setdefault(words[0].lower(), []).append((anchor, url))
        if not by_first:
            return
        hits = [self._link_at_start(line, by_first) for line in lines]
        i = 0
        while i < len(lines):
            if hits[i] is None:
                i += 1
                continue
            j = i
            while j < len(lines) and hits[j] is not None:
                j += 1
            if j - i >= MIN_RUN:
                if i > 0 and hits[i - 1] is None and self._is_header(lines[i - 1].text):
                    yield self.span(lines[i - 1].start, lines[i - 1].end, "header of a list of same-site article links")
                for k in range(i, j):
                    anchor, url = hits[k]  # type: ignore[misc]
                    yield self.span(
                        lines[k].start, lines[k].end, "headline linking to another article of the site",
                        title=anchor, published=None, url=url,
                    )  # fmt: skip
            i = j

    @staticmethod
    def _link_at_start(line: Line, by_first: dict[str, list[tuple[str, str]]]) -> tuple[str, str] | None:
        text = normalise_ws(line.text)
        m = _BULLET_RE.match(text)
        if m:
            text = text[m.end() :]
        words = text.split()
        if not words:
            return None
        for anchor, url in by_first.get(words[0].lower(), ()):
            rest = text[len(anchor) :] if text.startswith(anchor) else None
            # "Linked first sentence. More text." is a paragraph whose opening is a link.
            if rest is not None and not rest.startswith(".") and len(rest.split()) <= MAX_TEASER_WORDS:
                return anchor, url
        return None

    @staticmethod
    def _is_header(text: str) -> bool:
        if _BULLET_RE.match(text):
            return False  # an item of a list above, not a header
        text = text.rstrip()
        if text.endswith(("...", "…", ":")):
            text = text.rstrip(" .:…")  # "You may also like..." is a header
        elif text.endswith((".", "!", "?", '"', "”")):
            return False  # a sentence is not
        return bool(text) and len(text.split()) <= MAX_HEADER_WORDS
