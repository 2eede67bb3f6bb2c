"""Source attribution: ``source: X`` lines, wire datelines, credit lines and trailing agency tags."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaners.base import Cleaner
from cleaners.builtin.agencies import AGENCIES, AGENCY_SITES
from cleaners.page import Line, Page, Span
from cleaners.urls import site_of

#: A dateline may open any of the article's first lines, in a paragraph of at least this many words.
DATELINE_LINES = 3
DATELINE_WORDS = 8

_AGENCY_ALT = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))

# "source: Alarabiya", "SOURCE : Reuters", "المصدر: وكالات". Also glued onto the
# end of the previous sentence ("...al-Hariri.source: Alarabiya").
_SOURCE_WORDS = (
    r"(?:sources?|quelle|fuentes?|fontes?|источник|kaynak|sumber|bron|źródło|zdroj|källa|kilde|sursa|forrás"
    r"|джерело|πηγή|nguồn|מקור|स्रोत|来源|來源|出典|출처|المصدر|المصادر)"
)
_SOURCE_LINE_RE = re.compile(rf"{_SOURCE_WORDS}\s?[:：]\s*(?P<name>[^\n:]{{1,60}}?)\s*[.。]?$", re.I)
_SOURCE_GLUED_RE = re.compile(rf"(?<=[.!?”\"])(?={_SOURCE_WORDS}\s?[:：])", re.I)
# A byline that names an agency: "By Associated Press", "By Jane Doe, Reuters", "Par Le Monde et AFP",
# "Von dpa", "Por EFE", "AFP, MANILA".
_BY = r"(?:by|par|von|por|di|oleh|от)"
_AGENCY_BYLINE_RE = re.compile(
    rf"{_BY}\s+(?:[^\n,|]{{1,60}}?(?:,|\band\b|\bet\b|\bund\b|\by\b|\be\b|\|)\s*)?(?:the\s)?"
    rf"(?P<agency>{_AGENCY_ALT})(?:\s(?:staff|writers?|reporters?|news))?\s*[.,]?"
    rf"(?:\s*[-–—|,]?\s*(?:updated|published)?\s*\S*\s?\d[^\n]{{0,40}})?",
    re.I,
)
_AGENCY_PLACE_RE = re.compile(rf"(?P<agency>{_AGENCY_ALT})\s*[,/]\s*(?P<place>[A-Z][A-Za-z .'-]{{1,40}})", re.I)
# Credit lines that give their source's name: "With files from The Associated Press", "— Associated Press
# writer Jane Doe contributed to this report", "This report was based on original reporting by Bloomberg".
_FILES_FROM_RE = re.compile(
    r"[-–—(]*\s*(?:with (?:files|reporting|additional reporting|contributions) from|additional reporting by"
    r"|this (?:report|story|article) (?:was|is) based on (?:original )?reporting (?:by|from)"
    r"|based on (?:original )?reporting (?:by|from)|(?:this (?:story|article) was )?originally published (?:by|in))"
    r"\s+(?P<name>[^\n;.]{2,80}?)\s*[.)]?",
    re.I,
)
_CONTRIBUTED_RE = re.compile(
    rf"[-–—]*\s*(?:the\s)?(?P<agency>{_AGENCY_ALT})(?:'s)?\s(?:staff\s)?"
    r"(?:writers?|reporters?|correspondents?|journalists?)"
    r"\s[^\n]{2,120}?\scontributed\b[^\n]{0,60}",
    re.I,
)
# "BEIRUT (Reuters) -" / "PARIS, Nov 5 (AFP) —" at the start of the body.
_DATELINE_RE = re.compile(
    rf"(?P<place>[A-Z][^\n()]{{0,60}}?)\s?\((?P<agency>{_AGENCY_ALT})\)\s?[-–—]+\s?",
    re.I,
)
# "Reporting by X; Editing by Y", also in parentheses.
_CREDIT_RE = re.compile(
    r"[(\[]?(?:additional )?(?:reporting|writing|editing|compiled|edited|written|translated|"
    r"graphics|photos?|video)\s(?:by|and editing by)\s",
    re.I,
)
# A whole line "— AFP", "(AFP)", "-- Reuters", or a body line ending with one.
_TAG_LINE_RE = re.compile(rf"(?:[-–—]+\s?|\()(?P<agency>{_AGENCY_ALT})\)?\.?", re.I)
_TAG_TAIL_RE = re.compile(rf"\s(?:[-–—]+\s?(?P<a1>{_AGENCY_ALT})|\((?P<a2>{_AGENCY_ALT})\))\.?$", re.I)


def normalise_source(name: str) -> str:
    name = name.strip().strip(".,;:-–— ")
    return AGENCIES.get(name.lower(), name)


class SourceCleaner(Cleaner):
    """Claims where the article says it came from and names the source.

    Only shapes that cannot be prose are claimed: a ``source:`` label with a
    colon and credit lines that start with "Reporting by", wherever they stand
    on the page; a ``PLACE (Agency) -`` dateline on the first line of the
    article (the main content), and an agency tag ending its last line.
    "A source close to the talks said" is a sentence and stays body. The whole
    dateline, place included, is claimed as ``source`` (the place is kept in the
    span's ``dateline``), because it is attribution, not article text.
    """

    label = "source"

    def find(self, page: Page) -> Iterator[Span]:
        own = AGENCY_SITES.get(site_of(page.url)) if page.url else None
        for span in self._find(page):
            if own is not None and span.data.get("name") == own:
                # On the agency's own site its name is the publisher's: the line is claimed, it names no source.
                span = self.span(span.start, span.end, span.reason, **{**span.data, "name": None, "publisher": own})
            yield span

    def _find(self, page: Page) -> Iterator[Span]:
        body = list(page.lines(main=True))
        claimed: set[int] = set()  # starts of lines claimed whole
        first, m = self._dateline(page, body)
        if first is not None and m is not None:
            yield self.span(
                first.start,
                first.start + m.end(),
                "source.dateline",
                name=normalise_source(m["agency"]),
                dateline=m["place"].strip(" ,"),
            )
            if m.end() >= len(first.text.rstrip()):
                claimed.add(first.start)
        for line in page.lines():
            if first is not None and line.start == first.start:
                continue  # the dateline's line: a span for the whole line would overlap it
            span = self._line(line)
            if span is not None:
                claimed.add(line.start)
                yield span
        # The agency tag closes the last line of the article.
        for line in reversed(body):
            if line.start in claimed:
                continue
            yield from self._tail_tag(line)
            break

    @staticmethod
    def _dateline(page: Page, body: list[Line]) -> tuple[Line | None, re.Match[str] | None]:
        """The ``PLACE (Agency) -`` opening the article: on its first line, or on a paragraph near its start that
        the extractor left out (a first paragraph styled apart is often dropped with the page's chrome)."""
        m = _DATELINE_RE.match(body[0].text) if body else None
        if m:
            return body[0], m
        if not body:
            return None, None
        limit = body[min(len(body) - 1, DATELINE_LINES)].end
        for line in page.lines():
            if line.start >= limit:
                break
            m = _DATELINE_RE.match(line.text)
            if m and len(line.text[m.end() :].split()) >= DATELINE_WORDS:
                return line, m
        return None, None

    def _line(self, line: Line) -> Span | None:
        text = line.text
        if len(text) <= 160:
            m = _AGENCY_BYLINE_RE.fullmatch(text) or _AGENCY_PLACE_RE.fullmatch(text)
            if m:
                return self.span(line.start, line.end, "source.byline", name=normalise_source(m["agency"]))
            m = _CONTRIBUTED_RE.fullmatch(text)
            if m:
                return self.span(line.start, line.end, "source.contributed", name=normalise_source(m["agency"]))
        if len(text) <= 200:
            m = _FILES_FROM_RE.fullmatch(text)
            if m:
                name = normalise_source(m["name"].removeprefix("the ").removeprefix("The "))
                return self.span(line.start, line.end, "source.credit-from", name=name)
        # A source label has its colon: most lines have none and need not be matched against the label.
        colon = ":" in text or "：" in text
        m = _SOURCE_LINE_RE.match(text) if colon else None
        if m and len(m["name"].split()) <= 6:
            return self.span(line.start, line.end, "source.label", name=normalise_source(m["name"]))
        if len(text) <= 600 and _CREDIT_RE.match(text):
            return self.span(line.start, line.end, "source.credit-line", credits=text.strip("()[] "))
        if len(text) > 200 or not colon:
            return None
        for g in _SOURCE_GLUED_RE.finditer(text, max(0, len(text) - 80)):
            m = _SOURCE_LINE_RE.match(text, g.start())
            if m and len(m["name"].split()) <= 6:
                return self.span(
                    line.start + g.start(),
                    line.end,
                    "source.label-glued",
                    name=normalise_source(m["name"]),
                )
        return None

    def _tail_tag(self, line: Line) -> Iterator[Span]:
        m = _TAG_LINE_RE.fullmatch(line.text)
        if m:
            yield self.span(line.start, line.end, "source.agency-line", name=normalise_source(m["agency"]))
            return
        m = _TAG_TAIL_RE.search(line.text, max(0, len(line.text) - 60))
        if m:
            yield self.span(
                line.start + m.start(),
                line.end,
                "source.agency-tag",
                name=normalise_source(m["a1"] or m["a2"]),
            )
