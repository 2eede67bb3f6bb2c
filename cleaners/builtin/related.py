"""Related-links footers: timestamped headline runs and header-led "Related"/"Read more" lists."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cleaners.base import Cleaner
from cleaners.builtin.items import NAVIGATION_REGIONS, is_related_item, is_story_url
from cleaners.page import Line, Page, Span
from cleaners.text import normalise_ws, table_cells, trim
from cleaners.timestamps import FOUR_DIGITS as _FOUR_DIGITS
from cleaners.timestamps import Timestamp, find_timestamps
from cleaners.urls import site_of

_site_of = lru_cache(maxsize=8192)(site_of)

MAX_TITLE = 200
MAX_HEADER_ITEMS = 30
#: A list item's lines after its headline (a teaser, a date) that go with it, and their size.
MAX_TEASER_LINES = 2
MAX_TEASER_WORDS = 40
#: A title line right above a run of dated headlines is the run's header when it is this short.
MAX_RUN_TITLE_WORDS = 4

HEADER_RE = re.compile(
    r"(?:(?:other |more )?related"
    r"(?: coverage| articles?| stories| story| news| posts?| content| reading| links| topics)?"
    r"|read (?:more|also|next)|also read|see also|further reading|more(?: \w+){0,2} (?:stories|news|articles|headlines)"
    r"|more (?:from|on|in|about|like this)[^\n]{0,40}|more(?: [\w’'&-]+){1,3}|keep reading"
    r"|also (?:in|on|from) [^\n]{1,40}|(?:people|readers) also (?:like|liked|read|viewed)"
    r"|similar (?:posts|articles|stories|news|reads)|(?:what|read) to read next"
    r"|you (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)"
    r"|(?:we|you) (?:think you(?:'|’)ll|recommend)[^\n]{0,20}"
    r"|recommended(?: for you| reading| stories| articles| posts)?|don[’']t miss|up next|next up|explore more"
    # other languages of the pages Sieve reads: German, French, Spanish, Portuguese, Italian, Indonesian, Russian,
    # Japanese, Korean, Arabic
    r"|mehr zum thema|lesen sie auch|auch interessant|das könnte sie (?:auch )?interessieren|weitere artikel"
    r"|(?:à |a )?lire aussi|sur le même sujet|articles? (?:liés|similaires)|vous aimerez aussi"
    r"|(?:noticias|artículos|notas) relacionad[ao]s|te puede interesar|lee también|más noticias|relacionad[ao]s"
    r"|leia também|veja também|(?:notícias|posts|artigos) relacionad[ao]s|leggi anche|articoli correlati"
    r"|potrebbe interessarti|baca juga|artikel terkait|berita terkait|материалы по теме|читайте также|по теме"
    r"|похожие (?:статьи|материалы|новости|записи)|(?:вам )?(?:также )?может быть интересно|смотрите также"
    r"|ещё по теме|еще по теме|другие (?:новости|статьи|материалы)|рекомендуем(?: прочитать)?"
    r"|(?:también )?te (?:puede|podría) interesar|también te puede gustar|(?:à )?lire également"
    r"|você (?:pode|também pode) gostar|ti potrebbe interessare|leggi anche|ilgili haberler"
    r"|bunlar da ilginizi çekebilir|関連記事|おすすめ記事|관련\s?기사|추천\s?기사"
    r"|اقرأ أيضا|اقرأ أيضاً|أخبار ذات صلة|مواضيع ذات صلة|ذات صلة|اقرأ المزيد)"
    r"\s*(?:[:：]|\.\.\.|…)?",
    re.I,
)
#: Headers of the site's popular lists. Their links are not related to the article: the lists are page
#: furniture, left to the chrome (or, where an extractor kept them, out of the body by its list of links).
POPULAR_RE = re.compile(
    r"(?:(?:the )?most (?:read|popular|viewed|shared|commented|emailed|recent)(?: \w+){0,2}"
    r"|(?:the )?(?:latest|top|breaking)(?: \w+){0,2} (?:news|stories|headlines|articles|posts|videos)"
    r"|latest|top stories"
    r"|recent (?:posts|articles|stories|news)|editor[’']?s[’']? (?:picks?|choice)|staff picks|what[’']s hot"
    r"|in case you missed it|trending(?: now| stories| topics| in [^\n]{1,30})?"
    r"|popular(?: now| stories| posts| on [^\n]{1,30})?"
    r"|الأكثر قراءة|الأكثر مشاهدة|آخر الأخبار|meistgelesen|am meisten gelesen|les plus lus|lo más leído)"
    r"\s*[:：]?",
    re.I,
)
#: How every header above (and every inline "Read more:" and popular-list title) opens, lower-cased: a cheap
#: first test before the regular expressions. "|" opens a table row of a raw-text page.
HEADER_OPENINGS = (
    "related", "read", "also", "see", "further", "more", "you", "recommended", "don", "most", "latest", "top",
    "trending", "popular", "|", "اقرأ", "أخبار", "مواضيع", "الأكثر", "the", "breaking", "recent", "editor", "staff",
    "what", "in case", "آخر", "meistgelesen", "am meisten", "les plus", "lo más", "other", "keep", "up next",
    "next up", "explore", "we ", "similar", "mehr", "lesen", "auch", "das", "weitere", "à ", "a lire", "lire",
    "sur le", "article",
    "vous", "noticias", "artículos", "notas", "te ", "lee", "más", "relacionad", "leia", "veja", "notícias", "posts",
    "artigos", "leggi", "potrebbe", "baca", "artikel", "berita", "материалы", "читайте", "по теме", "похожие", "関連",
    "おすすめ", "관련", "추천", "ذات", "اقرأ", "вам", "может", "смотрите", "ещё", "еще", "другие", "рекомендуем",
    "people", "readers", "también", "você", "ti ", "ilgili", "i\u0307lgili", "bunlar",
)  # fmt: skip
# "Read more: <headline>" on one line.
INLINE_RE = re.compile(
    r"(?:read (?:more|also|next)|also read|see also|related(?: story| article)?|more|also|required reading|must read"
    r"|don[’']t miss|recommended|watch|lesen sie auch|lire aussi|à lire aussi|lee también|leia também|leggi anche"
    r"|baca juga|читайте также|اقرأ أيضا|اقرأ أيضاً)\s*[:：|»>-]\s*(?=\S)",
    re.I,
)


def is_headline(text: str) -> bool:
    """Short, two or more words with letters, and not a sentence ending in a full stop."""
    if not (3 <= len(text) <= MAX_TITLE) or len([w for w in text.split() if any(c.isalpha() for c in w)]) < 2:
        return False
    return not (text.endswith(".") and not text.endswith("..."))


def is_headline_at(text: str, start: int, end: int) -> bool:
    """:func:`is_headline` on ``text[start:end]``, without copying a long stretch first.

    Runs of stamps on one long line would otherwise normalise the rest of the
    line once per run: quadratic on a megabyte of glued text.
    """
    if end - start > 4 * MAX_TITLE:
        return False
    return is_headline(normalise_ws(text[start:end]))


@dataclass
class _Entry:
    start: int
    end: int
    title_start: int
    title_end: int
    stamp: Timestamp | None
    #: The first entry of its run.
    first: bool = False


class RelatedLinksCleaner(Cleaner):
    """Claims the "related articles" block that follows many news pages.

    Two shapes are recognised. A run of two or more timestamps, each standing
    at the start of a line or glued onto the previous headline, with a headline
    between consecutive ones (``GMT 16:39 2017 Sunday ,05 November`` style; the
    headline may come before or after its timestamp). And a header line
    (``Related``, ``Read more``, ``More from X`` ...) followed by headline-like
    lines. A timestamp inside a body sentence is preceded by a space in running
    text and is never the start of a run, so it stays body.
    """

    label = "related"

    def find(self, page: Page) -> Iterator[Span]:
        claimed: list[tuple[int, int]] = []
        run_starts: list[int] = []
        for entry in self._timestamp_runs(page):
            if not claimed or entry.first:
                run_starts.append(entry.start)
            claimed.append((entry.start, entry.end))
            yield self._span(page, entry)
        taken = list(claimed)
        for span in self._header_lists(page, claimed, run_starts):
            taken.append((span.start, span.end))
            yield span
        if page.blocks and page.url and page.main:
            yield from self._inline_cards(page, taken)

    # -- cards inside the article ---------------------------------------------------

    def _inline_cards(self, page: Page, taken: list[tuple[int, int]]) -> Iterator[Span]:
        """A line that is nothing but a linked headline of another story of the site, inside the article.

        Publishers drop teasers of other stories between the paragraphs ("Politics latest: Follow live", a
        card's headline between its section and its author): a reader skips them, they are not the article.
        A line counts when it stands in the main content or between two main-content lines, is one link of
        the page's own site to a story URL with a headline (not a sentence), and is not one of a run of such
        lines (lists are the other shapes' and the link-list cleaner's).
        """
        site = _site_of(page.url)
        lines = _outside(list(page.lines()), taken)
        cards: list[tuple[int, str, str | None]] = []
        for n, line in enumerate(lines):
            found = _card_title(page, line, site)
            if found is not None:
                cards.append((n, *found))
        numbers = {n for n, _, _ in cards}
        for n, title, url in cards:
            if n - 1 in numbers or n + 1 in numbers:
                continue  # two cards in a row are a list, not a card in running text
            line = lines[n]
            inside = page.in_main(line.start, line.end)
            if not inside:
                before = next((ln for ln in reversed(lines[:n]) if len(ln.text.split()) >= CARD_CONTEXT_WORDS), None)
                after = next((ln for ln in lines[n + 1 :] if len(ln.text.split()) >= CARD_CONTEXT_WORDS), None)
                if before is None or after is None or not (page.in_main(before.start) and page.in_main(after.start)):
                    continue
            yield self.span(line.start, line.end, "related.inline-card", title=title, published=None, url=url)

    # -- timestamped runs -----------------------------------------------------

    def _span(self, page: Page, e: _Entry) -> Span:
        title = normalise_ws(page.text[e.title_start : e.title_end])
        url = page.link_url_in(e.title_start, e.title_end, title)
        data: dict[str, Any] = {"title": title, "published": e.stamp.published if e.stamp else None, "url": url}
        if not is_related_item(title, url, page.url):
            del data["title"]  # dated, but a link to a front page or a label: claimed, and no item
        if e.stamp and e.stamp.problem:
            data["problem"] = e.stamp.problem
        return self.span(e.start, e.end, "related.stamped", **data)

    def _timestamp_runs(self, page: Page) -> Iterator[_Entry]:
        text = page.text
        lines = list(page.lines())
        stamps: list[tuple[Timestamp, int]] = []  # (stamp, index of its line)
        # Every timestamp format carries a four-digit year: only the lines with one are searched.
        starts = [line.start for line in lines]
        with_year: set[int] = set()
        for m in _FOUR_DIGITS.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.end() <= lines[i].end:
                with_year.add(i)
        for i in sorted(with_year):
            line = lines[i]
            for ts in find_timestamps(text, line.start, line.end):
                at_start = ts.start == line.start
                glued = not at_start and not text[ts.start - 1].isspace()
                if at_start or glued:
                    stamps.append((ts, i))
        # Split into runs: consecutive stamps with a headline-sized gap between.
        runs: list[list[tuple[Timestamp, int]]] = []
        for item in stamps:
            if runs:
                prev, prev_line = runs[-1][-1]
                if (
                    item[1] - prev_line <= 2
                    and is_headline_at(text, prev.end, item[0].start)
                    and page.is_free(prev.end, item[0].start)
                ):
                    runs[-1].append(item)
                    continue
            runs.append([item])
        for k, run in enumerate(runs):
            if len(run) >= 2:
                # A run's headlines stop at the stamps of the runs around it on the same line.
                lo = runs[k - 1][-1][0].end if k else 0
                hi = runs[k + 1][0][0].start if k + 1 < len(runs) else len(text)
                for n, entry in enumerate(self._entries(page, lines, run, lo, hi)):
                    entry.first = n == 0
                    yield entry

    def _entries(
        self, page: Page, lines: list[Line], run: list[tuple[Timestamp, int]], lo: int, hi: int
    ) -> Iterator[_Entry]:
        text = page.text
        first, first_line = run[0]
        last, last_line = run[-1]
        # Text after the last stamp: the rest of its line, or the next line if the stamp ends it.
        tail: tuple[int, int] | None = None
        if last.end < min(lines[last_line].end, hi):
            tail = (last.end, min(lines[last_line].end, hi))
        elif (
            last_line + 1 < len(lines)
            and lines[last_line + 1].end <= hi
            and page.is_free(last.end, lines[last_line + 1].end)
        ):
            tail = (lines[last_line + 1].start, lines[last_line + 1].end)
        if tail and not is_headline_at(text, *tail):
            tail = None
        stamp_first = first.start == lines[first_line].start and tail is not None
        item = page.item_at(first.start)
        if stamp_first and item and first_line > 0 and page.item_at(lines[first_line - 1].start) == item:
            # The page's own structure says the headline above the stamp is its item's: headline first.
            stamp_first = first_line + 1 < len(lines) and page.item_at(lines[first_line + 1].start) == item
        elif stamp_first and page.blocks and first_line > 0 and tail is not None:
            # No list items to go by: on an HTML page the headlines are links. A linked line above the first
            # stamp and an unlinked one after the last ("Posted in News") say the headlines come first.
            above = _item_title(page, lines[first_line - 1]) is not None
            after = _item_title(page, Line(tail[0], tail[1], text[tail[0] : tail[1]])) is not None
            stamp_first = after or not above
        if stamp_first:
            for (ts, _), (nxt, _) in zip(run, run[1:] + [(None, 0)], strict=True):
                t_end = nxt.start if nxt is not None else tail[1]  # type: ignore[index]
                t_start = trim(text, ts.end, t_end)[0]
                t_end = trim(text, t_start, t_end)[1]
                yield _Entry(ts.start, t_end, t_start, t_end, ts)
            return
        # Headline first: the text before the first stamp is the first headline.
        line = lines[first_line]
        if first.start > max(line.start, lo):
            head: tuple[int, int] = (max(line.start, lo), first.start)
        elif (
            first_line > 0
            and lines[first_line - 1].start >= lo
            and page.is_free(lines[first_line - 1].start, first.start)
        ):
            head = (lines[first_line - 1].start, lines[first_line - 1].end)
        else:
            return
        if not is_headline_at(text, *head):
            return
        prev_end = head[0]
        for ts, _ in run:
            t_start = trim(text, prev_end, ts.start)[0]
            t_end = trim(text, t_start, ts.start)[1]
            yield _Entry(t_start, ts.end, t_start, t_end, ts)
            prev_end = ts.end

    # -- header-led lists ---------------------------------------------------------

    def _glued_list(self, page: Page, line: Line) -> Iterator[Span]:
        """A header and its linked headlines glued onto one line (a table cell, typically)."""
        text = page.text
        lo, hi = line.start, line.end
        if line.text.startswith("|") and line.text.endswith("|") and len(line.text) > 1:
            lo, hi = trim(text, lo + 1, hi)[0], trim(text, lo, hi - 1)[1]
        header = HEADER_RE.match(text, lo, hi)
        if not header:
            return
        h_end = trim(text, lo, header.end())[1]
        # The page's anchor texts last: they resolve every link of the page, and most lines stop before. A list
        # opens with one of them: when no anchor text at all does, there is nothing to resolve.
        if h_end >= hi or not text[h_end].isspace():
            return
        first = trim(text, h_end, hi)[0]
        if not any(text.startswith(title, first, hi) for title in page._anchor_texts()) or not page.links:
            return
        found = _glued_links(text, h_end, hi, page.links)
        if not found:
            return
        yield self.span(line.start, h_end, "related.header", header=text[lo:h_end], glued=True)
        for n, (s, e) in enumerate(found):
            title = text[s:e]
            end = line.end if n == len(found) - 1 else e
            yield self.span(s, end, "related.glued-list", title=title, published=None, url=page.links[title])

    def _header_lists(self, page: Page, taken: list[tuple[int, int]], runs: list[int]) -> Iterator[Span]:
        def free(line: Line) -> bool:
            return not any(s < line.end and line.start < e for s, e in taken)

        # Most pages have no dated run: then every line is free and no line is a run's title.
        lines = [ln for ln in page.lines() if free(ln)] if taken else list(page.lines())
        run_starts = set(runs)
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.text[:16].lower().startswith(HEADER_OPENINGS):
                # No header, inline link or popular-list title opens with anything else: only the title of a
                # dated run (a section name) is left to check.
                if (
                    run_starts
                    and trim(page.text, line.end, len(page.text))[0] in run_starts
                    and _is_run_title(line.text)
                ):
                    yield self.span(line.start, line.end, "related.header", header=line.text)
                i += 1
                continue
            inline = INLINE_RE.match(line.text)
            if inline and is_headline(line.text[inline.end() :]):
                t_start = line.start + inline.end()
                title = normalise_ws(page.text[t_start : line.end])
                url = page.link_url_in(t_start, line.end, title)
                if is_related_item(title, url, page.url):
                    yield self.span(line.start, line.end, "related.inline", title=title, published=None, url=url)
                    i += 1
                    continue
            cells = table_cells(line.text)
            head_text = " ".join(cells) if cells is not None else line.text
            if POPULAR_RE.fullmatch(head_text):
                # A "Most read" box: not related links; step over its items so nothing else takes them.
                i = max(i + 1, _list_items(page, lines, i + 1)[1])
                continue
            header = HEADER_RE.fullmatch(head_text)
            if trim(page.text, line.end, len(page.text))[0] in run_starts and (header or _is_run_title(line.text)):
                # "Related Posts", or a section name ("Lifestyle"), over a run of dated headlines claimed above.
                yield self.span(line.start, line.end, "related.header", header=line.text)
                i += 1
                continue
            if not header:
                yield from self._glued_list(page, line)
                i += 1
                continue
            items, j = _list_items(page, lines, i + 1)
            region = _region(page, line)
            stories = [is_related_item(title, url, page.url) for _, _, title, url in items]
            if page.url and _network_widget(
                [url for (_, _, _, url), story in zip(items, stories, strict=True) if story], page.url
            ):
                stories = [False] * len(items)
            seen: set[str] = set()
            for n, (_, _, _, url) in enumerate(items):
                if stories[n] and url:
                    # A card links its picture and its headline to one story: one item, the first.
                    stories[n] = url not in seen
                    seen.add(url)
            if not any(stories) or (region == "nav" and _region(page, items[0][0]) == "nav"):
                # A menu's own section list; a header styled as a tab ("More Opinion" in a <nav>) over cards
                # outside it is still a list's header.
                i += 1
                continue
            yield self.span(line.start, line.end, "related.header", header=line.text)
            for (first, last, title, url), story in zip(items, stories, strict=True):
                if not story:
                    yield self.span(first.start, last.end, "related.card", url=url)
                    continue
                stamp = next(iter(find_timestamps(page.text, first.start, last.end)), None)
                published = stamp.published if stamp else None
                yield self.span(first.start, last.end, "related.listed", title=title, published=published, url=url)
            i = j


def _outside(lines: list[Line], taken: list[tuple[int, int]]) -> list[Line]:
    """The lines (in page order) that overlap none of ``taken``, in one sweep over both."""
    spans = sorted(taken)
    out, k = [], 0
    for line in lines:
        while k < len(spans) and spans[k][1] <= line.start:
            k += 1
        if k < len(spans) and spans[k][0] < line.end:
            continue
        out.append(line)
    return out


#: Lines of running text around a card: this many words make a line a paragraph.
CARD_CONTEXT_WORDS = 12
#: A card's headline has this many words, whatever its URL, and at most so many.
CARD_WORDS = 4
MAX_CARD_WORDS = 30
#: An article's own section headings (a year in review heads each section with the story it recalls).
SECTION_HEADINGS = frozenset({"h1", "h2"})


def _card_title(page: Page, line: Line, site: str) -> tuple[str, str | None] | None:
    """The headline and URL of a line that is one link to another story of ``site``, or None."""
    if not CARD_WORDS <= len(line.text.split()) <= MAX_CARD_WORDS:
        return None  # most lines: a paragraph, or a label
    inside = page.anchors_in(line.start, line.end)  # the cheap tests before any URL is resolved
    if len(inside) != 1:
        return None
    link = inside[0]
    title = normalise_ws(page.text[link.start : link.end])
    if len(title) < len(normalise_ws(line.text)) - 2 or not is_headline(title) or len(title.split()) < CARD_WORDS:
        return None  # a place or a product named in a guide links its own page: a headline says more
    url = page.link_url(link)
    if not url or _site_of(url) != site:
        return None
    block = page.block_at(line.start)
    if block is not None and (block.region in NAVIGATION_REGIONS or block.tag in SECTION_HEADINGS):
        return None  # navigation, or a section of the article that links the story it is about
    return (title, url) if is_related_item(title, url, page.url) else None


def _is_run_title(text: str) -> bool:
    """A short title that is not a sentence nor a labelled line: the header of the dated headlines right under it.

    "Lifestyle" or "More in Egypt" over a list; not "source: Alarabiya" (a
    label and its value) nor "Updated 2017" (numbers are not a section name).
    """
    text = text.strip()
    if not 0 < len(text.split()) <= MAX_RUN_TITLE_WORDS or any(c.isdigit() or c in ":：|" for c in text):
        return False
    return not text.endswith((".", "!", "?", '"', "”", ","))


def _list_items(page: Page, lines: list[Line], j: int) -> tuple[list[tuple[Line, Line, str, str | None]], int]:
    """Headlines under a header from ``lines[j]`` on: ``(first line, last line, title, url)`` each, and where they stop.

    An item is a headline line (on an HTML page, a link); the lines after it
    that belong to the same list item of the page (a teaser, a date) go with
    it.
    """
    items: list[tuple[Line, Line, str, str | None]] = []
    home = _region(page, lines[j - 1]) if j > 0 else None
    while j < len(lines) and len(items) < MAX_HEADER_ITEMS:
        if not page.is_free(lines[j - 1].end, lines[j].start):
            break  # something claimed stands between: the list ended there
        region = _region(page, lines[j])
        if region != home and region in NAVIGATION_REGIONS:
            break  # the page's footer or menu below the list
        if not page.is_free(lines[j].start, lines[j].end):
            if _is_date_line(page, lines[j]):
                j += 1  # a card's date, already claimed as a stamp: the list goes on
                continue
            break
        if _is_list_header(lines[j].text):
            break  # the next list ("Most read"), even when its header is a link
        top = j
        found = _item_title(page, lines[j])
        # A card may open with short lines of its own (a section kicker, the previous card's time): step over a
        # few to its headline; another list's header ends this one. Cards the page does not mark as items may
        # also print the previous headline's teaser first (the card's teaser, then its author, then the next).
        teaser = bool(items) and page.item_at(lines[j].start) == 0 and _is_teaser(page, lines[j])
        while (
            found is None
            and j - top < MAX_KICKER_LINES + teaser
            and j + 1 < len(lines)
            and (_is_kicker(lines[j].text) or (j == top and teaser))
            and page.is_free(lines[j].end, lines[j + 1].start)
            and not _is_list_header(lines[j + 1].text)
        ):
            j += 1
            found = _item_title(page, lines[j])
        previous = page.item_at(items[-1][0].start) if items else 0
        region = _region(page, lines[j])
        if (
            found is None
            or (region != home and region in NAVIGATION_REGIONS)
            or (j > top and not _one_card(page, lines[top + teaser : j + 1], previous, found[1]))
        ):
            j = top
            break
        title, url = found
        first, last = lines[top], lines[j]
        j += 1
        item = page.item_at(first.start)
        extra = 0
        while (
            item
            and j < len(lines)
            and extra < MAX_TEASER_LINES
            and page.item_at(lines[j].start) == item
            and len(lines[j].text.split()) <= MAX_TEASER_WORDS
            and _item_title(page, lines[j]) is None
        ):
            last = lines[j]
            j += 1
            extra += 1
        items.append((first, last, title, url))
    return items, j


#: Short lines a card may print above its headline ("Editorial Cartoon", "46 mins ago", "Opinion").
MAX_KICKER_LINES = 3
MAX_KICKER_WORDS = 6


#: A list of at least this many stories, each on another site (and on more than one), is a network's or an ad
#: vendor's widget ("You may also like" from sister sites), not stories related to this one.
MIN_WIDGET_ITEMS = 3


def _network_widget(urls: Sequence[str | None], page_url: str) -> bool:
    own = _site_of(page_url)
    sites = [_site_of(url) if url else own for url in urls]
    return len(sites) >= MIN_WIDGET_ITEMS and own not in sites and len(set(sites)) > 1


def _is_date_line(page: Page, line: Line) -> bool:
    """A line that is one timestamp ("December 12, 2025"), give or take a few characters."""
    stamp = next(iter(find_timestamps(page.text, line.start, line.end)), None)
    return stamp is not None and (line.end - line.start) - (stamp.end - stamp.start) <= 3


def _one_card(page: Page, lines: Sequence[Line], previous: int, own: str | None) -> bool:
    """Whether the lines above a headline (``lines[-1]``, linking ``own``) are in its card, or end the one before."""
    item = page.item_at(lines[-1].start)
    if item == 0:
        # Cards the page does not mark as items: only plain lines (a date, a button's label) may stand between.
        above = lines[:-1]
        # A section's link or the card's own story ("Интересное 0" linking the headline's URL) may stand above
        # the headline; a link to another story is an item of its own.
        return len(above) <= 2 and not any(
            url != own and is_story_url(url) for line in above for _, url in page.links_in(line.start, line.end) if url
        )
    return all(page.item_at(line.start) in (item, previous) for line in lines[:-1])


def _region(page: Page, line: Line) -> str | None:
    block = page.block_at(line.start) if page.blocks else None
    return block.region if block is not None else None


def _is_teaser(page: Page, line: Line) -> bool:
    """A line of plain text no longer than a teaser (no link: a link would be an item or a label)."""
    return len(line.text.split()) <= MAX_TEASER_WORDS and not page.anchors_in(line.start, line.end)


def _is_list_header(text: str) -> bool:
    text = text.strip()
    return (
        len(text) < 60
        and text[:16].lower().startswith(HEADER_OPENINGS)
        and (HEADER_RE.fullmatch(text) is not None or POPULAR_RE.fullmatch(text) is not None)
    )


def _is_kicker(text: str) -> bool:
    text = text.strip()
    if not text or len(text.split()) > MAX_KICKER_WORDS or text.endswith((".", ":", "…")):
        return False
    return not _is_list_header(text)


def _glued_links(text: str, start: int, end: int, links: Mapping[str, str]) -> list[tuple[int, int]] | None:
    """``text[start:end]`` as anchor texts one after another (whitespace between), or None.

    Extraction that drops the block breaks of a link list leaves "School levy
    fails by 42 votes Fair board picks new grounds manager"; the page's own
    anchor texts tell where each headline ends (longest match first).
    """
    by_first: dict[str, list[str]] = {}
    for title in links:
        if is_headline(title):
            by_first.setdefault(title[0], []).append(title)
    for titles in by_first.values():
        titles.sort(key=len, reverse=True)
    found: list[tuple[int, int]] = []
    pos = trim(text, start, end)[0]
    while pos < end:
        match = next((t for t in by_first.get(text[pos], []) if text.startswith(t, pos, end)), None)
        if match is None:
            return None
        found.append((pos, pos + len(match)))
        pos = trim(text, pos + len(match), end)[0]
    return found


def _item_title(page: Page, line: Line) -> tuple[str, str | None] | None:
    """The headline (and its URL) of a line under a related-links header, or None if the line is not one.

    On an HTML page a related headline is a link: the line's one link, and
    most of the line. On a raw-text page a table row (``| Headline | Oct 12, 2023 |``)
    offers its cells; the date cell is not the title.
    """
    if page.blocks:
        inside = page.links_in(line.start, line.end)
        if len(inside) != 1:
            return None  # no link, or a bar of links ("Contact us Privacy policy"): not one headline
        link, url = inside[0]
        title = normalise_ws(page.text[link.start : link.end])
        if is_headline(title) and 2 * (link.end - link.start) >= line.end - line.start:
            return title, url
        return None
    links = page.links
    cells = table_cells(line.text)
    for cell in cells if cells is not None else [line.text]:
        title = normalise_ws(cell)
        if not is_headline(title) or (links and title not in links):
            continue
        if cells is not None and next(iter(find_timestamps(title)), None) is not None and title not in links:
            continue  # the date cell
        return title, links.get(title)
    return None
