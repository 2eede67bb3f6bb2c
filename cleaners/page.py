"""The page a cleaner looks at: immutable raw text, its blocks and main content, and the spans already claimed."""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from cleaners.document.linearise import Block, Link
from cleaners.text import normalise_ws, trim
from cleaners.urls import is_http

#: A line stripped of surrounding whitespace (``\s`` is exactly ``str.isspace``): the group is what
#: :func:`trim` leaves of a ``[^\n]+`` run, found without a Python loop; a blank line does not match.
_LINE_RE = re.compile(r"[^\S\n]*([^\n]*\S)")

__all__ = ["Block", "Line", "Link", "Page", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """A claim on ``raw[start:end]``.

    Offsets are code-point offsets into the raw text, which never changes, so a
    span can always be explained ("cleaner X removed these characters because
    ...") and the original page rebuilt from stored spans. ``reason`` is a short
    stable code (``copyright.notice``); details ride in ``data``.
    """

    start: int
    end: int
    label: str
    reason: str = ""
    cleaner: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Line:
    """An unclaimed stretch of one line, stripped of surrounding whitespace."""

    start: int
    end: int
    text: str


_new_line = Line.__new__
_set_start, _set_end, _set_text = (Line.__dict__[name].__set__ for name in ("start", "end", "text"))


def _line(start: int, end: int, text: str) -> Line:
    """``Line(start, end, text)``, three times faster: a page makes hundreds of lines.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; the slots' own descriptors set them directly. The
    object is the same (same class, same fields, still frozen to callers).
    """
    line = _new_line(Line)
    _set_start(line, start)
    _set_end(line, end)
    _set_text(line, text)
    return line


class Page:
    """Raw text, what is known about it, and the claims so far.

    For an HTML page the raw text is the whole visible page, a block a line
    (:mod:`cleaners.document.linearise`); ``blocks`` say where each line stands
    and carry its own links, and ``main`` is the main content the extractor
    found (ranges of whole blocks). For a raw-text page everything is main
    content and there are no blocks. Cleaners read the page and return spans;
    only the chain adds claims, so a cleaner cannot overwrite another's decision.
    """

    def __init__(
        self,
        text: str,
        *,
        url: str | None = None,
        domain: str | None = None,
        links: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        blocks: Sequence[Block] = (),
        main: Sequence[tuple[int, int]] | None = None,
        base_url: str | None = None,
    ) -> None:
        self.text = text
        self.url = url
        self.domain = domain
        self.metadata: Mapping[str, Any] = metadata or {}
        self.blocks: Sequence[Block] = blocks
        #: Main-content ranges, sorted and disjoint.
        self.main: list[tuple[int, int]] = [(0, len(text))] if main is None else sorted(main)
        self.base_url = base_url or url
        self._links = links
        self._block_starts = [b.start for b in blocks]
        self._main_starts = [s for s, _ in self.main]
        self._starts: list[int] = []
        self._spans: list[Span] = []
        self._line_cache: list[tuple[Line, bool]] | None = None
        self._line_starts: list[int] = []
        self._lower: str | None = None
        self._urls: dict[str, str | None] = {}
        self._anchors: dict[str, list[Link]] | None = None
        self._candidate_cache: dict[bool, list[Line]] = {}
        self._free_cache: dict[bool, tuple[int, list[Line]]] = {}

    # -- links ------------------------------------------------------------------------------------

    def link_url(self, link: Link) -> str | None:
        """A link's absolute http(s) URL, resolved on demand (most links are never asked for)."""
        # Several cleaners ask for the same links, and the URL depends on nothing but the href.
        try:
            return self._urls[link.href]
        except KeyError:
            url = urljoin(self.base_url or "", link.href)
            found = self._urls[link.href] = url if is_http(url) else None
            return found

    @property
    def links(self) -> Mapping[str, str]:
        """Anchor text (whitespace-normalised) -> absolute URL, the first link of each text; built on first use."""
        if self._links is None:
            found: dict[str, str] = {}
            for block in self.blocks:
                for link in block.links:
                    text = normalise_ws(self.text[link.start : link.end])
                    if text and text not in found:
                        url = self.link_url(link)
                        if url:
                            found[text] = url
            self._links = found
        return self._links

    def _anchor_index(self) -> dict[str, list[Link]]:
        """Anchor text (whitespace-normalised) -> the links that carry it, in page order, URLs not resolved."""
        if self._anchors is None:
            index: dict[str, list[Link]] = {}
            for block in self.blocks:
                for link in block.links:
                    text = normalise_ws(self.text[link.start : link.end])
                    if text:
                        index.setdefault(text, []).append(link)
            self._anchors = index
        return self._anchors

    def _anchor_texts(self) -> Collection[str]:
        """The texts :attr:`links` has, or more: every anchor text, also of links without an http(s) URL.

        A cleaner that looks a text up in :attr:`links` and rarely finds it
        tests it here first: :attr:`links` resolves the URL of every link on
        the page, about a millisecond on a whole page.
        """
        return self._links.keys() if self._links is not None else self._anchor_index().keys()

    def _url_of_text(self, title: str) -> str | None:
        """``links.get(title)`` without resolving every other link: the first of its links with an http(s) URL."""
        if self._links is not None:
            return self._links.get(title)
        for link in self._anchor_index().get(title, ()):
            url = self.link_url(link)
            if url:
                return url
        return None

    def anchors_in(self, start: int, end: int) -> list[Link]:
        """The links whose anchor text lies inside ``[start, end)``, in page order, URLs not yet resolved."""
        out: list[Link] = []
        i = max(0, bisect.bisect_right(self._block_starts, start) - 1)
        while i < len(self.blocks) and self.blocks[i].start < end:
            out.extend(link for link in self.blocks[i].links if start <= link.start and link.end <= end)
            i += 1
        return out

    def _first_anchor_in(self, start: int, end: int) -> Link | None:
        """``anchors_in(start, end)[0]``, or None, without listing the others (a menu line carries dozens)."""
        blocks = self.blocks
        i = max(0, bisect.bisect_right(self._block_starts, start) - 1)
        while i < len(blocks) and blocks[i].start < end:
            for link in blocks[i].links:
                if start <= link.start and link.end <= end:
                    return link
            i += 1
        return None

    def links_in(self, start: int, end: int) -> list[tuple[Link, str]]:
        """The links whose anchor text lies inside ``[start, end)``, with their http(s) URLs, in page order."""
        return [(link, url) for link in self.anchors_in(start, end) if (url := self.link_url(link))]

    def block_at(self, pos: int) -> Block | None:
        i = bisect.bisect_right(self._block_starts, pos) - 1
        if i >= 0 and self.blocks[i].start <= pos < self.blocks[i].end:
            return self.blocks[i]
        return None

    def item_at(self, pos: int) -> int:
        """The list item, table row or card the text at ``pos`` belongs to (0: none, or a raw-text page)."""
        block = self.block_at(pos)
        return block.item if block is not None else 0

    def link_url_in(self, start: int, end: int, title: str | None = None) -> str | None:
        """The URL a headline at ``[start, end)`` links to: the first link inside it, else one with its text."""
        inside = self.links_in(start, end)
        if inside:
            return inside[0][1]
        return self._url_of_text(title) if title else None

    # -- main content -----------------------------------------------------------------------------

    def in_main(self, start: int, end: int | None = None) -> bool:
        """True when ``[start, end)`` (or the position ``start``) overlaps the main content."""
        end = start + 1 if end is None else end
        i = bisect.bisect_right(self._main_starts, start) - 1
        if i >= 0 and self.main[i][1] > start:
            return True
        return i + 1 < len(self.main) and self.main[i + 1][0] < end

    # -- claims -----------------------------------------------------------------------------------

    @property
    def spans(self) -> list[Span]:
        """Claimed spans, sorted by start."""
        return list(self._spans)

    def is_free(self, start: int, end: int) -> bool:
        """True when no claimed span overlaps ``[start, end)``."""
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._spans[i - 1].end > start:
            return False
        return not (i < len(self._spans) and self._spans[i].start < end)

    def add(self, span: Span) -> None:
        """Record a claim. The chain calls this after validating the span."""
        i = bisect.bisect_left(self._starts, span.start)
        self._starts.insert(i, span.start)
        self._spans.insert(i, span)

    # -- views of the unclaimed text ----------------------------------------------------------------

    def free_ranges(self) -> Iterator[tuple[int, int]]:
        """Maximal unclaimed ranges, in order (may contain only whitespace)."""
        pos = 0
        for span in self._spans:
            if span.start > pos:
                yield pos, span.start
            pos = max(pos, span.end)
        if pos < len(self.text):
            yield pos, len(self.text)

    def _all_lines(self) -> list[tuple[Line, bool]]:
        """Every line of the text, stripped, with whether it is main content: split once per page."""
        if self._line_cache is None:
            lines, starts, ends = [], [], []
            for m in _LINE_RE.finditer(self.text):
                s, e = m.span(1)
                lines.append(_line(s, e, m[1]))
                starts.append(s)
                ends.append(e)
            self._line_cache = list(zip(lines, self._main_flags(starts, ends), strict=True))
            self._line_starts = starts
        return self._line_cache

    def _main_flags(self, starts: list[int], ends: list[int]) -> list[bool]:
        """:meth:`in_main` of each line (``starts``, ``ends``: sorted and disjoint), a stretch of lines at a time.

        ``in_main(s, e)`` looks at the last main range starting at or before
        ``s`` (is ``s`` inside it?) and the next one (does it start before
        ``e``?). The lines that share that last range are one run of the list;
        inside it the first test holds for a leading stretch and the second for
        a trailing one, found by bisection: a few steps per main range, not per line.
        """
        main, main_starts = self.main, self._main_starts
        flags = [False] * len(starts)
        for i in range(-1, len(main)):
            lo = bisect.bisect_left(starts, main_starts[i]) if i >= 0 else 0
            hi = bisect.bisect_left(starts, main_starts[i + 1]) if i + 1 < len(main) else len(starts)
            if lo >= hi:
                continue
            if i >= 0:
                inside = bisect.bisect_left(starts, main[i][1], lo, hi)  # lines starting before the range ends
                flags[lo:inside] = [True] * (inside - lo)
            if i + 1 < len(main):
                reaching = bisect.bisect_right(ends, main[i + 1][0], lo, hi)  # lines ending after the next starts
                flags[reaching:hi] = [True] * (hi - reaching)
        return flags

    def lines(self, *, main: bool = False, containing: re.Pattern[str] | None = None) -> Iterator[Line]:
        """Unclaimed pieces of lines, stripped; a line cut by a claim yields two pieces.

        ``main=True``: only lines in the main content (the article, as the
        extractor or a site profile found it). ``containing``: only lines in
        which this pattern matches somewhere; the page is searched once, at C
        speed, so a cleaner that only ever claims lines carrying certain words
        never looks at the hundreds of lines of a whole page that carry none.
        """
        if containing is not None:
            lines = [line for line, in_main in self._lines_containing(containing) if in_main or not main]
            yield from self._free_pieces(lines, main, containing)
            return
        # Several cleaners walk all lines (or the main content's) and claims are added only between cleaners:
        # the pieces are worked out once for each set of claims. Claims are only ever added, so their number
        # tells whether the set changed.
        claims = len(self._spans)
        free = self._free_cache.get(main)
        if free is None or free[0] != claims:
            free = self._free_cache[main] = (claims, self._free_pieces(self._candidates(main), main, None))
        yield from free[1]

    def _candidates(self, main: bool) -> list[Line]:
        """Every line of the page (``main=True``: of the main content), in order; listed once per page."""
        found = self._candidate_cache.get(main)
        if found is None:
            found = self._candidate_cache[main] = [line for line, in_main in self._all_lines() if in_main or not main]
        return found

    def _free_pieces(self, candidates: list[Line], main: bool, containing: re.Pattern[str] | None) -> list[Line]:
        """The unclaimed pieces of ``candidates`` (lines in page order), as :meth:`lines` yields them.

        Most lines touch no claim: a stretch of them before the next claim is
        copied as it is (found by bisection, not line by line), and only the
        lines a claim cuts are looked at one by one.
        """
        spans = self._spans
        if not spans:
            return list(candidates)
        ends = [line.end for line in candidates]
        out: list[Line] = []
        i, k, n = 0, 0, len(candidates)
        while i < n:
            line = candidates[i]
            while k < len(spans) and spans[k].end <= line.start:
                k += 1
            if k == len(spans):
                out.extend(candidates[i:])
                break
            # Lines that end before the next claim starts are untouched: the cached lines themselves.
            stop = bisect.bisect_right(ends, spans[k].start, i)
            if stop > i:
                out.extend(candidates[i:stop])
                i = stop
                continue
            out.extend(self._cut(line, k, main, containing))
            i += 1
        return out

    def _cut(self, line: Line, k: int, main: bool, containing: re.Pattern[str] | None) -> Iterator[Line]:
        """The free pieces of a line claims cut, from the claim ``k`` on (the first that ends after it starts)."""
        text, spans = self.text, self._spans
        pos, j = line.start, k
        while pos < line.end:
            while j < len(spans) and spans[j].end <= pos:
                j += 1
            cut = min(line.end, spans[j].start) if j < len(spans) else line.end
            if cut > pos:
                s, e = trim(text, pos, cut)
                if (
                    s < e
                    and (not main or self.in_main(s, e))
                    and (containing is None or containing.search(self.lower_text, s, e))
                ):
                    yield Line(s, e, text[s:e])
            if j < len(spans) and spans[j].start < line.end:
                pos = max(pos, spans[j].end)
                j += 1
            else:
                break

    @property
    def lower_text(self) -> str:
        """The text in lower case, offsets kept (where lowering would change the length, the text as it is)."""
        if self._lower is None:
            low = self.text.lower()
            self._lower = low if len(low) == len(self.text) else self.text
        return self._lower

    def _lines_containing(self, pattern: re.Pattern[str]) -> list[tuple[Line, bool]]:
        """The cached lines in which ``pattern`` matches, in order (searched in the whole text, not line by line).

        A trigger pattern is written in lower case and searched in :attr:`lower_text`
        (Python's case-insensitive matching of a long alternation is many times slower).
        Once a line is picked the search goes on at its end: a line with forty
        digits costs one search, not forty.
        """
        cache = self._all_lines()
        starts = self._line_starts
        low = self.lower_text
        picked: list[tuple[Line, bool]] = []
        pos = 0
        while (m := pattern.search(low, pos)) is not None:
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < cache[i][0].end:
                picked.append(cache[i])
                pos = cache[i][0].end
            else:
                pos = max(m.end(), m.start() + 1)  # between lines (a pattern that matches whitespace)
        return picked
