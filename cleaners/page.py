"""The page a cleaner looks at: immutable raw text plus the spans already claimed on it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleaners.text import trim

_LINE_RE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Span:
    """A claim on ``raw[start:end]``.

    Offsets are code-point offsets into the raw text, which never changes, so a
    span can always be explained ("cleaner X removed these characters because
    ...") and the original page rebuilt from stored spans.
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


class Page:
    """Raw text, what the extractor learned about it, and the claims so far.

    Cleaners read it and return spans; only the chain adds claims, so a cleaner
    cannot overwrite another cleaner's decision.
    """

    def __init__(
        self,
        text: str,
        *,
        url: str | None = None,
        domain: str | None = None,
        links: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.text = text
        self.url = url
        self.domain = domain
        #: Anchor texts of the HTML page (whitespace-normalised) -> absolute URL.
        self.links: Mapping[str, str] = links or {}
        self.metadata: Mapping[str, Any] = metadata or {}
        self._starts: list[int] = []
        self._spans: list[Span] = []

    # -- claims ---------------------------------------------------------------

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

    # -- views of the unclaimed text --------------------------------------------

    def free_ranges(self) -> Iterator[tuple[int, int]]:
        """Maximal unclaimed ranges, in order (may contain only whitespace)."""
        pos = 0
        for span in self._spans:
            if span.start > pos:
                yield pos, span.start
            pos = max(pos, span.end)
        if pos < len(self.text):
            yield pos, len(self.text)

    def lines(self) -> Iterator[Line]:
        """Unclaimed pieces of lines, stripped; a line cut by a claim yields two pieces."""
        text = self.text
        for lo, hi in self.free_ranges():
            for m in _LINE_RE.finditer(text, lo, hi):
                s, e = trim(text, *m.span())
                if s < e:
                    yield Line(s, e, text[s:e])
