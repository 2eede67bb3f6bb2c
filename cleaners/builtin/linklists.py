"""Runs of headlines that link to other articles of the same site: "more stories" lists without a usable header."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from cleaners.base import Cleaner
from cleaners.builtin.items import NAVIGATION_REGIONS, is_related_item
from cleaners.builtin.related import HEADER_RE, POPULAR_RE
from cleaners.document.article import is_article_url
from cleaners.page import Line, Page, Span
from cleaners.text import normalise_ws
from cleaners.urls import site_of

MIN_RUN = 3
MIN_ANCHOR_WORDS = 3
#: A teaser may follow the linked headline on the same line; an article paragraph is longer.
MAX_TEASER_WORDS = 20
#: Lines of the same list item that may follow a linked headline as its teaser (or date).
MAX_TEASER_LINES = 2
MAX_HEADER_WORDS = 6
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Short lines that are no list's heading even in a heading element: bylines, credits, dates.
_NOT_HEADINGS_RE = re.compile(r"(?:by|courtesy|photo|image|credit|source)\b|\d", re.I)
#: A sentence that introduces the list under it, ending with a colon.
MAX_INTRO_WORDS = 40
MAX_HEADLINE_WORDS = 30
_BULLETS = "-–—•*·"
_BULLET_RE = re.compile(rf"[{_BULLETS}]\s+")

#: A site's menus and lists link the same pages from every page: what a URL's site is and whether it looks like
#: an article are remembered across pages (both depend on the URL alone; parsing it is most of the cost).
_site_of = lru_cache(maxsize=8192)(site_of)
_is_article_url = lru_cache(maxsize=8192)(is_article_url)


class LinkListCleaner(Cleaner):
    """Claims runs of three or more lines that each start with a link to another article of the site.

    Related-article blocks often have no header the :class:`RelatedLinksCleaner`
    knows, or their items carry a teaser after the headline ("- Pats place X on
    IR New England's roster is re-shuffling", or the teaser on a line of its own
    inside the same list item). A line belongs to such a run when it starts
    (after a bullet) with a link of at least three words that points to an
    article URL on the page's own site (not the page itself), is a headline (not
    a linked sentence ending in a full stop), and at most a short teaser
    follows. A run of article paragraphs that happen to open with a link has
    long paragraphs after the link and is left alone. A short line right above
    a run is its header when it presents a list: words a related-list header
    uses ("DON'T MISS", "You may also like..."), or a heading element of the
    page that is no byline or credit; so is a sentence of the article ending in
    a colon ("I've got resources:"); a run
    under a popular-list header ("Most read", "Trending") is not related and is
    left alone. A run that nothing presents (no header: a site's teaser wall,
    the same under every article) is claimed, so it stays out of the body, but
    its lines are ``related.unheaded`` spans without a title: no related items.
    Needs the page's URL
    (a saved page's own canonical URL does) and its links.
    """

    label = "related"

    def find(self, page: Page) -> Iterator[Span]:
        if not page.url:
            return
        lines = list(page.lines())
        site = site_of(page.url)
        own = page.url.split("#")[0].rstrip("/")

        verdicts: dict[str, bool] = {}  # by URL: a site's menus and lists link the same pages again and again

        def same_site_article(url: str) -> bool:
            if url not in verdicts:
                verdicts[url] = _site_of(url) == site and url.split("#")[0].rstrip("/") != own and _is_article_url(url)
            return verdicts[url]

        if page.blocks:
            # Only a line that starts with a link (after a bullet) can be one: the page's link starts, once.
            link_starts = {link.start for block in page.blocks for link in block.links}
            hits = [
                self._block_link_at_start(page, line, same_site_article)
                if line.start in link_starts or line.text[:1] in _BULLETS
                else None
                for line in lines
            ]
        else:
            hits = self._anchor_hits(page, lines, same_site_article)
        # An entry is a hit line and the lines of the same list item after it (a teaser on a line of its own).
        entries: list[tuple[int, int, tuple[str, str]]] = []  # (first line, last line, (anchor, url))
        i = 0
        while i < len(lines):
            hit = hits[i]
            if hit is None:
                entries.append((i, i, ("", "")))
                i += 1
                continue
            j = i
            item = page.item_at(lines[i].start)
            while (
                item
                and j + 1 < len(lines)
                and j - i < MAX_TEASER_LINES
                and hits[j + 1] is None
                and page.item_at(lines[j + 1].start) == item
                and len(lines[j + 1].text.split()) <= MAX_TEASER_WORDS
            ):
                j += 1
            entries.append((i, j, hit))
            i = j + 1
        k = 0
        while k < len(entries):
            if not entries[k][2][0]:
                k += 1
                continue
            m = k
            while m < len(entries) and entries[m][2][0]:
                m += 1
            first_line = entries[k][0]
            popular = first_line > 0 and POPULAR_RE.fullmatch(lines[first_line - 1].text) is not None
            titled = self._titled(page, lines, entries[k:m])
            if sum(titled) >= MIN_RUN and not popular:
                header = lines[first_line - 1] if first_line > 0 and hits[first_line - 1] is None else None
                if header is not None and first_line > 1 and hits[first_line - 2] is not None:
                    header = None  # a line between two runs of one wall is an item without its link, not a header
                if header is not None and self._is_header(header.text) and self._presents(page, header):
                    yield self.span(header.start, header.end, "related.link-list-header", header=header.text)
                elif header is None or not self._introduces(header.text):
                    header = None
                for (first, last, (anchor, url)), is_item in zip(entries[k:m], titled, strict=True):
                    if is_item and header is None:
                        # Other stories with nothing presenting them as this one's: a site's teaser wall ("more
                        # stories" of any article), kept out of the body but no related item.
                        yield self.span(lines[first].start, lines[last].end, "related.unheaded", url=url)
                    elif is_item:
                        yield self.span(
                            lines[first].start, lines[last].end, "related.same-site-link",
                            title=anchor, published=None, url=url,
                        )  # fmt: skip
                    else:  # a card's other link ("12 min read"), or a label among the headlines: no item of its own
                        yield self.span(lines[first].start, lines[last].end, "related.card", url=url)
            k = m

    @staticmethod
    def _titled(page: Page, lines: list[Line], run: list[tuple[int, int, tuple[str, str]]]) -> list[bool]:
        """Which entries of a run are items: headlines of stories outside the site's navigation, one a URL.

        A card links its headline, its picture and its reading time to one story: the longest anchor names it.
        """
        out = []
        best: dict[str, int] = {}
        for n, (first, _, (anchor, url)) in enumerate(run):
            block = page.block_at(lines[first].start)
            ok = is_related_item(anchor, url, page.url) and (block is None or block.region not in NAVIGATION_REGIONS)
            out.append(ok)
            if ok:
                if url in best and len(anchor) <= len(run[best[url]][2][0]):
                    out[n] = False
                    continue
                if url in best:
                    out[best[url]] = False
                best[url] = n
        return out

    @staticmethod
    def _block_link_at_start(page: Page, line: Line, wanted: Callable[[str], bool]) -> tuple[str, str] | None:
        """The page's own link opening ``line`` (after a bullet), if it is a same-site article headline."""
        text = line.text
        if len(text.split()) < MIN_ANCHOR_WORDS:
            return None  # a link inside the line has no more words than the line: most lines of a menu stop here
        m = _BULLET_RE.match(text)
        offset = line.start + (m.end() if m else 0)
        link = page._first_anchor_in(offset, line.end)
        if link is None or link.start != offset:
            return None
        # Count the words before normalising: most such lines are one- or two-word menu entries.
        words = page.text[link.start : link.end].split()
        if len(words) < MIN_ANCHOR_WORDS or len(words) > MAX_HEADLINE_WORDS:
            return None
        anchor = " ".join(words)  # normalise_ws: str.split() and re's \s both split on str.isspace()
        if anchor.endswith(".") or ". " in anchor:
            return None  # a linked sentence is article text, not a headline
        rest = page.text[link.end : line.end]
        if rest.lstrip().startswith(".") or len(rest.split()) > MAX_TEASER_WORDS:
            return None
        url = page.link_url(link)
        return (anchor, url) if url and wanted(url) else None

    @staticmethod
    def _anchor_hits(page: Page, lines: list[Line], wanted: Callable[[str], bool]) -> list[tuple[str, str] | None]:
        """For a page given anchor texts only (no blocks): lines that open with the text of a wanted link."""
        # Only anchors that could open one of the lines are worth checking.
        openers = {w[0].lower() for w in (_BULLET_RE.sub("", ln.text, count=1).split()[:1] for ln in lines) if w}
        by_first: dict[str, list[tuple[str, str]]] = {}
        for anchor, url in page.links.items():
            words = anchor.split()
            if len(words) < MIN_ANCHOR_WORDS or words[0].lower() not in openers:
                continue
            if anchor.endswith(".") or ". " in anchor or len(words) > MAX_HEADLINE_WORDS:
                continue  # a linked sentence is article text, not a headline
            if wanted(url):
                by_first.setdefault(words[0].lower(), []).append((anchor, url))
        hits: list[tuple[str, str] | None] = []
        for line in lines:
            text = normalise_ws(line.text)
            m = _BULLET_RE.match(text)
            if m:
                text = text[m.end() :]
            words = text.split()
            found = None
            for anchor, url in by_first.get(words[0].lower(), ()) if words else ():
                rest = text[len(anchor) :] if text.startswith(anchor) else None
                # "Linked first sentence. More text." is a paragraph whose opening is a link.
                if rest is not None and not rest.startswith(".") and len(rest.split()) <= MAX_TEASER_WORDS:
                    found = (anchor, url)
                    break
            hits.append(found)
        return hits

    @staticmethod
    def _presents(page: Page, header: Line) -> bool:
        """Whether a short line over a run presents it as a list: a related-list header, or a heading of the page.

        Any short line may stand above a run (a photo credit, a byline, a footer link); only a heading or words
        that say "related" make the run this story's related list.
        """
        text = header.text.strip()
        if HEADER_RE.fullmatch(text):
            return True
        block = page.block_at(header.start) if page.blocks else None
        if block is None:
            return not _NOT_HEADINGS_RE.match(text)  # a raw-text page: no markup to tell
        return block.tag in HEADINGS and not _NOT_HEADINGS_RE.match(text)

    @staticmethod
    def _introduces(text: str) -> bool:
        """A line of the article that announces the list below it ("... I've got resources:")."""
        text = text.rstrip()
        return text.endswith((":", "：")) and len(text.split()) <= MAX_INTRO_WORDS

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
