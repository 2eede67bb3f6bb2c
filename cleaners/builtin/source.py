"""Source attribution: ``source: X`` lines, wire datelines, credit lines and trailing agency tags."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaners.base import Cleaner
from cleaners.builtin.agencies import AGENCIES
from cleaners.page import Line, Page, Span

_AGENCY_ALT = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))

# "source: Alarabiya", "SOURCE : Reuters", "المصدر: وكالات". Also glued onto the
# end of the previous sentence ("...al-Hariri.source: Alarabiya").
_SOURCE_LINE_RE = re.compile(r"(?:sources?|المصدر|المصادر)\s?[:：]\s*(?P<name>[^\n:]{1,60}?)\s*[.。]?$", re.I)
_SOURCE_GLUED_RE = re.compile(r"(?<=[.!?”\"])(?=(?:sources?|المصدر)\s?[:：])", re.I)
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
        body = list(page.lines(main=True))
        claimed: set[int] = set()  # starts of lines claimed whole
        m = _DATELINE_RE.match(body[0].text) if body else None
        if m:
            first = body[0]
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
            if m and line.start == body[0].start:
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

    def _line(self, line: Line) -> Span | None:
        text = line.text
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
