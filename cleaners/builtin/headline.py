"""The page's own headline (and a kicker above it) repeated at the top of the extracted text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from cleaners.base import Cleaner
from cleaners.page import Page, Span
from cleaners.text import tokens

#: Only the first few unclaimed lines of the main content are looked at: a headline opens the article.
HEAD_LINES = 4
MAX_KICKER_WORDS = 5


def matches_title(line: str, title: str) -> bool:
    """True when ``line`` is the headline ``title`` names, allowing a site-name suffix on either side.

    At least 80% of the line's words must be in the title and the line must
    cover half the title: "Fire danger shuts power | Daily Bugle" matches the
    line "Fire danger shuts power", while a first paragraph that merely shares
    a few words with the title does not.
    """
    line_tokens, title_tokens = tokens(line), tokens(title)
    n_have, n_want = len(line_tokens), len(title_tokens)
    if not n_have or not n_want or n_have > 60:
        return False  # before counting: the first lines of an article are often long paragraphs
    want = Counter(t.lower() for t in title_tokens)
    have = Counter(t.lower() for t in line_tokens)
    common = sum((want & have).values())
    return common >= 0.8 * n_have and common >= 0.5 * n_want


class HeadlineCleaner(Cleaner):
    """Claims the headline when extraction left it at the top of the text.

    The headline is already the record's ``title`` (from the page metadata);
    in the text it is a repeat, not article body. A line is the headline when
    it matches the metadata title (see :func:`matches_title`) and is among the
    first unclaimed lines of the main content. Up to two very short lines above it (a section
    "kicker" such as "Review" or "immunology") go with it. Raw-text pages have
    no metadata title, so nothing is claimed on them.
    """

    label = "headline"

    def find(self, page: Page) -> Iterator[Span]:
        title = page.metadata.get("title")
        if not title:
            return
        head = []
        for line in page.lines(main=True):
            head.append(line)
            if len(head) >= HEAD_LINES:
                break
        for i, line in enumerate(head):
            if matches_title(line.text, str(title)):
                above = head[:i]
                if len(above) <= 2 and all(len(x.text.split()) <= MAX_KICKER_WORDS for x in above):
                    for x in above:
                        yield self.span(x.start, x.end, "headline.kicker")
                yield self.span(line.start, line.end, "headline.repeated")
                return
