"""Copyright and site-credit boilerplate: every copy, also when glued onto the previous line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaners.base import Cleaner
from cleaners.page import Page, Span
from cleaners.text import YEAR_RE, table_cells

# A boilerplate line is short; a long line that mentions copyright is prose.
MAX_LEN = 200
_QUOTES = '"“”«»„'

# Where boilerplate may start inside a line: right after a lowercase letter,
# digit or closing punctuation with no space, which is what bad text extraction
# produces when it drops the block break ("...highwayMaintained and developed by").
_GLUED_RE = re.compile(
    r"(?<=[a-z0-9.!?)\]])"
    r"(?=(?:Maintained|Designed|Developed|Powered|Hosted|All [Rr]ights [Rr]eserved|Copyright|©))"
)
_CREDIT_RE = re.compile(
    r"(?:(?:Site|Website|Web site|This site|Theme)\s(?:is\s)?(?i:maintained|designed|developed|powered|hosted|built))"
    r"|(?:Maintained|Designed|Developed|Powered|Hosted|Built|Created|Managed)"
    r"(?: and (?:developed|designed|maintained|hosted|managed|powered))? by\s+\S",
)
_RIGHTS_RE = re.compile(r"\ball rights reserved\b|\bكل الحقوق محفوظة|\bجميع الحقوق محفوظة", re.I)
_COPYRIGHT_START_RE = re.compile(r"(?:©|\(c\)\s*(?:19|20)\d\d|copyright\s*(?:©|\(c\)|(?:19|20)\d\d))", re.I)
# "Developed by the courts, the rule is older than the internet." is a sentence:
# a credit line names someone and stops, it does not go on with a clause.
_CLAUSE_RE = re.compile(r",\s+(?:the|a|an|it|its|he|she|they|we|this|that|these|those|which|who|but|and then)\b", re.I)
# Words that may follow "Copyright 2021" in lower case in a notice ("Copyright 2021 by X").
_NOTICE_WORDS = frozenset({"by", "all", "and", "the"})


def boilerplate_reason(text: str) -> str | None:
    """Why ``text`` (a whole line, or the tail of one) is boilerplate, or None."""
    if len(text) > MAX_LEN or any(q in text for q in _QUOTES):
        return None
    words = text.split()
    if _CREDIT_RE.match(text) and len(words) <= 12 and not _CLAUSE_RE.search(text):
        return "site credit line"
    m = _COPYRIGHT_START_RE.match(text)
    if m and not _is_prose(text[m.end() :], len(words)):
        return "copyright notice"
    if _RIGHTS_RE.search(text) and len(text.split()) <= 25:
        return "all-rights-reserved notice"
    if "©" in text and YEAR_RE.search(text) and len(text.split()) <= 20:
        return "copyright notice"
    return None


def _is_prose(rest: str, n_words: int) -> bool:
    """After "Copyright 2021": a notice names the holder; a sentence goes on in lower case.

    "Copyright 2021 figures from the authority show ..." is body text that
    happens to start with the word.
    """
    first = rest.strip(" ,.:;-–—").split(maxsplit=1)
    if first and first[0][:1].islower() and first[0].lower() not in _NOTICE_WORDS:
        return True
    return n_words > 15 and not _RIGHTS_RE.search(rest)


class CopyrightCleaner(Cleaner):
    """Claims copyright, "all rights reserved" and "developed by" lines.

    Only whole lines (or a line's tail glued on by extraction) are claimed, and
    never a line carrying quotation marks, so a body sentence quoting "all
    rights reserved" stays body.
    """

    label = "boilerplate"

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines():
            cells = table_cells(line.text)
            if cells is not None:
                # A table row as trafilatura prints it ("| © 2009 X. All rights reserved. | Designed by Y |"):
                # the row is boilerplate when every cell is.
                reasons = [boilerplate_reason(cell) for cell in cells]
                if cells and all(reasons):
                    yield self.span(line.start, line.end, f"table row: {reasons[0]}")
                continue
            reason = boilerplate_reason(line.text)
            if reason:
                yield self.span(line.start, line.end, reason)
                continue
            # Only a tail short enough to be boilerplate is worth looking at.
            for m in _GLUED_RE.finditer(line.text, max(0, len(line.text) - MAX_LEN)):
                tail = line.text[m.start() :]
                reason = boilerplate_reason(tail)
                if reason:
                    yield self.span(line.start + m.start(), line.end, reason + " (glued to the previous line)")
                    break
