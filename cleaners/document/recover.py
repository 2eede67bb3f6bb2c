"""Recall: when the extractor stops short of the article, take back the prose that continues it.

trafilatura (``fast: True`` above all) sometimes keeps the first part of an
article and drops the rest: the paragraphs after an ad break ("Advertisement",
a newsletter box), or a body split over several containers. On the whole
page those paragraphs are still there, right after the kept ones, and look
exactly like them: the same block element in the same region, long, with
few links. This module extends the main content over such paragraphs.

- The article's *prose signature* is the (region, tag) most of the kept
  prose stands in (``article``/``p`` on most pages); prose is a block of at
  least :data:`PROSE_WORDS` words that is not mostly link text.
- From every kept block, the walk goes on to the following blocks (and back
  to the preceding ones): a prose block of the signature is taken back; a
  short block (:data:`GAP_WORDS` words or fewer: an ad label, a caption, a
  "Subscribe" line) is stepped over, at most :data:`MAX_GAP` in a row, and
  stays outside the main content; anything else (a list, a long block of
  another kind, another region) ends the walk.
- Only an article cut short is continued: the kept prose has at least
  :data:`MIN_KEPT` words and what comes back is at least :data:`MIN_GAIN` of
  it. Without this, a quotes site's other quote cards and a lone photo
  caption after a long article came back (AEB tuning half: precision 0.967
  -> 0.950); with it, precision stays 0.967 and recall goes 0.973 -> 0.988.
  The constants were chosen on the tuning half of ``benchmarks/aeb.py``'s
  site-disjoint split only (gap 15 words: recall 0.981; 30: 0.988).

What is taken back is main content, so the cleaners still judge every line
of it (a bio, a promo, a repeated furniture line in it is claimed as usual).
The cost of this and of the alternative, a fuller extraction (``fast:
False``) for such pages only, is measured by ``benchmarks/aeb.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from cleaners.document.linearise import Block

_TOKEN_RE = re.compile(r"\w+")
#: A block of this many words or more, mostly not link text, is prose.
PROSE_WORDS = 12
#: At most this share of a prose block's words may be link text.
LINK_SHARE = 0.3
#: Blocks of at most this many words may stand between two paragraphs of the article (ad labels, captions).
GAP_WORDS = 30
#: And at most this many of them in a row.
MAX_GAP = 3
#: Only an article cut short is continued: the kept prose has at least this many words ...
MIN_KEPT = 150
#: ... and what would come back is at least this share of it (one stray caption after a long article is not).
MIN_GAIN = 0.25


def _shape(text: str, block: Block) -> tuple[int, bool]:
    """(words, is prose) of a block."""
    words = len(_TOKEN_RE.findall(text, block.start, block.end))
    if words < PROSE_WORDS:
        return words, False
    linked = sum(len(_TOKEN_RE.findall(text, link.start, link.end)) for link in block.links)
    return words, linked <= LINK_SHARE * words


def signature(text: str, blocks: Sequence[Block], flags: Sequence[bool]) -> tuple[str, str] | None:
    """The (region, tag) that holds most of the kept prose's words, or None when nothing kept is prose."""
    weight: Counter[tuple[str, str]] = Counter()
    for block, flag in zip(blocks, flags, strict=True):
        if flag:
            words, prose = _shape(text, block)
            if prose:
                weight[(block.region, block.tag)] += words
    return weight.most_common(1)[0][0] if weight else None


def recover_prose(
    text: str,
    blocks: Sequence[Block],
    flags: Sequence[bool],
    gap_words: int | None = None,
    min_kept: int | None = None,
    min_gain: float | None = None,
) -> list[bool]:
    """``flags`` with the article's continuation taken back (see the module docstring)."""
    gap_words = GAP_WORDS if gap_words is None else gap_words
    min_kept = MIN_KEPT if min_kept is None else min_kept
    min_gain = MIN_GAIN if min_gain is None else min_gain
    sig = signature(text, blocks, flags)
    out = list(flags)
    if sig is None:
        return out
    shapes: list[tuple[int, bool] | None] = [None] * len(blocks)

    def shape(i: int) -> tuple[int, bool]:
        found = shapes[i]
        if found is None:
            found = shapes[i] = _shape(text, blocks[i])
        return found

    def walk(start: int, step: int) -> None:
        i, gap = start + step, 0
        while 0 <= i < len(blocks) and not out[i]:
            words, prose = shape(i)
            if prose and (blocks[i].region, blocks[i].tag) == sig:
                out[i], gap = True, 0
            elif words <= gap_words and gap < MAX_GAP:
                gap += 1
            else:
                return
            i += step

    kept = [i for i, flag in enumerate(flags) if flag]
    for i in kept:
        walk(i, 1)
    for i in reversed(kept):
        walk(i, -1)
    kept_words = sum(shape(i)[0] for i in kept if shape(i)[1])
    gained = sum(shape(i)[0] for i, (new, old) in enumerate(zip(out, flags, strict=True)) if new and not old)
    if kept_words < min_kept or gained < min_gain * kept_words:
        return list(flags)
    return out
