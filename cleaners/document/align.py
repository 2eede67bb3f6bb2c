"""Which blocks of the page an extractor kept: its output aligned back onto the page text, token by token.

trafilatura prints what it kept in its own layout: list items as ``- x``,
table rows as ``| a | b |``, paragraphs joined differently from the page's
blocks. Words survive all of that, so the alignment works on ``\\w+`` tokens
(case kept: the extractor copies text, it does not change it): each output
line is found in the page's token stream, after the previous line's match
(the extractor keeps page order), in pieces anchored on their rarest token and
matched greedily with small skips on either side. A block
whose tokens were mostly matched is main content.

Linear in practice: one dictionary of token positions for the page, and a
bounded amount of work per output line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from cleaners.document.linearise import Block

_TOKEN_RE = re.compile(r"\w+")
#: Page tokens a match may skip to find the next word of a line (inline text the extractor dropped).
SKIP = 6
#: Candidate anchor positions tried per line, after the previous match (then a few before it).
CANDIDATES = 8
#: A line counts as found when this share of its tokens matched in order.
LINE_SHARE = 0.6
#: A block is main content when this share of its tokens were matched.
BLOCK_SHARE = 0.5
#: Output lines are aligned in pieces of at most this many tokens: a whole article printed as one
#: table row must not fail as a whole because a pull quote sits elsewhere in the page.
CHUNK = 24
#: A piece that is not found is split in halves down to this many tokens.
MIN_PIECE = 4


def page_tokens(text: str) -> tuple[list[str], list[int]]:
    """The page's tokens and each token's start offset."""
    words: list[str] = []
    starts: list[int] = []
    for m in _TOKEN_RE.finditer(text):
        words.append(m.group())
        starts.append(m.start())
    return words, starts


def matched_tokens(words: Sequence[str], extracted: str) -> set[int]:
    """Indexes of page tokens that the extracted text accounts for."""
    index: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        index.setdefault(w, []).append(i)
    matched: set[int] = set()
    pos = 0
    for raw_line in extracted.splitlines():
        tokens = _TOKEN_RE.findall(raw_line)
        # Pieces of about equal size, none longer than CHUNK.
        count = max(1, -(-len(tokens) // CHUNK))
        size = -(-len(tokens) // count) if tokens else 0
        for k in range(0, len(tokens), size or 1):
            pieces: list[list[str]] = [tokens[k : k + size]]
            while pieces:
                line = pieces.pop(0)
                found = _find_line(words, index, line, pos)
                if found:
                    matched.update(found)
                    if found[0] >= pos:
                        pos = found[-1] + 1
                elif len(line) >= 2 * MIN_PIECE:
                    # The piece may straddle two places of the page (a pull quote printed elsewhere): halves.
                    half = len(line) // 2
                    pieces[:0] = [line[:half], line[half:]]
    return matched


def _find_line(words: Sequence[str], index: dict[str, list[int]], line: list[str], pos: int) -> list[int]:
    present = [i for i, t in enumerate(line) if t in index]
    if not present:
        return []
    anchor = min(present, key=lambda i: (len(index[line[i]]), i))
    occurrences = index[line[anchor]]
    first = bisect.bisect_left(occurrences, pos + anchor)
    candidates = occurrences[first : first + CANDIDATES] + occurrences[max(0, first - CANDIDATES // 2) : first]
    need = max(1, int(LINE_SHARE * len(line) + 0.999))
    for q in candidates:
        found = _greedy(words, line, max(0, q - anchor))
        if len(found) >= need:
            return found
    return []


def _greedy(words: Sequence[str], line: list[str], start: int) -> list[int]:
    """Line tokens matched in order from ``start``, skipping a few page tokens or line tokens where they differ."""
    found: list[int] = []
    i, j = 0, start
    limit = min(len(words), start + 2 * len(line) + 2 * SKIP)
    while i < len(line) and j < limit:
        if words[j] == line[i]:
            found.append(j)
            i += 1
            j += 1
            continue
        for k in range(j + 1, min(j + 1 + SKIP, limit)):
            if words[k] == line[i]:
                j = k
                break
        else:
            i += 1  # a word the page does not have here
    return found


def main_flags(text: str, blocks: Sequence[Block], extracted: str) -> list[bool]:
    """For each block, whether the extracted text kept it.

    A block without any word (a lone ``|`` or ``—``) follows its neighbours:
    main when the nearest worded blocks on both sides are.
    """
    words, starts = page_tokens(text)
    matched = matched_tokens(words, extracted)
    flags: list[bool | None] = []
    t = 0
    for block in blocks:
        while t < len(starts) and starts[t] < block.start:
            t += 1
        total = hits = 0
        while t < len(starts) and starts[t] < block.end:
            total += 1
            hits += t in matched
            t += 1
        flags.append(None if total == 0 else hits >= BLOCK_SHARE * total)
    return _fill(flags)


def _fill(flags: list[bool | None]) -> list[bool]:
    """Unknown flags take ``before and after``: two linear passes, whatever the page."""
    before: list[bool] = []
    last = False
    for flag in flags:
        if flag is not None:
            last = flag
        before.append(last)
    out = [False] * len(flags)
    nxt = False
    for i in range(len(flags) - 1, -1, -1):
        flag = flags[i]
        if flag is not None:
            nxt = flag
            out[i] = flag
        else:
            out[i] = before[i] and nxt
    return out


#: A block whose words are all link text and at most this many is a menu entry.
MENU_WORDS = 6
#: A block of two or more links that is (nearly) all link text and at most this many words is a link bar.
BAR_WORDS = 12
#: Linked headlines: this many link-only blocks in a row (two under a short title) are a list of links
#: (a "Most read" box an extractor kept), however long each headline is, up to this many words.
LIST_RUN = 3
HEADLINE_WORDS = 30


def link_shape(text: str, block: Block) -> tuple[int, int, int]:
    """``(words, linked words, links)`` of a block."""
    words = len(_TOKEN_RE.findall(text, block.start, block.end))
    linked = sum(len(_TOKEN_RE.findall(text, link.start, link.end)) for link in block.links)
    return words, linked, len(block.links)


def without_navigation(text: str, blocks: Sequence[Block], flags: Sequence[bool]) -> list[bool]:
    """Main-content flags with menus, link bars and lists of linked headlines taken out.

    Extractors keep navigation that sits in the same table or container as the
    article (old table layouts above all): cells that are nothing but a short
    link each ("Home", "Sports"), bars of links ("Facebook | Twitter | Print"),
    and boxes of linked headlines. A block whose words are all link text goes
    when it has two or more links and is short, when a neighbouring main block
    is a short link too, or when it stands in a run of three or more such
    blocks. A single linked line inside the article (a "Full statement" link)
    stays. The cleaners still see these blocks: a related list among them is
    claimed as related wherever it stands.
    """
    shapes = [link_shape(text, b) if flag else (0, 0, 0) for b, flag in zip(blocks, flags, strict=True)]

    def only(i: int, limit: int) -> bool:
        words, linked, links = shapes[i]
        if not words or not links or words > limit:
            return False
        # A bar may carry a word of its own ("Share: Facebook | Twitter"); a single link must be the whole line.
        return linked >= max(words - 1, 0.6 * words) if links >= 2 else linked == words

    out = list(flags)
    n = len(blocks)
    i = 0
    while i < n:
        if not only(i, HEADLINE_WORDS):
            i += 1
            continue
        j = i
        while j < n and only(j, HEADLINE_WORDS):
            j += 1
        run = range(i, j)
        titled = i > 0 and flags[i - 1] and _is_list_header(text, blocks[i - 1], shapes[i - 1])
        is_list = len(run) >= LIST_RUN or (titled and len(run) >= 2)
        for k in run:
            short = only(k, MENU_WORDS)
            bar = shapes[k][2] >= 2 and only(k, BAR_WORDS)
            if is_list or bar or (short and len(run) >= 2):
                out[k] = False
        if is_list and titled:
            out[i - 1] = False  # the list's own header ("Most read")
        i = j
    return out


def _is_list_header(text: str, block: Block, shape: tuple[int, int, int]) -> bool:
    """A short unlinked line that is not a sentence: the title of the list below it."""
    words, _, links = shape
    line = text[block.start : block.end].rstrip()
    return 0 < words <= MENU_WORDS and not links and not line.endswith((".", "!", "?", '"', "”"))
