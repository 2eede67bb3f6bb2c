"""Newsletter sign-up boxes: a line that names a newsletter and the sign-up furniture right under it.

Sieve's built-in PromoCleaner claims a sign-up prompt line by line as
``boilerplate`` and leaves the rest of the box ("Email address", "By signing
up you agree ...") in the text. This cleaner claims the whole box as one span
with a label of its own, so a reader (or a query) can tell sign-up boxes from
other boilerplate. It runs before PromoCleaner (order 450 < 500) to get there first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaners import Cleaner, Line, Page, Span

#: A box title or pitch is short; a longer line that mentions a newsletter is prose.
MAX_TITLE_WORDS = 12
#: Consent notes run longer than titles, but not to a paragraph.
MAX_FURNITURE_WORDS = 30

_NEWSLETTER_RE = re.compile(r"\b(?:newsletters?|briefing|digest)\b", re.I)
# What sits under a box title: its pitch, the email field, the button, the consent note, the thank-you.
# Not a bare "Privacy policy": that is also a footer link ("About us · Contact · Privacy policy").
_FURNITURE_RE = re.compile(
    r"\binbox\b|^(?:enter )?(?:your )?e-?mail(?: address)?\W*$|^(?:sign (?:me )?up|subscribe|submit)\W*$"
    r"|\bby (?:signing up|subscribing)\b|\bunsubscribe (?:at any time|anytime)\b|thanks? (?:you )?for signing up",
    re.I,
)


class NewsletterCleaner(Cleaner):
    """Claims a newsletter sign-up box: its title line and the sign-up lines directly below it."""

    label = "newsletter"
    new_labels = {"newsletter": "a newsletter sign-up box: title, pitch, email field, button and consent note"}
    version = "1"  # bump when the output changes: `scrapy reclean` picks stored pages up again

    def find(self, page: Page) -> Iterator[Span]:
        lines = list(page.lines())
        i = 0
        while i < len(lines):
            if not self.is_title(lines[i]):
                i += 1
                continue
            end = i
            while end + 1 < len(lines) and self.belongs(page, lines[end], lines[end + 1]):
                end += 1
            if end > i:  # a title alone may be a headline about a newsletter: leave it to the others
                yield self.span(lines[i].start, lines[end].end, "newsletter.box", lines=end - i + 1)
            i = end + 1

    @staticmethod
    def is_title(line: Line) -> bool:
        return len(line.text.split()) <= MAX_TITLE_WORDS and bool(_NEWSLETTER_RE.search(line.text))

    @staticmethod
    def belongs(page: Page, above: Line, below: Line) -> bool:
        """``below`` is sign-up furniture right under ``above``.

        Only whitespace may lie between them: then a span over both cannot
        cover anything an earlier cleaner claimed (the chain would drop it).
        """
        if page.text[above.end : below.start].strip():
            return False
        return len(below.text.split()) <= MAX_FURNITURE_WORDS and bool(_FURNITURE_RE.search(below.text))
