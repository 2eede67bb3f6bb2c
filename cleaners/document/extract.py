"""Which part of a page is the article: trafilatura's choice as evidence, or a site profile's override.

The cleaners see the whole page (:mod:`cleaners.document.linearise`); the
extractor only decides what is *main content*. trafilatura runs on the same
parsed tree (it copies the tree before cleaning it, so the tree stays intact
for everything else) and its text is aligned back onto the page's blocks
(:mod:`cleaners.document.align`). A site profile with a ``main`` selector
overrides that choice for its site's pages. trafilatura's deduplication is
off: what it keeps twice, the page has twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cssselect import GenericTranslator, SelectorError

from cleaners.document.align import main_flags, without_navigation
from cleaners.document.errors import ExtractionError
from cleaners.document.recover import PROSE_WORDS, recover_prose
from cleaners.sites import SiteRegistry, load_sites

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from cleaners.document.document import Document
    from cleaners.document.linearise import Block

logger = logging.getLogger(__name__)

#: The ``errors`` stage of a note on how the main content was found (the fuller extraction): the page is cleaned,
#: so it is neither a failure (``extract``) nor a cleaner's error (``clean``), like a ``decode`` note.
MAIN_CONTENT_STAGE = "main-content"


class TrafilaturaExtractor:
    """Finds a page's main content with trafilatura, unless the page's site profile names it.

    Options come from the ``SIEVE_EXTRACTOR_OPTIONS`` setting (keyword
    arguments of ``trafilatura.extract``); site profiles from ``sieve.sites``
    entry points and ``SIEVE_SITES``.
    """

    defaults: dict[str, Any] = {"include_comments": False, "include_tables": True, "deduplicate": False}

    def __init__(
        self,
        options: dict[str, Any] | None = None,
        sites: SiteRegistry | None = None,
        *,
        recover: bool = False,
        fallback: float = 0.0,
    ) -> None:
        self.options = {**self.defaults, **(options or {})}
        self.sites = sites if sites is not None else SiteRegistry()
        #: Take back the prose that continues the kept article (:mod:`cleaners.document.recover`).
        self.recover = recover
        #: When the kept prose is under this share of the page's prose, try ``fast: False`` for that page (0: never).
        self.fallback = fallback
        self._xpaths: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrafilaturaExtractor:
        settings = crawler.settings
        return cls(
            settings.getdict("SIEVE_EXTRACTOR_OPTIONS"),
            load_sites(settings),
            recover=settings.getbool("SIEVE_RECOVER_PROSE", False),
            fallback=settings.getfloat("SIEVE_FALLBACK_EXTRACTION", 0.0),
        )

    def main_override(self, doc: Document) -> list[Any]:
        """Elements of the page's site-profile ``main`` selector (none without a profile or a match)."""
        profile = self.sites.for_host(doc.domain)
        if profile is None or not profile.main:
            return []
        xpath = self._xpaths.get(profile.main)
        if xpath is None:
            try:
                xpath = self._xpaths[profile.main] = GenericTranslator().css_to_xpath(profile.main)
            except SelectorError as exc:
                raise ExtractionError(
                    f"site profile {profile.name!r}: bad main selector {profile.main!r}: {exc}"
                ) from None
        return list(doc.tree.xpath(xpath))

    def main_text(self, doc: Document, **overrides: Any) -> str:
        """The text trafilatura keeps of the page (its evidence of what the article is)."""
        import trafilatura

        try:
            options = {**self.options, **overrides}
            return trafilatura.extract(doc.tree, url=doc.url, output_format="txt", **options) or ""
        except Exception as exc:
            raise ExtractionError(f"trafilatura failed: {type(exc).__name__}: {exc}") from None

    def main_flags(self, doc: Document, text: str, blocks: Sequence[Block]) -> list[bool]:
        """For each block of the linearised page, whether it is main content.

        When the fallback is on and the main content holds less than that share of the page's prose, the
        page is extracted again without ``fast`` and the article it continues is taken (:func:`extended`); the
        flags then carry a note saying so (:class:`MainFlags`), which the record keeps.
        """
        if any(b.marked for b in blocks):
            return [b.marked for b in blocks]
        extracted = self.main_text(doc)
        aligned = main_flags(text, blocks, extracted)
        flags = without_navigation(text, blocks, aligned)
        share = prose_share(text, blocks, flags) if self.fallback and self.options.get("fast") else 1.0
        if share < self.fallback:
            fuller = without_navigation(text, blocks, main_flags(text, blocks, self.main_text(doc, fast=False)))
            more = extended(text, blocks, flags, fuller)
            if more is not None:
                note = (
                    f"fuller extraction: the main content held {share:.0%} of the page's prose, "
                    f"fast=False extended it to {prose_share(text, blocks, more):.0%}"
                )
                flags = MainFlags(more, [note])
        if self.recover:
            notes = flags.notes if isinstance(flags, MainFlags) else []
            flags = MainFlags(recover_prose(text, blocks, flags), notes)
        if not any(flags) and not any(aligned) and _WORD_RE.search(extracted):
            # The extractor kept text that no block of the page matched: an empty body here is a loss, not a
            # page without an article, and the record must say which.
            notes = flags.notes if isinstance(flags, MainFlags) else []
            flags = MainFlags(flags, notes, unaligned=len(extracted))
        return flags


_WORD_RE = re.compile(r"\w")


class MainFlags(list[bool]):
    """Main-content flags with notes on how they were decided (the record's ``main-content`` entries).

    ``unaligned``: characters of text the extractor kept that matched no block (the flags are then all False).
    """

    def __init__(self, flags: Sequence[bool], notes: Sequence[str] = (), *, unaligned: int = 0) -> None:
        super().__init__(flags)
        self.notes = list(notes)
        self.unaligned = unaligned


#: The fuller extraction must keep this share of the prose the first one kept: more of the same article, not
#: another part of the page (comments, a teaser list) that happens to hold more words.
KEEP_SHARE = 0.9
#: A top-level heading after the article opens another story (an endless-scroll page; a guide's sections are h2):
#: the fuller extraction does not take the article past one.
STORY_HEADINGS = frozenset({"h1"})
#: Main content with fewer prose words than this is no article to extend (a stray box was kept, not the story);
#: a short article (a brief, a poem) has more, and is extended or kept, never replaced.
STRAY_WORDS = 60
REPLACE_RATIO = 4


def extended(text: str, blocks: Sequence[Block], flags: Sequence[bool], fuller: Sequence[bool]) -> list[bool] | None:
    """``flags`` with the prose ``fuller`` adds to the same article, or None when it adds none.

    The additions that count lie between the first and the last block ``flags`` kept (the paragraphs after an
    ad slot, a hidden paragraph), or follow the last one in the same region up to the next story heading.
    ``fuller`` must keep what ``flags`` kept, or it found another part of the page, not more of the article.
    """
    import re

    kept_idx = [i for i, f in enumerate(flags) if f]
    had = prose_words(text, blocks, flags)
    if had < STRAY_WORDS:
        # Nothing, or a stray box ("why trust us"): no article to extend. Another part of the page replaces it
        # only when it dwarfs it, as an article dwarfs a box.
        return list(fuller) if prose_words(text, blocks, fuller) >= REPLACE_RATIO * max(had, 1) else None
    first, last = kept_idx[0], kept_idx[-1]
    out = list(flags)
    for i in range(first, len(blocks)):
        if i > last and (blocks[i].tag in STORY_HEADINGS or blocks[i].region != blocks[last].region):
            break  # another story, or the article's container has ended (comments, a sidebar, the footer)
        if fuller[i]:
            out[i] = True
    kept = both = added = 0
    for block, a, b, c in zip(blocks, flags, fuller, out, strict=True):
        if not (a or c):
            continue
        words = len(re.findall(r"\w+", text[block.start : block.end]))
        if words < PROSE_WORDS:
            continue
        kept += words if a else 0
        both += words if a and b else 0
        added += words if c and not a else 0
    return out if added > 0 and both >= KEEP_SHARE * kept else None


def prose_words(text: str, blocks: Sequence[Block], flags: Sequence[bool]) -> int:
    """Words of the prose blocks (``PROSE_WORDS``+ words) the flags keep."""
    import re

    total = 0
    for block, flag in zip(blocks, flags, strict=True):
        if flag:
            words = len(re.findall(r"\w+", text[block.start : block.end]))
            total += words if words >= PROSE_WORDS else 0
    return total


def prose_share(text: str, blocks: Sequence[Block], flags: Sequence[bool]) -> float:
    """Share of the page's prose words (blocks of ``PROSE_WORDS``+ words) that the main content holds."""
    import re

    total = kept = 0
    for block, flag in zip(blocks, flags, strict=True):
        words = len(re.findall(r"\w+", text[block.start : block.end]))
        if words >= PROSE_WORDS:
            total += words
            kept += words if flag else 0
    return kept / total if total else 1.0
